/**
 * Application definitions: Erlang's application resource file and callback module in one
 * object.
 *
 * @module
 */
import type { Pid } from "@trellis/core";
import type { EnvOf, EnvSchema } from "./env.js";
import { isEnvSpec } from "./env.js";
import { DefinitionError } from "./errors.js";

/**
 * What an application's exit does to the others (Erlang's start types), chosen when it is
 * started:
 *
 * - `"permanent"`: when it terminates, for any reason, all other applications are stopped
 *   and the service exits (non-zero under {@link runMain});
 * - `"transient"`: the same when it terminates with a reason other than `"normal"`; a
 *   `"normal"` exit is only reported;
 * - `"temporary"` (the default of {@link start}): its exit is only reported.
 *
 * Stopping an application with {@link stop} never affects the others, whatever its type.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * const type: Application.StartType = "permanent";
 * await Application.start(Web, { type });
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export type StartType = "permanent" | "transient" | "temporary";

/**
 * What `start` receives.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * import * as Supervisor from "@trellis/supervisor";
 * const Web = Application.define({
 *   name: "web",
 *   env: { port: Application.Env.integer({ default: 8080 }) },
 *   start: (context: Application.StartContext<{ port: number }>) =>
 *     Supervisor.startLink([httpSpec(context.env.port)], { strategy: "one_for_one" }),
 * });
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export interface StartContext<Env> {
  /** The application's name. */
  readonly name: string;
  /** Its environment when it starts, checked ({@link getEnv} reads later changes). */
  readonly env: Env;
  /** The start type it was started with. */
  readonly type: StartType;
}

/**
 * What `start` may resolve with: the pid of the root supervisor, or the pid with a state
 * that `prepStop` and `stop` receive (Erlang's `{ok, Pid}` and `{ok, Pid, State}`).
 *
 * @example
 * ```ts
 * import type { StartResult } from "@trellis/application";
 * const withState = (pid: import("@trellis/core").Pid): StartResult<{ since: number }> => ({
 *   pid,
 *   state: { since: Date.now() },
 * });
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export type StartResult<State> =
  | Pid
  | {
      /** The root supervisor. */
      readonly pid: Pid;
      /** What `prepStop` and `stop` receive. */
      readonly state: State;
    };

/**
 * What {@link define} takes: the application's name, what it depends on, its env, and its
 * callbacks (Elixir's `Application` behaviour).
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * import * as Supervisor from "@trellis/supervisor";
 * const spec: Application.ApplicationSpec<Record<string, never>, undefined> = {
 *   name: "jobs",
 *   start: () => Supervisor.startLink([], { strategy: "one_for_one" }),
 * };
 * const Jobs = Application.define(spec);
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export interface ApplicationSpec<S extends EnvSchema, State> {
  /** A unique, non-empty name: the key of its env in the config object. */
  readonly name: string;
  /** A one-line description, for listings. */
  readonly description?: string;
  /**
   * The applications that must run before this one (definitions, or names of applications
   * given elsewhere). They start first and stop after it.
   */
  readonly dependencies?: readonly (AnyApplication | string)[];
  /** The env keys, with their types, defaults and variables (see {@link Env}). */
  readonly env?: S;
  /**
   * Starts the application's supervision tree, and resolves with the root supervisor's pid
   * (or `{ pid, state }`). Runs in the application's master process (which the root is
   * linked to when started with `startLink`), after the dependencies have started. Throw
   * or reject to fail the start: the applications started with it are stopped again and
   * {@link start} rejects with an {@link ApplicationStartError}. Required.
   */
  start(context: StartContext<EnvOf<S>>): StartResult<State> | Promise<StartResult<State>>;
  /**
   * Runs before the supervision tree is stopped (Erlang's `prep_stop`): stop taking new
   * work here. It gets the state from `start` and returns the state `stop` gets. Also runs
   * when the tree has terminated by itself. Optional; an error is logged and the stop goes
   * on.
   */
  prepStop?(state: State): State | Promise<State>;
  /**
   * Runs after the supervision tree has stopped (Erlang's `stop`): release what the
   * application holds outside its processes. Its result is ignored. Optional; an error is
   * logged.
   */
  stop?(state: State): void | Promise<void>;
}

/**
 * An application, made by {@link define}. It carries its env types, so that {@link getEnv}
 * and {@link putEnv} are checked at compile time.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * const Web: Application.Application<{ port: Application.EnvSpec<number> }> = Application.define({
 *   name: "web",
 *   env: { port: Application.Env.integer({ default: 8080 }) },
 *   start: startTree,
 * });
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export interface Application<S extends EnvSchema = EnvSchema, State = unknown>
  extends ApplicationSpec<S, State> {
  /** Brand: made by {@link define}. */
  readonly [APPLICATION]: true;
}

/**
 * Any application, whatever its env and state.
 *
 * @example
 * ```ts
 * import type { AnyApplication } from "@trellis/application";
 * const names = (apps: readonly AnyApplication[]): string[] => apps.map((a) => a.name);
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export type AnyApplication = Application<EnvSchema, unknown>;

/**
 * The brand of application definitions: {@link define} sets it, {@link isApplication}
 * checks it (it is a `Symbol.for`, so a duplicate install of the package recognises it).
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * const Web = Application.define({ name: "web", start: startTree });
 * Application.APPLICATION in Web; // true
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export const APPLICATION: unique symbol = Symbol.for("trellis.application");

/**
 * Defines an application: checks the definition and returns it, typed (Elixir's
 * `use Application` plus the `application` entry of `mix.exs`).
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * import { Env } from "@trellis/application";
 * import * as Supervisor from "@trellis/supervisor";
 *
 * const Web = Application.define({
 *   name: "web",
 *   dependencies: [Db],
 *   env: { port: Env.integer({ default: 8080, variable: "PORT" }) },
 *   start: ({ env }) =>
 *     Supervisor.startLink([httpSpec(env.port)], { strategy: "one_for_one" }),
 *   prepStop: (state) => state,
 * });
 * ```
 * @throws {DefinitionError} for a missing or empty name, a missing `start`, a callback that
 *   is not a function, dependencies that are not definitions or names, or env entries not
 *   made by {@link Env}
 * @since 0.1.0
 * @category Definitions
 */
export function define<const S extends EnvSchema = Record<string, never>, State = undefined>(
  spec: ApplicationSpec<S, State>,
): Application<S, State> {
  if (typeof spec !== "object" || spec === null) {
    throw new DefinitionError(
      "invalid_definition",
      "definition",
      spec,
      "expected { name, start, dependencies?, env?, prepStop?, stop? }",
    );
  }
  if (typeof spec.name !== "string" || spec.name.trim() === "") {
    throw new DefinitionError("invalid_name", "name", spec.name, "expected a non-empty string");
  }
  if (typeof spec.start !== "function") {
    throw new DefinitionError(
      "invalid_start",
      "start",
      spec.start,
      `application "${spec.name}" needs a start function that resolves with its root supervisor's pid`,
    );
  }
  for (const callback of ["prepStop", "stop"] as const) {
    if (spec[callback] !== undefined && typeof spec[callback] !== "function") {
      throw new DefinitionError(
        "invalid_callback",
        callback,
        spec[callback],
        `application "${spec.name}": ${callback} must be a function when given`,
      );
    }
  }
  if (spec.description !== undefined && typeof spec.description !== "string") {
    throw new DefinitionError(
      "invalid_definition",
      "description",
      spec.description,
      "expected a string",
    );
  }
  const deps = spec.dependencies ?? [];
  if (
    !Array.isArray(deps) ||
    !deps.every((d) => (typeof d === "string" && d !== "") || isApplication(d))
  ) {
    throw new DefinitionError(
      "invalid_dependencies",
      "dependencies",
      deps,
      `application "${spec.name}": expected an array of applications (made by define) or their names`,
    );
  }
  const env = spec.env ?? {};
  if (typeof env !== "object" || env === null || Array.isArray(env)) {
    throw new DefinitionError("invalid_env", "env", env, "expected { key: Env.string(…), … }");
  }
  for (const [key, value] of Object.entries(env)) {
    if (!isEnvSpec(value)) {
      throw new DefinitionError(
        "invalid_env",
        `env.${key}`,
        value,
        `application "${spec.name}": make each env entry with Env.string, Env.integer, Env.boolean…`,
      );
    }
  }
  const app = { ...spec, dependencies: [...deps], env } as unknown as ApplicationSpec<S, State>;
  Object.defineProperty(app, APPLICATION, { value: true });
  return Object.freeze(app) as Application<S, State>;
}

/**
 * Whether `value` is an application made by {@link define}.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * Application.isApplication({ name: "web" }); // false: not made by define
 * ```
 * @since 0.1.0
 * @category Definitions
 */
export function isApplication(value: unknown): value is AnyApplication {
  return typeof value === "object" && value !== null && APPLICATION in value;
}
