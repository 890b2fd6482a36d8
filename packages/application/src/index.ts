/**
 * # @trellis/application
 *
 * An application is what a service's `main.ts` starts: Erlang/OTP's `application`
 * behaviour in TypeScript's shape. It bundles a supervision tree with its configuration
 * (a typed *env*), the applications it needs (*dependencies*), and the callbacks that start
 * and stop it; {@link runMain} runs applications as a service that stays up while they run,
 * stops gracefully on SIGTERM, and exits with a code that says how it went.
 *
 * ```ts
 * import * as Application from "@trellis/application";
 * import { Env } from "@trellis/application";
 * ```
 *
 * ## Example
 *
 * {@includeCode ../test/examples.ts#define}
 *
 * The whole `main.ts` of the service: it starts, stays up, and stops gracefully on SIGTERM
 * or Ctrl-C.
 *
 * ```ts
 * import * as Application from "@trellis/application";
 * import { Greetings } from "./greetings.js";
 *
 * await Application.runMain(Greetings);
 * ```
 *
 * Applications that depend on others, configured from a config object:
 *
 * {@includeCode ../test/examples.ts#dependencies}
 *
 * ## Definitions
 *
 * {@link define} takes a name, optional `dependencies` and `env`, and the callbacks:
 * `start` (required) starts the supervision tree and resolves with its root supervisor's
 * pid; `prepStop` runs before the tree stops (stop taking work there), `stop` after it has
 * stopped (release what lives outside processes).
 *
 * ## Env
 *
 * Each env key is declared with an {@link Env} builder: its type, its default (none: the key
 * is required) and the process environment variable that may set it. Values come from the
 * default, then the `config` object, then the variable, and are checked when the application
 * is loaded: a wrong type or a missing value is an {@link EnvError} before anything starts.
 * {@link getEnv} and {@link putEnv} read and change them later, typed by the declaration.
 *
 * ## Dependencies
 *
 * {@link start} starts what an application depends on first, in dependency order, and
 * {@link stopAll} stops in reverse order. An unknown dependency or a cycle is a
 * {@link DependencyError} before anything starts.
 *
 * ## Start types
 *
 * `"permanent"`, `"transient"` and `"temporary"` ({@link StartType}) say what the
 * application's own termination does: a permanent application takes every application (and,
 * under {@link runMain}, the OS process, with exit code 1) down with it; a transient one does
 * so only when it exits abnormally; a temporary one is only reported.
 *
 * ## Running a service
 *
 * {@link runMain} starts applications permanent, keeps Node's event loop alive while they
 * run, stops them newest first on SIGTERM/SIGINT within `shutdownTimeout`, exits at once on a
 * second signal, handles errors that escape all process code (log, stop, exit 1), and exits
 * with code 0 after a clean stop.
 *
 * ## Learn more
 *
 * The Application guide (`docs/guides/application.md`) and the Application section of the
 * Erlang mapping (`docs/erlang-mapping.md`).
 *
 * @packageDocumentation
 */
export {
  getAllEnv,
  getEnv,
  type LoadOptions,
  load,
  putEnv,
  type RunningApplication,
  type RuntimeOption,
  type StartOptions,
  start,
  stop,
  stopAll,
  whichApplications,
} from "./application.js";
export {
  type AnyApplication,
  APPLICATION,
  type Application,
  type ApplicationSpec,
  define,
  isApplication,
  type StartContext,
  type StartResult,
  type StartType,
} from "./definition.js";
export {
  type CustomEnvOptions,
  type Decoded,
  Env,
  type EnvBuilders,
  type EnvOf,
  type EnvOptions,
  type EnvSchema,
  type EnvSpec,
  type NumberEnvOptions,
} from "./env.js";
export {
  ApplicationStartError,
  ApplicationStateError,
  DefinitionError,
  type DefinitionProblem,
  DependencyError,
  EnvError,
  type EnvProblem,
  type EnvSource,
} from "./errors.js";
export { type MainHost, type MainOptions, runMain, type UncaughtPolicy } from "./main.js";
