// A customer's profile, aggregated from three backends. Each backend is asked in a task
// started with Task.Supervisor.asyncNolink under the service's Task.Supervisor: not linked
// to the request's process, so a backend that crashes comes back as an exit result instead
// of taking the request down; Task.yieldMany waits for all of them together, up to the
// configured timeout, and kills the ones still running. What answered makes the profile; what
// did not is listed as missing, and the answer is partial rather than an error.
//
// Complete profiles go to the read-through cache (an ETS table): the next request reads them
// in its own process, with no message to anyone.
import * as Task from "@trellis/task";
import { type Account, ask, type Loyalty, type Risk } from "./backends.js";
import * as Config from "./config.js";
import { BACKENDS, type BackendName } from "./config.js";
import { notify } from "./events.js";
import { TASKS } from "./names.js";
import { cachedProfile, cacheProfile } from "./store.js";

/** A profile (a plain object: it is stored in ETS as it is). */
export type Profile = {
  readonly customer: string;
  readonly account: Account | null;
  readonly risk: Risk | null;
  readonly loyalty: Loyalty | null;
  /** The backends that did not answer in time or crashed. */
  readonly missing: readonly BackendName[];
};

/** What `profile` answers: the profile, and where it came from. */
export interface ProfileAnswer {
  readonly profile: Profile;
  readonly source: "cache" | "backends";
}

function describeExit(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

/** The profile of `customer`: from the cache, or aggregated from the backends. */
export async function profile(customer: string): Promise<ProfileAnswer> {
  const cached = cachedProfile(customer);
  if (cached !== undefined) {
    notify({ type: "profile", customer, source: "cache", missing: [] });
    return { profile: cached, source: "cache" };
  }
  const config = await Config.get();
  const accounts = await Task.Supervisor.asyncNolink(TASKS, () =>
    ask("accounts", customer, config.backends.accounts),
  );
  const risk = await Task.Supervisor.asyncNolink(TASKS, () =>
    ask("risk", customer, config.backends.risk),
  );
  const loyalty = await Task.Supervisor.asyncNolink(TASKS, () =>
    ask("loyalty", customer, config.backends.loyalty),
  );
  const [[, a], [, r], [, l]] = await Task.yieldMany([accounts, risk, loyalty], {
    timeout: config.backendTimeoutMs,
    onTimeout: "kill_task",
  });
  const missing: BackendName[] = [];
  const results = [a, r, l] as const;
  BACKENDS.forEach((backend, i) => {
    const result = results[i];
    if (result?.type === "ok") return;
    missing.push(backend);
    notify({
      type: "backend_failed",
      customer,
      backend,
      reason: result === null || result === undefined ? "timeout" : "crash",
      detail:
        result === null || result === undefined
          ? `timeout ${config.backendTimeoutMs} ms`
          : describeExit(result.reason),
    });
  });
  const p: Profile = {
    customer,
    account: a?.type === "ok" ? a.value : null,
    risk: r?.type === "ok" ? r.value : null,
    loyalty: l?.type === "ok" ? l.value : null,
    missing,
  };
  if (missing.length === 0) await cacheProfile(customer, p, config.cacheTtlMs);
  notify({ type: "profile", customer, source: "backends", missing });
  return { profile: p, source: "backends" };
}
