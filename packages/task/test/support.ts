// Helpers shared by the Task tests.
import { AsyncResource } from "node:async_hooks";
import { currentRuntime, type Pid, type ProcessInfo, self } from "@trellis/core";

/** What the runtime knows about a process (the caller by default); fails if it is dead. */
export function info(pid: Pid = self()): ProcessInfo {
  const i = currentRuntime().processInfo(pid);
  if (i === undefined) throw new Error(`${pid} is not alive`);
  return i;
}

/** The caller's links. */
export function links(): readonly Pid[] {
  return info().links;
}

/** The pids the caller monitors. */
export function monitored(): readonly (Pid | string)[] {
  return info().monitors.map((m) => m.pid);
}

/** How many messages wait in the caller's mailbox. */
export function queued(): number {
  return info().messageQueueLength;
}

/** A promise that never settles: a task body that runs until it is stopped. */
export function forever(): Promise<never> {
  return new Promise<never>(() => {});
}

const topLevel = AsyncResource.bind((fn: () => unknown): unknown => fn());

/**
 * Runs `fn` outside any process: in a later macrotask (no process code is running then),
 * in the async context of this module's top level (no process is current there either).
 */
export function outside<T>(fn: () => T): Promise<Awaited<T>> {
  return new Promise<Awaited<T>>((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(topLevel(fn) as Awaited<T>);
      } catch (e) {
        reject(e);
      }
    });
  });
}
