/**
 * Task.Supervisor: tasks started under a supervisor (a DynamicSupervisor of temporary
 * children), as Elixir's `Task.Supervisor`.
 *
 * @module
 */
import {
  BadArgumentError,
  type ChildSpec,
  type Dest,
  DownMessage,
  demonitor,
  ExitError,
  formatReason,
  inProcess,
  isInstanceOf,
  link,
  monitor,
  Pid,
  type ProcessName,
  type RestartType,
  type Runtime,
  receive,
  type Shutdown,
  self,
  send,
  spawnLink,
} from "@trellis/core";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import { ChildError } from "@trellis/supervisor";
import { TaskOptionError } from "./errors.js";
import { runOnly, runTask, Task } from "./internal/core.js";
import { type Origin, setOrigin } from "./internal/meta.js";
import {
  type AsyncStreamOptions,
  type Spawner,
  type StreamResult,
  streamConfig,
  TaskStream,
} from "./stream.js";

/**
 * Options of {@link startLink} and {@link start}.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const options: Task.TaskSupervisorOptions = { name: "jobs", maxChildren: 500 };
 * await Task.Supervisor.startLink(options);
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface TaskSupervisorOptions {
  /** Register the supervisor under this name (a string, or a `via` name). */
  readonly name?: ProcessName;
  /** The runtime to start in when called outside process code. Default: the default runtime. */
  readonly runtime?: Runtime;
  /** The most restarts (of `"permanent"`/`"transient"` children) within `maxSeconds`. Default `3`. */
  readonly maxRestarts?: number;
  /** The window for `maxRestarts`, in seconds. Default `5`. */
  readonly maxSeconds?: number;
  /**
   * The most tasks at a time. Default `Infinity`. Beyond it, starting a task rejects with
   * a `ChildError` whose `reason` is `"max_children"`.
   */
  readonly maxChildren?: number;
}

/**
 * Child spec fields that {@link childSpec} lets you set.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const options: Task.TaskSupervisorChildSpecOptions = { id: "jobs", name: "jobs" };
 * Task.Supervisor.childSpec(options);
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface TaskSupervisorChildSpecOptions extends TaskSupervisorOptions {
  /** The child id. Default: the `name`, else `"Task.Supervisor"` (as in Elixir). */
  readonly id?: unknown;
  /** Default `"permanent"`. */
  readonly restart?: RestartType;
  /** Default `Infinity`: the supervisor has all the time its tasks need. */
  readonly shutdown?: Shutdown;
}

/**
 * Options of {@link async} and {@link asyncNolink}.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const options: Task.SupervisedAsyncOptions = { shutdown: "brutal_kill" };
 * await Task.Supervisor.async("jobs", () => compute(), options);
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface SupervisedAsyncOptions {
  /**
   * How the supervisor stops the task when it shuts down: milliseconds to wait after
   * `"shutdown"` before killing it (default `5000`; `Infinity` waits forever), or
   * `"brutal_kill"` to kill it at once.
   */
  readonly shutdown?: Shutdown;
}

/**
 * Options of {@link startChild}.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const options: Task.StartChildOptions = { restart: "transient", shutdown: 10_000 };
 * await Task.Supervisor.startChild("jobs", () => syncInventory(), options);
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface StartChildOptions extends SupervisedAsyncOptions {
  /**
   * Default `"temporary"`: never restarted. `"transient"` restarts the function after an
   * abnormal exit, `"permanent"` after any exit.
   */
  readonly restart?: RestartType;
}

/**
 * Options of {@link asyncStream} and {@link asyncStreamNolink}: those of `Task.asyncStream`
 * and the tasks' `shutdown`.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const options: Task.SupervisedStreamOptions = { maxConcurrency: 4, shutdown: 1000 };
 * Task.Supervisor.asyncStreamNolink("jobs", urls, (url) => fetchText(url), options);
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface SupervisedStreamOptions extends AsyncStreamOptions, SupervisedAsyncOptions {}

/** The owner's go-ahead to a supervised task: the task object it is to reply through. */
class Go {
  readonly task: Task;
  constructor(task: Task) {
    this.task = task;
  }
}

function checkShutdown(operation: string, shutdown: unknown): Shutdown {
  if (
    shutdown !== "brutal_kill" &&
    (typeof shutdown !== "number" || Number.isNaN(shutdown) || shutdown < 0)
  ) {
    throw new TaskOptionError(
      operation,
      "shutdown",
      shutdown,
      'a number of milliseconds >= 0, Infinity, or "brutal_kill"',
    );
  }
  return shutdown;
}

function checkRestart(operation: string, restart: unknown): RestartType {
  if (restart !== "temporary" && restart !== "transient" && restart !== "permanent") {
    throw new TaskOptionError(
      operation,
      "restart",
      restart,
      '"temporary", "transient" or "permanent"',
    );
  }
  return restart;
}

function checkFn(operation: string, fn: unknown): void {
  if (typeof fn !== "function") {
    throw new TaskOptionError(operation, "fn", fn, "a function to run in the task");
  }
}

/** Starts a child under `sup`; a full supervisor is reported under this package's name. */
async function startUnder(sup: Dest, spec: ChildSpec, operation: string): Promise<Pid> {
  try {
    return (await DynamicSupervisor.startChild(sup, spec)) as Pid;
  } catch (e) {
    if (e instanceof ChildError && e.reason === "max_children") {
      throw new ChildError("max_children", undefined, operation);
    }
    throw e;
  }
}

/**
 * The body of a supervised task that replies: wait for the owner's go-ahead (it must link
 * and monitor the task first), watching the owner meanwhile, then run `fn` and reply.
 */
async function supervisedBody(owner: Pid, fn: () => unknown, origin: Origin): Promise<unknown> {
  const mon = monitor(owner);
  const msg = await receive(
    (m): m is Go | DownMessage =>
      isInstanceOf(m, Go) || (m instanceof DownMessage && m.ref === mon),
  );
  if (msg instanceof DownMessage) throw new ExitError({ shutdown: msg.reason });
  demonitor(mon, { flush: true });
  return runTask(msg.task, fn, origin);
}

/** Task.Supervisor.async / asyncNolink and the streams' tasks. */
async function supervisedTask<R>(
  sup: Dest,
  fn: () => R,
  linked: boolean,
  shutdown: Shutdown,
  operation: string,
): Promise<Task<Awaited<R>>> {
  const owner = self();
  const spec: ChildSpec = {
    id: "Task",
    restart: "temporary",
    shutdown,
    start: async () => {
      // runs in the supervisor
      const parent = self();
      let origin: Origin | undefined;
      const pid = spawnLink(() => supervisedBody(owner, fn, origin as Origin));
      origin = setOrigin(pid, owner, parent);
      return pid;
    },
  };
  const pid = await startUnder(sup, spec, operation);
  if (linked) link(pid);
  const task = new Task<Awaited<R>>(pid, monitor(pid), owner);
  send(pid, new Go(task));
  return task;
}

/**
 * Starts a Task.Supervisor linked to the caller: a DynamicSupervisor whose children are
 * tasks. Put it in your supervision tree with {@link childSpec}, and start tasks under it
 * with {@link async}, {@link asyncNolink}, {@link startChild} and the streams.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const sup = await Task.Supervisor.startLink({ name: "jobs", maxChildren: 100 });
 * ```
 * @throws {SupervisorFlagsError} (rejects) for invalid options
 * @throws {AlreadyStartedError} (rejects) when `name` is taken
 * @throws {NotInProcessError} (rejects) outside process code (use {@link start})
 * @since 0.1.0
 * @category Starting
 */
export function startLink(options: TaskSupervisorOptions = {}): Promise<Pid> {
  return DynamicSupervisor.startLink(flags(options));
}

/**
 * Like {@link startLink} without the link, for a Task.Supervisor started outside process
 * code (pass `runtime` to choose the runtime).
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * const sup = await Task.Supervisor.start();
 * await DynamicSupervisor.stop(sup);
 * ```
 * @throws {SupervisorFlagsError} (rejects) for invalid options
 * @since 0.1.0
 * @category Starting
 */
export function start(options: TaskSupervisorOptions = {}): Promise<Pid> {
  return DynamicSupervisor.start(flags(options));
}

function flags(options: TaskSupervisorOptions): DynamicSupervisor.DynamicSupervisorOptions {
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(
      `Task.Supervisor.start: options must be an object, got ${formatReason(options)}`,
    );
  }
  const { name, runtime, maxRestarts, maxSeconds, maxChildren } = options;
  return {
    ...(name === undefined ? {} : { name }),
    ...(runtime === undefined ? {} : { runtime }),
    ...(maxRestarts === undefined ? {} : { maxRestarts }),
    ...(maxSeconds === undefined ? {} : { maxSeconds }),
    ...(maxChildren === undefined ? {} : { maxChildren }),
  };
}

/**
 * A child spec that runs a Task.Supervisor under a Supervisor: `id` its `name` (as in
 * Elixir, so two named ones start side by side), else `"Task.Supervisor"`; `type`
 * `"supervisor"`, `shutdown` `Infinity`.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * import * as Task from "@trellis/task";
 * await Supervisor.startLink([Task.Supervisor.childSpec({ name: "jobs" })], {
 *   strategy: "one_for_one",
 * });
 * ```
 * @since 0.1.0
 * @category Starting
 */
export function childSpec(options: TaskSupervisorChildSpecOptions = {}): ChildSpec {
  const { id, restart, shutdown, ...rest } = options;
  return DynamicSupervisor.childSpec({
    ...flags(rest),
    id: id === undefined ? (rest.name ?? "Task.Supervisor") : id,
    ...(restart === undefined ? {} : { restart }),
    ...(shutdown === undefined ? {} : { shutdown }),
  });
}

/**
 * Starts `fn` as a child of the supervisor `sup`, **linked** to the caller and monitored
 * by it, and resolves with the {@link Task}: await it with `Task.await` as any task
 * (Elixir's `Task.Supervisor.async/3`). The supervisor only stops it when it shuts down
 * itself; the link still ties the task and the caller together.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const task = await Task.Supervisor.async("jobs", () => resize(image));
 * const thumbnail = await Task.await(task);
 * ```
 * @throws {ChildError} (rejects) `"max_children"` when the supervisor is full
 * @throws {TaskOptionError} (rejects) for a bad `shutdown` or a non-function
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @throws {NotInProcessError} (rejects) outside process code
 * @since 0.1.0
 * @category Tasks
 */
export async function async<R>(
  sup: Dest,
  fn: () => R,
  options: SupervisedAsyncOptions = {},
): Promise<Task<Awaited<R>>> {
  checkFn("Task.Supervisor.async", fn);
  const shutdown = checkShutdown("Task.Supervisor.async", options.shutdown ?? 5000);
  return supervisedTask(sup, fn, true, shutdown, "Task.Supervisor.async");
}

/**
 * Like {@link async}, but the task is **not linked** to the caller (Elixir's
 * `Task.Supervisor.async_nolink/3`): a crash does not reach the caller as an exit signal,
 * only as the result of `Task.await` (a `TaskExitError`) or `Task.yield` (`{ type: "exit",
 * reason }`), and the caller crashing does not stop the task. The usual way for a
 * GenServer to run work it must survive: it receives the {@link TaskReply} or the DOWN in
 * `handleInfo`.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const task = await Task.Supervisor.asyncNolink("jobs", () => riskyCall());
 * const result = await Task.yield(task, 5000);
 * if (result?.type === "exit") console.log("it failed:", result.reason);
 * ```
 * @throws {ChildError} (rejects) `"max_children"` when the supervisor is full
 * @throws {TaskOptionError} (rejects) for a bad `shutdown` or a non-function
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @throws {NotInProcessError} (rejects) outside process code
 * @since 0.1.0
 * @category Tasks
 */
export async function asyncNolink<R>(
  sup: Dest,
  fn: () => R,
  options: SupervisedAsyncOptions = {},
): Promise<Task<Awaited<R>>> {
  checkFn("Task.Supervisor.asyncNolink", fn);
  const shutdown = checkShutdown("Task.Supervisor.asyncNolink", options.shutdown ?? 5000);
  return supervisedTask(sup, fn, false, shutdown, "Task.Supervisor.asyncNolink");
}

/**
 * Starts `fn` as a child of `sup` that nobody awaits (Elixir's
 * `Task.Supervisor.start_child/3`): not linked to the caller, no reply. `restart` is
 * `"temporary"` by default, so it runs once; `"transient"` or `"permanent"` make the
 * supervisor run `fn` again after it exits (abnormally, or at all). Works outside process
 * code too.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * await Task.Supervisor.startChild("jobs", () => sendReceipt(order));
 * ```
 * @returns the task's pid
 * @throws {ChildError} (rejects) `"max_children"` when the supervisor is full
 * @throws {TaskOptionError} (rejects) for a bad `restart` or `shutdown`, or a non-function
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @since 0.1.0
 * @category Tasks
 */
export async function startChild(
  sup: Dest,
  fn: () => unknown,
  options: StartChildOptions = {},
): Promise<Pid> {
  const operation = "Task.Supervisor.startChild";
  checkFn(operation, fn);
  const restart = checkRestart(operation, options.restart ?? "temporary");
  const shutdown = checkShutdown(operation, options.shutdown ?? 5000);
  const caller = inProcess() ? self() : undefined;
  const spec: ChildSpec = {
    id: "Task",
    restart,
    shutdown,
    start: async () => {
      const parent = self();
      let origin: Origin | undefined;
      const pid = spawnLink((me) => runOnly(fn, origin, me));
      origin = setOrigin(pid, caller, parent);
      return pid;
    },
  };
  return startUnder(sup, spec, operation);
}

/**
 * Stops the task `pid`, a child of `sup`, as the supervisor stops children (`"shutdown"`,
 * then `"kill"` after its `shutdown` time).
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * await Task.Supervisor.terminateChild("jobs", pid);
 * ```
 * @throws {ChildError} (rejects) `"not_found"` if `pid` is not a child of `sup` (any more)
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @since 0.1.0
 * @category Tasks
 */
export function terminateChild(sup: Dest, pid: Pid): Promise<void> {
  return DynamicSupervisor.terminateChild(sup, pid);
}

/**
 * The pids of the tasks running under `sup` (a restarting `"permanent"` child is left out
 * until it runs again).
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const running = await Task.Supervisor.children("jobs");
 * ```
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @since 0.1.0
 * @category Introspection
 */
export async function children(sup: Dest): Promise<Pid[]> {
  const out: Pid[] = [];
  for (const c of await DynamicSupervisor.whichChildren(sup)) if (Pid.is(c.pid)) out.push(c.pid);
  return out;
}

function supervisedStream<I, R>(
  operation: "Supervisor.asyncStream" | "Supervisor.asyncStreamNolink",
  sup: Dest,
  inputs: Iterable<I> | AsyncIterable<I>,
  fn: (input: I) => R,
  options: SupervisedStreamOptions,
): AsyncIterable<StreamResult<Awaited<R>, I>> {
  const config = streamConfig(operation, inputs, fn, options);
  const name = `Task.${operation}`;
  const shutdown = checkShutdown(name, options.shutdown ?? 5000);
  const linked = operation === "Supervisor.asyncStream";
  const spawner: Spawner = {
    linked,
    spawn: (work) => supervisedTask(sup, work, linked, shutdown, name),
  };
  return new TaskStream<I, Awaited<R>>(inputs, fn, config, spawner);
}

/**
 * `Task.asyncStream` with the tasks started under `sup` (Elixir's
 * `Task.Supervisor.async_stream/4`): the same laziness, ordering, `maxConcurrency`,
 * `timeout`, `onTimeout` and `zipInputOnExit`, and the tasks linked to the iterating
 * process. `shutdown` says how the supervisor stops them. If the supervisor is full, the
 * iteration stops its tasks and rejects with `ChildError` `"max_children"`; keep
 * `maxConcurrency` at or below `maxChildren`.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * for await (const r of Task.Supervisor.asyncStream("jobs", files, (f) => checksum(f))) {
 *   if (r.type === "ok") console.log(r.value);
 * }
 * ```
 * @throws {TaskOptionError} for an invalid option, at once
 * @since 0.1.0
 * @category Streams
 */
export function asyncStream<I, R>(
  sup: Dest,
  inputs: Iterable<I> | AsyncIterable<I>,
  fn: (input: I) => R,
  options: SupervisedStreamOptions = {},
): AsyncIterable<StreamResult<Awaited<R>, I>> {
  return supervisedStream("Supervisor.asyncStream", sup, inputs, fn, options);
}

/**
 * Like {@link asyncStream}, with tasks **not linked** to the iterating process (Elixir's
 * `Task.Supervisor.async_stream_nolink/4`): a task that crashes becomes an exit element
 * `{ type: "exit", reason }` whether or not the process traps exits.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const stream = Task.Supervisor.asyncStreamNolink("jobs", ids, (id) => fetchRecord(id), {
 *   ordered: false,
 * });
 * for await (const r of stream) if (r.type === "exit") console.warn(r.reason);
 * ```
 * @throws {TaskOptionError} for an invalid option, at once
 * @since 0.1.0
 * @category Streams
 */
export function asyncStreamNolink<I, R>(
  sup: Dest,
  inputs: Iterable<I> | AsyncIterable<I>,
  fn: (input: I) => R,
  options: SupervisedStreamOptions = {},
): AsyncIterable<StreamResult<Awaited<R>, I>> {
  return supervisedStream("Supervisor.asyncStreamNolink", sup, inputs, fn, options);
}
