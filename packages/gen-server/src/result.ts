/**
 * What GenServer callbacks return: Elixir's `{:ok, state}`, `{:reply, reply, state}`,
 * `{:noreply, state, {:continue, arg}}` and the other tuples, as small objects discriminated
 * by `type`, with one constructor each.
 *
 * The constructors live in this namespace (`GenServer.Result.reply(…)`) because the
 * package's top level already has Elixir's client functions `GenServer.reply(from, value)`
 * and `GenServer.stop(server, reason, timeout)`. The objects are plain data: writing
 * `{ type: "noreply", state }` by hand is equivalent.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const { ok, reply, noreply, stop } = GenServer.Result;
 *
 * const Counter = GenServer.define({
 *   init: (start: number) => ok(start),
 *   handleCall: (_request: "get", _from, n) => reply(n, n),
 *   handleCast: (request: "inc" | "stop", n) => (request === "inc" ? noreply(n + 1) : stop("normal", n)),
 * });
 * ```
 *
 * @since 0.1.0
 * @category Results
 * @module
 */

/**
 * An idle timeout with a message of your own or an absolute deadline (OTP 26's
 * `{timeout, Time, Message}`): if no message arrives first, `handleInfo` receives `message`
 * (default: core's `TIMEOUT` symbol) once `after` milliseconds have passed, or at the
 * monotonic time `after` when `abs` is `true`.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * GenServer.Result.noreply({ idle: true }, { timeout: { after: 30_000, message: "hibernate-now" } });
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface IdleTimeout {
  /** Milliseconds from now, or a monotonic time when `abs` is `true`. */
  readonly after: number;
  /** What `handleInfo` receives. Default: core's `TIMEOUT` symbol. */
  readonly message?: unknown;
  /** Whether `after` is an absolute time on the runtime's monotonic clock. Default `false`. */
  readonly abs?: boolean;
}

/**
 * What may follow a successful result: at most one of `continue`, `timeout` and
 * `hibernate` (Erlang's third tuple element). A result that sets more than one is invalid.
 *
 * - `continue`: run `handleContinue(continue, state)` next, before any message, including
 *   messages already waiting.
 * - `timeout`: the idle timeout: if no call, cast or other message arrives within this many
 *   milliseconds, `handleInfo` receives core's `TIMEOUT` symbol (Elixir's `:timeout`).
 *   `Infinity` means none; `0` fires at once unless a message is already waiting, in which
 *   case it is dropped. System messages (`Sys.getState`…) neither cancel nor restart it.
 * - `hibernate`: accepted for compatibility; Node has no per-process heap to compact, so it
 *   does nothing.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * GenServer.Result.ok({ ready: false }, { continue: "load" });
 * GenServer.Result.noreply({ ready: true }, { timeout: 60_000 });
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface Actions<C = never> {
  /** Run `handleContinue(continue, state)` before the next message. */
  readonly continue?: C;
  /** The idle timeout in milliseconds (or with a message of its own). */
  readonly timeout?: number | IdleTimeout;
  /** Accepted and ignored (see above). */
  readonly hibernate?: boolean;
}

/**
 * Any value, as the constraint of a `continue` argument: spelled as a union that names the
 * primitive types so that TypeScript keeps a literal (`{ continue: "load" }` gives
 * `"load"`, not `string`) when it infers the continue type of `ok`, `reply` and `noreply`.
 *
 * @example
 * ```ts
 * import type * as GenServer from "@trellis/gen-server";
 * const next: GenServer.Result.Continue = "load";
 * ```
 * @since 0.1.0
 * @category Results
 */
export type Continue = string | number | bigint | boolean | symbol | object | null | undefined;

/**
 * `init` succeeded: the server runs with `state` (Elixir's `{:ok, state}`).
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const started: GenServer.Result.OkResult<number, "load"> = GenServer.Result.ok(0, { continue: "load" });
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface OkResult<S, C = never> extends Actions<C> {
  /** Always `"ok"`. */
  readonly type: "ok";
  /** The first state. */
  readonly state: S;
}

/**
 * `init` declined to start: the start resolves with `"ignore"` and the process exits
 * `"normal"` (Elixir's `:ignore`).
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const skipped: GenServer.Result.IgnoreResult = GenServer.Result.ignore(); // { type: "ignore" }
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface IgnoreResult {
  /** Always `"ignore"`. */
  readonly type: "ignore";
}

/**
 * `init` failed: the start rejects with an `InitError` carrying `reason` (OTP 26's
 * `{error, Reason}`; `terminate` is not called).
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const failed: GenServer.Result.ErrorResult = GenServer.Result.error("no_config");
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface ErrorResult {
  /** Always `"error"`. */
  readonly type: "error";
  /** What the start rejects with, inside an `InitError`. */
  readonly reason: unknown;
}

/**
 * `init` stopped: the start rejects with an `InitError` carrying `reason`, and the process
 * exits with `reason` without calling `terminate` (Elixir's `{:stop, reason}` from `init`).
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const stopped: GenServer.Result.InitStopResult = GenServer.Result.stop("bad_arg");
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface InitStopResult {
  /** Always `"stop"`. */
  readonly type: "stop";
  /** The exit reason. */
  readonly reason: unknown;
}

/**
 * Answer the call with `reply` and continue with `state` (Elixir's `{:reply, reply, state}`).
 * The reply is sent before any `continue` runs.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const answer: GenServer.Result.ReplyResult<string, number> = GenServer.Result.reply("pong", 1);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface ReplyResult<R, S, C = never> extends Actions<C> {
  /** Always `"reply"`. */
  readonly type: "reply";
  /** What the caller's `call` resolves with. */
  readonly reply: R;
  /** The next state. */
  readonly state: S;
}

/**
 * Continue with `state` (Elixir's `{:noreply, state}`). From `handleCall`, the caller keeps
 * waiting until someone calls `GenServer.reply(from, value)`.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const later: GenServer.Result.NoReplyResult<number> = GenServer.Result.noreply(1, { timeout: 5000 });
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface NoReplyResult<S, C = never> extends Actions<C> {
  /** Always `"noreply"`. */
  readonly type: "noreply";
  /** The next state. */
  readonly state: S;
}

/**
 * Stop the server (Elixir's `{:stop, reason, state}`): `terminate(reason, state)` runs, then
 * the process exits with `reason`. From `handleCall`, the caller's `call` rejects with a
 * `CallError` carrying `reason`.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const done: GenServer.Result.StopResult<number> = GenServer.Result.stop("normal", 1);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface StopResult<S> {
  /** Always `"stop"`. */
  readonly type: "stop";
  /** The exit reason. */
  readonly reason: unknown;
  /** The state `terminate` receives. */
  readonly state: S;
}

/**
 * Answer the call and stop (Elixir's `{:stop, reason, reply, state}`): `terminate(reason,
 * state)` runs first, then the reply is sent, then the process exits with `reason`. The
 * caller stays blocked while `terminate` runs.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const bye: GenServer.Result.StopReplyResult<string, number> = GenServer.Result.stopReply("normal", "bye", 1);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface StopReplyResult<R, S> {
  /** Always `"stopReply"`. */
  readonly type: "stopReply";
  /** The exit reason. */
  readonly reason: unknown;
  /** What the caller's `call` resolves with. */
  readonly reply: R;
  /** The state `terminate` receives. */
  readonly state: S;
}

/**
 * What `init` may return.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * function init(port: number): GenServer.Result.InitResult<{ port: number }> {
 *   return port > 0 ? GenServer.Result.ok({ port }) : GenServer.Result.stop("bad_port");
 * }
 * ```
 * @since 0.1.0
 * @category Results
 */
export type InitResult<S, C = never> = OkResult<S, C> | IgnoreResult | ErrorResult | InitStopResult;

/**
 * What `handleCall` may return.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * function handleCall(request: "get", _from: unknown, n: number): GenServer.Result.CallResult<number, number> {
 *   return GenServer.Result.reply(n, n);
 * }
 * ```
 * @since 0.1.0
 * @category Results
 */
export type CallResult<R, S, C = never> =
  | ReplyResult<R, S, C>
  | NoReplyResult<S, C>
  | StopResult<S>
  | StopReplyResult<R, S>;

/**
 * What `handleCast`, `handleInfo` and `handleContinue` may return.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * function handleCast(request: "inc" | "quit", n: number): GenServer.Result.CastResult<number> {
 *   return request === "inc" ? GenServer.Result.noreply(n + 1) : GenServer.Result.stop("normal", n);
 * }
 * ```
 * @since 0.1.0
 * @category Results
 */
export type CastResult<S, C = never> = NoReplyResult<S, C> | StopResult<S>;

function withActions<T extends object>(base: T, actions: Actions<unknown> | undefined): T {
  return actions === undefined ? base : { ...actions, ...base };
}

/**
 * `init` succeeded: the server runs with `state`. Options: `continue`, `timeout` or
 * `hibernate` (see {@link Actions}).
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const Stack = GenServer.define({
 *   init: (items: string[]) => GenServer.Result.ok(items, { continue: "warm-up" }),
 *   handleContinue: (_arg: "warm-up", items) => GenServer.Result.noreply(items),
 * });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function ok<S>(state: S): OkResult<S, never>;
export function ok<S, C extends Continue = never>(state: S, actions: Actions<C>): OkResult<S, C>;
export function ok<S, C>(state: S, actions?: Actions<C>): OkResult<S, C> {
  return withActions({ type: "ok", state } as OkResult<S, C>, actions);
}

/**
 * `init` declines to start: the start resolves with `"ignore"` and the process exits
 * `"normal"`. A supervisor records such a child as not running.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const Optional = GenServer.define({
 *   init: (enabled: boolean) => (enabled ? GenServer.Result.ok(null) : GenServer.Result.ignore()),
 * });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function ignore(): IgnoreResult {
  return { type: "ignore" };
}

/**
 * `init` failed with `reason`: the start rejects with an `InitError` carrying it, and the
 * process exits (without calling `terminate`).
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const Config = GenServer.define({
 *   init: (path: string) =>
 *     path === "" ? GenServer.Result.error("no config path") : GenServer.Result.ok({ path }),
 * });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function error(reason: unknown): ErrorResult {
  return { type: "error", reason };
}

/**
 * Stop with `reason`. With a `state` (from `handleCall`, `handleCast`, `handleInfo` or
 * `handleContinue`), `terminate(reason, state)` runs and the process exits with `reason`;
 * a waiting caller's `call` rejects with a `CallError` carrying `reason`. Without a state
 * (from `init`), the start rejects with an `InitError` carrying `reason`.
 *
 * `"normal"`, `"shutdown"` and `{ shutdown: term }` are quiet; any other reason is logged
 * as a crash.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const Once = GenServer.define({
 *   init: () => GenServer.Result.ok(0),
 *   handleCast: (_request: "done", n) => GenServer.Result.stop("normal", n),
 * });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function stop(reason: unknown): InitStopResult;
export function stop<S>(reason: unknown, state: S): StopResult<S>;
export function stop<S>(reason: unknown, ...rest: [] | [S]): InitStopResult | StopResult<S> {
  return rest.length === 0 ? { type: "stop", reason } : { type: "stop", reason, state: rest[0] };
}

/**
 * Answer the call with `value` and continue with `state`. Options: `continue` (runs after
 * the reply is sent), `timeout` or `hibernate` (see {@link Actions}).
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const Echo = GenServer.define({
 *   init: () => GenServer.Result.ok(null),
 *   handleCall: (request: string, _from, state) => GenServer.Result.reply(request, state),
 * });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function reply<R, S>(value: R, state: S): ReplyResult<R, S, never>;
export function reply<R, S, C extends Continue = never>(
  value: R,
  state: S,
  actions: Actions<C>,
): ReplyResult<R, S, C>;
export function reply<R, S, C>(value: R, state: S, actions?: Actions<C>): ReplyResult<R, S, C> {
  return withActions({ type: "reply", reply: value, state } as ReplyResult<R, S, C>, actions);
}

/**
 * Continue with `state` without answering (yet). From `handleCall`, answer later with
 * `GenServer.reply(from, value)`. Options: `continue`, `timeout` or `hibernate` (see
 * {@link Actions}).
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const Log = GenServer.define({
 *   init: () => GenServer.Result.ok([] as string[]),
 *   handleCast: (line: string, lines) => GenServer.Result.noreply([...lines, line]),
 * });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function noreply<S>(state: S): NoReplyResult<S, never>;
export function noreply<S, C extends Continue = never>(
  state: S,
  actions: Actions<C>,
): NoReplyResult<S, C>;
export function noreply<S, C>(state: S, actions?: Actions<C>): NoReplyResult<S, C> {
  return withActions({ type: "noreply", state } as NoReplyResult<S, C>, actions);
}

/**
 * Answer the call and stop: `terminate(reason, state)` runs first, then the caller gets
 * `value`, then the process exits with `reason`.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const Door = GenServer.define({
 *   init: () => GenServer.Result.ok("open"),
 *   handleCall: (_request: "close", _from, state) =>
 *     GenServer.Result.stopReply("normal", "closed", state),
 * });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function stopReply<R, S>(reason: unknown, value: R, state: S): StopReplyResult<R, S> {
  return { type: "stopReply", reason, reply: value, state };
}
