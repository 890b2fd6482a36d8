/**
 * The message a supervising process receives when one of its handlers leaves the manager.
 *
 * @module
 */
import type { Pid } from "@trellis/core";
import type { AnyHandlerId } from "./types.js";

const HANDLER_EXIT_BRAND = Symbol.for("trellis.gen-event.handler-exit");

/**
 * Why a supervised handler left its manager (the third element of Erlang's
 * `{gen_event_EXIT, Handler, Reason}`):
 *
 * | reason | when |
 * | --- | --- |
 * | `"normal"` | it was deleted (`deleteHandler`), or a callback returned `Result.removeHandler()` |
 * | `"shutdown"` | the manager stopped, or the supervising process itself exited or sent the manager an exit signal |
 * | `{ swapped: newHandler, supervisor }` | it was swapped for `newHandler`, now supervised by `supervisor` (or by nobody: `undefined`) |
 * | `{ EXIT: error }` | a callback threw (or rejected) with `error` |
 * | any other value | a callback returned that value, which is not a valid result (or, in a swap, the new handler's `init` returned it) |
 *
 * @example
 * ```ts
 * import { receive } from "@trellis/core";
 * import * as GenEvent from "@trellis/gen-event";
 * const { reason } = await receive(GenEvent.isHandlerExit);
 * const crashed = reason !== "normal" && reason !== "shutdown";
 * ```
 * @since 0.1.0
 * @category Supervision
 */
export type HandlerExitReason =
  | "normal"
  | "shutdown"
  | {
      /** The handler that took its place. */
      readonly swapped: AnyHandlerId;
      /** The process that supervises the new handler, if any. */
      readonly supervisor: Pid | undefined;
    }
  | {
      /** What a callback threw (or rejected with). */
      readonly EXIT: unknown;
    }
  | unknown;

/**
 * Erlang's `{gen_event_EXIT, Handler, Reason}`: a handler added with `addSupHandler` (or
 * swapped in by `swapSupHandler`, or inheriting a supervised handler's place in a swap) left
 * its manager. The supervising process receives it as a message, whether or not it traps
 * exits. Match it with {@link isHandlerExit}.
 *
 * @example
 * ```ts
 * import { receive } from "@trellis/core";
 * import * as GenEvent from "@trellis/gen-event";
 * declare const manager: GenEvent.Manager<string>;
 * declare const AuditLog: GenEvent.Handler<string, string>;
 * await GenEvent.addSupHandler(manager, AuditLog, "audit.log");
 * const exit = await receive(GenEvent.isHandlerExit);
 * if (exit.reason !== "normal" && exit.reason !== "shutdown") {
 *   await GenEvent.addSupHandler(manager, AuditLog, "audit.log"); // reinstall it
 * }
 * ```
 * @since 0.1.0
 * @category Supervision
 */
export class HandlerExit {
  /** Always `"gen_event_EXIT"`. */
  readonly type: "gen_event_EXIT" = "gen_event_EXIT";
  /** The manager the handler left (not part of Erlang's tuple; added for convenience). */
  readonly manager: Pid;
  /** The handler, as it was installed: its definition, or `{ handler, id }`. */
  readonly handler: AnyHandlerId;
  /** Why it left. */
  readonly reason: HandlerExitReason;

  /** @internal */
  constructor(manager: Pid, handler: AnyHandlerId, reason: HandlerExitReason) {
    this.manager = manager;
    this.handler = handler;
    this.reason = reason;
  }
}
Object.defineProperty(HandlerExit.prototype, HANDLER_EXIT_BRAND, { value: true });

/**
 * Whether `msg` is a {@link HandlerExit}. It also recognises messages made by another copy
 * of this package.
 *
 * @example
 * ```ts
 * import { receive } from "@trellis/core";
 * import * as GenEvent from "@trellis/gen-event";
 * const exit = await receive(GenEvent.isHandlerExit);
 * console.log(exit.handler, exit.reason);
 * ```
 * @since 0.1.0
 * @category Supervision
 */
export function isHandlerExit(msg: unknown): msg is HandlerExit {
  return typeof msg === "object" && msg !== null && HANDLER_EXIT_BRAND in msg;
}
