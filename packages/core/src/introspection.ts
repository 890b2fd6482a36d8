/**
 * Introspection as functions (Erlang's `processes/0` and `process_info/1`), for the
 * runtime of the calling process or of the pid asked about.
 *
 * @module
 */
import { BadArgumentError, formatReason } from "./errors.js";
import { Pid, procOf } from "./pid.js";
import { currentRuntime } from "./process.js";
import type { Proc, ProcessInfo } from "./runtime.js";

/**
 * What the runtime knows about the live process `pid` (Erlang's `process_info/1`): status,
 * queue length, links, monitors, name, behaviour, reductions, memory estimate, trapExit,
 * parent and dictionary; `undefined` if it is dead. The same as `runtime.processInfo(pid)`
 * on the runtime that runs `pid`.
 *
 * @example
 * ```ts
 * import { processInfo, self } from "@trellis/core";
 * processInfo(self())?.messageQueueLength; // 0
 * ```
 * @throws {BadArgumentError} if `pid` is not a pid
 * @since 0.1.0
 * @category Introspection
 */
export function processInfo(pid: Pid): ProcessInfo | undefined {
  if (!(pid instanceof Pid))
    throw new BadArgumentError(`processInfo: expected a pid, got ${formatReason(pid)}`);
  const p = procOf(pid) as Proc | undefined;
  return (p?.rt ?? currentRuntime()).processInfo(pid);
}

/**
 * The pids of every live process of the calling process's runtime (the default runtime
 * outside process code), Erlang's `processes/0`. The same as `runtime.processes()`.
 *
 * @example
 * ```ts
 * import { processes, self } from "@trellis/core";
 * processes().includes(self()); // true
 * ```
 * @since 0.1.0
 * @category Introspection
 */
export function processes(): Pid[] {
  return currentRuntime().processes();
}
