/**
 * Constructors for what callbacks return: Erlang's `{ok, State, Data}`, `{next_state, …}`,
 * `keep_state_and_data`, `{stop_and_reply, …}` and the other tuples, as small objects
 * discriminated by `type`.
 *
 * The constructors live in this namespace (`GenStateMachine.Result.nextState(…)`) because
 * the package's top level already has the client functions `GenStateMachine.stop(server)`.
 * The objects are plain data: writing `{ type: "keepStateAndData" }` by hand is equivalent.
 * Every result that continues may carry transition actions (see the `Action` namespace):
 * one action or a list.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const { nextState, keepStateAndData } = GenStateMachine.Result;
 * const { reply } = GenStateMachine.Action;
 *
 * interface SwitchTypes {
 *   state: "off" | "on";
 *   data: number;
 *   calls: GenStateMachine.Request<"flip", "off" | "on">;
 * }
 * const Switch = GenStateMachine.define({
 *   types: {} as SwitchTypes,
 *   callbackMode: "handleEvent",
 *   init: (_: undefined) => GenStateMachine.Result.ok("off", 0),
 *   handleEvent(event, state, flips) {
 *     if (event.type !== "call") return keepStateAndData();
 *     const next = state === "off" ? "on" : "off";
 *     return nextState(next, flips + 1, reply(event.from, next));
 *   },
 * });
 * ```
 * @since 0.1.0
 * @category Results
 * @module
 */
import type {
  Actions,
  ErrorResult,
  IgnoreResult,
  KeepStateAndDataResult,
  KeepStateResult,
  NextStateResult,
  OkResult,
  RepeatStateAndDataResult,
  RepeatStateResult,
  ReplyAction,
  StopAndReplyResult,
  StopResult,
} from "./results.js";

/**
 * `init` succeeded: the machine starts in `state` with `data` (Erlang's `{ok, State,
 * Data[, Actions]}`). The actions are carried out once the start has been acknowledged,
 * after the first state enter call; a `nextEvent` among them is the first event handled.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const { ok } = GenStateMachine.Result;
 * const { stateTimeout } = GenStateMachine.Action;
 * ok("pending", { amount: 100 }, stateTimeout(30_000, "expire"));
 * ```
 * @since 0.1.0
 * @category Results
 */
export function ok<const S, D, A = never>(
  state: S,
  data: D,
  actions?: Actions<A>,
): OkResult<S, D, A> {
  return actions === undefined ? { type: "ok", state, data } : { type: "ok", state, data, actions };
}

/**
 * `init` declines to start: the start resolves with `"ignore"` and the process exits
 * `"normal"`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const { ok, ignore } = GenStateMachine.Result;
 * const init = (enabled: boolean) => (enabled ? ok("idle", null) : ignore());
 * ```
 * @since 0.1.0
 * @category Results
 */
export function ignore(): IgnoreResult {
  return { type: "ignore" };
}

/**
 * `init` failed with `reason` (OTP 26's `{error, Reason}`): the start rejects with an
 * `InitError` carrying it, as with {@link stop}. (OTP then exits `normal` without a crash
 * report; here the process exits with `reason`, so a reason other than `"normal"`,
 * `"shutdown"` or `{ shutdown: term }` is logged.)
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const { ok, error } = GenStateMachine.Result;
 * const init = (code: string) => (code === "" ? error("empty code") : ok("locked", code));
 * ```
 * @since 0.1.0
 * @category Results
 */
export function error(reason: unknown): ErrorResult {
  return { type: "error", reason };
}

/**
 * Stop (Erlang's `stop`, `{stop, Reason}`, `{stop, Reason, NewData}`). From `init`, the start
 * rejects with an `InitError` carrying `reason`. From a handler, `terminate(reason, state,
 * data)` runs (with `data` if given) and the process exits with `reason`; a caller still
 * waiting gets a `CallError` carrying it. `reason` defaults to `"normal"`; `"normal"`,
 * `"shutdown"` and `{ shutdown: term }` are quiet, any other reason is logged as a crash.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const { stop } = GenStateMachine.Result;
 * stop(); // "normal"
 * stop({ shutdown: "closed" }, { open: false });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function stop(): StopResult<never>;
export function stop(reason: unknown): StopResult<never>;
export function stop<D>(reason: unknown, data: D): StopResult<D>;
export function stop<D>(...args: [] | [unknown] | [unknown, D]): StopResult<D> {
  const reason = args.length === 0 ? "normal" : args[0];
  return args.length === 2 ? { type: "stop", reason, data: args[1] } : { type: "stop", reason };
}

/**
 * Answer callers, then stop (Erlang's `{stop_and_reply, Reason, Replies[, NewData]}`): every
 * reply is sent first, then `terminate(reason, state, data)` runs, then the process exits
 * with `reason`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { From } from "@trellis/core";
 * const { stopAndReply } = GenStateMachine.Result;
 * const { reply } = GenStateMachine.Action;
 * declare const from: From;
 * stopAndReply("normal", reply(from, "bye"));
 * ```
 * @since 0.1.0
 * @category Results
 */
export function stopAndReply(
  reason: unknown,
  replies: Actions<ReplyAction>,
): StopAndReplyResult<never>;
export function stopAndReply<D>(
  reason: unknown,
  replies: Actions<ReplyAction>,
  data: D,
): StopAndReplyResult<D>;
export function stopAndReply<D>(
  ...args: [unknown, Actions<ReplyAction>] | [unknown, Actions<ReplyAction>, D]
): StopAndReplyResult<D> {
  return args.length === 3
    ? { type: "stopAndReply", reason: args[0], replies: args[1], data: args[2] }
    : { type: "stopAndReply", reason: args[0], replies: args[1] };
}

/**
 * Go to `state` with `data` (Erlang's `{next_state, State, Data[, Actions]}`). If `state`
 * differs from the current state (core's `equals`), it is a state change: the state timeout
 * is cancelled, postponed events are retried and the state enter call runs. Going to the
 * current state is the same as {@link keepState}.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const { nextState } = GenStateMachine.Result;
 * const { stateTimeout } = GenStateMachine.Action;
 * nextState("open", { code: "1234" }, stateTimeout(10_000, "lock"));
 * ```
 * @since 0.1.0
 * @category Results
 */
export function nextState<const S, D, A = never>(
  state: S,
  data: D,
  actions?: Actions<A>,
): NextStateResult<S, D, A> {
  return actions === undefined
    ? { type: "nextState", state, data }
    : { type: "nextState", state, data, actions };
}

/**
 * Stay in the current state with new `data` (Erlang's `{keep_state, Data[, Actions]}`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const { keepState } = GenStateMachine.Result;
 * keepState({ attempts: 3 });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function keepState<D, A = never>(data: D, actions?: Actions<A>): KeepStateResult<D, A> {
  return actions === undefined ? { type: "keepState", data } : { type: "keepState", data, actions };
}

const KEEP: KeepStateAndDataResult<never> = Object.freeze({ type: "keepStateAndData" });
const REPEAT: RepeatStateAndDataResult<never> = Object.freeze({ type: "repeatStateAndData" });

/**
 * Stay in the current state, data unchanged (Erlang's `keep_state_and_data`): for events a
 * state ignores, or that only need actions (a reply, a postpone).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const { keepStateAndData } = GenStateMachine.Result;
 * const { postpone } = GenStateMachine.Action;
 * keepStateAndData(postpone());
 * ```
 * @since 0.1.0
 * @category Results
 */
export function keepStateAndData<A = never>(actions?: Actions<A>): KeepStateAndDataResult<A> {
  return actions === undefined ? KEEP : { type: "keepStateAndData", actions };
}

/**
 * Stay in the current state with new `data` and run the state enter call again, as if the
 * state had been re-entered (Erlang's `{repeat_state, Data[, Actions]}`). Postponed events
 * are not retried and the state timeout keeps running: the state did not change. Without
 * `stateEnter`, the same as {@link keepState}.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const { repeatState } = GenStateMachine.Result;
 * repeatState({ retries: 1 });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function repeatState<D, A = never>(data: D, actions?: Actions<A>): RepeatStateResult<D, A> {
  return actions === undefined
    ? { type: "repeatState", data }
    : { type: "repeatState", data, actions };
}

/**
 * As {@link repeatState}, keeping the data (Erlang's `repeat_state_and_data`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const { repeatStateAndData } = GenStateMachine.Result;
 * repeatStateAndData();
 * ```
 * @since 0.1.0
 * @category Results
 */
export function repeatStateAndData<A = never>(actions?: Actions<A>): RepeatStateAndDataResult<A> {
  return actions === undefined ? REPEAT : { type: "repeatStateAndData", actions };
}
