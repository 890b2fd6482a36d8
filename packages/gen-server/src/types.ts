/**
 * The types that carry a server's request and reply types from its definition to the
 * typed handle that `start` returns.
 *
 * @module
 */
import type { From, Pid, ProcessName, RestartType, Shutdown } from "@trellis/core";
import type { CallResult, CastResult, IgnoreResult, OkResult } from "./result.js";

/** Child specifications are core's, shared by every behaviour and supervisor. */
export type { ChildSpec, RestartType, Shutdown } from "@trellis/core";

/**
 * A value or a promise of it: every callback may be synchronous or `async`.
 *
 * @example
 * ```ts
 * import type * as GenServer from "@trellis/gen-server";
 * const now: GenServer.Awaitable<number> = 1;
 * const later: GenServer.Awaitable<number> = Promise.resolve(1);
 * ```
 * @since 0.1.0
 * @category Types
 */
export type Awaitable<T> = T | PromiseLike<T>;

/**
 * The marker that gives a request its reply type: `{ type: "get" } & WithReply<number>`
 * is a request whose call resolves with a `number`. The property exists only in the type
 * system. Most code uses the {@link Request} shorthand.
 *
 * @example
 * ```ts
 * import type * as GenServer from "@trellis/gen-server";
 * type Size = { type: "size" } & GenServer.WithReply<number>; // same as GenServer.Request<{ type: "size" }, number>
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface WithReply<Reply> {
  /**
   * Type-level only: the reply type of this request, boxed so that a reply type including
   * `undefined` keeps it under any `tsconfig` (an optional property's own `undefined` is
   * dropped by inference without `exactOptionalPropertyTypes`). Never set it.
   */
  readonly "~reply"?: readonly [Reply];
}

/**
 * A call request together with its reply type. A server's calls are a union of these;
 * `GenServer.call` then accepts only members of the union and resolves with the reply type
 * of the member it was given.
 *
 * @example
 * ```ts
 * import type * as GenServer from "@trellis/gen-server";
 * type StackCall =
 *   | GenServer.Request<{ type: "pop" }, string | undefined>
 *   | GenServer.Request<{ type: "size" }, number>;
 * ```
 * @since 0.1.0
 * @category Types
 */
export type Request<Req, Reply> = Req & WithReply<Reply>;

/**
 * The reply type of a call request: what its {@link WithReply} marker says, or `unknown`.
 *
 * @example
 * ```ts
 * import type * as GenServer from "@trellis/gen-server";
 * type N = GenServer.ReplyOf<GenServer.Request<{ type: "size" }, number>>; // number
 * ```
 * @since 0.1.0
 * @category Types
 */
export type ReplyOf<Req> =
  Req extends WithReply<infer R> ? (unknown extends R ? unknown : R) : unknown;

/**
 * The reply type of `request` sent to a server whose calls are `Calls`: the reply types of
 * the members of `Calls` that `request` matches.
 *
 * @example
 * ```ts
 * import type * as GenServer from "@trellis/gen-server";
 * type Calls = GenServer.Request<{ type: "size" }, number> | GenServer.Request<{ type: "top" }, string>;
 * type R = GenServer.ReplyFor<Calls, { type: "top" }>; // string
 * ```
 * @since 0.1.0
 * @category Types
 */
export type ReplyFor<Calls, R> = R extends unknown
  ? Calls extends unknown
    ? R extends Calls
      ? ReplyOf<Calls>
      : never
    : never
  : never;

/**
 * The request types a typed handle carries (type-level only).
 *
 * @example
 * ```ts
 * import type * as GenServer from "@trellis/gen-server";
 * type Accepts = GenServer.ServerTypes<"get", "reset">; // { call: (request: "get") => void; cast: … }
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface ServerTypes<Calls, Casts> {
  /** Accepts the server's call requests. */
  readonly call: (request: Calls) => void;
  /** Accepts the server's cast requests. */
  readonly cast: (request: Casts) => void;
}

/**
 * The type-level brand of a typed handle.
 *
 * @example
 * ```ts
 * import type { Pid } from "@trellis/core";
 * import type * as GenServer from "@trellis/gen-server";
 * type CounterHandle = Pid & GenServer.Typed<GenServer.Request<"get", number>, "inc">; // = GenServer.Server<…>
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface Typed<Calls, Casts> {
  /** Type-level only (absent at run time): the requests the server accepts. */
  readonly "~gen-server": ServerTypes<Calls, Casts>;
}

/**
 * The brand of an untyped destination: a plain pid or name, as opposed to a typed handle.
 *
 * @example
 * ```ts
 * import type { Dest } from "@trellis/core";
 * import type * as GenServer from "@trellis/gen-server";
 * const plain: Dest & GenServer.Untyped = "counter"; // any pid or name, but no typed handle
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface Untyped {
  /** Absent on plain pids and names. */
  readonly "~gen-server"?: undefined;
}

/**
 * A typed handle to a running server: its pid, carrying (in the type system only) the
 * server's call and cast request types. `GenServer.call` and `GenServer.cast` accept only
 * those requests and infer each reply type. It is a real {@link Pid}: pass it to `link`,
 * `monitor`, `exit`, `Sys.getState` and anything else that takes one.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * type CounterCall = GenServer.Request<{ type: "get" }, number>;
 * declare const counter: GenServer.Server<CounterCall, { type: "inc" }>;
 * const n: number = await GenServer.call(counter, { type: "get" });
 * ```
 * @since 0.1.0
 * @category Types
 */
export type Server<Calls = unknown, Casts = unknown> = Pid & Typed<Calls, Casts>;

/**
 * A typed handle by name: a registered or via name carrying the server's request types,
 * made by `GenServer.named`. A {@link Server} is one too.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * declare const Counter: GenServer.Definition<number, GenServer.Result.OkResult<number>, GenServer.Request<"get", number>, never>;
 * const byName: GenServer.ServerRef<GenServer.Request<"get", number>, never> = GenServer.named(Counter, "counter");
 * ```
 * @since 0.1.0
 * @category Types
 */
export type ServerRef<Calls = unknown, Casts = unknown> = (Pid | ProcessName) & Typed<Calls, Casts>;

/**
 * The call requests of a typed handle.
 *
 * @example
 * ```ts
 * import type * as GenServer from "@trellis/gen-server";
 * type Calls = GenServer.CallsOf<GenServer.Server<"get", "inc">>; // "get"
 * ```
 * @since 0.1.0
 * @category Types
 */
export type CallsOf<S> = S extends Typed<infer C, infer _K> ? C : never;

/**
 * The cast requests of a typed handle.
 *
 * @example
 * ```ts
 * import type * as GenServer from "@trellis/gen-server";
 * type Casts = GenServer.CastsOf<GenServer.Server<"get", "inc">>; // "inc"
 * ```
 * @since 0.1.0
 * @category Types
 */
export type CastsOf<S> = S extends Typed<infer _C, infer K> ? K : never;

/**
 * The state type of a server, from what its `init` returns.
 *
 * @example
 * ```ts
 * import type * as GenServer from "@trellis/gen-server";
 * type S = GenServer.StateOf<GenServer.Result.OkResult<string[]> | GenServer.Result.IgnoreResult>; // string[]
 * ```
 * @since 0.1.0
 * @category Types
 */
export type StateOf<Init> = Init extends OkResult<infer S, infer _C> ? S : never;

/**
 * What `start` resolves with: the typed handle, or also `"ignore"` when `init` may return
 * `Result.ignore()`.
 *
 * @example
 * ```ts
 * import type * as GenServer from "@trellis/gen-server";
 * type R = GenServer.Started<GenServer.Result.OkResult<1> | GenServer.Result.IgnoreResult, GenServer.Server>; // GenServer.Server | "ignore"
 * ```
 * @since 0.1.0
 * @category Types
 */
export type Started<Init, Handle> = [Extract<Init, IgnoreResult>] extends [never]
  ? Handle
  : Handle | "ignore";

/**
 * What `handleCall` may return besides a result when the server takes primitive requests
 * (`Request<"get", number>`, a string carrying its reply type): `undefined`; otherwise
 * nothing (`never`).
 *
 * Such a request is a string intersected with its {@link WithReply} marker, which
 * TypeScript does not count as a literal when it checks that a `switch` is exhaustive: a
 * `switch (request)` with a `case` for every request would otherwise need a `default:`
 * branch (or complain that not every path returns). Object requests (`{ type: "get" }`)
 * are matched on a literal property and need no such allowance. At run time, a `handleCall`
 * that returns `undefined` (a request no `case` matched) crashes the server with
 * `{ bad_return_value: undefined }`, as any invalid result does (Elixir: a
 * `FunctionClauseError` for a request no clause matches).
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * type CounterCall = GenServer.Request<"get", number> | GenServer.Request<"name", string>;
 * type U = GenServer.UnmatchedCall<CounterCall>; // undefined
 * const Counter = GenServer.define({
 *   init: () => GenServer.Result.ok(0),
 *   handleCall(request: CounterCall, _from, n) {
 *     switch (request) {
 *       case "get":
 *         return GenServer.Result.reply(n, n);
 *       case "name":
 *         return GenServer.Result.reply("counter", n);
 *     }
 *   },
 * });
 * ```
 * @since 0.1.0
 * @category Types
 */
export type UnmatchedCall<Calls> = [
  // the members of Calls that are primitives (strings, numbers…) carrying a reply type
  Calls extends string | number | bigint | boolean | symbol
    ? unknown extends ReplyOf<Calls>
      ? never
      : Calls
    : never,
] extends [never]
  ? never
  : undefined;

/**
 * What `formatStatus` receives and returns: the state, and in a crash report also the last
 * message and the exit reason (Elixir's `format_status/1` map).
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const Vault = GenServer.define({
 *   init: (secret: string) => GenServer.Result.ok({ secret }),
 *   formatStatus: (status: GenServer.Status<{ secret: string }>) => ({ ...status, state: "<hidden>" }),
 * });
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface Status<S> {
  /** The server's state. */
  readonly state: S;
  /** The last message handled (crash reports only). */
  readonly message?: unknown;
  /** The exit reason (crash reports only). */
  readonly reason?: unknown;
}

/**
 * The callbacks of a server, given once to `GenServer.define`. Only `init` is required.
 * Each callback may return its result directly or as a promise; while a callback (or its
 * promise) runs, the server takes no other message, system messages included.
 *
 * Type parameters, usually inferred: `Arg` from `init`'s parameter, the state from what
 * `init` returns, `Calls` from `handleCall`'s first parameter, `Casts` from `handleCast`'s,
 * `Cont` from `handleContinue`'s.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const callbacks: GenServer.Callbacks<number, GenServer.Result.OkResult<number>, GenServer.Request<"get", number>, "inc", never> = {
 *   init: (n) => GenServer.Result.ok(n),
 *   handleCall: (_request, _from, n) => GenServer.Result.reply(n, n),
 *   handleCast: (_request, n) => GenServer.Result.noreply(n + 1),
 * };
 * const Counter = GenServer.define(callbacks);
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface Callbacks<Arg, Init, Calls, Casts, Cont> {
  /**
   * Runs in the new process when it starts; `start` waits for it. Returns the first state.
   *
   * - `Result.ok(state)`: the server runs; `start` resolves with its handle. With
   *   `{ continue }`, `handleContinue` runs before any message; with `{ timeout }`, the idle
   *   timeout starts.
   * - `Result.ignore()`: `start` resolves with `"ignore"`, the process exits `"normal"`.
   * - `Result.stop(reason)` / `Result.error(reason)`: `start` rejects with an `InitError`
   *   carrying `reason`.
   * - A throw (or rejection): `start` rejects with an `InitError` whose reason is the error.
   * - Anything else: `start` rejects with an `InitError` with reason `{ bad_return_value }`.
   *
   * `terminate` is never called when `init` fails. Required.
   */
  init(arg: Arg): Awaitable<Init>;
  /**
   * Handles a `GenServer.call`. `from` identifies the caller, for a deferred
   * `GenServer.reply(from, value)`. The caller waits until it gets a reply, the server
   * exits, or its timeout expires.
   *
   * - `Result.reply(value, state)`: the caller gets `value`; `state` is the new state.
   * - `Result.noreply(state)`: no reply yet; someone calls `GenServer.reply(from, value)` later.
   * - `Result.stop(reason, state)`: `terminate(reason, state)` runs, the server exits with
   *   `reason`, and the caller's `call` rejects with a `CallError` carrying `reason`.
   * - `Result.stopReply(reason, value, state)`: `terminate` runs, then the caller gets
   *   `value`, then the server exits.
   *
   * Optional. Without it, a call crashes the server (as Elixir's default `handle_call/3`)
   * and the caller's `call` rejects with a `CallError`.
   *
   * When the requests include string (or other primitive) requests such as
   * `Request<"get", number>`, it may also return `undefined` (see {@link UnmatchedCall}), so
   * that an exhaustive `switch (request)` needs no `default:` branch.
   */
  handleCall?(
    request: Calls,
    from: From,
    state: StateOf<Init>,
  ): Awaitable<CallResult<ReplyOf<Calls>, StateOf<Init>, Cont> | UnmatchedCall<Calls>>;
  /**
   * Handles a `GenServer.cast`. Nobody waits for it.
   *
   * - `Result.noreply(state)`: continue with `state`.
   * - `Result.stop(reason, state)`: `terminate(reason, state)` runs and the server exits.
   *
   * Optional. Without it, a cast crashes the server (as Elixir's default `handle_cast/2`).
   */
  handleCast?(request: Casts, state: StateOf<Init>): Awaitable<CastResult<StateOf<Init>, Cont>>;
  /**
   * Handles every other message: plain `send`s, monitors' `DownMessage`s, `ExitMessage`s
   * from linked processes other than the parent (when trapping exits), timer messages, and
   * core's `TIMEOUT` symbol when the idle timeout fires. Results as `handleCast`.
   *
   * Optional. Without it, each such message is logged (kind `"error"`) and dropped, and the
   * server keeps running (Elixir's default `handle_info/2`).
   */
  handleInfo?(message: unknown, state: StateOf<Init>): Awaitable<CastResult<StateOf<Init>, Cont>>;
  /**
   * Runs right after a callback returned `{ continue: arg }`, before any message (including
   * messages already waiting). A call's reply is sent before it runs. Results as
   * `handleCast`; it may return `{ continue }` again to chain.
   *
   * Optional, but a `continue` without it crashes the server.
   */
  handleContinue?(arg: Cont, state: StateOf<Init>): Awaitable<CastResult<StateOf<Init>, Cont>>;
  /**
   * Runs when the server is about to exit, with the reason and the last state:
   *
   * - a callback returned `stop` or `stopReply`;
   * - a callback threw or rejected (the reason is the error), or returned an invalid result
   *   (the reason is `{ bad_return_value: result }`);
   * - `GenServer.stop(server, reason)`;
   * - the server traps exits and its parent sent an exit signal, for any reason, `"normal"`
   *   included. It runs after every message that arrived before the signal.
   *
   * It is not called when `init` fails, when the server is killed (`exit(pid, "kill")`), or
   * when the parent's exit signal kills a server that does not trap exits. Its return value
   * is ignored; if it throws, the server exits with that error instead. Optional; the
   * default does nothing.
   */
  terminate?(reason: unknown, state: StateOf<Init>): unknown;
  /**
   * Shapes what `Sys.getStatus` and crash reports show: receives `{ state }` (and in a crash
   * report `message` and `reason`) and returns the same shape, e.g. with secrets removed.
   * Optional; the default shows everything as it is.
   */
  formatStatus?(status: Status<StateOf<Init>>): Status<unknown>;
}

/**
 * Options of `GenServer.define`: defaults for the child spec (Elixir's `use GenServer,
 * restart: :transient`).
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const Worker = GenServer.define({ init: () => GenServer.Result.ok(null) }, { restart: "transient", shutdown: 10_000 });
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface DefineOptions {
  /**
   * The definition's name (Elixir: the module name): how the definition reads in
   * supervision trees, child lists and reports when it is the child id. Default
   * `"GenServer#<n>"`, numbered in definition order.
   */
  readonly name?: string;
  /** The child id. Default: the definition itself (which prints as its `name`). */
  readonly id?: unknown;
  /** When a supervisor restarts the server. Default (the supervisor's): `"permanent"`. */
  readonly restart?: RestartType;
  /** How long a supervisor waits for it to stop. Default (the supervisor's): `5000`. */
  readonly shutdown?: Shutdown;
}

/**
 * A server definition: what `GenServer.define` returns and `start`, `startLink` and
 * `childSpec` take. The type parameters carry the argument, init result, calls, casts and
 * continue types to the typed handle.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const Echo: GenServer.Definition<void, GenServer.Result.OkResult<null>, GenServer.Request<string, string>, never> =
 *   GenServer.define({
 *     init: () => GenServer.Result.ok(null),
 *     handleCall: (request: GenServer.Request<string, string>, _from, state) => GenServer.Result.reply(request, state),
 *   });
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface Definition<
  Arg = unknown,
  Init = unknown,
  Calls = unknown,
  Casts = unknown,
  Cont = unknown,
> {
  /** The callbacks. */
  readonly callbacks: Callbacks<Arg, Init, Calls, Casts, Cont>;
  /** The child spec defaults. */
  readonly options: DefineOptions;
  /** Its name: `options.name`, or `"GenServer#<n>"`; also what `String()` and JSON give. */
  readonly name: string;
}

/**
 * The (optional) argument and options of `start`, `startLink` and `childSpec`: the argument
 * may be left out when `init` accepts `undefined`.
 *
 * @example
 * ```ts
 * import type * as GenServer from "@trellis/gen-server";
 * type A = GenServer.StartArgs<number, GenServer.StartOptions>; // [arg: number, options?: StartOptions]
 * type B = GenServer.StartArgs<undefined, GenServer.StartOptions>; // [arg?: undefined, options?: StartOptions]
 * ```
 * @since 0.1.0
 * @category Types
 */
export type StartArgs<Arg, Options> = undefined extends Arg
  ? [arg?: Arg, options?: Options]
  : [arg: Arg, options?: Options];
