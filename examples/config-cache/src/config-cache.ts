// Configuration kept in an Agent: a value in a process that any process reads and changes.
// Every function given to the agent runs inside it, one at a time, so readers never see a
// half-applied change and two writers never overwrite each other.
import * as Agent from "@trellis/agent";

/** Configuration values by key. */
export type Values = Readonly<Record<string, string>>;

/** What the agent holds: the values and a version bumped by every change. */
export interface Config {
  readonly version: number;
  readonly values: Values;
}

/** Where configuration comes from (a file, an environment, a service…). */
export type Source = () => Values | Promise<Values>;

/** A running configuration cache. */
export type ConfigCache = Agent.Agent<Config>;

/** Starts the cache, loading the first configuration inside the new process. */
export function startLink(source: Source, name?: string): Promise<ConfigCache> {
  return Agent.startLink(
    async () => ({ version: 1, values: await source() }),
    name === undefined ? {} : { name },
  );
}

/** One value (runs `values[key]` in the agent; the state stays as it is). */
export function get(cache: ConfigCache, key: string): Promise<string | undefined> {
  return Agent.get(cache, (config) => config.values[key]);
}

/** The current version. */
export function version(cache: ConfigCache): Promise<number> {
  return Agent.get(cache, (config) => config.version);
}

/** Sets one value by hand (an `update`: resolves once applied). */
export function set(cache: ConfigCache, key: string, value: string): Promise<void> {
  return Agent.update(cache, (config) => ({
    version: config.version + 1,
    values: { ...config.values, [key]: value },
  }));
}

/**
 * Reloads from `source` and answers the keys whose value changed. The load runs in the
 * caller (slow work stays out of the agent, and a failing load changes nothing); the swap
 * and the comparison with the old values run in the agent, as one `getAndUpdate`.
 */
export async function reload(cache: ConfigCache, source: Source): Promise<string[]> {
  const fresh = await source();
  return Agent.getAndUpdate(cache, (config): [string[], Config] => {
    const keys = new Set([...Object.keys(config.values), ...Object.keys(fresh)]);
    const changed = [...keys].filter((k) => config.values[k] !== fresh[k]).sort();
    return [changed, { version: config.version + 1, values: fresh }];
  });
}
