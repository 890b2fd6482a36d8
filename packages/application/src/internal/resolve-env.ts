/**
 * Resolving an application's env from its defaults, the config object and the process
 * environment variables, every value checked.
 */
import type { AnyApplication } from "../definition.js";
import type { EnvSpec } from "../env.js";
import { DefinitionError, EnvError } from "../errors.js";

/** The config object: `{ [application]: { [key]: value } }`. */
export type Config = { readonly [application: string]: { readonly [key: string]: unknown } };

/** The process environment variables. */
export type Variables = { readonly [name: string]: string | undefined };

/** Throws unless `config` is an object of objects naming only `known` applications. */
export function checkConfig(config: unknown, known: (name: string) => boolean): Config {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new DefinitionError(
      "invalid_option",
      "config",
      config,
      "expected { [application]: { [key]: value } }",
    );
  }
  for (const [name, values] of Object.entries(config)) {
    if (typeof values !== "object" || values === null || Array.isArray(values)) {
      throw new DefinitionError(
        "invalid_option",
        `config.${name}`,
        values,
        "expected an object of env values, { [key]: value }",
      );
    }
    if (!known(name)) throw new EnvError("unknown_application", name, undefined);
  }
  return config as Config;
}

/** Throws unless `variables` is an object of strings (or undefined values). */
export function checkVariables(variables: unknown): Variables {
  if (
    typeof variables !== "object" ||
    variables === null ||
    !Object.values(variables).every((v) => v === undefined || typeof v === "string")
  ) {
    throw new DefinitionError(
      "invalid_option",
      "variables",
      variables,
      "expected an object of strings, such as process.env",
    );
  }
  return variables as Variables;
}

/** The env of `app`, every key checked; throws an {@link EnvError} for the first problem. */
export function resolveEnv(
  app: AnyApplication,
  config: Config,
  variables: Variables,
): Map<string, unknown> {
  const schema = app.env ?? {};
  const given = config[app.name] ?? {};
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(schema, key)) throw new EnvError("unknown_key", app.name, key);
  }
  const env = new Map<string, unknown>();
  for (const [key, spec] of Object.entries(schema) as [string, EnvSpec<unknown>][]) {
    const text = spec.variable === undefined ? undefined : variables[spec.variable];
    if (text !== undefined) {
      env.set(key, decodeOrThrow(app.name, key, spec, text, "variable"));
    } else if (Object.hasOwn(given, key)) {
      env.set(key, decodeOrThrow(app.name, key, spec, given[key], "config"));
    } else if (spec.hasDefault) {
      env.set(key, spec.default);
    } else {
      throw new EnvError("missing", app.name, key, {
        ...(spec.variable === undefined ? {} : { variable: spec.variable }),
        expected: spec.expected,
      });
    }
  }
  return env;
}

/** A checked value for `key`, or an {@link EnvError}. */
export function decodeOrThrow(
  application: string,
  key: string,
  spec: EnvSpec<unknown>,
  value: unknown,
  source: "variable" | "config" | "putEnv",
): unknown {
  const decoded = spec.decode(value, source === "variable");
  if (decoded.ok) return decoded.value;
  throw new EnvError("invalid", application, key, {
    source,
    value,
    expected: decoded.expected,
    ...(spec.variable === undefined ? {} : { variable: spec.variable }),
  });
}
