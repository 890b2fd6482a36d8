/**
 * The application master (Erlang's `application_master`): one process per running
 * application. It runs `start`, links to the root supervisor, and then waits for one of two
 * things: the root exiting by itself (the application terminated), or a stop request
 * (`prepStop`, the tree's ordinary shutdown, `stop`).
 */
import {
  equals,
  formatReason,
  isExit,
  link,
  Pid,
  type Runtime,
  receive,
  Sys,
  exit as sendExit,
  trapExit,
} from "@trellis/core";
import type { AnyApplication, StartContext } from "../definition.js";

/** What the master tells the controller. */
export interface MasterEvents {
  /** `start` resolved with a running supervisor. */
  started(root: Pid): void;
  /** `start` failed; the master exits. */
  failed(reason: unknown): void;
  /** The root supervisor exited by itself with `reason`; prepStop and stop have run. */
  terminated(reason: unknown): void;
  /** A callback (prepStop, stop) failed: reported, and the stop goes on. */
  callbackFailed(callback: "prepStop" | "stop", error: unknown): void;
}

/** A stop request to the master: it exits `"normal"` once the tree is gone and `stop` has run. */
export class StopRequest {
  readonly type = "stop";
}

const isStopRequest = (m: unknown): m is StopRequest => m instanceof StopRequest;

/** Whether `pid` is a live supervisor of `rt` (Supervisor, DynamicSupervisor, Task.Supervisor). */
function isSupervisor(rt: Runtime, pid: Pid): boolean {
  const behaviour = rt.processInfo(pid)?.behaviour;
  return behaviour !== undefined && /Supervisor$/.test(behaviour);
}

/** Spawns the master of `app`. */
export function spawnMaster(
  rt: Runtime,
  app: AnyApplication,
  context: StartContext<unknown>,
  events: MasterEvents,
): Pid {
  return rt.spawn(async () => {
    trapExit(true);
    let result: unknown;
    try {
      result = await app.start(context as StartContext<never>);
    } catch (e) {
      events.failed(e);
      return;
    }
    const pid =
      result instanceof Pid
        ? result
        : typeof result === "object" &&
            result !== null &&
            (result as { pid?: unknown }).pid instanceof Pid
          ? (result as { pid: Pid }).pid
          : undefined;
    if (pid === undefined || !isSupervisor(rt, pid)) {
      // Whatever it started is not the application's tree; it must not outlive the failure.
      if (pid !== undefined && rt.isAlive(pid)) sendExit(pid, "kill");
      events.failed({ bad_return: result });
      return;
    }
    let state: unknown = result instanceof Pid ? undefined : (result as { state?: unknown }).state;
    link(pid);
    events.started(pid);
    const prepStop = async (): Promise<void> => {
      if (app.prepStop === undefined) return;
      try {
        state = await app.prepStop(state);
      } catch (e) {
        events.callbackFailed("prepStop", e);
      }
    };
    const stop = async (): Promise<void> => {
      if (app.stop === undefined) return;
      try {
        await app.stop(state);
      } catch (e) {
        events.callbackFailed("stop", e);
      }
    };
    const msg = await receive((m) => (isExit(m) && equals(m.from, pid)) || isStopRequest(m));
    if (isStopRequest(msg)) {
      await prepStop();
      try {
        // The tree's ordinary shutdown: children newest first, each within its own
        // shutdown time. The root's shutdown is Infinity (Erlang's application master waits
        // for its root the same way); a deadline over the whole is runMain's.
        await Sys.terminate(pid, "shutdown", Number.POSITIVE_INFINITY, {
          module: "Application",
          function: "stop",
        });
      } catch {
        // It exited meanwhile, with whatever reason: it is gone either way.
      }
      await receive((m) => isExit(m) && equals(m.from, pid));
      await stop();
      return;
    }
    await prepStop();
    await stop();
    events.terminated(isExit(msg) ? msg.reason : formatReason(msg));
  });
}
