import { receive, self, send } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { expect, test } from "vitest";
import * as Application from "../src/index.js";
import { Env, EnvError } from "../src/index.js";
import { Greetings, openAndClose } from "./examples.js";

// #region env
const Api = Application.define({
  name: "api",
  env: {
    port: Env.integer({ default: 8080, min: 0, max: 65535, variable: "PORT" }),
    mode: Env.oneOf(["dev", "prod"], { default: "dev", variable: "MODE" }),
    apiKey: Env.string({ variable: "API_KEY" }), // required
    replica: Env.optional(Env.string({ variable: "REPLICA_URL" })),
  },
  start: () => Supervisor.startLink([], { strategy: "one_for_one" }),
});
// #endregion env

test("Greetings: the env reaches start, and the greeter answers", () =>
  withRuntime(async () => {
    await Application.start(Greetings, { variables: { GREETING: "Hi" } });
    const [child] = await Supervisor.whichChildren("greetings");
    send(child?.pid as never, { from: self(), name: "Ada" });
    expect(await receive()).toBe("Hi, Ada!");
    await Application.stopAll();
  }));

test("Frontdesk: dependencies start first, config reaches them, stopAll stops everything", () =>
  withRuntime(async () => {
    expect(await openAndClose()).toEqual(["greetings", "frontdesk"]);
    expect(Application.getEnv(Greetings, "greeting")).toBe("Welcome");
    expect(Application.whichApplications()).toEqual([]);
  }));

test("env: variables are parsed and typed, defaults fill the rest, a missing required key is an EnvError", async () => {
  await withRuntime(async () => {
    await Application.start(Api, { variables: { PORT: "4000", API_KEY: "k" } });
    const port: number = Application.getEnv(Api, "port");
    expect(port).toBe(4000);
    expect(Application.getEnv(Api, "mode")).toBe("dev");
    expect(Application.getEnv(Api, "apiKey")).toBe("k");
    expect(Application.getEnv(Api, "replica")).toBeUndefined();
    await Application.stopAll();
  });
  await withRuntime(async () => {
    await expect(Application.start(Api, { variables: { MODE: "prod" } })).rejects.toBeInstanceOf(
      EnvError,
    );
    expect(Application.whichApplications()).toEqual([]);
  });
});
