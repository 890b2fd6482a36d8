/**
 * The types that carry a manager's event type, and a handler's argument, request and reply
 * types, from their definitions to the client functions.
 *
 * @module
 */
import type { Pid, ProcessName, Term } from "@trellis/core";
import type { CallResult, EventResult, InitResult } from "./result.js";

/**
 * A value or a promise of it: every handler callback may be synchronous or `async`.
 *
 * @example
 * ```ts
 * import type * as GenEvent from "@trellis/gen-event";
 * const later: GenEvent.Awaitable<number> = Promise.resolve(1);
 * const now: GenEvent.Awaitable<number> = 1;
 * ```
 * @since 0.1.0
 * @category Types
 */
export type Awaitable<T> = T | PromiseLike<T>;

/**
 * Why a handler's `terminate` runs. The first argument of `terminate` is one of:
 *
 * | value | when |
 * | --- | --- |
 * | the `args` given to `deleteHandler` | the handler is deleted; `deleteHandler` resolves with what `terminate` returns |
 * | the `terminateArgs` of a swap | the handler is swapped out; the new handler's `init` receives what `terminate` returns |
 * | `"stop"` | the manager is stopping (`GenEvent.stop`, or its parent exited) |
 * | `"remove_handler"` | a callback of the handler returned `Result.removeHandler()` |
 * | `{ stop: reason }` | the handler's supervising process exited with `reason` (or sent the manager an exit signal) |
 * | `{ error: { EXIT: reason } }` | a callback threw (or rejected) with `reason` |
 * | `{ error: value }` | a callback returned `value`, which is not a valid result |
 *
 * As in Erlang, the first two are whatever the caller passed, so the type is `unknown`;
 * match the others by value.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const Log = GenEvent.defineHandler({
 *   init: () => GenEvent.Result.ok([] as string[]),
 *   terminate(reason: GenEvent.TerminateReason, lines) {
 *     if (reason === "stop") console.log("manager stopping with", lines.length, "lines");
 *     return lines.length;
 *   },
 * });
 * ```
 * @since 0.1.0
 * @category Handlers
 */
export type TerminateReason =
  | "stop"
  | "remove_handler"
  | {
      /** The exit reason of the supervising process. */
      readonly stop: unknown;
    }
  | {
      /** `{ EXIT: reason }` for a throw, or the invalid value a callback returned. */
      readonly error: unknown;
    }
  | unknown;

/**
 * The callbacks of an event handler, given once to `GenEvent.defineHandler`. Only `init` is
 * required. The manager runs one callback at a time, for one handler at a time: while a
 * callback (or the promise it returns) runs, the manager and its other handlers wait, so keep
 * them short and hand slow work to another process.
 *
 * Type parameters, usually inferred: `Args` from `init`'s parameter, `S` (the state) from
 * what `init` returns, `E` from `handleEvent`'s first parameter, `Req` from `handleCall`'s
 * first parameter and `CallReturn` from what `handleCall` returns (its replies make the
 * handler's reply type, see {@link ReplyOf}).
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const callbacks: GenEvent.HandlerCallbacks<string, number, number, "get", GenEvent.ReplyResult<number, number>> = {
 *   init: (start) => GenEvent.Result.ok(start),
 *   handleEvent: (_event, n) => GenEvent.Result.ok(n + 1),
 *   handleCall: (_request, n) => GenEvent.Result.reply(n, n),
 * };
 * const Counter = GenEvent.defineHandler(callbacks);
 * ```
 * @since 0.1.0
 * @category Handlers
 */
export interface HandlerCallbacks<E, Args, S, Req, CallReturn extends CallResult<S, unknown>> {
  /**
   * Runs in the manager when the handler is added (`addHandler`, `addSupHandler`) or
   * swapped in; the caller waits for it.
   *
   * - `Result.ok(state)`: the handler is installed with `state`, first in the list.
   * - `Result.error(reason)`: nothing is installed; `addHandler` rejects with a
   *   `HandlerInitError` whose `reason` is `reason`.
   * - A throw (or rejection): nothing is installed; the `HandlerInitError`'s result is
   *   `{ EXIT: error }`.
   * - Anything else: nothing is installed; the `HandlerInitError` carries the value
   *   unchanged (Erlang passes any other return value back to the caller).
   *
   * A handler installed by a swap receives `{ args, result }` (see `SwapInit`). Required.
   */
  init(args: Args): Awaitable<InitResult<S>>;
  /**
   * Handles each event sent with `notify` or `syncNotify`, in the order they were sent.
   * Handlers see an event one after the other, most recently added first.
   *
   * - `Result.ok(state)`: carry on with `state`.
   * - `Result.removeHandler()`: `terminate("remove_handler", state)` runs and the handler is
   *   removed; its supervising process gets a `HandlerExit` with reason `"normal"`.
   * - `Result.swapHandler(state, other, { terminateArgs, initArgs })`: replace this handler
   *   by `other`, in place (see `SwapHandlerResult`).
   * - A throw (or rejection): the handler is removed with
   *   `terminate({ error: { EXIT: error } }, state)`; its supervising process gets a
   *   `HandlerExit` with reason `{ EXIT: error }`. The manager and the other handlers carry
   *   on, and the event still reaches them.
   * - Anything else: the handler is removed with `terminate({ error: value }, state)`; its
   *   supervising process gets a `HandlerExit` whose reason is the value.
   *
   * Optional; without it, events leave the handler unchanged.
   */
  handleEvent?(event: E, state: S): Awaitable<EventResult<S>>;
  /**
   * Answers a `GenEvent.call` made to this handler. The caller waits for it.
   *
   * - `Result.reply(value, state)`: the caller gets `value`; carry on with `state`.
   * - `Result.removeHandler(value)`: the caller gets `value`, and the handler is removed as
   *   from `handleEvent`.
   * - `Result.swapHandler(state, other, { reply: value, … })`: the caller gets `value`, and
   *   the handler is swapped as from `handleEvent`.
   * - A throw or an invalid result: the handler is removed as from `handleEvent`, and the
   *   caller's `call` rejects with a `HandlerCallError`.
   *
   * Optional; without it, a call crashes the handler (as an undefined `handle_call` does in
   * Erlang): it is removed and the call rejects with a `HandlerCallError`.
   */
  handleCall?(request: Req, state: S): Awaitable<CallReturn>;
  /**
   * Handles every message sent straight to the manager process rather than through
   * `notify`: plain `send`s, timer messages, `DownMessage`s, and the `ExitMessage` of a
   * linked process (after the handlers that process supervised have been removed). Every
   * handler receives each such message, most recently added first. Results as `handleEvent`.
   *
   * Optional; without it, such messages are logged as warnings and the handler is kept.
   */
  handleInfo?(message: unknown, state: S): Awaitable<EventResult<S>>;
  /**
   * Runs when the handler is removed, for any of the reasons of {@link TerminateReason},
   * with the handler's last state. What it returns is handed back: `deleteHandler` resolves
   * with it, and a swap passes it to the new handler's `init`. A throw (or rejection) is
   * caught: the value handed back is then `{ EXIT: error }`.
   *
   * Not called when the manager is killed (`exit(manager, "kill")`). Optional; the default
   * returns `undefined`.
   */
  terminate?(reason: TerminateReason, state: S): unknown;
  /**
   * Erlang's `code_change/3`, for hot code upgrades. Accepted for completeness and never
   * called: Node has no hot code loading. Optional.
   */
  codeChange?(oldVersion: unknown, state: S, extra: unknown): Awaitable<S>;
}

/**
 * The reply type of a `handleCall` result type: the union of the replies it carries.
 *
 * @example
 * ```ts
 * import type * as GenEvent from "@trellis/gen-event";
 * type R = GenEvent.ReplyOf<GenEvent.ReplyResult<{}, number> | GenEvent.RemoveHandlerResult<"bye">>;
 * // number | "bye"
 * ```
 * @since 0.1.0
 * @category Types
 */
export type ReplyOf<CallReturn> = CallReturn extends {
  /** The reply a result carries. */
  readonly reply: infer R;
}
  ? R
  : never;

/**
 * The types of a handler (type-level only): what it accepts and answers.
 *
 * @example
 * ```ts
 * import type * as GenEvent from "@trellis/gen-event";
 * type T = GenEvent.HandlerTypes<string, number, "get", number>;
 * type Reply = ReturnType<T["call"]>; // number
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface HandlerTypes<E, Args, Req, Reply> {
  /** Accepts the events the handler handles. */
  readonly event: (event: E) => void;
  /** Accepts `init`'s argument. */
  readonly init: (args: Args) => void;
  /** Accepts the handler's call requests and returns its replies. */
  readonly call: (request: Req) => Reply;
}

/**
 * An event handler definition: what `GenEvent.defineHandler` returns, and what identifies a
 * handler installed without an id (Erlang's callback module). The type parameters carry the
 * events it handles (`E`), `init`'s argument (`Args`), its call requests (`Req`) and replies
 * (`Reply`); a manager accepts a handler only if the handler handles every event the manager
 * declares.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const Printer: GenEvent.Handler<string, string> = GenEvent.defineHandler({
 *   init: (prefix: string) => GenEvent.Result.ok(prefix),
 *   handleEvent: (event: string, prefix) => (console.log(prefix, event), GenEvent.Result.ok(prefix)),
 * });
 * ```
 * @since 0.1.0
 * @category Handlers
 */
export interface Handler<E = unknown, Args = unknown, Req = never, Reply = unknown> {
  /** The name used in `whichHandlers` output, log reports and `Sys.getState`. */
  readonly name: string;
  /** Type-level only: what the handler accepts. Never set it. */
  readonly "~gen-event-handler"?: HandlerTypes<E, Args, Req, Reply>;
}

/**
 * A handler installed with an id (Erlang's `{Module, Id}`): the same definition can then be
 * installed several times and each one addressed on its own. `id` is any term, compared with
 * `equals`.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const Metrics: GenEvent.Handler<{ type: string }, string>;
 * const perTenant: GenEvent.HandlerWithId<{ type: string }, string> = { handler: Metrics, id: "tenant-7" };
 * ```
 * @since 0.1.0
 * @category Handlers
 */
export interface HandlerWithId<E = unknown, Args = unknown, Req = never, Reply = unknown> {
  /** The definition. */
  readonly handler: Handler<E, Args, Req, Reply>;
  /** Which one: any term. */
  readonly id: Term;
}

/**
 * What identifies an installed handler (Erlang's `Module | {Module, Id}`): its definition,
 * or its definition and an id. A plain definition finds the most recently added handler of
 * that definition that was installed without an id.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const Printer: GenEvent.Handler<string, string>;
 * const plain: GenEvent.HandlerId<string, string> = Printer;
 * const second: GenEvent.HandlerId<string, string> = { handler: Printer, id: 2 };
 * ```
 * @since 0.1.0
 * @category Handlers
 */
export type HandlerId<E = unknown, Args = unknown, Req = never, Reply = unknown> =
  | Handler<E, Args, Req, Reply>
  | HandlerWithId<E, Args, Req, Reply>;

/**
 * Any handler id, whatever the types of its handler: what `whichHandlers`, `HandlerExit`
 * and the errors carry.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const events: GenEvent.Manager<string>;
 * const installed: GenEvent.AnyHandlerId[] = await GenEvent.whichHandlers(events);
 * ```
 * @since 0.1.0
 * @category Handlers
 */
export type AnyHandlerId = HandlerId<never, never, never, unknown>;

/**
 * One entry of what `Sys.getState(manager)` resolves with (Erlang's
 * `[{Module, Id | false, State}]`), most recently added handler first.
 *
 * @example
 * ```ts
 * import { Sys } from "@trellis/core";
 * import type * as GenEvent from "@trellis/gen-event";
 * declare const manager: GenEvent.Manager<string>;
 * const entries = (await Sys.getState(manager)) as GenEvent.HandlerState[];
 * entries.map((e) => `${e.handler.name}: ${JSON.stringify(e.state)}`);
 * ```
 * @since 0.1.0
 * @category Handlers
 */
export interface HandlerState {
  /** The definition. */
  readonly handler: Handler<never, never, never, unknown>;
  /** The id it was installed with, or `undefined`. */
  readonly id: Term | undefined;
  /** Its current state. */
  readonly state: unknown;
}

/**
 * The event type of a manager (type-level only).
 *
 * @example
 * ```ts
 * import type * as GenEvent from "@trellis/gen-event";
 * type T = GenEvent.ManagerTypes<"tick">;
 * type E = Parameters<T["notify"]>[0]; // "tick"
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface ManagerTypes<E> {
  /** Accepts the manager's events. */
  readonly notify: (event: E) => void;
}

/**
 * The type-level brand of a typed manager handle.
 *
 * @example
 * ```ts
 * import type { Pid } from "@trellis/core";
 * import type * as GenEvent from "@trellis/gen-event";
 * type Ticks = Pid & GenEvent.TypedManager<"tick">; // the same as GenEvent.Manager<"tick">
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface TypedManager<E> {
  /** Type-level only: the events the manager accepts. Never set it. */
  readonly "~gen-event"?: ManagerTypes<E>;
}

/**
 * A typed handle to a running event manager: its pid, carrying (in the type system only)
 * the manager's event type `E`. `notify` and `syncNotify` accept only `E`, and `addHandler`
 * only handlers that handle every `E`. It is a real `Pid`: pass it to `link`, `monitor`,
 * `exit`, `Sys.getState` and anything else that takes one.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * type AppEvent = { type: "login"; user: string } | { type: "logout"; user: string };
 * const events: GenEvent.Manager<AppEvent> = await GenEvent.start<AppEvent>();
 * GenEvent.notify(events, { type: "login", user: "ann" });
 * ```
 * @since 0.1.0
 * @category Types
 */
export type Manager<E = unknown> = Pid & TypedManager<E>;

/**
 * A typed handle by pid or name: a `Manager`, or a registered or via name carrying the
 * manager's event type, made by `GenEvent.named`. A plain pid or name is accepted wherever a
 * `ManagerRef` is, untyped.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const byName: GenEvent.ManagerRef<"tick"> = GenEvent.named<"tick">("ticks");
 * GenEvent.notify(byName, "tick");
 * ```
 * @since 0.1.0
 * @category Types
 */
export type ManagerRef<E = unknown> = (Pid | ProcessName) & TypedManager<E>;

/**
 * The event type of a typed manager handle.
 *
 * @example
 * ```ts
 * import type * as GenEvent from "@trellis/gen-event";
 * type E = GenEvent.EventOf<GenEvent.Manager<"tick" | "tock">>; // "tick" | "tock"
 * ```
 * @since 0.1.0
 * @category Types
 */
export type EventOf<M> = M extends TypedManager<infer E> ? E : never;
