import { receive, self, send } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { expect, test } from "vitest";
import * as Application from "../src/index.js";
import { Greetings, openAndClose } from "./examples.js";

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
