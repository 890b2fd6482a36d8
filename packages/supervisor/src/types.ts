/**
 * The public types of `@trellis/supervisor`.
 *
 * @module
 */
import type { ChildSpec, Pid, ProcessName, Runtime } from "@trellis/core";

/**
 * How a supervisor reacts when a child that must be restarted exits (Erlang's `strategy`):
 *
 * - `"one_for_one"`: only that child is restarted;
 * - `"one_for_all"`: the other children are terminated (in reverse start order), then all
 *   children are started again (in start order);
 * - `"rest_for_one"`: the children started after it are terminated (in reverse start
 *   order), then it and those children are started again (in start order).
 *
 * A group restart counts as one restart towards the restart intensity.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * const strategy: Supervisor.Strategy = "rest_for_one";
 * await Supervisor.startLink([db, cache, api], { strategy });
 * ```
 * @since 0.1.0
 * @category Options
 */
export type Strategy = "one_for_one" | "one_for_all" | "rest_for_one";

/**
 * When a supervisor shuts itself down because significant children exited (Erlang's
 * `auto_shutdown`):
 *
 * - `"never"` (the default): never; children may not be significant;
 * - `"any_significant"`: as soon as any significant child exits on its own without being
 *   restarted;
 * - `"all_significant"`: once every significant child has exited.
 *
 * The supervisor then terminates its other children and exits with `"shutdown"`.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * await Supervisor.startLink(
 *   [{ id: "task", start: startTask, restart: "transient", significant: true }, helper],
 *   { strategy: "one_for_one", autoShutdown: "any_significant" },
 * );
 * ```
 * @since 0.1.0
 * @category Options
 */
export type AutoShutdown = "never" | "any_significant" | "all_significant";

/**
 * `"worker"` or `"supervisor"`: what kind of process a child is (Erlang's child `type`).
 *
 * @example
 * ```ts
 * import type { ChildType } from "@trellis/supervisor";
 * const type: ChildType = "supervisor";
 * ```
 * @since 0.1.0
 * @category Child specs
 */
export type ChildType = "worker" | "supervisor";

/**
 * The supervisor flags (Erlang's `sup_flags()`). Only `strategy` is required.
 *
 * @example
 * ```ts
 * import type { SupervisorFlags } from "@trellis/supervisor";
 * const flags: SupervisorFlags = { strategy: "one_for_one", maxRestarts: 10, maxSeconds: 60 };
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface SupervisorFlags {
  /** The restart strategy. Required. */
  readonly strategy: Strategy;
  /**
   * The most restarts allowed within `maxSeconds` (Erlang's `intensity`): one more and the
   * supervisor terminates all its children and exits with `"shutdown"`. A non-negative
   * integer; default `3`. With `0`, the first restart already stops the supervisor.
   */
  readonly maxRestarts?: number;
  /** The window for `maxRestarts`, in seconds (Erlang's `period`). A positive integer; default `5`. */
  readonly maxSeconds?: number;
  /** Whether the exit of significant children shuts the supervisor down. Default `"never"`. */
  readonly autoShutdown?: AutoShutdown;
}

/**
 * Options of the start functions of every Trellis supervisor.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * import { createRuntime } from "@trellis/core";
 * const options: Supervisor.StartOptions = { name: "app", runtime: createRuntime() };
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface StartOptions {
  /** Register the supervisor under this name (a string, or a `via` name). */
  readonly name?: ProcessName;
  /**
   * The runtime to start in when `start` is called outside process code. Default: the
   * default runtime. Inside process code the caller's runtime is used.
   */
  readonly runtime?: Runtime;
}

/**
 * Options of {@link startLink} with a list of children: the flags and the start options.
 *
 * @example
 * ```ts
 * import type { SupervisorOptions } from "@trellis/supervisor";
 * const options: SupervisorOptions = { strategy: "rest_for_one", name: "app" };
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface SupervisorOptions extends SupervisorFlags, StartOptions {}

/**
 * What a {@link Definition}'s `init` returns to run: the children and the flags. Build it
 * with {@link init}.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * const spec: Supervisor.InitSpec = Supervisor.init([worker], { strategy: "one_for_one" });
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export interface InitSpec {
  /** The child specs, in start order. */
  readonly children: readonly ChildSpec[];
  /** The flags. */
  readonly flags: SupervisorFlags;
}

/**
 * A supervisor defined by a function that computes its children when it starts (Elixir's
 * module-based supervisor with `init/1`). `init` runs inside the new supervisor process
 * every time it starts, so a restarted supervisor gets fresh children.
 *
 * @typeParam Arg - what the start functions pass to `init`
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * const Shards: Supervisor.Definition<number> = {
 *   init: (count) => Supervisor.init(Array.from({ length: count }, (_, i) => shard(i)), { strategy: "one_for_one" }),
 * };
 * await Supervisor.startLink(Shards, 8);
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export interface Definition<Arg> {
  /**
   * Returns the children and flags ({@link init}), or `"ignore"` to not start at all (the
   * start resolves with `"ignore"` and the process exits `"normal"`). Throwing makes the
   * start fail with an `InitError` carrying the thrown value.
   */
  init(arg: Arg): InitSpec | "ignore" | PromiseLike<InitSpec | "ignore">;
}

/**
 * A child spec with every default filled in, as {@link getChildSpec} returns it.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * const spec: Supervisor.ResolvedChildSpec = await Supervisor.getChildSpec(sup, "db");
 * spec.restart; // "permanent" unless the spec said otherwise
 * ```
 * @since 0.1.0
 * @category Child specs
 */
export type ResolvedChildSpec = Required<ChildSpec>;

/**
 * One entry of {@link whichChildren} (Erlang's `{Id, Child, Type, Modules}`).
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * const restarting = (await Supervisor.whichChildren(sup)).filter((c) => c.pid === "restarting");
 * ```
 * @since 0.1.0
 * @category Introspection
 */
export interface ChildInfo {
  /** The child's id (`undefined` for the children of a DynamicSupervisor). */
  readonly id: unknown;
  /**
   * The running child's pid; `undefined` if its spec is kept but it is not running;
   * `"restarting"` while a failed restart is being retried.
   */
  readonly pid: Pid | undefined | "restarting";
  /** `"worker"` or `"supervisor"`. */
  readonly type: ChildType;
  /** The child spec's `modules`. */
  readonly modules: readonly string[];
  /** How many times the supervisor has restarted this child (a Trellis addition). */
  readonly restarts: number;
}

/**
 * What {@link countChildren} returns (Erlang's `count_children`).
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * const { specs, active } = await Supervisor.countChildren(sup);
 * console.log(`${active} of ${specs} children running`);
 * ```
 * @since 0.1.0
 * @category Introspection
 */
export interface ChildCounts {
  /** All child specs, running or not. */
  readonly specs: number;
  /** Children that are running. */
  readonly active: number;
  /** Specs of type `"supervisor"`, running or not. */
  readonly supervisors: number;
  /** Specs of type `"worker"`, running or not. */
  readonly workers: number;
}

/**
 * One node of the tree {@link tree} returns: a child, and the children of a running child
 * supervisor.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * function print(nodes: readonly Supervisor.TreeNode[], indent = ""): void {
 *   for (const n of nodes) {
 *     console.log(`${indent}${String(n.id)} ${String(n.pid)} restarts=${n.restarts}`);
 *     if (n.children !== undefined) print(n.children, `${indent}  `);
 *   }
 * }
 * print(await Supervisor.tree(root));
 * ```
 * @since 0.1.0
 * @category Introspection
 */
export interface TreeNode extends ChildInfo {
  /**
   * For a running child of type `"supervisor"` that answered: its own children. Absent for
   * workers, for stopped children, and for supervisors that did not answer in time.
   */
  readonly children?: readonly TreeNode[];
}

/**
 * The child spec fields {@link childSpec} lets you set for a supervisor started as a child.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * Supervisor.childSpec([worker], { strategy: "one_for_one", id: "workers", shutdown: 30_000 });
 * ```
 * @since 0.1.0
 * @category Child specs
 */
export interface ChildSpecOverrides {
  /** The child id. Default `"Supervisor"`. */
  readonly id?: unknown;
  /** Default `"permanent"`. */
  readonly restart?: ChildSpec["restart"];
  /** Default `Infinity`, so that the supervisor has all the time its own children need. */
  readonly shutdown?: ChildSpec["shutdown"];
  /** Default `false`. */
  readonly significant?: boolean;
}
