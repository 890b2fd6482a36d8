// Starting and stopping: dependency order, the callbacks' order, the tree's ordinary
// shutdown, failed starts rolled back, and the keep-alive handle.
import { createRuntime, Pid, spawn, whereis } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, test } from "vitest";
import * as Application from "../src/index.js";
import { controllerOf } from "../src/internal/controller.js";
import { testApp, worker } from "./helpers.js";

describe("dependency order", () => {
  test("dependencies start first, stopAll stops newest first, each through prepStop, the tree, stop", () =>
    withRuntime(async ({ runtime }) => {
      const j: string[] = [];
      const db = testApp(j, "db");
      const cache = testApp(j, "cache", { dependencies: [db] });
      const web = testApp(j, "web", { dependencies: [cache, "db"] });
      expect(await Application.start(web)).toEqual(["db", "cache", "web"]);
      expect(j).toEqual([
        "start app db (temporary)",
        "start db.worker",
        "start app cache (temporary)",
        "start cache.worker",
        "start app web (temporary)",
        "start web.worker",
      ]);
      expect(Application.whichApplications().map((a) => a.name)).toEqual(["web", "cache", "db"]);
      expect(controllerOf(runtime).keepAlive.held).toBe(true);
      j.length = 0;
      await Application.stopAll();
      expect(j).toEqual([
        "prepStop web (state of web)",
        "stopping web.worker",
        "stopped web.worker",
        "stop web (state of web, prepared)",
        "prepStop cache (state of cache)",
        "stopping cache.worker",
        "stopped cache.worker",
        "stop cache (state of cache, prepared)",
        "prepStop db (state of db)",
        "stopping db.worker",
        "stopped db.worker",
        "stop db (state of db, prepared)",
      ]);
      expect(Application.whichApplications()).toEqual([]);
      expect(controllerOf(runtime).keepAlive.held).toBe(false);
    }));

  test("applications already running are skipped; starting again starts nothing", () =>
    withRuntime(async () => {
      const j: string[] = [];
      const db = testApp(j, "db");
      const web = testApp(j, "web", { dependencies: [db] });
      expect(await Application.start(db)).toEqual(["db"]);
      expect(await Application.start(web)).toEqual(["web"]);
      expect(await Application.start(web)).toEqual([]);
      await Application.stopAll();
    }));

  test("stop affects only that application, not those that depend on it (as Erlang)", () =>
    withRuntime(async () => {
      const j: string[] = [];
      const db = testApp(j, "db");
      const web = testApp(j, "web", { dependencies: [db] });
      await Application.start(web, { type: "permanent" });
      await Application.stop(db);
      expect(Application.whichApplications()).toEqual([
        { name: "web", description: "", type: "permanent" },
      ]);
      expect(whereis("web.worker")).toBeInstanceOf(Pid);
      await Application.stop(web);
      await expect(Application.stop(web)).rejects.toMatchObject({
        name: "ApplicationStateError",
        problem: "not_started",
      });
    }));

  test("the tree stops the ordinary way: each child's shutdown time is honoured", () =>
    withRuntime(async ({ clock }) => {
      const j: string[] = [];
      const app = testApp(j, "slow", {
        children: [
          worker(j, "quick", { stopAfter: 200 }),
          worker(j, "stuck", { stopAfter: Number.POSITIVE_INFINITY, shutdown: 1000 }),
        ],
      });
      await Application.start(app);
      const t0 = clock.now();
      await Application.stop(app);
      // stuck (newest) first: killed after its 1000 ms; then quick takes its 200 ms
      expect(clock.now() - t0).toBe(1200);
      expect(j.slice(3)).toEqual([
        "prepStop slow (state of slow)",
        "stopping stuck",
        "stopping quick",
        "stopped quick",
        "stop slow (state of slow, prepared)",
      ]);
    }));
});

describe("bad input: typed errors before anything starts", () => {
  test("an unknown dependency", () =>
    withRuntime(async ({ runtime }) => {
      const j: string[] = [];
      const db = testApp(j, "db");
      const web = testApp(j, "web", { dependencies: [db, "queue"] });
      const err = await Application.start(web).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Application.DependencyError);
      expect(err).toMatchObject({
        problem: "unknown_dependency",
        application: "web",
        dependency: "queue",
      });
      expect(j).toEqual([]);
      expect(runtime.processes().length).toBe(1); // the test process
    }));

  test("a cycle of dependencies", () =>
    withRuntime(async () => {
      const j: string[] = [];
      const a = testApp(j, "a", { dependencies: ["c"] });
      const b = testApp(j, "b", { dependencies: [a] });
      const c = testApp(j, "c", { dependencies: [b] });
      const err = await Application.start([c]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Application.DependencyError);
      expect(err).toMatchObject({ problem: "cyclic_dependencies", cycle: ["c", "b", "a", "c"] });
      expect((err as Error).message).toContain("c -> b -> a -> c");
      const self = testApp(j, "self", { dependencies: ["self"] });
      await expect(Application.start(self)).rejects.toMatchObject({
        cycle: ["self", "self"],
      });
      expect(j).toEqual([]);
    }));

  test("two different applications with one name", () =>
    withRuntime(async () => {
      const j: string[] = [];
      const a1 = testApp(j, "a");
      const a2 = testApp(j, "a");
      const b = testApp(j, "b", { dependencies: [a1] });
      await expect(Application.start([b, a2])).rejects.toMatchObject({
        name: "DefinitionError",
        problem: "duplicate_name",
      });
      expect(j).toEqual([]);
    }));

  test("definitions that are not applications, and bad options", async () => {
    const start = async () => {
      throw new Error("unused");
    };
    expect(() => Application.define({ name: "", start })).toThrow(Application.DefinitionError);
    expect(() => Application.define({ name: "x", start: 42 } as never)).toThrow(/start function/);
    expect(() =>
      Application.define({ name: "x", start, dependencies: [{ name: "y" }] } as never),
    ).toThrow(/dependencies/);
    expect(() => Application.define({ name: "x", start, env: { port: 8080 } } as never)).toThrow(
      /env\.port/,
    );
    expect(() => Application.define({ name: "x", start, stop: "no" } as never)).toThrow(
      /stop must be a function/,
    );
    expect(() => Application.define(null as never)).toThrow(Application.DefinitionError);
    const runtime = createRuntime({ clock: "virtual" });
    const ok = Application.define({ name: "ok", start });
    await expect(Application.start({ name: "x", start } as never, { runtime })).rejects.toThrow(
      Application.DefinitionError,
    );
    await expect(
      Application.start(ok, { runtime, type: "forever" as never }),
    ).rejects.toMatchObject({
      field: "type",
    });
    await expect(Application.start(ok, { runtime, config: [] as never })).rejects.toMatchObject({
      field: "config",
    });
    await expect(
      Application.start(ok, { runtime, variables: { A: 1 } as never }),
    ).rejects.toMatchObject({ field: "variables" });
    expect(runtime.processes()).toEqual([]);
    await runtime.shutdown();
  });
});

describe("a start that fails", () => {
  test("a start that does not return a supervisor: typed error, dependencies stopped again, nothing left", () =>
    withRuntime(async ({ runtime }) => {
      const j: string[] = [];
      const db = testApp(j, "db");
      const notASupervisor = Application.define({
        name: "bad",
        dependencies: [db],
        start: () => spawn(async () => new Promise(() => {})),
      });
      const err = await Application.start(notASupervisor).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Application.ApplicationStartError);
      expect(err).toMatchObject({ application: "bad" });
      expect((err as Application.ApplicationStartError).reason).toMatchObject({
        bad_return: expect.any(Pid),
      });
      expect((err as Error).message).toContain(
        "start must resolve with the pid of a running supervisor",
      );
      expect(j).toEqual([
        "start app db (temporary)",
        "start db.worker",
        "prepStop db (state of db)",
        "stopping db.worker",
        "stopped db.worker",
        "stop db (state of db, prepared)",
      ]);
      expect(Application.whichApplications()).toEqual([]);
      expect(runtime.processes().length).toBe(1);
      expect(controllerOf(runtime).keepAlive.held).toBe(false);
    }));

  test("a start that returns something else entirely, or throws", () =>
    withRuntime(async () => {
      const weird = Application.define({ name: "weird", start: () => "ok" as never });
      await expect(Application.start(weird)).rejects.toMatchObject({
        reason: { bad_return: "ok" },
      });
      const boom = new Error("no database");
      const throwing = Application.define({
        name: "throwing",
        start: async () => {
          throw boom;
        },
      });
      const err = await Application.start(throwing).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Application.ApplicationStartError);
      expect((err as Application.ApplicationStartError).reason).toBe(boom);
      expect((err as Error).message).toBe(
        'application "throwing" failed to start: Error: no database',
      );
    }));

  test("a root supervisor with no children is a valid tree", () =>
    withRuntime(async () => {
      const app = Application.define({
        name: "plain",
        start: () => Supervisor.startLink([], { strategy: "one_for_one" }),
      });
      expect(await Application.start(app)).toEqual(["plain"]);
      await Application.stop(app);
    }));
});
