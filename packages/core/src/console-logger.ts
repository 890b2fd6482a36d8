/**
 * The default logger: levels, and crash reports shaped like Elixir's.
 *
 * @module
 */
import { inspect } from "node:util";
import { BadArgumentError, formatReason } from "./errors.js";
import type { Logger, LogReport } from "./runtime.js";

/** Rejects a report that is not an object (reports come from loggers users write too). */
function checkReport(what: string, report: unknown): void {
  if (typeof report !== "object" || report === null) {
    throw new BadArgumentError(
      `${what}: expected a log report object, got ${formatReason(report)}`,
    );
  }
}

/**
 * The severity of a report, lowest first: `"debug"`, `"info"`, `"warning"`, `"error"`.
 *
 * @example
 * ```ts
 * import type { LogLevel } from "@trellis/core";
 * const level: LogLevel = "warning";
 * ```
 * @since 0.1.0
 * @category Logging
 */
export type LogLevel = "debug" | "info" | "warning" | "error";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

/**
 * The level of a report: its `level` if set, else from its `kind` (`"crash"` and `"error"`
 * are errors, `"warning"` a warning, `"info"` info).
 *
 * @example
 * ```ts
 * import { levelOf } from "@trellis/core";
 * levelOf({ kind: "crash", message: "process <0.5.0> exited: boom" }); // "error"
 * ```
 * @throws {BadArgumentError} if `report` is not an object
 * @since 0.1.0
 * @category Logging
 */
export function levelOf(report: LogReport): LogLevel {
  checkReport("levelOf", report);
  if (report.level !== undefined) return report.level;
  if (report.kind === "crash" || report.kind === "error") return "error";
  return report.kind;
}

/**
 * Whether a report is one of OTP's supervisor and crash reports (`domain` holds `"sasl"`):
 * supervisor progress and child-terminated reports, and the runtime's own crash report for
 * a process whose behaviour (GenServer, GenStateMachine…) already wrote one. Like Elixir's
 * `handle_sasl_reports: false`, the console logger leaves them out unless asked.
 *
 * @example
 * ```ts
 * import { isSaslReport } from "@trellis/core";
 * isSaslReport({ kind: "info", message: "started child", domain: ["otp", "sasl"] }); // true
 * ```
 * @throws {BadArgumentError} if `report` is not an object
 * @since 0.1.0
 * @category Logging
 */
export function isSaslReport(report: LogReport): boolean {
  checkReport("isSaslReport", report);
  return Array.isArray(report.domain) && report.domain.includes("sasl");
}

/**
 * Options of {@link consoleLogger}.
 *
 * @since 0.1.0
 * @category Logging
 */
export interface ConsoleLoggerOptions {
  /** The lowest level written. Default `"info"`. At `"debug"`, stacks are written in full. */
  readonly level?: LogLevel;
  /** Also write supervisor and crash reports (see {@link isSaslReport}). Default `false`. */
  readonly sasl?: boolean;
  /** Where each rendered report goes. Default: `console.error` for errors, else `console.warn`/`console.info`/`console.debug`. */
  readonly write?: (text: string, level: LogLevel) => void;
}

/**
 * A logger that writes reports to the console, one report per crash, the way Elixir's
 * Logger does: who crashed (behaviour, registered name, pid), the reason, the stack with
 * Trellis's own frames left out (in full at level `"debug"`), the last message, the state
 * (bounded) and the client of a call. It is what a runtime uses when given no logger.
 *
 * @example
 * ```ts
 * import { consoleLogger, createRuntime } from "@trellis/core";
 * const rt = createRuntime({ logger: consoleLogger({ level: "debug", sasl: true }) });
 * ```
 * @throws {BadArgumentError} if `options` is not an object, or has an unknown `level` or a `write` that is not a function
 * @since 0.1.0
 * @category Logging
 */
export function consoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(
      `consoleLogger: options must be an object, got ${formatReason(options)}`,
    );
  }
  if (options.level !== undefined && !Object.hasOwn(RANK, options.level)) {
    throw new BadArgumentError(
      `consoleLogger: level must be "debug", "info", "warning" or "error", got ${formatReason(options.level)}`,
    );
  }
  if (options.write !== undefined && typeof options.write !== "function") {
    throw new BadArgumentError(
      `consoleLogger: write must be a function, got ${formatReason(options.write)}`,
    );
  }
  const min = RANK[options.level ?? "info"];
  const sasl = options.sasl ?? false;
  const write = options.write ?? writeToConsole;
  return {
    log(report) {
      const level = levelOf(report);
      if (RANK[level] < min) return;
      if (!sasl && isSaslReport(report)) return;
      write(formatReport(report, { fullStack: min === RANK.debug }), level);
    },
    wants(level, domain) {
      return (RANK[level] ?? RANK.error) >= min && (sasl || !domain?.includes("sasl"));
    },
  };
}

function writeToConsole(text: string, level: LogLevel): void {
  if (level === "error") console.error(text);
  else if (level === "warning") console.warn(text);
  else if (level === "info") console.info(text);
  else console.debug(text);
}

/**
 * Options of {@link formatReport}.
 *
 * @since 0.1.0
 * @category Logging
 */
export interface FormatReportOptions {
  /** Keep Trellis's own stack frames. Default `false`. */
  readonly fullStack?: boolean;
  /** The longest rendering of one term (state, message), in characters. Default `2000`. */
  readonly maxTermLength?: number;
}

/**
 * Renders a report as text, as the console logger writes it:
 *
 * ```text
 * [trellis] error: GenServer "stack" (<0.3.0>) terminating: Error: cannot pop an empty stack
 *     at Object.handleCall (/app/src/stack.ts:15:35)
 * Last message (from <0.1.0>): 'pop'
 * State: []
 * Client <0.1.0> is alive
 * ```
 *
 * The stack leaves out the frames of Trellis packages and of Node's internals unless
 * `fullStack` is set; terms are rendered with `util.inspect`, cut at `maxTermLength`.
 * Never throws.
 *
 * @example
 * ```ts
 * import { formatReport } from "@trellis/core";
 * formatReport({ kind: "warning", message: "unexpected message" }); // "[trellis] warning: unexpected message"
 * ```
 * @throws {BadArgumentError} if `report` or `options` is not an object
 * @since 0.1.0
 * @category Logging
 */
export function formatReport(report: LogReport, options: FormatReportOptions = {}): string {
  checkReport("formatReport", report);
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(
      `formatReport: options must be an object, got ${formatReason(options)}`,
    );
  }
  try {
    const max = options.maxTermLength ?? 2000;
    const lines = [`[trellis] ${levelOf(report)}: ${withName(report)}`];
    const reason = report.reason;
    if (reason instanceof Error && typeof reason.stack === "string") {
      lines.push(...stackFrames(reason.stack, options.fullStack ?? false));
    }
    const client = report["client"];
    if ("lastMessage" in report) {
      const from = client === undefined ? "" : ` (from ${String(client)})`;
      lines.push(`Last message${from}: ${term(report["lastMessage"], max)}`);
    } else if ("lastEvent" in report) {
      lines.push(`Last event: ${term(report["lastEvent"], max)}`);
    }
    if ("state" in report) lines.push(`State: ${term(report["state"], max)}`);
    if ("data" in report) lines.push(`Data: ${term(report["data"], max)}`);
    if (client !== undefined) {
      const alive = report["clientAlive"];
      lines.push(
        `Client ${String(client)}${alive === true ? " is alive" : alive === false ? " is dead" : ""}`,
      );
    }
    return lines.join("\n");
  } catch {
    return `[trellis] ${String(report.kind)}: (a report that could not be rendered)`;
  }
}

/** The message, with the registered name next to the pid where the message shows only the pid. */
function withName(report: LogReport): string {
  const { message, pid, name } = report;
  if (pid === undefined || name === undefined) return message;
  const shown = [`${name} (${String(pid)})`, `(${name})`, JSON.stringify(name)];
  if (shown.some((s) => message.includes(s))) return message;
  const at = message.indexOf(String(pid));
  if (at < 0) return message;
  return `${message.slice(0, at)}${JSON.stringify(name)} (${String(pid)})${message.slice(at + String(pid).length)}`;
}

/** A bounded, never-throwing rendering of a term. */
function term(value: unknown, max: number): string {
  let text: string;
  try {
    text = inspect(value, {
      depth: 4,
      maxArrayLength: 20,
      maxStringLength: 200,
      breakLength: Number.POSITIVE_INFINITY,
    });
  } catch {
    text = "(a term that could not be rendered)";
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/** Frames of Trellis packages (built or from source) and of Node's internals. */
const TRELLIS_FRAME = /[\\/]@trellis[\\/][^\\/]+[\\/]dist[\\/]|\(node:|^\s*at node:/;
const SOURCE_ROOT = trellisSourceRoot();

function trellisSourceRoot(): string | undefined {
  // Inside the Trellis repository the packages run from packages/<name>/src/.
  try {
    const here = new URL(import.meta.url).pathname;
    const m = /^(.*[\\/]packages[\\/])core[\\/]src[\\/]/.exec(here);
    return m?.[1];
  } catch {
    return undefined;
  }
}

function isTrellisFrame(line: string): boolean {
  if (TRELLIS_FRAME.test(line)) return true;
  if (SOURCE_ROOT === undefined || !line.includes(SOURCE_ROOT)) return false;
  const rest = line.slice(line.indexOf(SOURCE_ROOT) + SOURCE_ROOT.length);
  return /^[^\\/]+[\\/]src[\\/]/.test(rest);
}

function stackFrames(stack: string, full: boolean): string[] {
  const frames = stack.split("\n").filter((l) => /^\s+at /.test(l));
  if (full) return frames;
  const mine = frames.filter((l) => !isTrellisFrame(l));
  const hidden = frames.length - mine.length;
  if (mine.length === 0) return frames.slice(0, 1);
  return hidden === 0
    ? mine
    : [...mine, `    (${hidden} Trellis and Node frames hidden; level "debug" shows them)`];
}
