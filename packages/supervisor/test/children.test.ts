// Managing children: startChild, terminateChild, restartChild, deleteChild, whichChildren,
// countChildren. CONFORMANCE §3 items 8, 9, 22-24.
import {
  AlreadyStartedError,
  BadArgumentError,
  downFor,
  isAlive,
  monitor,
  self,
  send,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, test } from "vitest";
import { custom, isEvent, started, worker } from "./helpers.js";

const isStarted = (m: unknown): boolean => isEvent(m) && m.type === "started";

describe("whichChildren and countChildren (items 8, 9)", () => {
  test("newest first, with pid, undefined for a kept stopped child, type and modules", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink(
        [
          worker("a", { modules: ["A"] }),
          custom("b", () => "ignore"),
          { ...Supervisor.childSpec([], { strategy: "one_for_one" }), id: "c" },
        ],
        { strategy: "one_for_one" },
      );
      const a = await started("a");
      const kids = await Supervisor.whichChildren(sup);
      expect(kids.map(({ id, type, modules }) => ({ id, type, modules }))).toEqual([
        { id: "c", type: "supervisor", modules: [] },
        { id: "b", type: "worker", modules: [] },
        { id: "a", type: "worker", modules: ["A"] },
      ]);
      expect(kids[1]?.pid).toBeUndefined();
      expect(kids[2]?.pid).toBe(a);
      expect(await Supervisor.countChildren(sup)).toEqual({
        specs: 3,
        active: 2,
        supervisors: 1,
        workers: 2,
      });
    }));
});

describe("startChild (items 22, 26)", () => {
  test("a new id: the child starts and its pid is returned", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([worker("a")], { strategy: "one_for_one" });
      await started("a");
      const b = await Supervisor.startChild(sup, worker("b"));
      expect(b).toBe(await started("b"));
      expect((await Supervisor.whichChildren(sup)).map((k) => k.id)).toEqual(["b", "a"]);
    }));

  test("the id of a running child: ChildAlreadyStartedError with its pid", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([worker("a")], { strategy: "one_for_one" });
      const a = await started("a");
      const err = await Supervisor.startChild(sup, worker("a")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Supervisor.ChildAlreadyStartedError);
      expect(err).toBeInstanceOf(AlreadyStartedError);
      expect(err).toMatchObject({ pid: a, childId: "a", code: "already_started" });
      expect((err as Error).message).toContain('"a"');
      await refuteReceive(isStarted);
    }));

  test("the id of a stopped child: already_present", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([worker("a")], { strategy: "one_for_one" });
      await started("a");
      await Supervisor.terminateChild(sup, "a");
      const err = await Supervisor.startChild(sup, worker("a")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Supervisor.ChildError);
      expect(err).toMatchObject({ reason: "already_present", childId: "a" });
    }));

  test("a start that ignores: resolves ignore, keeps the spec unless temporary", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([], { strategy: "one_for_one" });
      expect(
        await Supervisor.startChild(
          sup,
          custom("i", () => "ignore"),
        ),
      ).toBe("ignore");
      expect(
        await Supervisor.startChild(
          sup,
          custom("t", () => "ignore", { restart: "temporary" }),
        ),
      ).toBe("ignore");
      expect(await Supervisor.whichChildren(sup)).toMatchObject([{ id: "i", pid: undefined }]);
    }));

  test("a start that fails: StartChildError with the reason, and the spec is dropped", () =>
    withRuntime(async ({ logs }) => {
      const sup = await Supervisor.startLink([], { strategy: "one_for_one" });
      const boom = new Error("port in use");
      const err = await Supervisor.startChild(
        sup,
        custom("f", async () => {
          throw boom;
        }),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Supervisor.StartChildError);
      expect(err).toMatchObject({ childId: "f", reason: boom });
      expect((err as Error).cause).toBe(boom);
      expect((await Supervisor.countChildren(sup)).specs).toBe(0);
      expect(logs.find((l) => l["report"] === "start_error")).toMatchObject({ childId: "f" });
    }));

  test("a start that resolves with something else than a pid fails with a clear reason", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([], { strategy: "one_for_one" });
      const err = await Supervisor.startChild(
        sup,
        custom("x", () => ({ ok: 1 }) as never),
      ).catch((e: unknown) => e);
      expect((err as Supervisor.StartChildError).reason).toBeInstanceOf(BadArgumentError);
      expect((err as Error).message).toContain("pid");
    }));
});

describe("terminateChild, restartChild, deleteChild (items 23, 24)", () => {
  test("terminateChild stops the child and keeps its spec; again is fine; unknown ids and pids are not_found", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([worker("a")], { strategy: "one_for_one" });
      const a = await started("a");
      const ref = monitor(a);
      await Supervisor.terminateChild(sup, "a");
      expect((await assertReceive(downFor(ref))).reason).toBe("shutdown");
      await refuteReceive(isStarted);
      await Supervisor.terminateChild(sup, "a");
      expect(await Supervisor.whichChildren(sup)).toMatchObject([{ id: "a", pid: undefined }]);
      await expect(Supervisor.terminateChild(sup, "zz")).rejects.toMatchObject({
        reason: "not_found",
        childId: "zz",
      });
      const b = await Supervisor.startChild(sup, worker("b"));
      await expect(Supervisor.terminateChild(sup, b)).rejects.toMatchObject({
        reason: "not_found",
      });
      expect(isAlive(b as never)).toBe(true);
    }));

  test("terminateChild on a temporary child removes its spec", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([worker("t", { restart: "temporary" })], {
        strategy: "one_for_one",
      });
      await started("t");
      await Supervisor.terminateChild(sup, "t");
      expect(await Supervisor.whichChildren(sup)).toEqual([]);
    }));

  test("restartChild: a stopped child starts again; running or unknown ids are refused", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([worker("a")], { strategy: "one_for_one" });
      const a = await started("a");
      await expect(Supervisor.restartChild(sup, "a")).rejects.toMatchObject({ reason: "running" });
      await expect(Supervisor.restartChild(sup, "b")).rejects.toMatchObject({
        reason: "not_found",
      });
      await Supervisor.terminateChild(sup, "a");
      const a2 = await Supervisor.restartChild(sup, "a");
      expect(a2).toBe(await started("a"));
      expect(a2).not.toBe(a);
      expect((await Supervisor.whichChildren(sup))[0]?.pid).toBe(a2);
    }));

  test("restartChild whose start fails rejects and leaves the child stopped", () =>
    withRuntime(async () => {
      let fail = false;
      const w = worker("a");
      const sup = await Supervisor.startLink(
        [
          {
            ...w,
            start: async () => {
              if (fail) throw new Error("nope");
              return w.start();
            },
          },
        ],
        { strategy: "one_for_one" },
      );
      await started("a");
      await Supervisor.terminateChild(sup, "a");
      fail = true;
      await expect(Supervisor.restartChild(sup, "a")).rejects.toBeInstanceOf(
        Supervisor.StartChildError,
      );
      expect(await Supervisor.whichChildren(sup)).toMatchObject([{ id: "a", pid: undefined }]);
    }));

  test("deleteChild: running refused, stopped removed, unknown not_found", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([worker("a")], { strategy: "one_for_one" });
      await started("a");
      const err = await Supervisor.deleteChild(sup, "a").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Supervisor.ChildError);
      expect(err).toMatchObject({ reason: "running" });
      expect((err as Error).message).toContain("terminateChild");
      await Supervisor.terminateChild(sup, "a");
      await Supervisor.deleteChild(sup, "a");
      expect(await Supervisor.whichChildren(sup)).toEqual([]);
      await expect(Supervisor.deleteChild(sup, "a")).rejects.toMatchObject({ reason: "not_found" });
      // the id is free again
      await Supervisor.startChild(sup, worker("a"));
      await started("a");
    }));

  test("ids that are not terms are simply not found", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([], { strategy: "one_for_one" });
      await expect(Supervisor.terminateChild(sup, () => 1)).rejects.toMatchObject({
        reason: "not_found",
      });
      void self;
      void send;
    }));
});
