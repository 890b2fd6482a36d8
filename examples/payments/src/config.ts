// The service's configuration, kept in an Agent: every process reads it when it needs it
// (a session its idle timeout when it starts, the profile aggregator the backends' settings
// on every request), and an operator (here, the demo) changes it while the service runs.
import * as Agent from "@trellis/agent";
import type * as GenServer from "@trellis/gen-server";

/** The profile backends the aggregator asks. */
export type BackendName = "accounts" | "risk" | "loyalty";

/** The backends, in the order a profile shows them. */
export const BACKENDS: readonly BackendName[] = ["accounts", "risk", "loyalty"];

/** How a (simulated) backend behaves: answers after `latencyMs`, hangs, or crashes. */
export interface BackendSettings {
  readonly mode: "ok" | "slow" | "crash";
  /** How long an answer (or a crash) takes, in ms. */
  readonly latencyMs: number;
}

/** A token bucket: `capacity` tokens, `refill` more every `intervalMs`. */
export interface RateLimit {
  readonly capacity: number;
  readonly refill: number;
  readonly intervalMs: number;
}

export interface Config {
  /** How long an authorization holds before it is voided (the payment's state timeout). */
  readonly authorizationTimeoutMs: number;
  /** How long a settled payment's process stays up to answer questions, before it retires. */
  readonly settledRetentionMs: number;
  /** Amounts above this (in cents) are declined. */
  readonly maxAmountCents: number;
  /** A session with no request for this long stops (GenServer idle timeout). */
  readonly sessionIdleMs: number;
  /** Each customer's rate limit. */
  readonly rateLimit: RateLimit;
  /** How long the profile aggregator waits for its backends, all together. */
  readonly backendTimeoutMs: number;
  /** How long a complete profile stays in the cache. */
  readonly cacheTtlMs: number;
  readonly backends: Readonly<Record<BackendName, BackendSettings>>;
}

/** Production-like settings. */
export const DEFAULT_CONFIG: Config = {
  authorizationTimeoutMs: 7 * 24 * 60 * 60 * 1000,
  settledRetentionMs: 60 * 60 * 1000,
  maxAmountCents: 1_000_000,
  sessionIdleMs: 30 * 60 * 1000,
  rateLimit: { capacity: 20, refill: 5, intervalMs: 1000 },
  backendTimeoutMs: 1000,
  cacheTtlMs: 60_000,
  backends: {
    accounts: { mode: "ok", latencyMs: 20 },
    risk: { mode: "ok", latencyMs: 30 },
    loyalty: { mode: "ok", latencyMs: 25 },
  },
};

/** The registered name of the config agent. */
export const CONFIG = "payments.config";

/** The child spec: an Agent holding `initial`, registered as {@link CONFIG}. */
export function childSpec(initial: Config): GenServer.ChildSpec {
  return Agent.childSpec(() => initial, { id: "config", name: CONFIG });
}

/** The whole configuration (one call to the agent). */
export function get(): Promise<Config> {
  return Agent.get(CONFIG, (config: Config) => config);
}

/** One setting (the function runs in the agent; only the answer travels). */
export function read<T>(fn: (config: Config) => T): Promise<T> {
  return Agent.get(CONFIG, fn);
}

/** Changes the configuration; later readers see the change. */
export function update(fn: (config: Config) => Config): Promise<void> {
  return Agent.update(CONFIG, fn);
}

/** Changes how one backend behaves (the demo's fault injection). */
export function setBackend(name: BackendName, settings: Partial<BackendSettings>): Promise<void> {
  return update((c) => ({
    ...c,
    backends: { ...c.backends, [name]: { ...c.backends[name], ...settings } },
  }));
}
