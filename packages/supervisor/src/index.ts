/**
 * # @trellis/supervisor
 *
 * A supervisor is a process that starts other processes, its *children*, watches them, and
 * restarts them when they exit, following Erlang/OTP's rules exactly: restart strategies,
 * restart types, restart intensity and an orderly shutdown. Supervisors started under
 * supervisors make a *supervision tree*, the backbone of a fault-tolerant application:
 * a crash is contained where it happens, and the part of the tree that depends on the
 * crashed process starts again in a known state.
 *
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * ```
 *
 * ## Example
 *
 * Each child is described by a *child spec* ({@link ChildSpec}): an `id`
 * and a `start` function that starts the child, links it to the caller (the supervisor)
 * and resolves with its pid. Every Trellis behaviour's `startLink` has that shape.
 *
 * {@includeCode ../test/examples.ts#basic}
 *
 * ## Starting
 *
 * - {@link startLink}`(children, { strategy, maxRestarts, maxSeconds, autoShutdown, name })`
 *   starts the supervisor linked to the caller, then its children one after another, in
 *   list order. If a child fails to start, those already started are stopped in reverse
 *   order and the start rejects with a {@link StartChildError} naming the child.
 * - {@link startLink}`(definition, arg, options)` with a {@link define}d supervisor whose
 *   `init(arg)` computes the children ({@link init}) inside the new process, or returns
 *   `"ignore"`.
 * - {@link start} is the same without a link, for a top-level supervisor.
 *
 * ## Strategies
 *
 * `"one_for_one"` restarts only the child that exited; `"one_for_all"` stops the others
 * (newest first) and starts them all again (in start order); `"rest_for_one"` does that for
 * the children started after it. Use `one_for_one` for independent children, `one_for_all`
 * when each child needs all the others, `rest_for_one` when later children depend on
 * earlier ones. See the Supervisor guide.
 *
 * ## Restarts and intensity
 *
 * A `"permanent"` child is always restarted, a `"transient"` child only after an abnormal
 * exit (not `"normal"`, `"shutdown"` or `{ shutdown: term }`), a `"temporary"` child never.
 * More than `maxRestarts` restarts within `maxSeconds` stop the supervisor: it terminates
 * all its children and exits with `"shutdown"`, so its own supervisor can deal with it. A
 * restart that fails is retried at once, and every attempt counts.
 *
 * ## Shutdown
 *
 * When its parent exits (or {@link stop} is called, or the intensity is exceeded), a
 * supervisor stops its children one at a time, newest first: each gets the exit signal
 * `"shutdown"` and `shutdown` milliseconds to exit (default 5000 for workers, `Infinity`
 * for supervisors) before it is killed; `"brutal_kill"` kills at once.
 *
 * ## Managing children
 *
 * {@link startChild}, {@link terminateChild}, {@link restartChild}, {@link deleteChild},
 * {@link whichChildren}, {@link countChildren}, {@link getChildSpec} and {@link tree}. They
 * reject with typed errors ({@link ChildError}, {@link ChildAlreadyStartedError},
 * {@link StartChildError}, {@link ChildSpecError}) where Erlang returns `{error, _}`, and
 * wait for the supervisor as long as it takes (Erlang's `infinity`).
 *
 * ## Names
 *
 * `name` registers the supervisor locally (a string) or through a `via` registry; every
 * function accepts the pid or the name.
 *
 * ## When to use
 *
 * Supervise every long-lived process of an application. For children started on demand
 * and all alike (connections, sessions, jobs), use `@trellis/dynamic-supervisor`.
 *
 * ## Learn more
 *
 * The Supervisor and DynamicSupervisor guides, and the Supervisor section of the Erlang
 * mapping (`docs/erlang-mapping.md`).
 *
 * @packageDocumentation
 */
export type { ChildSpec, ChildStartResult, RestartType, Shutdown } from "@trellis/core";
export {
  ChildAlreadyStartedError,
  ChildError,
  type ChildErrorReason,
  ChildSpecError,
  type ChildSpecProblem,
  type FlagsProblem,
  StartChildError,
  SupervisorFlagsError,
} from "./errors.js";
export { RestartIntensity } from "./intensity.js";
export {
  type SupervisorAnswer,
  type SupervisorRequest,
  supervisorRequest,
} from "./protocol.js";
export { type ShutdownTarget, shutdownChildren } from "./shutdown.js";
export {
  childSpec,
  countChildren,
  define,
  deleteChild,
  getChildSpec,
  init,
  restartChild,
  start,
  startChild,
  startLink,
  stop,
  supervisorChildSpec,
  type TreeOptions,
  terminateChild,
  tree,
  whichChildren,
} from "./supervisor.js";
export type {
  AutoShutdown,
  ChildCounts,
  ChildInfo,
  ChildSpecOverrides,
  ChildType,
  Definition,
  InitSpec,
  ResolvedChildSpec,
  StartOptions,
  Strategy,
  SupervisorFlags,
  SupervisorOptions,
  TreeNode,
} from "./types.js";
export { type CheckChildSpecOptions, checkChildSpec, checkChildSpecs } from "./validate.js";
