/**
 * Logging through the runtime's logger.
 *
 * @module
 */

import type { LogLevel } from "./console-logger.js";
import { BadArgumentError, formatReason } from "./errors.js";
import { logWanted } from "./runtime/logging.js";
import { currentProc, defaultRuntime, type Logger, type LogReport } from "./runtime.js";

/**
 * Sends a report to the logger of the calling process's runtime (the default runtime
 * outside process code). Behaviours use it for their reports, e.g. GenServer's "unhandled
 * message" warning; the pid, registered name and behaviour of the calling process are
 * filled in, so every record carries them.
 *
 * @example
 * ```ts
 * import { logReport } from "@trellis/core";
 * logReport({ kind: "warning", message: "received an unexpected message" });
 * ```
 * @throws {BadArgumentError} if `report` is not an object with a string `kind` and `message`
 * @since 0.1.0
 * @category Runtime
 */
export function logReport(report: LogReport): void {
  let copy: LogReport;
  try {
    if (
      typeof report !== "object" ||
      report === null ||
      typeof report.kind !== "string" ||
      typeof report.message !== "string"
    ) {
      throw new TypeError("not a report");
    }
    copy = { ...report };
  } catch {
    throw new BadArgumentError(
      `logReport: expected a report { kind, message, ... }, got ${formatReason(report)}`,
    );
  }
  report = copy;
  const p = currentProc();
  const rt = p?.rt ?? defaultRuntime();
  rt.report({
    ...(p === undefined ? {} : { pid: p.pid }),
    ...(p?.name === undefined ? {} : { name: p.name }),
    ...(p?.behaviour === undefined ? {} : { behaviour: p.behaviour }),
    ...report,
  });
}

/**
 * Whether the logger of the calling process's runtime (the default runtime outside process
 * code) would write a report of `level` from `domain`: ask before building an expensive
 * report, as OTP's logger checks the level before a report is formatted. `true` unless the
 * logger implements {@link Logger.wants} and says no.
 *
 * @example
 * ```ts
 * import { logReport, wouldLog } from "@trellis/core";
 * if (wouldLog("error", ["otp", "sasl"])) {
 *   logReport({ kind: "error", message: "child terminated", domain: ["otp", "sasl"] });
 * }
 * ```
 * @since 0.1.0
 * @category Runtime
 */
export function wouldLog(level: LogLevel, domain?: readonly string[]): boolean {
  const p = currentProc();
  return logWanted(p?.rt ?? defaultRuntime(), level, domain);
}
