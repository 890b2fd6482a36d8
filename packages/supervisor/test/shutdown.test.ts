// Shutdown: order, timeouts, brutal_kill, Infinity, children that exit on their own, exit reasons.
// CONFORMANCE §3 items 10-12.
import {
  CallTimeoutError,
  downFor,
  exit,
  isDown,
  monitor,
  type Pid,
  sendAfter,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, test } from "vitest";
import { type Event, events, isEvent, started, worker } from "./helpers.js";

const stopping = (m: unknown): m is Event => isEvent(m) && m.type === "stopping";

describe("shutdown (item 10)", () => {
  test("children stop one at a time, newest first; the total time is the sum of the waits", () =>
    withRuntime(async ({ clock }) => {
      const sup = await Supervisor.startLink(
        ["a", "b", "c"].map((id) => worker(id, { trap: true, stopAfter: 200 })),
        { strategy: "one_for_one" },
      );
      await events("started", 3);
      const t0 = clock.now();
      const ref = monitor(sup);
      const times: [unknown, number][] = [];
      const stopped = Supervisor.stop(sup);
      for (let i = 0; i < 3; i++) {
        const e = await assertReceive<Event>(stopping, { timeout: 1000 });
        times.push([e.id, clock.now() - t0]);
      }
      await stopped;
      expect(times).toEqual([
        ["c", 0],
        ["b", 200],
        ["a", 400],
      ]);
      expect(clock.now() - t0).toBe(600);
      expect((await assertReceive(downFor(ref))).reason).toBe("normal");
    }));

  test("a child that does not stop within its shutdown time is killed", () =>
    withRuntime(async ({ clock, logs }) => {
      const sup = await Supervisor.startLink(
        [worker("slow", { trap: true, stopAfter: Number.POSITIVE_INFINITY, shutdown: 1000 })],
        { strategy: "one_for_one" },
      );
      const ref = monitor(await started("slow"));
      const t0 = clock.now();
      await Supervisor.stop(sup);
      expect(clock.now() - t0).toBe(1000);
      expect((await assertReceive(downFor(ref))).reason).toBe("killed");
      expect(logs.find((l) => l["report"] === "shutdown_error")).toMatchObject({
        kind: "error",
        childId: "slow",
        reason: "killed",
      });
    }));

  test("brutal_kill kills at once, even a child that traps exits", () =>
    withRuntime(async ({ clock, logs }) => {
      const sup = await Supervisor.startLink(
        [worker("b", { trap: true, shutdown: "brutal_kill" })],
        { strategy: "one_for_one" },
      );
      const ref = monitor(await started("b"));
      const t0 = clock.now();
      await Supervisor.stop(sup);
      expect(clock.now()).toBe(t0);
      expect((await assertReceive(downFor(ref))).reason).toBe("killed");
      await refuteReceive(stopping, { timeout: 0 });
      expect(logs.filter((l) => l["report"] === "shutdown_error")).toEqual([]);
    }));

  test("Infinity waits as long as the child takes", () =>
    withRuntime(async ({ clock }) => {
      const sup = await Supervisor.startLink(
        [worker("s", { trap: true, stopAfter: 3_600_000, shutdown: Number.POSITIVE_INFINITY })],
        { strategy: "one_for_one" },
      );
      const ref = monitor(await started("s"));
      const t0 = clock.now();
      await Supervisor.stop(sup);
      expect(clock.now() - t0).toBe(3_600_000);
      expect((await assertReceive(downFor(ref))).reason).toBe("shutdown");
    }));

  test("a child that does not trap exits stops at once with shutdown", () =>
    withRuntime(async ({ clock }) => {
      const sup = await Supervisor.startLink([worker("w")], { strategy: "one_for_one" });
      const ref = monitor(await started("w"));
      await Supervisor.stop(sup);
      expect(clock.now()).toBe(0);
      expect((await assertReceive(downFor(ref))).reason).toBe("shutdown");
    }));

  test("supervisor children get Infinity by default and stop their own children first", () =>
    withRuntime(async () => {
      const inner = Supervisor.childSpec([worker("leaf", { trap: true, stopAfter: 10_000 })], {
        strategy: "one_for_one",
        id: "inner",
      });
      const sup = await Supervisor.startLink([inner, worker("after", { trap: true })], {
        strategy: "one_for_one",
      });
      await events("started", 2);
      await Supervisor.stop(sup);
      expect(await events("stopping", 2)).toEqual(["after", "leaf"]);
    }));
});

describe("children that exit on their own during shutdown (item 11)", () => {
  test("a child that dies while another is being stopped does not hang the shutdown", () =>
    withRuntime(async ({ clock, logs }) => {
      const sup = await Supervisor.startLink(
        [worker("a"), worker("b"), worker("c", { trap: true, stopAfter: 500 })],
        { strategy: "one_for_one" },
      );
      const [a, b] = [await started("a"), await started("b"), await started("c")];
      const refs = [monitor(a as Pid), monitor(b as Pid)];
      sendAfter(b as Pid, { exit: "boom" }, 100);
      const t0 = clock.now();
      await Supervisor.stop(sup);
      expect(clock.now() - t0).toBe(500);
      expect((await assertReceive(downFor(refs[1] as never))).reason).toBe("boom");
      expect((await assertReceive(downFor(refs[0] as never))).reason).toBe("shutdown");
      // b was not restarted, and its own reason is reported
      await refuteReceive((m) => isEvent(m) && m.type === "started");
      expect(logs.find((l) => l["report"] === "shutdown_error")).toMatchObject({
        childId: "b",
        reason: "boom",
      });
    }));

  test("a trapping child may exit with its own reason when asked to stop", () =>
    withRuntime(async ({ logs }) => {
      const sup = await Supervisor.startLink(
        [
          worker("t", { trap: true, exitWith: { shutdown: "oops" }, restart: "transient" }),
          worker("p", { trap: true, exitWith: "normal" }),
        ],
        { strategy: "one_for_one" },
      );
      const refs = [monitor(await started("t")), monitor(await started("p"))];
      await Supervisor.stop(sup);
      expect((await assertReceive(downFor(refs[1] as never))).reason).toBe("normal");
      expect((await assertReceive(downFor(refs[0] as never))).reason).toEqual({ shutdown: "oops" });
      // fine for a transient child; unexpected for a permanent one
      const errors = logs.filter((l) => l["report"] === "shutdown_error");
      expect(errors.map((l) => [l["childId"], l.reason])).toEqual([["p", "normal"]]);
    }));
});

describe("exit reasons of the supervisor (item 12)", () => {
  test("stop exits normal by default, or with the given reason", () =>
    withRuntime(async () => {
      trapExit(true);
      for (const reason of [undefined, { shutdown: "maintenance" }, "shutdown"]) {
        const sup = await Supervisor.startLink([worker("w")], { strategy: "one_for_one" });
        await started("w");
        const ref = monitor(sup);
        await (reason === undefined ? Supervisor.stop(sup) : Supervisor.stop(sup, reason));
        expect((await assertReceive(downFor(ref))).reason).toEqual(reason ?? "normal");
      }
    }));

  test("stop gives up after its timeout; the supervisor goes on stopping", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([worker("w", { trap: true, stopAfter: 1000 })], {
        strategy: "one_for_one",
      });
      await started("w");
      const ref = monitor(sup);
      await expect(Supervisor.stop(sup, "normal", 100)).rejects.toBeInstanceOf(CallTimeoutError);
      expect((await assertReceive(downFor(ref), { timeout: 2000 })).reason).toBe("normal");
    }));

  test("the parent's shutdown: children terminated first, then the supervisor exits shutdown", () =>
    withRuntime(async () => {
      trapExit(true);
      const sup = await Supervisor.startLink([worker("a", { trap: true, stopAfter: 50 })], {
        strategy: "one_for_one",
      });
      await started("a");
      const ref = monitor(sup);
      exit(sup, "shutdown");
      expect(await events("stopping", 1)).toEqual(["a"]);
      const down = await assertReceive(isDown);
      expect([down.ref, down.reason]).toEqual([ref, "shutdown"]);
      // a supervisor never restarts children during its shutdown
      await refuteReceive(isEvent);
    }));
});
