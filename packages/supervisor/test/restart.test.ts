// Restarts: restart types, strategies, intensity, failed restarts.
// CONFORMANCE §3 items 13-21, 27.
import {
  exit,
  exitFrom,
  type Pid,
  receive,
  self,
  send,
  sleep,
  spawn,
  TIMEOUT,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, test } from "vitest";
import { type Event, events, isEvent, started, type WorkerOptions, worker } from "./helpers.js";

/** A spec whose start counts its calls and fails while `failing()` says so. */
function flaky(id: string, failing: () => boolean, options: WorkerOptions = {}) {
  const w = worker(id, options);
  const test = self();
  const counter = { calls: 0 };
  const spec: Supervisor.ChildSpec = {
    ...w,
    start: async () => {
      counter.calls++;
      if (failing()) {
        send(test, { type: "failed", id });
        throw new Error(`${id} cannot start`);
      }
      return w.start();
    },
  };
  return { spec, counter };
}

const isStarted = (m: unknown): boolean => isEvent(m) && m.type === "started";
const failed = (id: string) => (m: unknown) =>
  (m as { type?: string; id?: string })?.type === "failed" && (m as { id?: string }).id === id;

describe("restart types (items 13, 14)", () => {
  const reasons: [string, unknown][] = [
    ["normal", "normal"],
    ["shutdown", "shutdown"],
    ["{ shutdown: term }", { shutdown: "done" }],
    ["an abnormal reason", "boom"],
  ];
  const expected: Record<Supervisor.ChildSpec["restart"] & string, boolean[]> = {
    permanent: [true, true, true, true],
    transient: [false, false, false, true],
    temporary: [false, false, false, false],
  };
  for (const restart of ["permanent", "transient", "temporary"] as const) {
    reasons.forEach(([label, reason], i) => {
      const restarted = expected[restart][i] as boolean;
      test(`a ${restart} child exiting with ${label} is ${restarted ? "" : "not "}restarted`, () =>
        withRuntime(async () => {
          const sup = await Supervisor.startLink([worker("c", { restart }), worker("other")], {
            strategy: "one_for_one",
          });
          const c = await started("c");
          await started("other");
          send(c, { exit: reason });
          if (restarted) {
            expect(await started("c")).not.toBe(c);
          } else {
            await refuteReceive(isStarted);
          }
          const kids = await Supervisor.whichChildren(sup);
          const entry = kids.find((k) => k.id === "c");
          if (restart === "temporary") expect(entry).toBeUndefined();
          else if (restarted) expect(entry?.pid).not.toBe(c);
          else expect(entry?.pid).toBeUndefined();
        }));
    });
  }

  test("a transient child that exited normally can be restarted; a temporary one is gone (item 14)", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink(
        [worker("tr", { restart: "transient" }), worker("tmp", { restart: "temporary" })],
        { strategy: "one_for_one" },
      );
      const tr = await started("tr");
      const tmp = await started("tmp");
      send(tr, { exit: "normal" });
      send(tmp, { exit: "normal" });
      await refuteReceive(isStarted);
      expect(await Supervisor.countChildren(sup)).toEqual({
        specs: 1,
        active: 0,
        supervisors: 0,
        workers: 1,
      });
      const again = await Supervisor.restartChild(sup, "tr");
      expect(again).toBe(await started("tr"));
      const err = await Supervisor.restartChild(sup, "tmp").catch((e: unknown) => e);
      expect(err).toMatchObject({ reason: "not_found" });
    }));

  test("restarts are reported: child_terminated with the reason, then progress", () =>
    withRuntime(async ({ logs }) => {
      const sup = await Supervisor.startLink([worker("c")], {
        strategy: "one_for_one",
        name: "sup",
      });
      const c = await started("c");
      send(c, "crash");
      const c2 = await started("c");
      const terminated = logs.find((l) => l["report"] === "child_terminated");
      expect(terminated).toMatchObject({
        kind: "error",
        pid: sup,
        name: "sup",
        childId: "c",
        childPid: c,
      });
      expect(terminated?.reason).toBeInstanceOf(Error);
      expect(terminated?.message).toContain('child "c"');
      expect(terminated?.message).toContain("c crashed");
      const progress = logs.filter((l) => l["report"] === "progress");
      expect(progress.map((l) => l["childPid"])).toEqual([c, c2]);
      expect(progress[1]?.kind).toBe("info");
      // the message is written when read (a getter), the same text each time and in copies
      expect(progress[1]?.message).toBe(`Supervisor sup (${sup}): started child "c" as ${c2}`);
      expect({ ...progress[1] }.message).toBe(progress[1]?.message);
      expect(JSON.parse(JSON.stringify({ message: terminated?.message })).message).toBe(
        terminated?.message,
      );
      expect(progress[1]?.domain).toEqual(["otp", "sasl"]);
      expect(terminated?.behaviour).toBe("Supervisor");
    }));
});

describe("strategies (items 15-18, 26)", () => {
  test("one_for_one restarts only the child that exited", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([worker("a"), worker("b"), worker("c")], {
        strategy: "one_for_one",
      });
      const [a, b, c] = [await started("a"), await started("b"), await started("c")];
      send(b, "crash");
      const b2 = await started("b");
      await refuteReceive(isEvent);
      const kids = await Supervisor.whichChildren(sup);
      expect(kids.map((k) => k.pid)).toEqual([c, b2, a]);
      expect(kids.map((k) => k.restarts)).toEqual([0, 1, 0]);
    }));

  test("one_for_all stops the others newest first with shutdown, then starts all in start order", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink(
        ["a", "b", "c"].map((id) => worker(id, { trap: true })),
        { strategy: "one_for_all" },
      );
      const [, b] = [await started("a"), await started("b"), await started("c")];
      send(b as Pid, "crash");
      const stops: Event[] = [];
      for (let i = 0; i < 2; i++)
        stops.push(await assertReceive<Event>((m) => isEvent(m) && m.type === "stopping"));
      expect(stops.map((e) => [e.id, e.type === "stopping" ? e.reason : undefined])).toEqual([
        ["c", "shutdown"],
        ["a", "shutdown"],
      ]);
      expect(await events("started", 3)).toEqual(["a", "b", "c"]);
      await refuteReceive(isEvent);
      expect((await Supervisor.whichChildren(sup)).map((k) => k.restarts)).toEqual([1, 1, 1]);
    }));

  test("rest_for_one stops the later children newest first, then restarts from the crashed one", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink(
        ["a", "b", "c", "d"].map((id) => worker(id, { trap: true })),
        { strategy: "rest_for_one" },
      );
      const [a, b] = [
        await started("a"),
        await started("b"),
        await started("c"),
        await started("d"),
      ];
      send(b as Pid, "crash");
      expect(await events("stopping", 2)).toEqual(["d", "c"]);
      expect(await events("started", 3)).toEqual(["b", "c", "d"]);
      await refuteReceive(isEvent);
      expect((await Supervisor.whichChildren(sup)).at(-1)?.pid).toBe(a);
    }));

  test("rest_for_one on the last child restarts only it", () =>
    withRuntime(async () => {
      await Supervisor.startLink(
        ["a", "b"].map((id) => worker(id, { trap: true })),
        {
          strategy: "rest_for_one",
        },
      );
      const [, b] = [await started("a"), await started("b")];
      send(b as Pid, "crash");
      expect(await events("started", 1)).toEqual(["b"]);
      await refuteReceive(isEvent);
    }));

  test("temporary bystanders are stopped and dropped, not restarted (item 18)", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink(
        [
          worker("a", { trap: true, restart: "temporary" }),
          worker("b"),
          worker("c", { restart: "temporary" }),
        ],
        { strategy: "one_for_all" },
      );
      const [, b] = [await started("a"), await started("b"), await started("c")];
      send(b as Pid, "crash");
      expect(await events("stopping", 1)).toEqual(["a"]);
      expect(await events("started", 1)).toEqual(["b"]);
      await refuteReceive(isEvent);
      expect((await Supervisor.whichChildren(sup)).map((k) => k.id)).toEqual(["b"]);
    }));

  test("a transient bystander that had stopped normally is started again by one_for_all", () =>
    withRuntime(async () => {
      await Supervisor.startLink([worker("t", { restart: "transient" }), worker("p")], {
        strategy: "one_for_all",
      });
      const t = await started("t");
      const p = await started("p");
      send(t, { exit: "normal" });
      await refuteReceive(isStarted);
      send(p, "crash");
      expect(await events("started", 2)).toEqual(["t", "p"]);
    }));

  test("startChild appends: later children are the rest in rest_for_one and stop first (item 26)", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([worker("a", { trap: true })], {
        strategy: "rest_for_one",
      });
      const a = await started("a");
      await Supervisor.startChild(sup, worker("b", { trap: true }));
      await started("b");
      send(a, "crash");
      expect(await events("stopping", 1)).toEqual(["b"]);
      expect(await events("started", 2)).toEqual(["a", "b"]);
      await Supervisor.stop(sup);
      expect(await events("stopping", 2)).toEqual(["b", "a"]);
    }));

  test("a group restart counts once: three children restarted together with maxRestarts 1", () =>
    withRuntime(async () => {
      trapExit(true);
      const sup = await Supervisor.startLink(
        ["a", "b", "c"].map((id) => worker(id)),
        {
          strategy: "one_for_all",
          maxRestarts: 1,
        },
      );
      const a = (await events("started", 3)) && (await Supervisor.whichChildren(sup)).at(-1)?.pid;
      send(a as Pid, "crash");
      expect(await events("started", 3)).toEqual(["a", "b", "c"]);
      await refuteReceive(exitFrom(sup));
      const a2 = (await Supervisor.whichChildren(sup)).at(-1)?.pid;
      send(a2 as Pid, "crash");
      expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
    }));
});

describe("restart intensity (item 19)", () => {
  test("with maxRestarts 2 the third crash stops the supervisor with shutdown, children first", () =>
    withRuntime(async ({ logs }) => {
      trapExit(true);
      const sup = await Supervisor.startLink([worker("a"), worker("b", { trap: true })], {
        strategy: "one_for_one",
        maxRestarts: 2,
      });
      let a = await started("a");
      await started("b");
      for (let i = 0; i < 2; i++) {
        send(a, "crash");
        a = await started("a");
      }
      send(a, "crash");
      expect(await events("stopping", 1)).toEqual(["b"]);
      expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
      await refuteReceive(isStarted);
      expect(logs.find((l) => l["report"] === "shutdown")).toMatchObject({
        kind: "error",
        childId: "a",
        reason: "reached_max_restart_intensity",
      });
      // a supervisor exiting "shutdown" is not a crash
      expect(logs.filter((l) => l.kind === "crash" && l.pid === sup)).toEqual([]);
    }));

  test("with maxRestarts 0 the first crash stops the supervisor", () =>
    withRuntime(async () => {
      trapExit(true);
      const sup = await Supervisor.startLink([worker("a")], {
        strategy: "one_for_one",
        maxRestarts: 0,
      });
      send(await started("a"), "crash");
      expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
      await refuteReceive(isStarted);
    }));

  test("restarts spaced further apart than maxSeconds never add up", () =>
    withRuntime(async ({ clock }) => {
      trapExit(true);
      const sup = await Supervisor.startLink([worker("a")], {
        strategy: "one_for_one",
        maxRestarts: 1,
        maxSeconds: 5,
      });
      let a = await started("a");
      for (let i = 0; i < 5; i++) {
        send(a, "crash");
        a = await started("a");
        await sleep(5001);
      }
      expect(clock.now()).toBeGreaterThanOrEqual(25_005);
      await refuteReceive(exitFrom(sup));
      send(a, "crash");
      a = await started("a");
      send(a, "crash"); // two within 5 s
      expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
    }));

  test("only restarts count: exits that are not restarted do not", () =>
    withRuntime(async () => {
      trapExit(true);
      const sup = await Supervisor.startLink(
        [
          worker("t", { restart: "transient" }),
          worker("tmp", { restart: "temporary" }),
          worker("p"),
        ],
        { strategy: "one_for_one", maxRestarts: 1 },
      );
      const [t, tmp, p] = [await started("t"), await started("tmp"), await started("p")];
      send(t, { exit: "normal" });
      send(tmp, "crash");
      send(p, "crash");
      await started("p");
      await refuteReceive(exitFrom(sup));
    }));
});

describe("failed restarts (items 20, 21, 27)", () => {
  test("a failing restart is retried and every attempt counts: with maxRestarts 3 the start runs 1 + 3 times", () =>
    withRuntime(async ({ logs }) => {
      trapExit(true);
      let fail = false;
      const { spec, counter } = flaky("f", () => fail);
      const sup = await Supervisor.startLink([spec], { strategy: "one_for_one" });
      const f = await started("f");
      fail = true;
      send(f, "crash");
      expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
      // as on OTP 25: the first start, then 3 restarts within the intensity (the 4th is refused)
      expect(counter.calls).toBe(4);
      expect(logs.filter((l) => l["report"] === "start_error")).toHaveLength(3);
    }));

  test("a child whose restart fails is restarting until a retry succeeds", () =>
    withRuntime(async () => {
      let fail = false;
      const { spec, counter } = flaky("f", () => fail);
      const sup = await Supervisor.startLink([spec, worker("g")], {
        strategy: "one_for_one",
        maxRestarts: 1_000_000,
      });
      const f = await started("f");
      await started("g");
      fail = true;
      send(f, "crash");
      await assertReceive(failed("f"));
      let info = await Supervisor.whichChildren(sup);
      expect(info.find((k) => k.id === "f")?.pid).toBe("restarting");
      expect(await Supervisor.countChildren(sup)).toEqual({
        specs: 2,
        active: 1,
        supervisors: 0,
        workers: 2,
      });
      fail = false;
      const f2 = await started("f");
      info = await Supervisor.whichChildren(sup);
      expect(info.find((k) => k.id === "f")?.pid).toBe(f2);
      expect(counter.calls).toBeGreaterThan(2);
    }));

  test("while a child is restarting: restartChild and deleteChild refuse, startChild finds it present, terminateChild stops the retries (item 21)", () =>
    withRuntime(async () => {
      let fail = false;
      const { spec, counter } = flaky("f", () => fail);
      const sup = await Supervisor.startLink([spec], {
        strategy: "one_for_one",
        maxRestarts: 1_000_000,
      });
      const f = await started("f");
      fail = true;
      send(f, "crash");
      await assertReceive(failed("f"));
      expect((await Supervisor.whichChildren(sup))[0]?.pid).toBe("restarting");
      await expect(Supervisor.restartChild(sup, "f")).rejects.toMatchObject({
        reason: "restarting",
      });
      await expect(Supervisor.deleteChild(sup, "f")).rejects.toMatchObject({
        reason: "restarting",
      });
      await expect(Supervisor.startChild(sup, spec)).rejects.toMatchObject({
        reason: "already_present",
      });
      await Supervisor.terminateChild(sup, "f");
      const calls = counter.calls;
      fail = false;
      await refuteReceive(isStarted);
      while ((await receive(failed("f"), { timeout: 0 })) !== TIMEOUT) {
        // drain the reports of the attempts made before terminateChild
      }
      expect(counter.calls).toBe(calls);
      expect((await Supervisor.whichChildren(sup))[0]?.pid).toBeUndefined();
      await Supervisor.restartChild(sup, "f");
      await started("f");
    }));

  test("a group restart that fails part-way leaves the failed child restarting and retries the group", () =>
    withRuntime(async () => {
      let fail = false;
      const { spec } = flaky("b", () => fail);
      const sup = await Supervisor.startLink([worker("a"), spec, worker("c")], {
        strategy: "one_for_all",
        maxRestarts: 1_000_000,
      });
      const a = await started("a");
      await started("b");
      await started("c");
      fail = true;
      send(a, "crash");
      expect(await events("started", 1)).toEqual(["a"]);
      const info = await Supervisor.whichChildren(sup);
      expect(
        info.map((k) => [
          k.id,
          typeof k.pid === "string" ? k.pid : k.pid === undefined ? "-" : "pid",
        ]),
      ).toEqual([
        ["c", "-"],
        ["b", "restarting"],
        ["a", expect.any(String)],
      ]);
      fail = false;
      // the retry restarts the whole group again
      const order: unknown[] = [];
      for (;;) {
        const m = await assertReceive<Event>(isStarted);
        order.push(m.id);
        if (m.id === "c") break;
      }
      expect(order.slice(-3)).toEqual(["a", "b", "c"]);
    }));

  test("a restart whose start function ignores leaves the child stopped (item 27)", () =>
    withRuntime(async () => {
      let ignore = false;
      const w = worker("i");
      const sup = await Supervisor.startLink(
        [{ ...w, start: async () => (ignore ? "ignore" : w.start()) }],
        { strategy: "one_for_one" },
      );
      const i = await started("i");
      ignore = true;
      send(i, "crash");
      await refuteReceive(isStarted);
      expect(await Supervisor.whichChildren(sup)).toMatchObject([{ id: "i", pid: undefined }]);
      ignore = false;
      await Supervisor.restartChild(sup, "i");
      await started("i");
    }));

  test("an exit from an unknown process is ignored", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([worker("a")], { strategy: "one_for_one" });
      await started("a");
      spawn(async () => {
        exit(sup, "boom");
      });
      await refuteReceive(isEvent);
      expect((await Supervisor.countChildren(sup)).active).toBe(1);
    }));
});
