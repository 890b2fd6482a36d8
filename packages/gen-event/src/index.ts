/**
 * # @trellis/gen-event
 *
 * An event manager: one process that many event handlers are plugged into. Erlang's
 * `gen_event`, typed end to end. Code that has something to report sends an event to the
 * manager with {@link notify}; the manager hands it to every installed handler in turn. A
 * handler is a definition (callbacks, like an Erlang callback module) plus a state of its
 * own; handlers can be added, removed and swapped while the manager runs, and one handler
 * that crashes is removed without disturbing the manager or the other handlers.
 *
 * Use it for cheap, synchronous reactions to events that need no process of their own:
 * logging, auditing, metrics, alarms, tracing hooks. Erlang's `logger` and `alarm_handler`
 * were built this way.
 *
 * ## Example
 *
 * An application declares its events and starts a manager for them; an audit log and a
 * metrics handler are installed on it:
 *
 * {@includeCode ../test/examples/app-events.ts#events}
 *
 * {@includeCode ../test/examples/app-events.ts#audit}
 *
 * {@includeCode ../test/examples/app-events.ts#metrics}
 *
 * The handle `startLink` returns is typed: `notify` accepts only an `AppEvent`, and
 * `addHandler` only handlers that handle every `AppEvent`.
 *
 * {@includeCode ../test/examples.test.ts#usage}
 *
 * ## API
 *
 * - The manager: {@link start}, {@link startLink}, {@link stop}, {@link named},
 *   {@link childSpec}.
 * - Events: {@link notify} (asynchronous, never fails) and {@link syncNotify} (waits until
 *   every handler has handled the event).
 * - Handlers: {@link defineHandler} defines one (see {@link HandlerCallbacks}); then
 *   {@link addHandler}, {@link deleteHandler}, {@link swapHandler}, {@link whichHandlers},
 *   and {@link call} to ask one handler a question. The callbacks return results built with
 *   the {@link Result} constructors. A handler is identified by its definition, or by
 *   `{ handler, id }` to install one definition several times.
 * - Messages sent straight to the manager process (not through `notify`) reach every
 *   handler's `handleInfo`.
 * - `Sys.getState(manager)` lists the handlers and their states ({@link HandlerState}).
 *
 * Every handler callback runs inside the manager process, one at a time: while one runs (or
 * the promise it returns is pending), the manager handles nothing else.
 *
 * ## Faults and supervision
 *
 * A handler that throws, or returns something that is not a valid result, is removed: its
 * `terminate` runs with `{ error: … }`, the failure is logged, and the manager carries on
 * with the other handlers. Nothing restarts the handler by itself. To keep a handler
 * installed, add it with {@link addSupHandler} from a process that watches it: the manager
 * links to that process, which receives a {@link HandlerExit} message whenever the handler
 * leaves (and why), and can add it again. When the watching process exits, its handlers are
 * removed; the manager traps exits, so it keeps running.
 *
 * {@includeCode ../test/examples/app-events.ts#watcher}
 *
 * The manager itself goes under a supervisor with {@link childSpec}; it starts empty, so
 * start the processes that add handlers after it (in a `rest_for_one` supervisor, they then
 * restart with it).
 *
 * ## Names and timeouts
 *
 * The `name` option registers the manager: a string is a local name, `via(registry, key)` a
 * name in a registry; every function accepts the pid or the name, and {@link named} types a
 * name. {@link call} waits 5000 ms by default; the other requests wait forever, as in
 * Erlang; {@link stop} takes a timeout.
 *
 * ## When not to use it
 *
 * All handlers share one process: a slow handler delays every event and every other
 * handler, and handlers cannot run in parallel. When the subscribers do real work, or must
 * not slow each other down, give each subscriber its own process and publish to them, with
 * `@trellis/registry`'s dispatch (pub/sub) or plain messages; that is also what Elixir
 * recommends in place of its deprecated `GenEvent`. For one consumer with a state, a
 * `@trellis/gen-server` is simpler.
 *
 * ## Learn more
 *
 * The guide "GenEvent" (docs/guides/gen-event.md), and docs/erlang-mapping.md for how each
 * `gen_event` function, callback and result maps to Trellis.
 *
 * @packageDocumentation
 */ export {
  addHandler,
  addSupHandler,
  type CallOptions,
  call,
  deleteHandler,
  type InitArgs,
  notify,
  type SwapHandlerOptions,
  swapHandler,
  swapSupHandler,
  syncNotify,
  whichHandlers,
} from "./client.js";
export {
  HandlerCallError,
  HandlerInitError,
  HandlerNotFoundError,
  type NotFoundReason,
} from "./errors.js";
export { type DefineHandlerOptions, defineHandler } from "./handler.js";
export {
  type ChildSpec,
  type ChildSpecOptions,
  childSpec,
  named,
  type RestartType,
  type Shutdown,
  type StartOptions,
  start,
  startLink,
  stop,
} from "./manager.js";
export { HandlerExit, type HandlerExitReason, isHandlerExit } from "./messages.js";

import * as Result from "./result.js";

export type {
  CallResult,
  ErrorResult,
  EventResult,
  InitResult,
  OkResult,
  RemoveHandlerResult,
  ReplyResult,
  SwapHandlerResult,
  SwapInit,
  SwapOptions,
} from "./result.js";
export type {
  AnyHandlerId,
  Awaitable,
  EventOf,
  Handler,
  HandlerCallbacks,
  HandlerId,
  HandlerState,
  HandlerTypes,
  HandlerWithId,
  Manager,
  ManagerRef,
  ManagerTypes,
  ReplyOf,
  TerminateReason,
  TypedManager,
} from "./types.js";
export { Result };
