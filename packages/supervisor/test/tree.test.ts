// Supervision trees: nested supervisors, childSpec, autoShutdown, tree(), introspection.
// CONFORMANCE §3 items 28, 29, 31.
import {
  BadArgumentError,
  exit,
  exitFrom,
  type Pid,
  Sys,
  send,
  startSpecial,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, test } from "vitest";
import { events, isEvent, started, worker } from "./helpers.js";

describe("nested supervisors (item 28)", () => {
  test("a restarted child supervisor comes back with its init children only", () =>
    withRuntime(async () => {
      const root = await Supervisor.startLink(
        [Supervisor.childSpec([worker("a")], { strategy: "one_for_one", id: "sub" }), worker("b")],
        { strategy: "one_for_one" },
      );
      await events("started", 2);
      const sub = (await Supervisor.whichChildren(root)).find((k) => k.id === "sub")?.pid as Pid;
      await Supervisor.startChild(sub, worker("dynamic"));
      await started("dynamic");
      exit(sub, "kill");
      expect(await events("started", 1)).toEqual(["a"]);
      await refuteReceive(isEvent);
      const sub2 = (await Supervisor.whichChildren(root)).find((k) => k.id === "sub")?.pid as Pid;
      expect(sub2).not.toBe(sub);
      expect((await Supervisor.whichChildren(sub2)).map((k) => k.id)).toEqual(["a"]);
    }));

  test("a definition-based child supervisor runs init again at every restart", () =>
    withRuntime(async () => {
      let inits = 0;
      const Sub = Supervisor.define((n: number) => {
        inits++;
        return Supervisor.init([], { strategy: "one_for_one", maxRestarts: n });
      });
      const root = await Supervisor.startLink([Supervisor.childSpec(Sub, 7, { id: "sub" })], {
        strategy: "one_for_one",
      });
      const [sub] = await Supervisor.whichChildren(root);
      expect(((await Sys.getState(sub?.pid as Pid)) as { maxRestarts: number }).maxRestarts).toBe(
        7,
      );
      exit(sub?.pid as Pid, "kill");
      const [again] = await Supervisor.whichChildren(root);
      expect(again?.pid).not.toBe(sub?.pid);
      expect(inits).toBe(2);
    }));
});

describe("childSpec (item 31)", () => {
  test("a supervisor's spec: type supervisor, shutdown Infinity, permanent, id Supervisor", () => {
    const spec = Supervisor.childSpec([], { strategy: "one_for_one" });
    expect(spec).toMatchObject({
      id: "Supervisor",
      type: "supervisor",
      restart: "permanent",
      shutdown: Number.POSITIVE_INFINITY,
    });
    expect(spec).not.toHaveProperty("significant");
    const custom = Supervisor.childSpec(
      Supervisor.define(() => Supervisor.init([], { strategy: "one_for_all" })),
      undefined,
      {
        id: "x",
        restart: "transient",
        shutdown: 10_000,
        significant: true,
      },
    );
    expect(custom).toMatchObject({
      id: "x",
      restart: "transient",
      shutdown: 10_000,
      significant: true,
    });
  });

  test("two specs with the default id clash; spreading a spec overrides its fields", () =>
    withRuntime(async () => {
      const a = Supervisor.childSpec([], { strategy: "one_for_one" });
      const root = await Supervisor.startLink([a], { strategy: "one_for_one" });
      const [first] = await Supervisor.whichChildren(root);
      const err = await Supervisor.startChild(
        root,
        Supervisor.childSpec([], { strategy: "one_for_one" }),
      ).catch((e: unknown) => e);
      expect(err).toMatchObject({ pid: first?.pid, childId: "Supervisor" });
      expect(await Supervisor.startChild(root, { ...a, id: "second" })).toBeInstanceOf(Object);
    }));

  test("the name option is passed to the nested supervisor", () =>
    withRuntime(async () => {
      await Supervisor.startLink(
        [Supervisor.childSpec([], { strategy: "one_for_one", name: "nested" })],
        {
          strategy: "one_for_one",
        },
      );
      expect(await Supervisor.whichChildren("nested")).toEqual([]);
    }));

  test("childSpec checks its first argument", () => {
    expect(() => Supervisor.childSpec(42 as never, undefined)).toThrow(BadArgumentError);
  });
});

describe("autoShutdown (item 29)", () => {
  test("any_significant: a significant transient child exiting normally shuts the supervisor down", () =>
    withRuntime(async ({ logs }) => {
      trapExit(true);
      const sup = await Supervisor.startLink(
        [
          worker("other", { trap: true }),
          worker("main", { restart: "transient", significant: true }),
        ],
        { strategy: "one_for_one", autoShutdown: "any_significant" },
      );
      await started("other");
      send(await started("main"), { exit: "normal" });
      expect(await events("stopping", 1)).toEqual(["other"]);
      expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
      expect(logs.some((l) => l["report"] === "auto_shutdown")).toBe(true);
    }));

  test("any_significant: a significant transient child crashing is restarted instead", () =>
    withRuntime(async () => {
      trapExit(true);
      const sup = await Supervisor.startLink(
        [worker("main", { restart: "transient", significant: true })],
        { strategy: "one_for_one", autoShutdown: "any_significant" },
      );
      send(await started("main"), "crash");
      await started("main");
      await refuteReceive(exitFrom(sup));
    }));

  test("any_significant: a significant temporary child exiting for any reason shuts it down", () =>
    withRuntime(async () => {
      trapExit(true);
      const sup = await Supervisor.startLink(
        [worker("job", { restart: "temporary", significant: true })],
        { strategy: "one_for_one", autoShutdown: "any_significant" },
      );
      send(await started("job"), "crash");
      expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
    }));

  test("all_significant: only the exit of the last significant child shuts it down", () =>
    withRuntime(async () => {
      trapExit(true);
      const sup = await Supervisor.startLink(
        [
          worker("j1", { restart: "temporary", significant: true }),
          worker("j2", { restart: "transient", significant: true }),
          worker("other"),
        ],
        { strategy: "one_for_one", autoShutdown: "all_significant" },
      );
      const [j1, j2] = [await started("j1"), await started("j2"), await started("other")];
      send(j1 as Pid, { exit: "normal" });
      await refuteReceive(exitFrom(sup));
      send(j2 as Pid, { exit: { shutdown: "done" } });
      expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
    }));

  test("a non-significant child never triggers it", () =>
    withRuntime(async () => {
      trapExit(true);
      const sup = await Supervisor.startLink(
        [
          worker("sig", { restart: "transient", significant: true }),
          worker("t", { restart: "temporary" }),
        ],
        { strategy: "one_for_one", autoShutdown: "any_significant" },
      );
      await started("sig");
      send(await started("t"), { exit: "normal" });
      await refuteReceive(exitFrom(sup));
    }));

  test("terminateChild on a significant child does not trigger it", () =>
    withRuntime(async () => {
      trapExit(true);
      const sup = await Supervisor.startLink(
        [worker("sig", { restart: "transient", significant: true })],
        { strategy: "one_for_one", autoShutdown: "any_significant" },
      );
      await started("sig");
      await Supervisor.terminateChild(sup, "sig");
      await refuteReceive(exitFrom(sup));
      expect(await Supervisor.getChildSpec(sup, "sig")).toMatchObject({ significant: true });
    }));
});

describe("introspection", () => {
  test("tree shows the whole tree with restart counts", () =>
    withRuntime(async () => {
      const root = await Supervisor.startLink(
        [
          worker("top"),
          Supervisor.childSpec([worker("leaf1"), worker("leaf2")], {
            strategy: "one_for_all",
            id: "mid",
          }),
        ],
        { strategy: "one_for_one" },
      );
      await events("started", 3);
      const top = (await Supervisor.whichChildren(root)).find((k) => k.id === "top")?.pid as Pid;
      send(top, "crash");
      await started("top");
      const tree = await Supervisor.tree(root);
      expect(tree).toMatchObject([
        {
          id: "mid",
          type: "supervisor",
          restarts: 0,
          children: [
            { id: "leaf2", type: "worker", restarts: 0 },
            { id: "leaf1", type: "worker", restarts: 0 },
          ],
        },
        { id: "top", type: "worker", restarts: 1 },
      ]);
      expect(tree[1]).not.toHaveProperty("children");
    }));

  test("a supervisor-type child that does not answer is shown without children", () =>
    withRuntime(async () => {
      const silent: Supervisor.ChildSpec = {
        id: "silent",
        type: "supervisor",
        start: () =>
          startSpecial(() => ({ type: "ok", process: { handleMessage() {} } }), { link: true }),
      };
      const root = await Supervisor.startLink([silent], { strategy: "one_for_one" });
      const tree = await Supervisor.tree(root, { timeout: 50 });
      expect(tree).toHaveLength(1);
      expect(tree[0]).not.toHaveProperty("children");
    }));

  test("Sys state, process info and the parent of children", () =>
    withRuntime(async ({ runtime }) => {
      const sup = await Supervisor.startLink([worker("a")], {
        strategy: "rest_for_one",
        maxRestarts: 10,
        maxSeconds: 60,
      });
      const a = await started("a");
      expect(await Sys.getState(sup)).toMatchObject({
        strategy: "rest_for_one",
        maxRestarts: 10,
        maxSeconds: 60,
        autoShutdown: "never",
        children: [{ id: "a", pid: a }],
      });
      expect((await Sys.getStatus(sup)).behaviour).toBe("Supervisor");
      expect(runtime.processInfo(a)?.parent).toBe(sup);
    }));

  test("unexpected messages are reported, not fatal", () =>
    withRuntime(async ({ logs }) => {
      const sup = await Supervisor.startLink([], { strategy: "one_for_one" });
      send(sup, "hello");
      await Supervisor.countChildren(sup);
      expect(logs.find((l) => l.kind === "warning")?.message).toContain("unexpected message");
    }));
});
