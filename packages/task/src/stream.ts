/**
 * `asyncStream`: run a function over an iterable in tasks, with bounded concurrency.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import {
  BadArgumentError,
  currentRuntime,
  DownMessage,
  demonitor,
  downFor,
  exit,
  exitFrom,
  type Pid,
  type Ref,
  type Runtime,
  receive,
  self,
  TIMEOUT,
  unlink,
} from "@trellis/core";
import { describeValue, TaskOptionError, TaskTimeoutError } from "./errors.js";
import {
  ABANDONED,
  checkTimeout,
  DONE,
  isOwnReply,
  isTrapping,
  NONE,
  RUNNING,
  SENT,
  type Task,
  TaskReply,
  takeReply,
} from "./internal/core.js";
import { async, type TaskExit, type TaskOk } from "./task.js";

/**
 * Options of {@link asyncStream} (and of `Task.Supervisor.asyncStream`).
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const options: Task.AsyncStreamOptions = { maxConcurrency: 16, ordered: false, timeout: 30_000 };
 * for await (const r of Task.asyncStream(ids, fetchRecord, options)) console.log(r);
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface AsyncStreamOptions {
  /**
   * How many tasks run at the same time: an integer >= 1. Default: the number of CPU cores
   * (`os.availableParallelism()`), as Elixir's `System.schedulers_online()`. Raise it for
   * work that mostly waits on I/O.
   */
  readonly maxConcurrency?: number;
  /**
   * `true` (default): results come out in the order of the inputs, a fast task's result
   * waiting for the slower ones before it. `false`: in the order the tasks finish.
   */
  readonly ordered?: boolean;
  /**
   * Milliseconds each task may run, counted from its start. Default `5000`; `Infinity`
   * for no limit.
   */
  readonly timeout?: number;
  /**
   * What a task that runs past `timeout` does to the stream:
   * - `"exit"` (default): the stream stops every task and the iteration rejects with a
   *   `TaskTimeoutError` (which crashes the consuming process unless it is caught);
   * - `"kill_task"`: that task is killed and its element is `{ type: "exit", reason: "timeout" }`.
   */
  readonly onTimeout?: "exit" | "kill_task";
  /** Add the input to exit elements (`{ type: "exit", reason, input }`). Default `false`. */
  readonly zipInputOnExit?: boolean;
}

/**
 * An exit element of an async stream: the task for `input` exited before replying
 * (`reason`), or ran past the timeout with `onTimeout: "kill_task"` (`reason` is
 * `"timeout"`). `input` is there with `zipInputOnExit: true` (Elixir's `{:exit, {input, reason}}`).
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * for await (const r of Task.asyncStream(files, parse, { zipInputOnExit: true, onTimeout: "kill_task" })) {
 *   if (r.type === "exit") console.warn(`${r.input}: ${String(r.reason)}`);
 * }
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface StreamExit<I> extends TaskExit {
  /** The input of the task, with `zipInputOnExit: true`. */
  readonly input?: I;
}

/**
 * An element of an async stream: `{ type: "ok", value }` for a task that returned, or a
 * {@link StreamExit}.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const results: Task.StreamResult<number, string>[] = [];
 * for await (const r of Task.asyncStream(["a", "bb"], (s) => s.length)) results.push(r);
 * // [{ type: "ok", value: 1 }, { type: "ok", value: 2 }]
 * ```
 * @since 0.1.0
 * @category Results
 */
export type StreamResult<T, I> = TaskOk<T> | StreamExit<I>;

/** @internal How a stream starts one task; the Task and Task.Supervisor variants differ. */
export interface Spawner {
  /** Whether the tasks are linked to the consuming process. */
  readonly linked: boolean;
  /** Starts a task running `work`, owned (and monitored) by the caller. */
  spawn(work: () => unknown): Task | Promise<Task>;
}

/** @internal */
export interface StreamConfig {
  readonly maxConcurrency: number;
  readonly ordered: boolean;
  readonly timeout: number;
  readonly onTimeout: "exit" | "kill_task";
  readonly zipInputOnExit: boolean;
  /** `"asyncStream"`, `"Supervisor.asyncStreamNolink"`… for errors. */
  readonly operation: string;
}

/** @internal Checks the options common to every async stream. */
export function streamConfig(
  operation: string,
  inputs: unknown,
  fn: unknown,
  options: AsyncStreamOptions,
): StreamConfig {
  const where = `Task.${operation}`;
  if (
    typeof inputs !== "object" ||
    inputs === null ||
    (typeof (inputs as Iterable<unknown>)[Symbol.iterator] !== "function" &&
      typeof (inputs as AsyncIterable<unknown>)[Symbol.asyncIterator] !== "function")
  ) {
    if (typeof inputs !== "string") {
      throw new BadArgumentError(
        `${where}: expected an iterable or async iterable of inputs, got ${describeValue(inputs)}`,
      );
    }
  }
  if (typeof fn !== "function") {
    throw new BadArgumentError(
      `${where}: expected a function to run on each input, got ${describeValue(fn)}`,
    );
  }
  if (typeof options !== "object" || options === null) {
    throw new TaskOptionError(where, "options", options, "an object");
  }
  const maxConcurrency = options.maxConcurrency ?? availableParallelism();
  if (
    typeof maxConcurrency !== "number" ||
    !Number.isInteger(maxConcurrency) ||
    maxConcurrency < 1
  ) {
    throw new TaskOptionError(where, "maxConcurrency", maxConcurrency, "an integer >= 1");
  }
  const ordered = options.ordered ?? true;
  if (typeof ordered !== "boolean") {
    throw new TaskOptionError(where, "ordered", ordered, "true or false");
  }
  const timeout = checkTimeout(where, options.timeout ?? 5000);
  const onTimeout = options.onTimeout ?? "exit";
  if (onTimeout !== "exit" && onTimeout !== "kill_task") {
    throw new TaskOptionError(where, "onTimeout", onTimeout, '"exit" or "kill_task"');
  }
  const zipInputOnExit = options.zipInputOnExit ?? false;
  if (typeof zipInputOnExit !== "boolean") {
    throw new TaskOptionError(where, "zipInputOnExit", zipInputOnExit, "true or false");
  }
  return { maxConcurrency, ordered, timeout, onTimeout, zipInputOnExit, operation };
}

/** One running task of a stream. */
interface Slot<I> {
  readonly index: number;
  readonly input: I;
  readonly task: Task;
  readonly deadline: number;
}

/**
 * @internal The stream: an async iterable that does nothing until it is iterated; each
 * iteration is independent, bound to the process that calls `next()` first.
 */
export class TaskStream<I, R> implements AsyncIterable<StreamResult<R, I>> {
  private readonly inputs: Iterable<I> | AsyncIterable<I>;
  private readonly fn: (input: I) => unknown;
  private readonly config: StreamConfig;
  private readonly spawner: Spawner;

  constructor(
    inputs: Iterable<I> | AsyncIterable<I>,
    fn: (input: I) => unknown,
    config: StreamConfig,
    spawner: Spawner,
  ) {
    this.inputs = inputs;
    this.fn = fn;
    this.config = config;
    this.spawner = spawner;
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamResult<R, I>> {
    return new Run<I, R>(this.inputs, this.fn, this.config, this.spawner);
  }
}

const DONE_RESULT: IteratorReturnResult<undefined> = { done: true, value: undefined };

class Run<I, R> implements AsyncIterator<StreamResult<R, I>> {
  private readonly inputs: Iterable<I> | AsyncIterable<I>;
  private readonly fn: (input: I) => unknown;
  private readonly config: StreamConfig;
  private readonly spawner: Spawner;
  private owner: Pid | undefined = undefined;
  private rt: Runtime | undefined = undefined;
  private source: Iterator<I> | AsyncIterator<I> | undefined = undefined;
  private asyncSource = false;
  private sourceDone = false;
  private spawned = 0;
  private delivered = 0;
  private readonly running = new Map<Ref, Slot<I>>();
  /** Ordered: finished results by input index, waiting for their turn. */
  private readonly finished = new Map<number, StreamResult<R, I>>();
  /** Unordered: finished results in completion order. */
  private queue: StreamResult<R, I>[] = [];
  private head = 0;
  private closed = false;
  private busy = false;
  private readonly ours = (m: unknown): m is TaskReply | DownMessage =>
    (isOwnReply(m) || m instanceof DownMessage) && this.running.has(m.ref);

  constructor(
    inputs: Iterable<I> | AsyncIterable<I>,
    fn: (input: I) => unknown,
    config: StreamConfig,
    spawner: Spawner,
  ) {
    this.inputs = inputs;
    this.fn = fn;
    this.config = config;
    this.spawner = spawner;
  }

  private checkCaller(what: string): void {
    const me = self();
    if (this.owner === undefined) {
      this.owner = me;
      this.rt = currentRuntime();
    } else if (this.owner !== me) {
      throw new BadArgumentError(
        `Task.${this.config.operation}: ${what} was called from ${me}, but this iteration belongs to ${this.owner}, whose tasks reply to it; iterate the stream again in the other process instead`,
      );
    }
    if (this.busy) {
      throw new BadArgumentError(
        `Task.${this.config.operation}: ${what} was called while the previous next() is still pending; await each one (for await does)`,
      );
    }
  }

  async next(): Promise<IteratorResult<StreamResult<R, I>, undefined>> {
    if (this.closed) return DONE_RESULT;
    this.checkCaller("next()");
    this.busy = true;
    try {
      for (;;) {
        // Deliver what is ready first; start more tasks only when the consumer asks for
        // more, as Elixir's stream does after each element is handed over.
        const ready = this.take();
        if (ready !== undefined) return { done: false, value: ready };
        await this.fill();
        if (this.running.size === 0) {
          await this.close();
          return DONE_RESULT;
        }
        await this.waitOne();
      }
    } catch (e) {
      await this.close();
      throw e;
    } finally {
      this.busy = false;
    }
  }

  async return(): Promise<IteratorResult<StreamResult<R, I>, undefined>> {
    if (this.closed || this.owner === undefined) {
      this.closed = true;
      return DONE_RESULT;
    }
    this.checkCaller("return()");
    this.busy = true;
    try {
      await this.close();
    } finally {
      this.busy = false;
    }
    return DONE_RESULT;
  }

  /** Starts tasks until `maxConcurrency` run or the inputs run out. */
  private async fill(): Promise<void> {
    if (this.sourceDone) return;
    if (this.source === undefined) {
      const inputs = this.inputs;
      if (typeof (inputs as AsyncIterable<I>)[Symbol.asyncIterator] === "function") {
        this.source = (inputs as AsyncIterable<I>)[Symbol.asyncIterator]();
        this.asyncSource = true;
      } else {
        this.source = (inputs as Iterable<I>)[Symbol.iterator]();
      }
    }
    const { maxConcurrency, timeout } = this.config;
    const rt = this.rt as Runtime;
    while (this.running.size < maxConcurrency) {
      const item = this.asyncSource
        ? await (this.source as AsyncIterator<I>).next()
        : (this.source as Iterator<I>).next();
      if (item.done === true) {
        this.sourceDone = true;
        return;
      }
      const input = item.value;
      const fn = this.fn;
      const started = this.spawner.spawn(() => fn(input));
      const task = started instanceof Promise ? await started : started;
      this.running.set(task.ref, {
        index: this.spawned++,
        input,
        task,
        deadline: timeout === Number.POSITIVE_INFINITY ? timeout : rt.now() + timeout,
      });
    }
  }

  private take(): StreamResult<R, I> | undefined {
    if (this.config.ordered) {
      const r = this.finished.get(this.delivered);
      if (r !== undefined) {
        this.finished.delete(this.delivered);
        this.delivered++;
      }
      return r;
    }
    if (this.head < this.queue.length) {
      const r = this.queue[this.head] as StreamResult<R, I>;
      this.head++;
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      }
      return r;
    }
    return undefined;
  }

  private put(slot: Slot<I>, result: StreamResult<R, I>): void {
    if (this.config.ordered) this.finished.set(slot.index, result);
    else this.queue.push(result);
  }

  private exitResult(slot: Slot<I>, reason: unknown): StreamResult<R, I> {
    return this.config.zipInputOnExit
      ? { type: "exit", reason, input: slot.input }
      : { type: "exit", reason };
  }

  /** Waits for one task to reply or exit, or for the earliest deadline. */
  private async waitOne(): Promise<void> {
    let deadline = Number.POSITIVE_INFINITY;
    for (const slot of this.running.values())
      if (slot.deadline < deadline) deadline = slot.deadline;
    const rt = this.rt as Runtime;
    const wait =
      deadline === Number.POSITIVE_INFINITY ? deadline : Math.max(0, deadline - rt.now());
    const msg = await receive(this.ours, { timeout: wait });
    if (msg === TIMEOUT) {
      await this.expire();
      return;
    }
    const slot = this.running.get(msg.ref) as Slot<I>;
    this.running.delete(msg.ref);
    slot.task.$status = DONE;
    if (msg instanceof TaskReply) {
      await this.settleReply(slot);
      this.put(slot, { type: "ok", value: msg.value as R });
    } else {
      // A task that crashed has killed a non-trapping consumer through the link already;
      // here it exited "normal" before replying, or the consumer traps exits (drop the EXIT).
      if (this.spawner.linked && isTrapping()) {
        await receive(exitFrom(slot.task.pid as Pid), { timeout: 0 });
      }
      this.put(slot, this.exitResult(slot, msg.reason));
    }
  }

  /** After a reply: no DOWN and no EXIT from that task may stay behind. */
  private async settleReply(slot: Slot<I>): Promise<void> {
    const { task } = slot;
    const pid = task.pid as Pid;
    if (demonitor(task.ref)) {
      // still alive (about to exit): unlinking spares a trapping consumer its EXIT
      if (this.spawner.linked) unlink(pid);
      return;
    }
    await receive(downFor(task.ref), { timeout: 0 });
    if (this.spawner.linked && isTrapping()) await receive(exitFrom(pid), { timeout: 0 });
  }

  /** The earliest deadline has passed: time out every task past its own. */
  private async expire(): Promise<void> {
    const now = (this.rt as Runtime).now();
    const late: Slot<I>[] = [];
    for (const slot of this.running.values()) if (slot.deadline <= now) late.push(slot);
    for (const slot of late) {
      this.running.delete(slot.task.ref);
      if (slot.task.$status === SENT) {
        // it replied just as its time ran out: the reply wins
        const value = await takeReply(slot.task);
        slot.task.$status = DONE;
        await this.settleReply(slot);
        if (value !== NONE) {
          this.put(slot, { type: "ok", value: value as R });
          continue;
        }
      }
      if (this.config.onTimeout === "exit") {
        this.running.set(slot.task.ref, slot); // close() stops it with the others
        await this.close();
        throw new TaskTimeoutError({
          module: "Task",
          function: this.config.operation,
          args: [this.config.timeout],
        });
      }
      await this.kill(slot);
      this.put(slot, this.exitResult(slot, "timeout"));
    }
  }

  /** Stops one task for good and removes every trace of it from the mailbox. */
  private async kill(slot: Slot<I>): Promise<void> {
    const { task } = slot;
    const pid = task.pid as Pid;
    if (task.$status === RUNNING) task.$status = ABANDONED;
    if (this.spawner.linked) unlink(pid);
    if (demonitor(task.ref)) {
      exit(pid, "kill");
    } else {
      // it died before we got to it: its DOWN (and, for a trapping consumer, its EXIT) is queued
      await receive(downFor(task.ref), { timeout: 0 });
      if (this.spawner.linked && isTrapping()) await receive(exitFrom(pid), { timeout: 0 });
    }
    if (task.$status === SENT) await takeReply(task);
    task.$status = ABANDONED;
  }

  /** Stops every running task, drops the results and closes the input iterator. */
  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const slots = [...this.running.values()];
    this.running.clear();
    for (const slot of slots) await this.kill(slot);
    this.finished.clear();
    this.queue = [];
    this.head = 0;
    const source = this.source;
    if (source !== undefined && !this.sourceDone) {
      this.sourceDone = true;
      await source.return?.();
    }
  }
}

const LINKED: Spawner = { linked: true, spawn: (work) => async(work) };

/**
 * Runs `fn` on each input in a task of its own, at most `maxConcurrency` at a time, and
 * returns an async iterable of the results (Elixir's `Task.async_stream/3`): consume it
 * with `for await`. Each element is `{ type: "ok", value }`, or `{ type: "exit", reason }`
 * for a task that exited without replying.
 *
 * - **Lazy**: nothing runs until the iteration starts, and inputs are pulled only as
 *   tasks are started. `inputs` may be an iterable or an async iterable. Each `for await`
 *   is a new run, in the process that iterates.
 * - **Order**: by default the elements come in the order of the inputs (a fast task waits
 *   for the slow ones before it); with `ordered: false`, as the tasks finish.
 * - **Links**: the tasks are linked to the iterating process, as `Task.async` tasks are. A
 *   task that crashes crashes that process, unless it traps exits: then the crash is an
 *   exit element (a task that exits `"normal"` before replying always is one).
 * - **Timeouts**: each task has `timeout` ms (default 5000) from its start. Past it, with
 *   `onTimeout: "exit"` (default) every task is stopped and the iteration rejects with a
 *   `TaskTimeoutError`; with `"kill_task"` the task is killed and its element is
 *   `{ type: "exit", reason: "timeout" }`.
 * - **Stopping early** (`break`, `return` or a throw in the loop body) kills the tasks still
 *   running and leaves no link, monitor or message of theirs behind.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * for await (const r of Task.asyncStream(urls, (url) => fetchText(url), { maxConcurrency: 8 })) {
 *   if (r.type === "ok") console.log(r.value.length);
 * }
 * ```
 * @param inputs the inputs, pulled lazily
 * @param fn the work for one input, run in its own process
 * @param options `maxConcurrency` (cores), `ordered` (`true`), `timeout` (`5000`),
 *   `onTimeout` (`"exit"`), `zipInputOnExit` (`false`)
 * @throws {TaskOptionError} for an invalid option (at once, not when iterated)
 * @throws {BadArgumentError} if `inputs` is not iterable or `fn` not a function
 * @since 0.1.0
 * @category Streams
 */
export function asyncStream<I, R>(
  inputs: Iterable<I> | AsyncIterable<I>,
  fn: (input: I) => R,
  options: AsyncStreamOptions = {},
): AsyncIterable<StreamResult<Awaited<R>, I>> {
  const config = streamConfig("asyncStream", inputs, fn, options);
  return new TaskStream<I, Awaited<R>>(inputs, fn, config, LINKED);
}
