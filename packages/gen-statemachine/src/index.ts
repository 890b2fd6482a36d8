/**
 * # @trellis/gen-statemachine
 *
 * A GenStateMachine is a process that is an explicit state machine: Erlang's `gen_statem`,
 * typed end to end. Like a GenServer it holds data and answers calls and casts, one event
 * at a time; unlike a GenServer it also has a *state* (`"locked"`, `"open"`; or any term),
 * and the engine knows about it: it can **postpone** an event until the state changes,
 * **insert** events of its own, run a **state enter** call on every state change, and keep
 * three kinds of **timeouts** (an event timeout that any event cancels, a state timeout
 * that a state change cancels, and named generic timeouts that only fire or get
 * cancelled). Use it when the protocol has states and "what may happen now" depends on
 * them: connections, payments, devices, workflows, games.
 *
 * You declare the machine's types once, write one handler per state (or one for all
 * states), and return results built with the {@link Result} constructors carrying
 * {@link Action}s. The client side is {@link call} and {@link cast}, as for a GenServer.
 *
 * ## Example
 *
 * A door with a code lock: digits are cast to it; the right code opens it; it locks itself
 * again ten seconds later (a state timeout, set by the enter call of `"open"`); a
 * half-typed code is forgotten after 30 seconds without a key press (an event timeout).
 *
 * {@includeCode ../test/examples/door-lock.ts#definition}
 *
 * The client API wraps `cast` and `call`. The handle `startLink` returns is typed: `call`
 * accepts only the door's calls and infers each reply type.
 *
 * {@includeCode ../test/examples/door-lock.ts#client}
 *
 * {@includeCode ../test/examples.test.ts#usage}
 *
 * ## Client and server
 *
 * The callbacks run inside the machine's process; everything else is called from other
 * processes.
 *
 * - {@link call} sends a request and waits: the handler gets a `"call"` event and answers
 *   with `Action.reply(event.from, value)`, now or from a later state (postponing the
 *   call, or keeping `from` and calling {@link reply}).
 * - {@link cast} returns at once: a `"cast"` event. Any other message is an `"info"` event.
 * - The machine's own events: `"internal"` (inserted with `Action.nextEvent`),
 *   `"eventTimeout"`, `"stateTimeout"`, `"genericTimeout"`, and `"enter"` (with
 *   `stateEnter: true`).
 * - Each handler returns a result: `nextState`, `keepState`, `keepStateAndData`,
 *   `repeatState`, `repeatStateAndData`, `stop` or `stopAndReply`. Results that continue
 *   carry actions: replies, `postpone`, `nextEvent`, timeouts. Returning nothing means the
 *   handler has no clause for the event: the machine crashes with `function_clause`.
 *
 * Two callback modes: `"stateFunctions"` has one handler per state, the states being
 * strings (Erlang's `Module:StateName/3`); `"handleEvent"` has one handler for every
 * state, and a state can be any term compared with core's `equals` (Erlang's
 * `handle_event/4`). Handlers may be `async`: the machine handles nothing else until the
 * promise settles.
 *
 * The order of events is Erlang's: inserted events first (in action order), then the
 * events postponed in earlier states (retried only after a real state change, oldest
 * first), then zero-time timeouts (in the order they were set), then the mailbox.
 *
 * ## Supervision
 *
 * {@link childSpec} makes the child spec a supervisor needs; its `start` calls
 * {@link startLink}. Defaults come from `define`'s options. A supervisor stops its children
 * with an exit signal `"shutdown"`; to run `terminate` then, trap exits in `init`.
 *
 * ## Names
 *
 * The `name` option registers the machine: a string is a local name, `via(registry, key)`
 * a name in a registry. Every client function takes the pid, the name, or a typed name from
 * {@link named}. A taken name rejects the start with an `AlreadyStartedError`.
 *
 * ## Timeouts
 *
 * **`call` waits forever by default**, as `gen_statem:call/2` does (GenServer's default is
 * 5000 ms); pass `{ timeout }` to bound it. {@link stop} waits forever by default too, and
 * the `timeout` start option bounds `init`. The machine's own timeouts are actions:
 * `Action.eventTimeout`, `Action.stateTimeout` and `Action.genericTimeout` (each with a
 * `cancel…` and an `update…` form); they are timers of the runtime, so virtual time in
 * tests makes a seven-day timeout take no time.
 *
 * ## Diagrams
 *
 * A definition that declares its `transitions` (and `initial` state) is drawn by
 * {@link diagram} as a Mermaid `stateDiagram-v2`, and a state change it does not declare
 * makes the machine exit: the diagram in the docs is the machine that runs.
 *
 * ## When not to use it
 *
 * A machine with one state is a GenServer: use `@trellis/gen-server`. For a state that
 * changes but does not change what may happen (a counter), a GenServer is simpler too. A
 * GenStateMachine is one process: it serialises its events, like any server.
 *
 * ## Learn more
 *
 * The guide "GenStateMachine" (docs/guides/gen-statemachine.md) walks through a payment
 * workflow and the door lock; docs/erlang-mapping.md maps every `gen_statem` feature to
 * Trellis.
 *
 * @packageDocumentation
 */
import * as Action from "./action.js";
import * as Result from "./result.js";

export { type CallOptions, call, cast, reply, stop, whereis } from "./client.js";
export {
  type Callbacks,
  type ChildSpecOptions,
  type CommonCallbacks,
  childSpec,
  type DefineOptions,
  type Definition,
  type DefinitionTypes,
  type DiagramOptions,
  define,
  diagram,
  type HandleEventCallbacks,
  named,
  type PendingTimeout,
  type ServerOf,
  type Started,
  type StartOptions,
  type StateFunction,
  type StateFunctions,
  type StateFunctionsCallbacks,
  type Status,
  start,
  startLink,
  startMonitor,
  type Transition,
} from "./definition.js";
export type {
  Actions,
  ErrorResult,
  EventTimeoutAction,
  GenericTimeoutAction,
  HandlerResult,
  HibernateAction,
  IgnoreResult,
  InitResult,
  InsertableEvent,
  KeepStateAndDataResult,
  KeepStateResult,
  NextEventAction,
  NextStateResult,
  OkResult,
  PostponeAction,
  RepeatStateAndDataResult,
  RepeatStateResult,
  ReplyAction,
  StateTimeoutAction,
  StopAndReplyResult,
  StopResult,
  TimeoutAction,
  TimeoutTime,
  TransitionAction,
} from "./results.js";
export type {
  Awaitable,
  CallEvent,
  CallsOf,
  CastEvent,
  CastsOf,
  ChildSpec,
  DataOf,
  EnterEvent,
  Event,
  EventTimeoutEvent,
  EventType,
  GenericTimeoutEvent,
  HandleCalls,
  HandleCasts,
  HandlerEvent,
  InfoEvent,
  InfoOf,
  InternalEvent,
  InternalOf,
  MachineRequests,
  MachineTypes,
  ReplyFor,
  ReplyOf,
  ReplyTo,
  Request,
  Restart,
  Server,
  ServerRef,
  Shutdown,
  StartArgs,
  StateOf,
  StateTimeoutEvent,
  Typed,
  Untyped,
  WithReply,
} from "./types.js";
export { Action, Result };
