// Test children for DynamicSupervisor: small special processes that report to the test process.
import {
  ExitError,
  type Pid,
  receive,
  self,
  send,
  sleep,
  startSpecial,
  trapExit,
} from "@trellis/core";
import { assertReceive } from "@trellis/core/testing";
import type { ChildSpec } from "@trellis/supervisor";

export type Event =
  | { readonly type: "started"; readonly tag: string; readonly pid: Pid; readonly args: unknown[] }
  | {
      readonly type: "stopping";
      readonly tag: string;
      readonly pid: Pid;
      readonly reason: unknown;
    };

export interface WorkerOptions extends Omit<Partial<ChildSpec>, "id" | "start"> {
  readonly trap?: boolean;
  readonly stopAfter?: number;
  readonly exitWith?: unknown;
}

/**
 * A child spec for a worker tagged `tag`: it reports `started` (with the arguments its start
 * function got) and, when trapping exits, `stopping`. It crashes on "crash" and exits with
 * `reason` on `{ exit: reason }`.
 */
export function worker(tag: string, options: WorkerOptions = {}): ChildSpec {
  const { trap, stopAfter, exitWith, ...spec } = options;
  const test = self();
  return {
    id: tag,
    start: (...args: unknown[]) =>
      startSpecial(
        (me) => {
          if (trap === true) trapExit(true);
          send(test, { type: "started", tag, pid: me, args } satisfies Event);
          return {
            type: "ok",
            process: {
              handleMessage(msg) {
                if (msg === "crash") throw new Error(`${tag} crashed`);
                if (typeof msg === "object" && msg !== null && "exit" in msg) {
                  throw new ExitError((msg as { exit: unknown }).exit);
                }
              },
              async handleParentExit(reason) {
                send(test, { type: "stopping", tag, pid: me, reason } satisfies Event);
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

export function isEvent(m: unknown): m is Event {
  return (
    typeof m === "object" &&
    m !== null &&
    ((m as Event).type === "started" || (m as Event).type === "stopping") &&
    "tag" in m
  );
}

/** Waits for a `started` report of `tag`. */
export async function started(
  tag: string,
  timeout = 100,
): Promise<Extract<Event, { type: "started" }>> {
  return assertReceive<Extract<Event, { type: "started" }>>(
    (m) => isEvent(m) && m.type === "started" && m.tag === tag,
    { timeout },
  );
}

export const isStarted = (m: unknown): boolean => isEvent(m) && m.type === "started";
export const isStopping = (m: unknown): m is Extract<Event, { type: "stopping" }> =>
  isEvent(m) && m.type === "stopping";
