/**
 * Starting, naming, supervising and stopping event managers.
 *
 * @module
 */

import type { ChildSpec, RestartType, Shutdown } from "@trellis/core";
import {
  BadArgumentError,
  type CallOperation,
  checkChildOptions,
  formatReason,
  isProcessName,
  type Pid,
  type ProcessName,
  parentOf,
  type Runtime,
  type StartSpecialOptions,
  Sys,
  startSpecial,
  trapExit,
} from "@trellis/core";
import { EventManager } from "./internal/manager.js";
import { checkManager } from "./internal/util.js";
import type { Manager, ManagerRef } from "./types.js";

/** Child specifications are core's, shared by every behaviour and supervisor. */
export type { ChildSpec, RestartType, Shutdown } from "@trellis/core";

/**
 * Options of {@link start} and {@link startLink}.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const options: GenEvent.StartOptions = { name: "events", timeout: 1000 };
 * await GenEvent.start<string>(options);
 * ```
 * @since 0.1.0
 * @category Managers
 */
export interface StartOptions {
  /**
   * Register the manager under this name: a string (a local name) or a `via` name. A taken
   * name makes the start reject with an `AlreadyStartedError` carrying the holder's pid.
   * Default: no name.
   */
  readonly name?: ProcessName | undefined;
  /** Milliseconds the start may take before it rejects with an `InitError` (`"timeout"`). Default `Infinity`. */
  readonly timeout?: number;
  /** The runtime to start in when called outside process code. Default: the default runtime. */
  readonly runtime?: Runtime;
}

function checkOptions(what: string, options: unknown): StartOptions {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(`${what}: options must be an object, got ${formatReason(options)}`);
  }
  const name = (options as StartOptions).name;
  if (name !== undefined && !isProcessName(name)) {
    throw new BadArgumentError(
      `${what}: the name option must be a non-empty string (not "undefined") or a via name, got ${formatReason(name)}`,
    );
  }
  return options as StartOptions;
}

async function startManager(what: string, options: unknown, link: boolean): Promise<Pid> {
  const opts = checkOptions(what, options);
  const special: StartSpecialOptions = {
    link,
    behaviour: "GenEvent",
    ...(opts.name === undefined ? {} : { name: opts.name }),
    ...(opts.timeout === undefined ? {} : { timeout: opts.timeout }),
    ...(opts.runtime === undefined ? {} : { runtime: opts.runtime }),
  };
  const pid = await startSpecial((self) => {
    trapExit(true);
    return { type: "ok", process: new EventManager(self, parentOf(self)) };
  }, special);
  return pid as Pid; // a manager's start never returns "ignore"
}

/**
 * Starts an event manager with no handlers, not linked to the caller (Erlang's
 * `gen_event:start/0,1`). Declare the events it carries as the type argument: the typed
 * handle then accepts only those events in `notify` and only handlers that handle all of
 * them in `addHandler`. Without a type argument the events are `unknown`: `notify` takes
 * anything, and only handlers whose `handleEvent` accepts `unknown` can be added.
 *
 * The manager traps exits, so the exit of a process that supervises some of its handlers
 * removes those handlers and nothing else.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * type AppEvent = { type: "login"; user: string } | { type: "logout"; user: string };
 * const events = await GenEvent.start<AppEvent>({ name: "events" });
 * GenEvent.notify(events, { type: "login", user: "ann" });
 * ```
 * @returns a promise of the manager's typed handle; it rejects with an
 *   `AlreadyStartedError` (carrying the holder) when the name is taken, or a
 *   `BadArgumentError` for bad options
 * @since 0.1.0
 * @category Managers
 */
export function start<E = unknown>(options?: StartOptions): Promise<Manager<E>> {
  return startManager("GenEvent.start", options, false);
}

/**
 * Starts an event manager linked to the caller (Erlang's `gen_event:start_link/0,1`): what a
 * supervisor calls. When its parent (the caller) exits, the manager stops: every handler's
 * `terminate("stop")` runs, then it exits with the parent's reason. Otherwise as
 * {@link start}.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const events = await GenEvent.startLink<string>();
 * ```
 * @returns a promise of the manager's typed handle; rejects as {@link start} does
 * @throws {NotInProcessError} (as a rejection) outside process code: there is nothing to link to
 * @since 0.1.0
 * @category Managers
 */
export function startLink<E = unknown>(options?: StartOptions): Promise<Manager<E>> {
  return startManager("GenEvent.startLink", options, true);
}

/**
 * Gives a registered or via name the manager's event type: the typed counterpart of passing
 * the name itself, for code that knows the manager only by name.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * type AppEvent = { type: "login"; user: string };
 * const events = GenEvent.named<AppEvent>("events");
 * GenEvent.notify(events, { type: "login", user: "ann" });
 * ```
 * @throws {BadArgumentError} if `name` is not a process name
 * @since 0.1.0
 * @category Managers
 */
export function named<E>(name: ProcessName): ManagerRef<E> {
  if (!isProcessName(name)) {
    throw new BadArgumentError(
      `GenEvent.named: expected a non-empty string or a via name, got ${formatReason(name)}`,
    );
  }
  return name as ManagerRef<E>;
}

/**
 * Stops a manager and waits until it has exited (Erlang's `gen_event:stop/1,3`). The
 * manager runs every handler's `terminate("stop", state)` in order (their supervising
 * processes get a `HandlerExit` with reason `"shutdown"`), unlinks the supervising processes
 * other than its parent, and exits with `reason`. A linked parent that traps exits then
 * receives an `ExitMessage` with `reason`. A reason other than `"normal"`, `"shutdown"` or
 * `{ shutdown: term }` is logged as a crash, as in Erlang.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const events = await GenEvent.start<string>();
 * await GenEvent.stop(events); // "normal", wait forever
 * ```
 * @param reason the exit reason. Default `"normal"`
 * @param timeout milliseconds to wait. Default `Infinity`
 * @returns a promise that resolves once the manager has exited with `reason`. It rejects
 *   with a `NoProcessError` if there is no such manager, a `CallTimeoutError` if it has not
 *   exited within `timeout` (it keeps stopping), a `CallError` carrying the reason if it
 *   exited with another one (killed meanwhile…), or a `BadArgumentError` for bad arguments
 * @since 0.1.0
 * @category Managers
 */
export function stop(
  manager: ManagerRef<never>,
  reason: unknown = "normal",
  timeout: number = Number.POSITIVE_INFINITY,
): Promise<void> {
  try {
    const dest = checkManager("GenEvent.stop", manager);
    const _op: CallOperation = {
      module: "GenEvent",
      function: "stop",
      args: [manager, reason, timeout],
    };
    // core's sys:terminate: handled by the toolkit (also while suspended), which runs the
    // handlers' terminate, answers, and exits with `reason`
    return Sys.terminate(dest, reason, timeout, { module: "GenEvent", function: "stop" });
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Options of {@link childSpec}: the start options, and how the supervisor treats the child.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const options: GenEvent.ChildSpecOptions = { id: "audit-events", name: "audit", restart: "permanent" };
 * GenEvent.childSpec(options);
 * ```
 * @since 0.1.0
 * @category Supervision
 */
export interface ChildSpecOptions extends StartOptions {
  /** The child id. Default: the `name` if it is a string, else `"GenEvent"`. */
  readonly id?: unknown;
  /** When to restart it. Default: the supervisor's (`"permanent"`). */
  readonly restart?: RestartType;
  /** How to stop it. Default: the supervisor's (`5000`). */
  readonly shutdown?: Shutdown;
}

/**
 * A child specification that starts a manager with {@link startLink}, for a supervisor.
 * The manager starts empty: whoever needs handlers adds them, typically with
 * `addSupHandler` from a process started after it, so that the handlers come back when the
 * manager restarts.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const spec = GenEvent.childSpec({ name: "events", restart: "permanent", shutdown: 5000 });
 * spec.id; // "events"
 * ```
 * @throws {BadArgumentError} for bad options
 * @since 0.1.0
 * @category Supervision
 */
export function childSpec(options: ChildSpecOptions = {}): ChildSpec {
  const opts = checkOptions("GenEvent.childSpec", options) as ChildSpecOptions;
  const { id, restart, shutdown, ...startOptions } = opts;
  checkChildOptions("GenEvent.childSpec", opts);
  return {
    id: id ?? (typeof opts.name === "string" ? opts.name : "GenEvent"),
    start: () => startLink(startOptions),
    ...(restart === undefined ? {} : { restart }),
    ...(shutdown === undefined ? {} : { shutdown }),
    type: "worker",
  };
}
