// What an application's own termination does to the others, by start type (checked on
// Erlang/OTP 25: a permanent application takes every application down, whatever its reason;
// a transient one unless its reason is normal; a temporary one never).
import { exit, type LogReport, type Pid, send } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, test } from "vitest";
import * as Application from "../src/index.js";
import { controllerOf } from "../src/internal/controller.js";
import { testApp, worker } from "./helpers.js";

/** Crashes `name.worker` once more than its supervisor tolerates (maxRestarts 0). */
function crashPastIntensity(name: string): void {
  send(`${name}.worker`, "crash");
}

const exitedReports = (logs: readonly LogReport[]) =>
  logs
    .filter((r) => r["report"] === "application_exited")
    .map((r) => `${String(r["application"])}: ${String(r.reason)} (${r.kind})`);

/** Waits until the controller has nothing running or being stopped. */
async function settled(
  runtime: Parameters<typeof controllerOf>[0],
  clock: { settle(): Promise<void> },
): Promise<void> {
  await clock.settle();
  // stopping is serialized; stopAll after the queue waits for the halt's own stopAll
  await controllerOf(runtime).stopAll();
}

describe("the application's root terminates by itself", () => {
  test("permanent: every other application is stopped, newest first", () =>
    withRuntime(async ({ runtime, clock, logs }) => {
      const j: string[] = [];
      const db = testApp(j, "db");
      const web = testApp(j, "web", { dependencies: [db], maxRestarts: 0 });
      const jobs = testApp(j, "jobs");
      await Application.start([web, jobs], { type: "permanent" });
      j.length = 0;
      crashPastIntensity("web");
      await settled(runtime, clock);
      expect(j).toEqual([
        // web's tree gave up by itself; prepStop and stop still run, as in Erlang
        "prepStop web (state of web)",
        "stop web (state of web, prepared)",
        // then the others, newest first
        "prepStop jobs (state of jobs)",
        "stopping jobs.worker",
        "stopped jobs.worker",
        "stop jobs (state of jobs, prepared)",
        "prepStop db (state of db)",
        "stopping db.worker",
        "stopped db.worker",
        "stop db (state of db, prepared)",
      ]);
      expect(exitedReports(logs)).toEqual([
        "web: shutdown (error)",
        "jobs: stopped (info)",
        "db: stopped (info)",
      ]);
      expect(Application.whichApplications()).toEqual([]);
      expect(controllerOf(runtime).keepAlive.held).toBe(false);
    }));

  test("permanent, even with reason normal", () =>
    withRuntime(async ({ runtime, clock }) => {
      const j: string[] = [];
      const db = testApp(j, "db");
      let root: unknown;
      const web = Application.define({
        name: "web",
        start: async () => {
          root = await Supervisor.startLink([], { strategy: "one_for_one" });
          return root as import("@trellis/core").Pid;
        },
      });
      await Application.start([db, web], { type: "permanent" });
      await Supervisor.stop(root as import("@trellis/core").Pid, "normal");
      await settled(runtime, clock);
      expect(Application.whichApplications()).toEqual([]);
      expect(j).toContain("stop db (state of db, prepared)");
    }));

  test("transient, abnormal: every other application is stopped", () =>
    withRuntime(async ({ runtime, clock }) => {
      const j: string[] = [];
      const db = testApp(j, "db");
      const web = testApp(j, "web", { maxRestarts: 0 });
      await Application.start([db, web], { type: "transient" });
      crashPastIntensity("web");
      await settled(runtime, clock);
      expect(Application.whichApplications()).toEqual([]);
      expect(j).toContain("stop db (state of db, prepared)");
    }));

  test("transient, normal: only reported; the others keep running", () =>
    withRuntime(async ({ runtime, clock, logs }) => {
      const j: string[] = [];
      const db = testApp(j, "db");
      let root: unknown;
      const web = Application.define({
        name: "web",
        start: async () => {
          root = await Supervisor.startLink([worker(j, "w")], { strategy: "one_for_one" });
          return root as import("@trellis/core").Pid;
        },
      });
      await Application.start([db, web], { type: "transient" });
      await Supervisor.stop(root as import("@trellis/core").Pid, "normal");
      await clock.settle();
      expect(Application.whichApplications().map((a) => a.name)).toEqual(["db"]);
      expect(exitedReports(logs)).toEqual(["web: normal (info)"]);
      await settled(runtime, clock);
    }));

  test("temporary: only reported, even after a crash; the others keep running", () =>
    withRuntime(async ({ runtime, clock, logs }) => {
      const j: string[] = [];
      const db = testApp(j, "db");
      const web = testApp(j, "web", { maxRestarts: 0 });
      await Application.start([db, web]);
      crashPastIntensity("web");
      await clock.settle();
      expect(Application.whichApplications().map((a) => a.name)).toEqual(["db"]);
      expect(exitedReports(logs)).toEqual(["web: shutdown (warning)"]);
      expect(j).not.toContain("prepStop db (state of db)");
      expect(controllerOf(runtime).keepAlive.held).toBe(true);
      await settled(runtime, clock);
    }));

  test("a master that dies (an error escaped from code its start left behind) is a termination too", () =>
    withRuntime(async ({ runtime, clock, logs }) => {
      const j: string[] = [];
      const db = testApp(j, "db");
      const web = testApp(j, "web");
      await Application.start([db, web], { type: "permanent" });
      const master = controllerOf(runtime).find("web")?.master;
      expect(master).toBeDefined();
      exit(master as Pid, "kill");
      await settled(runtime, clock);
      expect(exitedReports(logs)).toEqual(["web: killed (error)", "db: stopped (info)"]);
      expect(Application.whichApplications()).toEqual([]);
    }));

  test("stop() of a permanent application affects nobody else", () =>
    withRuntime(async ({ runtime, clock }) => {
      const j: string[] = [];
      const db = testApp(j, "db");
      const web = testApp(j, "web");
      await Application.start([db, web], { type: "permanent" });
      await Application.stop(db);
      expect(Application.whichApplications().map((a) => a.name)).toEqual(["web"]);
      await settled(runtime, clock);
    }));

  test("prepStop and stop that throw are reported, and the stop goes on", () =>
    withRuntime(async ({ logs }) => {
      const j: string[] = [];
      const app = Application.define({
        name: "clumsy",
        start: () => Supervisor.startLink([worker(j, "w")], { strategy: "one_for_one" }),
        prepStop: () => {
          throw new Error("prepStop broke");
        },
        stop: async () => {
          throw new Error("stop broke");
        },
      });
      await Application.start(app);
      await Application.stop(app);
      expect(j).toEqual(["start w", "stopping w", "stopped w"]);
      expect(logs.filter((r) => r["report"] === "callback_failed").map((r) => r.message)).toEqual([
        "application clumsy: prepStop failed: Error: prepStop broke",
        "application clumsy: stop failed: Error: stop broke",
      ]);
    }));
});
