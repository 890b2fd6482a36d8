/**
 * The errors of `@trellis/supervisor` (also thrown by `@trellis/dynamic-supervisor`).
 *
 * @module
 */
import {
  AlreadyStartedError,
  BadArgumentError,
  formatReason,
  InitError,
  type Pid,
} from "@trellis/core";
import { describeId } from "./internal/describe.js";

/**
 * What is wrong with a child spec (Erlang's child spec errors, plus `invalid_id` and
 * `invalid_child_spec` for values that are not specs at all).
 *
 * @example
 * ```ts
 * import { ChildSpecError, type ChildSpecProblem } from "@trellis/supervisor";
 * const isMissing = (e: ChildSpecError): boolean =>
 *   (["missing_id", "missing_start"] as ChildSpecProblem[]).includes(e.reason);
 * ```
 * @since 0.1.0
 * @category Errors
 */
export type ChildSpecProblem =
  | "invalid_child_spec"
  | "missing_id"
  | "invalid_id"
  | "missing_start"
  | "invalid_start"
  | "invalid_restart_type"
  | "invalid_shutdown"
  | "invalid_child_type"
  | "invalid_significant"
  | "invalid_modules"
  | "duplicate_child_name"
  | "bad_combination";

/**
 * An invalid child spec (Erlang's `{start_spec, Error}` at start, `{error, Error}` from
 * `start_child`): a missing or invalid field, a duplicate id, or a bad combination such as
 * `significant: true` with `restart: "permanent"`. `field` and `value` say what was wrong.
 *
 * Thrown by {@link checkChildSpecs}, and the rejection of `startLink`, `start` and
 * `startChild` when a spec is invalid; nothing is started then.
 *
 * @example
 * ```ts
 * import { checkChildSpecs, ChildSpecError } from "@trellis/supervisor";
 * try {
 *   checkChildSpecs([{ id: "a", start: async () => "ignore", shutdown: -1 }]);
 * } catch (err) {
 *   if (err instanceof ChildSpecError) console.log(err.reason, err.field, err.value);
 *   // "invalid_shutdown" "shutdown" -1
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class ChildSpecError extends BadArgumentError {
  /** What is wrong, as Erlang names it. */
  readonly reason: ChildSpecProblem;
  /** The field at fault (`"id"`, `"shutdown"`…), or `undefined` when the whole spec is. */
  readonly field: string | undefined;
  /** The offending value. */
  readonly value: unknown;
  /** The id of the spec at fault (`undefined` if it has none). */
  readonly childId: unknown;

  /**
   * @param reason what is wrong
   * @param field the field at fault
   * @param value the offending value
   * @param childId the spec's id
   * @param hint what is accepted, or what to do
   */
  constructor(
    reason: ChildSpecProblem,
    field: string | undefined,
    value: unknown,
    childId: unknown,
    hint: string,
  ) {
    const which = childId === undefined ? "a child spec" : `the child spec ${describeId(childId)}`;
    const what = field === undefined ? "" : ` ${field}: ${formatReason(value)} -`;
    super(`invalid child spec (${reason}) in ${which}:${what} ${hint}`);
    this.reason = reason;
    this.field = field;
    this.value = value;
    this.childId = childId;
  }
}

/**
 * What is wrong with the supervisor flags (Erlang's `{supervisor_data, Error}` errors).
 *
 * @example
 * ```ts
 * import type { FlagsProblem, SupervisorFlagsError } from "@trellis/supervisor";
 * const aboutIntensity = (e: SupervisorFlagsError): boolean =>
 *   (["invalid_intensity", "invalid_period"] as FlagsProblem[]).includes(e.reason);
 * ```
 * @since 0.1.0
 * @category Errors
 */
export type FlagsProblem =
  | "invalid_flags"
  | "invalid_strategy"
  | "invalid_intensity"
  | "invalid_period"
  | "invalid_auto_shutdown"
  | "invalid_max_children"
  | "invalid_extra_arguments";

/**
 * Invalid supervisor flags: a missing or unknown strategy, a negative or fractional
 * `maxRestarts`, a `maxSeconds` that is not a positive integer, an unknown `autoShutdown`,
 * and for a DynamicSupervisor a bad `maxChildren` or `extraArguments`. Nothing is started.
 *
 * @example
 * ```ts
 * import { SupervisorFlagsError, RestartIntensity } from "@trellis/supervisor";
 * try {
 *   new RestartIntensity(-1, 5);
 * } catch (err) {
 *   if (err instanceof SupervisorFlagsError) console.log(err.reason, err.field); // "invalid_intensity" "maxRestarts"
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class SupervisorFlagsError extends BadArgumentError {
  /** What is wrong, as Erlang names it. */
  readonly reason: FlagsProblem;
  /** The option at fault (`"strategy"`, `"maxRestarts"`…). */
  readonly field: string;
  /** The offending value. */
  readonly value: unknown;

  /**
   * @param reason what is wrong
   * @param field the option at fault
   * @param value the offending value
   * @param hint what is accepted
   */
  constructor(reason: FlagsProblem, field: string, value: unknown, hint: string) {
    super(`invalid supervisor flags (${reason}): ${field}: ${formatReason(value)} - ${hint}`);
    this.reason = reason;
    this.field = field;
    this.value = value;
  }
}

/**
 * Why a supervisor refused an operation on a child (Erlang's `{error, Reason}` of the
 * child functions).
 *
 * @example
 * ```ts
 * import type { ChildErrorReason } from "@trellis/supervisor";
 * const harmless: ChildErrorReason[] = ["not_found"];
 * ```
 * @since 0.1.0
 * @category Errors
 */
export type ChildErrorReason =
  | "not_found"
  | "running"
  | "restarting"
  | "already_present"
  | "max_children";

const CHILD_HINTS: Record<ChildErrorReason, string> = {
  not_found: "no child has this id (or pid); see whichChildren",
  running: "the child is running; terminate it with terminateChild first",
  restarting:
    "the child is being restarted after a failed restart; terminate it with terminateChild first",
  already_present:
    "a stopped child with this id is kept; restart it with restartChild, or remove it with deleteChild",
  max_children:
    "the supervisor already has maxChildren children; terminate one first or raise maxChildren",
};

/**
 * A supervisor refused an operation on a child: `reason` is `"not_found"` (no such id or
 * pid), `"running"` (restart/delete of a running child), `"restarting"` (restart/delete of
 * a child whose restart is being retried), `"already_present"` (`startChild` with the id
 * of a stopped child) or `"max_children"` (a DynamicSupervisor is full).
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * try {
 *   await Supervisor.deleteChild(sup, "cache");
 * } catch (err) {
 *   if (err instanceof Supervisor.ChildError && err.reason === "running") {
 *     await Supervisor.terminateChild(sup, "cache");
 *     await Supervisor.deleteChild(sup, "cache");
 *   }
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class ChildError extends BadArgumentError {
  /** Why the operation was refused. */
  readonly reason: ChildErrorReason;
  /** The child id (or pid) the operation was about. */
  readonly childId: unknown;

  /**
   * @param reason why the operation was refused
   * @param childId the child id or pid
   * @param operation the function that was called
   */
  constructor(reason: ChildErrorReason, childId: unknown, operation: string) {
    const which = childId === undefined ? "" : ` ${describeId(childId)}`;
    super(`${operation}${which}: ${reason}: ${CHILD_HINTS[reason]}`);
    this.reason = reason;
    this.childId = childId;
  }
}

/**
 * `startChild` was given the id of a child that is running (Erlang's
 * `{error, {already_started, Pid}}`). `pid` is the running child.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * const pid = await Supervisor.startChild(sup, spec).catch((err: unknown) => {
 *   if (err instanceof Supervisor.ChildAlreadyStartedError) return err.pid;
 *   throw err;
 * });
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class ChildAlreadyStartedError extends AlreadyStartedError {
  /** The id of the running child. */
  readonly childId: unknown;

  /** @param childId the id @param pid the running child */
  constructor(childId: unknown, pid: Pid) {
    super(childId, pid);
    this.message = `startChild: a child with the id ${describeId(childId)} is already running as ${pid}`;
    this.childId = childId;
  }
}

/**
 * A child's start function failed: it threw or rejected, or resolved with something that is
 * neither a pid nor `"ignore"`. `reason` is the child's reason (the `reason` of an
 * `InitError` it threw, else the thrown value), `childId` its id.
 *
 * `startLink`/`start` reject with it when a child fails to start during the supervisor's
 * initialisation: the children already started have then been terminated, and the
 * supervisor process exited with `{ shutdown: { failed_to_start_child: id, reason } }`.
 * `startChild` and `restartChild` reject with it too.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * try {
 *   await Supervisor.startLink(children, { strategy: "one_for_one" });
 * } catch (err) {
 *   if (err instanceof Supervisor.StartChildError) console.log(err.childId, err.reason);
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class StartChildError extends InitError {
  /** The id of the child that failed to start. */
  readonly childId: unknown;
  /**
   * When a supervisor's own start failed: the reason its process exited with,
   * `{ shutdown: { failed_to_start_child: childId, reason } }` (Erlang's `{error, Reason}` of
   * `start_link`). A supervisor above it takes this as the child's reason, so a failure deep
   * in a tree keeps its whole path. `undefined` for `startChild` / `restartChild`.
   */
  readonly exitReason: unknown;

  /**
   * @param childId the child's id @param reason why it failed
   * @param exitReason the failed supervisor's exit reason, for a failed supervisor start
   */
  constructor(childId: unknown, reason: unknown, exitReason?: unknown) {
    super(reason, reason instanceof Error ? { cause: reason } : undefined);
    this.message = `the child ${describeId(childId)} failed to start: ${formatReason(reason)}`;
    this.childId = childId;
    this.exitReason = exitReason;
  }
}
