// Registering and reading: CONFORMANCE §9 items 3-13, 15 and 17.
import { BadArgumentError, currentRuntime, type Pid, Sys, self, send } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Ets from "@trellis/ets-table";
import * as Registry from "@trellis/registry";
import { describe, expect, it } from "vitest";
import { holder, partitions, settle } from "./support.js";

const links = (pid: Pid): readonly Pid[] => currentRuntime().processInfo(pid)?.links ?? [];

describe("register (items 3 and 4)", () => {
  it("returns the partition as owner and links the caller to it; unregister unlinks", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "unique", partitions: 1 });
      const [partition] = await partitions(reg.pid);
      const result = Registry.register(reg, "a", 1);
      expect(result).toEqual({ type: "ok", owner: partition });
      expect(links(self())).toContain(partition);
      Registry.register(reg, "b", 2);
      Registry.unregister(reg, "a");
      expect(links(self())).toContain(partition); // "b" is still held there
      Registry.unregister(reg, "b");
      expect(links(self())).not.toContain(partition);
    }));

  it("a unique key held by anyone, the caller too, is already_registered with the holder", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink<string, number>({ keys: "unique", name: "u" });
      expect(Registry.register(reg, "k", 1).type).toBe("ok");
      expect(Registry.register(reg, "k", 2)).toEqual({ type: "already_registered", pid: self() });
      const test = self();
      const other = holder(() => {
        expect(Registry.register("u", "k", 3)).toEqual({ type: "already_registered", pid: test });
      });
      await settle();
      expect(Registry.lookup(reg, "k")).toEqual([[self(), 1]]);
      expect(Registry.count(reg)).toBe(1);
      expect(Registry.keys(reg, other)).toEqual([]);
      send(other, "stop");
    }));

  it("a failed register adds no rows and does not link", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "unique", partitions: 4 });
      const parts = await partitions(reg.pid);
      const done = holder(() => void Registry.register(reg, "k", 0));
      await settle();
      let linked: readonly Pid[] = [];
      const loser = holder(() => {
        expect(Registry.register(reg, "k", 1).type).toBe("already_registered");
        linked = links(self());
      });
      await settle();
      expect(linked.filter((p) => parts.includes(p))).toEqual([]);
      expect(Registry.count(reg)).toBe(1);
      expect(Registry.keys(reg, loser)).toEqual([]);
      send(done, "stop");
      send(loser, "stop");
    }));

  it("a duplicate registry accepts repeats, also from one process (item 6)", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "duplicate" });
      expect(Registry.register(reg, "hello", 1).type).toBe("ok");
      expect(Registry.register(reg, "hello", 2).type).toBe("ok");
      expect(Registry.keys(reg, self())).toEqual(["hello", "hello"]);
      expect(Registry.values(reg, "hello", self()).sort()).toEqual([1, 2]);
      expect(Registry.lookup(reg, "hello")).toHaveLength(2);
    }));

  it("rejects keys and values that are not terms", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "unique" });
      expect(() => Registry.register(reg, (() => 1) as unknown as string, 1)).toThrow(
        BadArgumentError,
      );
      expect(() => Registry.register(reg, "k", new Map() as unknown as number)).toThrow(
        /must be terms/,
      );
      expect(Registry.count(reg)).toBe(0);
    }));
});

describe("keys compare with strict term equality (item 5)", () => {
  for (const keys of ["unique", "duplicate"] as const) {
    it(`1 and 1n are two keys; equal arrays and objects are one (${keys})`, () =>
      withRuntime(async () => {
        const reg = await Registry.startLink({ keys });
        Registry.register(reg, 1, "number");
        Registry.register(reg, 1n, "bigint");
        expect(Registry.lookup(reg, 1)).toEqual([[self(), "number"]]);
        expect(Registry.lookup(reg, 1n)).toEqual([[self(), "bigint"]]);
        // JavaScript has one number type: 1.0 is the number 1.
        expect(Registry.lookup(reg, 1.0)).toEqual([[self(), "number"]]);
        Registry.register(reg, ["a", { b: 1 }], "tuple");
        expect(Registry.lookup(reg, ["a", { b: 1 }])).toEqual([[self(), "tuple"]]);
        expect(Registry.lookup(reg, ["a", { b: 1, c: 2 }])).toEqual([]);
        expect(Registry.lookup(reg, ["a", {}])).toEqual([]);
      }));
  }
});

describe("empty reads (item 7) and lookup (item 8)", () => {
  it("keys/values of a process with no entries, count, select and lookup of nothing", () =>
    withRuntime(async () => {
      for (const keys of ["unique", "duplicate"] as const) {
        const reg = await Registry.startLink({ keys, partitions: 3 });
        expect(Registry.keys(reg, self())).toEqual([]);
        expect(Registry.values(reg, "k", self())).toEqual([]);
        expect(Registry.count(reg)).toBe(0);
        expect(Registry.select(reg, [[[Ets._, Ets._, Ets._], [], [Ets.$_]]])).toEqual([]);
        expect(Registry.lookup(reg, "k")).toEqual([]);
      }
    }));

  it("lookup finds the entries of every process across partitions", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink<string, number>({ keys: "duplicate", partitions: 4 });
      const pids = [0, 1, 2, 3, 4, 5].map((i) => holder(() => void Registry.register(reg, "t", i)));
      await settle();
      const found = Registry.lookup(reg, "t");
      expect(found.map(([, v]) => v).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(new Set(found.map(([p]) => p))).toEqual(new Set(pids));
      for (const p of pids) send(p, "stop");
    }));

  it("reads go to the tables directly: they work while every partition is suspended", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "unique", partitions: 2, meta: { m: 1 } });
      Registry.register(reg, "k", 1);
      const parts = await partitions(reg.pid);
      for (const p of parts) await Sys.suspend(p);
      expect(Registry.lookup(reg, "k")).toEqual([[self(), 1]]);
      expect(Registry.keys(reg, self())).toEqual(["k"]);
      expect(Registry.match(reg, "k", Ets._)).toHaveLength(1);
      expect(Registry.count(reg)).toBe(1);
      expect(Registry.select(reg, [[[Ets.$1, Ets._, Ets._], [], [Ets.$1]]])).toEqual(["k"]);
      expect(Registry.meta(reg, "m")).toEqual({ type: "ok", value: 1 });
      // register and unregister do not need the partition either
      Registry.register(reg, "k2", 2);
      Registry.unregister(reg, "k2");
      for (const p of parts) await Sys.resume(p);
    }));
});

describe("unregister (item 10)", () => {
  it("always succeeds and removes all of the caller's entries under the key only", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink<string, number>({ keys: "duplicate", partitions: 2 });
      Registry.unregister(reg, "none");
      Registry.register(reg, "k", 1);
      Registry.register(reg, "k", 2);
      Registry.register(reg, "other", 3);
      const p = holder(() => void Registry.register(reg, "k", 9));
      await settle();
      Registry.unregister(reg, "k");
      expect(Registry.lookup(reg, "k")).toEqual([[p, 9]]);
      expect(Registry.keys(reg, self())).toEqual(["other"]);
      send(p, "stop");
    }));

  it("in a unique registry, does not remove another process's key", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "unique" });
      const p = holder(() => void Registry.register(reg, "k", 1));
      await settle();
      Registry.unregister(reg, "k");
      expect(Registry.lookup(reg, "k")).toEqual([[p, 1]]);
      send(p, "stop");
    }));
});

describe("match (item 11) and unregisterMatch (item 12)", () => {
  it("supports patterns, guards and partial objects; 1n does not match 1", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "duplicate" });
      Registry.register(reg, "k", { kind: "a", n: 1 });
      Registry.register(reg, "k", { kind: "b", n: 2 });
      Registry.register(reg, "k", ["x", 1n]);
      const values = (es: Registry.Entry<Ets.AnyPattern>[]): unknown[] => es.map(([, v]) => v);
      expect(values(Registry.match(reg, "k", { kind: "a" }))).toEqual([{ kind: "a", n: 1 }]);
      expect(values(Registry.match(reg, "k", { n: Ets.$1 }, [Ets.expr(">", Ets.$1, 1)]))).toEqual([
        { kind: "b", n: 2 },
      ]);
      expect(values(Registry.match(reg, "k", ["x", Ets._]))).toEqual([["x", 1n]]);
      expect(Registry.match(reg, "k", ["x", 1])).toEqual([]);
      expect(Registry.match(reg, "k", Ets._)).toHaveLength(3);
      expect(Registry.match(reg, "missing", Ets._)).toEqual([]);
      expect(Registry.countMatch(reg, "k", { kind: Ets._ })).toBe(2);
      expect(() => Registry.match(reg, "k", Ets._, "bad" as unknown as [])).toThrow(
        BadArgumentError,
      );
    }));

  it("the key is literal, even an object that would match partially as a pattern", () =>
    withRuntime(async () => {
      for (const keys of ["unique", "duplicate"] as const) {
        const reg = await Registry.startLink({ keys });
        Registry.register(reg, { a: 1, b: 2 }, "wide");
        Registry.register(reg, { a: 1 }, "narrow");
        Registry.register(reg, "_", "underscore");
        Registry.register(reg, ["$1", "x"], "dollar");
        expect(Registry.match(reg, { a: 1 }, Ets._)).toEqual([[self(), "narrow"]]);
        expect(Registry.countMatch(reg, { a: 1 }, Ets._)).toBe(1);
        expect(Registry.match(reg, "_", Ets._)).toEqual([[self(), "underscore"]]);
        expect(Registry.match(reg, ["$1", "x"], Ets._)).toEqual([[self(), "dollar"]]);
        Registry.unregisterMatch(reg, { a: 1 }, Ets._);
        expect(Registry.lookup(reg, { a: 1, b: 2 })).toEqual([[self(), "wide"]]);
        expect(Registry.lookup(reg, { a: 1 })).toEqual([]);
      }
    }));

  it("unregisterMatch removes only the caller's matching entries and keeps the link while some remain", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink<string, number>({ keys: "duplicate" });
      const [partition] = await partitions(reg.pid);
      Registry.register(reg, "k", 1);
      Registry.register(reg, "k", 2);
      Registry.register(reg, "k", 3);
      const p = holder(() => void Registry.register(reg, "k", 2));
      await settle();
      Registry.unregisterMatch(reg, "k", Ets.$1, [Ets.expr(">=", Ets.$1, 2)]);
      expect(Registry.values(reg, "k", self())).toEqual([1]);
      expect(Registry.values(reg, "k", p)).toEqual([2]);
      expect(Registry.keys(reg, self())).toEqual(["k"]);
      expect(links(self())).toContain(partition);
      Registry.unregisterMatch(reg, "k", 1);
      expect(Registry.keys(reg, self())).toEqual([]);
      expect(links(self())).not.toContain(partition);
      send(p, "stop");
    }));
});

describe("count, countMatch, countSelect and select (item 13)", () => {
  it("count across partitions; select runs several clauses over [key, pid, value]", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink<string, number>({ keys: "unique", partitions: 3 });
      for (let i = 0; i < 10; i++) Registry.register(reg, `k${i}`, i);
      expect(Registry.count(reg)).toBe(10);
      const small = Registry.select(reg, [
        [[Ets.$1, Ets._, Ets.$2], [Ets.expr("<", Ets.$2, 2)], [[Ets.$1, Ets.$2]]],
        [[Ets.$1, Ets._, 9], [], ["nine"]],
      ]);
      expect(small.sort()).toEqual([["k0", 0], ["k1", 1], "nine"].sort());
      expect(Registry.select(reg, [[[Ets._, Ets.$1, Ets._], [], [Ets.$1]]])).toEqual(
        Array(10).fill(self()),
      );
      expect(
        Registry.countSelect(reg, [[[Ets._, Ets._, Ets.$1], [Ets.expr(">=", Ets.$1, 5)], [true]]]),
      ).toBe(5);
      expect(Registry.countMatch(reg, "k3", 3)).toBe(1);
      expect(Registry.countMatch(reg, "k3", 4)).toBe(0);
    }));

  it("a badly shaped spec is a BadArgumentError", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "unique" });
      Registry.register(reg, "k", 1);
      const bad: unknown[] = [
        "spec",
        [[Ets._, []]],
        [[[Ets._, Ets._], [], [true]]],
        [[[Ets._, Ets._, Ets._], "guards", [true]]],
        [[[Ets._, Ets._, Ets._], [], []]],
      ];
      for (const spec of bad) {
        expect(() => Registry.select(reg, spec as Ets.MatchSpec<Registry.Row>)).toThrow(
          BadArgumentError,
        );
        expect(() => Registry.countSelect(reg, spec as Ets.MatchSpec<Registry.Row>)).toThrow(
          BadArgumentError,
        );
      }
    }));
});

describe("updateValue (item 15)", () => {
  it("updates the caller's value; error when it does not hold the key", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink<string, number>({ keys: "unique" });
      Registry.register(reg, "k", 1);
      expect(Registry.updateValue(reg, "k", (n) => n + 1)).toEqual({ type: "ok", new: 2, old: 1 });
      expect(Registry.lookup(reg, "k")).toEqual([[self(), 2]]);
      expect(Registry.updateValue(reg, "missing", (n) => n)).toEqual({ type: "error" });
      const p = holder(() => void Registry.register(reg, "theirs", 5));
      await settle();
      expect(Registry.updateValue(reg, "theirs", (n) => n + 1)).toEqual({ type: "error" });
      expect(Registry.lookup(reg, "theirs")).toEqual([[p, 5]]);
      send(p, "stop");
    }));

  it("is a UniqueOnlyError on a duplicate registry", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "duplicate" });
      Registry.register(reg, "k", 1);
      expect(() => Registry.updateValue(reg, "k", () => 2)).toThrow(Registry.UniqueOnlyError);
    }));
});

describe("meta and putMeta (item 17)", () => {
  it("reads initial metadata, stores new metadata, error when missing", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({
        keys: "unique",
        name: "m",
        meta: [[["custom", 1], "x"]],
      });
      expect(Registry.meta(reg, ["custom", 1])).toEqual({ type: "ok", value: "x" });
      expect(Registry.meta("m", "missing")).toEqual({ type: "error" });
      Registry.putMeta("m", "region", "eu");
      expect(Registry.meta(reg, "region")).toEqual({ type: "ok", value: "eu" });
      const fromObject = await Registry.startLink({ keys: "duplicate", meta: { a: 1 } });
      expect(Registry.meta(fromObject, "a")).toEqual({ type: "ok", value: 1 });
    }));
});
