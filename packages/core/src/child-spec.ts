/**
 * Child specifications: how a supervisor starts, restarts and stops a child. Defined in core
 * so that every behaviour package can produce them and the supervisor packages can consume
 * them without depending on each other.
 *
 * @module
 */
import { BadArgumentError, formatReason } from "./errors.js";
import type { Pid } from "./pid.js";

/**
 * What a child's start function resolves with: the pid of the started (and linked) child,
 * or `"ignore"` when the child decided not to run (Erlang's `ignore`). To fail, it throws
 * or rejects (Erlang's `{error, Reason}`): an `InitError` carries the reason.
 *
 * @since 0.1.0
 * @category Supervision
 */
export type ChildStartResult = Pid | "ignore";

/**
 * When a supervisor restarts a child that exited:
 * - `"permanent"`: always;
 * - `"transient"`: unless it exited `"normal"`, `"shutdown"` or `{ shutdown: term }`;
 * - `"temporary"`: never (and its spec is dropped when it exits).
 *
 * @since 0.1.0
 * @category Supervision
 */
export type RestartType = "permanent" | "transient" | "temporary";

/**
 * How a supervisor stops a child: milliseconds to wait after sending `"shutdown"` before
 * killing it, `"brutal_kill"` to kill at once, or `Infinity` to wait forever (the default for
 * supervisors; workers default to 5000).
 *
 * @since 0.1.0
 * @category Supervision
 */
export type Shutdown = number | "brutal_kill";

/**
 * A child specification (Erlang's `child_spec()` map). Only `id` and `start` are required;
 * supervisors fill in the defaults (`restart: "permanent"`, `shutdown: 5000` for a worker and
 * `Infinity` for a supervisor, `type: "worker"`, `significant: false`).
 *
 * @example
 * ```ts
 * import type { ChildSpec } from "@trellis/core";
 * import { spawnLink, receive } from "@trellis/core";
 * const worker: ChildSpec = {
 *   id: "worker",
 *   start: async () => spawnLink(async () => { await receive(); }),
 *   restart: "transient",
 *   shutdown: 1000,
 * };
 * ```
 * @since 0.1.0
 * @category Supervision
 */
export interface ChildSpec {
  /** Identifies the child inside its supervisor (any term; compared with term equality). */
  readonly id: unknown;
  /**
   * Starts the child, links it to the caller (the supervisor) and resolves with its pid, or
   * `"ignore"`. Throws or rejects when the child cannot start. A DynamicSupervisor passes its
   * `extraArguments` first.
   *
   * Supervisors also accept the pid (or `"ignore"`) returned synchronously, but the type
   * asks for a promise: with `Promise<ChildStartResult> | ChildStartResult` TypeScript
   * would widen the common `async () => "ignore"` to `Promise<string>` and reject it (it
   * keeps a literal in an async function only when the expected return type is a promise,
   * not a union with one). Write `async () => spawnLink(…)` for a synchronous start.
   */
  readonly start: (...extraArguments: never[]) => Promise<ChildStartResult>;
  /** When to restart the child. Default `"permanent"`. */
  readonly restart?: RestartType;
  /** How to stop the child. Default `5000` for workers, `Infinity` for supervisors. */
  readonly shutdown?: Shutdown;
  /** `"worker"` (default) or `"supervisor"`. */
  readonly type?: "worker" | "supervisor";
  /** Whether the child's exit can trigger the supervisor's `autoShutdown`. Default `false`. */
  readonly significant?: boolean;
  /** Names of the code the child runs, for tooling (Erlang's `modules`). */
  readonly modules?: readonly string[];
}

/**
 * Checks the child options a behaviour takes for its child spec (`restart`, `shutdown`):
 * throws a `BadArgumentError` naming `what` when `options` is not an object, `restart` is
 * not a {@link RestartType} or `shutdown` is not a {@link Shutdown}. Both may be absent.
 * For authors of behaviours, so that every `childSpec` rejects the same mistakes with the
 * same words.
 *
 * @example
 * ```ts
 * import { checkChildOptions } from "@trellis/core";
 * checkChildOptions("MyBehaviour.childSpec", { restart: "transient", shutdown: 5000 }); // fine
 * try {
 *   checkChildOptions("MyBehaviour.childSpec", { restart: "sometimes" });
 * } catch (e) {
 *   console.log((e as Error).message); // MyBehaviour.childSpec: restart must be "permanent", …
 * }
 * ```
 * @throws {BadArgumentError} as described
 * @since 0.1.0
 * @category Supervision
 */
export function checkChildOptions(
  what: string,
  options: { readonly restart?: unknown; readonly shutdown?: unknown } | undefined,
): void {
  if (typeof what !== "string") {
    throw new BadArgumentError(
      `checkChildOptions: what must be a string naming the caller, got ${formatReason(what)}`,
    );
  }
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(`${what}: options must be an object, got ${formatReason(options)}`);
  }
  let restart: unknown;
  let shutdown: unknown;
  try {
    ({ restart, shutdown } = options);
  } catch (e) {
    // a hostile object (a revoked proxy, a throwing getter): its own error is not ours to throw
    throw new BadArgumentError(`${what}: options could not be read: ${formatReason(e)}`);
  }
  if (
    restart !== undefined &&
    restart !== "permanent" &&
    restart !== "transient" &&
    restart !== "temporary"
  ) {
    throw new BadArgumentError(
      `${what}: restart must be "permanent", "transient" or "temporary", got ${formatReason(restart)}`,
    );
  }
  if (
    shutdown !== undefined &&
    shutdown !== "brutal_kill" &&
    !(typeof shutdown === "number" && shutdown >= 0)
  ) {
    throw new BadArgumentError(
      `${what}: shutdown must be a number of milliseconds >= 0, Infinity or "brutal_kill", got ${formatReason(shutdown)}`,
    );
  }
}
