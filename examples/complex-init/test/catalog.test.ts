import { downFor, InitError, monitor, type Pid, receive, self, send } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { expect, test } from "vitest";
import * as Catalog from "../src/catalog.js";
import { main } from "../src/main.js";

type StepName = "connect" | "load" | "warmUp";

/** A setup that records the steps it runs and fails the given step the first `times` times. */
function setup(failing?: StepName, times = Infinity) {
  const owner = self();
  const steps: string[] = [];
  const failures = { left: times };
  const run = (name: StepName) => {
    steps.push(name);
    if (name === failing && failures.left > 0) {
      failures.left--;
      send(owner, { failed: name, pid: self() }); // so the test can watch the crash
      throw new Error(`${name} failed`);
    }
  };
  const s: Catalog.Setup = {
    url: "db://test",
    connect: async (url) => {
      run("connect");
      return `conn:${url}`;
    },
    load: async () => {
      run("load");
      return ["a", "b"];
    },
    warmUp: async () => {
      run("warmUp");
    },
  };
  return { setup: s, steps };
}

test("the steps run in order after init, and a first call waits for all of them", () =>
  withRuntime(async () => {
    const { setup: s, steps } = setup();
    const catalog = await Catalog.startLink(s);
    expect(await Catalog.status(catalog)).toEqual({
      phase: "ready",
      connection: "conn:db://test",
      items: ["a", "b"],
    });
    expect(steps).toEqual(["connect", "load", "warmUp"]);
  }));

test("an init failure rejects the start with InitError and runs no step", () =>
  withRuntime(async () => {
    const { setup: s, steps } = setup();
    const err = await Catalog.startLink({ ...s, url: "" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InitError);
    expect((err as InitError).reason).toEqual(new Error("Catalog: no url configured"));
    expect(steps).toEqual([]);
  }));

for (const [step, ran] of [
  ["connect", ["connect"]],
  ["load", ["connect", "load"]],
  ["warmUp", ["connect", "load", "warmUp"]],
] as const) {
  test(`a failing ${step} step: the start succeeded, then the server crashes`, () =>
    withRuntime(async () => {
      const { setup: s, steps } = setup(step);
      const catalog = await Catalog.start(s); // resolves: init itself succeeded
      const ref = monitor(catalog);
      const down = await receive(downFor(ref));
      expect(down.reason).toEqual(new Error(`${step} failed`));
      expect(steps).toEqual(ran);
    }));

  test(`a ${step} step that fails once: the supervisor restarts from the beginning`, () =>
    withRuntime(async () => {
      const { setup: s, steps } = setup(step, 1);
      const sup = await Supervisor.startLink([Catalog.childSpec(s, "catalog")], {
        strategy: "one_for_one",
      });
      // Wait for the first server to go down; by then the supervisor has restarted it.
      const failed = await receive(
        (m): m is { failed: StepName; pid: Pid } =>
          typeof m === "object" && m !== null && "failed" in m,
      );
      await receive(downFor(monitor(failed.pid)));
      expect((await Catalog.status("catalog")).phase).toBe("ready");
      expect(steps).toEqual([...ran, "connect", "load", "warmUp"]);
      await Supervisor.stop(sup);
    }));
}

test("a step that always fails exhausts the supervisor's restarts", () =>
  withRuntime(async () => {
    const { setup: s } = setup("load");
    const sup = await Supervisor.start([Catalog.childSpec(s, "catalog")], {
      strategy: "one_for_one",
      maxRestarts: 2,
      maxSeconds: 5,
    });
    const down = await receive(downFor(monitor(sup)));
    expect(down.reason).toBe("shutdown");
  }));

test("main runs and prints what happens", async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  expect(lines).toEqual([
    "start:",
    "  connect db://catalog (attempt 1)",
    "  load over conn-1",
    "  warm up 2 items",
    "status: ready, apples pears",
    "start with no url:",
    "rejected with InitError: Error: Catalog: no url configured",
    "supervised, first connect refused:",
    "  connect db://flaky (attempt 1)",
    "  connect db://flaky (attempt 2)",
    "  load over conn-2",
    "  warm up 2 items",
    "status after restart: ready on conn-2",
  ]);
});
