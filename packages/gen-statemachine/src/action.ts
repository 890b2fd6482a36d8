/**
 * Constructors for transition actions (Erlang's `action()`): what a result's `actions`
 * carry out during the transition, in order. Replies are sent at once; the others set
 * options of the transition (postpone, inserted events, timeouts), the last of each kind
 * winning.
 *
 * | action | Erlang | allowed in a state enter call |
 * | --- | --- | --- |
 * | {@link reply} | `{reply, From, Reply}` | yes |
 * | {@link postpone} | `postpone` | no |
 * | {@link nextEvent} | `{next_event, Type, Content}` | no |
 * | {@link eventTimeout}, {@link cancelEventTimeout}, {@link updateEventTimeout} | `{timeout, T, C}`, `{timeout, cancel}`, `{timeout, update, C}` | yes |
 * | {@link stateTimeout}, {@link cancelStateTimeout}, {@link updateStateTimeout} | `{state_timeout, T, C}`, … | yes |
 * | {@link genericTimeout}, {@link cancelGenericTimeout}, {@link updateGenericTimeout} | `{{timeout, Name}, T, C}`, … | yes |
 * | {@link hibernate} | `hibernate` (does nothing here) | yes |
 *
 * A bare number among the actions is an event timeout whose content is the number.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { From } from "@trellis/core";
 * const { nextState } = GenStateMachine.Result;
 * const { reply, stateTimeout } = GenStateMachine.Action;
 * declare const from: From;
 * nextState("open", { code: "1234" }, [reply(from, "ok"), stateTimeout(10_000, "lock")]);
 * ```
 * @since 0.1.0
 * @category Actions
 * @module
 */
import { assertTerm, BadArgumentError, formatReason, type Term } from "@trellis/core";
import type {
  EventTimeoutAction,
  GenericTimeoutAction,
  HibernateAction,
  InsertableEvent,
  NextEventAction,
  PostponeAction,
  ReplyAction,
  StateTimeoutAction,
} from "./results.js";
import type {
  CastEvent,
  EventTimeoutEvent,
  InfoEvent,
  InternalEvent,
  ReplyTo,
  StateTimeoutEvent,
} from "./types.js";

/**
 * Options of the timeout actions.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import { currentRuntime } from "@trellis/core";
 * const options: GenStateMachine.Action.TimeoutOptions = { abs: true };
 * GenStateMachine.Action.stateTimeout(currentRuntime().now() + 60_000, "deadline", options);
 * ```
 * @since 0.1.0
 * @category Actions
 */
export interface TimeoutOptions {
  /**
   * When `true`, the time is an absolute time on the runtime's monotonic clock (Erlang's
   * `{abs, true}`); a time in the past fires at once. Default `false`.
   */
  readonly abs?: boolean;
}

function checkTime(what: string, time: unknown, options: TimeoutOptions | undefined): boolean {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new BadArgumentError(`${what}: options must be an object, got ${formatReason(options)}`);
  }
  const abs = options?.abs ?? false;
  if (typeof abs !== "boolean") {
    throw new BadArgumentError(`${what}: abs must be a boolean, got ${formatReason(abs)}`);
  }
  if (abs) {
    if (typeof time !== "number" || !Number.isFinite(time)) {
      throw new BadArgumentError(
        `${what}: an absolute time must be a finite number of milliseconds on the monotonic clock, got ${formatReason(time)}`,
      );
    }
  } else if (typeof time !== "number" || Number.isNaN(time) || time < 0) {
    throw new BadArgumentError(
      `${what}: the time must be a number of milliseconds >= 0 or Infinity, got ${formatReason(time)}`,
    );
  }
  return abs;
}

/**
 * Answer a call (Erlang's `{reply, From, Reply}`): the caller's `GenStateMachine.call`
 * resolves with `value`. `from` is the `from` of a `"call"` event; its reply type checks
 * `value`. Each call is answered once: a second reply to the same `from` makes the machine
 * exit with a `BadArgumentError`. A reply to a caller that gave up (its call timed out) is
 * dropped.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * interface Types {
 *   state: "idle";
 *   data: number;
 *   calls: GenStateMachine.Request<"count", number>;
 * }
 * const Counter = GenStateMachine.define({
 *   types: {} as Types,
 *   callbackMode: "handleEvent",
 *   init: (_: undefined) => GenStateMachine.Result.ok("idle", 0),
 *   handleEvent: (event, _state, n) =>
 *     event.type === "call"
 *       ? GenStateMachine.Result.keepStateAndData(GenStateMachine.Action.reply(event.from, n))
 *       : GenStateMachine.Result.keepState(n + 1),
 * });
 * ```
 * @since 0.1.0
 * @category Actions
 */
export function reply<R>(from: ReplyTo<R>, value: NoInfer<R>): ReplyAction<R> {
  return { type: "reply", from, value };
}

const POSTPONE: PostponeAction = Object.freeze({ type: "postpone" });
const HIBERNATE: HibernateAction = Object.freeze({ type: "hibernate" });

/**
 * Postpone the current event (Erlang's `postpone`): it is retried after the next real state
 * change, before any newer event. Events postponed in a row are retried oldest first.
 * `repeatState` and going to the same state are not state changes. Not allowed in a state
 * enter call (the machine exits with `{ bad_state_enter_action_from_state_function: action }`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * // In "connecting": keep requests until "connected".
 * GenStateMachine.Result.keepStateAndData(GenStateMachine.Action.postpone());
 * ```
 * @since 0.1.0
 * @category Actions
 */
export function postpone(): PostponeAction {
  return POSTPONE;
}

/**
 * The event types that {@link nextEvent}'s short form inserts (the call and generic
 * timeout events need more than a content: pass an event object).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const type: GenStateMachine.Action.SimpleEventType = "internal";
 * GenStateMachine.Action.nextEvent(type, { step: 2 });
 * ```
 * @since 0.1.0
 * @category Actions
 */
export type SimpleEventType = "cast" | "info" | "internal" | "eventTimeout" | "stateTimeout";

/**
 * The event {@link nextEvent}'s short form inserts: `nextEvent("internal", content)` makes an
 * `InternalEvent` with that content, and so on.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const event: GenStateMachine.Action.SimpleEvent<"internal", string> = { type: "internal", content: "go" };
 * ```
 * @since 0.1.0
 * @category Actions
 */
export type SimpleEvent<Type extends SimpleEventType, C> = Type extends "cast"
  ? CastEvent<C>
  : Type extends "info"
    ? InfoEvent<C>
    : Type extends "internal"
      ? InternalEvent<C>
      : Type extends "eventTimeout"
        ? EventTimeoutEvent<C>
        : StateTimeoutEvent<C>;

/**
 * Insert an event to handle next (Erlang's `{next_event, Type, Content}`): before events
 * being retried after a postpone and before the mailbox, in the order of the actions. Any
 * event type but `"enter"`; inserting a `"call"` needs the caller's `from`. Not allowed in a
 * state enter call.
 *
 * - `nextEvent("internal", content)` for the types that carry only a content;
 * - `nextEvent(event)` with an event object for any type, e.g.
 *   `{ type: "genericTimeout", name, content }`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const { nextEvent } = GenStateMachine.Action;
 * nextEvent("internal", { check: "balance" });
 * nextEvent({ type: "genericTimeout", name: "retry", content: 1 });
 * ```
 * @throws {BadArgumentError} for an unknown event type
 * @since 0.1.0
 * @category Actions
 */
export function nextEvent<const E extends InsertableEvent>(event: E): NextEventAction<E>;
export function nextEvent<Type extends SimpleEventType, const C>(
  type: Type,
  content: C,
): NextEventAction<SimpleEvent<Type, C>>;
export function nextEvent(
  ...args: [InsertableEvent] | [SimpleEventType, unknown]
): NextEventAction {
  if (args.length === 1) {
    const event = args[0];
    if (typeof event !== "object" || event === null) {
      throw new BadArgumentError(
        `Action.nextEvent: expected an event object or (type, content), got ${formatReason(event)}`,
      );
    }
    return { type: "nextEvent", event };
  }
  const [type, content] = args;
  switch (type) {
    case "cast":
    case "info":
    case "internal":
    case "eventTimeout":
    case "stateTimeout":
      return { type: "nextEvent", event: { type, content } as InsertableEvent };
    default:
      throw new BadArgumentError(
        `Action.nextEvent: the type must be "cast", "info", "internal", "eventTimeout" or "stateTimeout" (pass an event object for "call" and "genericTimeout"; "enter" cannot be inserted), got ${formatReason(type)}`,
      );
  }
}

/**
 * Set the event timeout (Erlang's `{timeout, Time, Content}`): an `"eventTimeout"` event
 * with `content` arrives after `time` ms unless another event comes first: any event,
 * including inserted events and postponed events being retried, cancels it. `0` fires
 * before messages already waiting in the mailbox (unlike GenServer's idle timeout);
 * `Infinity` cancels it.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * // Give up if the user types nothing for 30 seconds.
 * GenStateMachine.Result.keepStateAndData(GenStateMachine.Action.eventTimeout(30_000, "idle"));
 * ```
 * @throws {BadArgumentError} for a negative or NaN time, or a bad option
 * @since 0.1.0
 * @category Actions
 */
export function eventTimeout(
  time: number,
  content?: unknown,
  options?: TimeoutOptions,
): EventTimeoutAction {
  const abs = checkTime("Action.eventTimeout", time, options);
  return abs
    ? { type: "eventTimeout", time, content, abs }
    : { type: "eventTimeout", time, content };
}

/**
 * Cancel the event timeout (Erlang's `{timeout, cancel}`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * GenStateMachine.Action.cancelEventTimeout();
 * ```
 * @since 0.1.0
 * @category Actions
 */
export function cancelEventTimeout(): EventTimeoutAction {
  return { type: "eventTimeout", time: "cancel" };
}

/**
 * Replace the content of the running event timeout without restarting it (Erlang's
 * `{timeout, update, Content}`). With no event timeout running, one fires at once (as with
 * a time of `0`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * GenStateMachine.Action.updateEventTimeout({ reason: "still idle" });
 * ```
 * @since 0.1.0
 * @category Actions
 */
export function updateEventTimeout(content: unknown): EventTimeoutAction {
  return { type: "eventTimeout", time: "update", content };
}

/**
 * Set the state timeout (Erlang's `{state_timeout, Time, Content}`): a `"stateTimeout"`
 * event with `content` arrives after `time` ms unless the state changes first. Other events
 * do not cancel it; setting it again replaces the old one. Set in the actions of a state
 * change, it belongs to the new state. `0` fires before messages already waiting;
 * `Infinity` cancels it.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * // An authorized payment must be captured within 7 days.
 * GenStateMachine.Result.nextState(
 *   "authorized",
 *   { amount: 100 },
 *   GenStateMachine.Action.stateTimeout(7 * 24 * 3600_000, "expire"),
 * );
 * ```
 * @throws {BadArgumentError} for a negative or NaN time, or a bad option
 * @since 0.1.0
 * @category Actions
 */
export function stateTimeout(
  time: number,
  content?: unknown,
  options?: TimeoutOptions,
): StateTimeoutAction {
  const abs = checkTime("Action.stateTimeout", time, options);
  return abs
    ? { type: "stateTimeout", time, content, abs }
    : { type: "stateTimeout", time, content };
}

/**
 * Cancel the state timeout (Erlang's `{state_timeout, cancel}`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * GenStateMachine.Action.cancelStateTimeout();
 * ```
 * @since 0.1.0
 * @category Actions
 */
export function cancelStateTimeout(): StateTimeoutAction {
  return { type: "stateTimeout", time: "cancel" };
}

/**
 * Replace the content of the running state timeout without restarting it (Erlang's
 * `{state_timeout, update, Content}`). With no state timeout running, one fires at once.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * GenStateMachine.Action.updateStateTimeout("expire-with-penalty");
 * ```
 * @since 0.1.0
 * @category Actions
 */
export function updateStateTimeout(content: unknown): StateTimeoutAction {
  return { type: "stateTimeout", time: "update", content };
}

function checkName(what: string, name: unknown): Term {
  assertTerm(name, `${what}: the name`);
  return name;
}

/**
 * Set the generic timeout `name` (Erlang's `{{timeout, Name}, Time, Content}`): a
 * `"genericTimeout"` event with `name` and `content` arrives after `time` ms, whatever
 * happens meanwhile (events and state changes do not cancel it). Each name is a timer of
 * its own; setting a name again restarts it; `Infinity` cancels it.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * GenStateMachine.Action.genericTimeout("heartbeat", 5_000);
 * ```
 * @throws {BadArgumentError} for a name that is not a term, a negative or NaN time, or a
 *   bad option
 * @since 0.1.0
 * @category Actions
 */
export function genericTimeout(
  name: Term,
  time: number,
  content?: unknown,
  options?: TimeoutOptions,
): GenericTimeoutAction {
  checkName("Action.genericTimeout", name);
  const abs = checkTime("Action.genericTimeout", time, options);
  return abs
    ? { type: "genericTimeout", name, time, content, abs }
    : { type: "genericTimeout", name, time, content };
}

/**
 * Cancel the generic timeout `name` (Erlang's `{{timeout, Name}, cancel}`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * GenStateMachine.Action.cancelGenericTimeout("heartbeat");
 * ```
 * @throws {BadArgumentError} for a name that is not a term
 * @since 0.1.0
 * @category Actions
 */
export function cancelGenericTimeout(name: Term): GenericTimeoutAction {
  checkName("Action.cancelGenericTimeout", name);
  return { type: "genericTimeout", name, time: "cancel" };
}

/**
 * Replace the content of the generic timeout `name` without restarting it (Erlang's
 * `{{timeout, Name}, update, Content}`). If it is not running, it fires at once.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * GenStateMachine.Action.updateGenericTimeout("heartbeat", { missed: 1 });
 * ```
 * @throws {BadArgumentError} for a name that is not a term
 * @since 0.1.0
 * @category Actions
 */
export function updateGenericTimeout(name: Term, content: unknown): GenericTimeoutAction {
  checkName("Action.updateGenericTimeout", name);
  return { type: "genericTimeout", name, time: "update", content };
}

/**
 * Erlang's `hibernate`: accepted for compatibility, and does nothing. Node has no
 * per-process heap to compact; an idle machine already costs only its objects.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * GenStateMachine.Result.keepStateAndData(GenStateMachine.Action.hibernate());
 * ```
 * @since 0.1.0
 * @category Actions
 */
export function hibernate(): HibernateAction {
  return HIBERNATE;
}
