/**
 * One wait for tasks at a time per process: `Promise.all([Task.await(a), Task.await(b)])`
 * is refused at once and deterministically (whatever has arrived already), naming
 * `Task.awaitMany`, instead of working or failing depending on timing.
 *
 * @module
 */
import { inProcess, type Pid, self } from "@trellis/core";
import { ConcurrentWaitError } from "../errors.js";

/** The processes with a pending wait (weak: a killed waiter leaves nothing behind). */
const waiting = new WeakSet<Pid>();

/** Marks the caller as waiting; throws if it already is. Returns the caller. */
export function enterWait(operation: string): Pid {
  const me = self();
  if (waiting.has(me)) throw new ConcurrentWaitError(operation, me);
  waiting.add(me);
  return me;
}

/** The wait of `me` is over. */
export function leaveWait(me: Pid): void {
  waiting.delete(me);
}

/** Runs the async wait `run` as the caller's one wait (outside a process, just runs it). */
export async function oneWait<T>(operation: string, run: () => Promise<T>): Promise<T> {
  if (!inProcess()) return run();
  const me = enterWait(operation);
  try {
    return await run();
  } finally {
    leaveWait(me);
  }
}
