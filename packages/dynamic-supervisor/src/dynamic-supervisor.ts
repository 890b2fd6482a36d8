/**
 * The DynamicSupervisor process and its client functions.
 *
 * @module
 */
import {
  BadArgumentError,
  CallRequest,
  type CallRequest as CallRequestType,
  type ChildSpec,
  type ChildStartResult,
  currentRuntime,
  type Dest,
  ExitError,
  ExitMessage,
  formatReason,
  InitError,
  type InitResult,
  isInstanceOf,
  isQuietReason,
  type LogReport,
  logReport,
  Pid,
  type ProcessName,
  type Runtime,
  reply,
  type SpecialProcess,
  Sys,
  send,
  startSpecial,
  trapExit,
} from "@trellis/core";
import {
  type ChildCounts,
  ChildError,
  type ChildInfo,
  type ChildSpecOverrides,
  checkChildSpec,
  type ResolvedChildSpec,
  RestartIntensity,
  StartChildError,
  type StartOptions,
  type SupervisorAnswer,
  SupervisorFlagsError,
  type SupervisorRequest,
  shutdownChildren,
  supervisorChildSpec,
  supervisorRequest,
} from "@trellis/supervisor";

const MODULE = "DynamicSupervisor";

// ---------------------------------------------------------------------------------------
// Types

/**
 * The flags of a DynamicSupervisor (Elixir's `DynamicSupervisor.init/1` options). All are
 * optional.
 *
 * @example
 * ```ts
 * import type { DynamicSupervisorFlags } from "@trellis/dynamic-supervisor";
 * const flags: DynamicSupervisorFlags = { maxChildren: 1000, maxRestarts: 10, maxSeconds: 60 };
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface DynamicSupervisorFlags {
  /** Always `"one_for_one"`, the only strategy of a DynamicSupervisor (the default). */
  readonly strategy?: "one_for_one";
  /** The most restarts allowed within `maxSeconds`: an integer >= 0, default `3`. */
  readonly maxRestarts?: number;
  /** The window for `maxRestarts`, in seconds: an integer > 0, default `5`. */
  readonly maxSeconds?: number;
  /**
   * The most children at a time, restarting ones included: an integer >= 0 or `Infinity`
   * (the default). {@link startChild} rejects with `ChildError` `"max_children"` beyond it.
   */
  readonly maxChildren?: number;
  /**
   * Arguments passed first to every child's start function, at start and at every restart.
   * Default `[]`.
   */
  readonly extraArguments?: readonly unknown[];
}

/**
 * Options of {@link startLink} and {@link start}: the flags and the start options.
 *
 * @example
 * ```ts
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * const options: DynamicSupervisor.DynamicSupervisorOptions = { name: "jobs", maxChildren: 100 };
 * await DynamicSupervisor.startLink(options);
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface DynamicSupervisorOptions extends DynamicSupervisorFlags, StartOptions {}

/**
 * The flags with every default filled in, as {@link init} returns them.
 *
 * @example
 * ```ts
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * const flags: DynamicSupervisor.InitFlags = DynamicSupervisor.init({ maxRestarts: 10 });
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export interface InitFlags {
  /** `"one_for_one"`. */
  readonly strategy: "one_for_one";
  /** Default `3`. */
  readonly maxRestarts: number;
  /** Default `5`. */
  readonly maxSeconds: number;
  /** Default `Infinity`. */
  readonly maxChildren: number;
  /** Default `[]`. */
  readonly extraArguments: readonly unknown[];
}

/**
 * A DynamicSupervisor whose flags are computed when it starts (Elixir's module-based
 * DynamicSupervisor with `init/1`).
 *
 * @typeParam Arg - what the start functions pass to `init`
 * @typeParam Init - what `init` returns: {@link InitFlags}, and `"ignore"` when it may
 *   decline to start (`define` infers it; the start functions then resolve with `"ignore"`
 *   only when `init` can return it)
 * @example
 * ```ts
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * const Pool: DynamicSupervisor.Definition<number> = {
 *   init: (size) => DynamicSupervisor.init({ maxChildren: size }),
 * };
 * await DynamicSupervisor.startLink(Pool, 50);
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export interface Definition<Arg, Init extends InitFlags | "ignore" = InitFlags | "ignore"> {
  /**
   * Runs inside the new process; returns the flags ({@link init}), or `"ignore"` to not
   * start at all (the start resolves with `"ignore"`). Throwing makes the start fail.
   */
  init(arg: Arg): Init | PromiseLike<Init>;
}

/**
 * What starting a {@link Definition} resolves with: its pid, or also `"ignore"` when its
 * `init` may return `"ignore"`.
 *
 * @example
 * ```ts
 * import type { Pid } from "@trellis/core";
 * import type * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * type A = DynamicSupervisor.Started<DynamicSupervisor.InitFlags>; // Pid
 * type B = DynamicSupervisor.Started<DynamicSupervisor.InitFlags | "ignore">; // Pid | "ignore"
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export type Started<Init> = [Extract<Init, "ignore">] extends [never] ? Pid : Pid | "ignore";

// ---------------------------------------------------------------------------------------
// Validation

function checkFlags(flags: DynamicSupervisorFlags): InitFlags {
  if (typeof flags !== "object" || flags === null) {
    throw new SupervisorFlagsError(
      "invalid_flags",
      "flags",
      flags,
      "the flags are an object (or nothing)",
    );
  }
  const strategy = flags.strategy ?? "one_for_one";
  if (strategy !== "one_for_one") {
    throw new SupervisorFlagsError(
      "invalid_strategy",
      "strategy",
      strategy,
      'a DynamicSupervisor only supports "one_for_one"; use a Supervisor for the other strategies',
    );
  }
  const intensity = new RestartIntensity(flags.maxRestarts ?? 3, flags.maxSeconds ?? 5);
  const maxChildren = flags.maxChildren ?? Number.POSITIVE_INFINITY;
  if (
    typeof maxChildren !== "number" ||
    !(Number.isSafeInteger(maxChildren) || maxChildren === Number.POSITIVE_INFINITY) ||
    maxChildren < 0
  ) {
    throw new SupervisorFlagsError(
      "invalid_max_children",
      "maxChildren",
      maxChildren,
      "maxChildren is an integer >= 0 or Infinity",
    );
  }
  const extraArguments = flags.extraArguments ?? [];
  if (!Array.isArray(extraArguments)) {
    throw new SupervisorFlagsError(
      "invalid_extra_arguments",
      "extraArguments",
      extraArguments,
      "extraArguments is an array",
    );
  }
  return {
    strategy,
    maxRestarts: intensity.maxRestarts,
    maxSeconds: intensity.maxSeconds,
    maxChildren,
    extraArguments,
  };
}

function isInitFlags(value: unknown): value is InitFlags {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------
// Protocol (the same shapes as @trellis/supervisor's, so that Supervisor.whichChildren,
// countChildren and tree work on a DynamicSupervisor)

// ---------------------------------------------------------------------------------------
// The process

class Child {
  readonly spec: ResolvedChildSpec;
  /** The current pid; while restarting, the pid it had (its key). */
  pid: Pid;
  restarting = false;
  restarts = 0;
  constructor(spec: ResolvedChildSpec, pid: Pid) {
    this.spec = spec;
    this.pid = pid;
  }
}

/** The message a DynamicSupervisor sends itself to retry a failed restart. */
class RetryRestart {
  readonly key: Pid;
  readonly child: Child;
  constructor(key: Pid, child: Child) {
    this.key = key;
    this.child = child;
  }
}

class StartFailure {
  readonly reason: unknown;
  constructor(reason: unknown) {
    this.reason = reason;
  }
}

function startFailureReason(e: unknown): unknown {
  // A child supervisor that failed to start keeps the path down to the failing grandchild.
  if (e instanceof StartChildError && e.exitReason !== undefined) return e.exitReason;
  if (e instanceof InitError) return e.reason;
  if (e instanceof ExitError) return e.exitReason;
  if (e instanceof Error) return e;
  return { nocatch: e };
}

async function launch(
  start: (...args: never[]) => Promise<ChildStartResult>,
  args: readonly unknown[],
): Promise<Pid | "ignore" | StartFailure> {
  let r: unknown;
  try {
    r =
      args.length === 0
        ? await (start as () => Promise<unknown>)()
        : await (start as (...a: unknown[]) => Promise<unknown>)(...args);
  } catch (e) {
    return new StartFailure(startFailureReason(e));
  }
  if (r === "ignore" || Pid.is(r)) return r;
  return new StartFailure(
    new BadArgumentError(
      `a child's start function resolved with ${formatReason(r)}; it must resolve with the pid of the child it started and linked to its caller, or "ignore"`,
    ),
  );
}

function expectedShutdownReason(reason: unknown, spec: ResolvedChildSpec): boolean {
  if (reason === "killed" || reason === "shutdown") return true;
  return spec.restart !== "permanent" && isQuietReason(reason);
}

class DynamicSupervisorProcess implements SpecialProcess {
  readonly self: Pid;
  readonly rt: Runtime;
  readonly label: string;
  readonly name: { readonly name?: string };
  readonly flags: InitFlags;
  readonly intensity: RestartIntensity;
  readonly extra: readonly unknown[];
  /** By pid (the old pid for a restarting child), in insertion order. */
  readonly children: Map<Pid, Child> = new Map();

  constructor(self: Pid, flags: InitFlags, name: ProcessName | undefined) {
    this.self = self;
    this.rt = currentRuntime();
    this.label =
      typeof name === "string"
        ? `DynamicSupervisor ${name} (${self})`
        : `DynamicSupervisor ${self}`;
    this.name = typeof name === "string" ? { name } : {};
    this.flags = flags;
    this.intensity = new RestartIntensity(flags.maxRestarts, flags.maxSeconds);
    this.extra = flags.extraArguments;
  }

  private log(report: LogReport): void {
    try {
      // supervisor reports are OTP's SASL reports: the console logger leaves them out by
      // default, as Elixir's Logger does (the crashed child's own report says what happened)
      this.rt.logger.log({ behaviour: MODULE, domain: ["otp", "sasl"], ...report });
    } catch {
      // a logger must not take the supervisor down
    }
  }

  private progress(pid: Pid): void {
    this.log({
      kind: "info",
      message: `${this.label}: started child ${pid}`,
      pid: this.self,
      ...this.name,
      report: "progress",
      childPid: pid,
    });
  }

  private error(
    report: "child_terminated" | "start_error" | "shutdown_error" | "shutdown",
    pid: Pid,
    reason: unknown,
  ): void {
    const what =
      report === "child_terminated"
        ? `exited: ${formatReason(reason)}`
        : report === "start_error"
          ? `failed to restart: ${formatReason(reason)}`
          : report === "shutdown_error"
            ? `did not stop as asked: ${formatReason(reason)}`
            : "exited one time too many: the restart intensity is reached, shutting down";
    this.log({
      kind: "error",
      message: `${this.label}: child ${pid} ${what}`,
      pid: this.self,
      ...this.name,
      reason,
      report,
      childPid: pid,
    });
  }

  handleMessage(msg: unknown): void | Promise<void> {
    if (msg instanceof ExitMessage) return this.exited(msg.from, msg.reason);
    if (msg instanceof CallRequest)
      return this.handleCall(msg as CallRequestType<SupervisorRequest>);
    if (isInstanceOf(msg, RetryRestart)) return this.retry(msg);
    logReport({
      kind: "warning",
      message: `${this.label} received an unexpected message: ${formatReason(msg)}`,
    });
  }

  private exited(pid: Pid, reason: unknown): void | Promise<void> {
    const child = this.children.get(pid);
    if (child === undefined || child.restarting) return;
    const restart = child.spec.restart;
    if (restart === "permanent") {
      this.error("child_terminated", pid, reason);
      return this.restart(pid, child);
    }
    if (isQuietReason(reason)) {
      this.children.delete(pid);
      return;
    }
    this.error("child_terminated", pid, reason);
    if (restart === "transient") return this.restart(pid, child);
    this.children.delete(pid);
  }

  private retry(msg: RetryRestart): void | Promise<void> {
    if (this.children.get(msg.key) !== msg.child || !msg.child.restarting) return;
    return this.restart(msg.key, msg.child);
  }

  private restart(key: Pid, child: Child): void | Promise<void> {
    if (!this.intensity.add(this.rt.now())) {
      this.error("shutdown", key, "reached_max_restart_intensity");
      this.children.delete(key);
      return this.terminateAndExit("shutdown");
    }
    return this.restartOne(key, child);
  }

  private async restartOne(key: Pid, child: Child): Promise<void> {
    const outcome = await launch(child.spec.start, this.extra);
    if (outcome instanceof StartFailure) {
      this.error("start_error", key, outcome.reason);
      child.restarting = true;
      send(this.self, new RetryRestart(key, child));
      return;
    }
    this.children.delete(key);
    if (outcome === "ignore") return;
    child.pid = outcome;
    child.restarting = false;
    child.restarts++;
    this.children.set(outcome, child);
    this.progress(outcome);
  }

  /** Stops every running child at once; the supervisor then exits with `reason`. */
  private async terminateAndExit(reason: unknown): Promise<never> {
    await this.stopChildren([...this.children.values()]);
    throw new ExitError(reason);
  }

  /** `Sys.terminate` (what {@link stop} uses): stop the children; the toolkit then exits. */
  handleStop(): Promise<void> {
    return this.stopChildren([...this.children.values()]);
  }

  private async stopChildren(children: readonly Child[]): Promise<void> {
    const running: Child[] = [];
    for (const c of children) {
      this.children.delete(c.pid);
      if (!c.restarting) running.push(c);
    }
    const reasons = await shutdownChildren(
      running.map((c) => ({ pid: c.pid, shutdown: c.spec.shutdown })),
    );
    for (let i = 0; i < running.length; i++) {
      const c = running[i] as Child;
      if (!expectedShutdownReason(reasons[i], c.spec))
        this.error("shutdown_error", c.pid, reasons[i]);
    }
  }

  handleParentExit(reason: unknown): Promise<void> {
    return this.terminateAndExit(reason);
  }

  private handleCall(msg: CallRequestType<SupervisorRequest>): void | Promise<void> {
    const req = msg.request;
    switch (req?.type) {
      case "start_child":
        return this.startChild(msg, req.spec as ResolvedChildSpec);
      case "terminate_child": {
        const child = this.children.get(req.id as Pid);
        if (child === undefined) {
          reply(msg.from, { t: "child", reason: "not_found" } satisfies SupervisorAnswer);
          return;
        }
        return this.stopChildren([child]).then(() =>
          reply(msg.from, { t: "ok", value: undefined } satisfies SupervisorAnswer),
        );
      }
      case "which_children":
        reply(msg.from, { t: "ok", value: this.whichChildren() } satisfies SupervisorAnswer);
        return;
      case "count_children":
        reply(msg.from, { t: "ok", value: this.countChildren() } satisfies SupervisorAnswer);
        return;
      default:
        logReport({
          kind: "warning",
          message: `${this.label} received an unexpected call: ${formatReason(req)}`,
        });
    }
  }

  private async startChild(
    msg: CallRequestType<SupervisorRequest>,
    spec: ResolvedChildSpec,
  ): Promise<void> {
    if (this.children.size >= this.flags.maxChildren) {
      reply(msg.from, { t: "child", reason: "max_children" } satisfies SupervisorAnswer);
      return;
    }
    const outcome = await launch(spec.start, this.extra);
    if (outcome instanceof StartFailure) {
      reply(msg.from, { t: "start", reason: outcome.reason } satisfies SupervisorAnswer);
      return;
    }
    if (outcome !== "ignore") {
      this.children.set(outcome, new Child(spec, outcome));
      this.progress(outcome);
    }
    reply(msg.from, { t: "ok", value: outcome } satisfies SupervisorAnswer);
  }

  whichChildren(): ChildInfo[] {
    const out: ChildInfo[] = [];
    for (const c of this.children.values()) {
      out.push({
        id: undefined,
        pid: c.restarting ? "restarting" : c.pid,
        type: c.spec.type,
        modules: c.spec.modules,
        restarts: c.restarts,
      });
    }
    return out;
  }

  private countChildren(): ChildCounts {
    let active = 0;
    let supervisors = 0;
    for (const c of this.children.values()) {
      if (!c.restarting) active++;
      if (c.spec.type === "supervisor") supervisors++;
    }
    const specs = this.children.size;
    return { specs, active, supervisors, workers: specs - supervisors };
  }

  getState(): unknown {
    return { ...this.flags, children: this.whichChildren() };
  }
}

// ---------------------------------------------------------------------------------------
// Starting

type Source =
  | { readonly kind: "flags"; readonly flags: InitFlags }
  | {
      readonly kind: "definition";
      readonly definition: Definition<unknown>;
      readonly arg: unknown;
    };

async function launchSupervisor(
  source: Source,
  options: StartOptions,
  link: boolean,
): Promise<Pid | "ignore"> {
  let failure: Error | undefined;
  const init = async (self: Pid): Promise<InitResult> => {
    trapExit(true);
    let flags: InitFlags;
    if (source.kind === "flags") {
      flags = source.flags;
    } else {
      const result = await source.definition.init(source.arg);
      if (result === "ignore") return { type: "ignore" };
      if (!isInitFlags(result)) return { type: "stop", reason: { bad_return: result } };
      try {
        flags = checkFlags(result);
      } catch (e) {
        failure = e as Error;
        return { type: "stop", reason: e };
      }
    }
    return { type: "ok", process: new DynamicSupervisorProcess(self, flags, options.name) };
  };
  try {
    return await startSpecial(init, {
      link,
      behaviour: MODULE,
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.runtime === undefined ? {} : { runtime: options.runtime }),
    });
  } catch (e) {
    throw failure ?? e;
  }
}

function isDefinition(value: unknown): value is Definition<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Definition<unknown>).init === "function"
  );
}

function sourceOf(
  first: DynamicSupervisorOptions | Definition<unknown> | undefined,
  second: unknown,
  third: StartOptions | undefined,
): { source: Source; options: StartOptions } {
  if (isDefinition(first)) {
    return { source: { kind: "definition", definition: first, arg: second }, options: third ?? {} };
  }
  const options = first ?? {};
  return { source: { kind: "flags", flags: checkFlags(options) }, options };
}

/**
 * Starts a DynamicSupervisor linked to the caller, with no children: add them with
 * {@link startChild}. It restarts them `one_for_one`.
 *
 * - `startLink(options)`: the flags ({@link DynamicSupervisorFlags}: `maxRestarts` 3,
 *   `maxSeconds` 5, `maxChildren` `Infinity`, `extraArguments` `[]` by default) and `name`;
 * - `startLink(definition, arg, options)`: `definition.init(arg)` runs inside the new
 *   process and returns the flags ({@link init}), or `"ignore"`.
 *
 * @example
 * ```ts
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * const sessions = await DynamicSupervisor.startLink({ name: "sessions", maxChildren: 10_000 });
 * ```
 * @throws {SupervisorFlagsError} (rejects) for invalid flags
 * @throws {AlreadyStartedError} (rejects) when `name` is taken
 * @throws {InitError} (rejects) when `definition.init` throws or returns something invalid
 * @throws {NotInProcessError} (rejects) outside process code (use {@link start})
 * @since 0.1.0
 * @category Starting
 */
export function startLink(options?: DynamicSupervisorOptions): Promise<Pid>;
export function startLink<Arg, Init extends InitFlags | "ignore">(
  definition: Definition<Arg, Init>,
  arg: Arg,
  options?: StartOptions,
): Promise<Started<Init>>;
export async function startLink(
  first?: DynamicSupervisorOptions | Definition<unknown>,
  second?: unknown,
  third?: StartOptions,
): Promise<Pid | "ignore"> {
  const { source, options } = sourceOf(first, second, third);
  return launchSupervisor(source, options, true);
}

/**
 * Like {@link startLink} without the link: for a DynamicSupervisor started outside process
 * code (pass `runtime` to choose the runtime). Stop it with {@link stop}.
 *
 * @example
 * ```ts
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * import { createRuntime } from "@trellis/core";
 * const sup = await DynamicSupervisor.start({ runtime: createRuntime() });
 * await DynamicSupervisor.stop(sup);
 * ```
 * @throws {SupervisorFlagsError} (rejects) for invalid flags
 * @since 0.1.0
 * @category Starting
 */
export function start(options?: DynamicSupervisorOptions): Promise<Pid>;
export function start<Arg, Init extends InitFlags | "ignore">(
  definition: Definition<Arg, Init>,
  arg: Arg,
  options?: StartOptions,
): Promise<Started<Init>>;
export async function start(
  first?: DynamicSupervisorOptions | Definition<unknown>,
  second?: unknown,
  third?: StartOptions,
): Promise<Pid | "ignore"> {
  const { source, options } = sourceOf(first, second, third);
  return launchSupervisor(source, options, false);
}

/**
 * Defines a DynamicSupervisor whose flags are computed when it starts. Returns the
 * definition unchanged.
 *
 * @example
 * ```ts
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * const Pool = DynamicSupervisor.define((size: number) => DynamicSupervisor.init({ maxChildren: size }));
 * const pool = await DynamicSupervisor.startLink(Pool, 100);
 * ```
 * @throws {BadArgumentError} if `init` is not a function
 * @since 0.1.0
 * @category Definitions
 */
export function define<Arg = void, Init extends InitFlags | "ignore" = InitFlags | "ignore">(
  init: Definition<Arg, Init>["init"] | Definition<Arg, Init>,
): Definition<Arg, Init> {
  const definition = typeof init === "function" ? { init } : init;
  if (typeof definition?.init !== "function") {
    throw new BadArgumentError(
      `DynamicSupervisor.define: expected an init function (or { init }), got ${formatReason(init)}`,
    );
  }
  return definition;
}

/**
 * The flags with their defaults filled in (Elixir's `DynamicSupervisor.init/1`): what a
 * definition's `init` returns. They are checked when the supervisor starts.
 *
 * @example
 * ```ts
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * DynamicSupervisor.init();
 * // { strategy: "one_for_one", maxRestarts: 3, maxSeconds: 5, maxChildren: Infinity, extraArguments: [] }
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export function init(flags: DynamicSupervisorFlags = {}): InitFlags {
  if (typeof flags !== "object" || flags === null) {
    throw new BadArgumentError(
      `DynamicSupervisor.init: flags must be an object, got ${formatReason(flags)}`,
    );
  }
  return {
    strategy: flags.strategy ?? "one_for_one",
    maxRestarts: flags.maxRestarts ?? 3,
    maxSeconds: flags.maxSeconds ?? 5,
    maxChildren: flags.maxChildren ?? Number.POSITIVE_INFINITY,
    extraArguments: flags.extraArguments ?? [],
  };
}

/**
 * A child spec that runs a DynamicSupervisor under a Supervisor: `type` `"supervisor"`,
 * `shutdown` `Infinity`, `restart` `"permanent"`, and as `id` its `name` (as in Elixir,
 * so two named ones start side by side under one supervisor), else `"DynamicSupervisor"`,
 * unless overridden.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * const app = await Supervisor.startLink(
 *   [DynamicSupervisor.childSpec({ name: "sessions" })], // id "sessions"
 *   { strategy: "one_for_one" },
 * );
 * ```
 * @since 0.1.0
 * @category Child specs
 */
export function childSpec(options?: DynamicSupervisorOptions & ChildSpecOverrides): ChildSpec;
export function childSpec<Arg>(
  definition: Definition<Arg>,
  arg: Arg,
  options?: StartOptions & ChildSpecOverrides,
): ChildSpec;
export function childSpec(
  first?: (DynamicSupervisorOptions & ChildSpecOverrides) | Definition<unknown>,
  second?: unknown,
  third?: StartOptions & ChildSpecOverrides,
): ChildSpec {
  const definition = isDefinition(first);
  const all = ((definition ? third : first) ?? {}) as DynamicSupervisorOptions & ChildSpecOverrides;
  const {
    id: _id,
    restart: _restart,
    shutdown: _shutdown,
    significant: _significant,
    ...startOptions
  } = all;
  const start = definition
    ? () => startLink(first as Definition<unknown>, second, startOptions)
    : () => startLink(startOptions);
  return supervisorChildSpec(startOptions.name ?? MODULE, start, all);
}

// ---------------------------------------------------------------------------------------
// Client API

/**
 * Starts a child under a DynamicSupervisor. The spec is checked in the caller (no `id`
 * needed; it is ignored, and `significant` must not be set); the supervisor's
 * `extraArguments` are passed first to its start function, now and at every restart.
 *
 * - resolves with the child's pid, or `"ignore"` (nothing is added);
 * - rejects with {@link ChildError} `"max_children"` when the supervisor is full;
 * - rejects with `StartChildError` carrying the start function's reason (unwrapped, as
 *   Elixir's `{:error, reason}`) when it fails.
 *
 * @example
 * ```ts
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * import { receive, spawnLink } from "@trellis/core";
 * const pid = await DynamicSupervisor.startChild(sessions, {
 *   id: "session",
 *   start: async () => spawnLink(async () => { await receive(); }),
 *   restart: "transient",
 * });
 * ```
 * @throws {ChildSpecError} (rejects) for an invalid spec, before contacting the supervisor
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @since 0.1.0
 * @category Children
 */
export async function startChild(sup: Dest, spec: ChildSpec): Promise<Pid | "ignore"> {
  const resolved = checkChildSpec(spec, { dynamic: true });
  return supervisorRequest<Pid | "ignore">(
    MODULE,
    "startChild",
    sup,
    { type: "start_child", spec: resolved },
    undefined,
  );
}

/**
 * Stops a child, found by its pid: `"shutdown"`, then `"kill"` after its `shutdown` time.
 * It is removed and not restarted. Works on a restarting child too (by the pid it had).
 *
 * @example
 * ```ts
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * await DynamicSupervisor.terminateChild(sessions, pid);
 * ```
 * @throws {ChildError} (rejects) `"not_found"` if no child has this pid (e.g. a second call)
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @since 0.1.0
 * @category Children
 */
export function terminateChild(sup: Dest, pid: Pid): Promise<void> {
  return supervisorRequest<void>(
    MODULE,
    "terminateChild",
    sup,
    { type: "terminate_child", id: pid },
    pid,
  );
}

/**
 * Every child: `id` is always `undefined`; `pid` is the pid, or `"restarting"` while a
 * failed restart is retried. In no particular order.
 *
 * @example
 * ```ts
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * const pids = (await DynamicSupervisor.whichChildren(sessions)).map((c) => c.pid);
 * ```
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @since 0.1.0
 * @category Introspection
 */
export function whichChildren(sup: Dest): Promise<ChildInfo[]> {
  return supervisorRequest<ChildInfo[]>(
    MODULE,
    "whichChildren",
    sup,
    { type: "which_children" },
    undefined,
  );
}

/**
 * Counts the children: `specs` (all), `active` (running; not the restarting ones),
 * `workers` and `supervisors` (by type, restarting ones included).
 *
 * @example
 * ```ts
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * const { active } = await DynamicSupervisor.countChildren(sessions);
 * ```
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @since 0.1.0
 * @category Introspection
 */
export function countChildren(sup: Dest): Promise<ChildCounts> {
  return supervisorRequest<ChildCounts>(
    MODULE,
    "countChildren",
    sup,
    { type: "count_children" },
    undefined,
  );
}

/**
 * Stops a DynamicSupervisor: all its children are sent `"shutdown"` at once, each killed
 * after its own `shutdown` time if still alive, then the supervisor exits with `reason`.
 * Resolves once it is dead.
 *
 * @example
 * ```ts
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * await DynamicSupervisor.stop(sessions);
 * ```
 * @param reason the exit reason; default `"normal"`
 * @param timeout milliseconds to wait; default `Infinity`
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @throws {CallTimeoutError} (rejects) if it is not dead within `timeout`
 * @throws {CallError} (rejects) if it exited with another reason
 * @since 0.1.0
 * @category Starting
 */
export async function stop(
  sup: Dest,
  reason: unknown = "normal",
  timeout: number = Number.POSITIVE_INFINITY,
): Promise<void> {
  await Sys.terminate(sup, reason, timeout, { module: MODULE, function: "stop" });
}
