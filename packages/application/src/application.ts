/**
 * Starting, stopping and configuring applications (Erlang's `application` module).
 *
 * @module
 */
import { currentRuntime, type Runtime } from "@trellis/core";
import { type AnyApplication, isApplication, type StartType } from "./definition.js";
import type { EnvOf, EnvSchema } from "./env.js";
import { DefinitionError, EnvError } from "./errors.js";
import { controllerOf } from "./internal/controller.js";
import { decodeOrThrow } from "./internal/resolve-env.js";

/**
 * Where applications run: the runtime given, else the caller's (the default runtime outside
 * process code).
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * import { createRuntime } from "@trellis/core";
 * const options: Application.RuntimeOption = { runtime: createRuntime() };
 * await Application.start(Web, options);
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface RuntimeOption {
  /** The runtime. Default: the caller's runtime (the default runtime outside process code). */
  readonly runtime?: Runtime;
}

/**
 * Options of {@link load}: where env values come from besides the defaults.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * const options: Application.LoadOptions = {
 *   config: { web: { port: 4000 } },
 *   variables: { PORT: "4001" }, // wins over the config
 * };
 * await Application.load(Web, options);
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface LoadOptions extends RuntimeOption {
  /**
   * Env values by application name, then key (Elixir's `config :web, port: 4000`). A name
   * that is not being loaded and a key an application does not declare are errors.
   * Default: none.
   */
  readonly config?: { readonly [application: string]: { readonly [key: string]: unknown } };
  /** Process environment variables, whose text wins over the config. Default `process.env`. */
  readonly variables?: { readonly [name: string]: string | undefined };
}

/**
 * Options of {@link start}.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * const options: Application.StartOptions = { type: "permanent", config: { web: { port: 4000 } } };
 * await Application.start(Web, options);
 * ```
 * @since 0.1.0
 * @category Options
 */
export interface StartOptions extends LoadOptions {
  /** The start type of every application this call starts. Default `"temporary"`, as in Erlang. */
  readonly type?: StartType;
}

/**
 * A running application, as {@link whichApplications} lists it.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * const running: Application.RunningApplication[] = Application.whichApplications();
 * running.map((a) => `${a.name} (${a.type})`);
 * ```
 * @since 0.1.0
 * @category Introspection
 */
export interface RunningApplication {
  /** The application's name. */
  readonly name: string;
  /** Its description, `""` if it has none. */
  readonly description: string;
  /** The start type it runs with. */
  readonly type: StartType;
}

function runtimeOf(options: RuntimeOption | undefined): Runtime {
  return options?.runtime ?? currentRuntime();
}

function appsOf(
  apps: AnyApplication | readonly AnyApplication[],
  operation: string,
): AnyApplication[] {
  const list = Array.isArray(apps)
    ? [...(apps as readonly AnyApplication[])]
    : [apps as AnyApplication];
  for (const app of list) {
    if (!isApplication(app)) {
      throw new DefinitionError(
        "invalid_definition",
        "application",
        app,
        `${operation} expects applications made by Application.define`,
      );
    }
  }
  return list;
}

function checkOptions(options: unknown, operation: string): void {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new DefinitionError(
      "invalid_option",
      "options",
      options,
      `${operation}: expected an options object`,
    );
  }
}

/**
 * Loads applications and the applications they depend on without starting them (Erlang's
 * `application:load`): their env is resolved from the defaults, `config` and `variables`,
 * and checked, so {@link getEnv} and {@link putEnv} work. Applications already loaded keep
 * their env. Resolves with the names of the applications it loaded.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * await Application.load(Web, { config: { web: { port: 4000 } } });
 * Application.getEnv(Web, "port"); // 4000
 * ```
 * @throws {EnvError} (rejects) for a value of the wrong type, a missing required value, an unknown key or application in `config`
 * @throws {DependencyError} (rejects) for an unknown dependency or a cycle
 * @throws {DefinitionError} (rejects) for something that is not an application, two applications with one name, or bad options
 * @since 0.1.0
 * @category Lifecycle
 */
export async function load(
  apps: AnyApplication | readonly AnyApplication[],
  options: LoadOptions = {},
): Promise<string[]> {
  checkOptions(options, "Application.load");
  return controllerOf(runtimeOf(options)).load(appsOf(apps, "Application.load"), options);
}

/**
 * Starts applications and, first, every application they depend on that is not running yet,
 * in dependency order (Erlang's `application:ensure_all_started`). Before anything starts,
 * the dependencies are resolved (unknown names and cycles rejected) and the env of every
 * application not loaded yet is resolved and checked. Each `start` runs only after its
 * dependencies' trees are up. If one fails, the applications this call started are stopped
 * again, newest first, and the call rejects. Resolves with the names of the applications it
 * started, in start order (already running ones are skipped).
 *
 * `type` decides what the application's exit does to the others (see {@link StartType});
 * Erlang's default is `"temporary"`, and {@link runMain} uses `"permanent"`.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * await Application.start(Web, { type: "permanent" }); // ["db", "web"]: db first
 * ```
 * @throws {EnvError} (rejects) for a value of the wrong type, a missing required value, an unknown key or application in `config`
 * @throws {DependencyError} (rejects) for an unknown dependency or a cycle
 * @throws {DefinitionError} (rejects) for something that is not an application, two applications with one name, or bad options
 * @throws {ApplicationStartError} (rejects) when a `start` throws or does not resolve with a running supervisor
 * @since 0.1.0
 * @category Lifecycle
 */
export async function start(
  apps: AnyApplication | readonly AnyApplication[],
  options: StartOptions = {},
): Promise<string[]> {
  checkOptions(options, "Application.start");
  return controllerOf(runtimeOf(options)).start(
    appsOf(apps, "Application.start"),
    options.type ?? "temporary",
    options,
  );
}

/**
 * Stops a running application (Erlang's `application:stop`): its `prepStop` runs, then its
 * supervision tree stops the ordinary way (children newest first, each within its own
 * shutdown time), then its `stop`. Other applications, those that depend on it included,
 * are not affected, whatever its start type. Resolves once everything is done.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * await Application.stop(Web);
 * ```
 * @throws {ApplicationStateError} (rejects) if the application is not running (`"not_started"`)
 * @since 0.1.0
 * @category Lifecycle
 */
export async function stop(app: AnyApplication, options: RuntimeOption = {}): Promise<void> {
  checkOptions(options, "Application.stop");
  const [one] = appsOf(app, "Application.stop") as [AnyApplication];
  return controllerOf(runtimeOf(options)).stop(one);
}

/**
 * Stops every running application of the runtime, newest first, each as {@link stop} does
 * (what Erlang's `init:stop` does before the node halts). Resolves once all have stopped.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * await Application.stopAll(); // web, then db
 * ```
 * @since 0.1.0
 * @category Lifecycle
 */
export async function stopAll(options: RuntimeOption = {}): Promise<void> {
  checkOptions(options, "Application.stopAll");
  return controllerOf(runtimeOf(options)).stopAll();
}

/**
 * The running applications, newest first (Erlang's `application:which_applications`).
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * Application.whichApplications().map((a) => a.name); // ["web", "db"]
 * ```
 * @since 0.1.0
 * @category Introspection
 */
export function whichApplications(options: RuntimeOption = {}): RunningApplication[] {
  checkOptions(options, "Application.whichApplications");
  return controllerOf(runtimeOf(options))
    .running.map((r) => ({ name: r.app.name, description: r.app.description ?? "", type: r.type }))
    .reverse();
}

/**
 * The current value of one env key of a loaded (or running) application (Elixir's
 * `Application.fetch_env!`), typed by its declaration.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * const port: number = Application.getEnv(Web, "port");
 * ```
 * @throws {ApplicationStateError} if the application is not loaded in the runtime (`"not_loaded"`)
 * @throws {EnvError} if the application does not declare `key` (`"unknown_key"`)
 * @since 0.1.0
 * @category Env
 */
export function getEnv<S extends EnvSchema, K extends keyof S & string>(
  app: AnyApplication & { readonly env?: S },
  key: K,
  options: RuntimeOption = {},
): EnvOf<S>[K] {
  const env = controllerOf(runtimeOf(options)).envOf(app, "Application.getEnv");
  if (!env.has(key)) throw new EnvError("unknown_key", app.name, String(key));
  return env.get(key) as EnvOf<S>[K];
}

/**
 * Every env value of a loaded (or running) application, as a frozen object (Elixir's
 * `Application.get_all_env`).
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * const { port, host } = Application.getAllEnv(Web);
 * ```
 * @throws {ApplicationStateError} if the application is not loaded in the runtime (`"not_loaded"`)
 * @since 0.1.0
 * @category Env
 */
export function getAllEnv<S extends EnvSchema>(
  app: AnyApplication & { readonly env?: S },
  options: RuntimeOption = {},
): EnvOf<S> {
  const env = controllerOf(runtimeOf(options)).envOf(app, "Application.getAllEnv");
  return Object.freeze(Object.fromEntries(env)) as EnvOf<S>;
}

/**
 * Sets one env key of a loaded (or running) application (Elixir's `Application.put_env`),
 * checked against its declaration. Running processes see it on their next {@link getEnv};
 * nothing is restarted.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * Application.putEnv(Web, "port", 8081);
 * ```
 * @throws {ApplicationStateError} if the application is not loaded in the runtime (`"not_loaded"`)
 * @throws {EnvError} for an undeclared key (`"unknown_key"`) or a value of the wrong type (`"invalid"`, source `"putEnv"`)
 * @since 0.1.0
 * @category Env
 */
export function putEnv<S extends EnvSchema, K extends keyof S & string>(
  app: AnyApplication & { readonly env?: S },
  key: K,
  value: EnvOf<S>[K],
  options: RuntimeOption = {},
): void {
  const env = controllerOf(runtimeOf(options)).envOf(app, "Application.putEnv");
  const spec = app.env?.[key];
  if (spec === undefined || !env.has(key)) throw new EnvError("unknown_key", app.name, String(key));
  env.set(key, decodeOrThrow(app.name, key, spec, value, "putEnv"));
}
