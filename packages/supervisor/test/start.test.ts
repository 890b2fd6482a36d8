// Starting a supervisor: order, failures, ignore, flags and child spec validation, names.
// CONFORMANCE §3 items 1-7, 25, 30, 31.
import {
  AlreadyStartedError,
  BadArgumentError,
  createRuntime,
  downFor,
  exit,
  InitError,
  isAlive,
  monitor,
  NoProcessError,
  type Pid,
  receive,
  Sys,
  self,
  send,
  sleep,
  spawnLink,
  trapExit,
  whereis,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, test } from "vitest";
import {
  custom,
  events,
  isEvent,
  spawnWorker,
  started,
  supervisorDown,
  watchSupervisor,
  worker,
} from "./helpers.js";

const never = async (): Promise<Pid> => spawnLink(async () => void (await receive(() => false)));

describe("start", () => {
  test("children start one after another in list order (item 1)", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([worker("a"), worker("b"), worker("c")], {
        strategy: "one_for_one",
      });
      expect(await events("started", 3)).toEqual(["a", "b", "c"]);
      const kids = await Supervisor.whichChildren(sup);
      expect(kids.map((k) => k.id)).toEqual(["c", "b", "a"]);
      expect(kids.every((k) => k.pid !== undefined && k.pid !== "restarting")).toBe(true);
    }));

  test("each child starts only after the previous one's start function resolved", () =>
    withRuntime(async () => {
      const test = self();
      const order: string[] = [];
      const slow = custom("slow", async () => {
        order.push("slow:begin");
        await sleep(5); // virtual time: an async gap inside the start function
        order.push("slow:end");
        return spawnWorker("slow", test);
      });
      const next = custom("next", () => {
        order.push("next");
        return spawnWorker("next", test);
      });
      await Supervisor.startLink([slow, next], { strategy: "one_for_one" });
      expect(order).toEqual(["slow:begin", "slow:end", "next"]);
    }));

  test("a child that fails to start: the started ones stop in reverse order, the start rejects naming it (item 2)", () =>
    withRuntime(async () => {
      const test = self();
      const boom = new Error("no database");
      const watcher = custom("watcher", () => {
        watchSupervisor(test);
        return "ignore";
      });
      const failing = custom("db", async () => {
        throw boom;
      });
      const err = await Supervisor.startLink(
        [
          watcher,
          worker("a", { trap: true }),
          worker("b", { trap: true }),
          failing,
          worker("never"),
        ],
        { strategy: "one_for_one" },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Supervisor.StartChildError);
      expect(err).toBeInstanceOf(InitError);
      const e = err as Supervisor.StartChildError;
      expect(e.childId).toBe("db");
      expect(e.reason).toBe(boom);
      expect(e.message).toContain('"db"');
      expect(e.message).toContain("no database");
      expect(await events("started", 2)).toEqual(["a", "b"]);
      // b (started last) is stopped first
      expect(await events("stopping", 2)).toEqual(["b", "a"]);
      expect(await supervisorDown()).toEqual({
        shutdown: { failed_to_start_child: "db", reason: boom },
      });
      await refuteReceive(isEvent);
    }));

  // BEAM (Elixir 1.14): a supervisor whose child :inner is a supervisor whose child :db_conn
  // fails with :db_down returns {:error, {:shutdown, {:failed_to_start_child, :inner,
  // {:shutdown, {:failed_to_start_child, :db_conn, :db_down}}}}}.
  test("a grandchild's start failure keeps the whole path in the root's error", () =>
    withRuntime(async () => {
      const db = custom("db_conn", () => {
        throw new InitError("db_down");
      });
      const inner = Supervisor.childSpec([db], { strategy: "one_for_one", id: "inner" });
      const middle = Supervisor.childSpec([inner], { strategy: "one_for_one", id: "middle" });
      const err = await Supervisor.startLink([middle], { strategy: "one_for_one" }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Supervisor.StartChildError);
      const e = err as Supervisor.StartChildError;
      const innerReason = { shutdown: { failed_to_start_child: "db_conn", reason: "db_down" } };
      const middleReason = { shutdown: { failed_to_start_child: "inner", reason: innerReason } };
      expect(e.childId).toBe("middle");
      expect(e.reason).toEqual(middleReason);
      expect(e.exitReason).toEqual({
        shutdown: { failed_to_start_child: "middle", reason: middleReason },
      });
      expect(e.message).toContain("db_down");
      // a startChild failure has no exitReason of its own
      const sup = await Supervisor.startLink([], { strategy: "one_for_one" });
      const viaStartChild = (await Supervisor.startChild(sup, inner).catch(
        (x: unknown) => x,
      )) as Supervisor.StartChildError;
      expect(viaStartChild.childId).toBe("inner");
      expect(viaStartChild.reason).toEqual(innerReason);
      expect(viaStartChild.exitReason).toBeUndefined();
    }));

  test("a start function that returns something else than a pid or ignore fails the start", () =>
    withRuntime(async () => {
      const bad = custom("bad", () => 42 as unknown as Pid);
      const err = await Supervisor.startLink([bad], { strategy: "one_for_one" }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Supervisor.StartChildError);
      expect((err as Supervisor.StartChildError).reason).toBeInstanceOf(BadArgumentError);
      expect(String((err as Error).message)).toContain("42");
    }));

  test("the reason of a failed start: an InitError's reason, an exit reason, or a thrown value", () =>
    withRuntime(async () => {
      const cases: [() => never, unknown][] = [
        [
          () => {
            throw new InitError({ bad: 1 });
          },
          { bad: 1 },
        ],
        [
          () => {
            throw "oops";
          },
          { nocatch: "oops" },
        ],
      ];
      for (const [fn, reason] of cases) {
        const err = await Supervisor.startLink([custom("x", fn)], {
          strategy: "one_for_one",
        }).catch((e: unknown) => e);
        expect((err as Supervisor.StartChildError).reason).toEqual(reason);
      }
    }));

  test("a child whose start ignores is kept stopped; a temporary one is dropped", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink(
        [
          custom("ignored", () => "ignore"),
          custom("tmp", () => "ignore", { restart: "temporary" }),
          worker("w"),
        ],
        { strategy: "one_for_one" },
      );
      await started("w");
      const kids = await Supervisor.whichChildren(sup);
      expect(kids.map((k) => [k.id, k.pid === undefined])).toEqual([
        ["w", false],
        ["ignored", true],
      ]);
      expect(await Supervisor.countChildren(sup)).toEqual({
        specs: 2,
        active: 1,
        supervisors: 0,
        workers: 2,
      });
    }));

  // Issue #15 item 13: a start function may return the pid synchronously, at start and at
  // restart. (ChildSpec's type stays Promise-only: see its TSDoc; hence the cast.)
  test("a start function that returns the pid synchronously, at start and restart", () =>
    withRuntime(async () => {
      const test = self();
      const syncStart = (): Pid => spawnWorker("sync", test);
      const spec: Supervisor.ChildSpec = {
        id: "sync",
        start: syncStart as unknown as Supervisor.ChildSpec["start"],
      };
      const sup = await Supervisor.startLink([spec], { strategy: "one_for_one" });
      const first = await started("sync");
      expect((await Supervisor.whichChildren(sup)).map((k) => k.pid)).toEqual([first]);
      exit(first, "kill");
      const second = await started("sync");
      expect(second).not.toBe(first);
      expect((await Supervisor.whichChildren(sup)).map((k) => k.pid)).toEqual([second]);
      await Supervisor.terminateChild(sup, "sync");
      const third = await Supervisor.restartChild(sup, "sync");
      expect(third).toBe(await started("sync"));
    }));

  test("duplicate ids are rejected before anything starts (item 3)", () =>
    withRuntime(async ({ runtime }) => {
      const before = runtime.processes().length;
      const err = await Supervisor.startLink([worker("a"), worker("b"), worker("a")], {
        strategy: "one_for_one",
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Supervisor.ChildSpecError);
      expect(err).toMatchObject({ reason: "duplicate_child_name", field: "id", value: "a" });
      expect(runtime.processes().length).toBe(before);
    }));

  test("ids are compared as terms", () =>
    withRuntime(async () => {
      const err = await Supervisor.startLink([worker(["pool", 1]), worker(["pool", 1])], {
        strategy: "one_for_one",
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ reason: "duplicate_child_name" });
    }));
});

describe("definitions", () => {
  test("init runs in the new supervisor and returns the children and flags", () =>
    withRuntime(async () => {
      let initPid: Pid | undefined;
      const test = self();
      const Def = Supervisor.define((n: number) => {
        initPid = self();
        return Supervisor.init(
          Array.from({ length: n }, (_, i) => worker(`w${i}`, { to: test })),
          { strategy: "one_for_all" },
        );
      });
      const sup = await Supervisor.startLink(Def, 2);
      expect(sup).toBe(initPid);
      expect(await events("started", 2)).toEqual(["w0", "w1"]);
      const state = (await Sys.getState(sup)) as { strategy: string };
      expect(state.strategy).toBe("one_for_all");
    }));

  test("init returning ignore: the start resolves ignore and the process exits normal (item 4)", () =>
    withRuntime(async ({ runtime }) => {
      const test = self();
      const Def = Supervisor.define({
        init: () => {
          watchSupervisor(test);
          return "ignore";
        },
      });
      expect(await Supervisor.startLink(Def, undefined)).toBe("ignore");
      expect(await supervisorDown()).toBe("normal");
      expect(runtime.processes()).toEqual([test]);
    }));

  test("an invalid init return rejects with bad_return; a throwing init with its error (item 4)", () =>
    withRuntime(async () => {
      const Bad = Supervisor.define(() => 42 as unknown as Supervisor.InitSpec);
      const err = await Supervisor.startLink(Bad, undefined).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InitError);
      expect((err as InitError).reason).toEqual({ bad_return: 42 });
      const boom = new Error("init failed");
      const Throws = Supervisor.define(async () => {
        throw boom;
      });
      const err2 = await Supervisor.startLink(Throws, undefined).catch((e: unknown) => e);
      expect(err2).toBeInstanceOf(InitError);
      expect((err2 as InitError).reason).toBe(boom);
    }));

  test("invalid flags or specs from init reject with the typed error", () =>
    withRuntime(async ({ logs }) => {
      const Def = Supervisor.define(() =>
        Supervisor.init([worker("a")], { strategy: "bogus" as "one_for_one" }),
      );
      const err = await Supervisor.startLink(Def, undefined).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Supervisor.SupervisorFlagsError);
      expect(err).toMatchObject({ reason: "invalid_strategy", value: "bogus" });
      const Def2 = Supervisor.define(() =>
        Supervisor.init([{ id: "a" } as never], { strategy: "one_for_one" }),
      );
      const err2 = await Supervisor.startLink(Def2, undefined).catch((e: unknown) => e);
      expect(err2).toMatchObject({ reason: "missing_start", childId: "a" });
      expect(logs.some((l) => l.kind === "crash")).toBe(true);
    }));

  test("define checks its argument", () => {
    expect(() => Supervisor.define(42 as never)).toThrow(BadArgumentError);
  });
});

describe("flags (item 5, 7)", () => {
  const bad: [Partial<Supervisor.SupervisorOptions>, string, string][] = [
    [{}, "invalid_strategy", "strategy"],
    [{ strategy: "simple_one_for_one" as never }, "invalid_strategy", "strategy"],
    [{ strategy: "one_for_one", maxRestarts: -1 }, "invalid_intensity", "maxRestarts"],
    [{ strategy: "one_for_one", maxRestarts: 1.5 }, "invalid_intensity", "maxRestarts"],
    [{ strategy: "one_for_one", maxRestarts: "3" as never }, "invalid_intensity", "maxRestarts"],
    [{ strategy: "one_for_one", maxSeconds: 0 }, "invalid_period", "maxSeconds"],
    [{ strategy: "one_for_one", maxSeconds: -5 }, "invalid_period", "maxSeconds"],
    [{ strategy: "one_for_one", maxSeconds: 0.5 }, "invalid_period", "maxSeconds"],
    [
      { strategy: "one_for_one", autoShutdown: "sometimes" as never },
      "invalid_auto_shutdown",
      "autoShutdown",
    ],
  ];
  for (const [options, reason, field] of bad) {
    test(`${JSON.stringify(options)} → ${reason}`, () =>
      withRuntime(async () => {
        const err = await Supervisor.startLink([], options as Supervisor.SupervisorOptions).catch(
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(Supervisor.SupervisorFlagsError);
        expect(err).toBeInstanceOf(BadArgumentError);
        expect(err).toMatchObject({ reason, field });
        expect((err as Error).message).toContain(field);
      }));
  }

  test("the simple_one_for_one hint points to DynamicSupervisor", () =>
    withRuntime(async () => {
      const err = await Supervisor.startLink([], { strategy: "simple_one_for_one" as never }).catch(
        (e: unknown) => e,
      );
      expect((err as Error).message).toContain("DynamicSupervisor");
    }));

  test("unknown flags are ignored; defaults are 3 restarts in 5 seconds, autoShutdown never", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([], {
        strategy: "one_for_one",
        colour: "blue",
      } as Supervisor.SupervisorOptions);
      expect(await Sys.getState(sup)).toEqual({
        strategy: "one_for_one",
        maxRestarts: 3,
        maxSeconds: 5,
        autoShutdown: "never",
        children: [],
      });
    }));
});

describe("child specs (items 6, 7, 30)", () => {
  const start = never;
  const cases: [unknown, string, string | undefined, unknown][] = [
    [{ start }, "missing_id", "id", undefined],
    [{ id: "x" }, "missing_start", "start", undefined],
    [{ id: "x", start: "nope" }, "invalid_start", "start", "nope"],
    [{ id: "x", start, restart: "sometimes" }, "invalid_restart_type", "restart", "sometimes"],
    [{ id: "x", start, shutdown: -1 }, "invalid_shutdown", "shutdown", -1],
    [{ id: "x", start, shutdown: "later" }, "invalid_shutdown", "shutdown", "later"],
    [{ id: "x", start, shutdown: Number.NaN }, "invalid_shutdown", "shutdown", Number.NaN],
    [{ id: "x", start, type: "manager" }, "invalid_child_type", "type", "manager"],
    [{ id: "x", start, modules: "m" }, "invalid_modules", "modules", "m"],
    [{ id: "x", start, significant: "yes" }, "invalid_significant", "significant", "yes"],
    [{ id: Symbol("x"), start }, "invalid_id", "id", undefined],
    [42, "invalid_child_spec", undefined, 42],
  ];
  for (const [spec, reason, field, value] of cases) {
    test(`${reason}${field === undefined ? "" : ` (${field})`} at start and from startChild`, () =>
      withRuntime(async () => {
        const err = await Supervisor.startLink([spec as Supervisor.ChildSpec], {
          strategy: "one_for_one",
        }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Supervisor.ChildSpecError);
        expect(err).toMatchObject({ reason, field });
        if (value !== undefined) expect((err as Supervisor.ChildSpecError).value).toEqual(value);
        const sup = await Supervisor.startLink([], { strategy: "one_for_one" });
        const err2 = await Supervisor.startChild(sup, spec as Supervisor.ChildSpec).catch(
          (e: unknown) => e,
        );
        expect(err2).toBeInstanceOf(Supervisor.ChildSpecError);
        expect(err2).toMatchObject({ reason, field });
        expect(await Supervisor.countChildren(sup)).toMatchObject({ specs: 0 });
      }));
  }

  test("significant permanent children and significant children without autoShutdown are bad combinations (item 29)", () =>
    withRuntime(async () => {
      const perm = { id: "x", start: never, significant: true };
      const err = await Supervisor.startLink([perm], {
        strategy: "one_for_one",
        autoShutdown: "any_significant",
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ reason: "bad_combination", field: "significant" });
      expect((err as Error).message).toContain("permanent");
      const tr = { id: "x", start: never, significant: true, restart: "transient" as const };
      const err2 = await Supervisor.startLink([tr], { strategy: "one_for_one" }).catch(
        (e: unknown) => e,
      );
      expect(err2).toMatchObject({ reason: "bad_combination" });
      expect((err2 as Error).message).toContain("autoShutdown");
      // startChild is checked against the supervisor's own autoShutdown
      const sup = await Supervisor.startLink([], { strategy: "one_for_one" });
      const err3 = await Supervisor.startChild(sup, tr).catch((e: unknown) => e);
      expect(err3).toMatchObject({ reason: "bad_combination" });
    }));

  test("getChildSpec fills in every default; not_found otherwise (items 7, 30)", () =>
    withRuntime(async () => {
      const w = worker("w");
      const s = { id: "s", start: never, type: "supervisor" as const };
      const sup = await Supervisor.startLink([w, s], { strategy: "one_for_one" });
      expect(await Supervisor.getChildSpec(sup, "w")).toEqual({
        id: "w",
        start: w.start,
        restart: "permanent",
        shutdown: 5000,
        type: "worker",
        significant: false,
        modules: [],
      });
      expect(await Supervisor.getChildSpec(sup, "s")).toMatchObject({
        shutdown: Number.POSITIVE_INFINITY,
        type: "supervisor",
      });
      const err = await Supervisor.getChildSpec(sup, "nope").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Supervisor.ChildError);
      expect(err).toMatchObject({ reason: "not_found", childId: "nope" });
    }));

  test("checkChildSpecs is usable on its own", () => {
    const specs = Supervisor.checkChildSpecs([{ id: 1, start: never, restart: "transient" }]);
    expect(specs[0]).toMatchObject({ id: 1, restart: "transient", shutdown: 5000 });
    expect(() => Supervisor.checkChildSpecs("x" as never)).toThrow(Supervisor.ChildSpecError);
  });
});

describe("names, processes and errors", () => {
  test("a named supervisor is reachable by name; a taken name rejects with AlreadyStartedError", () =>
    withRuntime(async ({ runtime }) => {
      const sup = await Supervisor.startLink([worker("a")], {
        strategy: "one_for_one",
        name: "app",
      });
      expect(whereis("app")).toBe(sup);
      expect(runtime.processInfo(sup)?.behaviour).toBe("Supervisor");
      expect(runtime.processInfo(sup)?.trapExit).toBe(true);
      expect((await Supervisor.whichChildren("app")).length).toBe(1);
      const err = await Supervisor.startLink([], { strategy: "one_for_one", name: "app" }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AlreadyStartedError);
      expect((err as AlreadyStartedError).pid).toBe(sup);
    }));

  test("calling a supervisor that does not exist rejects with NoProcessError (item 25)", () =>
    withRuntime(async () => {
      for (const call of [
        () => Supervisor.whichChildren("nobody"),
        () => Supervisor.countChildren("nobody"),
        () => Supervisor.terminateChild("nobody", "a"),
        () => Supervisor.startChild("nobody", worker("a")),
        () => Supervisor.stop("nobody"),
      ]) {
        const err = await call().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(NoProcessError);
        expect((err as NoProcessError).operation.module).toBe("Supervisor");
      }
    }));

  test("start without a link, from outside any process", async () => {
    const runtime = createRuntime({ clock: "virtual", logger: { log() {} } });
    const sup = await Supervisor.start([], { strategy: "one_for_one", runtime });
    expect(runtime.isAlive(sup)).toBe(true);
    await Supervisor.stop(sup);
    expect(runtime.isAlive(sup)).toBe(false);
    await runtime.shutdown();
  });

  test("startLink outside process code rejects", async () => {
    await expect(Supervisor.startLink([], { strategy: "one_for_one" })).rejects.toThrow(
      /process code/,
    );
  });

  test("the parent's exit stops the supervisor, children first", () =>
    withRuntime(async () => {
      trapExit(true);
      const test = self();
      const a = worker("a", { trap: true });
      const parent = spawnLink(async () => {
        const sup = await Supervisor.startLink([a], { strategy: "one_for_one" });
        send(test, { sup });
        await receive(() => false);
      });
      await started("a");
      const { sup } = await assertReceive<{ sup: Pid }>(
        (m) => typeof m === "object" && m !== null && "sup" in m,
      );
      const ref = monitor(sup);
      exit(parent, "shutdown");
      expect(
        await assertReceive((m) => (m as { type?: string }).type === "stopping"),
      ).toMatchObject({ id: "a", reason: "shutdown" });
      expect((await assertReceive(downFor(ref))).reason).toBe("shutdown");
      expect(isAlive(sup)).toBe(false);
    }));
});

describe("ids that are not terms compare by identity (Elixir's module as id)", () => {
  const worker = () => ({ start: async () => spawnLink(() => receive()) });
  test("two different objects are two ids; the same object twice is a duplicate", () =>
    withRuntime(async () => {
      class Definition {
        readonly name = "same content";
      }
      const a = new Definition();
      const b = new Definition(); // equal content, another object: another id
      const sup = await Supervisor.startLink(
        [
          { id: a, ...worker() },
          { id: b, ...worker() },
        ],
        { strategy: "one_for_one" },
      );
      const ids = (await Supervisor.whichChildren(sup)).map((c) => c.id);
      expect(ids).toEqual([b, a]);
      expect(ids[0]).toBe(b);
      const dup = await Supervisor.startLink(
        [
          { id: a, ...worker() },
          { id: a, ...worker() },
        ],
        { strategy: "one_for_one" },
      ).catch((e: unknown) => e);
      expect(dup).toMatchObject({ reason: "duplicate_child_name" });
      await Supervisor.terminateChild(sup, a);
      const after = await Supervisor.whichChildren(sup);
      expect(after.find((c) => c.id === a)?.pid).toBeUndefined();
      await Supervisor.stop(sup);
    }));
});
