/**
 * The application controller (Erlang's `application_controller`), one per runtime: which
 * applications are loaded (their env) and running, in what order; starts and stops one
 * operation at a time; applies the start types' rules when an application terminates; holds
 * Node's event loop open while anything runs.
 */
import { addExitHook, formatReason, type LogReport, type Pid, type Runtime } from "@trellis/core";
import type { AnyApplication, StartType } from "../definition.js";
import { ApplicationStartError, ApplicationStateError, DefinitionError } from "../errors.js";
import { startOrder } from "./graph.js";
import { KeepAlive } from "./keep-alive.js";
import { StopRequest, spawnMaster } from "./master.js";
import {
  type Config,
  checkConfig,
  checkVariables,
  resolveEnv,
  type Variables,
} from "./resolve-env.js";

/** A loaded application: its definition and its current env. */
export interface Loaded {
  readonly app: AnyApplication;
  readonly env: Map<string, unknown>;
}

/** A running application. */
export interface Running {
  readonly app: AnyApplication;
  readonly type: StartType;
  readonly master: Pid;
  readonly root: Pid;
  /** Resolves when the master has exited. */
  readonly gone: Promise<void>;
  /** Being stopped by {@link Controller.stop}: its exit is not a termination. */
  stopping: boolean;
}

/** A permanent application (or a transient one, abnormally) terminated. */
export interface HaltEvent {
  readonly application: string;
  readonly reason: unknown;
}

/** Options of {@link Controller.load} and {@link Controller.start}. */
export interface LoadOptions {
  readonly config?: unknown;
  readonly variables?: unknown;
}

const START_TYPES: readonly StartType[] = ["permanent", "transient", "temporary"];

const controllers = new WeakMap<Runtime, Controller>();

/** The controller of `rt`, created on first use. */
export function controllerOf(rt: Runtime): Controller {
  let c = controllers.get(rt);
  if (c === undefined) {
    c = new Controller(rt);
    controllers.set(rt, c);
  }
  return c;
}

export class Controller {
  readonly rt: Runtime;
  readonly loaded: Map<string, Loaded> = new Map();
  /** Running applications, in start order. */
  readonly running: Running[] = [];
  /** Called when a permanent (or abnormally exiting transient) application terminated. */
  readonly haltHandlers: Set<(event: HaltEvent) => void> = new Set();
  /** Called when the last running application is gone. */
  readonly idleHandlers: Set<() => void> = new Set();
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private halting = false;
  readonly keepAlive: KeepAlive = new KeepAlive();

  constructor(rt: Runtime) {
    this.rt = rt;
  }

  report(report: LogReport): void {
    try {
      this.rt.logger.log(report);
    } catch {
      // a logger must not take the controller down
    }
  }

  /** Runs `op` after every operation before it (start and stop never interleave). */
  private serialize<T>(op: () => Promise<T>): Promise<T> {
    this.pending++;
    this.sync();
    const run = async (): Promise<T> => {
      try {
        return await op();
      } finally {
        this.pending--;
        this.checkIdle();
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Holds Node's event loop open exactly while something runs or is being started/stopped. */
  private sync(): void {
    this.keepAlive.set(this.running.length > 0 || this.pending > 0);
  }

  private checkIdle(): void {
    this.sync();
    if (this.running.length > 0 || this.pending > 0) return;
    this.halting = false;
    for (const h of [...this.idleHandlers]) h();
  }

  find(name: string): Running | undefined {
    return this.running.find((r) => r.app.name === name);
  }

  /** The applications `roots` need in start order, with their env loaded and checked. */
  private prepare(roots: readonly AnyApplication[], options: LoadOptions): AnyApplication[] {
    const order = startOrder(roots, (name) => this.loaded.get(name)?.app);
    for (const app of order) {
      const seen = this.loaded.get(app.name)?.app;
      if (seen !== undefined && seen !== app) {
        throw new DefinitionError(
          "duplicate_name",
          "name",
          app.name,
          "another application with this name is already loaded in this runtime",
        );
      }
    }
    const config: Config =
      options.config === undefined
        ? {}
        : checkConfig(
            options.config,
            (name) => this.loaded.has(name) || order.some((a) => a.name === name),
          );
    const variables: Variables =
      options.variables === undefined ? process.env : checkVariables(options.variables);
    // Every env first: a bad value anywhere means nothing is loaded or started.
    const fresh: [AnyApplication, Map<string, unknown>][] = [];
    for (const app of order) {
      if (!this.loaded.has(app.name)) fresh.push([app, resolveEnv(app, config, variables)]);
    }
    for (const [app, env] of fresh) this.loaded.set(app.name, { app, env });
    return order;
  }

  load(roots: readonly AnyApplication[], options: LoadOptions): Promise<string[]> {
    return this.serialize(async () => {
      const before = new Set(this.loaded.keys());
      return this.prepare(roots, options)
        .map((a) => a.name)
        .filter((n) => !before.has(n));
    });
  }

  start(roots: readonly AnyApplication[], type: unknown, options: LoadOptions): Promise<string[]> {
    if (!START_TYPES.includes(type as StartType)) {
      return Promise.reject(
        new DefinitionError(
          "invalid_option",
          "type",
          type,
          'expected "permanent", "transient" or "temporary"',
        ),
      );
    }
    return this.serialize(async () => {
      const order = this.prepare(roots, options);
      const started: Running[] = [];
      for (const app of order) {
        if (this.find(app.name) !== undefined) continue;
        try {
          started.push(await this.startOne(app, type as StartType));
        } catch (e) {
          // As Erlang's ensure_all_started: what this call started is stopped again.
          for (const r of started.reverse()) await this.stopOne(r);
          throw e;
        }
      }
      return started.map((r) => r.app.name);
    });
  }

  private startOne(app: AnyApplication, type: StartType): Promise<Running> {
    const loaded = this.loaded.get(app.name) as Loaded;
    const env = Object.freeze(Object.fromEntries(loaded.env));
    return new Promise<Running>((resolve, reject) => {
      let running: Running | undefined;
      let settled = false;
      let resolveGone: () => void = () => {};
      const gone = new Promise<void>((r) => {
        resolveGone = r;
      });
      const master = spawnMaster(
        this.rt,
        app,
        { name: app.name, env, type },
        {
          started: (root) => {
            settled = true;
            running = { app, type, master, root, gone, stopping: false };
            this.running.push(running);
            this.sync();
            this.report({
              kind: "info",
              message: `application ${app.name} started (type ${type}), root supervisor ${root}`,
              application: app.name,
              report: "application_started",
              type,
              // a progress report, as OTP's application_controller writes it (domain otp, sasl)
              domain: ["otp", "sasl"],
            });
            resolve(running);
          },
          failed: (reason) => {
            settled = true;
            const error = new ApplicationStartError(app.name, reason);
            this.report({
              kind: "error",
              message: error.message,
              application: app.name,
              report: "application_start_failed",
              reason,
            });
            reject(error);
          },
          terminated: (reason) => {
            if (running !== undefined) this.terminated(running, reason);
          },
          callbackFailed: (callback, error) => {
            this.report({
              kind: "error",
              message: `application ${app.name}: ${callback} failed: ${formatReason(error)}`,
              application: app.name,
              report: "callback_failed",
              reason: error,
            });
          },
        },
      );
      addExitHook(master, (reason) => {
        resolveGone();
        if (!settled) {
          settled = true;
          reject(new ApplicationStartError(app.name, reason));
        }
        // A master that died some other way (an error escaped from code its start left
        // behind, it was killed): the application has terminated with that reason.
        if (running !== undefined && this.running.includes(running)) {
          if (running.stopping) this.remove(running);
          else this.terminated(running, reason);
        }
      });
    });
  }

  private remove(r: Running): boolean {
    const i = this.running.indexOf(r);
    if (i < 0) return false;
    this.running.splice(i, 1);
    this.checkIdle();
    return true;
  }

  /** The root of `r` exited by itself with `reason`: the start type decides what follows. */
  private terminated(r: Running, reason: unknown): void {
    if (r.stopping) return; // stop() is taking it down; its own exit is not a termination
    const fatal = r.type === "permanent" || (r.type === "transient" && reason !== "normal");
    this.report({
      kind: fatal ? "error" : reason === "normal" ? "info" : "warning",
      message: `application ${r.app.name} exited: ${formatReason(reason)} (type ${r.type})${
        fatal ? "; stopping every application" : ""
      }`,
      application: r.app.name,
      report: "application_exited",
      reason,
      type: r.type,
    });
    const halt = fatal && !this.halting;
    if (halt) this.halting = true;
    // Called from r's master: remove it before anybody looks at what runs.
    const i = this.running.indexOf(r);
    if (i >= 0) this.running.splice(i, 1);
    if (halt) {
      const event: HaltEvent = { application: r.app.name, reason };
      if (this.haltHandlers.size > 0) {
        for (const h of [...this.haltHandlers]) h(event);
      } else {
        void this.stopAll();
      }
    }
    this.checkIdle();
  }

  private async stopOne(r: Running): Promise<void> {
    if (!this.running.includes(r)) return;
    r.stopping = true;
    this.rt.send(r.master, new StopRequest());
    await r.gone;
    this.remove(r);
    this.report({
      kind: "info",
      message: `application ${r.app.name} exited: stopped (type ${r.type})`,
      application: r.app.name,
      report: "application_exited",
      reason: "stopped",
      type: r.type,
    });
  }

  stop(app: AnyApplication): Promise<void> {
    return this.serialize(async () => {
      const r = this.find(app.name);
      if (r === undefined)
        throw new ApplicationStateError("not_started", app.name, "Application.stop");
      await this.stopOne(r);
    });
  }

  /** Stops every running application, newest first. */
  stopAll(): Promise<void> {
    return this.serialize(async () => {
      for (const r of [...this.running].reverse()) await this.stopOne(r);
    });
  }

  envOf(app: AnyApplication, operation: string): Map<string, unknown> {
    if (typeof app !== "object" || app === null || typeof app.name !== "string") {
      throw new DefinitionError(
        "invalid_definition",
        "application",
        app,
        "expected an application made by define",
      );
    }
    const loaded = this.loaded.get(app.name);
    if (loaded === undefined) throw new ApplicationStateError("not_loaded", app.name, operation);
    return loaded.env;
  }
}
