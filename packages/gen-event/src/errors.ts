/**
 * The errors GenEvent's client functions reject with, besides core's `NoProcessError`,
 * `CallTimeoutError`, `CallError` and `BadArgumentError`.
 *
 * @module
 */
import { CallError, type CallOperation, formatReason, InitError } from "@trellis/core";
import { handlerName } from "./internal/util.js";
import type { AnyHandlerId } from "./types.js";

const NOT_FOUND_BRAND = Symbol.for("trellis.gen-event.handler-not-found-error");
const CALL_BRAND = Symbol.for("trellis.gen-event.handler-call-error");
const INIT_BRAND = Symbol.for("trellis.gen-event.handler-init-error");

function branded(value: unknown, brand: symbol): boolean {
  return typeof value === "object" && value !== null && brand in value;
}

/**
 * Why a handler was not found, in Erlang's words: `"bad_module"` from `call`,
 * `"module_not_found"` from `deleteHandler`, `"non_existing"` from `swapHandler`.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const err: GenEvent.HandlerNotFoundError;
 * const reason: GenEvent.NotFoundReason = err.reason; // "bad_module" from call
 * ```
 * @since 0.1.0
 * @category Errors
 */
export type NotFoundReason = "bad_module" | "module_not_found" | "non_existing";

/**
 * The handler a `call`, `deleteHandler` or `swapHandler` names is not installed in the
 * manager (Erlang's `{error, bad_module}`, `{error, module_not_found}` and
 * `{error, non_existing}`; `reason` says which). Nothing changed in the manager. Check the
 * handler (and its id) against `whichHandlers`.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const manager: GenEvent.Manager<string>;
 * declare const AuditLog: GenEvent.Handler<string, string>;
 * try {
 *   await GenEvent.deleteHandler(manager, AuditLog);
 * } catch (err) {
 *   if (GenEvent.HandlerNotFoundError.is(err)) console.log("was not installed");
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class HandlerNotFoundError extends CallError {
  /** The handler that was asked for. */
  readonly handler: AnyHandlerId;
  declare readonly reason: NotFoundReason;

  /** @param reason Erlang's reason @param handler the handler asked for @param operation the call */
  constructor(reason: NotFoundReason, handler: AnyHandlerId, operation: CallOperation) {
    super(reason, operation);
    this.handler = handler;
    const [manager] = operation.args;
    this.message = `GenEvent.${operation.function}: no handler ${handlerName(handler)} is installed in the manager ${formatReason(manager)} (${reason}); add it first, or check the handler and its id against GenEvent.whichHandlers`;
  }

  /**
   * Whether `value` is a `HandlerNotFoundError`, also one made by another copy of this
   * package.
   *
   * @example
   * ```ts
   * import * as GenEvent from "@trellis/gen-event";
   * GenEvent.HandlerNotFoundError.is(new Error("x")); // false
   * ```
   */
  static override is(value: unknown): value is HandlerNotFoundError {
    return branded(value, NOT_FOUND_BRAND);
  }
}
Object.defineProperty(HandlerNotFoundError.prototype, NOT_FOUND_BRAND, { value: true });

/**
 * A handler failed while answering a `GenEvent.call`: its `handleCall` threw (or rejected),
 * and `reason` is `{ EXIT: error }` (Erlang's `{error, {'EXIT', Reason}}`); or it returned
 * a value that is not a valid result, and `reason` is that value (Erlang's `{error, V}`). In
 * both cases the manager removed the handler (its `terminate` ran with `{ error: reason }`)
 * and keeps running with the others.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const manager: GenEvent.Manager<string>;
 * declare const Stats: GenEvent.Handler<string, undefined, "count", number>;
 * try {
 *   await GenEvent.call(manager, Stats, "count");
 * } catch (err) {
 *   if (GenEvent.HandlerCallError.is(err)) console.log("Stats crashed and was removed:", err.reason);
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class HandlerCallError extends CallError {
  /** The handler that failed (and was removed). */
  readonly handler: AnyHandlerId;

  /** @param reason `{ EXIT: error }` or the invalid value @param handler the handler @param operation the call */
  constructor(reason: unknown, handler: AnyHandlerId, operation: CallOperation) {
    super(reason, operation);
    this.handler = handler;
    const [manager] = operation.args;
    this.message = `GenEvent.call: the handler ${handlerName(handler)} in the manager ${formatReason(manager)} failed (${describeFailure(reason)}) and was removed; the manager and its other handlers keep running`;
  }

  /**
   * Whether `value` is a `HandlerCallError`, also one made by another copy of this package.
   *
   * @example
   * ```ts
   * import * as GenEvent from "@trellis/gen-event";
   * GenEvent.HandlerCallError.is(new Error("x")); // false
   * ```
   */
  static override is(value: unknown): value is HandlerCallError {
    return branded(value, CALL_BRAND);
  }
}
Object.defineProperty(HandlerCallError.prototype, CALL_BRAND, { value: true });

function describeFailure(reason: unknown): string {
  if (typeof reason === "object" && reason !== null && "EXIT" in reason) {
    return `it threw ${formatReason((reason as { EXIT: unknown }).EXIT)}`;
  }
  return `it returned ${formatReason(reason)}, which is not a valid result; return Result.reply(value, state)`;
}

/**
 * A handler's `init` did not return `Result.ok(state)`, so `addHandler`, `addSupHandler`,
 * `swapHandler` or `swapSupHandler` installed nothing. `result` is what `init` returned
 * (Erlang passes it back unchanged): a `Result.error(reason)`, `{ EXIT: error }` if `init`
 * threw, or any other value. `reason` is the error result's `reason`, or `result` itself for
 * the others.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const manager: GenEvent.Manager<string>;
 * declare const AuditLog: GenEvent.Handler<string, string>;
 * try {
 *   await GenEvent.addHandler(manager, AuditLog, "/read-only/audit.log");
 * } catch (err) {
 *   if (GenEvent.HandlerInitError.is(err)) console.log("not installed:", err.reason);
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class HandlerInitError extends InitError {
  /** The handler that was not installed. */
  readonly handler: AnyHandlerId;
  /** Exactly what `init` returned (`{ EXIT: error }` if it threw). */
  readonly result: unknown;

  /** @param result what `init` returned @param handler the handler @param operation the call */
  constructor(result: unknown, handler: AnyHandlerId, operation: CallOperation) {
    const isError =
      typeof result === "object" &&
      result !== null &&
      (result as { type?: unknown }).type === "error";
    super(isError ? (result as { reason: unknown }).reason : result);
    this.handler = handler;
    this.result = result;
    this.message = `GenEvent.${operation.function}: the init of ${handlerName(handler)} returned ${formatReason(result)} instead of Result.ok(state), so it was not installed`;
  }

  /**
   * Whether `value` is a `HandlerInitError`, also one made by another copy of this package.
   *
   * @example
   * ```ts
   * import * as GenEvent from "@trellis/gen-event";
   * GenEvent.HandlerInitError.is(new Error("x")); // false
   * ```
   */
  static override is(value: unknown): value is HandlerInitError {
    return branded(value, INIT_BRAND);
  }
}
Object.defineProperty(HandlerInitError.prototype, INIT_BRAND, { value: true });
