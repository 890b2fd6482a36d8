/**
 * Logging through the runtime's logger.
 *
 * @module
 */
import { BadArgumentError, formatReason } from "./errors.js";
import { currentProc, defaultRuntime, type LogReport } from "./runtime.js";

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
