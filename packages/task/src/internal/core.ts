/**
 * The task object, the reply message and the small pieces every part of the package shares.
 *
 * @module
 */
import {
  BadArgumentError,
  currentRuntime,
  DownMessage,
  demonitor,
  downFor,
  ExitError,
  formatReason,
  isQuietReason,
  logReport,
  type Pid,
  putProcessData,
  type Ref,
  type Runtime,
  receive,
  self,
  send,
  TIMEOUT,
  trapExit,
} from "@trellis/core";
import { AlreadyAwaitedError, describeValue, NotOwnerError, TaskOptionError } from "../errors.js";
import {
  callersOf,
  dropOrigin,
  type Origin,
  ownEntry,
  plainOrigin,
  queuePlain,
  setOrigin,
  setQueuedAccess,
  taskAncestors,
} from "./meta.js";

/**
 * Where a task stands, shared by its owner and its process (one JavaScript heap): the
 * owner can then let go of a task so that its reply is never sent (what OTP does with a
 * process alias), and knows exactly when a reply sits in its mailbox.
 */
/** The task runs; its owner still wants the reply. */
export const RUNNING = 0;
/** The task has sent its reply. */
export const SENT = 1;
/** The owner let go (timeout, ignore, stream stopped): the task must not reply. */
export const ABANDONED = 2;
/** The owner has taken the result (or the task's exit). */
export const DONE = 3;

const REPLY_BRAND = Symbol.for("trellis.task-reply");

/** Set by `Task`'s static block: hands a queued task its function and runtime. */
let queueWork: (t: Task, fn: () => unknown, rt: Runtime) => void;
/** Set by `Task`'s static block: takes back (and clears) the function when the task starts. */
let takeFn: (t: Task) => () => unknown;
/** Set by `Task`'s static block: the runtime of a task that is its own origin entry. */
let rtOf: (t: Task) => Runtime;
/** Set by `Task`'s static block: lets go of it (its entry is gone). */
let releaseRt: (t: Task) => void;

/**
 * A running computation started by `Task.async` (or `Task.Supervisor.async`,
 * `Task.completed`): Elixir's `%Task{}`. Pass it to `Task.await`, `Task.yield`,
 * `Task.shutdown` or `Task.ignore`; only its `owner` may do so.
 *
 * `T` is the type of the result, which `Task.await` infers.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const task: Task.Task<number> = Task.async(() => 6 * 7);
 * task.pid; // the task process
 * task.owner; // the caller
 * await Task.await(task); // 42
 * ```
 * @since 0.1.0
 * @category Tasks
 */
export class Task<T = unknown> {
  /** The task process, or `undefined` for a task made by `Task.completed`. */
  readonly pid: Pid | undefined;
  /** The monitor reference; the reply message ({@link TaskReply}) carries it too. */
  readonly ref: Ref;
  /** The process that started the task: the only one that may await it. */
  readonly owner: Pid;
  /** @internal See RUNNING, SENT, ABANDONED, DONE. */
  $status: number;
  /** @internal The result of a completed task. */
  readonly $value: T | undefined;
  /** The function of a queued task whose origin is plain (meta.ts, `Queued`), until it starts. */
  #fn: (() => unknown) | undefined = undefined;
  /** The runtime of such a task, while it is its own entry (the origins table's sweep asks it). */
  #rt: Runtime | undefined = undefined;

  /** @internal Tasks are made by `Task.async`, `Task.completed` and `Task.Supervisor.async`. */
  constructor(pid: Pid | undefined, ref: Ref, owner: Pid, value?: T) {
    this.pid = pid;
    this.ref = ref;
    this.owner = owner;
    this.$status = RUNNING;
    this.$value = value;
  }

  /**
   * A readable form for logs and error messages: `#Task<0.42.0>`.
   *
   * @example
   * ```ts
   * import * as Task from "@trellis/task";
   * String(Task.async(() => 1)); // "#Task<0.5.0>"
   * ```
   */
  toString(): string {
    return `#Task${this.pid === undefined ? "<completed>" : String(this.pid)}`;
  }

  static {
    queueWork = (t, fn, rt) => {
      t.#fn = fn;
      t.#rt = rt;
    };
    takeFn = (t) => {
      const fn = t.#fn as () => unknown;
      t.#fn = undefined;
      return fn;
    };
    rtOf = (t) => t.#rt as Runtime;
    releaseRt = (t) => {
      t.#rt = undefined;
    };
    setQueuedAccess(
      (q) => rtOf(q as Task),
      (q) => releaseRt(q as Task),
    );
  }
}

/**
 * Records the task `pid` of `Task.async`, queued to run `fn`: the `Task` itself stands for its
 * origin when that is plain, else a record carries the task and `fn` (meta.ts).
 */
export function queueAsync(pid: Pid, task: Task, fn: () => unknown): void {
  const owner = task.owner;
  if (queuePlain(pid, task, owner)) queueWork(task, fn, currentRuntime());
  else setOrigin(pid, owner, owner, task, fn);
}

/** Set by `TaskReply`'s static block: its private brand check. */
let isReply: (v: object) => boolean;

/**
 * @internal Whether `msg` is a {@link TaskReply} made by this package: a private brand check,
 * which runs no code of a hostile message (no Proxy trap) and costs a few nanoseconds
 * (core's `isInstanceOf` tests each prototype for a Proxy, ~60–100 ns a message).
 */
export function isOwnReply(msg: unknown): msg is TaskReply {
  return typeof msg === "object" && msg !== null && isReply(msg);
}

/**
 * The reply a task sends its owner when it returns: Elixir's `{ref, result}`. `Task.await`
 * and `Task.yield` take it from the mailbox for you; a process that receives messages
 * itself (a GenServer's `handleInfo` after `Task.Supervisor.asyncNolink`) matches it with
 * {@link isTaskReply} and compares `ref` with the task's, then removes the monitor with
 * `demonitor(ref, { flush: true })`.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * import { demonitor, receive } from "@trellis/core";
 * const task = Task.async(() => "done");
 * const msg = await receive(Task.isTaskReply);
 * if (msg.ref === task.ref) {
 *   demonitor(msg.ref, { flush: true });
 *   msg.value; // "done"
 * }
 * ```
 * @since 0.1.0
 * @category Messages
 */
export class TaskReply<T = unknown> {
  /** Brands replies for {@link isReply}: a private brand check runs no code of a hostile value. */
  readonly #own = true;
  /** Always `"task_reply"`. */
  readonly type: "task_reply" = "task_reply";
  /** The task's `ref`. */
  readonly ref: Ref;
  /** What the task's function returned (or its promise resolved with). */
  readonly value: T;

  /** @internal */
  constructor(ref: Ref, value: T) {
    this.ref = ref;
    this.value = value;
  }

  static {
    isReply = (v) => #own in v;
  }
}
Object.defineProperty(TaskReply.prototype, REPLY_BRAND, { value: true });

/**
 * Whether `msg` is a task's reply ({@link TaskReply}). User data can never pass for one.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * Task.isTaskReply({ type: "task_reply" }); // false
 * ```
 * @since 0.1.0
 * @category Messages
 */
export function isTaskReply(msg: unknown): msg is TaskReply {
  return typeof msg === "object" && msg !== null && REPLY_BRAND in msg;
}

/** Whether the owner of a task (or a stream) should get a message: the reply or the DOWN. */
export function eventFor(ref: Ref): (msg: unknown) => msg is TaskReply | DownMessage {
  return (msg: unknown): msg is TaskReply | DownMessage =>
    (isOwnReply(msg) || msg instanceof DownMessage) && msg.ref === ref;
}

function replyFor(ref: Ref): (msg: unknown) => msg is TaskReply {
  return (msg: unknown): msg is TaskReply => isOwnReply(msg) && msg.ref === ref;
}

/** Runs in the task process: sends the reply unless the owner has let go. */
export function deliver(task: Task, value: unknown): void {
  if (task.$status !== RUNNING) return;
  task.$status = SENT;
  send(task.owner, new TaskReply(task.ref, value));
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

/**
 * Puts the task's caller chain and ancestors in its process dictionary, where
 * `processInfo(pid).dictionary` shows them (Elixir's `$callers` and `$ancestors`).
 */
function publishOrigin(origin: Origin): void {
  // the array is made for this task alone (setOrigin, callersOf): no copy
  putProcessData("$callers", callersOf(origin));
  putProcessData("$ancestors", taskAncestors(origin));
}

/**
 * The body of a task process: runs `fn` and replies with its result. Synchronous when `fn`
 * is, so that a trivial task costs no promise.
 */
export function runTask(task: Task, fn: () => unknown, origin: Origin): unknown {
  publishOrigin(origin);
  let r: unknown;
  try {
    r = fn();
  } catch (e) {
    throw reportExit(e, origin);
  }
  if (isThenable(r)) {
    return r.then(
      (v) => {
        dropOrigin(task.pid as Pid);
        releaseRt(task);
        deliver(task, v);
      },
      (e: unknown) => {
        throw reportExit(e, origin);
      },
    );
  }
  dropOrigin(task.pid as Pid);
  releaseRt(task);
  deliver(task, r);
  return undefined;
}

/**
 * The body of every task of `Task.async`: one function for all of them (a closure per task
 * was ~100 B of every queued task). Its function waits in its `Task` when that is its own
 * origin entry (meta.ts, `Queued`), else in its origin record, which keeps neither the task
 * nor the function once it has started: a returned task's origin can stay reachable through
 * the `up` of the tasks it started.
 */
export function runAsync(self: Pid): unknown {
  const e = ownEntry(self);
  if (e instanceof Task) {
    // it stays its own entry; the plain origin made here only serves the start
    return runTask(e, takeFn(e), plainOrigin(e.owner, rtOf(e)));
  }
  const o = e as Origin;
  const task = o.work as Task;
  const fn = o.fn as () => unknown;
  o.work = undefined;
  o.fn = undefined;
  return runTask(task, fn, o);
}

/** The body of a task that sends no reply (`start`, `startChild`); `me` is its pid. */
export function runOnly(fn: () => unknown, origin: Origin | undefined, me: Pid): unknown {
  if (origin !== undefined) publishOrigin(origin);
  let r: unknown;
  try {
    r = fn();
  } catch (e) {
    throw reportExit(e, origin);
  }
  if (isThenable(r)) {
    return r.then(
      (v) => {
        if (origin !== undefined) dropOrigin(me);
        return v;
      },
      (e: unknown) => {
        throw reportExit(e, origin);
      },
    );
  }
  if (origin === undefined) return r;
  dropOrigin(me);
  return r;
}

/**
 * A task reports its own abnormal `exit(reason)` (Elixir: "Task … terminating"); core
 * crash-reports only the errors and throws of a plain process, as OTP does. Returns `e`.
 */
function reportExit(e: unknown, origin: Origin | undefined): unknown {
  if (e instanceof ExitError && !isQuietReason(e.reason)) {
    const from = origin?.caller ?? origin?.parent;
    logReport({
      kind: "crash",
      message: `Task ${String(self())}${from === undefined ? "" : ` started from ${String(from)}`} terminating: ${formatReason(e.reason)}`,
      reason: e.reason,
      behaviour: "Task",
    });
  }
  return e;
}

/** Takes the reply of `task` out of the mailbox if it has been sent; `NONE` otherwise. */
export const NONE: unique symbol = Symbol("none");

export async function takeReply(task: Task): Promise<unknown> {
  if (task.$status !== SENT) return NONE;
  const msg = await receive(replyFor(task.ref), { timeout: 0 });
  return msg === TIMEOUT ? NONE : msg.value;
}

/** After the reply: drops the monitor, and the DOWN if it has already arrived. */
export async function dropMonitor(ref: Ref): Promise<void> {
  if (!demonitor(ref)) await receive(downFor(ref), { timeout: 0 });
}

/** The owner lets go of `task`: no DOWN, and no reply, will reach it afterwards. */
export async function abandon(task: Task): Promise<void> {
  if (task.$status === RUNNING) task.$status = ABANDONED;
  await dropMonitor(task.ref);
  if (task.$status === SENT) {
    await takeReply(task);
    task.$status = ABANDONED;
  }
}

export function checkTask(operation: string, task: unknown): Task {
  if (!(task instanceof Task)) {
    throw new BadArgumentError(
      `${operation}: expected a task (from Task.async, Task.completed or Task.Supervisor.async), got ${describeValue(task)}`,
    );
  }
  return task;
}

/** Checks that the caller owns `task`; returns the caller. */
export function checkOwner(operation: string, task: Task): Pid {
  const me = self();
  if (task.owner !== me) throw new NotOwnerError(operation, task.pid, task.owner, me);
  return me;
}

export function checkUnconsumed(operation: string, task: Task): void {
  if (task.$status === DONE) throw new AlreadyAwaitedError(operation, task.pid);
}

/** A timeout: milliseconds >= 0, or `Infinity`. */
export function checkTimeout(operation: string, timeout: unknown, option = "timeout"): number {
  if (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0) {
    throw new TaskOptionError(
      operation,
      option,
      timeout,
      "a number of milliseconds >= 0, or Infinity",
    );
  }
  return timeout;
}

/**
 * Whether the calling process traps exits. Core has no getter for one's own flag (only
 * `processInfo`, which builds a whole record), so set it and put it back at once.
 */
export function isTrapping(): boolean {
  const was = trapExit(true);
  trapExit(was);
  return was;
}
