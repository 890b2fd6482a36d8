import type { Pid } from "@trellis/core";
import { describe, expectTypeOf, test } from "vitest";
import * as Application from "../src/index.js";
import { Env } from "../src/index.js";

declare const tree: () => Promise<Pid>;

const Web = Application.define({
  name: "web",
  env: {
    port: Env.integer({ default: 8080 }),
    mode: Env.oneOf(["dev", "prod"], { default: "dev" }),
    replica: Env.optional(Env.string()),
    url: Env.custom({ expected: "a URL", decode: (v) => new URL(String(v)) }),
  },
  start: ({ env, type }) => {
    expectTypeOf(env.port).toEqualTypeOf<number>();
    expectTypeOf(env.mode).toEqualTypeOf<"dev" | "prod">();
    expectTypeOf(env.replica).toEqualTypeOf<string | undefined>();
    expectTypeOf(env.url).toEqualTypeOf<URL>();
    expectTypeOf(type).toEqualTypeOf<Application.StartType>();
    return tree();
  },
});

describe("typed env", () => {
  test("getEnv returns the declared type; putEnv takes it", () => {
    expectTypeOf(Application.getEnv(Web, "port")).toEqualTypeOf<number>();
    expectTypeOf(Application.getEnv(Web, "mode")).toEqualTypeOf<"dev" | "prod">();
    expectTypeOf(Application.getAllEnv(Web).url).toEqualTypeOf<URL>();
    Application.putEnv(Web, "mode", "prod");
    // @ts-expect-error: not one of the choices
    Application.putEnv(Web, "mode", "staging");
    // @ts-expect-error: a string is not a number
    Application.putEnv(Web, "port", "8080");
    // @ts-expect-error: an undeclared key
    Application.getEnv(Web, "prot");
  });
});

describe("state", () => {
  test("the state from start reaches prepStop and stop", () => {
    Application.define({
      name: "stateful",
      start: async () => ({ pid: await tree(), state: { since: 1 } }),
      prepStop: (state) => {
        expectTypeOf(state).toEqualTypeOf<{ since: number }>();
        return state;
      },
      stop: (state) => {
        expectTypeOf(state).toEqualTypeOf<{ since: number }>();
      },
    });
  });

  test("start must return a pid (or { pid, state })", () => {
    // @ts-expect-error: a string is not a pid
    Application.define({ name: "bad", start: () => "ok" });
  });

  test("dependencies: applications or names; runMain resolves with the exit code", () => {
    const Api = Application.define({ name: "api", dependencies: [Web, "db"], start: tree });
    expectTypeOf(Application.runMain(Api)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(Application.start([Api, Web])).toEqualTypeOf<Promise<string[]>>();
  });
});
