/**
 * Stopping children the OTP way: `"shutdown"`, wait, then `"kill"`.
 *
 * @module
 */

import type { Shutdown } from "@trellis/core";
import {
  BadArgumentError,
  currentRuntime,
  DownMessage,
  exit,
  exitFrom,
  formatReason,
  monitor,
  type Pid,
  type Ref,
  receive,
  TIMEOUT,
  unlink,
} from "@trellis/core";

/**
 * A process for {@link shutdownChildren} to stop, and how.
 *
 * @example
 * ```ts
 * import type { ShutdownTarget } from "@trellis/supervisor";
 * const target: ShutdownTarget = { pid: worker, shutdown: "brutal_kill" };
 * ```
 * @since 0.1.0
 * @category Building blocks
 */
export interface ShutdownTarget {
  /** The process (a child linked to the caller). */
  readonly pid: Pid;
  /** Milliseconds to wait after `"shutdown"` before `"kill"`, `Infinity`, or `"brutal_kill"`. */
  readonly shutdown: Shutdown;
}

/**
 * Stops processes the way a supervisor stops its children, all at the same time, and
 * resolves with the exit reason of each (in the order of `targets`) once all are dead:
 *
 * - each process is monitored and sent an exit signal `"shutdown"` (`"kill"` for
 *   `"brutal_kill"`);
 * - a process still alive after its own `shutdown` milliseconds is killed (`Infinity`
 *   waits for ever);
 * - a process that exits on its own meanwhile, with any reason, is simply seen with that
 *   reason; one that was already dead is seen with the reason of its EXIT message;
 * - the caller is unlinked from each process and its EXIT message removed from the
 *   mailbox, so that no stale EXIT is handled later (Erlang's `unlink_flush`).
 *
 * The total time is that of the slowest process. A static supervisor calls it with one
 * target at a time (reverse start order); a DynamicSupervisor with all its children at
 * once. Must be called from process code that traps exits.
 *
 * @example
 * ```ts
 * import { shutdownChildren } from "@trellis/supervisor";
 * const [reason] = await shutdownChildren([{ pid: worker, shutdown: 2000 }]);
 * reason; // "shutdown", or "killed" if it did not stop within 2 s
 * ```
 * @throws {NotInProcessError} outside process code
 * @since 0.1.0
 * @category Building blocks
 */
export async function shutdownChildren(targets: readonly ShutdownTarget[]): Promise<unknown[]> {
  if (!Array.isArray(targets)) {
    throw new BadArgumentError(
      `shutdownChildren: expected an array of { pid, shutdown } targets, got ${formatReason(targets)}`,
    );
  }
  const n = targets.length;
  const reasons: unknown[] = new Array(n);
  if (n === 0) return reasons;
  const rt = currentRuntime();
  const start = rt.now();
  const refs = new Map<Ref, number>();
  const timed: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = targets[i] as ShutdownTarget;
    refs.set(monitor(t.pid), i);
    if (t.shutdown === "brutal_kill") {
      exit(t.pid, "kill");
    } else {
      exit(t.pid, "shutdown");
      if (t.shutdown !== Number.POSITIVE_INFINITY) timed.push(i);
    }
  }
  const wait = (i: number): number => (targets[i] as ShutdownTarget).shutdown as number;
  if (timed.length > 1) timed.sort((a, b) => wait(a) - wait(b));
  const done = new Uint8Array(n);
  const ours = (m: unknown): m is DownMessage => m instanceof DownMessage && refs.has(m.ref);
  let next = 0;
  let remaining = n;
  while (remaining > 0) {
    while (next < timed.length && done[timed[next] as number] === 1) next++;
    const timeout =
      next < timed.length
        ? Math.max(0, start + wait(timed[next] as number) - rt.now())
        : Number.POSITIVE_INFINITY;
    const msg = await receive(ours, { timeout });
    if (msg === TIMEOUT) {
      const now = rt.now();
      while (next < timed.length) {
        const i = timed[next] as number;
        if (done[i] === 0) {
          if (start + wait(i) > now) break;
          exit((targets[i] as ShutdownTarget).pid, "kill");
        }
        next++;
      }
      continue;
    }
    const i = refs.get(msg.ref) as number;
    refs.delete(msg.ref);
    done[i] = 1;
    remaining--;
    const pid = (targets[i] as ShutdownTarget).pid;
    unlink(pid);
    const exitMsg = await receive(exitFrom(pid), { timeout: 0 });
    reasons[i] = exitMsg === TIMEOUT ? msg.reason : exitMsg.reason;
  }
  return reasons;
}
