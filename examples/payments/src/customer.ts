// Each active customer gets a small supervisor of its own, started on demand under the
// customers DynamicSupervisor and named `customer/<id>` in the registry:
//
//   customer/<id>  Supervisor, one_for_one, autoShutdown: "any_significant"
//   ├─ limiter/<id>  RateLimiter (GenServer), permanent
//   └─ session/<id>  Session (GenServer), transient, significant
//
// one_for_one: a request asks the limiter, then the session; neither keeps state derived
// from the other, so a crash of either is repaired alone. The session is significant: when
// it stops "normal" after its idle timeout, the supervisor stops the limiter and exits, and
// the DynamicSupervisor forgets it.
import {
  AlreadyStartedError,
  CallError,
  InitError,
  isQuietReason,
  NoProcessError,
  type Pid,
  self,
  whereis,
} from "@trellis/core";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as Supervisor from "@trellis/supervisor";
import * as Config from "./config.js";
import { notify } from "./events.js";
import { CUSTOMERS, name } from "./names.js";
import * as RateLimiter from "./rate-limiter.js";
import * as Session from "./session.js";

/** The customer's supervisor: its children are computed from the config when it starts. */
const Customer: Supervisor.Definition<string> = Supervisor.define(async (customer: string) => {
  notify({ type: "customer_started", customer, supervisor: self() });
  const c = await Config.get();
  return Supervisor.init(
    [
      RateLimiter.childSpec(customer, c.rateLimit),
      Session.childSpec({ customer, idleMs: c.sessionIdleMs }),
    ],
    { strategy: "one_for_one", autoShutdown: "any_significant", maxRestarts: 3, maxSeconds: 5 },
  );
});

/** The child spec for the customers DynamicSupervisor. */
export function childSpec(customer: string): Supervisor.ChildSpec {
  return Supervisor.childSpec(Customer, customer, {
    id: customer,
    name: name(`customer/${customer}`),
    restart: "transient",
  });
}

/** The customer's supervisor, if it is running. */
export function whereisCustomer(customer: string): Pid | undefined {
  return whereis(name(`customer/${customer}`));
}

/**
 * The customer's supervisor, started if it is not running. Two requests racing to start
 * it both get the one that won (the loser's start fails on the taken name).
 */
export async function ensure(customer: string): Promise<Pid> {
  const running = whereisCustomer(customer);
  if (running !== undefined) return running;
  try {
    const pid = await DynamicSupervisor.startChild(CUSTOMERS, childSpec(customer));
    if (pid === "ignore") throw new Error(`the supervisor of ${customer} ignored its start`);
    return pid;
  } catch (e) {
    if (e instanceof InitError && e.reason instanceof AlreadyStartedError) return e.reason.pid;
    throw e;
  }
}

/**
 * Whether a failed call never reached a live process: nobody held the name, or the process
 * was stopping on purpose ("normal", "shutdown") and exited without handling the request.
 * Such a request can safely be sent again. A crash or a kill (any other reason) may have
 * come after the request was handled, so it is not retried.
 */
function notHandled(e: unknown): boolean {
  return e instanceof NoProcessError || (e instanceof CallError && isQuietReason(e.reason));
}

/**
 * Runs `fn` (which talks to the customer's processes by name) with the customer's
 * supervisor running. If one of them is missing, it is being restarted or the customer is
 * shutting down after its idle timeout: wait until the supervisor has dealt with it (its
 * answer to a call comes after it has handled the exit), then try again.
 */
export async function withCustomer<T>(customer: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const sup = await ensure(customer);
    try {
      return await fn();
    } catch (e) {
      if (!notHandled(e) || attempt >= 3) throw e;
      await Supervisor.countChildren(sup).catch((gone: unknown) => {
        // it stopped while we asked: the next attempt starts a new one
        if (!(gone instanceof NoProcessError || gone instanceof CallError)) throw gone;
      });
    }
  }
}

/** How many times the customer's supervisor has restarted its session. */
export async function sessionRestarts(customer: string): Promise<number> {
  const sup = whereisCustomer(customer);
  if (sup === undefined) return 0;
  const children = await Supervisor.whichChildren(sup);
  return children.find((c) => c.id === "session")?.restarts ?? 0;
}
