// DynamicSupervisor: CONFORMANCE §4 items 1-16.
import {
  AlreadyStartedError,
  BadArgumentError,
  CallTimeoutError,
  createRuntime,
  downFor,
  ExitError,
  exit,
  exitFrom,
  InitError,
  isAlive,
  monitor,
  NoProcessError,
  type Pid,
  receive,
  Sys,
  self,
  send,
  spawnLink,
  TIMEOUT,
  trapExit,
  whereis,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, test } from "vitest";
import { isStarted, isStopping, started, worker } from "./helpers.js";

describe("starting (items 1, 2)", () => {
  test("init fills in the defaults", () => {
    expect(DynamicSupervisor.init()).toEqual({
      strategy: "one_for_one",
      maxRestarts: 3,
      maxSeconds: 5,
      maxChildren: Number.POSITIVE_INFINITY,
      extraArguments: [],
    });
    expect(DynamicSupervisor.init({ maxChildren: 2, extraArguments: [1] })).toMatchObject({
      maxChildren: 2,
      extraArguments: [1],
    });
  });

  test("startLink with no options uses the defaults", () =>
    withRuntime(async ({ runtime }) => {
      const sup = await DynamicSupervisor.startLink();
      expect(await Sys.getState(sup)).toEqual({ ...DynamicSupervisor.init(), children: [] });
      expect(runtime.processInfo(sup)).toMatchObject({
        behaviour: "DynamicSupervisor",
        trapExit: true,
      });
    }));

  const bad: [DynamicSupervisor.DynamicSupervisorFlags, string, string][] = [
    [{ strategy: "one_for_all" as never }, "invalid_strategy", "strategy"],
    [{ maxRestarts: -1 }, "invalid_intensity", "maxRestarts"],
    [{ maxSeconds: 0 }, "invalid_period", "maxSeconds"],
    [{ maxChildren: -1 }, "invalid_max_children", "maxChildren"],
    [{ maxChildren: 1.5 }, "invalid_max_children", "maxChildren"],
    [{ extraArguments: "x" as never }, "invalid_extra_arguments", "extraArguments"],
  ];
  for (const [flags, reason, field] of bad) {
    test(`${JSON.stringify(flags)} → ${reason}, from options and from init`, () =>
      withRuntime(async () => {
        const err = await DynamicSupervisor.startLink(flags).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Supervisor.SupervisorFlagsError);
        expect(err).toMatchObject({ reason, field });
        const Def = DynamicSupervisor.define(() => DynamicSupervisor.init(flags));
        const err2 = await DynamicSupervisor.startLink(Def, undefined).catch((e: unknown) => e);
        expect(err2).toBeInstanceOf(Supervisor.SupervisorFlagsError);
        expect(err2).toMatchObject({ reason, field });
      }));
  }

  test("init returning ignore, an invalid value, or throwing", () =>
    withRuntime(async () => {
      expect(
        await DynamicSupervisor.startLink(
          DynamicSupervisor.define(() => "ignore"),
          undefined,
        ),
      ).toBe("ignore");
      const err = await DynamicSupervisor.startLink(
        DynamicSupervisor.define(() => 42 as never),
        undefined,
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InitError);
      expect((err as InitError).reason).toEqual({ bad_return: 42 });
      const boom = new Error("no");
      const err2 = await DynamicSupervisor.startLink(
        DynamicSupervisor.define(() => {
          throw boom;
        }),
        undefined,
      ).catch((e: unknown) => e);
      expect((err2 as InitError).reason).toBe(boom);
      expect(() => DynamicSupervisor.define(1 as never)).toThrow(BadArgumentError);
    }));

  test("a definition's init runs in the new process with its argument", () =>
    withRuntime(async () => {
      let ran: Pid | undefined;
      const Pool = DynamicSupervisor.define((size: number) => {
        ran = self();
        return DynamicSupervisor.init({ maxChildren: size });
      });
      const sup = await DynamicSupervisor.startLink(Pool, 1, { name: "pool" });
      expect(ran).toBe(sup);
      expect(whereis("pool")).toBe(sup);
      await DynamicSupervisor.startChild("pool", worker("a"));
      await expect(DynamicSupervisor.startChild("pool", worker("b"))).rejects.toMatchObject({
        reason: "max_children",
      });
    }));

  test("names: a taken name rejects with AlreadyStartedError", () =>
    withRuntime(async () => {
      const sup = await DynamicSupervisor.startLink({ name: "dyn" });
      const err = await DynamicSupervisor.startLink({ name: "dyn" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AlreadyStartedError);
      expect((err as AlreadyStartedError).pid).toBe(sup);
    }));

  test("start without a link, outside any process", async () => {
    const runtime = createRuntime({ clock: "virtual", logger: { log() {} } });
    const sup = await DynamicSupervisor.start({ runtime });
    expect(runtime.isAlive(sup)).toBe(true);
    await DynamicSupervisor.stop(sup);
    expect(runtime.isAlive(sup)).toBe(false);
    await runtime.shutdown();
  });
});

describe("startChild (items 3-8)", () => {
  // Issue #15 item 13: a start function may return the pid synchronously, at start and at
  // restart. (ChildSpec's type stays Promise-only: see its TSDoc; hence the cast.)
  test("a start function that returns the pid synchronously, at start and restart", () =>
    withRuntime(async () => {
      const test = self();
      const syncStart = (): Pid =>
        spawnLink(async (me) => {
          send(test, { sync: me });
          await receive(() => false);
        });
      const sup = await DynamicSupervisor.startLink();
      const pid = await DynamicSupervisor.startChild(sup, {
        id: "sync",
        start: syncStart as unknown as Supervisor.ChildSpec["start"],
      });
      const isSync = (m: unknown): m is { sync: Pid } =>
        typeof m === "object" && m !== null && "sync" in m;
      expect((await assertReceive(isSync)).sync).toBe(pid);
      exit(pid as Pid, "kill");
      const again = (await assertReceive(isSync)).sync;
      expect(again).not.toBe(pid);
      expect((await DynamicSupervisor.whichChildren(sup)).map((k) => k.pid)).toEqual([again]);
    }));

  test("specs are checked in the caller, before any call (item 3)", () =>
    withRuntime(async () => {
      const cases: [unknown, string, string | undefined][] = [
        [{}, "missing_start", "start"],
        [42, "invalid_child_spec", undefined],
        [{ start: "x" }, "invalid_start", "start"],
        [{ id: 1, start: async () => "ignore", shutdown: -1 }, "invalid_shutdown", "shutdown"],
        [
          { id: 1, start: async () => "ignore", significant: true, restart: "temporary" },
          "invalid_significant",
          "significant",
        ],
      ];
      for (const [spec, reason, field] of cases) {
        // the supervisor does not even exist: the spec error comes first
        const err = await DynamicSupervisor.startChild("nobody", spec as never).catch(
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(Supervisor.ChildSpecError);
        expect(err).toMatchObject({ reason, field });
      }
    }));

  test("an object spec without an id is fine; ids are ignored (items 4, 10)", () =>
    withRuntime(async () => {
      const sup = await DynamicSupervisor.startLink();
      const w = worker("a");
      const pid = await DynamicSupervisor.startChild(sup, { start: w.start } as never);
      expect(pid).toBe((await started("a")).pid);
      expect(await DynamicSupervisor.whichChildren(sup)).toEqual([
        { id: undefined, pid, type: "worker", modules: [], restarts: 0 },
      ]);
    }));

  test("results pass through: pid, ignore (nothing added), and the failure reason unwrapped (items 5, 6)", () =>
    withRuntime(async () => {
      const sup = await DynamicSupervisor.startLink();
      expect(await DynamicSupervisor.startChild(sup, { id: 1, start: async () => "ignore" })).toBe(
        "ignore",
      );
      expect((await DynamicSupervisor.countChildren(sup)).specs).toBe(0);
      const boom = new Error("boom");
      const cases: [() => never, unknown][] = [
        [
          () => {
            throw boom;
          },
          boom,
        ],
        [
          () => {
            throw "thrown";
          },
          { nocatch: "thrown" },
        ],
        [
          () => {
            throw new ExitError("exited");
          },
          "exited",
        ],
        [
          () => {
            throw new InitError({ error: "init" });
          },
          { error: "init" },
        ],
      ];
      for (const [fn, reason] of cases) {
        const err = await DynamicSupervisor.startChild(sup, {
          id: 1,
          start: async () => fn(),
        }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Supervisor.StartChildError);
        expect((err as Supervisor.StartChildError).reason).toEqual(reason);
      }
      const bad = await DynamicSupervisor.startChild(sup, {
        id: 1,
        start: async () => 42 as never,
      }).catch((e: unknown) => e);
      expect((bad as Supervisor.StartChildError).reason).toBeInstanceOf(BadArgumentError);
      expect((await DynamicSupervisor.countChildren(sup)).specs).toBe(0);
    }));

  // BEAM (Elixir 1.14): DynamicSupervisor.start_child of a supervisor whose child :db_conn
  // fails with :db_down returns {:error, {:shutdown, {:failed_to_start_child, :db_conn, :db_down}}}.
  test("a child supervisor's start failure keeps the path to the failing grandchild", () =>
    withRuntime(async () => {
      const sup = await DynamicSupervisor.startLink({ strategy: "one_for_one" });
      const db = {
        id: "db_conn",
        start: async (): Promise<never> => {
          throw new InitError("db_down");
        },
      };
      const inner = Supervisor.childSpec([db], { strategy: "one_for_one", id: "inner" });
      const err = await DynamicSupervisor.startChild(sup, inner).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Supervisor.StartChildError);
      expect((err as Supervisor.StartChildError).reason).toEqual({
        shutdown: { failed_to_start_child: "db_conn", reason: "db_down" },
      });
      expect((await DynamicSupervisor.countChildren(sup)).specs).toBe(0);
    }));

  test("maxChildren, restarting children included (item 7)", () =>
    withRuntime(async () => {
      let fail = false;
      const test = self();
      const w = worker("a");
      const flaky: Supervisor.ChildSpec = {
        id: "a",
        start: async () => {
          if (fail) {
            send(test, "failed");
            throw new Error("down");
          }
          return w.start();
        },
      };
      const sup = await DynamicSupervisor.startLink({ maxChildren: 1, maxRestarts: 1_000_000 });
      const a = await DynamicSupervisor.startChild(sup, flaky);
      const err = await DynamicSupervisor.startChild(sup, worker("b")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Supervisor.ChildError);
      expect(err).toMatchObject({ reason: "max_children" });
      fail = true;
      send(a as Pid, "crash");
      await assertReceive((m) => m === "failed");
      expect((await DynamicSupervisor.whichChildren(sup))[0]?.pid).toBe("restarting");
      await expect(DynamicSupervisor.startChild(sup, worker("b"))).rejects.toMatchObject({
        reason: "max_children",
      });
      await DynamicSupervisor.terminateChild(sup, a as Pid);
      await DynamicSupervisor.startChild(sup, worker("b"));
      await started("b");
    }));

  test("extraArguments come first, at start and at every restart (item 8)", () =>
    withRuntime(async () => {
      const sup = await DynamicSupervisor.startLink({ extraArguments: ["pool", 7] });
      const pid = await DynamicSupervisor.startChild(sup, worker("a"));
      const first = await started("a");
      expect(first.args).toEqual(["pool", 7]);
      send(pid as Pid, "crash");
      expect((await started("a")).args).toEqual(["pool", 7]);
    }));
});

describe("restarts (items 9-12)", () => {
  const reasons: [string, unknown][] = [
    ["normal", "normal"],
    ["shutdown", "shutdown"],
    ["{ shutdown: term }", { shutdown: 1 }],
    ["an abnormal reason", "boom"],
  ];
  const expected = {
    permanent: [true, true, true, true],
    transient: [false, false, false, true],
    temporary: [false, false, false, false],
  };
  for (const restart of ["permanent", "transient", "temporary"] as const) {
    reasons.forEach(([label, reason], i) => {
      const restarted = expected[restart][i] as boolean;
      test(`a ${restart} child exiting with ${label} is ${restarted ? "restarted" : "removed"}`, () =>
        withRuntime(async () => {
          const sup = await DynamicSupervisor.startLink();
          const pid = await DynamicSupervisor.startChild(sup, worker("c", { restart }));
          await started("c");
          send(pid as Pid, { exit: reason });
          if (restarted) {
            const again = await started("c");
            expect(await DynamicSupervisor.whichChildren(sup)).toMatchObject([
              { pid: again.pid, restarts: 1 },
            ]);
          } else {
            await refuteReceive(isStarted);
            expect(await DynamicSupervisor.countChildren(sup)).toEqual({
              specs: 0,
              active: 0,
              supervisors: 0,
              workers: 0,
            });
          }
        }));
    });
  }

  test("a restart that ignores removes the child; one that fails is restarting and retried (item 11)", () =>
    withRuntime(async () => {
      let mode: "ok" | "ignore" | "fail" = "ok";
      const test = self();
      const w = worker("a");
      const spec: Supervisor.ChildSpec = {
        id: "a",
        start: async () => {
          if (mode === "ignore") return "ignore";
          if (mode === "fail") {
            send(test, "failed");
            throw new Error("down");
          }
          return w.start();
        },
      };
      const sup = await DynamicSupervisor.startLink({ maxRestarts: 1_000_000 });
      const a = await DynamicSupervisor.startChild(sup, spec);
      await started("a");
      mode = "ignore";
      send(a as Pid, "crash");
      await refuteReceive(isStarted);
      expect((await DynamicSupervisor.countChildren(sup)).specs).toBe(0);

      mode = "ok";
      const b = await DynamicSupervisor.startChild(sup, spec);
      await started("a");
      mode = "fail";
      send(b as Pid, "crash");
      await assertReceive((m) => m === "failed");
      expect(await DynamicSupervisor.whichChildren(sup)).toMatchObject([
        { id: undefined, pid: "restarting" },
      ]);
      expect(await DynamicSupervisor.countChildren(sup)).toEqual({
        specs: 1,
        active: 0,
        supervisors: 0,
        workers: 1,
      });
      mode = "ok";
      const again = await started("a");
      expect(await DynamicSupervisor.whichChildren(sup)).toMatchObject([{ pid: again.pid }]);
    }));

  test("every failed retry counts towards the intensity (items 11, 12)", () =>
    withRuntime(async ({ logs }) => {
      trapExit(true);
      let calls = 0;
      let fail = false;
      const w = worker("a");
      const sup = await DynamicSupervisor.startLink();
      const a = await DynamicSupervisor.startChild(sup, {
        id: "a",
        start: async () => {
          calls++;
          if (fail) throw new Error("down");
          return w.start();
        },
      });
      fail = true;
      send(a as Pid, "crash");
      expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
      expect(calls).toBe(4); // the start, then 3 restart attempts; the 4th restart is one too many
      expect(logs.find((l) => l["report"] === "shutdown")?.reason).toBe(
        "reached_max_restart_intensity",
      );
    }));

  test("more than maxRestarts restarts within maxSeconds stop the supervisor with shutdown (item 12)", () =>
    withRuntime(async () => {
      trapExit(true);
      const sup = await DynamicSupervisor.startLink({ maxRestarts: 2, maxSeconds: 1 });
      const other = await DynamicSupervisor.startChild(sup, worker("other", { trap: true }));
      await started("other");
      let pid = await DynamicSupervisor.startChild(sup, worker("c"));
      await started("c");
      for (let i = 0; i < 2; i++) {
        send(pid as Pid, "crash");
        pid = (await started("c")).pid;
      }
      send(pid as Pid, "crash");
      expect((await assertReceive(isStopping)).pid).toBe(other);
      expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
    }));
});

describe("shutdown (items 13, 14)", () => {
  test("all children are stopped at once: the time is that of the slowest", () =>
    withRuntime(async ({ clock }) => {
      const sup = await DynamicSupervisor.startLink();
      for (const tag of ["a", "b", "c"]) {
        await DynamicSupervisor.startChild(sup, worker(tag, { trap: true, stopAfter: 200 }));
      }
      const t0 = clock.now();
      const stopping = DynamicSupervisor.stop(sup);
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        await assertReceive(isStopping);
        seen.push(clock.now() - t0);
      }
      await stopping;
      expect(seen).toEqual([0, 0, 0]);
      expect(clock.now() - t0).toBe(200);
    }));

  test("each child has its own kill timer; brutal_kill kills at once", () =>
    withRuntime(async ({ clock }) => {
      const sup = await DynamicSupervisor.startLink();
      const specs = [
        worker("brutal", { trap: true, shutdown: "brutal_kill" }),
        worker("expired", { trap: true, stopAfter: Number.POSITIVE_INFINITY, shutdown: 300 }),
        worker("quick", { trap: true, stopAfter: 100, shutdown: 1000 }),
        worker("plain"),
      ];
      const refs = new Map<string, ReturnType<typeof monitor>>();
      for (const spec of specs) {
        const pid = await DynamicSupervisor.startChild(sup, spec);
        refs.set(spec.id as string, monitor(pid as Pid));
      }
      const t0 = clock.now();
      await DynamicSupervisor.stop(sup);
      expect(clock.now() - t0).toBe(300);
      const reasons = Object.fromEntries(
        await Promise.all(
          [...refs].map(async ([tag, ref]) => [tag, (await receive(downFor(ref))).reason]),
        ),
      );
      expect(reasons).toEqual({
        brutal: "killed",
        expired: "killed",
        quick: "shutdown",
        plain: "shutdown",
      });
    }));

  test("trapping children that exit with their own reason are not restarted, even permanent ones (item 14)", () =>
    withRuntime(async ({ logs }) => {
      trapExit(true);
      const sup = await DynamicSupervisor.startLink();
      const a = await DynamicSupervisor.startChild(
        sup,
        worker("a", { trap: true, exitWith: { shutdown: "oops" } }),
      );
      const b = await DynamicSupervisor.startChild(
        sup,
        worker("b", { trap: true, exitWith: "normal" }),
      );
      await started("a");
      await started("b");
      const ra = monitor(a as Pid);
      const rb = monitor(b as Pid);
      exit(sup, "shutdown");
      expect((await assertReceive(downFor(ra))).reason).toEqual({ shutdown: "oops" });
      expect((await assertReceive(downFor(rb))).reason).toBe("normal");
      expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
      await refuteReceive(isStarted);
      // permanent children stopping with another reason than shutdown are reported
      expect(
        logs.filter((l) => l["report"] === "shutdown_error").map((l) => l["childPid"]),
      ).toEqual([a, b]);
    }));

  test("stop: normal by default, a given reason, and a timeout", () =>
    withRuntime(async () => {
      trapExit(true);
      const s1 = await DynamicSupervisor.startLink();
      const r1 = monitor(s1);
      await DynamicSupervisor.stop(s1);
      expect((await assertReceive(downFor(r1))).reason).toBe("normal");
      const s2 = await DynamicSupervisor.startLink();
      await DynamicSupervisor.stop(s2, { shutdown: "bye" });
      expect((await assertReceive(exitFrom(s2))).reason).toEqual({ shutdown: "bye" });
      const s3 = await DynamicSupervisor.startLink();
      await DynamicSupervisor.startChild(s3, worker("slow", { trap: true, stopAfter: 1000 }));
      await expect(DynamicSupervisor.stop(s3, "normal", 10)).rejects.toBeInstanceOf(
        CallTimeoutError,
      );
      expect((await assertReceive(exitFrom(s3), { timeout: 2000 })).reason).toBe("normal");
    }));
});

describe("terminateChild (item 15)", () => {
  test("by pid: ok, then not_found; an unknown pid is not_found", () =>
    withRuntime(async () => {
      const sup = await DynamicSupervisor.startLink();
      const pid = (await DynamicSupervisor.startChild(sup, worker("a"))) as Pid;
      await started("a");
      const ref = monitor(pid);
      await DynamicSupervisor.terminateChild(sup, pid);
      expect((await assertReceive(downFor(ref))).reason).toBe("shutdown");
      await refuteReceive(isStarted);
      const err = await DynamicSupervisor.terminateChild(sup, pid).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Supervisor.ChildError);
      expect(err).toMatchObject({ reason: "not_found", childId: pid });
      await expect(DynamicSupervisor.terminateChild(sup, self())).rejects.toMatchObject({
        reason: "not_found",
      });
    }));

  test("follows the child's shutdown setting", () =>
    withRuntime(async ({ clock }) => {
      const sup = await DynamicSupervisor.startLink();
      const pid = (await DynamicSupervisor.startChild(
        sup,
        worker("slow", { trap: true, stopAfter: Number.POSITIVE_INFINITY, shutdown: 250 }),
      )) as Pid;
      const ref = monitor(pid);
      await DynamicSupervisor.terminateChild(sup, pid);
      expect(clock.now()).toBe(250);
      expect((await assertReceive(downFor(ref))).reason).toBe("killed");
    }));

  test("works on a restarting child, by the pid it had", () =>
    withRuntime(async () => {
      let fail = false;
      const test = self();
      const w = worker("a");
      const sup = await DynamicSupervisor.startLink({ maxRestarts: 1_000_000 });
      const pid = (await DynamicSupervisor.startChild(sup, {
        id: "a",
        start: async () => {
          if (fail) {
            send(test, "failed");
            throw new Error("down");
          }
          return w.start();
        },
      })) as Pid;
      fail = true;
      send(pid, "crash");
      await assertReceive((m) => m === "failed");
      await DynamicSupervisor.terminateChild(sup, pid);
      expect(await DynamicSupervisor.whichChildren(sup)).toEqual([]);
      while ((await receive((m) => m === "failed", { timeout: 0 })) !== TIMEOUT) {
        // attempts made before terminateChild
      }
      await refuteReceive((m) => m === "failed");
    }));
});

describe("supervised by a Supervisor (item 16)", () => {
  test("type supervisor, shutdown Infinity; two unnamed specs share the id DynamicSupervisor", () =>
    withRuntime(async () => {
      const spec = DynamicSupervisor.childSpec();
      expect(spec).toMatchObject({
        id: "DynamicSupervisor",
        type: "supervisor",
        shutdown: Number.POSITIVE_INFINITY,
        restart: "permanent",
      });
      const root = await Supervisor.startLink([spec], { strategy: "one_for_one" });
      const [first] = await Supervisor.whichChildren(root);
      const err = await Supervisor.startChild(root, DynamicSupervisor.childSpec()).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Supervisor.ChildAlreadyStartedError);
      expect((err as Supervisor.ChildAlreadyStartedError).pid).toBe(first?.pid);
      const second = await Supervisor.startChild(
        root,
        DynamicSupervisor.childSpec({ id: "second" }),
      );
      expect(isAlive(second as Pid)).toBe(true);
    }));

  // BEAM (Elixir 1.14): the id of {DynamicSupervisor, name: Foo} is Foo.
  test("a named one's id is its name, so two named ones start side by side", () =>
    withRuntime(async () => {
      expect(DynamicSupervisor.childSpec({ name: "a" }).id).toBe("a");
      expect(DynamicSupervisor.childSpec({ name: "a", id: "x" }).id).toBe("x");
      const root = await Supervisor.startLink(
        [DynamicSupervisor.childSpec({ name: "a" }), DynamicSupervisor.childSpec({ name: "b" })],
        { strategy: "one_for_one" },
      );
      expect((await Supervisor.whichChildren(root)).map((c) => c.id).sort()).toEqual(["a", "b"]);
    }));

  test("Supervisor's introspection works on it, and the whole tree is visible", () =>
    withRuntime(async () => {
      const Sessions = DynamicSupervisor.define(() => DynamicSupervisor.init({ maxChildren: 10 }));
      const root = await Supervisor.startLink(
        [DynamicSupervisor.childSpec(Sessions, undefined, { id: "sessions", name: "sessions" })],
        { strategy: "one_for_one" },
      );
      const pid = await DynamicSupervisor.startChild("sessions", worker("s1"));
      expect(await Supervisor.countChildren("sessions")).toEqual({
        specs: 1,
        active: 1,
        supervisors: 0,
        workers: 1,
      });
      expect(await Supervisor.tree(root)).toMatchObject([
        { id: "sessions", type: "supervisor", children: [{ id: undefined, pid, restarts: 0 }] },
      ]);
    }));

  test("the parent's exit stops it and its children", () =>
    withRuntime(async () => {
      trapExit(true);
      const sup = await DynamicSupervisor.startLink();
      await DynamicSupervisor.startChild(sup, worker("a", { trap: true }));
      exit(sup, "shutdown");
      expect((await assertReceive(isStopping)).reason).toBe("shutdown");
      expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
    }));
});

describe("reports and errors", () => {
  test("restarts are reported with the child's pid and reason", () =>
    withRuntime(async ({ logs }) => {
      const sup = await DynamicSupervisor.startLink({ name: "dyn" });
      const pid = await DynamicSupervisor.startChild(sup, worker("a"));
      await started("a");
      send(pid as Pid, "crash");
      const again = await started("a");
      const terminated = logs.find((l) => l["report"] === "child_terminated");
      expect(terminated).toMatchObject({ kind: "error", pid: sup, name: "dyn", childPid: pid });
      expect(terminated?.reason).toBeInstanceOf(Error);
      expect(logs.filter((l) => l["report"] === "progress").map((l) => l["childPid"])).toEqual([
        pid,
        again.pid,
      ]);
    }));

  test("calling a DynamicSupervisor that does not exist rejects with NoProcessError", () =>
    withRuntime(async () => {
      const err = await DynamicSupervisor.whichChildren("nobody").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NoProcessError);
      expect((err as NoProcessError).operation.module).toBe("DynamicSupervisor");
      await expect(DynamicSupervisor.countChildren("nobody")).rejects.toBeInstanceOf(
        NoProcessError,
      );
      await expect(DynamicSupervisor.stop("nobody")).rejects.toBeInstanceOf(NoProcessError);
      await expect(DynamicSupervisor.terminateChild("nobody", self())).rejects.toBeInstanceOf(
        NoProcessError,
      );
    }));

  test("many children start and stop", () =>
    withRuntime(async () => {
      const sup = await DynamicSupervisor.startLink();
      const spawnOne: Supervisor.ChildSpec = {
        id: 0,
        start: async () => spawnLink(() => receive(() => false)),
      };
      for (let i = 0; i < 1000; i++) await DynamicSupervisor.startChild(sup, spawnOne);
      expect((await DynamicSupervisor.countChildren(sup)).active).toBe(1000);
      await DynamicSupervisor.stop(sup);
    }));
});
