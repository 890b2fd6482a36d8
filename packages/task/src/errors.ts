/**
 * The errors of `@trellis/task`.
 *
 * @module
 */
import {
  BadArgumentError,
  type CallOperation,
  type ErrorCode,
  ExitError,
  formatReason,
  type Pid,
} from "@trellis/core";

/**
 * @internal How a task, a pid or a value reads in an error message. Never throws: nesting
 * is cut, and a value that cannot be read falls back to `formatReason`.
 */
export function describeValue(value: unknown, depth = 0): string {
  try {
    if (
      typeof value === "object" &&
      value !== null &&
      typeof (value as { toString?: unknown }).toString === "function" &&
      (value as object).toString !== Object.prototype.toString &&
      !Array.isArray(value) &&
      !(value instanceof Error)
    ) {
      return String(value);
    }
    if (Array.isArray(value)) {
      if (depth >= 8) return "[…]";
      const items = value.length > 100 ? value.slice(0, 100) : value;
      const more = value.length > 100 ? `, …${value.length - 100} more` : "";
      return `[${items.map((v) => describeValue(v, depth + 1)).join(", ")}${more}]`;
    }
  } catch {
    // a hostile value: formatReason never throws
  }
  return formatReason(value);
}

function describeOperation(op: CallOperation): string {
  return `${op.module}.${op.function}(${op.args.map((a) => describeValue(a)).join(", ")})`;
}

function describeReason(reason: unknown, op: CallOperation): string {
  if (reason === "timeout") {
    return op.function === "asyncStream"
      ? 'a task did not finish within the timeout; raise `timeout`, or pass `onTimeout: "kill_task"` to get an exit element instead'
      : "no reply within the timeout; raise the timeout, or use Task.yield to poll without failing";
  }
  if (typeof reason === "object" && reason !== null && "nodedown" in reason) {
    return `the task's node ${formatReason((reason as { nodedown: unknown }).nodedown)} is unreachable`;
  }
  return `the task exited with reason ${formatReason(reason)} before replying`;
}

/**
 * A task failed while its owner waited for it (Elixir's exit
 * `{reason, {Task, :await, [task, timeout]}}`): the task exited before replying
 * (`reason` is its exit reason, `"normal"` included), or its node went down
 * (`{ nodedown: node }`). {@link TaskTimeoutError} is the timeout case.
 *
 * Uncaught in a process, it crashes that process, as the exit does in Elixir. The exit
 * reason is the error itself, except when the task exited `"shutdown"`: then it is
 * `{ shutdown: error }`, so the owner stops quietly too.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * import { trapExit } from "@trellis/core";
 * trapExit(true); // survive the task's crash, which comes through the link
 * const task = Task.async(() => {
 *   throw new Error("boom");
 * });
 * try {
 *   await Task.await(task);
 * } catch (err) {
 *   if (err instanceof Task.TaskExitError) console.log(err.reason); // Error: boom
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class TaskExitError extends ExitError {
  /** What was being done: `{ module: "Task", function: "await", args: [task, timeout] }`. */
  readonly operation: CallOperation;

  /**
   * @param reason why the task is gone
   * @param operation what was being done
   * @param code for subclasses
   */
  constructor(reason: unknown, operation: CallOperation, code: ErrorCode = "exit") {
    super(
      reason,
      `${describeOperation(operation)} failed: ${describeReason(reason, operation)}`,
      code,
    );
    this.operation = operation;
  }

  /**
   * What the owner exits with when it does not catch this error: the error itself, or
   * `{ shutdown: error }` when the task exited `"shutdown"`.
   *
   * @example
   * ```ts
   * import * as Task from "@trellis/task";
   * const op = { module: "Task", function: "await", args: [] };
   * new Task.TaskExitError("shutdown", op).exitReason; // { shutdown: <the error> }
   * ```
   */
  override get exitReason(): unknown {
    return this.reason === "shutdown" ? { shutdown: this } : this;
  }
}

/**
 * No reply within the timeout (Elixir's exit `{:timeout, {Task, :await, [task, timeout]}}`),
 * from `await` and `awaitMany`, or a task of `asyncStream` ran past its `timeout` with
 * `onTimeout: "exit"`.
 *
 * When it is caught, the owner has let go of the task: its monitor is removed, and a late
 * reply or DOWN never reaches the mailbox. The task itself keeps running; when the error is
 * not caught, the owner crashes and the linked task dies with it.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * import { sleep } from "@trellis/core";
 * const task = Task.async(() => sleep(10_000));
 * try {
 *   await Task.await(task, 100);
 * } catch (err) {
 *   if (err instanceof Task.TaskTimeoutError) await Task.shutdown(task);
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class TaskTimeoutError extends TaskExitError {
  /** @param operation what was being done */
  constructor(operation: CallOperation) {
    super("timeout", operation, "timeout");
  }
}

/**
 * A task was awaited, yielded, shut down or ignored by a process other than its owner
 * (Elixir's ArgumentError "task … must be queried from the owner but was queried from …").
 * Only the process that started a task receives its reply and its DOWN.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * import { spawn } from "@trellis/core";
 * const task = Task.async(() => 1);
 * spawn(async () => {
 *   await Task.await(task); // rejects with NotOwnerError
 * });
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class NotOwnerError extends BadArgumentError {
  /** The task's pid (`undefined` for a completed task). */
  readonly task: Pid | undefined;
  /** The process that owns the task. */
  readonly owner: Pid;
  /** The process that asked. */
  readonly caller: Pid;

  /**
   * @param operation the function called, e.g. `"Task.await"`
   * @param task the task's pid
   * @param owner its owner
   * @param caller the process that called
   */
  constructor(operation: string, task: Pid | undefined, owner: Pid, caller: Pid) {
    super(
      `${operation}: the task ${task === undefined ? "(completed)" : String(task)} must be queried from its owner ${owner}, but was queried from ${caller}; only the process that started a task can await, yield, shut down or ignore it`,
    );
    this.task = task;
    this.owner = owner;
    this.caller = caller;
  }
}

/**
 * A task whose result has already been taken (by `await`, `awaitMany`, `yield`,
 * `yieldMany`, `shutdown` or `ignore`) was awaited or yielded again. A task replies once.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const task = Task.async(() => 1);
 * await Task.await(task);
 * await Task.await(task); // rejects with AlreadyAwaitedError
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class AlreadyAwaitedError extends BadArgumentError {
  /** The task's pid (`undefined` for a completed task). */
  readonly task: Pid | undefined;

  /** @param operation the function called @param task the task's pid */
  constructor(operation: string, task: Pid | undefined) {
    super(
      `${operation}: the result of the task ${task === undefined ? "(completed)" : String(task)} has already been taken (by Task.await, Task.yield, Task.shutdown or Task.ignore); a task replies once, so await or yield it only until it has answered`,
    );
    this.task = task;
  }
}

/**
 * A process started a second wait for tasks (`Task.await`, `Task.yield`, `awaitMany`,
 * `yieldMany`) while another was still pending, as
 * `Promise.all([Task.await(a), Task.await(b)])` does. A process takes one message at a
 * time, as on the BEAM, so concurrent waits in one process are refused at once, whatever
 * has arrived already; wait for several tasks with `Task.awaitMany` or `Task.yieldMany`.
 * The first wait goes on.
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * const [a, b] = [Task.async(() => 1), Task.async(() => 2)];
 * await Promise.all([Task.await(a), Task.await(b)]); // rejects with ConcurrentWaitError
 * await Task.awaitMany([a, b]); // [1, 2]: what to write instead
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class ConcurrentWaitError extends BadArgumentError {
  /** The process that waits. */
  readonly pid: Pid;

  /** @param operation the function called, e.g. `"Task.await"` @param pid the caller */
  constructor(operation: string, pid: Pid) {
    super(
      `${operation}: the process ${pid} is already waiting for a task; a process takes one message at a time, so Promise.all over Task.await (or Task.yield) cannot work: use Task.awaitMany([a, b]) or Task.yieldMany([a, b]) to wait for several tasks`,
    );
    this.pid = pid;
  }
}

/**
 * An invalid argument or option: a `timeout` that is not a number of milliseconds >= 0 or
 * `Infinity`, a `maxConcurrency` below 1, an unknown `onTimeout`, a bad `shutdown`… `option`
 * names it and `value` is what was given (Elixir raises an ArgumentError).
 *
 * @example
 * ```ts
 * import * as Task from "@trellis/task";
 * try {
 *   Task.asyncStream([1, 2], (x) => x, { maxConcurrency: 0 });
 * } catch (err) {
 *   if (err instanceof Task.TaskOptionError) console.log(err.option, err.value); // "maxConcurrency" 0
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class TaskOptionError extends BadArgumentError {
  /** The option or argument at fault. */
  readonly option: string;
  /** What was given. */
  readonly value: unknown;

  /**
   * @param operation the function called, e.g. `"Task.asyncStream"`
   * @param option the option at fault
   * @param value what was given
   * @param expected what is accepted
   */
  constructor(operation: string, option: string, value: unknown, expected: string) {
    super(`${operation}: ${option} must be ${expected}, got ${describeValue(value)}`);
    this.option = option;
    this.value = value;
  }
}
