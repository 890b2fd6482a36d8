/**
 * The errors of `@trellis/application`. Every one of them is thrown (or rejected with)
 * before anything starts, except {@link ApplicationStartError}, which comes after the
 * applications started so far have been stopped again.
 *
 * @module
 */
import { BadArgumentError, formatReason, InitError } from "@trellis/core";

/**
 * What is wrong with an application definition or with the options of a function of this
 * package.
 *
 * @example
 * ```ts
 * import type { DefinitionProblem } from "@trellis/application";
 * const problem: DefinitionProblem = "duplicate_name";
 * ```
 * @since 0.1.0
 * @category Errors
 */
export type DefinitionProblem =
  | "invalid_definition"
  | "invalid_name"
  | "invalid_start"
  | "invalid_callback"
  | "invalid_dependencies"
  | "invalid_env"
  | "duplicate_name"
  | "invalid_option";

/**
 * An invalid application definition (a missing name or `start`, a dependency that is
 * neither a definition nor a name, an env entry that is not made by `Env`), two different
 * definitions with the same name, or an invalid option. Nothing is started.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * try {
 *   Application.define({ name: "", start: async () => { throw new Error("unused"); } });
 * } catch (err) {
 *   if (err instanceof Application.DefinitionError) console.log(err.problem, err.field); // "invalid_name" "name"
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class DefinitionError extends BadArgumentError {
  /** What is wrong. */
  readonly problem: DefinitionProblem;
  /** The field or option at fault. */
  readonly field: string;
  /** The offending value. */
  readonly value: unknown;

  /**
   * @param problem what is wrong
   * @param field the field or option at fault
   * @param value the offending value
   * @param hint what is accepted, or what to do
   */
  constructor(problem: DefinitionProblem, field: string, value: unknown, hint: string) {
    super(`invalid application ${field} (${problem}): ${formatReason(value)} - ${hint}`);
    this.problem = problem;
    this.field = field;
    this.value = value;
  }
}

/**
 * A dependency that names no known application, or dependencies that form a cycle. Nothing
 * is started.
 *
 * - `"unknown_dependency"`: `application` depends on `dependency`, which is neither a
 *   definition reachable from the applications being started nor an application already
 *   loaded in the runtime;
 * - `"cyclic_dependencies"`: `cycle` lists the names around the cycle, first name repeated
 *   at the end (`["a", "b", "a"]`).
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * const A = Application.define({ name: "a", dependencies: ["missing"], start: startTree });
 * await Application.start(A).catch((err) => {
 *   if (err instanceof Application.DependencyError) console.log(err.problem); // "unknown_dependency"
 * });
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class DependencyError extends BadArgumentError {
  /** What is wrong. */
  readonly problem: "unknown_dependency" | "cyclic_dependencies";
  /** The application whose dependencies are at fault. */
  readonly application: string;
  /** For an unknown dependency: its name. */
  readonly dependency: string | undefined;
  /** For a cycle: the names around it, the first repeated at the end. */
  readonly cycle: readonly string[];

  /**
   * @param problem what is wrong
   * @param application the application at fault
   * @param dependency the unknown dependency
   * @param cycle the cycle
   */
  constructor(
    problem: "unknown_dependency" | "cyclic_dependencies",
    application: string,
    dependency: string | undefined,
    cycle: readonly string[] = [],
  ) {
    super(
      problem === "unknown_dependency"
        ? `application "${application}" depends on "${dependency}", which is not a known application: pass its definition (in dependencies or to start) or load it first`
        : `applications depend on each other in a cycle: ${cycle.join(" -> ")}; an application cannot start before itself`,
    );
    this.problem = problem;
    this.application = application;
    this.dependency = dependency;
    this.cycle = cycle;
  }
}

/**
 * Where an env value came from: the definition's default, the config object, a process
 * environment variable, or {@link putEnv}.
 *
 * @example
 * ```ts
 * import type { EnvSource } from "@trellis/application";
 * const source: EnvSource = "variable";
 * ```
 * @since 0.1.0
 * @category Env
 */
export type EnvSource = "default" | "config" | "variable" | "putEnv";

/**
 * What is wrong with an env value.
 *
 * @example
 * ```ts
 * import type { EnvProblem } from "@trellis/application";
 * const problem: EnvProblem = "missing";
 * ```
 * @since 0.1.0
 * @category Errors
 */
export type EnvProblem = "missing" | "invalid" | "unknown_key" | "unknown_application";

/**
 * An env value of the wrong type (from the config object, a process environment variable or
 * {@link putEnv}), a required value that nobody gave, a config key the application does not
 * declare, or config for an application that is not being started. Thrown before anything
 * starts, for the first problem found.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * import { Env } from "@trellis/application";
 * const Web = Application.define({
 *   name: "web",
 *   env: { port: Env.integer({ default: 8080, variable: "PORT" }) },
 *   start: startTree,
 * });
 * await Application.start(Web, { variables: { PORT: "eighty" } }).catch((err) => {
 *   if (err instanceof Application.EnvError) console.log(err.key, err.source); // "port" "variable"
 * });
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class EnvError extends BadArgumentError {
  /** What is wrong. */
  readonly problem: EnvProblem;
  /** The application. */
  readonly application: string;
  /** The key (`undefined` for `"unknown_application"`). */
  readonly key: string | undefined;
  /** Where the value came from (`undefined` for a missing value). */
  readonly source: EnvSource | undefined;
  /** The offending value (the text of a variable, the value of the config). */
  readonly value: unknown;
  /** What the key accepts, e.g. `"an integer"`. */
  readonly expected: string | undefined;

  /**
   * @param problem what is wrong
   * @param application the application
   * @param key the key
   * @param details where the value came from, the value, what is expected, which variable
   */
  constructor(
    problem: EnvProblem,
    application: string,
    key: string | undefined,
    details: {
      readonly source?: EnvSource;
      readonly value?: unknown;
      readonly expected?: string;
      readonly variable?: string;
    } = {},
  ) {
    super(describeEnvProblem(problem, application, key, details));
    this.problem = problem;
    this.application = application;
    this.key = key;
    this.source = details.source;
    this.value = details.value;
    this.expected = details.expected;
  }
}

function describeEnvProblem(
  problem: EnvProblem,
  application: string,
  key: string | undefined,
  d: {
    readonly source?: EnvSource;
    readonly value?: unknown;
    readonly expected?: string;
    readonly variable?: string;
  },
): string {
  const where = `${application}.${key ?? ""}`;
  switch (problem) {
    case "missing":
      return `env ${where} is required and has no value: ${
        d.variable === undefined
          ? `set it in the config (config: { ${application}: { ${key}: … } })`
          : `set the environment variable ${d.variable} or the config (config: { ${application}: { ${key}: … } })`
      }`;
    case "invalid": {
      const from =
        d.source === "variable"
          ? `the environment variable ${d.variable ?? "?"}`
          : d.source === "config"
            ? "the config"
            : d.source === "putEnv"
              ? "putEnv"
              : "the default";
      return `env ${where} from ${from} must be ${d.expected ?? "valid"}, got ${formatReason(d.value)}`;
    }
    case "unknown_key":
      return `env ${where} is not declared by application "${application}": declare it in the definition's env, or remove it from the config`;
    case "unknown_application":
      return `the config names application "${application}", which is neither being started nor loaded: check the name`;
  }
}

/**
 * An application is not in the state the operation needs: `"not_started"` (stopping an
 * application that is not running), `"not_loaded"` (reading or writing the env of an
 * application that was never loaded or started in this runtime).
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * await Application.stop(Web).catch((err) => {
 *   if (err instanceof Application.ApplicationStateError) console.log(err.problem); // "not_started"
 * });
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class ApplicationStateError extends BadArgumentError {
  /** What is wrong. */
  readonly problem: "not_started" | "not_loaded";
  /** The application. */
  readonly application: string;

  /** @param problem what is wrong @param application the application @param operation what was called */
  constructor(problem: "not_started" | "not_loaded", application: string, operation: string) {
    super(
      problem === "not_started"
        ? `${operation}: application "${application}" is not running`
        : `${operation}: application "${application}" is not loaded in this runtime: start it (or Application.load it) first`,
    );
    this.problem = problem;
    this.application = application;
  }
}

/**
 * An application failed to start: its `start` threw or rejected (`reason` is the error), or
 * returned something that is not a running supervisor (`reason` is `{ bad_return: value }`).
 * The applications that this start had already started are stopped again, newest first,
 * before it rejects (as Erlang's `application:ensure_all_started` does).
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * await Application.start(Web).catch((err) => {
 *   if (err instanceof Application.ApplicationStartError) console.log(err.application, err.reason);
 * });
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class ApplicationStartError extends InitError {
  /** The application that failed to start. */
  readonly application: string;

  /** @param application the application @param reason why it failed */
  constructor(application: string, reason: unknown) {
    super(reason, { cause: reason });
    this.application = application;
    this.message = `application "${application}" failed to start: ${
      isBadReturn(reason)
        ? `start must resolve with the pid of a running supervisor (or { pid, state }), got ${formatReason(reason.bad_return)}`
        : formatReason(reason)
    }`;
  }
}

function isBadReturn(reason: unknown): reason is { bad_return: unknown } {
  return typeof reason === "object" && reason !== null && "bad_return" in reason;
}
