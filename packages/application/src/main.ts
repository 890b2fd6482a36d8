/**
 * `runMain`: the entry point of a service.
 *
 * @module
 */
import { constants } from "node:os";
import {
  defaultRuntime,
  formatReason,
  onUncaughtError,
  type Runtime,
  receive,
  TIMEOUT,
  type UncaughtOrigin,
} from "@trellis/core";
import { type LoadOptions, start } from "./application.js";
import { type AnyApplication, isApplication } from "./definition.js";
import { ApplicationStartError, DefinitionError } from "./errors.js";
import { controllerOf, type HaltEvent } from "./internal/controller.js";

/**
 * What {@link runMain} uses of the OS process: its signals, its exit, and the errors that
 * escape all process code. The default is Node's `process` and core's `onUncaughtError`;
 * tests pass their own to drive a service without ending the test runner.
 *
 * @example
 * ```ts
 * import type { MainHost } from "@trellis/application";
 * const host: MainHost = {
 *   onSignal: (signal, listener) => {
 *     process.on(signal, listener);
 *     return () => void process.off(signal, listener);
 *   },
 *   onUncaughtError: (handler) => {
 *     process.on("uncaughtException", handler);
 *     return () => void process.off("uncaughtException", handler);
 *   },
 *   exit: (code) => process.exit(code),
 * };
 * ```
 * @since 0.1.0
 * @category Running a service
 */
export interface MainHost {
  /** Calls `listener` on each `signal`; returns a function that stops listening. */
  onSignal(signal: NodeJS.Signals, listener: () => void): () => void;
  /** Calls `handler` for each error that escapes all process code; returns a function that stops. */
  onUncaughtError(handler: (error: unknown, origin: UncaughtOrigin) => void): () => void;
  /** Ends the OS process with `code`. */
  exit(code: number): void;
}

/**
 * What {@link runMain} does with an error that escapes all process code (an uncaught
 * exception or an unhandled rejection outside any process; inside a process it crashes that
 * process instead):
 *
 * - `"stop"` (the default): log it with its stack, stop the applications (newest first,
 *   within the shutdown deadline) and exit with code 1;
 * - `"log"`: log it with its stack and keep running.
 *
 * Either way it is never lost.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * const policy: Application.UncaughtPolicy = "log";
 * await Application.runMain(Web, { uncaught: policy });
 * ```
 * @since 0.1.0
 * @category Running a service
 */
export type UncaughtPolicy = "stop" | "log";

/**
 * Options of {@link runMain}.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * const options: Application.MainOptions = { shutdownTimeout: 10_000, signals: ["SIGTERM"] };
 * await Application.runMain(Web, options);
 * ```
 * @since 0.1.0
 * @category Running a service
 */
export interface MainOptions extends LoadOptions {
  /** The runtime. Default: the default runtime. */
  readonly runtime?: Runtime;
  /**
   * Milliseconds that stopping every application may take, from the signal (or the fault)
   * on (Erlang's `shutdown_time`); past it the OS process exits with code 1 at once.
   * Default `25_000`: below the 30 s after which Kubernetes and Docker send SIGKILL.
   */
  readonly shutdownTimeout?: number;
  /** The signals that stop the service gracefully. Default `["SIGTERM", "SIGINT"]`. */
  readonly signals?: readonly NodeJS.Signals[];
  /** What to do with an error that escapes all process code. Default `"stop"`. */
  readonly uncaught?: UncaughtPolicy;
  /** The OS process to work with. Default: Node's `process` (see {@link MainHost}). */
  readonly host?: MainHost;
}

const nodeHost: MainHost = {
  onSignal(signal, listener) {
    process.on(signal, listener);
    return () => void process.off(signal, listener);
  },
  onUncaughtError,
  exit(code) {
    process.exit(code);
  },
};

function signalNumber(signal: NodeJS.Signals): number {
  return (constants.signals as Partial<Record<NodeJS.Signals, number>>)[signal] ?? 0;
}

function badOption(field: string, value: unknown, hint: string): DefinitionError {
  return new DefinitionError("invalid_option", field, value, hint);
}

/**
 * Runs applications as a service, in one line: `await runMain(App)`.
 *
 * It starts the applications (and their dependencies, in dependency order) with start type
 * `"permanent"`, like an Elixir release, then:
 *
 * - **keeps Node alive** while any application runs (no timer of your own needed), and lets
 *   it exit when the last one has stopped: stopping them from code ({@link stopAll},
 *   {@link stop}) ends the service with exit code 0 once nothing else holds the event loop;
 * - **stops gracefully** on SIGTERM or SIGINT: every application, newest first, each through
 *   `prepStop`, its supervision tree's ordinary shutdown (children newest first, each within
 *   its own shutdown time) and `stop`; then exits with code 0. `shutdownTimeout` bounds the
 *   whole: past it, exit code 1 at once. A second signal during the shutdown exits at once
 *   with 128 + the signal's number (130 for SIGINT, 143 for SIGTERM);
 * - **exits non-zero when a permanent application terminates** (its root supervisor gave up
 *   after too many restarts, or stopped by itself): the other applications are stopped, newest
 *   first, then the exit code is 1;
 * - **never loses a fault**: an error that escapes all process code is logged with its stack
 *   and, by default, stops the applications and exits with code 1 (see {@link UncaughtPolicy});
 * - if the start fails (bad env, unknown dependency, a `start` that throws), logs why and exits
 *   with code 1.
 *
 * Resolves with the exit code once the service is over (when the exit is forced, the OS
 * process ends before anyone sees it). Reports go to the runtime's logger.
 *
 * @example
 * ```ts
 * // main.ts
 * import * as Application from "@trellis/application";
 * import { Web } from "./web.js";
 *
 * await Application.runMain(Web);
 * ```
 * @throws {DefinitionError} (rejects) for something that is not an application or invalid options; nothing starts
 * @since 0.1.0
 * @category Running a service
 */
export async function runMain(
  apps: AnyApplication | readonly AnyApplication[],
  options: MainOptions = {},
): Promise<number> {
  if (typeof options !== "object" || options === null) {
    throw badOption("options", options, "runMain: expected an options object");
  }
  const list = Array.isArray(apps) ? (apps as readonly unknown[]) : [apps];
  if (list.length === 0 || !list.every(isApplication)) {
    throw badOption(
      "applications",
      apps,
      "runMain expects an application made by Application.define (or a non-empty array of them)",
    );
  }
  const timeout = options.shutdownTimeout ?? 25_000;
  if (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0) {
    throw badOption("shutdownTimeout", timeout, "expected milliseconds >= 0, or Infinity");
  }
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  if (
    !Array.isArray(signals) ||
    !signals.every((s: unknown) => typeof s === "string" && signalNumber(s as NodeJS.Signals) > 0)
  ) {
    throw badOption("signals", signals, 'expected signal names such as ["SIGTERM", "SIGINT"]');
  }
  const policy = options.uncaught ?? "stop";
  if (policy !== "stop" && policy !== "log") {
    throw badOption("uncaught", policy, 'expected "stop" or "log"');
  }
  const host = options.host ?? nodeHost;
  const rt = options.runtime ?? defaultRuntime();
  const controller = controllerOf(rt);
  const log = (
    kind: "info" | "error",
    message: string,
    extra: Record<string, unknown> = {},
  ): void => controller.report({ kind, message, report: "main", ...extra });

  let phase: "starting" | "running" | "stopping" | "done" = "starting";
  let stopRequested: { code: number; why: string } | undefined;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const offs: (() => void)[] = [];
  const cleanUp = (): void => {
    for (const off of offs.splice(0)) off();
  };

  /** The end: `forced` exits the OS process (signals, faults); otherwise Node exits by itself. */
  const end = (code: number, forced: boolean): void => {
    if (phase === "done") return;
    phase = "done";
    cleanUp();
    finish(code);
    if (forced) host.exit(code);
  };

  /** Stops every application within the deadline, then exits with `code`. */
  const shutdown = (code: number, why: string): void => {
    if (phase === "starting") {
      stopRequested ??= { code, why };
      return;
    }
    if (phase !== "running") return;
    phase = "stopping";
    log("info", `${why}: stopping the applications, newest first (deadline ${timeout} ms)`);
    // The deadline runs on the runtime's clock, in a process of its own.
    const timer = rt.spawn(async () => {
      const msg = await receive((m) => m === "stopped", { timeout });
      if (msg === TIMEOUT) {
        log("error", `the applications did not stop within ${timeout} ms; exiting now`);
        end(1, true);
      }
    });
    controller.stopAll().then(
      () => {
        if (rt.isAlive(timer)) rt.send(timer, "stopped");
        end(code, true);
      },
      (e: unknown) => {
        log("error", `stopping the applications failed: ${formatReason(e)}`, { reason: e });
        end(1, true);
      },
    );
  };

  for (const signal of signals) {
    offs.push(
      host.onSignal(signal, () => {
        if (phase === "stopping" || (phase === "starting" && stopRequested !== undefined)) {
          log("error", `${signal} again during the shutdown: exiting at once`);
          end(128 + signalNumber(signal), true);
          return;
        }
        shutdown(0, signal);
      }),
    );
  }
  offs.push(
    host.onUncaughtError((error, origin) => {
      log(
        "error",
        `an error escaped all process code (${origin}): ${formatReason(error)}${
          policy === "stop" ? "" : " (uncaught: log, the service keeps running)"
        }`,
        { reason: error, origin },
      );
      if (policy === "stop") shutdown(1, `an error escaped (${origin})`);
    }),
  );
  const onHalt = (event: HaltEvent): void =>
    shutdown(1, `application ${event.application} terminated (${formatReason(event.reason)})`);
  const onIdle = (): void => {
    if (phase === "running") end(0, false);
  };
  controller.haltHandlers.add(onHalt);
  controller.idleHandlers.add(onIdle);
  offs.push(
    () => controller.haltHandlers.delete(onHalt),
    () => controller.idleHandlers.delete(onIdle),
  );

  try {
    await start(list as AnyApplication[], { ...options, type: "permanent", runtime: rt });
  } catch (e) {
    // The start's own error (with its stack) when a start callback failed.
    const reason = e instanceof ApplicationStartError && e.reason instanceof Error ? e.reason : e;
    log("error", `the service could not start: ${formatReason(e)}`, { reason });
    end(1, true);
    return finished;
  }
  phase = "running";
  if (stopRequested !== undefined) shutdown(stopRequested.code, stopRequested.why);
  else if (controller.running.length === 0) end(0, false);
  return finished;
}
