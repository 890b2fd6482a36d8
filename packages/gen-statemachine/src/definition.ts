/**
 * Defining, starting and supervising machines.
 *
 * @module
 */
import {
  BadArgumentError,
  checkChildOptions,
  equals,
  formatReason,
  isProcessName,
  isTerm,
  monitor,
  type Pid,
  type ProcessName,
  type Ref,
  type Runtime,
  type StartSpecialOptions,
  startSpecial,
  type Term,
  type InitResult as ToolkitInitResult,
} from "@trellis/core";
import { Machine, type Spec } from "./internal/engine.js";
import type { HandlerResult, IgnoreResult, InitResult } from "./results.js";
import type {
  Awaitable,
  CallsOf,
  CastsOf,
  ChildSpec,
  Event,
  HandlerEvent,
  MachineTypes,
  Restart,
  Server,
  ServerRef,
  Shutdown,
  StartArgs,
} from "./types.js";

/**
 * A state function of a `"stateFunctions"` machine: handles every event in its state
 * (Erlang's `Module:StateName(EventType, EventContent, Data)`). It receives the event and the
 * data and returns a result (see the `Result` namespace), directly or as a promise.
 * Returning `undefined` means no clause matched: the machine crashes with
 * `{ function_clause: { state, event } }`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { DoorTypes } from "./door-lock.js";
 * const open: GenStateMachine.StateFunction<DoorTypes, true> = (event, data) =>
 *   event.type === "stateTimeout"
 *     ? GenStateMachine.Result.nextState("locked", data)
 *     : GenStateMachine.Result.keepStateAndData();
 * ```
 * @since 0.1.0
 * @category Definition
 */
export type StateFunction<T extends MachineTypes, Enter extends boolean = false> = (
  event: HandlerEvent<T, Enter>,
  data: T["data"],
) => Awaitable<HandlerResult<T>>;

/**
 * The state functions of a `"stateFunctions"` machine: one per declared state, no more, no
 * fewer.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * interface T {
 *   state: "off" | "on";
 *   data: null;
 *   casts: "flip";
 * }
 * const states: GenStateMachine.StateFunctions<T> = {
 *   off: (_event, data) => GenStateMachine.Result.nextState("on", data),
 *   on: (_event, data) => GenStateMachine.Result.nextState("off", data),
 * };
 * ```
 * @since 0.1.0
 * @category Definition
 */
export type StateFunctions<T extends MachineTypes, Enter extends boolean = false> = {
  readonly [K in T["state"] & string]: StateFunction<T, Enter>;
};

/**
 * A declared transition, for diagrams and checks: the machine may go from `from` to `to`
 * (a label says on what).
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * const transitions: GenStateMachine.Transition<"locked" | "open">[] = [
 *   { from: "locked", to: "open", label: "right code" },
 *   { from: "open", to: "locked", label: "state timeout" },
 * ];
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface Transition<S = unknown> {
  /** The state the machine leaves. */
  readonly from: S;
  /** The state it enters. */
  readonly to: S;
  /** What makes it happen, shown on the arrow. */
  readonly label?: string;
}

/**
 * What `formatStatus` receives and returns: the state and data, the postponed events and
 * the running timeouts, and in a crash report also the exit `reason`, the `lastEvent` and
 * the `queue` of inserted events still waiting (Erlang's `format_status/1` map).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * interface T {
 *   state: "signedIn";
 *   data: { user: string; token: string };
 * }
 * const Session = GenStateMachine.define({
 *   types: {} as T,
 *   callbackMode: "handleEvent",
 *   init: (user: string) => GenStateMachine.Result.ok("signedIn", { user, token: "t0k3n" }),
 *   handleEvent: () => GenStateMachine.Result.keepStateAndData(),
 *   formatStatus: (status) => ({ ...status, data: { ...status.data, token: "***" } }),
 * });
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface Status<S = unknown, D = unknown> {
  /** The state. */
  readonly state: S;
  /** The data. */
  readonly data: D;
  /** The postponed events, oldest first. */
  readonly postponed: readonly Event[];
  /** The running timeouts. */
  readonly timeouts: readonly PendingTimeout[];
  /** The exit reason (crash reports only). */
  readonly reason?: unknown;
  /** The event being handled (crash reports only). */
  readonly lastEvent?: unknown;
  /** The events queued by the machine, not yet handled (crash reports only). */
  readonly queue?: readonly Event[];
}

/**
 * A running timeout, as {@link Status} lists it.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import { Sys } from "@trellis/core";
 * const status = await Sys.getStatus("front-door");
 * const { timeouts } = status.state as GenStateMachine.Status;
 * const pending: readonly GenStateMachine.PendingTimeout[] = timeouts;
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface PendingTimeout {
  /** Which timeout. */
  readonly type: "eventTimeout" | "stateTimeout" | "genericTimeout";
  /** The name of a generic timeout. */
  readonly name?: Term;
  /** What its event will carry. */
  readonly content: unknown;
}

/**
 * The callbacks every machine has, whatever its callback mode.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * interface T {
 *   state: "idle";
 *   data: number;
 * }
 * // the part of a definition shared by both callback modes
 * const common: Omit<GenStateMachine.CommonCallbacks<T, number, GenStateMachine.OkResult<"idle", number>, false>, "types"> = {
 *   init: (n) => GenStateMachine.Result.ok("idle", n),
 *   terminate: (reason, state, n) => console.log(`stopping in ${state} with ${n}:`, reason),
 * };
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface CommonCallbacks<T extends MachineTypes, Arg, Init, Enter extends boolean> {
  /**
   * The machine's types, declared once: write `types: {} as MyTypes` (the value is never
   * read). See {@link MachineTypes}.
   */
  readonly types: T;
  /**
   * Whether to make state enter calls: the handler of the new state receives an
   * `{ type: "enter", oldState }` event right after `init`, after every real state change and
   * after `repeatState`, before any other event (Erlang's `state_enter`). Default `false`.
   */
  readonly stateEnter?: Enter;
  /**
   * Runs in the new process when it starts; `start` waits for it. Returns the initial state
   * and data:
   *
   * - `Result.ok(state, data, actions?)`: the machine runs; `start` resolves with its
   *   handle. The actions are carried out right after (a `nextEvent` is the first event
   *   handled), after the first enter call.
   * - `Result.ignore()`: `start` resolves with `"ignore"`; the process exits `"normal"`.
   * - `Result.stop(reason)` / `Result.error(reason)`: `start` rejects with an `InitError`
   *   carrying `reason`.
   * - A throw (or rejection): `start` rejects with an `InitError` whose reason is the error
   *   (the thrown `Error`, or the reason of an `exit(reason)`).
   * - Anything else: `start` rejects with an `InitError` with reason
   *   `{ bad_return_from_init: value }`.
   *
   * `terminate` is not called when `init` fails. Required.
   */
  init(arg: Arg): Awaitable<Init>;
  /**
   * Runs when the machine is about to exit, with the reason, the state and the data:
   *
   * - a handler returned `Result.stop` or `Result.stopAndReply` (after the replies);
   * - a handler threw or rejected (the reason is the error), returned something invalid or
   *   carried a bad action (the reason says which, see the package docs);
   * - `GenStateMachine.stop(machine, reason)`;
   * - the machine traps exits and its parent (a supervisor) sent an exit signal.
   *
   * It is not called when `init` fails or when the machine is killed. Its return value is
   * ignored; if it throws, the machine exits with that error instead. Optional.
   */
  terminate?(reason: unknown, state: T["state"], data: T["data"]): unknown;
  /**
   * Shapes what `Sys.getStatus` and crash reports show (for example without secrets):
   * receives a {@link Status} and returns one. Optional; by default everything is shown.
   */
  formatStatus?(status: Status<T["state"], T["data"]>): Status;
  /**
   * The transitions the machine may make. When declared, `GenStateMachine.diagram` draws
   * them, and the machine enforces them: a state change that is not declared makes it exit
   * with `{ undeclared_transition: { from, to } }`, so the diagram is the machine that runs.
   * Optional.
   */
  readonly transitions?: readonly Transition<T["state"]>[];
  /** The initial state, for `GenStateMachine.diagram`. Optional. */
  readonly initial?: T["state"];
}

/**
 * The callbacks of a `"stateFunctions"` machine (Erlang's `state_functions` mode): one
 * handler per state, the states being strings.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * interface T {
 *   state: "off" | "on";
 *   data: null;
 *   casts: "flip";
 * }
 * const Switch = GenStateMachine.define({
 *   types: {} as T,
 *   callbackMode: "stateFunctions",
 *   init: (_: undefined) => GenStateMachine.Result.ok("off", null),
 *   states: {
 *     off: (_event, data) => GenStateMachine.Result.nextState("on", data),
 *     on: (_event, data) => GenStateMachine.Result.nextState("off", data),
 *   },
 * });
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface StateFunctionsCallbacks<T extends MachineTypes, Arg, Init, Enter extends boolean>
  extends CommonCallbacks<T, Arg, Init, Enter> {
  /** Always `"stateFunctions"`. */
  readonly callbackMode: "stateFunctions";
  /**
   * One {@link StateFunction} per declared state. A state without one (possible only
   * without types) crashes the machine with `function_clause` when it is entered with
   * `stateEnter`, or at its first event.
   */
  readonly states: StateFunctions<T, Enter>;
}

/**
 * The callbacks of a `"handleEvent"` machine (Erlang's `handle_event_function` mode): one
 * handler for every state; a state can be any term (compared with core's `equals`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * interface T {
 *   state: readonly ["floor", number];
 *   data: null;
 *   casts: { type: "go"; floor: number };
 * }
 * const Elevator = GenStateMachine.define({
 *   types: {} as T,
 *   callbackMode: "handleEvent",
 *   init: (_: undefined) => GenStateMachine.Result.ok(["floor", 0], null),
 *   handleEvent: (event, state, data) =>
 *     event.type === "cast" && event.content.floor !== state[1]
 *       ? GenStateMachine.Result.nextState(["floor", event.content.floor], data)
 *       : GenStateMachine.Result.keepStateAndData(),
 * });
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface HandleEventCallbacks<T extends MachineTypes, Arg, Init, Enter extends boolean>
  extends CommonCallbacks<T, Arg, Init, Enter> {
  /** Always `"handleEvent"`. */
  readonly callbackMode: "handleEvent";
  /**
   * Handles every event, in every state (Erlang's `handle_event(Type, Content, State,
   * Data)`); returns a result as a {@link StateFunction} does.
   */
  handleEvent(
    event: HandlerEvent<T, Enter>,
    state: T["state"],
    data: T["data"],
  ): Awaitable<HandlerResult<T>>;
}

/**
 * The callbacks of a machine, given once to `GenStateMachine.define`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * interface T {
 *   state: "idle";
 *   data: null;
 * }
 * const callbacks: GenStateMachine.Callbacks<T, undefined, GenStateMachine.OkResult<"idle", null>, false> = {
 *   types: {} as T,
 *   callbackMode: "handleEvent",
 *   init: () => GenStateMachine.Result.ok("idle", null),
 *   handleEvent: () => GenStateMachine.Result.keepStateAndData(),
 * };
 * ```
 * @since 0.1.0
 * @category Definition
 */
export type Callbacks<T extends MachineTypes, Arg, Init, Enter extends boolean> =
  | StateFunctionsCallbacks<T, Arg, Init, Enter>
  | HandleEventCallbacks<T, Arg, Init, Enter>;

/**
 * Options of `GenStateMachine.define`: defaults for the child spec (Elixir's `use
 * GenStateMachine, restart: :transient`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * interface T {
 *   state: "idle";
 *   data: null;
 * }
 * const options: GenStateMachine.DefineOptions = { restart: "transient", shutdown: 10_000 };
 * const Worker = GenStateMachine.define(
 *   {
 *     types: {} as T,
 *     callbackMode: "handleEvent",
 *     init: (_: undefined) => GenStateMachine.Result.ok("idle", null),
 *     handleEvent: () => GenStateMachine.Result.keepStateAndData(),
 *   },
 *   options,
 * );
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface DefineOptions {
  /**
   * The definition's name (Elixir: the module name): how the definition reads in
   * supervision trees, child lists and reports when it is the child id. Default
   * `"GenStateMachine#<n>"`, numbered in definition order.
   */
  readonly name?: string;
  /** The child id. Default: the definition itself (which prints as its `name`). */
  readonly id?: unknown;
  /** When a supervisor restarts the machine. Default (the supervisor's): `"permanent"`. */
  readonly restart?: Restart;
  /** How long a supervisor waits for it to stop. Default (the supervisor's): `5000`. */
  readonly shutdown?: Shutdown;
}

/**
 * The types a {@link Definition} carries, in the type system only.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { DoorTypes } from "./door-lock.js";
 * type Carried = GenStateMachine.DefinitionTypes<DoorTypes, string, GenStateMachine.OkResult>;
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface DefinitionTypes<T extends MachineTypes, Arg, Init> {
  /** The machine's types. */
  readonly types: T;
  /** `init`'s argument. */
  readonly arg: Arg;
  /** What `init` may return. */
  readonly init: Init;
}

/**
 * A machine definition: what `GenStateMachine.define` returns and `start`, `startLink`,
 * `childSpec`, `named` and `diagram` take. The type parameters carry the machine's types,
 * `init`'s argument and what `init` may return to the typed handle; annotate a definition
 * as `Definition<MyTypes, Arg>` (where declarations must be explicit).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import { DoorLock, type DoorTypes } from "./door-lock.js";
 * const definition: GenStateMachine.Definition<DoorTypes, string> = DoorLock;
 * await GenStateMachine.start(definition, "1234");
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface Definition<T extends MachineTypes = MachineTypes, Arg = unknown, Init = unknown> {
  /** The callbacks, as given to `define`. */
  readonly callbacks: object;
  /** The child spec defaults. */
  readonly options: DefineOptions;
  /** Its name: `options.name`, or `"GenStateMachine#<n>"`; also what `String()` and JSON give. */
  readonly name: string;
  /** Type-level only: the types the definition carries. Never set it. */
  readonly "~types"?: DefinitionTypes<T, Arg, Init>;
}

/**
 * The typed handle of a machine whose types are `T`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { DoorTypes } from "./door-lock.js";
 * function press(door: GenStateMachine.ServerOf<DoorTypes>, digit: string): void {
 *   GenStateMachine.cast(door, { type: "press", digit });
 * }
 * ```
 * @since 0.1.0
 * @category Types
 */
export type ServerOf<T extends MachineTypes> = Server<CallsOf<T>, CastsOf<T>>;

/**
 * What `start` resolves with: the typed handle, or also `"ignore"` when `init` may return
 * `Result.ignore()`.
 *
 * @example
 * ```ts
 * import type * as GenStateMachine from "@trellis/gen-statemachine";
 * type Handle = GenStateMachine.Started<GenStateMachine.OkResult | GenStateMachine.IgnoreResult, GenStateMachine.Server>;
 * // GenStateMachine.Server | "ignore"
 * ```
 * @since 0.1.0
 * @category Types
 */
export type Started<Init, Handle> = [Extract<Init, IgnoreResult>] extends [never]
  ? Handle
  : Handle | "ignore";

const specs = new WeakMap<object, Spec>();

function fail(what: string, message: string): never {
  throw new BadArgumentError(`${what}: ${message}`);
}

function checkFunction(what: string, name: string, f: unknown, required: boolean): void {
  if (f === undefined && !required) return;
  if (typeof f !== "function") {
    fail(
      what,
      `${name} must be a function${required ? "" : " when given"}, got ${formatReason(f)}`,
    );
  }
}

function buildSpec(what: string, cb: Record<string, unknown>): Spec {
  const mode = cb["callbackMode"];
  if (mode !== "stateFunctions" && mode !== "handleEvent") {
    fail(what, `callbackMode must be "stateFunctions" or "handleEvent", got ${formatReason(mode)}`);
  }
  checkFunction(what, "init", cb["init"], true);
  checkFunction(what, "terminate", cb["terminate"], false);
  checkFunction(what, "formatStatus", cb["formatStatus"], false);
  const stateEnter = cb["stateEnter"];
  if (stateEnter !== undefined && typeof stateEnter !== "boolean") {
    fail(what, `stateEnter must be a boolean, got ${formatReason(stateEnter)}`);
  }
  let states: Map<string, (...args: unknown[]) => unknown> | undefined;
  let statesThis: unknown;
  if (mode === "stateFunctions") {
    if (cb["handleEvent"] !== undefined) {
      fail(what, `handleEvent is for callbackMode "handleEvent"; use states here`);
    }
    const s = cb["states"];
    if (typeof s !== "object" || s === null) {
      fail(what, `states must be an object of state functions, got ${formatReason(s)}`);
    }
    states = new Map();
    statesThis = s;
    for (const [name, f] of Object.entries(s)) {
      if (typeof f !== "function") {
        fail(what, `the state function for "${name}" must be a function, got ${formatReason(f)}`);
      }
      states.set(name, f as (...args: unknown[]) => unknown);
    }
    if (states.size === 0) fail(what, "states must have at least one state function");
  } else {
    if (cb["states"] !== undefined) {
      fail(what, `states are for callbackMode "stateFunctions"; use handleEvent here`);
    }
    checkFunction(what, "handleEvent", cb["handleEvent"], true);
  }
  const isState = (s: unknown): boolean =>
    states === undefined ? isTerm(s) : typeof s === "string" && states.has(s);
  const stateWord = states === undefined ? "a term" : "one of the states";
  const initial = cb["initial"];
  if (initial !== undefined && !isState(initial)) {
    fail(what, `initial must be ${stateWord}, got ${formatReason(initial)}`);
  }
  let allows: Spec["allows"];
  const transitions = cb["transitions"];
  if (transitions !== undefined) {
    if (!Array.isArray(transitions)) {
      fail(what, `transitions must be an array of { from, to }, got ${formatReason(transitions)}`);
    }
    for (const t of transitions as unknown[]) {
      const tr = t as { from?: unknown; to?: unknown; label?: unknown } | null;
      if (
        typeof tr !== "object" ||
        tr === null ||
        !isState(tr.from) ||
        !isState(tr.to) ||
        (tr.label !== undefined && typeof tr.label !== "string")
      ) {
        fail(
          what,
          `each transition must be { from, to, label? } with from and to ${stateWord}, got ${formatReason(t)}`,
        );
      }
    }
    const list = transitions as readonly Transition[];
    if (states !== undefined) {
      const set = new Set(list.map((t) => `${t.from as string}\u0000${t.to as string}`));
      allows = (from, to) => set.has(`${from as string}\u0000${to as string}`);
    } else {
      allows = (from, to) =>
        list.some((t) => equals(t.from as Term, from as Term) && equals(t.to as Term, to as Term));
    }
  }
  return {
    init: cb["init"] as Spec["init"],
    states,
    statesThis,
    handleEvent: cb["handleEvent"] as Spec["handleEvent"],
    callbacks: cb,
    enter: stateEnter === true,
    terminate: cb["terminate"] as Spec["terminate"],
    formatStatus: cb["formatStatus"] as Spec["formatStatus"],
    allows,
  };
}

/**
 * Defines a state machine: its types, callback mode and callbacks, given once. The result
 * is a plain value that `start`, `startLink`, `startMonitor`, `childSpec`, `named` and
 * `diagram` take.
 *
 * Declare the machine's {@link MachineTypes} in `types` (`types: {} as MyTypes`); every
 * handler, result and client call is then checked against them: a state function for an
 * unknown state, a transition to an unknown state, an event the machine does not declare,
 * or a wrong reply type does not compile.
 *
 * - `callbackMode: "stateFunctions"`: `states` has one {@link StateFunction} per state (the
 *   states are strings).
 * - `callbackMode: "handleEvent"`: `handleEvent(event, state, data)` handles everything;
 *   states can be any term.
 * - `stateEnter: true` adds the state enter calls.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const { ok, nextState, keepStateAndData } = GenStateMachine.Result;
 * const { reply } = GenStateMachine.Action;
 *
 * interface SwitchTypes {
 *   state: "off" | "on";
 *   data: number; // how many times it was switched on
 *   calls: GenStateMachine.Request<{ type: "flip" }, "off" | "on">;
 * }
 *
 * export const Switch = GenStateMachine.define({
 *   types: {} as SwitchTypes,
 *   callbackMode: "stateFunctions",
 *   init: (_: undefined) => ok("off", 0),
 *   states: {
 *     off: (event, n) =>
 *       event.type === "call" ? nextState("on", n + 1, reply(event.from, "on")) : keepStateAndData(),
 *     on: (event, n) =>
 *       event.type === "call" ? nextState("off", n, reply(event.from, "off")) : keepStateAndData(),
 *   },
 * });
 * ```
 * @param callbacks the callbacks (see {@link Callbacks})
 * @param options child spec defaults: `id`, `restart`, `shutdown`
 * @throws {BadArgumentError} for an unknown callback mode, a missing or non-function
 *   callback, or bad transitions or options
 * @since 0.1.0
 * @category Definition
 */
export function define<
  T extends MachineTypes,
  Arg,
  Init extends InitResult<T>,
  Enter extends boolean = false,
>(
  callbacks: Callbacks<NoInfer<T>, Arg, Init, Enter> & { readonly types: T },
  options: DefineOptions = {},
): Definition<T, Arg, Init> {
  const what = "GenStateMachine.define";
  if (typeof callbacks !== "object" || callbacks === null) {
    fail(what, `expected an object of callbacks, got ${formatReason(callbacks)}`);
  }
  const spec = buildSpec(what, callbacks as unknown as Record<string, unknown>);
  checkChildOptions(what, options);
  if (options.name !== undefined && (typeof options.name !== "string" || options.name === "")) {
    fail(what, `name must be a non-empty string, got ${formatReason(options.name)}`);
  }
  const name = options.name ?? `GenStateMachine#${++defined}`;
  const raw = { callbacks, options: Object.freeze({ ...options }), name };
  // A definition is the default child id: it reads as its name in trees and reports.
  Object.defineProperty(raw, "toJSON", { value: () => name });
  Object.defineProperty(raw, "toString", { value: () => name });
  const def: Definition<T, Arg, Init> = Object.freeze(raw);
  specs.set(def, spec);
  return def;
}

/** How many definitions have been made without a name (for their default names). */
let defined = 0;

function specOf(what: string, def: unknown): Spec {
  const spec = typeof def === "object" && def !== null ? specs.get(def) : undefined;
  if (spec === undefined) {
    fail(
      what,
      `expected a machine definition made by GenStateMachine.define, got ${formatReason(def)}`,
    );
  }
  return spec;
}

/**
 * Options of `start`, `startLink` and `startMonitor`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import { DoorLock } from "./door-lock.js";
 * const options: GenStateMachine.StartOptions = { name: "front-door", timeout: 5000 };
 * await GenStateMachine.start(DoorLock, "1234", options);
 * ```
 * @since 0.1.0
 * @category Starting
 */
export interface StartOptions {
  /**
   * Register the machine under this name: a string (a local name) or a `via` name. A taken
   * name makes the start reject with an `AlreadyStartedError` carrying the holder's pid.
   * `undefined` means no name.
   */
  readonly name?: ProcessName | undefined;
  /**
   * Milliseconds `init` may take. When it takes longer, the process is killed and the
   * start rejects with an `InitError` with reason `"timeout"`. Default `Infinity`.
   */
  readonly timeout?: number;
  /** The runtime to start in when called outside process code. Default: the default runtime. */
  readonly runtime?: Runtime;
}

function startMachine(
  what: string,
  def: unknown,
  arg: unknown,
  options: StartOptions | undefined,
  link: boolean,
): Promise<Pid | "ignore"> {
  try {
    const spec = specOf(what, def);
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      fail(what, `options must be an object, got ${formatReason(options)}`);
    }
    if (options?.name !== undefined && !isProcessName(options.name)) {
      fail(
        what,
        `the name option must be a non-empty string (not "undefined") or a via name, got ${formatReason(options.name)}`,
      );
    }
    const machine = new Machine(spec);
    const special: StartSpecialOptions = {
      link,
      behaviour: "GenStateMachine",
      ...(options?.name === undefined ? {} : { name: options.name }),
      ...(options?.timeout === undefined ? {} : { timeout: options.timeout }),
      ...(options?.runtime === undefined ? {} : { runtime: options.runtime }),
    };
    return startSpecial(() => machine.init(arg) as ToolkitInitResult, special);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Starts a machine without linking it to the caller (Erlang's `gen_statem:start/3,4`).
 * `init` runs in the new process; the returned promise settles when it has returned:
 *
 * - resolves with the typed handle (the pid) when `init` returns `Result.ok(…)`;
 * - resolves with `"ignore"` when it returns `Result.ignore()` (the type includes
 *   `"ignore"` only when `init` can return it);
 * - rejects with an `InitError` carrying the reason when `init` returns `stop`/`error`,
 *   throws (the reason is the error, with no stack wrapping), returns an invalid value
 *   (`{ bad_return_from_init: value }`), or outlives the `timeout` option (`"timeout"`);
 * - rejects with an `AlreadyStartedError` carrying the holder's pid when the name is taken.
 *
 * The caller is the machine's parent. Works outside process code too (in the default
 * runtime, or the `runtime` option's).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import { DoorLock } from "./door-lock.js";
 * const door = await GenStateMachine.start(DoorLock, "1234", { name: "front-door" });
 * GenStateMachine.cast(door, { type: "press", digit: "1" });
 * ```
 * @throws {BadArgumentError} (as a rejection) for a bad definition, name or timeout
 * @since 0.1.0
 * @category Starting
 */
export function start<T extends MachineTypes, Arg, Init>(
  definition: Definition<T, Arg, Init>,
  ...args: StartArgs<Arg, StartOptions>
): Promise<Started<Init, ServerOf<T>>> {
  return startMachine("GenStateMachine.start", definition, args[0], args[1], false) as Promise<
    Started<Init, ServerOf<T>>
  >;
}

/**
 * Starts a machine linked to the caller (Erlang's `gen_statem:start_link/3,4`): if either
 * exits abnormally, the other gets the exit signal. Otherwise as {@link start}. If the
 * start fails, the caller gets the rejection, not an exit signal. Must be called from
 * process code (a supervisor, a test's `withRuntime`, another process).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import { DoorLock } from "./door-lock.js";
 * const door = await GenStateMachine.startLink(DoorLock, "1234");
 * ```
 * @throws {NotInProcessError} (as a rejection) outside process code
 * @throws {BadArgumentError} (as a rejection) for a bad definition, name or timeout
 * @since 0.1.0
 * @category Starting
 */
export function startLink<T extends MachineTypes, Arg, Init>(
  definition: Definition<T, Arg, Init>,
  ...args: StartArgs<Arg, StartOptions>
): Promise<Started<Init, ServerOf<T>>> {
  return startMachine("GenStateMachine.startLink", definition, args[0], args[1], true) as Promise<
    Started<Init, ServerOf<T>>
  >;
}

/**
 * Starts a machine and monitors it (Erlang's `gen_statem:start_monitor/3,4`): resolves with
 * the handle and the monitor's reference, whose `DownMessage` arrives when the machine
 * exits. Otherwise as {@link start}; nothing is monitored when the start fails or is
 * ignored. Must be called from process code.
 *
 * The monitor is set up as soon as the start is acknowledged, so a machine that crashes in
 * its very first step (the enter call or the actions of `init`) may be reported with reason
 * `"noproc"` instead of its own reason.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import { isDown, receive } from "@trellis/core";
 * import { DoorLock } from "./door-lock.js";
 * const [door, ref] = await GenStateMachine.startMonitor(DoorLock, "1234");
 * await GenStateMachine.stop(door);
 * const down = await receive(isDown); // down.ref === ref, down.reason === "normal"
 * ```
 * @throws {NotInProcessError} (as a rejection) outside process code
 * @throws {BadArgumentError} (as a rejection) for a bad definition, name or timeout
 * @since 0.1.0
 * @category Starting
 */
export async function startMonitor<T extends MachineTypes, Arg, Init>(
  definition: Definition<T, Arg, Init>,
  ...args: StartArgs<Arg, StartOptions>
): Promise<Started<Init, [ServerOf<T>, Ref]>> {
  const pid = await startMachine(
    "GenStateMachine.startMonitor",
    definition,
    args[0],
    args[1],
    false,
  );
  if (pid === "ignore") return "ignore" as Started<Init, [ServerOf<T>, Ref]>;
  return [pid, monitor(pid)] as Started<Init, [ServerOf<T>, Ref]>;
}

/**
 * Options of {@link childSpec}: overrides of the child spec fields, and the start options
 * its `start` function passes to `startLink`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import { DoorLock } from "./door-lock.js";
 * const options: GenStateMachine.ChildSpecOptions = { id: "back-door", name: "back-door", restart: "transient" };
 * GenStateMachine.childSpec(DoorLock, "0000", options);
 * ```
 * @since 0.1.0
 * @category Supervision
 */
export interface ChildSpecOptions extends StartOptions {
  /** The child id. Default: the definition's `id` option, or the definition itself. */
  readonly id?: unknown;
  /** Overrides the definition's `restart` option. */
  readonly restart?: Restart;
  /** Overrides the definition's `shutdown` option. */
  readonly shutdown?: Shutdown;
}

/**
 * The child spec that starts this machine under a supervisor (Elixir's generated
 * `child_spec/1`): `start` calls `startLink(definition, arg, startOptions)`. The id defaults
 * to the definition itself; `restart` and `shutdown` come from the definition's options and
 * are left out when not set (the supervisor's defaults apply). `options` overrides them.
 *
 * A supervisor stops its children with an exit signal `"shutdown"`: to run `terminate`
 * then, the machine must trap exits (`trapExit(true)` in `init`).
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import { DoorLock } from "./door-lock.js";
 * const spec = GenStateMachine.childSpec(DoorLock, "1234", { id: "front-door", name: "front-door" });
 * spec.start; // () => startLink(DoorLock, "1234", { name: "front-door" })
 * ```
 * @throws {BadArgumentError} for a bad definition or option
 * @since 0.1.0
 * @category Supervision
 */
export function childSpec<T extends MachineTypes, Arg, Init>(
  definition: Definition<T, Arg, Init>,
  ...args: StartArgs<Arg, ChildSpecOptions>
): ChildSpec {
  const what = "GenStateMachine.childSpec";
  specOf(what, definition);
  const [arg, options = {}] = args;
  checkChildOptions(what, options);
  const { id, restart, shutdown, ...startOptions } = { ...definition.options, ...options };
  return {
    id: id === undefined ? definition : id,
    start: () => startMachine("GenStateMachine.startLink", definition, arg, startOptions, true),
    ...(restart === undefined ? {} : { restart }),
    ...(shutdown === undefined ? {} : { shutdown }),
    type: "worker",
    modules: ["GenStateMachine"],
  };
}

/**
 * A typed handle for a machine registered under `name` (a string or a `via` name): calls
 * and casts through it are checked against `definition`'s types, and go to whichever
 * process holds the name at the time.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import { DoorLock } from "./door-lock.js";
 * const door = GenStateMachine.named(DoorLock, "front-door");
 * await GenStateMachine.start(DoorLock, "1234", { name: door });
 * const status = await GenStateMachine.call(door, { type: "status" });
 * ```
 * @throws {BadArgumentError} for a bad definition or name
 * @since 0.1.0
 * @category Starting
 */
export function named<T extends MachineTypes, Arg, Init, N extends ProcessName>(
  definition: Definition<T, Arg, Init>,
  name: N,
): N & ServerRef<CallsOf<T>, CastsOf<T>> {
  const what = "GenStateMachine.named";
  specOf(what, definition);
  if (!isProcessName(name)) {
    fail(what, `expected a non-empty string or a via name, got ${formatReason(name)}`);
  }
  return name as N & ServerRef<CallsOf<T>, CastsOf<T>>;
}

/**
 * Options of {@link diagram}.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import { DoorLock } from "./door-lock.js";
 * const options: GenStateMachine.DiagramOptions = { title: "Door lock" };
 * GenStateMachine.diagram(DoorLock, options);
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface DiagramOptions {
  /** A title, shown above the diagram. */
  readonly title?: string;
}

function stateLabel(s: unknown): string {
  return typeof s === "string" ? s : formatReason(s);
}

/**
 * Draws a machine as a Mermaid `stateDiagram-v2` (paste it in a Markdown ```` ```mermaid ````
 * block): its declared `initial` state, its states (in `"stateFunctions"` mode, every state
 * function, including states no transition reaches) and its declared `transitions` with
 * their labels. Since a machine enforces the transitions it declares, the diagram shows
 * the machine that runs.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import { DoorLock } from "./door-lock.js";
 * console.log(GenStateMachine.diagram(DoorLock));
 * // stateDiagram-v2
 * //     [*] --> locked
 * //     locked --> open: right code
 * //     open --> locked: state timeout
 * ```
 * @throws {BadArgumentError} for a bad definition, or a `"handleEvent"` machine that
 *   declares no transitions (there would be nothing to draw)
 * @since 0.1.0
 * @category Definition
 */
export function diagram<T extends MachineTypes, Arg, Init>(
  definition: Definition<T, Arg, Init>,
  options: DiagramOptions = {},
): string {
  const what = "GenStateMachine.diagram";
  const spec = specOf(what, definition);
  const cb = definition.callbacks as {
    transitions?: readonly Transition[];
    initial?: unknown;
  };
  const transitions = cb.transitions ?? [];
  if (spec.states === undefined && transitions.length === 0 && cb.initial === undefined) {
    fail(what, "a handleEvent machine must declare its transitions to be drawn");
  }
  // Mermaid state ids: the label itself when it is a plain identifier, else s1, s2, …
  const ids = new Map<string, string>();
  const decls: string[] = [];
  const idOf = (s: unknown): string => {
    const label = stateLabel(s);
    let id = ids.get(label);
    if (id === undefined) {
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(label) && label !== "state" && label !== "end") {
        id = label;
      } else {
        id = `s${ids.size + 1}`;
        decls.push(`    state "${label.replace(/"/g, "'")}" as ${id}`);
      }
      ids.set(label, id);
    }
    return id;
  };
  const lines: string[] = [];
  if (cb.initial !== undefined) lines.push(`    [*] --> ${idOf(cb.initial)}`);
  for (const t of transitions) {
    const label = t.label === undefined ? "" : `: ${t.label.replace(/[\r\n]+/g, " ")}`;
    lines.push(`    ${idOf(t.from)} --> ${idOf(t.to)}${label}`);
  }
  const used = new Set(ids.keys());
  if (spec.states !== undefined) {
    for (const s of spec.states.keys()) {
      if (!used.has(s)) lines.push(`    ${idOf(s)}`);
    }
  }
  const head = options.title === undefined ? [] : ["---", `title: ${options.title}`, "---"];
  return [...head, "stateDiagram-v2", ...decls, ...lines].join("\n");
}
