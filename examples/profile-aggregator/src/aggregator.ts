// Builds a user's profile from several backends queried in parallel, one task per backend.
import { type Dest, formatReason, sleep } from "@trellis/core";
import * as Task from "@trellis/task";

/** A backend: given a user id, one section of the profile. */
export type Backend = (user: string) => Promise<string>;

/** A profile: one entry per backend that answered. */
export type Profile = Record<string, string>;

/** A profile that may be missing sections, with why each one is missing. */
export interface PartialProfile {
  readonly sections: Profile;
  readonly missing: Record<string, string>;
}

/**
 * All sections or nothing: one linked task per backend, awaited together. A backend that
 * crashes crashes the caller (the tasks are linked); one slower than `timeout` makes
 * `Task.awaitMany` reject with a `TaskTimeoutError`.
 */
export async function fetchProfile(
  user: string,
  backends: Record<string, Backend>,
  timeout = 1000,
): Promise<Profile> {
  const names = Object.keys(backends);
  const tasks = names.map((name) => Task.async(() => lookup(backends, name, user)));
  const values = await Task.awaitMany(tasks, timeout); // in the order of `names`
  return Object.fromEntries(names.map((name, i) => [name, values[i] ?? ""]));
}

/**
 * Whatever is ready after `timeout` ms: the tasks run under the Task.Supervisor `sup`, not
 * linked to the caller, so a crash is a result rather than a crash of the caller; the ones
 * still running when the time is up are killed.
 */
export async function fetchPartialProfile(
  sup: Dest,
  user: string,
  backends: Record<string, Backend>,
  timeout: number,
): Promise<PartialProfile> {
  const names = Object.keys(backends);
  const tasks = await Promise.all(
    names.map((name) => Task.Supervisor.asyncNolink(sup, () => lookup(backends, name, user))),
  );
  const results = await Task.yieldMany(tasks, { timeout, onTimeout: "kill_task" });
  const sections: Record<string, string> = {};
  const missing: Record<string, string> = {};
  results.forEach(([, result], i) => {
    const name = names[i] ?? "";
    if (result === null) missing[name] = "timed out";
    else if (result.type === "ok") sections[name] = result.value;
    else missing[name] = `crashed: ${formatReason(result.reason)}`;
  });
  return { sections, missing };
}

function lookup(backends: Record<string, Backend>, name: string, user: string): Promise<string> {
  const backend = backends[name];
  if (backend === undefined) throw new Error(`no backend ${name}`);
  return backend(user);
}

/** A backend that answers `text` after `ms` milliseconds (of process time). */
export function after(ms: number, text: string): Backend {
  return async (user) => {
    await sleep(ms);
    return `${text} of ${user}`;
  };
}

/** A backend that fails after `ms` milliseconds. */
export function failing(ms: number, message: string): Backend {
  return async () => {
    await sleep(ms);
    throw new Error(message);
  };
}
