/**
 * The logger's level check: whether a report would be written, asked before it is built
 * (OTP's logger checks the level before formatting), so crash and supervisor reports cost
 * nothing when no logger prints them.
 *
 * @module
 */
import type { LogLevel } from "../console-logger.js";
import type { Runtime } from "../runtime.js";

/** @internal Whether `rt`'s logger would write a report of `level` from `domain` (see `Logger.wants`). */
export function logWanted(
  rt: Runtime,
  level: LogLevel,
  domain: readonly string[] | undefined,
): boolean {
  const logger = rt.logger;
  const wants = logger.wants;
  if (wants === undefined) return true;
  try {
    return wants.call(logger, level, domain) !== false;
  } catch {
    // a broken level check must not lose a report: build it and let `log` decide
    return true;
  }
}
