// runMain in virtual time, with a fake OS process (signals, exit, escaped errors): the
// order of a graceful shutdown, the deadline, a second signal, a permanent crash, escaped
// errors, failed starts, and a service stopped from code.
import { type Runtime, send } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { describe, expect, test } from "vitest";
import * as Application from "../src/index.js";
import { controllerOf } from "../src/internal/controller.js";
import { testApp, worker } from "./helpers.js";

/** A fake OS process: signals and escaped errors on demand, exits recorded. */
class FakeHost implements Application.MainHost {
  readonly exits: number[] = [];
  readonly listeners = new Map<string, () => void>();
  uncaught:
    | ((error: unknown, origin: "uncaughtException" | "unhandledRejection") => void)
    | undefined;

  onSignal(signal: NodeJS.Signals, listener: () => void): () => void {
    this.listeners.set(signal, listener);
    return () => this.listeners.delete(signal);
  }
  onUncaughtError(
    handler: (error: unknown, origin: "uncaughtException" | "unhandledRejection") => void,
  ): () => void {
    this.uncaught = handler;
    return () => {
      this.uncaught = undefined;
    };
  }
  exit(code: number): void {
    this.exits.push(code);
  }
  signal(name: string): void {
    const l = this.listeners.get(name);
    if (l === undefined) throw new Error(`nobody listens to ${name}`);
    l();
  }
}

function main(
  runtime: Runtime,
  apps: Application.AnyApplication | Application.AnyApplication[],
  options: Application.MainOptions = {},
) {
  const host = new FakeHost();
  const done = Application.runMain(apps, { runtime, host, variables: {}, ...options });
  return { host, done };
}

/** Lets the runtime run until the service has started. */
async function untilRunning(runtime: Runtime, names: number): Promise<void> {
  for (let i = 0; i < 100 && Application.whichApplications({ runtime }).length < names; i++) {
    await new Promise((r) => setImmediate(r));
  }
  expect(Application.whichApplications({ runtime }).length).toBe(names);
}

describe("graceful shutdown on a signal", () => {
  test("SIGTERM: every application newest first, each tree the ordinary way; exit code 0", () =>
    withRuntime(async ({ runtime }) => {
      const j: string[] = [];
      const db = testApp(j, "db");
      const web = testApp(j, "web", { dependencies: [db] });
      const { host, done } = main(runtime, web);
      await untilRunning(runtime, 2);
      expect(Application.whichApplications().map((a) => a.type)).toEqual([
        "permanent",
        "permanent",
      ]);
      expect([...host.listeners.keys()]).toEqual(["SIGTERM", "SIGINT"]);
      j.length = 0;
      host.signal("SIGTERM");
      expect(await done).toBe(0);
      expect(host.exits).toEqual([0]);
      expect(j).toEqual([
        "prepStop web (state of web)",
        "stopping web.worker",
        "stopped web.worker",
        "stop web (state of web, prepared)",
        "prepStop db (state of db)",
        "stopping db.worker",
        "stopped db.worker",
        "stop db (state of db, prepared)",
      ]);
      expect(host.listeners.size).toBe(0); // listeners removed
      expect(host.uncaught).toBeUndefined();
      expect(controllerOf(runtime).keepAlive.held).toBe(false);
    }));

  test("the deadline bounds the whole shutdown: exit code 1 when it passes", () =>
    withRuntime(
      async ({ runtime, clock, logs }) => {
        const j: string[] = [];
        const slow = testApp(j, "slow", {
          children: [worker(j, "stuck", { stopAfter: 60_000, shutdown: 50_000 })],
        });
        const { host, done } = main(runtime, slow, { shutdownTimeout: 3000 });
        await untilRunning(runtime, 1);
        const t0 = clock.now();
        host.signal("SIGINT");
        expect(await done).toBe(1);
        expect(clock.now() - t0).toBe(3000);
        expect(host.exits).toEqual([1]);
        expect(logs.map((r) => r.message)).toContain(
          "the applications did not stop within 3000 ms; exiting now",
        );
        // (the OS process would be gone now; here the test stops what is left)
        await controllerOf(runtime).stopAll();
      },
      { allowLeaks: false },
    ));

  test("a second signal during the shutdown exits at once with 128 + its number", () =>
    withRuntime(async ({ runtime, clock }) => {
      const j: string[] = [];
      const slow = testApp(j, "slow", {
        children: [worker(j, "stuck", { stopAfter: 10_000, shutdown: 20_000 })],
      });
      const { host, done } = main(runtime, slow);
      await untilRunning(runtime, 1);
      clock.autoAdvance = false;
      host.signal("SIGTERM");
      await clock.settle();
      expect(j).toContain("stopping stuck");
      host.signal("SIGTERM");
      expect(await done).toBe(143);
      expect(host.exits).toEqual([143]);
      clock.autoAdvance = true;
      await controllerOf(runtime).stopAll();
    }));
});

describe("faults", () => {
  test("a permanent application that crashes past its intensity: the others stop, exit code 1", () =>
    withRuntime(async ({ runtime }) => {
      const j: string[] = [];
      const db = testApp(j, "db");
      const web = testApp(j, "web", { dependencies: [db], maxRestarts: 0 });
      const { host, done } = main(runtime, web);
      await untilRunning(runtime, 2);
      j.length = 0;
      send("web.worker", "crash");
      expect(await done).toBe(1);
      expect(host.exits).toEqual([1]);
      expect(j).toEqual([
        "prepStop web (state of web)",
        "stop web (state of web, prepared)",
        "prepStop db (state of db)",
        "stopping db.worker",
        "stopped db.worker",
        "stop db (state of db, prepared)",
      ]);
    }));

  test('an error that escapes all process code: logged with the error, applications stopped, exit code 1 ("stop")', () =>
    withRuntime(async ({ runtime, logs }) => {
      const j: string[] = [];
      const { host, done } = main(runtime, testApp(j, "web"));
      await untilRunning(runtime, 1);
      const error = new Error("escaped from a timer");
      host.uncaught?.(error, "uncaughtException");
      expect(await done).toBe(1);
      expect(host.exits).toEqual([1]);
      const report = logs.find((r) => r["origin"] === "uncaughtException");
      expect(report).toMatchObject({ kind: "error", reason: error });
      expect(report?.message).toContain("escaped from a timer");
      expect(j).toContain("stop web (state of web, prepared)");
    }));

  test('"log": logged, and the service keeps running', () =>
    withRuntime(async ({ runtime, logs }) => {
      const j: string[] = [];
      const { host, done } = main(runtime, testApp(j, "web"), { uncaught: "log" });
      await untilRunning(runtime, 1);
      host.uncaught?.("a rejected promise", "unhandledRejection");
      expect(logs.some((r) => r.reason === "a rejected promise" && r.kind === "error")).toBe(true);
      expect(Application.whichApplications().length).toBe(1);
      host.signal("SIGTERM");
      expect(await done).toBe(0);
    }));

  test("a start that fails: logged, exit code 1, nothing left", () =>
    withRuntime(async ({ runtime, logs }) => {
      const boom = new Error("cannot reach the database");
      const app = Application.define({
        name: "web",
        start: async () => {
          throw boom;
        },
      });
      const { host, done } = main(runtime, app);
      expect(await done).toBe(1);
      expect(host.exits).toEqual([1]);
      expect(logs.find((r) => r["report"] === "main")).toMatchObject({
        kind: "error",
        reason: boom,
      });
      expect(host.listeners.size).toBe(0);
    }));

  test("bad env: logged, exit code 1, nothing started", () =>
    withRuntime(async ({ runtime, logs }) => {
      const j: string[] = [];
      const { host, done } = main(runtime, testApp(j, "web"), {
        config: { web: { port: 1 } },
      });
      expect(await done).toBe(1);
      expect(host.exits).toEqual([1]);
      expect(j).toEqual([]);
      expect(logs.find((r) => r["report"] === "main")?.message).toContain("not declared");
    }));
});

describe("a service stopped from code", () => {
  test("stopAll ends the service with code 0 and does not force the exit (Node exits by itself)", () =>
    withRuntime(async ({ runtime }) => {
      const j: string[] = [];
      const { host, done } = main(runtime, testApp(j, "web"));
      await untilRunning(runtime, 1);
      await Application.stopAll();
      expect(await done).toBe(0);
      expect(host.exits).toEqual([]);
      expect(host.listeners.size).toBe(0);
      expect(controllerOf(runtime).keepAlive.held).toBe(false);
    }));

  test("bad arguments are rejected before anything starts", () =>
    withRuntime(async ({ runtime }) => {
      const j: string[] = [];
      const app = testApp(j, "web");
      const host = new FakeHost();
      await expect(Application.runMain({} as never, { runtime, host })).rejects.toThrow(
        Application.DefinitionError,
      );
      await expect(Application.runMain([], { runtime, host })).rejects.toThrow(/non-empty/);
      await expect(
        Application.runMain(app, { runtime, host, shutdownTimeout: -1 }),
      ).rejects.toMatchObject({ field: "shutdownTimeout" });
      await expect(
        Application.runMain(app, { runtime, host, signals: ["SIGNOPE" as never] }),
      ).rejects.toMatchObject({ field: "signals" });
      await expect(
        Application.runMain(app, { runtime, host, uncaught: "ignore" as never }),
      ).rejects.toMatchObject({ field: "uncaught" });
      expect(j).toEqual([]);
      expect(host.listeners.size).toBe(0);
    }));
});
