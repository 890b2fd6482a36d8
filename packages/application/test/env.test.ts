// The typed env: defaults, config and variables in that order of precedence, every value
// checked before anything starts, getEnv/putEnv typed and checked.
import { withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as Application from "../src/index.js";
import { Env } from "../src/index.js";

const tree = () => Supervisor.startLink([], { strategy: "one_for_one" });

function webApp(seen: unknown[] = []) {
  return Application.define({
    name: "web",
    env: {
      port: Env.integer({ default: 8080, min: 0, max: 65535, variable: "WEB_PORT" }),
      host: Env.string({ default: "127.0.0.1", variable: "WEB_HOST" }),
      debug: Env.boolean({ default: false, variable: "WEB_DEBUG" }),
      ratio: Env.number({ default: 0.5, variable: "WEB_RATIO" }),
      mode: Env.oneOf(["dev", "prod"], { default: "dev", variable: "WEB_MODE" }),
      replica: Env.optional(Env.string({ variable: "WEB_REPLICA" })),
    },
    start: ({ env }) => {
      seen.push(env);
      return tree();
    },
  });
}

describe("where values come from", () => {
  test("defaults, when nothing else is given", () =>
    withRuntime(async () => {
      const seen: unknown[] = [];
      const web = webApp(seen);
      await Application.start(web, { variables: {} });
      const expected = {
        port: 8080,
        host: "127.0.0.1",
        debug: false,
        ratio: 0.5,
        mode: "dev",
        replica: undefined,
      };
      expect(seen).toEqual([expected]);
      expect(Application.getAllEnv(web)).toEqual(expected);
      await Application.stopAll();
    }));

  test("the config wins over the defaults, variables win over the config", () =>
    withRuntime(async () => {
      const seen: unknown[] = [];
      const web = webApp(seen);
      await Application.start(web, {
        config: { web: { port: 4000, host: "0.0.0.0", mode: "prod" } },
        variables: {
          WEB_PORT: " 4001 ",
          WEB_DEBUG: "yes",
          WEB_RATIO: "1e-3",
          WEB_REPLICA: "db2",
          OTHER: "x",
        },
      });
      expect(seen).toEqual([
        { port: 4001, host: "0.0.0.0", debug: true, ratio: 0.001, mode: "prod", replica: "db2" },
      ]);
      await Application.stopAll();
    }));

  test("process.env is the default source of variables", () =>
    withRuntime(async () => {
      const web = webApp();
      process.env["WEB_PORT"] = "5005";
      try {
        await Application.load(web);
      } finally {
        delete process.env["WEB_PORT"];
      }
      expect(Application.getEnv(web, "port")).toBe(5005);
    }));

  test("getEnv and putEnv: typed, checked, seen by the next read; the env outlives a stop", () =>
    withRuntime(async () => {
      const web = webApp();
      await Application.start(web, { variables: {} });
      const port: number = Application.getEnv(web, "port");
      expect(port).toBe(8080);
      Application.putEnv(web, "port", 9090);
      expect(Application.getEnv(web, "port")).toBe(9090);
      Application.putEnv(web, "mode", "prod");
      expect(Application.getEnv(web, "mode")).toBe("prod");
      expect(() => Application.putEnv(web, "port", "9091" as never)).toThrow(
        expect.objectContaining({ problem: "invalid", source: "putEnv", key: "port" }),
      );
      expect(() => Application.putEnv(web, "port", 70_000)).toThrow(/from 0 to 65535/);
      expect(() => Application.putEnv(web, "nope" as never, 1 as never)).toThrow(
        expect.objectContaining({ problem: "unknown_key" }),
      );
      await Application.stop(web);
      expect(Application.getEnv(web, "port")).toBe(9090); // still loaded, as in Erlang
    }));
});

describe("bad values: an EnvError before anything starts", () => {
  const cases: [string, Application.LoadOptions, Partial<Application.EnvError>][] = [
    [
      "a variable that is not an integer",
      { variables: { WEB_PORT: "eighty" } },
      { problem: "invalid", key: "port", source: "variable", value: "eighty" },
    ],
    [
      "an integer out of range",
      { variables: { WEB_PORT: "70000" } },
      { problem: "invalid", key: "port", expected: "an integer from 0 to 65535" },
    ],
    [
      "a fractional integer",
      { config: { web: { port: 80.5 } }, variables: {} },
      { problem: "invalid", key: "port", source: "config" },
    ],
    [
      "a config value of the wrong type",
      { config: { web: { debug: "true" } }, variables: {} },
      { problem: "invalid", key: "debug", source: "config" },
    ],
    [
      "a boolean variable that says neither",
      { variables: { WEB_DEBUG: "maybe" } },
      { problem: "invalid", key: "debug", source: "variable" },
    ],
    [
      "a choice that is not offered",
      { variables: { WEB_MODE: "staging" } },
      { problem: "invalid", key: "mode", expected: 'one of "dev", "prod"' },
    ],
    [
      "a config key the application does not declare",
      { config: { web: { prot: 1 } }, variables: {} },
      { problem: "unknown_key", key: "prot" },
    ],
    [
      "config for an application that is not being started",
      { config: { wbe: { port: 1 } }, variables: {} },
      { problem: "unknown_application", application: "wbe" },
    ],
  ];
  for (const [name, options, expected] of cases) {
    test(name, () =>
      withRuntime(async ({ runtime }) => {
        const seen: unknown[] = [];
        const err = await Application.start(webApp(seen), options).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Application.EnvError);
        expect(err).toMatchObject(expected);
        expect(seen).toEqual([]);
        expect(runtime.processes().length).toBe(1);
      }),
    );
  }

  test("a required value nobody gives; the message says how to give it", () =>
    withRuntime(async () => {
      const api = Application.define({
        name: "api",
        env: { key: Env.string({ variable: "API_KEY" }) },
        start: tree,
      });
      const err = await Application.start(api, { variables: {} }).catch((e: unknown) => e);
      expect(err).toMatchObject({ problem: "missing", application: "api", key: "key" });
      expect((err as Error).message).toContain("set the environment variable API_KEY");
    }));

  test("a bad value in a later application: nothing starts, not even its dependencies", () =>
    withRuntime(async () => {
      const started: string[] = [];
      const db = Application.define({
        name: "db",
        env: { pool: Env.integer({ default: 10, variable: "POOL" }) },
        start: () => {
          started.push("db");
          return tree();
        },
      });
      const web = Application.define({
        name: "web",
        dependencies: [db],
        env: { port: Env.integer({ default: 1, variable: "WEB_PORT" }) },
        start: () => {
          started.push("web");
          return tree();
        },
      });
      await expect(Application.start(web, { variables: { WEB_PORT: "x" } })).rejects.toThrow(
        Application.EnvError,
      );
      expect(started).toEqual([]);
      // and nothing was loaded either
      expect(() => Application.getEnv(db, "pool")).toThrow(
        expect.objectContaining({ problem: "not_loaded" }),
      );
    }));

  test("builders reject bad declarations", () => {
    expect(() => Env.integer({ default: 1.5 })).toThrow(Application.DefinitionError);
    expect(() => Env.string({ default: 3 as never })).toThrow(/Env.string default/);
    expect(() => Env.oneOf([] as string[])).toThrow(/non-empty array/);
    expect(() => Env.string({ variable: "" })).toThrow(/variable/);
    expect(() => Env.custom({ decode: 1 } as never)).toThrow(/Env.custom/);
    expect(() => Env.optional({} as never)).toThrow(/Env.optional/);
    expect(() => Env.number({ min: "0" as never })).toThrow(/Env.number min/);
  });

  test("custom decoders: what they return, or what they reject", () =>
    withRuntime(async () => {
      const app = Application.define({
        name: "custom",
        env: {
          endpoint: Env.custom({
            expected: "a URL",
            decode: (v) => new URL(String(v)),
            variable: "ENDPOINT",
          }),
        },
        start: tree,
      });
      await expect(
        Application.load(app, { variables: { ENDPOINT: "not a url" } }),
      ).rejects.toMatchObject({ problem: "invalid", expected: "a URL" });
      await Application.load(app, { variables: { ENDPOINT: "http://127.0.0.1:9/x" } });
      expect(Application.getEnv(app, "endpoint").port).toBe("9");
    }));
});

describe("parsing variables", () => {
  test("integers: any safe integer's decimal text parses back to it; other text is rejected", () => {
    const spec = Env.integer();
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(spec.decode(String(n), true)).toEqual({ ok: true, value: n });
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        const r = spec.decode(text, true);
        if (r.ok) expect(/^\s*[-+]?\d+\s*$/.test(text)).toBe(true);
      }),
    );
    expect(spec.decode("12abc", true).ok).toBe(false);
    expect(spec.decode("", true).ok).toBe(false);
    expect(spec.decode("1e3", true).ok).toBe(false);
  });

  test("numbers: finite numbers round-trip through their text; NaN and Infinity are rejected", () => {
    const spec = Env.number();
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const r = spec.decode(String(n), true);
        expect(r.ok && r.value === n).toBe(true);
      }),
    );
    for (const text of ["NaN", "Infinity", "0x10", "", "1,5"]) {
      expect(spec.decode(text, true).ok).toBe(false);
    }
  });

  test("the config is not parsed: a string is not an integer there", () => {
    expect(Env.integer().decode("8080", false).ok).toBe(false);
    expect(Env.boolean().decode("true", false).ok).toBe(false);
  });

  test("getEnv of an application never loaded", () =>
    withRuntime(async () => {
      expect(() => Application.getEnv(webApp(), "port")).toThrow(Application.ApplicationStateError);
      expect(() => Application.putEnv(webApp(), "port", 1)).toThrow(/not loaded/);
    }));
});
