/**
 * Guards the runtime uses at its boundaries: options checks, the check of signals from
 * another node, and the fallbacks that keep a report from being lost when a logger throws.
 * Each never throws except to reject bad input with a typed error.
 *
 * @module
 */
import { types } from "node:util";
import { isInstanceOf } from "./brand.js";
import { BadArgumentError, formatReason } from "./errors.js";
import { Pid, Ref } from "./pid.js";
import type { LogReport, Runtime } from "./runtime.js";

/** Writes a report the configured logger could not take to stderr. Never throws. @internal */
export function fallbackLog(r: LogReport, error: unknown): void {
  try {
    console.error(
      `[trellis] the logger threw ${formatReason(error)}; the report was: ${formatReason(r.message)}`,
    );
  } catch {
    // nothing left to write to
  }
}

/** @internal */
export function reportFailure(rt: Runtime, e: unknown): void {
  try {
    rt.logger.log({
      kind: "error",
      message: `runtime callback failed: ${formatReason(e)}`,
      reason: e,
    });
  } catch (error) {
    fallbackLog({ kind: "error", message: "runtime callback failed" }, error);
  }
}

const CLOCK_METHODS = ["now", "setAlarm", "clearAlarm", "idle", "detach"] as const;

/** Rejects options that would fail later, far from their cause. @internal */
export function checkRuntimeOptions(options: unknown): void {
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(
      `createRuntime: options must be an object, got ${formatReason(options)}`,
    );
  }
  const o = options as Record<string, unknown>;
  const clock = o["clock"];
  if (clock !== undefined && clock !== "real" && clock !== "virtual") {
    const c = clock as Record<string, unknown> | null;
    if (
      typeof c !== "object" ||
      c === null ||
      (c["kind"] !== "real" && c["kind"] !== "virtual") ||
      CLOCK_METHODS.some((m) => typeof c[m] !== "function")
    ) {
      throw new BadArgumentError(
        `createRuntime: clock must be "real", "virtual" or a Clock (kind, ${CLOCK_METHODS.join(", ")}), got ${formatReason(clock)}`,
      );
    }
  }
  const logger = o["logger"] as { log?: unknown } | undefined | null;
  if (
    logger !== undefined &&
    (typeof logger !== "object" || logger === null || typeof logger.log !== "function")
  ) {
    throw new BadArgumentError(
      `createRuntime: logger must be an object with a log(report) method, got ${formatReason(logger)}`,
    );
  }
  const creation = o["creation"];
  if (creation !== undefined && (!Number.isSafeInteger(creation) || (creation as number) < 0)) {
    throw new BadArgumentError(
      `createRuntime: creation must be an integer >= 0, got ${formatReason(creation)}`,
    );
  }
  for (const key of ["budget", "sliceMs"]) {
    const v = o[key];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v))) {
      throw new BadArgumentError(
        `createRuntime: ${key} must be a finite number, got ${formatReason(v)}`,
      );
    }
  }
}

const SIGNAL_TYPES = new Set([
  "message",
  "link",
  "unlink",
  "exit",
  "monitor",
  "demonitor",
  "down",
  "reply",
  "send-named",
  "monitor-named",
  "demonitor-named",
]);

/** Whether `v` is a `{ name, node }` naming a process of node `here`. Never throws. */
function namedHere(v: unknown, here: string): boolean {
  if (typeof v !== "object" || v === null || types.isProxy(v)) return false;
  const r = v as Record<string, unknown>;
  const name = r["name"];
  return typeof name === "string" && name.length > 0 && r["node"] === here;
}

/** What is wrong with a signal from node `peer` to node `here`, or undefined. Never throws. @internal */
export function inboundProblem(signal: unknown, peer: string, here: string): string | undefined {
  try {
    if (typeof signal !== "object" || signal === null || types.isProxy(signal))
      return "not a signal object";
    const s = signal as Record<string, unknown>;
    const type = s["type"];
    if (typeof type !== "string" || !SIGNAL_TYPES.has(type))
      return `unknown type ${formatReason(type)}`;
    if (type === "reply") {
      const ref = s["ref"];
      return isInstanceOf(ref, Ref) && ref.node === here
        ? undefined
        : "a reply to a call not made here";
    }
    const to = s["to"];
    if (type === "send-named" || type === "monitor-named" || type === "demonitor-named") {
      if (!namedHere(to, here)) return `${type} to a name not on this node`;
    } else {
      if (!isInstanceOf(to, Pid) || to.node !== here) return `${type} to a pid not on this node`;
      if (type === "message") return undefined;
    }
    const from = s["from"];
    if (type === "send-named" && from === undefined) return undefined;
    // a DOWN for a monitor by name comes from that name on the peer
    const fromOk =
      isInstanceOf(from, Pid) || (type === "down" && namedHere(from, peer))
        ? (from as { node: string }).node === peer
        : false;
    if (!fromOk) return `${type} from a pid not on ${peer}`;
    if (
      (type === "monitor" ||
        type === "demonitor" ||
        type === "down" ||
        type === "monitor-named" ||
        type === "demonitor-named") &&
      !isInstanceOf(s["ref"], Ref)
    )
      return `${type} without a reference`;
    if (type === "exit" && typeof s["link"] !== "boolean") return "exit without a link flag";
    return undefined;
  } catch {
    return "unreadable";
  }
}
