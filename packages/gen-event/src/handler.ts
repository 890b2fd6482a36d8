/**
 * Defining event handlers.
 *
 * @module
 */
import { BadArgumentError, formatReason } from "@trellis/core";
import { CALLBACKS, type LooseCallbacks } from "./internal/util.js";
import type { CallResult } from "./result.js";
import type { Handler, HandlerCallbacks, ReplyOf } from "./types.js";

const CALLBACK_NAMES = ["handleEvent", "handleCall", "handleInfo", "terminate", "codeChange"];

/**
 * Options of {@link defineHandler}.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const options: GenEvent.DefineHandlerOptions = { name: "AuditLog" };
 * GenEvent.defineHandler({ init: () => GenEvent.Result.ok(0) }, options);
 * ```
 * @since 0.1.0
 * @category Handlers
 */
export interface DefineHandlerOptions {
  /**
   * The handler's name in `whichHandlers`, log reports and `Sys.getState` (Erlang shows the
   * callback module). Default `"anonymous handler"`.
   */
  readonly name?: string;
}

/**
 * Defines an event handler: its callbacks, given once (Erlang's callback module). The
 * result is a plain value that identifies the handler: pass it to `addHandler`,
 * `deleteHandler`, `call`… The same definition may be installed in many managers, and
 * several times in one manager: with an id (`{ handler, id }`) to tell the copies apart.
 *
 * The types flow from the callbacks: annotate `init`'s argument, `handleEvent`'s event and
 * `handleCall`'s request; the state type comes from what `init` returns, the reply type from
 * what `handleCall` replies. Only `init` is required (see {@link HandlerCallbacks} for each
 * callback and its default).
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const { ok, reply } = GenEvent.Result;
 *
 * type AppEvent = { type: "login"; user: string } | { type: "logout"; user: string };
 *
 * export const LoginCounter = GenEvent.defineHandler(
 *   {
 *     init: (start: number) => ok(start),
 *     handleEvent: (event: AppEvent, n) => ok(event.type === "login" ? n + 1 : n),
 *     handleCall: (_request: "count", n) => reply(n, n),
 *   },
 *   { name: "LoginCounter" },
 * );
 * ```
 * @param callbacks the callbacks (see {@link HandlerCallbacks})
 * @param options the handler's `name`
 * @throws {BadArgumentError} if `init` is not a function, or another callback is given but
 *   is not a function
 * @since 0.1.0
 * @category Handlers
 */
export function defineHandler<
  E = unknown,
  Args = unknown,
  S = unknown,
  Req = never,
  CallReturn extends CallResult<S, unknown> = never,
>(
  callbacks: HandlerCallbacks<E, Args, S, Req, CallReturn>,
  options: DefineHandlerOptions = {},
): Handler<E, Args, Req, ReplyOf<CallReturn>> {
  if (typeof callbacks !== "object" || callbacks === null) {
    throw new BadArgumentError(
      `GenEvent.defineHandler: expected an object of callbacks, got ${formatReason(callbacks)}`,
    );
  }
  if (typeof callbacks.init !== "function") {
    throw new BadArgumentError(
      `GenEvent.defineHandler: init must be a function, got ${formatReason(callbacks.init)}`,
    );
  }
  for (const name of CALLBACK_NAMES) {
    const f = (callbacks as unknown as Record<string, unknown>)[name];
    if (f !== undefined && typeof f !== "function") {
      throw new BadArgumentError(
        `GenEvent.defineHandler: ${name} must be a function when given, got ${formatReason(f)}`,
      );
    }
  }
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(
      `GenEvent.defineHandler: options must be an object, got ${formatReason(options)}`,
    );
  }
  const name = options.name ?? "anonymous handler";
  if (typeof name !== "string" || name === "") {
    throw new BadArgumentError(
      `GenEvent.defineHandler: name must be a non-empty string, got ${formatReason(name)}`,
    );
  }
  const def = { name };
  Object.defineProperty(def, CALLBACKS, { value: callbacks as unknown as LooseCallbacks });
  return Object.freeze(def);
}
