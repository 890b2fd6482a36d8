/**
 * The Supervisor process and its client functions.
 *
 * @module
 */

import type { ChildSpec } from "@trellis/core";
import {
  BadArgumentError,
  CallRequest,
  currentRuntime,
  type Dest,
  ExitError,
  ExitMessage,
  formatReason,
  type InitResult,
  isInstanceOf,
  isQuietReason,
  type LogReport,
  logReport,
  Pid,
  type ProcessName,
  type Runtime,
  type SpecialProcess,
  Sys,
  send,
  startSpecial,
  type Term,
  TermMap,
  trapExit,
  wouldLog,
} from "@trellis/core";
import { StartChildError } from "./errors.js";
import { RestartIntensity } from "./intensity.js";
import { expectedShutdownReason, launch, StartFailure } from "./internal/child.js";
import { describeId } from "./internal/describe.js";
import { checkFlags, type ResolvedFlags } from "./internal/flags.js";
import {
  fail,
  ok,
  type SupervisorCall,
  type SupervisorRequest,
  supervisorRequest,
} from "./protocol.js";
import { shutdownChildren } from "./shutdown.js";
import type {
  AutoShutdown,
  ChildCounts,
  ChildInfo,
  ChildSpecOverrides,
  Definition,
  InitSpec,
  ResolvedChildSpec,
  StartOptions,
  Strategy,
  SupervisorFlags,
  SupervisorOptions,
  TreeNode,
} from "./types.js";
import { checkChildSpec, checkChildSpecs, idKey } from "./validate.js";

const MODULE = "Supervisor";

/** The domain of OTP's supervisor reports (one shared, frozen array). */
const SASL: readonly string[] = Object.freeze(["otp", "sasl"]);

/** What an error report says happened to the child. */
function errorText(
  report: "child_terminated" | "start_error" | "shutdown_error" | "shutdown",
  reason: unknown,
): string {
  switch (report) {
    case "child_terminated":
      return `exited: ${formatReason(reason)}`;
    case "start_error":
      return `failed to start: ${formatReason(reason)}`;
    case "shutdown_error":
      return `did not stop as asked: ${formatReason(reason)}`;
    default:
      return "exited one time too many: the restart intensity is reached, shutting down";
  }
}

// ---------------------------------------------------------------------------------------
// The process

/** One child: its spec and what the supervisor knows about it. */
class Child {
  readonly spec: ResolvedChildSpec;
  /** The id, formatted for reports. */
  readonly label: string;
  pid: Pid | undefined | "restarting" = undefined;
  restarts = 0;
  removed = false;
  constructor(spec: ResolvedChildSpec) {
    this.spec = spec;
    this.label = describeId(spec.id);
  }
}

/** The message a supervisor sends itself to retry a failed restart (Erlang's try_again_restart). */
class RetryRestart {
  readonly child: Child;
  constructor(child: Child) {
    this.child = child;
  }
}

class SupervisorProcess implements SpecialProcess {
  readonly self: Pid;
  readonly rt: Runtime;
  readonly label: string;
  /** `{ name }` for reports, when registered under a local name. */
  readonly name: { readonly name?: string };
  readonly strategy: Strategy;
  readonly autoShutdown: AutoShutdown;
  readonly flags: ResolvedFlags;
  readonly intensity: RestartIntensity;
  /** In start order. */
  readonly children: Child[] = [];
  readonly byPid: Map<Pid, Child> = new Map();
  readonly byId: TermMap<Term, Child> = new TermMap();

  constructor(self: Pid, flags: ResolvedFlags, name: ProcessName | undefined) {
    this.self = self;
    this.rt = currentRuntime();
    this.label = typeof name === "string" ? `Supervisor ${name} (${self})` : `Supervisor ${self}`;
    this.name = typeof name === "string" ? { name } : {};
    this.flags = flags;
    this.strategy = flags.strategy;
    this.autoShutdown = flags.autoShutdown;
    this.intensity = new RestartIntensity(flags.maxRestarts, flags.maxSeconds);
  }

  // -- reports ------------------------------------------------------------------------

  /**
   * Sends a report straight to the runtime's logger: the hot restart path cannot afford
   * `logReport`'s lookups, and a handler is not inside signal processing. Supervisor
   * reports are OTP's SASL reports: the console logger leaves them out by default, as
   * Elixir's Logger does (the crashed child's own report says what happened).
   */
  private log(report: LogReport): void {
    try {
      this.rt.logger.log(report);
    } catch {
      // a logger must not take the supervisor down
    }
  }

  /**
   * The progress report of a started child. Its `message` is written when a logger reads it:
   * most loggers drop these SASL reports unread, and a restart storm makes one per restart.
   */
  private progress(child: Child, pid: Pid): void {
    if (!wouldLog("info", SASL)) return;
    const label = this.label;
    const report: LogReport = {
      behaviour: MODULE,
      domain: SASL,
      kind: "info",
      get message() {
        return `${label}: started child ${child.label} as ${pid}`;
      },
      pid: this.self,
      ...this.name,
      report: "progress",
      childId: child.spec.id,
      childPid: pid,
    };
    this.log(report);
  }

  /** An error report about a child; its `message` is written when a logger reads it. */
  private error(
    report: "child_terminated" | "start_error" | "shutdown_error" | "shutdown",
    child: Child,
    pid: Pid | undefined,
    reason: unknown,
  ): void {
    if (!wouldLog("error", SASL)) return;
    const label = this.label;
    this.log({
      behaviour: MODULE,
      domain: SASL,
      kind: "error",
      get message() {
        return `${label}: child ${child.label}${pid === undefined ? "" : ` (${pid})`} ${errorText(report, reason)}`;
      },
      pid: this.self,
      ...this.name,
      reason,
      report,
      childId: child.spec.id,
      childPid: pid,
    });
  }

  // -- starting -----------------------------------------------------------------------

  /** Starts the initial children in order; on a failure stops those started and returns it. */
  async startInitial(
    specs: readonly ResolvedChildSpec[],
  ): Promise<{ id: unknown; reason: unknown } | undefined> {
    for (const spec of specs) {
      const child = new Child(spec);
      const outcome = await launch(spec.id, spec.start, undefined);
      if (outcome instanceof StartFailure) {
        this.error("start_error", child, undefined, outcome.reason);
        await this.terminateAll();
        return { id: spec.id, reason: outcome.reason };
      }
      if (outcome === "ignore" && spec.restart === "temporary") continue;
      this.add(child);
      if (outcome !== "ignore") this.running(child, outcome, false);
    }
    return undefined;
  }

  private add(child: Child): void {
    this.children.push(child);
    this.byId.set(idKey(child.spec.id), child);
  }

  private remove(child: Child): void {
    child.removed = true;
    const i = this.children.indexOf(child);
    if (i >= 0) this.children.splice(i, 1);
    this.byId.delete(idKey(child.spec.id));
  }

  private running(child: Child, pid: Pid, restarted: boolean): void {
    child.pid = pid;
    if (restarted) child.restarts++;
    this.byPid.set(pid, child);
    this.progress(child, pid);
    if (restarted && this.rt.telemetry.enabled) {
      this.rt.telemetry.execute(
        ["trellis", "supervisor", "child", "restart"],
        { restarts: child.restarts, monotonicTime: this.rt.now() },
        { supervisor: this.self, id: child.spec.id, pid },
      );
    }
  }

  private find(id: unknown): Child | undefined {
    try {
      return this.byId.get(idKey(id));
    } catch {
      return undefined; // not a term: no child has it
    }
  }

  // -- exits and restarts -------------------------------------------------------------

  handleMessage(msg: unknown): void | Promise<void> {
    if (msg instanceof ExitMessage) return this.exited(msg.from, msg.reason);
    if (msg instanceof CallRequest) return this.handleCall(msg as SupervisorCall);
    if (isInstanceOf(msg, RetryRestart)) return this.retry(msg.child);
    logReport({
      kind: "warning",
      message: `${this.label} received an unexpected message: ${formatReason(msg)}`,
      supervisor: this.self,
    });
  }

  private exited(pid: Pid, reason: unknown): void | Promise<void> {
    const child = this.byPid.get(pid);
    if (child === undefined) return; // not (or no longer) a child of ours
    this.byPid.delete(pid);
    child.pid = undefined;
    const restart = child.spec.restart;
    if (restart === "permanent") {
      this.error("child_terminated", child, pid, reason);
      return this.restart(child);
    }
    if (isQuietReason(reason)) {
      if (restart === "temporary") this.remove(child);
      return this.autoShutdown === "never" ? undefined : this.checkAutoShutdown(child);
    }
    this.error("child_terminated", child, pid, reason);
    if (restart === "transient") return this.restart(child);
    this.remove(child);
    return this.autoShutdown === "never" ? undefined : this.checkAutoShutdown(child);
  }

  private checkAutoShutdown(child: Child): void | Promise<void> {
    if (!child.spec.significant) return;
    if (
      this.autoShutdown === "all_significant" &&
      this.children.some((c) => c.spec.significant && c.pid !== undefined)
    ) {
      return;
    }
    this.log({
      behaviour: MODULE,
      domain: SASL,
      kind: "info",
      pid: this.self,
      ...this.name,
      message: `${this.label}: significant child ${child.label} exited, shutting down (autoShutdown ${this.autoShutdown})`,
      report: "auto_shutdown",
      supervisor: this.self,
      childId: child.spec.id,
    });
    return this.terminateAndExit("shutdown");
  }

  private retry(child: Child): void | Promise<void> {
    if (child.removed || child.pid !== "restarting") return;
    return this.restart(child);
  }

  private restart(child: Child): void | Promise<void> {
    if (!this.intensity.add(this.rt.now())) {
      this.error("shutdown", child, undefined, "reached_max_restart_intensity");
      if (this.rt.telemetry.enabled) {
        this.rt.telemetry.execute(
          ["trellis", "supervisor", "intensity", "exceeded"],
          { maxRestarts: this.flags.maxRestarts, maxSeconds: this.flags.maxSeconds },
          { supervisor: this.self, id: child.spec.id },
        );
      }
      child.pid = undefined;
      return this.terminateAndExit("shutdown");
    }
    if (this.strategy === "one_for_one") return this.restartOne(child);
    return this.restartGroup(this.strategy === "one_for_all" ? 0 : this.children.indexOf(child));
  }

  private restartOne(child: Child): Promise<void> {
    return launch(child.spec.id, child.spec.start, undefined).then((outcome) => {
      if (outcome instanceof StartFailure) this.failedRestart(child, outcome.reason);
      else if (outcome !== "ignore") this.running(child, outcome, true);
    });
  }

  private failedRestart(child: Child, reason: unknown): void {
    this.error("start_error", child, undefined, reason);
    child.pid = "restarting";
    send(this.self, new RetryRestart(child));
  }

  /** one_for_all (from 0) and rest_for_one (from the crashed child). */
  private async restartGroup(from: number): Promise<void> {
    const group = this.children.slice(from);
    for (let i = group.length - 1; i >= 0; i--) {
      const c = group[i] as Child;
      if (c.pid instanceof Pid) await this.stopChild(c);
      c.pid = undefined;
      if (c.spec.restart === "temporary") this.remove(c);
    }
    for (const c of group) {
      if (c.removed) continue;
      const outcome = await launch(c.spec.id, c.spec.start, undefined);
      if (outcome instanceof StartFailure) {
        this.failedRestart(c, outcome.reason);
        return;
      }
      if (outcome !== "ignore") this.running(c, outcome, true);
    }
  }

  // -- stopping -----------------------------------------------------------------------

  /** Stops one running child (it must have a pid) and forgets its pid. */
  private async stopChild(child: Child): Promise<void> {
    const pid = child.pid as Pid;
    this.byPid.delete(pid);
    child.pid = undefined;
    const [reason] = await shutdownChildren([{ pid, shutdown: child.spec.shutdown }]);
    if (!expectedShutdownReason(reason, child.spec))
      this.error("shutdown_error", child, pid, reason);
    if (this.rt.telemetry.enabled) {
      this.rt.telemetry.execute(
        ["trellis", "supervisor", "child", "shutdown"],
        { monotonicTime: this.rt.now() },
        { supervisor: this.self, id: child.spec.id, pid, reason },
      );
    }
  }

  /** Stops every child, one at a time, newest first. */
  async terminateAll(): Promise<void> {
    for (let i = this.children.length - 1; i >= 0; i--) {
      const c = this.children[i] as Child;
      if (c.pid instanceof Pid) await this.stopChild(c);
      else c.pid = undefined;
    }
  }

  private async terminateAndExit(reason: unknown): Promise<never> {
    await this.terminateAll();
    throw new ExitError(reason);
  }

  handleParentExit(reason: unknown): Promise<void> {
    return this.terminateAndExit(reason);
  }

  /** `Sys.terminate` (what {@link stop} uses): stop the children; the toolkit then exits. */
  handleStop(): Promise<void> {
    return this.terminateAll();
  }

  // -- calls --------------------------------------------------------------------------

  private handleCall(msg: SupervisorCall): void | Promise<void> {
    const req: SupervisorRequest = msg.request;
    const from = msg.from;
    switch (req?.type) {
      case "which_children":
        ok(from, this.whichChildren());
        return;
      case "count_children":
        ok(from, this.countChildren());
        return;
      case "get_childspec": {
        const child = this.find(req.id);
        if (child === undefined) fail(from, { t: "child", reason: "not_found" });
        else ok(from, { ...child.spec });
        return;
      }
      case "start_child":
        return this.callStartChild(msg, req.spec);
      case "terminate_child":
        return this.callTerminateChild(msg, req.id);
      case "restart_child":
        return this.callRestartChild(msg, req.id);
      case "delete_child":
        return this.callDeleteChild(msg, req.id);
      default:
        logReport({
          kind: "warning",
          message: `${this.label} received an unexpected call: ${formatReason(req)}`,
          supervisor: this.self,
        });
    }
  }

  whichChildren(): ChildInfo[] {
    const out: ChildInfo[] = [];
    for (let i = this.children.length - 1; i >= 0; i--) {
      const c = this.children[i] as Child;
      out.push({
        id: c.spec.id,
        pid: c.pid,
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
    for (const c of this.children) {
      if (c.pid instanceof Pid) active++;
      if (c.spec.type === "supervisor") supervisors++;
    }
    const specs = this.children.length;
    return { specs, active, supervisors, workers: specs - supervisors };
  }

  private async callStartChild(msg: SupervisorCall, spec: ChildSpec): Promise<void> {
    let resolved: ResolvedChildSpec;
    try {
      resolved = checkChildSpec(spec, { autoShutdown: this.autoShutdown });
    } catch (error) {
      fail(msg.from, { t: "error", error });
      return;
    }
    const existing = this.find(resolved.id);
    if (existing !== undefined) {
      if (existing.pid instanceof Pid) fail(msg.from, { t: "started", pid: existing.pid });
      else fail(msg.from, { t: "child", reason: "already_present" });
      return;
    }
    const child = new Child(resolved);
    const outcome = await launch(resolved.id, resolved.start, undefined);
    if (outcome instanceof StartFailure) {
      this.error("start_error", child, undefined, outcome.reason);
      fail(msg.from, { t: "start", reason: outcome.reason });
      return;
    }
    if (outcome !== "ignore") {
      this.add(child);
      this.running(child, outcome, false);
    } else if (resolved.restart !== "temporary") {
      this.add(child);
    }
    ok(msg.from, outcome);
  }

  private async callTerminateChild(msg: SupervisorCall, id: unknown): Promise<void> {
    const child = this.find(id);
    if (child === undefined) {
      fail(msg.from, { t: "child", reason: "not_found" });
      return;
    }
    if (child.pid instanceof Pid) await this.stopChild(child);
    child.pid = undefined;
    if (child.spec.restart === "temporary") this.remove(child);
    ok(msg.from, undefined);
  }

  private async callRestartChild(msg: SupervisorCall, id: unknown): Promise<void> {
    const child = this.find(id);
    if (child === undefined || child.pid !== undefined) {
      const reason =
        child === undefined ? "not_found" : child.pid === "restarting" ? "restarting" : "running";
      fail(msg.from, { t: "child", reason });
      return;
    }
    const outcome = await launch(child.spec.id, child.spec.start, undefined);
    if (outcome instanceof StartFailure) {
      this.error("start_error", child, undefined, outcome.reason);
      fail(msg.from, { t: "start", reason: outcome.reason });
      return;
    }
    if (outcome !== "ignore" && !child.removed) this.running(child, outcome, false);
    ok(msg.from, outcome);
  }

  private callDeleteChild(msg: SupervisorCall, id: unknown): void {
    const child = this.find(id);
    if (child === undefined || child.pid !== undefined) {
      const reason =
        child === undefined ? "not_found" : child.pid === "restarting" ? "restarting" : "running";
      fail(msg.from, { t: "child", reason });
      return;
    }
    this.remove(child);
    ok(msg.from, undefined);
  }

  // -- sys ----------------------------------------------------------------------------

  getState(): unknown {
    return { ...this.flags, children: this.whichChildren() };
  }
}

// ---------------------------------------------------------------------------------------
// Starting

function isInitSpec(value: unknown): value is InitSpec {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as InitSpec).children) &&
    typeof (value as InitSpec).flags === "object" &&
    (value as InitSpec).flags !== null
  );
}

type Source =
  | { readonly kind: "list"; readonly flags: ResolvedFlags; readonly specs: ResolvedChildSpec[] }
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
  // The typed error to reject with when the start fails in a way we know (the process
  // itself exits with an Erlang-shaped reason).
  let failure: Error | undefined;
  const init = async (self: Pid): Promise<InitResult> => {
    trapExit(true);
    let flags: ResolvedFlags;
    let specs: ResolvedChildSpec[];
    if (source.kind === "list") {
      flags = source.flags;
      specs = source.specs;
    } else {
      const spec = await source.definition.init(source.arg);
      if (spec === "ignore") return { type: "ignore" };
      if (!isInitSpec(spec)) return { type: "stop", reason: { bad_return: spec } };
      try {
        flags = checkFlags(spec.flags);
        specs = checkChildSpecs(spec.children, { autoShutdown: flags.autoShutdown });
      } catch (e) {
        failure = e as Error;
        return { type: "stop", reason: e };
      }
    }
    const sup = new SupervisorProcess(self, flags, options.name);
    const failed = await sup.startInitial(specs);
    if (failed !== undefined) {
      const reason = { shutdown: { failed_to_start_child: failed.id, reason: failed.reason } };
      failure = new StartChildError(failed.id, failed.reason, reason);
      return { type: "stop", reason };
    }
    return { type: "ok", process: sup };
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

function sourceOf(
  first: readonly ChildSpec[] | Definition<unknown>,
  second: unknown,
): { source: Source; options: StartOptions } {
  if (Array.isArray(first)) {
    const options = (second ?? {}) as SupervisorOptions;
    const flags = checkFlags(options);
    const specs = checkChildSpecs(first, { autoShutdown: flags.autoShutdown });
    return { source: { kind: "list", flags, specs }, options };
  }
  if (
    typeof first !== "object" ||
    first === null ||
    typeof (first as Definition<unknown>).init !== "function"
  ) {
    throw new BadArgumentError(
      `Supervisor: expected a list of child specs or a definition with an init function, got ${formatReason(first)}`,
    );
  }
  return {
    source: { kind: "definition", definition: first as Definition<unknown>, arg: second },
    options: {},
  };
}

/**
 * Starts a supervisor linked to the caller, and its children, one after another, in list
 * order. Resolves with the supervisor's pid once every child has started.
 *
 * Two forms, as in Elixir:
 *
 * - `startLink(children, options)`: the children and the flags ({@link SupervisorOptions}:
 *   `strategy` is required; `maxRestarts` 3, `maxSeconds` 5, `autoShutdown` `"never"` by
 *   default) plus `name`;
 * - `startLink(definition, arg, options)`: `definition.init(arg)` runs inside the new
 *   process and returns the children and flags ({@link init}), or `"ignore"`; then the start
 *   resolves with `"ignore"` and the process exits `"normal"`.
 *
 * The supervisor traps exits. If a child fails to start (its start function throws or
 * returns something that is not a pid or `"ignore"`), the children already started are
 * terminated in reverse order, the supervisor exits with
 * `{ shutdown: { failed_to_start_child: id, reason } }`, and the start rejects with a
 * {@link StartChildError} naming the child and the reason. A child whose start function
 * resolves with `"ignore"` is kept as a stopped child (temporary children are dropped).
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * import { receive, spawnLink } from "@trellis/core";
 *
 * const worker = (id: string) => ({
 *   id,
 *   start: async () => spawnLink(async () => { await receive(); }),
 * });
 * const sup = await Supervisor.startLink([worker("a"), worker("b")], {
 *   strategy: "one_for_one",
 *   maxRestarts: 5,
 *   name: "app",
 * });
 * ```
 * @throws {SupervisorFlagsError} (rejects) for invalid flags
 * @throws {ChildSpecError} (rejects) for an invalid child spec or a duplicate id
 * @throws {StartChildError} (rejects) when a child fails to start
 * @throws {AlreadyStartedError} (rejects) when `name` is taken
 * @throws {InitError} (rejects) when `definition.init` throws or returns something invalid (`reason` `{ bad_return: value }`)
 * @throws {NotInProcessError} (rejects) outside process code (use {@link start})
 * @since 0.1.0
 * @category Starting
 */
export function startLink(children: readonly ChildSpec[], options: SupervisorOptions): Promise<Pid>;
export function startLink<Arg>(
  definition: Definition<Arg>,
  arg: Arg,
  options?: StartOptions,
): Promise<Pid | "ignore">;
export async function startLink(
  first: readonly ChildSpec[] | Definition<unknown>,
  second?: unknown,
  third?: StartOptions,
): Promise<Pid | "ignore"> {
  const { source, options } = sourceOf(first, second);
  return launchSupervisor(source, source.kind === "list" ? options : (third ?? {}), true);
}

/**
 * Like {@link startLink} without the link: for a top-level supervisor started from outside
 * process code (pass `runtime` to pick a runtime other than the default). Its parent is the
 * caller, if any. Stop it with {@link stop}.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * import { createRuntime } from "@trellis/core";
 * const runtime = createRuntime();
 * const sup = await Supervisor.start([], { strategy: "one_for_one", runtime });
 * await Supervisor.stop(sup);
 * ```
 * @throws {SupervisorFlagsError} (rejects) for invalid flags
 * @throws {ChildSpecError} (rejects) for an invalid child spec or a duplicate id
 * @throws {StartChildError} (rejects) when a child fails to start
 * @since 0.1.0
 * @category Starting
 */
export function start(children: readonly ChildSpec[], options: SupervisorOptions): Promise<Pid>;
export function start<Arg>(
  definition: Definition<Arg>,
  arg: Arg,
  options?: StartOptions,
): Promise<Pid | "ignore">;
export async function start(
  first: readonly ChildSpec[] | Definition<unknown>,
  second?: unknown,
  third?: StartOptions,
): Promise<Pid | "ignore"> {
  const { source, options } = sourceOf(first, second);
  return launchSupervisor(source, source.kind === "list" ? options : (third ?? {}), false);
}

/**
 * Defines a supervisor whose children are computed when it starts (Elixir's module-based
 * supervisor). Returns the definition unchanged: it only checks it and fixes the types.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * const App = Supervisor.define((config: { workers: number }) =>
 *   Supervisor.init(
 *     Array.from({ length: config.workers }, (_, i) => workerSpec(i)),
 *     { strategy: "one_for_one" },
 *   ),
 * );
 * const sup = await Supervisor.startLink(App, { workers: 4 });
 * ```
 * @throws {BadArgumentError} if `init` is not a function
 * @since 0.1.0
 * @category Definitions
 */
export function define<Arg = void>(
  init: Definition<Arg>["init"] | Definition<Arg>,
): Definition<Arg> {
  const definition = typeof init === "function" ? { init } : init;
  if (typeof definition?.init !== "function") {
    throw new BadArgumentError(
      `Supervisor.define: expected an init function (or { init }), got ${formatReason(init)}`,
    );
  }
  return definition;
}

/**
 * What a definition's `init` returns: the children and the flags (Elixir's
 * `Supervisor.init/2`). They are checked when the supervisor starts.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * const Tree = Supervisor.define(() => Supervisor.init([cache, api], { strategy: "rest_for_one" }));
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export function init(children: readonly ChildSpec[], flags: SupervisorFlags): InitSpec {
  return { children, flags };
}

/**
 * A child spec that runs a supervisor under another supervisor: `type` `"supervisor"`,
 * `shutdown` `Infinity` (so it can stop its own children in their time), `restart`
 * `"permanent"`, `id` `"Supervisor"` unless overridden. The same two forms as
 * {@link startLink}; the options may also set `id`, `restart`, `shutdown` and `significant`.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * const root = await Supervisor.startLink(
 *   [
 *     Supervisor.childSpec([db, cache], { strategy: "one_for_all", id: "storage" }),
 *     Supervisor.childSpec(Api, { port: 8080 }, { id: "api" }),
 *   ],
 *   { strategy: "one_for_one" },
 * );
 * ```
 * @throws {BadArgumentError} if the first argument is neither a list nor a definition
 * @since 0.1.0
 * @category Child specs
 */
export function childSpec(
  children: readonly ChildSpec[],
  options: SupervisorOptions & ChildSpecOverrides,
): ChildSpec;
export function childSpec<Arg>(
  definition: Definition<Arg>,
  arg: Arg,
  options?: StartOptions & ChildSpecOverrides,
): ChildSpec;
export function childSpec(
  first: readonly ChildSpec[] | Definition<unknown>,
  second?: unknown,
  third?: StartOptions & ChildSpecOverrides,
): ChildSpec {
  const list = Array.isArray(first);
  if (
    !list &&
    (typeof first !== "object" ||
      first === null ||
      typeof (first as Definition<unknown>).init !== "function")
  ) {
    throw new BadArgumentError(
      `Supervisor.childSpec: expected a list of child specs or a definition, got ${formatReason(first)}`,
    );
  }
  const all = ((list ? second : third) ?? {}) as SupervisorOptions & ChildSpecOverrides;
  const {
    id: _id,
    restart: _restart,
    shutdown: _shutdown,
    significant: _significant,
    ...startOptions
  } = all;
  const start = list
    ? () => startLink(first as readonly ChildSpec[], startOptions as SupervisorOptions)
    : () => startLink(first as Definition<unknown>, second, startOptions);
  return supervisorChildSpec(MODULE, start, all);
}

/**
 * The child spec of a supervisor-like child: `type: "supervisor"`, `restart` default
 * `"permanent"`, `shutdown` default `Infinity` (a supervisor needs all the time its own
 * children do), `id` default `defaultId`. `Supervisor.childSpec` and
 * `DynamicSupervisor.childSpec` are built on it.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * const spec = Supervisor.supervisorChildSpec("Pool", () => startPool(), { restart: "transient" });
 * spec.shutdown; // Infinity
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export function supervisorChildSpec(
  defaultId: unknown,
  start: () => Promise<Pid | "ignore">,
  overrides: ChildSpecOverrides = {},
): ChildSpec {
  const { id, restart, shutdown, significant } = overrides;
  return {
    id: id === undefined ? defaultId : id,
    start,
    type: "supervisor",
    restart: restart ?? "permanent",
    shutdown: shutdown ?? Number.POSITIVE_INFINITY,
    ...(significant === undefined ? {} : { significant }),
  };
}

// ---------------------------------------------------------------------------------------
// Client API

/**
 * Adds a child to a running supervisor and starts it (Erlang's `start_child`). The child
 * goes at the end of the start order (which matters for `rest_for_one` and for shutdown).
 * The spec is checked in the caller first, then again by the supervisor against its
 * `autoShutdown`.
 *
 * - resolves with the child's pid, or `"ignore"` if its start function ignored the start
 *   (the spec is then kept as a stopped child, unless the child is temporary);
 * - rejects with {@link ChildAlreadyStartedError} (carrying the pid) if a running child has
 *   the same id, {@link ChildError} `"already_present"` if a stopped one has;
 * - rejects with {@link StartChildError} if the start function fails (the spec is dropped).
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * const pid = await Supervisor.startChild(sup, { id: "job", start: startJob, restart: "transient" });
 * ```
 * @throws {ChildSpecError} (rejects) for an invalid spec
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @since 0.1.0
 * @category Children
 */
export async function startChild(sup: Dest, spec: ChildSpec): Promise<Pid | "ignore"> {
  // autoShutdown is checked by the supervisor, which knows its own.
  const id = checkChildSpec(spec, { autoShutdown: "any_significant" }).id;
  return supervisorRequest<Pid | "ignore">(
    MODULE,
    "startChild",
    sup,
    { type: "start_child", spec },
    id,
  );
}

/**
 * Stops a child (Erlang's `terminate_child`): `"shutdown"`, then `"kill"` after its
 * `shutdown` time, as at supervisor shutdown. The spec is kept, so {@link restartChild} can
 * start it again, except for a temporary child, whose spec is removed. Resolves also when the
 * child was already stopped; a child that is `"restarting"` stops being retried. Stopping a
 * significant child this way never triggers `autoShutdown`.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * await Supervisor.terminateChild(sup, "cache");
 * ```
 * @throws {ChildError} (rejects) `"not_found"` if no child has this id (a pid is not an id)
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @since 0.1.0
 * @category Children
 */
export function terminateChild(sup: Dest, id: unknown): Promise<void> {
  return supervisorRequest<void>(
    MODULE,
    "terminateChild",
    sup,
    { type: "terminate_child", id },
    id,
  );
}

/**
 * Starts a stopped child again from its kept spec (Erlang's `restart_child`). Does not count
 * towards the restart intensity.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * await Supervisor.terminateChild(sup, "cache");
 * const pid = await Supervisor.restartChild(sup, "cache");
 * ```
 * @returns the new pid, or `"ignore"` (the child stays stopped)
 * @throws {ChildError} (rejects) `"running"`, `"restarting"` or `"not_found"`
 * @throws {StartChildError} (rejects) if the start function fails (the child stays stopped)
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @since 0.1.0
 * @category Children
 */
export function restartChild(sup: Dest, id: unknown): Promise<Pid | "ignore"> {
  return supervisorRequest<Pid | "ignore">(
    MODULE,
    "restartChild",
    sup,
    { type: "restart_child", id },
    id,
  );
}

/**
 * Removes the spec of a stopped child (Erlang's `delete_child`).
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * await Supervisor.terminateChild(sup, "cache");
 * await Supervisor.deleteChild(sup, "cache");
 * ```
 * @throws {ChildError} (rejects) `"running"`, `"restarting"` or `"not_found"`
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @since 0.1.0
 * @category Children
 */
export function deleteChild(sup: Dest, id: unknown): Promise<void> {
  return supervisorRequest<void>(MODULE, "deleteChild", sup, { type: "delete_child", id }, id);
}

/**
 * Every child of a supervisor, newest first (Erlang's `which_children`, in its reverse
 * start order). Works on a DynamicSupervisor too.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * for (const { id, pid, type } of await Supervisor.whichChildren(sup)) console.log(id, pid, type);
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
 * Counts a supervisor's children (Erlang's `count_children`). A kept spec whose child is
 * not running counts in `specs` and in `workers`/`supervisors`, not in `active`. Works on a
 * DynamicSupervisor too.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * const { specs, active } = await Supervisor.countChildren(sup);
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
 * The spec of a child, with every default filled in (Erlang's `get_childspec`).
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * const spec = await Supervisor.getChildSpec(sup, "cache");
 * spec.shutdown; // 5000
 * ```
 * @throws {ChildError} (rejects) `"not_found"`
 * @throws {NoProcessError} (rejects) if the supervisor does not exist
 * @since 0.1.0
 * @category Introspection
 */
export function getChildSpec(sup: Dest, id: unknown): Promise<ResolvedChildSpec> {
  return supervisorRequest<ResolvedChildSpec>(
    MODULE,
    "getChildSpec",
    sup,
    { type: "get_childspec", id },
    id,
  );
}

/**
 * Stops a supervisor (Elixir's `Supervisor.stop/3`): it terminates its children one at a
 * time in reverse start order, then exits with `reason`. Resolves once it is dead.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * await Supervisor.stop(sup); // exits "normal"
 * ```
 * @param reason the supervisor's exit reason; default `"normal"`
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

/**
 * Options of {@link tree}.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * await Supervisor.tree(root, { timeout: 1000 });
 * ```
 * @since 0.1.0
 * @category Introspection
 */
export interface TreeOptions {
  /** Milliseconds to wait for each supervisor's answer. Default `5000`. */
  readonly timeout?: number;
}

/**
 * The whole supervision tree below a supervisor: its children (as {@link whichChildren},
 * with their restart counts) and, for each running child supervisor, its own children,
 * recursively. For humans (print it) and tools. A child supervisor that does not answer
 * within `timeout` (or is not a Trellis supervisor) is shown without `children`.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * console.dir(await Supervisor.tree(root), { depth: null });
 * ```
 * @throws {NoProcessError} (rejects) if the top supervisor does not exist
 * @since 0.1.0
 * @category Introspection
 */
export async function tree(sup: Dest, options: TreeOptions = {}): Promise<TreeNode[]> {
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(
      `Supervisor.tree: options must be an object such as { timeout: ms }, got ${formatReason(options)}`,
    );
  }
  const timeout = options.timeout ?? 5000;
  const children = await supervisorRequest<ChildInfo[]>(
    MODULE,
    "tree",
    sup,
    { type: "which_children" },
    undefined,
    timeout,
  );
  return Promise.all(
    children.map(async (c): Promise<TreeNode> => {
      if (c.type !== "supervisor" || !(c.pid instanceof Pid)) return c;
      try {
        const below = await tree(c.pid, options);
        return Array.isArray(below) ? { ...c, children: below } : c;
      } catch {
        return c;
      }
    }),
  );
}
