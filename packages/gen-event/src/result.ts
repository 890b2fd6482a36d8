/**
 * What handler callbacks return: Erlang's `{ok, State}`, `{ok, Reply, State}`,
 * `remove_handler`, `{swap_handler, …}` and `{error, Reason}`, as small objects discriminated
 * by `type`, with one constructor each.
 *
 * The constructors live in this namespace (`GenEvent.Result.ok(…)`) because the package's
 * top level already has the client functions `GenEvent.swapHandler(manager, …)` and
 * `GenEvent.call(…)`. The objects are plain data: writing `{ type: "ok", state }` by hand is
 * equivalent.
 *
 * | callback | may return |
 * | --- | --- |
 * | `init` | {@link ok}, {@link error} |
 * | `handleEvent`, `handleInfo` | {@link ok}, {@link removeHandler}, {@link swapHandler} |
 * | `handleCall` | {@link reply}, {@link removeHandler} (with a reply), {@link swapHandler} (with `reply`) |
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const { ok, reply, removeHandler } = GenEvent.Result;
 *
 * const Counter = GenEvent.defineHandler({
 *   init: (start: number) => ok(start),
 *   handleEvent: (event: "tick" | "done", n) => (event === "tick" ? ok(n + 1) : removeHandler()),
 *   handleCall: (_request: "count", n) => reply(n, n),
 * });
 * ```
 *
 * @since 0.1.0
 * @category Results
 * @module
 */
import type { HandlerId } from "./types.js";

/**
 * Carry on with `state` (Erlang's `{ok, State}`): from `init`, the handler is installed with
 * it; from `handleEvent` or `handleInfo`, it is the handler's new state.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const r: GenEvent.OkResult<number> = GenEvent.Result.ok(1); // { type: "ok", state: 1 }
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface OkResult<S> {
  /** Always `"ok"`. */
  readonly type: "ok";
  /** The handler's (new) state. */
  readonly state: S;
}

/**
 * `init` refused: the handler is not installed and `addHandler` rejects with a
 * `HandlerInitError` carrying `reason` (Erlang's `{error, Reason}`).
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const r: GenEvent.ErrorResult = GenEvent.Result.error("disk full");
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface ErrorResult {
  /** Always `"error"`. */
  readonly type: "error";
  /** Why; what the `HandlerInitError` carries as `reason`. */
  readonly reason: unknown;
}

/**
 * Answer a `GenEvent.call` with `reply` and carry on with `state` (Erlang's
 * `{ok, Reply, State}`).
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const r: GenEvent.ReplyResult<number, string> = GenEvent.Result.reply("pong", 1);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface ReplyResult<S, R> {
  /** Always `"reply"`. */
  readonly type: "reply";
  /** What the caller's `call` resolves with. */
  readonly reply: R;
  /** The handler's new state. */
  readonly state: S;
}

/**
 * Remove this handler (Erlang's `remove_handler`, and `{remove_handler, Reply}` from
 * `handle_call`): its `terminate("remove_handler", state)` runs, its supervising process (if
 * any) receives a `HandlerExit` with reason `"normal"`, and from `handleCall` the caller
 * gets `reply`.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const fromEvent: GenEvent.RemoveHandlerResult = GenEvent.Result.removeHandler();
 * const fromCall: GenEvent.RemoveHandlerResult<string> = GenEvent.Result.removeHandler("bye");
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface RemoveHandlerResult<R = undefined> {
  /** Always `"remove_handler"`. */
  readonly type: "remove_handler";
  /** From `handleCall`: what the caller's `call` resolves with. Ignored elsewhere. */
  readonly reply: R;
}

/**
 * Replace this handler by another one, in place (Erlang's
 * `{swap_handler, Args1, State1, Handler2, Args2}`, and the `handle_call` form with a reply):
 *
 * 1. this handler's `terminate(terminateArgs, state)` runs and returns a result `res`;
 * 2. `handler`'s `init({ args: initArgs, result: res })` runs; if it returns `ok`, the new
 *    handler takes this one's place in the list and inherits its supervising process.
 *
 * The supervising process (if any) receives a `HandlerExit` for this handler with reason
 * `{ swapped: handler, supervisor }`. From `handleCall`, the caller gets `reply`.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const Next: GenEvent.Handler<string, GenEvent.SwapInit<number>>;
 * const r: GenEvent.SwapHandlerResult<string[]> = GenEvent.Result.swapHandler(["a"], Next, { initArgs: 10 });
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface SwapHandlerResult<S, R = undefined> {
  /** Always `"swap_handler"`. */
  readonly type: "swap_handler";
  /** The state this handler's `terminate` receives. */
  readonly state: S;
  /** The handler to install instead. */
  readonly handler: HandlerId<never, SwapInit<never>, never, unknown>;
  /** What this handler's `terminate` receives as its reason. */
  readonly terminateArgs: unknown;
  /** What the new handler's `init` receives as `args`. */
  readonly initArgs: unknown;
  /** From `handleCall`: what the caller's `call` resolves with. Ignored elsewhere. */
  readonly reply: R;
}

/**
 * What a handler installed by a swap receives in `init`: the `initArgs` of the swap, and the
 * value the old handler's `terminate` returned (`undefined` if it has no `terminate`;
 * `{ EXIT: reason }` if it threw).
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const Archive = GenEvent.defineHandler({
 *   init: ({ args, result }: GenEvent.SwapInit<string>) =>
 *     GenEvent.Result.ok({ label: args, carried: result }),
 * });
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface SwapInit<A = unknown> {
  /** The `initArgs` given to the swap. */
  readonly args: A;
  /** What the old handler's `terminate` returned. */
  readonly result: unknown;
}

/**
 * What `init` may return.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const init = (path: string): GenEvent.InitResult<{ path: string }> =>
 *   path === "" ? GenEvent.Result.error("no path") : GenEvent.Result.ok({ path });
 * ```
 * @since 0.1.0
 * @category Results
 */
export type InitResult<S> = OkResult<S> | ErrorResult;

/**
 * What `handleEvent` and `handleInfo` may return.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const handleEvent = (event: string, n: number): GenEvent.EventResult<number> =>
 *   event === "stop" ? GenEvent.Result.removeHandler() : GenEvent.Result.ok(n + 1);
 * ```
 * @since 0.1.0
 * @category Results
 */
export type EventResult<S> =
  | OkResult<S>
  | RemoveHandlerResult<unknown>
  | SwapHandlerResult<S, unknown>;

/**
 * What `handleCall` may return: each variant carries the reply.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const handleCall = (request: "get" | "pop", n: number): GenEvent.CallResult<number, number> =>
 *   request === "get" ? GenEvent.Result.reply(n, n) : GenEvent.Result.removeHandler(n);
 * ```
 * @since 0.1.0
 * @category Results
 */
export type CallResult<S, R> = ReplyResult<S, R> | RemoveHandlerResult<R> | SwapHandlerResult<S, R>;

/**
 * From `init`, `handleEvent` or `handleInfo`: carry on with `state`.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * GenEvent.Result.ok({ seen: 0 }); // { type: "ok", state: { seen: 0 } }
 * ```
 * @since 0.1.0
 * @category Results
 */
export function ok<S>(state: S): OkResult<S> {
  return { type: "ok", state };
}

/**
 * From `init`: refuse to be installed; `addHandler` rejects with a `HandlerInitError`
 * carrying `reason`.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * GenEvent.Result.error("no disk space"); // { type: "error", reason: "no disk space" }
 * ```
 * @since 0.1.0
 * @category Results
 */
export function error(reason: unknown): ErrorResult {
  return { type: "error", reason };
}

/**
 * From `handleCall`: answer `value` and carry on with `state`.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * GenEvent.Result.reply(42, { seen: 42 }); // { type: "reply", reply: 42, state: { seen: 42 } }
 * ```
 * @since 0.1.0
 * @category Results
 */
export function reply<R, S>(value: R, state: S): ReplyResult<S, R> {
  return { type: "reply", reply: value, state };
}

/**
 * Remove this handler. From `handleCall`, pass the reply the caller gets.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * GenEvent.Result.removeHandler(); // from handleEvent / handleInfo
 * GenEvent.Result.removeHandler("bye"); // from handleCall: the caller gets "bye"
 * ```
 * @since 0.1.0
 * @category Results
 */
export function removeHandler(): RemoveHandlerResult<undefined>;
export function removeHandler<R>(reply: R): RemoveHandlerResult<R>;
export function removeHandler(reply?: unknown): RemoveHandlerResult<unknown> {
  return { type: "remove_handler", reply };
}

/**
 * Options of {@link swapHandler}.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const Next: GenEvent.Handler<string, GenEvent.SwapInit<number>>;
 * const options: GenEvent.SwapOptions<number, string> = { terminateArgs: "swap", initArgs: 10, reply: "ok" };
 * GenEvent.Result.swapHandler([], Next, options);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface SwapOptions<A, R> {
  /** What this handler's `terminate` receives as its reason. Default `undefined`. */
  readonly terminateArgs?: unknown;
  /** What the new handler's `init` receives as `args` (see {@link SwapInit}). Default `undefined`. */
  readonly initArgs?: A;
  /** From `handleCall`: what the caller gets. Default `undefined`. */
  readonly reply?: R;
}

/**
 * Replace this handler by `handler` (see {@link SwapHandlerResult}): this handler's
 * `terminate(terminateArgs, state)` runs, then `handler`'s
 * `init({ args: initArgs, result })` with what `terminate` returned.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const Archive: GenEvent.Handler<unknown, GenEvent.SwapInit<string>>;
 * const AuditLog = GenEvent.defineHandler({
 *   init: () => GenEvent.Result.ok([] as string[]),
 *   handleEvent: (event: string, lines) =>
 *     lines.length < 1000
 *       ? GenEvent.Result.ok([...lines, event])
 *       : GenEvent.Result.swapHandler(lines, Archive, { terminateArgs: "full", initArgs: "archive-1" }),
 *   terminate: (_reason, lines) => lines.length,
 * });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function swapHandler<S, A = undefined, R = undefined>(
  state: S,
  handler: HandlerId<never, SwapInit<A>, never, unknown>,
  options: SwapOptions<A, R> = {},
): SwapHandlerResult<S, R> {
  return {
    type: "swap_handler",
    state,
    handler: handler as HandlerId<never, SwapInit<never>, never, unknown>,
    terminateArgs: options.terminateArgs,
    initArgs: options.initArgs,
    reply: options.reply as R,
  };
}
