/**
 * # @trellis/task
 *
 * A task is a process that runs one function and sends its result to the process that
 * started it: Elixir's `Task` and `Task.Supervisor`. Where a Promise only carries a value,
 * a task is a process, with what processes have and Promises lack: a crash that
 * propagates (the task is linked to its owner), a timeout that actually stops the work
 * ({@link shutdown} kills the process and aborts its `AbortSignal`), a supervisor that
 * isolates failures ({@link Supervisor.asyncNolink}), and bounded concurrency over a
 * stream of inputs ({@link asyncStream}).
 *
 * ```ts
 * import * as Task from "@trellis/task";
 * ```
 *
 * ## Example
 *
 * {@includeCode ../test/examples.ts#basic}
 *
 * ## async and await
 *
 * {@link async}`(fn)` starts `fn` in a new process, linked to the caller and monitored by
 * it, and returns a {@link Task}. When `fn` returns, the task sends its owner a
 * {@link TaskReply} and exits `"normal"`. `Task.await(task, timeout = 5000)` takes that
 * reply (and the DOWN) and resolves with the result; {@link awaitMany} does it for a list,
 * in input order. Only the owner may await a task ({@link NotOwnerError}), and only once
 * ({@link AlreadyAwaitedError}).
 *
 * A task that crashes crashes its owner with the same reason (and an owner that crashes
 * takes its tasks down), unless the owner traps exits: then `Task.await` rejects with a
 * {@link TaskExitError} carrying the reason. A timeout rejects with a
 * {@link TaskTimeoutError}; caught, it leaves nothing behind (no monitor, and the late
 * reply is never delivered); uncaught, it crashes the owner and the linked task dies too.
 * Like a failed `GenServer.call`, these errors are exits: uncaught in a process, they
 * crash it with the error as the reason.
 *
 * ## Polling and stopping
 *
 * `Task.yield(task, timeout)` returns `{ type: "ok", value }`, `{ type: "exit", reason }`
 * or `null` while the task is still running, and can be called again; {@link yieldMany}
 * does it for a list, with `limit` and `onTimeout`. {@link shutdown} stops a task and says
 * what became of it; {@link ignore} lets it run on, unlinked, its result discarded. The
 * usual pattern:
 *
 * {@includeCode ../test/examples.ts#yield}
 *
 * ## Streams
 *
 * {@link asyncStream}`(inputs, fn, options)` runs `fn` on each input in tasks, at most
 * `maxConcurrency` at a time, and returns an async iterable for `for await`. It is lazy,
 * keeps the input order unless `ordered: false`, gives each task a `timeout`, and stopping
 * the loop early kills the tasks still running and leaves nothing behind.
 *
 * {@includeCode ../test/examples.ts#stream}
 *
 * ## Supervision
 *
 * {@link Supervisor} is Task.Supervisor: a DynamicSupervisor for tasks. Start one in your
 * supervision tree with {@link Supervisor.childSpec}, then start tasks under it:
 * {@link Supervisor.async} (linked to the caller), {@link Supervisor.asyncNolink} (not
 * linked: a crash comes back only as a result), {@link Supervisor.startChild} (fire and
 * forget), and the two streams. To run a single function as a supervised child of an
 * ordinary Supervisor, use {@link childSpec} (`restart: "temporary"`).
 *
 * {@includeCode ../test/examples.ts#supervised}
 *
 * ## Callers
 *
 * Inside a task, {@link callers}`()` is the chain of processes that asked for it (Elixir's
 * `$callers`), and {@link ancestors}`()` the chain that started it (`$ancestors`).
 *
 * ## When not to use it
 *
 * A task costs a process: a few microseconds and a few hundred bytes. For I/O that needs no
 * cancellation, supervision or owner, a plain `Promise` (or `Promise.all`) is cheaper.
 * Tasks are for work whose failure must be noticed, whose time must be bounded, or whose
 * concurrency must be limited. A task is not a server: for state that lives on, use a
 * GenServer or an Agent.
 *
 * ## Learn more
 *
 * The guide "Task" (docs/guides/tasks.md), and the Task section of docs/erlang-mapping.md.
 *
 * @packageDocumentation
 */
import * as Supervisor from "./supervisor.js";

export {
  AlreadyAwaitedError,
  ConcurrentWaitError,
  NotOwnerError,
  TaskExitError,
  TaskOptionError,
  TaskTimeoutError,
} from "./errors.js";
export { isTaskReply, Task, TaskReply } from "./internal/core.js";
export {
  type AsyncStreamOptions,
  asyncStream,
  type StreamExit,
  type StreamResult,
} from "./stream.js";
export type {
  StartChildOptions,
  SupervisedAsyncOptions,
  SupervisedStreamOptions,
  TaskSupervisorChildSpecOptions,
  TaskSupervisorOptions,
} from "./supervisor.js";
export {
  ancestors,
  async,
  awaitMany,
  awaitTask as await,
  callers,
  childSpec,
  completed,
  ignore,
  type ResultOf,
  shutdown,
  start,
  startLink,
  type TaskChildSpecOptions,
  type TaskExit,
  type TaskOk,
  type TaskResult,
  type YieldManyOptions,
  yieldMany,
  yieldTask as yield,
} from "./task.js";
export { Supervisor };
