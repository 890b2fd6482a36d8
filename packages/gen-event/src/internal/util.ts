// Small helpers shared by the client and the manager process. Not exported from the package.
import {
  BadArgumentError,
  type Dest,
  ExitError,
  equals,
  formatReason,
  isProcessName,
  isTerm,
  Pid,
  type ProcessName,
  type Term,
} from "@trellis/core";
import type { AnyHandlerId, Handler } from "../types.js";

/** The property under which a definition keeps its callbacks (shared by copies of the package). */
export const CALLBACKS: unique symbol = Symbol.for("trellis.gen-event.callbacks");

/** The callbacks with their types erased: what the manager calls. */
export interface LooseCallbacks {
  init(args: unknown): unknown;
  handleEvent?(event: unknown, state: unknown): unknown;
  handleCall?(request: unknown, state: unknown): unknown;
  handleInfo?(message: unknown, state: unknown): unknown;
  terminate?(reason: unknown, state: unknown): unknown;
}

/** A definition as it is at run time. */
export interface Definition extends Handler<never, never, never, unknown> {
  readonly [CALLBACKS]: LooseCallbacks;
}

/** Whether `v` is a handler definition made by `defineHandler`. */
export function isDefinition(v: unknown): v is Definition {
  return typeof v === "object" && v !== null && CALLBACKS in v;
}

/** A validated handler id: its definition and its id (if any). */
export interface ParsedId {
  readonly def: Definition;
  readonly hasId: boolean;
  readonly id: Term | undefined;
}

/** Checks a handler id given to a client function; throws a BadArgumentError if it is none. */
export function parseHandlerId(what: string, handler: unknown): ParsedId {
  if (isDefinition(handler)) return { def: handler, hasId: false, id: undefined };
  if (typeof handler === "object" && handler !== null && "handler" in handler) {
    const h = handler as { handler: unknown; id?: unknown };
    if (isDefinition(h.handler)) {
      if (!("id" in h) || !isTerm(h.id)) {
        throw new BadArgumentError(
          `${what}: a handler id { handler, id } needs an id that is a term (a string, number, array…), got ${formatReason(h.id)}`,
        );
      }
      return { def: h.handler, hasId: true, id: h.id };
    }
  }
  throw new BadArgumentError(
    `${what}: expected a handler made by GenEvent.defineHandler, or { handler, id }, got ${formatReason(handler)}`,
  );
}

/** Term equality that never throws. */
export function sameId(a: Term | undefined, b: Term | undefined): boolean {
  if (a === b) return true;
  try {
    return equals(a, b);
  } catch {
    return false;
  }
}

/** The printable name of a handler id. */
export function handlerName(handler: AnyHandlerId): string {
  if (typeof handler !== "object" || handler === null) return formatReason(handler);
  if ("handler" in handler) {
    return `{${String(handler.handler?.name)}, ${formatReason(handler.id)}}`;
  }
  return String(handler.name);
}

/** Whether `v` is a promise (or any thenable). */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

/** The exit reason a thrown value stands for: core's rule (an ExitError's reason, an Error, or `{ nocatch }`). */
export function reasonFromThrown(e: unknown): unknown {
  if (e instanceof ExitError) return e.exitReason;
  if (e instanceof Error) return e;
  return { nocatch: e };
}

/** Checks a manager argument; throws a BadArgumentError if it is neither a pid nor a name. */
export function checkManager(what: string, manager: unknown): Dest {
  if (Pid.is(manager) || isProcessName(manager)) return manager;
  throw new BadArgumentError(
    `${what}: expected a manager pid or name, got ${formatReason(manager)}`,
  );
}

/** Checks a manager name; throws a BadArgumentError if it is not one. */
export function checkName(what: string, name: unknown): ProcessName {
  if (isProcessName(name)) return name;
  throw new BadArgumentError(`${what}: expected a manager pid or name, got ${formatReason(name)}`);
}
