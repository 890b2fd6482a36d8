/**
 * The shapes of what callbacks return (results) and of the transition actions they carry.
 * Build them with the constructors of the `Result` and `Action` namespaces; the objects are
 * plain data, so writing them by hand is equivalent.
 *
 * @module
 */
import type { Term } from "@trellis/core";
import type {
  CallEvent,
  CastEvent,
  Event,
  EventTimeoutEvent,
  GenericTimeoutEvent,
  InfoEvent,
  InternalEvent,
  MachineTypes,
  ReplyTo,
  StateTimeoutEvent,
} from "./types.js";

// ---------------------------------------------------------------------------------------
// Actions

/**
 * Answer a call: the caller's `GenStateMachine.call` resolves with `value` (Erlang's
 * `{reply, From, Reply}`). Sent while the actions are carried out, before the next event.
 * Allowed everywhere, state enter calls included.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * declare const from: GenStateMachine.ReplyTo<number>;
 * const action: GenStateMachine.ReplyAction<number> = GenStateMachine.Action.reply(from, 42);
 * ```
 * @since 0.1.0
 * @category Actions
 */
export interface ReplyAction<Reply = unknown> {
  /** Always `"reply"`. */
  readonly type: "reply";
  /** The caller, from the call event. */
  readonly from: ReplyTo<Reply>;
  /** The reply. */
  readonly value: Reply;
}

/**
 * Postpone the current event (Erlang's `postpone`): it is kept aside and retried after the
 * next real state change, before newer events, in the order the postponed events arrived.
 * Not allowed in a state enter call, and ignored in `init`'s actions.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const action: GenStateMachine.PostponeAction = GenStateMachine.Action.postpone();
 * ```
 * @since 0.1.0
 * @category Actions
 */
export interface PostponeAction {
  /** Always `"postpone"`. */
  readonly type: "postpone";
}

/**
 * An event that `Action.nextEvent` can insert: any event but the enter call.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const event: GenStateMachine.InsertableEvent = { type: "internal", content: "validate" };
 * GenStateMachine.Action.nextEvent(event);
 * ```
 * @since 0.1.0
 * @category Actions
 */
export type InsertableEvent =
  | CallEvent
  | CastEvent
  | InfoEvent
  | InternalEvent
  | EventTimeoutEvent
  | StateTimeoutEvent
  | GenericTimeoutEvent;

/**
 * Insert an event to handle next (Erlang's `{next_event, Type, Content}`): inserted events
 * come before postponed ones being retried and before anything in the mailbox, in the
 * order of the actions. Not allowed in a state enter call.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const action: GenStateMachine.NextEventAction = GenStateMachine.Action.nextEvent("internal", "validate");
 * ```
 * @since 0.1.0
 * @category Actions
 */
export interface NextEventAction<E extends InsertableEvent = InsertableEvent> {
  /** Always `"nextEvent"`. */
  readonly type: "nextEvent";
  /** The event. */
  readonly event: E;
}

/**
 * When a timeout fires, or what it does instead:
 *
 * - a number of milliseconds (`0` included: fires before anything already in the mailbox),
 *   or with `abs: true` a time on the runtime's monotonic clock;
 * - `Infinity` or `"cancel"`: cancel the timeout (Erlang's `infinity` and `cancel`);
 * - `"update"`: keep the timer running and only replace the content it will deliver; if no
 *   such timeout is running, it fires at once with the new content, as a `0` timeout.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * const times: GenStateMachine.TimeoutTime[] = [0, 1000, Infinity, "cancel", "update"];
 * ```
 * @since 0.1.0
 * @category Actions
 */
export type TimeoutTime = number | "cancel" | "update";

/**
 * Set, cancel or update the event timeout (Erlang's `{timeout, Time, Content}`): it fires
 * an `"eventTimeout"` event unless another event (any event, inserted and retried ones
 * included) comes first. A bare number among the actions means the same, with the time as
 * the content. Allowed in state enter calls.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const action: GenStateMachine.EventTimeoutAction = GenStateMachine.Action.eventTimeout(30_000, "idle");
 * ```
 * @since 0.1.0
 * @category Actions
 */
export interface EventTimeoutAction {
  /** Always `"eventTimeout"`. */
  readonly type: "eventTimeout";
  /** When it fires, or `"cancel"`/`"update"`. */
  readonly time: TimeoutTime;
  /** The content of the event. */
  readonly content?: unknown;
  /** Whether `time` is an absolute monotonic time. Default `false`. */
  readonly abs?: boolean;
}

/**
 * Set, cancel or update the state timeout (Erlang's `{state_timeout, Time, Content}`): it
 * fires a `"stateTimeout"` event unless the state changes first. Other events do not
 * cancel it; setting it again replaces it. Set in a transition's actions, it belongs to the
 * new state. Allowed in state enter calls.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const action: GenStateMachine.StateTimeoutAction = GenStateMachine.Action.stateTimeout(10_000, "lock");
 * ```
 * @since 0.1.0
 * @category Actions
 */
export interface StateTimeoutAction {
  /** Always `"stateTimeout"`. */
  readonly type: "stateTimeout";
  /** When it fires, or `"cancel"`/`"update"`. */
  readonly time: TimeoutTime;
  /** The content of the event. */
  readonly content?: unknown;
  /** Whether `time` is an absolute monotonic time. Default `false`. */
  readonly abs?: boolean;
}

/**
 * Set, cancel or update a named generic timeout (Erlang's `{{timeout, Name}, Time,
 * Content}`): it fires a `"genericTimeout"` event whatever happens meanwhile, state changes
 * included. Each name is a timer of its own (names compare with core's `equals`); setting
 * a name again restarts it. Allowed in state enter calls.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const action: GenStateMachine.GenericTimeoutAction = GenStateMachine.Action.genericTimeout(["retry", 3], 5000);
 * ```
 * @since 0.1.0
 * @category Actions
 */
export interface GenericTimeoutAction {
  /** Always `"genericTimeout"`. */
  readonly type: "genericTimeout";
  /** The timeout's name. */
  readonly name: Term;
  /** When it fires, or `"cancel"`/`"update"`. */
  readonly time: TimeoutTime;
  /** The content of the event. */
  readonly content?: unknown;
  /** Whether `time` is an absolute monotonic time. Default `false`. */
  readonly abs?: boolean;
}

/**
 * Accepted for compatibility with Erlang's `hibernate` and ignored: Node has no
 * per-process heap to compact.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const action: GenStateMachine.HibernateAction = GenStateMachine.Action.hibernate();
 * ```
 * @since 0.1.0
 * @category Actions
 */
export interface HibernateAction {
  /** Always `"hibernate"`. */
  readonly type: "hibernate";
}

/**
 * A timeout action of any kind.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const actions: GenStateMachine.TimeoutAction[] = [
 *   GenStateMachine.Action.eventTimeout(1000),
 *   GenStateMachine.Action.cancelStateTimeout(),
 *   GenStateMachine.Action.updateGenericTimeout("ping", 2),
 * ];
 * ```
 * @since 0.1.0
 * @category Actions
 */
export type TimeoutAction = EventTimeoutAction | StateTimeoutAction | GenericTimeoutAction;

/**
 * A transition action of a machine (Erlang's `action()`): what a result's `actions` may
 * hold. A bare number is an event timeout whose content is the number.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { DoorTypes } from "./door-lock.js";
 * const actions: GenStateMachine.TransitionAction<DoorTypes>[] = [
 *   GenStateMachine.Action.postpone(),
 *   GenStateMachine.Action.nextEvent("cast", { type: "press", digit: "1" }),
 *   30_000, // an event timeout
 * ];
 * ```
 * @since 0.1.0
 * @category Actions
 */
export type TransitionAction<T extends MachineTypes = MachineTypes> =
  | ReplyAction
  | PostponeAction
  | NextEventAction<Event<T>>
  | TimeoutAction
  | HibernateAction
  | number;

/**
 * One transition action or a list of them, as a result's `actions` field takes.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const { stateTimeout, genericTimeout } = GenStateMachine.Action;
 * const one: GenStateMachine.Actions = stateTimeout(1000, "expire");
 * const many: GenStateMachine.Actions = [stateTimeout(1000, "expire"), genericTimeout("ping", 50)];
 * ```
 * @since 0.1.0
 * @category Actions
 */
export type Actions<A = TransitionAction> = A | readonly A[];

// ---------------------------------------------------------------------------------------
// Results

/**
 * `init` succeeded: the machine starts in `state` with `data`; `actions` are carried out
 * after the start has been acknowledged (and after the first state enter call). Postpone
 * actions are ignored there.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const result: GenStateMachine.OkResult<"locked", string> = GenStateMachine.Result.ok("locked", "1234");
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface OkResult<S = unknown, D = unknown, A = TransitionAction> {
  /** Always `"ok"`. */
  readonly type: "ok";
  /** The initial state. */
  readonly state: S;
  /** The initial data. */
  readonly data: D;
  /** The actions. */
  readonly actions?: Actions<A>;
}

/**
 * `init` declined to start: the start resolves with `"ignore"` and the process exits
 * `"normal"`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const result: GenStateMachine.IgnoreResult = GenStateMachine.Result.ignore();
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface IgnoreResult {
  /** Always `"ignore"`. */
  readonly type: "ignore";
}

/**
 * `init` failed: the start rejects with an `InitError` carrying `reason`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const result: GenStateMachine.ErrorResult = GenStateMachine.Result.error("no code given");
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface ErrorResult {
  /** Always `"error"`. */
  readonly type: "error";
  /** What the `InitError` carries. */
  readonly reason: unknown;
}

/**
 * Stop: from `init`, the start rejects with an `InitError` carrying `reason`; from a
 * handler, `terminate(reason, state, data)` runs and the process exits with `reason`
 * (Erlang's `stop`, `{stop, Reason}` and `{stop, Reason, NewData}`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const result: GenStateMachine.StopResult = GenStateMachine.Result.stop({ shutdown: "done" });
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface StopResult<D = unknown> {
  /** Always `"stop"`. */
  readonly type: "stop";
  /** The exit reason. */
  readonly reason: unknown;
  /** New data for `terminate` (handlers only); absent keeps the data. */
  readonly data?: D;
}

/**
 * Answer callers, then stop (Erlang's `{stop_and_reply, Reason, Replies[, NewData]}`): the
 * replies are sent first, then `terminate` runs, then the process exits with `reason`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * declare const from: GenStateMachine.ReplyTo<string>;
 * const result: GenStateMachine.StopAndReplyResult = GenStateMachine.Result.stopAndReply(
 *   "normal",
 *   GenStateMachine.Action.reply(from, "bye"),
 * );
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface StopAndReplyResult<D = unknown> {
  /** Always `"stopAndReply"`. */
  readonly type: "stopAndReply";
  /** The exit reason. */
  readonly reason: unknown;
  /** The replies to send first. */
  readonly replies: Actions<ReplyAction>;
  /** New data for `terminate`; absent keeps the data. */
  readonly data?: D;
}

/**
 * Go to `state` with `data` (Erlang's `{next_state, State, Data[, Actions]}`). When `state`
 * differs from the current state (core's `equals`), this is a state change: postponed
 * events are retried, the state timeout is cancelled, and the enter call runs.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const result: GenStateMachine.NextStateResult<"open", null> = GenStateMachine.Result.nextState("open", null);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface NextStateResult<S = unknown, D = unknown, A = TransitionAction> {
  /** Always `"nextState"`. */
  readonly type: "nextState";
  /** The next state. */
  readonly state: S;
  /** The next data. */
  readonly data: D;
  /** The actions. */
  readonly actions?: Actions<A>;
}

/**
 * Stay in the current state with new `data` (Erlang's `{keep_state, Data[, Actions]}`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const result: GenStateMachine.KeepStateResult<number> = GenStateMachine.Result.keepState(2);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface KeepStateResult<D = unknown, A = TransitionAction> {
  /** Always `"keepState"`. */
  readonly type: "keepState";
  /** The next data. */
  readonly data: D;
  /** The actions. */
  readonly actions?: Actions<A>;
}

/**
 * Stay in the current state with the same data (Erlang's `keep_state_and_data`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const result: GenStateMachine.KeepStateAndDataResult = GenStateMachine.Result.keepStateAndData();
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface KeepStateAndDataResult<A = TransitionAction> {
  /** Always `"keepStateAndData"`. */
  readonly type: "keepStateAndData";
  /** The actions. */
  readonly actions?: Actions<A>;
}

/**
 * Stay in the current state with new `data`, and run the state enter call again as if
 * the state had been re-entered (Erlang's `{repeat_state, Data[, Actions]}`). Postponed
 * events are not retried: this is not a state change.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const result: GenStateMachine.RepeatStateResult<number> = GenStateMachine.Result.repeatState(1);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface RepeatStateResult<D = unknown, A = TransitionAction> {
  /** Always `"repeatState"`. */
  readonly type: "repeatState";
  /** The next data. */
  readonly data: D;
  /** The actions. */
  readonly actions?: Actions<A>;
}

/**
 * As {@link RepeatStateResult}, keeping the data (Erlang's `repeat_state_and_data`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const result: GenStateMachine.RepeatStateAndDataResult = GenStateMachine.Result.repeatStateAndData();
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface RepeatStateAndDataResult<A = TransitionAction> {
  /** Always `"repeatStateAndData"`. */
  readonly type: "repeatStateAndData";
  /** The actions. */
  readonly actions?: Actions<A>;
}

/**
 * What `init` may return.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { DoorTypes } from "./door-lock.js";
 * function init(code: string): GenStateMachine.InitResult<DoorTypes> {
 *   return code === ""
 *     ? GenStateMachine.Result.stop("empty code")
 *     : GenStateMachine.Result.ok("locked", { code, entered: "" });
 * }
 * ```
 * @since 0.1.0
 * @category Results
 */
export type InitResult<T extends MachineTypes = MachineTypes> =
  | OkResult<T["state"], T["data"], TransitionAction<T>>
  | IgnoreResult
  | ErrorResult
  | StopResult<never>;

/**
 * What a handler may return for an event or an enter call. `undefined` (falling off the end
 * of the handler) means "no clause matched": the machine crashes with reason
 * `{ function_clause: { state, event } }`, as a state function without a matching clause
 * does in Erlang.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { DoorTypes } from "./door-lock.js";
 * function lock(data: DoorTypes["data"]): GenStateMachine.HandlerResult<DoorTypes> {
 *   return GenStateMachine.Result.nextState("locked", { ...data, entered: "" });
 * }
 * ```
 * @since 0.1.0
 * @category Results
 */
export type HandlerResult<T extends MachineTypes = MachineTypes> =
  | NextStateResult<T["state"], T["data"], TransitionAction<T>>
  | KeepStateResult<T["data"], TransitionAction<T>>
  | KeepStateAndDataResult<TransitionAction<T>>
  | RepeatStateResult<T["data"], TransitionAction<T>>
  | RepeatStateAndDataResult<TransitionAction<T>>
  | StopResult<T["data"]>
  | StopAndReplyResult<T["data"]>
  | undefined;
