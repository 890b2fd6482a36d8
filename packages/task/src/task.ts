/**
 * Task: start a computation in a process of its own and collect its result.
 *
 * @module
 */
import {
  BadArgumentError,
  type CallOperation,
  type ChildSpec,
  currentRuntime,
  DownMessage,
  demonitor,
  downFor,
  exit,
  inProcess,
  makeRef,
  monitor,
  type Pid,
  type Ref,
  type RestartType,
  receive,
  type Shutdown,
  self,
  spawn,
  spawnLink,
  TIMEOUT,
  unlink,
} from "@trellis/core";
import { describeValue, TaskExitError, TaskOptionError, TaskTimeoutError } from "./errors.js";
import {
  abandon,
  checkOwner,
  checkTask,
  checkTimeout,
  checkUnconsumed,
  DONE,
  dropMonitor,
  eventFor,
  isOwnReply,
  NONE,
  queueAsync,
  runAsync,
  runOnly,
  SENT,
  Task,
  TaskReply,
  takeReply,
} from "./internal/core.js";
import { ancestorsOf, dictionaryCallers, type Origin, setOrigin } from "./internal/meta.js";
import { enterWait, leaveWait } from "./internal/waiting.js";

// ---------------------------------------------------------------------------------------
// Types

/**
 * A task's reply: Elixir's `{:ok, value}`.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const r = await Task.yield(Task.async(() => 1));
 * if (r?.type === "ok") r.value; // 1
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface TaskOk<T> {
  /** Always `"ok"`. */
  readonly type: "ok";
  /** What the task returned. */
  readonly value: T;
}

/**
 * A task that exited without replying: Elixir's `{:exit, reason}`. `reason` is its exit
 * reason: `"normal"`, `"shutdown"`, `"killed"`, the `Error` it threw, `{ nocatch: v }` for
 * a thrown non-Error, `"noproc"`…
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * import { exit } from "@trellis/core";
 * const r = await Task.yield(Task.async(() => exit("normal")));
 * if (r?.type === "exit") r.reason; // "normal"
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface TaskExit {
  /** Always `"exit"`. */
  readonly type: "exit";
  /** The task's exit reason. */
  readonly reason: unknown;
}

/**
 * What `Task.yield`, `Task.yieldMany`, `Task.shutdown` and `Task.ignore` return for a task
 * that has finished: `{ type: "ok", value }` or `{ type: "exit", reason }`. A task still
 * running gives `null` (Elixir's `nil`).
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const result: Task.TaskResult<number> | null = await Task.yield(Task.async(() => 1), 100);
 * if (result?.type === "ok") console.log(result.value);
 * else if (result?.type === "exit") console.log("exited", result.reason);
 * else console.log("still running");
 * ```
 * @since 0.1.0
 * @category Results
 */
export type TaskResult<T> = TaskOk<T> | TaskExit;

/**
 * The result type of a task: `ResultOf<Task<number>>` is `number`.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const task = Task.async(async () => ({ id: 1 }));
 * type Row = Task.ResultOf<typeof task>; // { id: number }
 * ```
 * @since 0.1.0
 * @category Tasks
 */
export type ResultOf<K> = K extends Task<infer T> ? T : never;

/**
 * Options of {@link yieldMany}.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const options: Task.YieldManyOptions = { timeout: 2000, limit: 3, onTimeout: "kill_task" };
 * await Task.yieldMany(tasks, options);
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface YieldManyOptions {
  /** Milliseconds to wait for all of them together. Default `5000`; `Infinity` waits forever. */
  readonly timeout?: number;
  /**
   * Return as soon as this many tasks have finished (replied or exited); the others get
   * `null` and keep running, and `onTimeout` is not applied to them. Default: all.
   */
  readonly limit?: number;
  /**
   * What to do with the tasks still running when the timeout expires:
   * - `"nothing"` (default): they keep running and can be awaited, yielded or shut down later;
   * - `"ignore"`: they keep running, but are unlinked and their results discarded ({@link ignore});
   * - `"kill_task"`: they are killed (`shutdown(task, "brutal_kill")`).
   */
  readonly onTimeout?: "nothing" | "ignore" | "kill_task";
}

/**
 * Child spec fields that {@link childSpec} lets you set.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const options: Task.TaskChildSpecOptions = { id: "warm-up", restart: "transient" };
 * Task.childSpec(() => warmUp(), options);
 * ```
 * @since 0.1.0
 * @category Child specs
 */
export interface TaskChildSpecOptions {
  /** The child id. Default `"Task"`. */
  readonly id?: unknown;
  /** Default `"temporary"`: a task that has run is not run again. */
  readonly restart?: RestartType;
  /** Default `5000`. */
  readonly shutdown?: Shutdown;
}

const DEFAULT_TIMEOUT = 5000;
const WAIT_DEFAULT = { timeout: DEFAULT_TIMEOUT };
const NO_WAIT = { timeout: 0 };

function op(fn: string, args: readonly unknown[]): CallOperation {
  return { module: "Task", function: fn, args };
}

function checkFn(operation: string, fn: unknown): void {
  if (typeof fn !== "function") {
    throw new BadArgumentError(
      `${operation}: expected a function to run in the task, got ${describeValue(fn)}`,
    );
  }
}

function noconnection(reason: unknown, task: Task): unknown {
  return reason === "noconnection" ? { nodedown: task.pid?.node } : reason;
}

// ---------------------------------------------------------------------------------------
// Starting tasks

/**
 * Starts `fn` in a new process, **linked** to the caller and **monitored** by it, and
 * returns the {@link Task}. When `fn` returns (or its promise resolves), the task sends the
 * caller a {@link TaskReply} and exits `"normal"`; get the result with `Task.await` (or
 * `Task.yield`). One spawn, one link, one monitor and one message: no other process is
 * involved.
 *
 * Because of the link, a task that crashes takes the caller down with the same reason,
 * and a caller that crashes takes its tasks down, unless the caller traps exits. Inside
 * `fn`, `Task.callers()` is `[caller, ...]` and `abortSignal()` (from `@trellis/core`)
 * aborts when the task is shut down or killed.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const a = Task.async(() => fetchUser(1));
 * const b = Task.async(() => fetchOrders(1));
 * const [user, orders] = await Task.awaitMany([a, b]);
 * ```
 * @param fn the work; its return value (or resolved value) is the task's result
 * @returns the task, owned by the caller
 * @throws {NotInProcessError} outside process code (there is no owner to reply to)
 * @throws {BadArgumentError} if `fn` is not a function
 * @since 0.1.0
 * @category Tasks
 */
export function async<R>(fn: () => R): Task<Awaited<R>> {
  if (typeof fn !== "function") checkFn("Task.async", fn);
  const owner = self();
  // The body runs later (the new process is only queued): it finds the task and `fn` in
  // the origin recorded here (runAsync).
  const pid = spawnLink(runAsync);
  const task = new Task<Awaited<R>>(pid, monitor(pid), owner);
  queueAsync(pid, task as Task, fn);
  return task;
}

/**
 * A task that is already done, with `value` as its result (Elixir's `Task.completed/1`):
 * for code that handles a list of tasks when some results are known in advance. It has no
 * process (`pid` is `undefined`); `Task.await` and `Task.yield` return `value` at once.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const cached = cache.get(key);
 * const task = cached === undefined ? Task.async(() => load(key)) : Task.completed(cached);
 * const value = await Task.await(task);
 * ```
 * @throws {NotInProcessError} outside process code
 * @since 0.1.0
 * @category Tasks
 */
export function completed<T>(value: T): Task<T> {
  return new Task<T>(undefined, makeRef(), self(), value);
}

/**
 * Starts `fn` in a new process that is neither linked nor monitored, and sends no reply
 * (Elixir's `Task.start/1`): for side effects whose failure must not affect the caller.
 * Prefer `Task.Supervisor.startChild`, which puts the process under a supervisor. Works
 * outside process code too (in the default runtime).
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const pid = await Task.start(() => sendWelcomeEmail(user));
 * ```
 * @returns the pid of the new process
 * @throws {BadArgumentError} (rejects) if `fn` is not a function
 * @since 0.1.0
 * @category Starting
 */
export async function start(fn: () => unknown): Promise<Pid> {
  checkFn("Task.start", fn);
  const caller = inProcess() ? self() : undefined;
  let origin: Origin | undefined;
  const pid = spawn((me) => runOnly(fn, origin, me));
  if (caller !== undefined) origin = setOrigin(pid, caller, caller);
  return pid;
}

/**
 * Like {@link start}, but linked to the caller (Elixir's `Task.start_link/1`): the form a
 * supervisor uses through {@link childSpec}. Sends no reply.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const pid = await Task.startLink(async () => {
 *   for (;;) await pollQueue();
 * });
 * ```
 * @returns the pid of the new, linked process
 * @throws {NotInProcessError} (rejects) outside process code
 * @throws {BadArgumentError} (rejects) if `fn` is not a function
 * @since 0.1.0
 * @category Starting
 */
export async function startLink(fn: () => unknown): Promise<Pid> {
  checkFn("Task.startLink", fn);
  const caller = self();
  let origin: Origin | undefined;
  const pid = spawnLink((me) => runOnly(fn, origin, me));
  origin = setOrigin(pid, caller, caller);
  return pid;
}

/**
 * A child spec that runs `fn` with {@link startLink} under a supervisor (Elixir's
 * `use Task` child spec): `restart` defaults to `"temporary"`, so a task that has finished
 * (or crashed) is not run again; pass `restart: "transient"` to retry it until it exits
 * normally, or `"permanent"` for a loop that must always run.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * import * as Task from "@trellis/task";
 * await Supervisor.startLink(
 *   [Task.childSpec(() => warmCache(), { id: "warm-cache" })],
 *   { strategy: "one_for_one" },
 * );
 * ```
 * @since 0.1.0
 * @category Child specs
 */
export function childSpec(fn: () => unknown, options: TaskChildSpecOptions = {}): ChildSpec {
  checkFn("Task.childSpec", fn);
  return {
    id: options.id === undefined ? "Task" : options.id,
    start: () => startLink(fn),
    restart: options.restart ?? "temporary",
    shutdown: options.shutdown ?? DEFAULT_TIMEOUT,
  };
}

// ---------------------------------------------------------------------------------------
// Collecting results

/**
 * Waits for the task's reply and returns it (Elixir's `Task.await/2`), consuming both the
 * reply and the task's DOWN message. A task replies once: awaiting it again rejects with
 * {@link AlreadyAwaitedError}.
 *
 * - The task exits before replying → rejects with {@link TaskExitError} carrying its exit
 *   reason (`"normal"` included). A crash normally kills the caller first, through the
 *   link; the caller sees the error only when it traps exits, or the task is not linked.
 * - No reply within `timeout` → rejects with {@link TaskTimeoutError}. If the caller
 *   catches it, the task's monitor is gone and its late reply is dropped: neither ever
 *   reaches the mailbox. If not, the caller crashes, and the linked task with it.
 *
 * This is `Task.await` in the namespace import (`await` cannot name a function in a
 * module); with a named import, rename it: `import { await as awaitTask } from "@trellis/task"`.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const task = Task.async(() => 1 + 1);
 * await Task.await(task); // 2
 * await Task.await(Task.async(() => slowThing()), 60_000); // wait up to a minute
 * ```
 * @param task a task the caller owns
 * @param timeout milliseconds; default `5000`, `Infinity` waits forever
 * @throws {NotOwnerError} (rejects) if the caller does not own the task
 * @throws {AlreadyAwaitedError} (rejects) if its result has already been taken
 * @throws {TaskOptionError} (rejects) for a negative or NaN timeout
 * @since 0.1.0
 * @category Results
 */
export function awaitTask<T>(task: Task<T>, timeout: number = DEFAULT_TIMEOUT): Promise<T> {
  // Written with `then` rather than `async`: one promise less on the hot path.
  let received: Promise<unknown>;
  let match: (msg: unknown) => msg is TaskReply | DownMessage;
  let waiter: Pid;
  try {
    checkTask("Task.await", task);
    checkOwner("Task.await", task);
    if (timeout !== DEFAULT_TIMEOUT) checkTimeout("Task.await", timeout);
    checkUnconsumed("Task.await", task);
    if (task.pid === undefined) {
      task.$status = DONE;
      return Promise.resolve(task.$value as T);
    }
    match = eventFor(task.ref);
    waiter = enterWait("Task.await");
    try {
      received = receive(match, timeout === DEFAULT_TIMEOUT ? WAIT_DEFAULT : { timeout });
    } catch (e) {
      leaveWait(waiter);
      throw e;
    }
  } catch (e) {
    return Promise.reject(e);
  }
  return received.then((msg) => {
    // The wait is over once the reply, the DOWN or the timeout is in: what follows takes
    // only messages already queued.
    leaveWait(waiter);
    if (msg instanceof TaskReply) {
      task.$status = DONE;
      const value = msg.value as T;
      // the DOWN is queued already if the task has exited: take it too
      return demonitor(task.ref) ? value : receive(match, NO_WAIT).then(() => value);
    }
    return awaitFailed(task, msg, timeout);
  });
}

/** The `trellis.task.timeout` event, once per task that did not answer in time. */
function emitTimeout(tasks: readonly Task[], timeout: number): void {
  const tel = currentRuntime().telemetry;
  if (!tel.enabled) return;
  for (const task of tasks)
    tel.execute(["trellis", "task", "timeout"], { timeout }, { task: task.pid, owner: task.owner });
}

/** `Task.await` got the task's DOWN, or nothing in time. */
async function awaitFailed<T>(task: Task<T>, msg: unknown, timeout: number): Promise<T> {
  if (msg instanceof DownMessage) {
    task.$status = DONE;
    throw new TaskExitError(noconnection(msg.reason, task), op("await", [task, timeout]));
  }
  // The timeout: let go of the task, so that nothing from it reaches the caller later.
  emitTimeout([task], timeout);
  await abandon(task);
  throw new TaskTimeoutError(op("await", [task, timeout]));
}

/**
 * Waits for the replies of several tasks and returns them **in the order of `tasks`**,
 * whatever order they arrive in (Elixir's `Task.await_many/2`). `timeout` covers them all.
 * Messages that belong to none of the tasks stay in the mailbox.
 *
 * If any task exits before replying, or the timeout expires, it rejects at once
 * ({@link TaskExitError}, {@link TaskTimeoutError}), and lets go of every task still
 * running: no monitor is left, and no late reply or DOWN arrives.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const tasks = [1, 2, 3].map((n) => Task.async(() => n * 10));
 * await Task.awaitMany(tasks); // [10, 20, 30]
 * const [name, age] = await Task.awaitMany([Task.async(() => "ada"), Task.async(() => 36)]);
 * ```
 * @param tasks tasks the caller owns; `[]` gives `[]`
 * @param timeout milliseconds for all of them; default `5000`, `Infinity` waits forever
 * @throws {NotOwnerError} (rejects) if the caller does not own one of them
 * @throws {AlreadyAwaitedError} (rejects) if the result of one of them has already been taken
 * @since 0.1.0
 * @category Results
 */
export async function awaitMany<const Ts extends readonly Task<unknown>[]>(
  tasks: Ts,
  timeout: number = DEFAULT_TIMEOUT,
): Promise<{ -readonly [K in keyof Ts]: ResultOf<Ts[K]> }> {
  const waiter = enterWait("Task.awaitMany");
  try {
    type Out = { -readonly [K in keyof Ts]: ResultOf<Ts[K]> };
    if (!Array.isArray(tasks)) {
      throw new BadArgumentError(
        `Task.awaitMany: expected an array of tasks, got ${describeValue(tasks)}`,
      );
    }
    checkTimeout("Task.awaitMany", timeout);
    for (const t of tasks) {
      checkTask("Task.awaitMany", t);
      checkOwner("Task.awaitMany", t);
      checkUnconsumed("Task.awaitMany", t);
    }
    const n = tasks.length;
    const results = new Array<unknown>(n);
    // By monitor reference, the position of each task still running (a task listed twice
    // has its other positions in `twice`).
    const pending = new Map<Ref, number>();
    let twice: Map<Ref, number[]> | undefined;
    for (let i = 0; i < n; i++) {
      const t = tasks[i] as Task;
      if (t.pid === undefined) {
        t.$status = DONE;
        results[i] = t.$value;
      } else if (!pending.has(t.ref)) {
        pending.set(t.ref, i);
      } else {
        twice ??= new Map();
        const more = twice.get(t.ref);
        if (more === undefined) twice.set(t.ref, [i]);
        else more.push(i);
      }
    }
    if (pending.size === 0) return results as Out;
    const rt = currentRuntime();
    const deadline = rt.now() + timeout;
    const ours = (m: unknown): m is TaskReply | DownMessage =>
      (isOwnReply(m) || m instanceof DownMessage) && pending.has(m.ref);
    const operation = op("awaitMany", [tasks, timeout]);
    const letGo = async (): Promise<void> => {
      for (const i of pending.values()) await abandon(tasks[i] as Task);
      pending.clear();
    };
    const infinite = timeout === Number.POSITIVE_INFINITY;
    while (pending.size > 0) {
      const msg = await receive(ours, {
        timeout: infinite ? timeout : Math.max(0, deadline - rt.now()),
      });
      if (msg === TIMEOUT) {
        emitTimeout(
          [...pending.values()].map((i) => tasks[i] as Task),
          timeout,
        );
        await letGo();
        throw new TaskTimeoutError(operation);
      }
      const ref = msg.ref;
      const i = pending.get(ref) as number;
      pending.delete(ref);
      const task = tasks[i] as Task;
      task.$status = DONE;
      if (msg instanceof DownMessage) {
        await letGo();
        throw new TaskExitError(noconnection(msg.reason, task), operation);
      }
      results[i] = msg.value;
      const more = twice?.get(ref);
      if (more !== undefined) for (const j of more) results[j] = msg.value;
      if (!demonitor(ref)) await receive(downFor(ref), NO_WAIT);
    }
    return results as Out;
  } finally {
    leaveWait(waiter);
  }
}

/**
 * Waits up to `timeout` for the task to finish (Elixir's `Task.yield/2`) and returns
 * `{ type: "ok", value }` for its reply, `{ type: "exit", reason }` if it exited without
 * replying, or `null` if it is still running. After `null` the monitor is kept, so `yield`
 * can be called again, or the task shut down. When both the reply and the DOWN are
 * queued, the reply wins and the DOWN is removed.
 *
 * An `exit` result is only seen when the task exited `"normal"`, is not linked, or the
 * caller traps exits: otherwise the crash has killed the caller through the link.
 *
 * This is `Task.yield` in the namespace import (`yield` is reserved); with a named import,
 * rename it: `import { yield as yieldTask } from "@trellis/task"`.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const task = Task.async(() => slowQuery());
 * const result = (await Task.yield(task, 1000)) ?? (await Task.shutdown(task));
 * if (result?.type === "ok") use(result.value);
 * ```
 * @param timeout milliseconds; default `5000`, `Infinity` waits forever
 * @throws {NotOwnerError} (rejects) if the caller does not own the task
 * @throws {AlreadyAwaitedError} (rejects) if its result has already been taken
 * @throws {TaskExitError} (rejects) with `{ nodedown: node }` if the task's node is unreachable
 * @since 0.1.0
 * @category Results
 */
export async function yieldTask<T>(
  task: Task<T>,
  timeout: number = DEFAULT_TIMEOUT,
): Promise<TaskResult<T> | null> {
  const waiter = enterWait("Task.yield");
  try {
    checkTask("Task.yield", task);
    checkOwner("Task.yield", task);
    checkTimeout("Task.yield", timeout);
    checkUnconsumed("Task.yield", task);
    if (task.pid === undefined) {
      task.$status = DONE;
      return { type: "ok", value: task.$value as T };
    }
    const msg = await receive(eventFor(task.ref), { timeout });
    if (msg === TIMEOUT) return null;
    return finish(task, msg, "yield", [task, timeout]);
  } finally {
    leaveWait(waiter);
  }
}

/** The result of a task whose reply or DOWN was just received. */
async function finish<T>(
  task: Task<T>,
  msg: TaskReply | DownMessage,
  fn: string,
  args: readonly unknown[],
): Promise<TaskResult<T>> {
  task.$status = DONE;
  if (msg instanceof TaskReply) {
    await dropMonitor(task.ref);
    return { type: "ok", value: msg.value as T };
  }
  if (msg.reason === "noconnection")
    throw new TaskExitError(noconnection(msg.reason, task), op(fn, args));
  return { type: "exit", reason: msg.reason };
}

/**
 * Waits for several tasks for up to `timeout` in all (Elixir's `Task.yield_many/2`) and
 * returns `[task, result]` pairs **in the order of `tasks`**, where `result` is as for
 * {@link yieldTask | Task.yield}: `{ type: "ok", value }`, `{ type: "exit", reason }`, or
 * `null` for a task still running.
 *
 * Options (or just the timeout): `timeout` (`5000`), `limit` (return as soon as that many
 * have finished) and `onTimeout` (`"nothing"`, `"ignore"` or `"kill_task"`: what to do with
 * the tasks still running when the time is up).
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const tasks = urls.map((url) => Task.async(() => fetchText(url)));
 * const pairs = await Task.yieldMany(tasks, { timeout: 2000, onTimeout: "kill_task" });
 * const texts = pairs.flatMap(([, r]) => (r?.type === "ok" ? [r.value] : []));
 * ```
 * @throws {NotOwnerError} (rejects) if the caller does not own one of the tasks
 * @throws {AlreadyAwaitedError} (rejects) if the result of one has already been taken
 * @throws {TaskOptionError} (rejects) for a bad `timeout`, `limit` or `onTimeout`
 * @throws {TaskExitError} (rejects) with `{ nodedown: node }` if a task's node is unreachable
 * @since 0.1.0
 * @category Results
 */
export async function yieldMany<const Ts extends readonly Task<unknown>[]>(
  tasks: Ts,
  options: number | YieldManyOptions = {},
): Promise<{ -readonly [K in keyof Ts]: [Ts[K], TaskResult<ResultOf<Ts[K]>> | null] }> {
  const waiter = enterWait("Task.yieldMany");
  try {
    type Out = { -readonly [K in keyof Ts]: [Ts[K], TaskResult<ResultOf<Ts[K]>> | null] };
    const opts: YieldManyOptions = typeof options === "number" ? { timeout: options } : options;
    if (typeof opts !== "object" || opts === null) {
      throw new TaskOptionError(
        "Task.yieldMany",
        "options",
        options,
        "a timeout or an options object",
      );
    }
    if (!Array.isArray(tasks)) {
      throw new BadArgumentError(
        `Task.yieldMany: expected an array of tasks, got ${describeValue(tasks)}`,
      );
    }
    const timeout = checkTimeout("Task.yieldMany", opts.timeout ?? DEFAULT_TIMEOUT);
    const limit = opts.limit ?? Number.POSITIVE_INFINITY;
    if (
      typeof limit !== "number" ||
      !(Number.isInteger(limit) || limit === Number.POSITIVE_INFINITY) ||
      limit < 1
    ) {
      throw new TaskOptionError("Task.yieldMany", "limit", limit, "an integer >= 1");
    }
    const onTimeout = opts.onTimeout ?? "nothing";
    if (onTimeout !== "nothing" && onTimeout !== "ignore" && onTimeout !== "kill_task") {
      throw new TaskOptionError(
        "Task.yieldMany",
        "onTimeout",
        onTimeout,
        '"nothing", "ignore" or "kill_task"',
      );
    }
    for (const t of tasks) {
      checkTask("Task.yieldMany", t);
      checkOwner("Task.yieldMany", t);
      checkUnconsumed("Task.yieldMany", t);
    }
    const n = tasks.length;
    const out = new Array<[Task, TaskResult<unknown> | null]>(n);
    const pending = new Map<Ref, number[]>();
    let finished = 0;
    for (let i = 0; i < n; i++) {
      const t = tasks[i] as Task;
      if (t.pid === undefined) {
        // a completed task may be listed twice: its value does not go away
        t.$status = DONE;
        out[i] = [t, { type: "ok", value: t.$value }];
        finished++;
        continue;
      }
      out[i] = [t, null];
      const at = pending.get(t.ref);
      if (at === undefined) pending.set(t.ref, [i]);
      else at.push(i);
    }
    const rt = currentRuntime();
    const deadline = rt.now() + timeout;
    const ours = (m: unknown): m is TaskReply | DownMessage =>
      (isOwnReply(m) || m instanceof DownMessage) && pending.has(m.ref);
    let timedOut = false;
    while (pending.size > 0 && finished < limit) {
      const wait =
        timeout === Number.POSITIVE_INFINITY ? timeout : Math.max(0, deadline - rt.now());
      const msg = await receive(ours, { timeout: wait });
      if (msg === TIMEOUT) {
        timedOut = true;
        break;
      }
      const at = pending.get(msg.ref) as number[];
      pending.delete(msg.ref);
      const task = tasks[at[0] as number] as Task;
      const result = await finish(task, msg, "yieldMany", [tasks, options]);
      for (const i of at) out[i] = [task, result];
      finished++;
    }
    if (timedOut && onTimeout !== "nothing") {
      for (const at of pending.values()) {
        const task = tasks[at[0] as number] as Task;
        if (onTimeout === "ignore") await ignore(task);
        else await shutdown(task, "brutal_kill");
      }
    }
    return out as Out;
  } finally {
    leaveWait(waiter);
  }
}

/**
 * Stops the task and returns what became of it (Elixir's `Task.shutdown/2`). The task is
 * unlinked from the caller, sent the exit signal `"shutdown"`, given `shutdown`
 * milliseconds to exit, then killed; with `"brutal_kill"` it is killed at once. Its
 * `AbortSignal` aborts, so I/O it started with `abortSignal()` stops too.
 *
 * | what happened | `shutdown(task, ms)` | `shutdown(task, "brutal_kill")` |
 * | --- | --- | --- |
 * | the task had replied (even if its DOWN is queued too) | `{ type: "ok", value }` | `{ type: "ok", value }` |
 * | it exited `"shutdown"` | `null` | `{ type: "exit", reason: "shutdown" }` |
 * | it was killed | `{ type: "exit", reason: "killed" }` | `null` |
 * | it traps exits and did not exit in time (killed) | `{ type: "exit", reason: "killed" }` | — |
 * | it had exited with another reason (`"normal"`, an Error…) | `{ type: "exit", reason }` | `{ type: "exit", reason }` |
 * | its DOWN was already consumed | `{ type: "exit", reason: "noproc" }` | `{ type: "exit", reason: "noproc" }` |
 * | its node is unreachable | rejects: `TaskExitError` `{ nodedown: node }` | rejects likewise |
 *
 * Afterwards the task's result counts as taken.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const task = Task.async(() => crawl(site));
 * const result = (await Task.yield(task, 10_000)) ?? (await Task.shutdown(task));
 * ```
 * @param shutdown milliseconds to wait after `"shutdown"` before killing (default `5000`,
 *   `Infinity` waits forever), or `"brutal_kill"`
 * @throws {NotOwnerError} (rejects) if the caller does not own the task
 * @throws {BadArgumentError} (rejects) for a task made by {@link completed}, which has no process
 * @throws {TaskOptionError} (rejects) for a bad `shutdown`
 * @since 0.1.0
 * @category Results
 */
export async function shutdown<T>(
  task: Task<T>,
  shutdown: number | "brutal_kill" = DEFAULT_TIMEOUT,
): Promise<TaskResult<T> | null> {
  checkTask("Task.shutdown", task);
  checkOwner("Task.shutdown", task);
  if (shutdown !== "brutal_kill") {
    if (typeof shutdown !== "number" || Number.isNaN(shutdown) || shutdown < 0) {
      throw new TaskOptionError(
        "Task.shutdown",
        "shutdown",
        shutdown,
        'a number of milliseconds >= 0, Infinity, or "brutal_kill"',
      );
    }
  }
  const pid = task.pid;
  if (pid === undefined) {
    throw new BadArgumentError(
      `Task.shutdown: the task ${task} has no process (it was made by Task.completed); there is nothing to shut down`,
    );
  }
  const brutal = shutdown === "brutal_kill";
  const mon = monitor(pid);
  unlink(pid);
  exit(pid, brutal ? "kill" : "shutdown");
  let down = await receive(downFor(mon), { timeout: brutal ? Number.POSITIVE_INFINITY : shutdown });
  if (down === TIMEOUT) {
    exit(pid, "kill");
    down = await receive(downFor(mon));
  }
  let reason = down.reason;
  if (reason === "noproc") {
    // The task was already gone before our monitor: its own DOWN, if still queued, tells why.
    const own = await receive(downFor(task.ref), { timeout: 0 });
    if (own !== TIMEOUT) reason = own.reason;
  } else {
    await dropMonitor(task.ref);
  }
  const value = await takeReply(task);
  task.$status = DONE;
  if (value !== NONE) return { type: "ok", value: value as T };
  if (brutal ? reason === "killed" : reason === "shutdown") return null;
  if (reason === "noconnection") {
    throw new TaskExitError(noconnection(reason, task), op("shutdown", [task, shutdown]));
  }
  return { type: "exit", reason };
}

/**
 * Lets go of a task (Elixir's `Task.ignore/1`): if it has already replied or exited,
 * returns `{ type: "ok", value }` or `{ type: "exit", reason }`; otherwise returns `null`,
 * and the task keeps running **unlinked**, its reply and its failure discarded: nothing
 * from it reaches the caller any more (a later `Task.await(task, 0)` times out).
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const task = Task.async(() => warmUpCache());
 * Task.ignore(task); // let it finish on its own
 * ```
 * @throws {NotOwnerError} (rejects) if the caller does not own the task
 * @throws {TaskExitError} (rejects) with `{ nodedown: node }` if the task's node is unreachable
 * @since 0.1.0
 * @category Results
 */
export async function ignore<T>(task: Task<T>): Promise<TaskResult<T> | null> {
  checkTask("Task.ignore", task);
  checkOwner("Task.ignore", task);
  if (task.$status === DONE) return null;
  const pid = task.pid;
  if (pid === undefined) {
    task.$status = DONE;
    return { type: "ok", value: task.$value as T };
  }
  if (task.$status === SENT) {
    const value = await takeReply(task);
    if (value !== NONE) {
      unlink(pid);
      task.$status = DONE;
      await dropMonitor(task.ref);
      return { type: "ok", value: value as T };
    }
  }
  const down = await receive(downFor(task.ref), { timeout: 0 });
  unlink(pid);
  if (down !== TIMEOUT) {
    task.$status = DONE;
    if (down.reason === "noconnection") {
      throw new TaskExitError(noconnection(down.reason, task), op("ignore", [task]));
    }
    return { type: "exit", reason: down.reason };
  }
  await abandon(task);
  return null;
}

// ---------------------------------------------------------------------------------------
// Callers and ancestors

/**
 * The chain of processes that asked for the task `pid` (default: the calling process),
 * nearest first: the `$callers` entry of its process dictionary, as in Elixir (also shown
 * by `processInfo(pid).dictionary`). For a task started by process A inside a task
 * started by B, it is `[A, B]`. A task started by any process P gets `[P, ...P's
 * $callers]`, so a process that sets `$callers` itself (`putProcessData`) passes it on.
 * Empty for a process without one. Use it to route logs or test doubles to the process
 * that wanted the work done.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * import { self } from "@trellis/core";
 * const me = self();
 * const chain = await Task.await(Task.async(() => Task.callers()));
 * chain[0] === me; // true
 * ```
 * @throws {NotInProcessError} outside process code, when `pid` is not given
 * @since 0.1.0
 * @category Introspection
 */
export function callers(pid?: Pid): Pid[] {
  return dictionaryCallers(pid ?? self());
}

/**
 * The chain of processes that started `pid` (default: the calling process), nearest first:
 * Elixir's `$ancestors`. For a task, its owner (or its Task.Supervisor) then that
 * process's own ancestors; for other processes, their parents as far as the runtime knows
 * them (`parentOf`: processes started linked by the special-process toolkit).
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const sup = await Task.Supervisor.startLink();
 * const task = await Task.Supervisor.async(sup, () => Task.ancestors());
 * (await Task.await(task))[0] === sup; // true
 * ```
 * @throws {NotInProcessError} outside process code, when `pid` is not given
 * @since 0.1.0
 * @category Introspection
 */
export function ancestors(pid?: Pid): Pid[] {
  return ancestorsOf(pid ?? self());
}
