/**
 * The types that carry a machine's states, data and requests from its definition to its
 * callbacks, its results and the typed handle that `start` returns.
 *
 * @module
 */
import type { From, Pid, ProcessName, Term } from "@trellis/core";

/** Child specifications are core's, shared by every behaviour and supervisor. */
export type { ChildSpec, Shutdown } from "@trellis/core";

/**
 * A value or a promise of it: every callback may be synchronous or `async`.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * const now: GenStateMachine.Awaitable<number> = 1;
 * const later: GenStateMachine.Awaitable<number> = Promise.resolve(1);
 * ```
 * @since 0.1.0
 * @category Types
 */
export type Awaitable<T> = T | PromiseLike<T>;

/**
 * What a machine declares about itself, once, in its definition's `types` field (the value
 * is never read: write `types: {} as MyTypes`). Every callback, result and client function
 * is checked against it.
 *
 * - `state`: the states. In `"stateFunctions"` mode a union of strings, one per handler; in
 *   `"handleEvent"` mode any term (strings, numbers, arrays, plain objects), compared with
 *   core's `equals`. Declare array states `readonly`.
 * - `data`: the data that travels with the state (Erlang's `Data`).
 * - `calls`: the call requests, each with its reply type (see {@link Request}). Default: none.
 * - `casts`: the cast requests. Default: none.
 * - `info`: the plain messages the machine may receive. Default: `unknown`.
 * - `internal`: the content of the `"internal"` events it inserts with `Action.nextEvent`.
 *   Default: `unknown`.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * interface DoorTypes {
 *   state: "locked" | "open";
 *   data: { code: string; entered: string };
 *   calls: GenStateMachine.Request<{ type: "status" }, "locked" | "open">;
 *   casts: { type: "press"; digit: string };
 * }
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface MachineTypes {
  /** The states. */
  readonly state: unknown;
  /** The data. */
  readonly data: unknown;
  /** The call requests (a union of {@link Request}s). */
  readonly calls?: unknown;
  /** The cast requests. */
  readonly casts?: unknown;
  /** The plain messages (`"info"` events). */
  readonly info?: unknown;
  /** The content of inserted `"internal"` events. */
  readonly internal?: unknown;
}

/**
 * The state type of a machine's {@link MachineTypes}.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { DoorTypes } from "./door-lock.js";
 * type DoorState = GenStateMachine.StateOf<DoorTypes>; // "locked" | "open"
 * ```
 * @since 0.1.0
 * @category Types
 */
export type StateOf<T extends MachineTypes> = T["state"];

/**
 * The data type of a machine's {@link MachineTypes}.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { DoorTypes } from "./door-lock.js";
 * type DoorData = GenStateMachine.DataOf<DoorTypes>; // { code: string; entered: string }
 * ```
 * @since 0.1.0
 * @category Types
 */
export type DataOf<T extends MachineTypes> = T["data"];

/**
 * The call requests of a machine's {@link MachineTypes} (`never` when it declares none).
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { DoorTypes } from "./door-lock.js";
 * type DoorCall = GenStateMachine.CallsOf<DoorTypes>; // Request<{ type: "status" }, "locked" | "open">
 * ```
 * @since 0.1.0
 * @category Types
 */
export type CallsOf<T> = "calls" extends keyof T ? T["calls" & keyof T] : never;

/**
 * The cast requests of a machine's {@link MachineTypes} (`never` when it declares none).
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { DoorTypes } from "./door-lock.js";
 * type DoorCast = GenStateMachine.CastsOf<DoorTypes>; // { type: "press"; digit: string }
 * ```
 * @since 0.1.0
 * @category Types
 */
export type CastsOf<T> = "casts" extends keyof T ? T["casts" & keyof T] : never;

/**
 * The `"info"` messages of a machine's {@link MachineTypes} (`unknown` when not declared).
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * type Info = GenStateMachine.InfoOf<{ state: "s"; data: null; info: "tick" }>; // "tick"
 * ```
 * @since 0.1.0
 * @category Types
 */
export type InfoOf<T> = "info" extends keyof T ? T["info" & keyof T] : unknown;

/**
 * The `"internal"` event content of a machine's {@link MachineTypes} (`unknown` when not
 * declared).
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * type Internal = GenStateMachine.InternalOf<{ state: "s"; data: null; internal: "check" }>; // "check"
 * ```
 * @since 0.1.0
 * @category Types
 */
export type InternalOf<T> = "internal" extends keyof T ? T["internal" & keyof T] : unknown;

/**
 * The marker that gives a request its reply type: `{ type: "get" } & WithReply<number>`
 * is a request whose call resolves with a `number`. The property exists only in the type
 * system. Most code uses the {@link Request} shorthand.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * type Status = { type: "status" } & GenStateMachine.WithReply<"locked" | "open">;
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
 * A call request together with its reply type. A machine's `calls` are a union of these;
 * `GenStateMachine.call` then accepts only members of the union and resolves with the reply
 * type of the member it was given.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * type DoorCall =
 *   | GenStateMachine.Request<{ type: "status" }, "locked" | "open">
 *   | GenStateMachine.Request<{ type: "attempts" }, number>;
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
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * type N = GenStateMachine.ReplyOf<GenStateMachine.Request<{ type: "attempts" }, number>>; // number
 * ```
 * @since 0.1.0
 * @category Types
 */
export type ReplyOf<Req> =
  Req extends WithReply<infer R> ? (unknown extends R ? unknown : R) : unknown;

/**
 * The reply type of `request` sent to a machine whose calls are `Calls`: the reply types of
 * the members of `Calls` that `request` matches.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * type Calls =
 *   | GenStateMachine.Request<{ type: "status" }, string>
 *   | GenStateMachine.Request<{ type: "attempts" }, number>;
 * type R = GenStateMachine.ReplyFor<Calls, { type: "attempts" }>; // number
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
 * Core's `From` (who is waiting for a call's reply), carrying in the type system the
 * reply type the caller expects, so that `Action.reply(from, value)` and
 * `GenStateMachine.reply(from, value)` check `value`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * function answerLater(from: GenStateMachine.ReplyTo<"locked" | "open">) {
 *   setTimeout(() => GenStateMachine.reply(from, "locked"), 100);
 * }
 * ```
 * @since 0.1.0
 * @category Types
 */
export type ReplyTo<Reply = unknown> = From & WithReply<Reply>;

// ---------------------------------------------------------------------------------------
// Events

/**
 * A `GenStateMachine.call` (Erlang's `{call, From}` event type): answer it with
 * `Action.reply(event.from, value)` or later with `GenStateMachine.reply(from, value)`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * function answer(event: GenStateMachine.CallEvent<"ping", "pong">) {
 *   return GenStateMachine.Result.keepStateAndData(GenStateMachine.Action.reply(event.from, "pong"));
 * }
 * ```
 * @since 0.1.0
 * @category Events
 */
export interface CallEvent<Req = unknown, Reply = unknown> {
  /** Always `"call"`. */
  readonly type: "call";
  /** The request. */
  readonly content: Req;
  /** Who waits for the reply. */
  readonly from: ReplyTo<Reply>;
}

/**
 * A `GenStateMachine.cast` (Erlang's `cast` event type).
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * const event: GenStateMachine.CastEvent<{ type: "press"; digit: string }> = {
 *   type: "cast",
 *   content: { type: "press", digit: "7" },
 * };
 * ```
 * @since 0.1.0
 * @category Events
 */
export interface CastEvent<Req = unknown> {
  /** Always `"cast"`. */
  readonly type: "cast";
  /** The request. */
  readonly content: Req;
}

/**
 * Any other message that reached the machine's mailbox: a plain `send`, a monitor's
 * `DownMessage`, an `ExitMessage` from a linked process other than the parent when trapping
 * exits… (Erlang's `info` event type).
 *
 * @example
 * ```ts
 * import { isDown } from "@trellis/core";
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * function isMonitorDown(event: GenStateMachine.InfoEvent): boolean {
 *   return isDown(event.content);
 * }
 * ```
 * @since 0.1.0
 * @category Events
 */
export interface InfoEvent<Message = unknown> {
  /** Always `"info"`. */
  readonly type: "info";
  /** The message. */
  readonly content: Message;
}

/**
 * An event the machine inserted itself with `Action.nextEvent({ type: "internal", … })`
 * (Erlang's `internal` event type): it cannot be mistaken for anything from outside.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * const event: GenStateMachine.InternalEvent<{ validate: number }> = { type: "internal", content: { validate: 1 } };
 * ```
 * @since 0.1.0
 * @category Events
 */
export interface InternalEvent<Content = unknown> {
  /** Always `"internal"`. */
  readonly type: "internal";
  /** What the action carried. */
  readonly content: Content;
}

/**
 * The event timeout fired: no other event arrived for the time `Action.eventTimeout` set
 * (Erlang's `timeout` event type).
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * const event: GenStateMachine.EventTimeoutEvent<string> = { type: "eventTimeout", content: "idle" };
 * ```
 * @since 0.1.0
 * @category Events
 */
export interface EventTimeoutEvent<Content = unknown> {
  /** Always `"eventTimeout"`. */
  readonly type: "eventTimeout";
  /** The content given to `Action.eventTimeout`. */
  readonly content: Content;
}

/**
 * The state timeout fired: the machine stayed in its state for the time
 * `Action.stateTimeout` set (Erlang's `state_timeout` event type).
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * const event: GenStateMachine.StateTimeoutEvent<string> = { type: "stateTimeout", content: "lock" };
 * ```
 * @since 0.1.0
 * @category Events
 */
export interface StateTimeoutEvent<Content = unknown> {
  /** Always `"stateTimeout"`. */
  readonly type: "stateTimeout";
  /** The content given to `Action.stateTimeout` (or its last update). */
  readonly content: Content;
}

/**
 * A generic (named) timeout fired (Erlang's `{timeout, Name}` event type).
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * const event: GenStateMachine.GenericTimeoutEvent = { type: "genericTimeout", name: "ping", content: 1 };
 * ```
 * @since 0.1.0
 * @category Events
 */
export interface GenericTimeoutEvent<Content = unknown> {
  /** Always `"genericTimeout"`. */
  readonly type: "genericTimeout";
  /** The timeout's name. */
  readonly name: Term;
  /** The content given to `Action.genericTimeout` (or its last update). */
  readonly content: Content;
}

/**
 * A state enter call (Erlang's `enter` event type), made only when the definition sets
 * `stateEnter: true`: right after `init`, after every real state change and after
 * `repeatState`, before any other event in the new state. `oldState` is the state the
 * machine came from (the initial state itself after `init`, the current state after
 * `repeatState`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * function onEnter(event: GenStateMachine.EnterEvent<"locked" | "open">) {
 *   console.log(`entered from ${event.oldState}`);
 *   return GenStateMachine.Result.keepStateAndData();
 * }
 * ```
 * @since 0.1.0
 * @category Events
 */
export interface EnterEvent<State = unknown> {
  /** Always `"enter"`. */
  readonly type: "enter";
  /** The state the machine came from. */
  readonly oldState: State;
}

/**
 * Every event a machine can receive, except the enter call: what its handlers get, and
 * what `Action.nextEvent` may insert.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { DoorTypes } from "./door-lock.js";
 * function describe(event: GenStateMachine.Event<DoorTypes>): string {
 *   return event.type === "cast" ? `key ${event.content.digit}` : event.type;
 * }
 * ```
 * @since 0.1.0
 * @category Events
 */
export type Event<T extends MachineTypes = MachineTypes> =
  | CallEvent<CallsOf<T>, ReplyOf<CallsOf<T>>>
  | CastEvent<CastsOf<T>>
  | InfoEvent<InfoOf<T>>
  | InternalEvent<InternalOf<T>>
  | EventTimeoutEvent
  | StateTimeoutEvent
  | GenericTimeoutEvent;

/**
 * What a handler receives: the {@link Event}s, plus the {@link EnterEvent} when the
 * definition sets `stateEnter: true` (`Enter` is `true`).
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { DoorTypes } from "./door-lock.js";
 * // with stateEnter: true, handlers also get { type: "enter", oldState }
 * type DoorEvent = GenStateMachine.HandlerEvent<DoorTypes, true>;
 * ```
 * @since 0.1.0
 * @category Events
 */
export type HandlerEvent<T extends MachineTypes, Enter extends boolean> =
  | Event<T>
  | (Enter extends true ? EnterEvent<T["state"]> : never);

/**
 * The type of an event (Erlang's `event_type()`).
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * const types: GenStateMachine.EventType[] = ["call", "cast", "info", "internal", "enter"];
 * ```
 * @since 0.1.0
 * @category Events
 */
export type EventType =
  | "call"
  | "cast"
  | "info"
  | "internal"
  | "eventTimeout"
  | "stateTimeout"
  | "genericTimeout"
  | "enter";

// ---------------------------------------------------------------------------------------
// Handles

/**
 * The request types a typed handle carries (type-level only).
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * type Requests = GenStateMachine.MachineRequests<GenStateMachine.Request<"ping", "pong">, "reset">;
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface MachineRequests<Calls, Casts> {
  /** Accepts the machine's call requests. */
  readonly call: (request: Calls) => void;
  /** Accepts the machine's cast requests. */
  readonly cast: (request: Casts) => void;
}

/**
 * The type-level brand of a typed handle.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { Pid } from "@trellis/core";
 * type Door = Pid & GenStateMachine.Typed<never, { type: "press"; digit: string }>; // a Server
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface Typed<Calls, Casts> {
  /** Type-level only: the requests the machine accepts. Never set it. */
  readonly "~gen-statemachine"?: MachineRequests<Calls, Casts>;
}

/**
 * The brand of an untyped destination: a plain pid or name, as opposed to a typed handle.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { Pid } from "@trellis/core";
 * declare const pid: Pid; // a plain pid is Untyped: any request compiles
 * await GenStateMachine.call<string>(pid, "anything");
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface Untyped {
  /** Absent on plain pids and names. */
  readonly "~gen-statemachine"?: undefined;
}

/**
 * A typed handle to a running machine: its pid, carrying (in the type system only) the
 * machine's call and cast request types. `GenStateMachine.call` and `GenStateMachine.cast`
 * accept only those requests and infer each reply type. It is a real `Pid`: pass it
 * to `link`, `monitor`, `exit`, `Sys.getState` and anything else that takes one.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * type DoorCall = GenStateMachine.Request<{ type: "status" }, "locked" | "open">;
 * declare const door: GenStateMachine.Server<DoorCall, { type: "press"; digit: string }>;
 * const status: "locked" | "open" = await GenStateMachine.call(door, { type: "status" });
 * ```
 * @since 0.1.0
 * @category Types
 */
export type Server<Calls = unknown, Casts = unknown> = Pid & Typed<Calls, Casts>;

/**
 * A typed handle by name: a registered or via name carrying the machine's request types,
 * made by `GenStateMachine.named`. A {@link Server} is one too.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import { DoorLock } from "./door-lock.js";
 * const door = GenStateMachine.named(DoorLock, "front-door"); // "front-door" & ServerRef<…>
 * await GenStateMachine.call(door, { type: "status" });
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
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * type Door = GenStateMachine.Server<GenStateMachine.Request<{ type: "status" }, string>, never>;
 * type Calls = GenStateMachine.HandleCalls<Door>; // Request<{ type: "status" }, string>
 * ```
 * @since 0.1.0
 * @category Types
 */
export type HandleCalls<S> = S extends Typed<infer C, infer _K> ? C : never;

/**
 * The cast requests of a typed handle.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * type Door = GenStateMachine.Server<never, { type: "press"; digit: string }>;
 * type Casts = GenStateMachine.HandleCasts<Door>; // { type: "press"; digit: string }
 * ```
 * @since 0.1.0
 * @category Types
 */
export type HandleCasts<S> = S extends Typed<infer _C, infer K> ? K : never;

/**
 * The (optional) argument and options of `start`, `startLink`, `startMonitor` and
 * `childSpec`: the argument may be left out when `init` accepts `undefined`.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * type Args = GenStateMachine.StartArgs<string | undefined, GenStateMachine.StartOptions>;
 * // [arg?: string, options?: StartOptions]
 * ```
 * @since 0.1.0
 * @category Types
 */
export type StartArgs<Arg, Options> = undefined extends Arg
  ? [arg?: Arg, options?: Options]
  : [arg: Arg, options?: Options];

// ---------------------------------------------------------------------------------------
// Supervision

/**
 * When a supervisor restarts a child: always (`"permanent"`), only after an abnormal exit
 * (`"transient"`), or never (`"temporary"`).
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * const restart: GenStateMachine.Restart = "transient";
 * ```
 * @since 0.1.0
 * @category Supervision
 */
export type Restart = "permanent" | "transient" | "temporary";
