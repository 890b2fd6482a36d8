// Starting a child and classifying how it went; shared by the supervisor process.

import type { ChildStartResult } from "@trellis/core";
import {
  BadArgumentError,
  ExitError,
  formatReason,
  InitError,
  isQuietReason,
  Pid,
} from "@trellis/core";
import { StartChildError } from "../errors.js";
import type { ResolvedChildSpec } from "../types.js";
import { describeId } from "./describe.js";

/** A start function failed; `reason` is the child's reason. */
export class StartFailure {
  readonly reason: unknown;
  constructor(reason: unknown) {
    this.reason = reason;
  }
}

/** The reason of a start function that threw `e` (Erlang's `{error, Reason}`). */
export function startFailureReason(e: unknown): unknown {
  // A child supervisor that failed to start: its exit reason names the path down to the
  // failing grandchild ({shutdown, {failed_to_start_child, Id, Reason}}), as in OTP.
  if (e instanceof StartChildError && e.exitReason !== undefined) return e.exitReason;
  if (e instanceof InitError) return e.reason;
  if (e instanceof ExitError) return e.exitReason;
  if (e instanceof Error) return e;
  return { nocatch: e };
}

/**
 * Calls a start function and classifies the outcome. Written with one `then` rather than as
 * an `async` function: a restart waits on it, and the async form cost a promise and a
 * microtask turn more per start (ADR 0004).
 */
export function launch(
  id: unknown,
  start: (...args: never[]) => Promise<ChildStartResult>,
  args: readonly unknown[] | undefined,
): Promise<Pid | "ignore" | StartFailure> {
  let started: unknown;
  try {
    started =
      args === undefined || args.length === 0
        ? (start as () => Promise<unknown>)()
        : (start as (...a: unknown[]) => Promise<unknown>)(...args);
  } catch (e) {
    return Promise.resolve(new StartFailure(startFailureReason(e)));
  }
  return Promise.resolve(started).then(
    (r) => classify(id, r),
    (e: unknown) => new StartFailure(startFailureReason(e)),
  );
}

/** What a start function resolved with: a pid, "ignore", or a failure for anything else. */
function classify(id: unknown, r: unknown): Pid | "ignore" | StartFailure {
  if (r === "ignore" || Pid.is(r)) return r;
  return new StartFailure(
    new BadArgumentError(
      `the start function of the child ${describeId(id)} resolved with ${formatReason(r)}; it must resolve with the pid of the child it started and linked to its caller, or "ignore"`,
    ),
  );
}

/** Whether a child stopped by its supervisor exited as expected (Erlang's `shutdown/1` rules). */
export function expectedShutdownReason(reason: unknown, spec: ResolvedChildSpec): boolean {
  if (reason === (spec.shutdown === "brutal_kill" ? "killed" : "shutdown")) return true;
  return spec.restart !== "permanent" && isQuietReason(reason);
}
