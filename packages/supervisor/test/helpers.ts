// Test children: plain processes started with spawnLink that report to the test process.
import {
  downFor,
  ExitError,
  monitor,
  type Pid,
  receive,
  self,
  send,
  sleep,
  spawn,
  spawnLink,
  startSpecial,
  trapExit,
} from "@trellis/core";
import { assertReceive } from "@trellis/core/testing";
import type { ChildSpec } from "@trellis/supervisor";

/** What test children report. */
export type Event =
  | { readonly type: "started"; readonly id: unknown; readonly pid: Pid }
  | {
      readonly type: "stopping";
      readonly id: unknown;
      readonly pid: Pid;
      readonly reason: unknown;
    };

export interface WorkerOptions extends Omit<Partial<ChildSpec>, "id" | "start"> {
  /** Trap exits; on an EXIT from the supervisor, wait `stopAfter` ms then exit with `exitWith` (default: the EXIT's reason). */
  readonly trap?: boolean;
  /** Milliseconds a trapping child takes to stop. Default 0; Infinity never stops. */
  readonly stopAfter?: number;
  /** The reason a trapping child exits with when asked to stop. */
  readonly exitWith?: unknown;
  /** Where to report. Default: the caller of `worker`. */
  readonly to?: Pid;
}

/**
 * A child spec for a worker: a small special process (started with an acknowledged init,
 * like every behaviour) that reports `started` to the test process and then waits. It
 * crashes on the message "crash" and exits with `reason` on `{ exit: reason }`.
 */
export function worker(id: unknown, options: WorkerOptions = {}): ChildSpec {
  const { trap, stopAfter, exitWith, to, ...spec } = options;
  const test = to ?? self();
  return {
    id,
    start: () =>
      startSpecial(
        (me) => {
          if (trap === true) trapExit(true);
          send(test, { type: "started", id, pid: me } satisfies Event);
          return {
            type: "ok",
            process: {
              handleMessage(msg) {
                if (msg === "crash") throw new Error(`${String(id)} crashed`);
                if (typeof msg === "object" && msg !== null && "exit" in msg) {
                  throw new ExitError((msg as { exit: unknown }).exit);
                }
              },
              async handleParentExit(reason) {
                send(test, { type: "stopping", id, pid: me, reason } satisfies Event);
                if (stopAfter === Number.POSITIVE_INFINITY) await receive(() => false);
                if (stopAfter !== undefined && stopAfter > 0) await sleep(stopAfter);
                throw new ExitError(exitWith === undefined ? reason : exitWith);
              },
            },
          };
        },
        { link: true, behaviour: "TestWorker" },
      ),
    ...spec,
  };
}

/** Waits for the `started` report of `id` and returns the pid. */
export async function started(id: unknown, timeout = 100): Promise<Pid> {
  const msg = await assertReceive<Event>(
    (m) => (m as Event)?.type === "started" && (m as Event).id === id,
    { timeout },
  );
  return msg.pid;
}

/** Collects the ids of the next `n` events of a type, in order. */
export async function events(type: Event["type"], n: number, timeout = 100): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const m = await assertReceive<Event>((x) => (x as Event)?.type === type, { timeout });
    out.push(m.id);
  }
  return out;
}

/** Whether `m` is an event (to refute them). */
export function isEvent(m: unknown): m is Event {
  return (
    typeof m === "object" &&
    m !== null &&
    "type" in m &&
    ((m as Event).type === "started" || (m as Event).type === "stopping")
  );
}

/**
 * From inside a child's start function (which runs in the supervisor): spawns a watcher
 * that reports the supervisor's exit reason to `test` as `{ type: "supDown", reason }`.
 */
export function watchSupervisor(test: Pid): void {
  const sup = self();
  spawn(async () => {
    const ref = monitor(sup);
    const down = await receive(downFor(ref));
    send(test, { type: "supDown", reason: down.reason });
  });
}

/** Waits for the watcher's report. */
export async function supervisorDown(timeout = 100): Promise<unknown> {
  const m = await assertReceive<{ type: "supDown"; reason: unknown }>(
    (x) => (x as { type?: unknown })?.type === "supDown",
    { timeout },
  );
  return m.reason;
}

/** A spec whose start function runs `fn` (in the supervisor) and whose child waits forever. */
export function custom(
  id: unknown,
  fn: () => Promise<Pid | "ignore"> | Pid | "ignore",
  extra: Omit<Partial<ChildSpec>, "id" | "start"> = {},
): ChildSpec {
  return { id, start: async () => fn(), ...extra };
}

/** Starts a child that reports `started` and waits (for use inside `custom`). */
export function spawnWorker(id: unknown, test: Pid): Pid {
  return spawnLink(async (me) => {
    send(test, { type: "started", id, pid: me } satisfies Event);
    await receive(() => false);
  });
}
