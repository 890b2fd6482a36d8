/**
 * Typed application environments: what each key accepts, its default, and the process
 * environment variable that can set it.
 *
 * @module
 */
import { DefinitionError } from "./errors.js";

const ENV_BRAND = Symbol.for("trellis.application.env");

/**
 * The outcome of decoding one env value: the value, or what was expected instead.
 *
 * @example
 * ```ts
 * import type { Decoded } from "@trellis/application";
 * const ok: Decoded<number> = { ok: true, value: 8080 };
 * ```
 * @since 0.1.0
 * @category Env
 */
export type Decoded<T> =
  | {
      /** Accepted. */
      readonly ok: true;
      /** The value. */
      readonly value: T;
    }
  | {
      /** Rejected. */
      readonly ok: false;
      /** What is accepted instead, e.g. `"an integer"`. */
      readonly expected: string;
    };

/**
 * One key of an application's environment: its type, its default (none means the key is
 * required) and the process environment variable that sets it. Made by the {@link Env}
 * builders.
 *
 * @example
 * ```ts
 * import { Env, type EnvSpec } from "@trellis/application";
 * const port: EnvSpec<number> = Env.integer({ default: 8080, variable: "PORT" });
 * ```
 * @since 0.1.0
 * @category Env
 */
export interface EnvSpec<T> {
  /** What the key accepts, for error messages (`"an integer"`). */
  readonly expected: string;
  /** Whether the key has a default (otherwise it is required). */
  readonly hasDefault: boolean;
  /** The default, when {@link EnvSpec.hasDefault}. */
  readonly default: T | undefined;
  /** The process environment variable that sets the key, if any. */
  readonly variable: string | undefined;
  /**
   * Checks (and for variables, parses) a value: `fromText` is true for the text of a
   * process environment variable.
   */
  decode(value: unknown, fromText: boolean): Decoded<T>;
}

/**
 * The env declaration of an application: one {@link EnvSpec} per key.
 *
 * @example
 * ```ts
 * import { Env, type EnvSchema } from "@trellis/application";
 * const schema = { port: Env.integer({ default: 8080 }) } satisfies EnvSchema;
 * ```
 * @since 0.1.0
 * @category Env
 */
export type EnvSchema = { readonly [key: string]: EnvSpec<unknown> };

/**
 * The values of an env schema: `EnvOf<{ port: EnvSpec<number> }>` is `{ port: number }`.
 *
 * @example
 * ```ts
 * import { Env, type EnvOf } from "@trellis/application";
 * const schema = { port: Env.integer({ default: 8080 }) };
 * const env: EnvOf<typeof schema> = { port: 8080 };
 * ```
 * @since 0.1.0
 * @category Env
 */
export type EnvOf<S extends EnvSchema> = {
  readonly [K in keyof S]: S[K] extends EnvSpec<infer T> ? T : never;
};

/**
 * Options of the {@link Env} builders.
 *
 * @example
 * ```ts
 * import { Env, type EnvOptions } from "@trellis/application";
 * const options: EnvOptions<string> = { default: "127.0.0.1", variable: "HOST" };
 * const host = Env.string(options);
 * ```
 * @since 0.1.0
 * @category Env
 */
export interface EnvOptions<T> {
  /** The value when neither the config nor the variable gives one. None: the key is required. */
  readonly default?: T;
  /** The process environment variable whose text sets the key (it wins over the config). */
  readonly variable?: string;
}

/**
 * Options of {@link Env}`.integer` and {@link Env}`.number`.
 *
 * @example
 * ```ts
 * import { Env } from "@trellis/application";
 * const port = Env.integer({ default: 8080, min: 0, max: 65535, variable: "PORT" });
 * ```
 * @since 0.1.0
 * @category Env
 */
export interface NumberEnvOptions extends EnvOptions<number> {
  /** The smallest accepted value. Default: none. */
  readonly min?: number;
  /** The largest accepted value. Default: none. */
  readonly max?: number;
}

/**
 * Options of {@link Env}`.custom`.
 *
 * @example
 * ```ts
 * import { Env, type CustomEnvOptions } from "@trellis/application";
 * const options: CustomEnvOptions<URL> = {
 *   expected: "a URL",
 *   decode: (value) => new URL(String(value)),
 * };
 * const endpoint = Env.custom(options);
 * ```
 * @since 0.1.0
 * @category Env
 */
export interface CustomEnvOptions<T> extends EnvOptions<T> {
  /** What the key accepts, for error messages (`"a URL"`). */
  readonly expected: string;
  /**
   * Turns a value (the text of a variable, or a config value) into the key's value; throws
   * to reject it.
   */
  readonly decode: (value: unknown) => T;
}

/**
 * The builders of {@link EnvSpec}s, one per kind of value.
 *
 * @example
 * ```ts
 * import { Env } from "@trellis/application";
 * const env = {
 *   port: Env.integer({ default: 8080, min: 0, max: 65535, variable: "PORT" }),
 *   host: Env.string({ default: "127.0.0.1", variable: "HOST" }),
 *   debug: Env.boolean({ default: false, variable: "DEBUG" }),
 *   mode: Env.oneOf(["dev", "prod"] as const, { default: "dev" }),
 *   apiKey: Env.string({ variable: "API_KEY" }), // required: no default
 *   replica: Env.optional(Env.string({ variable: "REPLICA_URL" })),
 * };
 * ```
 * @since 0.1.0
 * @category Env
 */
export interface EnvBuilders {
  /** Any string (a variable's text as it is). */
  string(options?: EnvOptions<string>): EnvSpec<string>;
  /** A safe integer (a variable's text parsed as a decimal integer), within `min`/`max`. */
  integer(options?: NumberEnvOptions): EnvSpec<number>;
  /** A finite number (a variable's text parsed as a number), within `min`/`max`. */
  number(options?: NumberEnvOptions): EnvSpec<number>;
  /** A boolean (a variable's text: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`). */
  boolean(options?: EnvOptions<boolean>): EnvSpec<boolean>;
  /** One of the given strings. */
  oneOf<const T extends string>(choices: readonly T[], options?: EnvOptions<T>): EnvSpec<T>;
  /** Anything `decode` accepts. */
  custom<T>(options: CustomEnvOptions<T>): EnvSpec<T>;
  /** The same key, but `undefined` when nobody gives a value (instead of required). */
  optional<T>(spec: EnvSpec<T>): EnvSpec<T | undefined>;
}

function make<T>(
  expected: string,
  options: EnvOptions<T> | undefined,
  decode: (value: unknown, fromText: boolean) => Decoded<T>,
  builder: string,
): EnvSpec<T> {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new DefinitionError(
      "invalid_env",
      `Env.${builder} options`,
      options,
      "expected { default?, variable? }",
    );
  }
  const variable = options?.variable;
  if (variable !== undefined && (typeof variable !== "string" || variable === "")) {
    throw new DefinitionError(
      "invalid_env",
      `Env.${builder} variable`,
      variable,
      "expected the name of a process environment variable",
    );
  }
  const hasDefault = options !== undefined && "default" in options;
  const spec: EnvSpec<T> = {
    expected,
    hasDefault,
    default: hasDefault ? options.default : undefined,
    variable,
    decode,
  };
  if (hasDefault) {
    const checked = decode(options.default, false);
    if (!checked.ok) {
      throw new DefinitionError(
        "invalid_env",
        `Env.${builder} default`,
        options.default,
        `expected ${checked.expected}`,
      );
    }
  }
  Object.defineProperty(spec, ENV_BRAND, { value: true });
  return Object.freeze(spec);
}

const fail = (expected: string): Decoded<never> => ({ ok: false, expected });

function numeric(
  kind: "integer" | "number",
  options: NumberEnvOptions | undefined,
): EnvSpec<number> {
  const min = options?.min;
  const max = options?.max;
  for (const [field, bound] of [
    ["min", min],
    ["max", max],
  ] as const) {
    if (bound !== undefined && (typeof bound !== "number" || Number.isNaN(bound))) {
      throw new DefinitionError("invalid_env", `Env.${kind} ${field}`, bound, "expected a number");
    }
  }
  const range =
    min !== undefined && max !== undefined
      ? ` from ${min} to ${max}`
      : min !== undefined
        ? ` >= ${min}`
        : max !== undefined
          ? ` <= ${max}`
          : "";
  const expected = `${kind === "integer" ? "an integer" : "a finite number"}${range}`;
  return make(
    expected,
    options,
    (value, fromText) => {
      let n: unknown = value;
      if (fromText && typeof value === "string") {
        const text = value.trim();
        const shape = kind === "integer" ? /^[-+]?\d+$/ : /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
        n = shape.test(text) ? Number(text) : Number.NaN;
      }
      if (typeof n !== "number" || !Number.isFinite(n)) return fail(expected);
      if (kind === "integer" && !Number.isSafeInteger(n)) return fail(expected);
      if ((min !== undefined && n < min) || (max !== undefined && n > max)) return fail(expected);
      return { ok: true, value: n };
    },
    kind,
  );
}

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

/**
 * The {@link EnvSpec} builders: `Env.string`, `Env.integer`, `Env.number`, `Env.boolean`,
 * `Env.oneOf`, `Env.custom` and `Env.optional`. Each takes `{ default, variable }`: a key
 * without a default is required; `variable` names the process environment variable whose
 * text sets it.
 *
 * A key's value is, from lowest to highest precedence: its default, the config object's
 * value (`config: { [application]: { [key]: value } }`), the variable's text; every one is
 * checked (and a variable's text parsed) when the application is loaded, before anything
 * starts. {@link putEnv} changes a value later, checked the same way.
 *
 * @example
 * ```ts
 * import * as Application from "@trellis/application";
 * import { Env } from "@trellis/application";
 * const Web = Application.define({
 *   name: "web",
 *   env: {
 *     port: Env.integer({ default: 8080, min: 0, max: 65535, variable: "PORT" }),
 *     mode: Env.oneOf(["dev", "prod"], { default: "dev", variable: "MODE" }),
 *   },
 *   start: ({ env }) => startTree(env.port), // env.port: number, env.mode: "dev" | "prod"
 * });
 * ```
 * @since 0.1.0
 * @category Env
 */
export const Env: EnvBuilders = Object.freeze({
  string(options?: EnvOptions<string>): EnvSpec<string> {
    return make(
      "a string",
      options,
      (value) => (typeof value === "string" ? { ok: true, value } : fail("a string")),
      "string",
    );
  },
  integer(options?: NumberEnvOptions): EnvSpec<number> {
    return numeric("integer", options);
  },
  number(options?: NumberEnvOptions): EnvSpec<number> {
    return numeric("number", options);
  },
  boolean(options?: EnvOptions<boolean>): EnvSpec<boolean> {
    const expected = "a boolean (true/false, 1/0, yes/no, on/off)";
    return make(
      expected,
      options,
      (value, fromText) => {
        if (typeof value === "boolean") return { ok: true, value };
        if (fromText && typeof value === "string") {
          const text = value.trim().toLowerCase();
          if (TRUE.has(text)) return { ok: true, value: true };
          if (FALSE.has(text)) return { ok: true, value: false };
        }
        return fail(expected);
      },
      "boolean",
    );
  },
  oneOf<const T extends string>(choices: readonly T[], options?: EnvOptions<T>): EnvSpec<T> {
    if (
      !Array.isArray(choices) ||
      choices.length === 0 ||
      !choices.every((c) => typeof c === "string")
    ) {
      throw new DefinitionError(
        "invalid_env",
        "Env.oneOf choices",
        choices,
        "expected a non-empty array of strings",
      );
    }
    const expected = `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`;
    return make(
      expected,
      options,
      (value) =>
        typeof value === "string" && (choices as readonly string[]).includes(value)
          ? { ok: true, value: value as T }
          : fail(expected),
      "oneOf",
    );
  },
  custom<T>(options: CustomEnvOptions<T>): EnvSpec<T> {
    if (
      typeof options !== "object" ||
      options === null ||
      typeof options.decode !== "function" ||
      typeof options.expected !== "string"
    ) {
      throw new DefinitionError(
        "invalid_env",
        "Env.custom options",
        options,
        "expected { expected: string, decode: (value) => T, default?, variable? }",
      );
    }
    const { decode, expected } = options;
    return make(
      expected,
      options,
      (value) => {
        try {
          return { ok: true, value: decode(value) };
        } catch {
          return fail(expected);
        }
      },
      "custom",
    );
  },
  optional<T>(spec: EnvSpec<T>): EnvSpec<T | undefined> {
    if (!isEnvSpec(spec)) {
      throw new DefinitionError(
        "invalid_env",
        "Env.optional spec",
        spec,
        "expected a spec made by Env.string, Env.integer…",
      );
    }
    const optional: EnvSpec<T | undefined> = {
      expected: `${spec.expected}, or nothing`,
      hasDefault: true,
      default: spec.hasDefault ? spec.default : undefined,
      variable: spec.variable,
      decode: (value, fromText) =>
        value === undefined ? { ok: true, value: undefined } : spec.decode(value, fromText),
    };
    Object.defineProperty(optional, ENV_BRAND, { value: true });
    return Object.freeze(optional);
  },
});

/** @internal Whether `value` was made by an {@link Env} builder. */
export function isEnvSpec(value: unknown): value is EnvSpec<unknown> {
  return typeof value === "object" && value !== null && ENV_BRAND in value;
}
