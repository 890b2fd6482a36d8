import {
  BadArgumentError,
  makeRef,
  type Pid,
  type Ref,
  receive,
  self,
  send,
  spawn,
} from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Ets from "@trellis/ets-table";
import { describe, expect, it } from "vitest";

const sortRows = (rows: readonly (readonly unknown[])[]): unknown[] =>
  [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe("duplicates per table type (item 3)", () => {
  const rows: [string, number][] = [
    ["k", 1],
    ["k", 1],
    ["k", 2],
  ];

  it("set: the last write wins", () =>
    withRuntime(() => {
      const t = Ets.create("t");
      for (const r of rows) Ets.insert(t, r);
      expect(Ets.lookup(t, "k")).toEqual([["k", 2]]);
    }));

  it("ordered_set: the last write wins", () =>
    withRuntime(() => {
      const t = Ets.create("t", { type: "ordered_set" });
      for (const r of rows) Ets.insert(t, r);
      expect(Ets.lookup(t, "k")).toEqual([["k", 2]]);
    }));

  it("bag: identical objects are stored once", () =>
    withRuntime(() => {
      const t = Ets.create("t", { type: "bag" });
      for (const r of rows) Ets.insert(t, r);
      Ets.insert(t, ["k", 1]);
      expect(sortRows(Ets.lookup(t, "k"))).toEqual([
        ["k", 1],
        ["k", 2],
      ]);
      expect(Ets.info(t, "size")).toBe(2);
    }));

  it("duplicate_bag: all of them, in insertion order", () =>
    withRuntime(() => {
      const t = Ets.create("t", { type: "duplicate_bag" });
      for (const r of rows) Ets.insert(t, r);
      expect(Ets.lookup(t, "k")).toEqual(rows);
      expect(Ets.info(t, "size")).toBe(3);
    }));

  it("bag and duplicate_bag list inserts follow the same rules", () =>
    withRuntime(() => {
      const bag = Ets.create("b", { type: "bag" });
      const dup = Ets.create("d", { type: "duplicate_bag" });
      Ets.insertMany(bag, rows);
      Ets.insertMany(dup, rows);
      expect(Ets.lookup(bag, "k")).toHaveLength(2);
      expect(Ets.lookup(dup, "k")).toHaveLength(3);
    }));
});

describe("key equality (item 4)", () => {
  it("set and bag keep 1n and 1 apart (Erlang's 1 and 1.0 under =:=)", () =>
    withRuntime(() => {
      for (const type of ["set", "bag", "duplicate_bag"] as const) {
        const t = Ets.create("t", { type });
        Ets.insert(t, [1, "number"]);
        Ets.insert(t, [1n, "bigint"]);
        expect(Ets.lookup(t, 1)).toEqual([[1, "number"]]);
        expect(Ets.lookup(t, 1n)).toEqual([[1n, "bigint"]]);
        expect(Ets.info(t, "size")).toBe(2);
      }
    }));

  it("ordered_set treats 1n and 1 as one key (==); the new object and its key replace the old", () =>
    withRuntime(() => {
      const t = Ets.create("t", { type: "ordered_set" });
      Ets.insert(t, [1, "number"]);
      Ets.insert(t, [1n, "bigint"]);
      expect(Ets.info(t, "size")).toBe(1);
      expect(Ets.lookup(t, 1)).toEqual([[1n, "bigint"]]);
      expect(Ets.lookup(t, 1n)).toEqual([[1n, "bigint"]]);
      expect(Ets.member(t, 1)).toBe(true);
      expect(Ets.first(t)).toBe(1n);
      expect(Ets.insertNew(t, [1, "again"])).toBe(false);
    }));

  it("compound keys compare structurally, 0 and -0 are one key, NaN finds NaN", () =>
    withRuntime(() => {
      for (const type of ["set", "ordered_set"] as const) {
        const t = Ets.create("t", { type });
        Ets.insert(t, [["user", 1, { role: "admin" }], "a"]);
        expect(Ets.lookup(t, ["user", 1, { role: "admin" }])).toHaveLength(1);
        expect(Ets.lookup(t, ["user", 1n, { role: "admin" }])).toHaveLength(type === "set" ? 0 : 1);
        Ets.insert(t, [0, "zero"]);
        expect(Ets.lookup(t, -0)).toEqual([[0, "zero"]]);
        Ets.insert(t, [Number.NaN, "nan"]);
        expect(Ets.lookup(t, Number.NaN)).toEqual([[Number.NaN, "nan"]]);
        const ref = makeRef();
        Ets.insert(t, [ref, "ref"]);
        Ets.insert(t, [self(), "pid"]);
        expect(Ets.lookup(t, ref)).toEqual([[ref, "ref"]]);
        expect(Ets.lookup(t, self())).toEqual([[self(), "pid"]]);
      }
    }));
});

describe("pid and ref elements compare by identity", () => {
  it("a bag tells rows apart by their pids and refs; deleteObject and matchDelete remove only the matching ones", () =>
    withRuntime(async () => {
      const others = [spawn(() => receive()), spawn(() => receive())] as const;
      const me = self();
      const ref = makeRef();
      const t = Ets.create<[string, Pid, Ref]>("t", { type: "bag" });
      for (const pid of [me, ...others]) Ets.insert(t, ["k", pid, ref]);
      Ets.insert(t, ["k", me, ref]); // identical: stored once
      Ets.insert(t, ["k", me, makeRef()]); // another ref: another object
      expect(Ets.lookup(t, "k")).toHaveLength(4);
      Ets.deleteObject(t, ["k", others[0], ref]);
      expect(Ets.lookup(t, "k").map((r) => r[1])).toEqual([me, others[1], me]);
      expect(Ets.matchDelete(t, ["k", me, Ets._])).toBe(true);
      expect(Ets.lookup(t, "k")).toEqual([["k", others[1], ref]]);
      for (const pid of others) send(pid, "stop");
    }));
});

describe("insert (item 5)", () => {
  it("returns true, and rejects what is not a row without touching the table", () =>
    withRuntime(() => {
      const t = Ets.create("t");
      expect(Ets.insert(t, ["a", 1])).toBe(true);
      expect(() => Ets.insert(t, "a" as never)).toThrow(/must be an array/);
      expect(() => Ets.insert(t, [] as never)).toThrow(/has 0 element/);
      expect(() => Ets.insert(t, ["b", () => 1] as never)).toThrow(
        /element 1 of the row is not a term/,
      );
      expect(() => Ets.insert(t, ["b", new Date()] as never)).toThrow(BadArgumentError);
      expect(() => Ets.insert(t, [["nested", Symbol("x")]] as never)).toThrow(/not a term/);
      expect(Ets.toList(t)).toEqual([["a", 1]]);
    }));

  it("a list insert is atomic: one bad row and nothing is inserted", () =>
    withRuntime(() => {
      const t = Ets.create("t");
      expect(() => Ets.insertMany(t, [["a", 1], "bad" as never, ["c", 3]])).toThrow(
        /row 1 must be an array/,
      );
      expect(Ets.info(t, "size")).toBe(0);
      expect(() => Ets.insertMany(t, "nope" as never)).toThrow(/expected an array of rows/);
      expect(Ets.insertMany(t, [])).toBe(true);
      expect(
        Ets.insertMany(t, [
          ["a", 1],
          ["a", 2],
        ]),
      ).toBe(true);
      expect(Ets.lookup(t, "a")).toEqual([["a", 2]]);
    }));

  it("an array of arrays given to insert is one row (its key is the first array)", () =>
    withRuntime(() => {
      const t = Ets.create("t");
      Ets.insert(t, [
        ["a", 1],
        ["b", 2],
      ]);
      expect(Ets.lookup(t, ["a", 1])).toEqual([
        [
          ["a", 1],
          ["b", 2],
        ],
      ]);
    }));
});

describe("insertNew (item 6)", () => {
  it("inserts only a new key", () =>
    withRuntime(() => {
      const t = Ets.create("t");
      expect(Ets.insertNew(t, ["a", 1])).toBe(true);
      expect(Ets.insertNew(t, ["a", 2])).toBe(false);
      expect(Ets.lookup(t, "a")).toEqual([["a", 1]]);
    }));

  it("a list is all or nothing", () =>
    withRuntime(() => {
      const t = Ets.create("t");
      Ets.insert(t, ["b", 0]);
      expect(
        Ets.insertNewMany(t, [
          ["a", 1],
          ["b", 2],
        ]),
      ).toBe(false);
      expect(Ets.member(t, "a")).toBe(false);
      expect(
        Ets.insertNewMany(t, [
          ["c", 1],
          ["c", 2],
        ]),
      ).toBe(true);
      expect(Ets.lookup(t, "c")).toEqual([["c", 2]]);
    }));

  it("on a bag, an existing key is enough to refuse", () =>
    withRuntime(() => {
      const t = Ets.create("t", { type: "bag" });
      Ets.insert(t, ["k", 1]);
      expect(Ets.insertNew(t, ["k", 9])).toBe(false);
    }));
});

describe("lookup, member, lookupElement (item 7)", () => {
  it("lookup returns a list and member a boolean", () =>
    withRuntime(() => {
      const t = Ets.create("t");
      expect(Ets.lookup(t, "nope")).toEqual([]);
      expect(Ets.member(t, "nope")).toBe(false);
      Ets.insert(t, ["a", 1, "x"]);
      expect(Ets.lookup(t, "a")).toEqual([["a", 1, "x"]]);
      expect(Ets.member(t, "a")).toBe(true);
    }));

  it("lookupElement returns the element at a 0-based position", () =>
    withRuntime(() => {
      const t = Ets.create<[string, number, string]>("t");
      Ets.insert(t, ["a", 1, "x"]);
      expect(Ets.lookupElement(t, "a", 0)).toBe("a");
      expect(Ets.lookupElement(t, "a", 2)).toBe("x");
      expect(() => Ets.lookupElement(t, "b", 1)).toThrow(/no object with the key "b"/);
      expect(() => Ets.lookupElement(t, "a", 3 as never)).toThrow(/no element at position 3/);
      expect(() => Ets.lookupElement(t, "a", -1 as never)).toThrow(/non-negative integer/);
    }));

  it("lookupElement on a bag returns the element of every object", () =>
    withRuntime(() => {
      const t = Ets.create<[string, number]>("t", { type: "duplicate_bag" });
      Ets.insertMany(t, [
        ["k", 1],
        ["k", 2],
        ["k", 1],
      ]);
      expect(Ets.lookupElement(t, "k", 1)).toEqual([1, 2, 1]);
    }));

  it("lookupElement with a default (OTP 26's lookup_element/4) returns it for a missing key", () =>
    withRuntime(() => {
      for (const type of ["set", "ordered_set"] as const) {
        const t = Ets.create<[number, string]>(type, { type });
        Ets.insert(t, [1, "a"]);
        expect(Ets.lookupElement(t, 1, 1, null)).toBe("a");
        expect(Ets.lookupElement(t, 2, 1, null)).toBeNull();
        // `undefined` is a default like any other; leaving the argument out is not.
        expect(Ets.lookupElement(t, 2, 1, undefined)).toBeUndefined();
        expect(() => Ets.lookupElement(t, 2, 1)).toThrow(/no object with the key 2/);
        // A present object without that element is still an error, default or not.
        expect(() => Ets.lookupElement(t, 1, 2 as never, null)).toThrow(/no element at position 2/);
        // ordered_set keys compare with ==, set keys with =:=.
        expect(Ets.lookupElement(t, 1n as never, 1, "none")).toBe(type === "set" ? "none" : "a");
      }
      const bag = Ets.create<[string, number]>("bag", { type: "bag" });
      Ets.insertMany(bag, [
        ["k", 1],
        ["k", 2],
      ]);
      expect(Ets.lookupElement(bag, "k", 1, [])).toEqual([1, 2]);
      expect(Ets.lookupElement(bag, "other", 1, [])).toEqual([]);
      const row: [number, string] = [7, "tuple key"];
      const tuples = Ets.create<[[number, number], [number, string]]>("tuples");
      Ets.insert(tuples, [[1, 2], row]);
      expect(Ets.lookupElement(tuples, [1, 2], 1, null)).toBe(row);
      expect(Ets.lookupElement(tuples, [1, 3], 1, null)).toBeNull();
    }));

  it("lookupElement with a default keeps the access rules", () =>
    withRuntime(async () => {
      const t = Ets.create<[number, string]>("mine", { access: "private" });
      Ets.insert(t, [1, "a"]);
      const other = spawn(async () => {
        const m = (await receive()) as Pid;
        try {
          Ets.lookupElement(t, 2, 1, null);
          send(m, "read");
        } catch (e) {
          send(m, e instanceof Ets.AccessError ? "denied" : "other error");
        }
      });
      send(other, self());
      expect(await receive()).toBe("denied");
      expect(Ets.lookupElement(t, 2, 1, null)).toBeNull();
    }));

  it("rejects a key that is not a term", () =>
    withRuntime(() => {
      const t = Ets.create("t");
      expect(() => Ets.lookup(t, (() => 1) as never)).toThrow(/the key is not a term/);
    }));
});

describe("updateCounter (item 8)", () => {
  it("increments the element after the key by default, and returns the new value", () =>
    withRuntime(() => {
      const t = Ets.create<[string, number, number]>("t");
      Ets.insert(t, ["k", 10, 100]);
      expect(Ets.updateCounter(t, "k", 5)).toBe(15);
      expect(Ets.updateCounter(t, "k", -20)).toBe(-5);
      expect(Ets.lookup(t, "k")).toEqual([["k", -5, 100]]);
    }));

  it("takes [pos, incr], [pos, incr, threshold, setValue] and lists of them", () =>
    withRuntime(() => {
      const t = Ets.create<[string, number, number]>("t");
      Ets.insert(t, ["k", 5, 6]);
      expect(Ets.updateCounter(t, "k", [2, 3])).toBe(9);
      expect(
        Ets.updateCounter(t, "k", [
          [1, 1],
          [2, 2],
          [1, 1],
        ]),
      ).toEqual([6, 11, 7]);
      expect(Ets.updateCounter(t, "k", [])).toEqual([]);
      Ets.insert(t, ["k", 12, 0]);
      // 12 + 10 > 15: set to 0
      expect(Ets.updateCounter(t, "k", [1, 10, 15, 0])).toBe(0);
      Ets.insert(t, ["k", 5, 0]);
      // exactly at the threshold: not passed
      expect(Ets.updateCounter(t, "k", [1, 10, 15, 100])).toBe(15);
      // a negative increment passes a threshold from above
      expect(Ets.updateCounter(t, "k", [1, -20, 0, 100])).toBe(100);
    }));

  it("keeps bigint counters bigint", () =>
    withRuntime(() => {
      const t = Ets.create<[string, bigint]>("t");
      Ets.insert(t, ["k", 2n ** 64n]);
      expect(Ets.updateCounter(t, "k", 1n)).toBe(2n ** 64n + 1n);
      expect(() => Ets.updateCounter(t, "k", 1 as never)).toThrow(
        /is a bigint; give the increment as bigints/,
      );
    }));

  it("inserts the default row first when the key is missing, with the key put in", () =>
    withRuntime(() => {
      const t = Ets.create<[string, number]>("t");
      expect(Ets.updateCounter(t, "k", 1, { default: ["other", 5] })).toBe(6);
      expect(Ets.toList(t)).toEqual([["k", 6]]);
      expect(() => Ets.updateCounter(t, "k2", [1, 1], { default: ["x", "y"] as never })).toThrow(
        BadArgumentError,
      );
      expect(() => Ets.updateCounter(t, "k3", 1, { default: ["short"] as never })).toThrow(
        BadArgumentError,
      );
      expect(Ets.toList(t)).toEqual([["k", 6]]);
    }));

  it("on ordered_set, 1n updates the object stored under 1, which keeps its key", () =>
    withRuntime(() => {
      const t = Ets.create<[number | bigint, number]>("t", { type: "ordered_set" });
      Ets.insert(t, [1, 0]);
      expect(Ets.updateCounter(t, 1n, 1)).toBe(1);
      expect(Ets.toList(t)).toEqual([[1, 1]]);
    }));

  it("fails on a missing key, the key position, a non-integer, a bag, and is atomic", () =>
    withRuntime(() => {
      const t = Ets.create<[string, number, number | string]>("t");
      Ets.insert(t, ["k", 1.5, 0]);
      expect(() => Ets.updateCounter(t, "nope", 1)).toThrow(/no object with the key "nope"/);
      expect(() => Ets.updateCounter(t, "k", 1)).toThrow(/is 1.5, not an integer/);
      expect(() => Ets.updateCounter(t, "k", [0, 1])).toThrow(/position 0 is the key/);
      expect(() => Ets.updateCounter(t, "k", [7, 1])).toThrow(/position 7 is outside the row/);
      expect(() => Ets.updateCounter(t, "k", 1.5)).toThrow(/an update is an integer increment/);
      Ets.insert(t, ["k", 1, "text"]);
      expect(() =>
        Ets.updateCounter(t, "k", [
          [1, 1],
          [2, 1],
        ]),
      ).toThrow(/not an integer/);
      expect(Ets.lookup(t, "k")).toEqual([["k", 1, "text"]]);
      const bag = Ets.create("b", { type: "bag" });
      Ets.insert(bag, ["k", 1]);
      expect(() => Ets.updateCounter(bag as never, "k", 1)).toThrow(/is a bag/);
    }));
});

describe("updateElement (item 9)", () => {
  it("replaces elements and returns true, or false for a missing key", () =>
    withRuntime(() => {
      const t = Ets.create<[number, string, number]>("t");
      const row: [number, string, number] = [1, "ann", 30];
      Ets.insert(t, row);
      expect(Ets.updateElement(t, 1, [2, 31])).toBe(true);
      expect(
        Ets.updateElement(t, 1, [
          [1, "Ann"],
          [2, 32],
        ]),
      ).toBe(true);
      expect(Ets.lookup(t, 1)).toEqual([[1, "Ann", 32]]);
      expect(row).toEqual([1, "ann", 30]);
      expect(Ets.updateElement(t, 2, [1, "x"])).toBe(false);
      // A missing key wins over a bad position, as in Erlang.
      expect(Ets.updateElement(t, 2, [0, 5])).toBe(false);
    }));

  it("refuses the key position, a position out of range, a bag; atomically", () =>
    withRuntime(() => {
      const t = Ets.create<[number, string]>("t");
      Ets.insert(t, [1, "a"]);
      expect(() => Ets.updateElement(t, 1, [0, 1])).toThrow(/is the key/);
      expect(() => Ets.updateElement(t, 1, [5 as never, "x"])).toThrow(/outside the row/);
      expect(() =>
        Ets.updateElement(t, 1, [
          [1, "b"],
          [9 as never, "x"],
        ]),
      ).toThrow(BadArgumentError);
      expect(Ets.lookup(t, 1)).toEqual([[1, "a"]]);
      const bag = Ets.create("b", { type: "bag" });
      expect(() => Ets.updateElement(bag as never, 1, [1, 2])).toThrow(/is a bag/);
    }));
});

describe("delete, deleteObject, take, deleteAllObjects (item 10)", () => {
  it("delete returns true, also for a missing key", () =>
    withRuntime(() => {
      const t = Ets.create("t");
      Ets.insert(t, ["a", 1]);
      expect(Ets.delete(t, "a")).toBe(true);
      expect(Ets.delete(t, "a")).toBe(true);
      expect(Ets.member(t, "a")).toBe(false);
    }));

  it("deleteObject removes only the exact object", () =>
    withRuntime(() => {
      const set = Ets.create("s");
      Ets.insert(set, ["a", 1]);
      Ets.deleteObject(set, ["a", 2]);
      expect(Ets.lookup(set, "a")).toEqual([["a", 1]]);
      Ets.deleteObject(set, ["a", 1]);
      expect(Ets.lookup(set, "a")).toEqual([]);

      const oset = Ets.create("o", { type: "ordered_set" });
      Ets.insert(oset, [1, "a"]);
      // The object must be exactly equal (=:=), key included.
      Ets.deleteObject(oset, [1n, "a"]);
      expect(Ets.info(oset, "size")).toBe(1);

      const bag = Ets.create("b", { type: "bag" });
      Ets.insertMany(bag, [
        ["a", 1],
        ["a", 2],
      ]);
      Ets.deleteObject(bag, ["a", 1]);
      expect(Ets.lookup(bag, "a")).toEqual([["a", 2]]);

      const dup = Ets.create("d", { type: "duplicate_bag" });
      Ets.insertMany(dup, [
        ["k", 1],
        ["k", 1],
        ["k", 2],
      ]);
      Ets.deleteObject(dup, ["k", 1]);
      expect(Ets.lookup(dup, "k")).toEqual([["k", 2]]);
    }));

  it("take returns and removes the objects, [] for a missing key", () =>
    withRuntime(() => {
      for (const type of ["set", "ordered_set", "bag", "duplicate_bag"] as const) {
        const t = Ets.create("t", { type });
        Ets.insert(t, ["a", 1]);
        if (type.includes("bag")) Ets.insert(t, ["a", 2]);
        const taken = Ets.take(t, "a");
        expect(taken).toHaveLength(type.includes("bag") ? 2 : 1);
        expect(Ets.take(t, "a")).toEqual([]);
        expect(Ets.info(t, "size")).toBe(0);
      }
    }));

  it("deleteAllObjects empties the table and returns true", () =>
    withRuntime(() => {
      const t = Ets.create("t", { type: "ordered_set" });
      for (let i = 0; i < 1000; i++) Ets.insert(t, [i]);
      expect(Ets.deleteAllObjects(t)).toBe(true);
      expect(Ets.info(t, "size")).toBe(0);
      expect(Ets.first(t)).toBe(Ets.END_OF_TABLE);
      Ets.insert(t, [5]);
      expect(Ets.toList(t)).toEqual([[5]]);
    }));
});

describe("traversal (item 12)", () => {
  it("returns END_OF_TABLE on an empty table", () =>
    withRuntime(() => {
      for (const type of ["set", "ordered_set", "bag", "duplicate_bag"] as const) {
        const t = Ets.create("t", { type });
        expect(Ets.first(t)).toBe(Ets.END_OF_TABLE);
        expect(Ets.last(t)).toBe(Ets.END_OF_TABLE);
      }
    }));

  it("ordered_set: keys in term order; next and prev work from missing keys", () =>
    withRuntime(() => {
      const t = Ets.create("t", { type: "ordered_set" });
      const keys = ["b", 3, ["x"], 2.5, null, "a", [1, 2], { m: 1 }, true];
      for (const k of keys) Ets.insert(t, [k]);
      const walked: unknown[] = [];
      for (let k = Ets.first(t); k !== Ets.END_OF_TABLE; k = Ets.next(t, k)) walked.push(k);
      expect(walked).toEqual([2.5, 3, null, true, ["x"], [1, 2], { m: 1 }, "a", "b"]);
      const back: unknown[] = [];
      for (let k = Ets.last(t); k !== Ets.END_OF_TABLE; k = Ets.prev(t, k)) back.push(k);
      expect(back).toEqual([...walked].reverse());
      expect(Ets.next(t, 2.7)).toBe(3);
      expect(Ets.next(t, 1)).toBe(2.5);
      expect(Ets.prev(t, 2.7)).toBe(2.5);
      expect(Ets.prev(t, 0)).toBe(Ets.END_OF_TABLE);
      expect(Ets.next(t, "b")).toBe(Ets.END_OF_TABLE);
      expect(Ets.next(t, "zzz")).toBe(Ets.END_OF_TABLE);
    }));

  it("set and bag: every key once, last == first, prev == next, next on a missing key fails", () =>
    withRuntime(() => {
      for (const type of ["set", "bag", "duplicate_bag"] as const) {
        const t = Ets.create("t", { type });
        for (let i = 0; i < 100; i++) Ets.insert(t, [i % 50, i]);
        const seen: unknown[] = [];
        for (let k = Ets.first(t); k !== Ets.END_OF_TABLE; k = Ets.next(t, k)) seen.push(k);
        expect(seen).toHaveLength(50);
        expect(new Set(seen).size).toBe(50);
        expect(Ets.last(t)).toEqual(Ets.first(t));
        expect(Ets.prev(t, 7)).toEqual(Ets.next(t, 7));
        expect(() => Ets.next(t, 1000)).toThrow(/not in the/);
      }
    }));
});

describe("term order on ordered_set (item 24)", () => {
  it("numbers < atoms < refs < pids < tuples < maps < strings", () =>
    withRuntime(() => {
      const t = Ets.create("t", { type: "ordered_set" });
      const ref = makeRef();
      const pid = self();
      // Erlang: 2.5 < 3 < abc < Ref < Pid < {t} < {a,b} < #{m=>1} < "str"… < <<"b">>
      const ordered = [
        2.5,
        3,
        false,
        null,
        true,
        undefined,
        ref,
        pid,
        ["t"],
        ["a", "b"],
        { m: 1 },
        "b",
      ];
      for (const k of [...ordered].reverse()) Ets.insert(t, [k]);
      expect(Ets.toList(t).map(([k]) => k)).toEqual(ordered);
      expect(Ets.next(t, 3)).toBe(false);
      expect(Ets.prev(t, "a")).toEqual({ m: 1 });
    }));
});

describe("foldl, foldr, toList (item 13)", () => {
  it("ordered_set: toList and foldl ascend, foldr descends", () =>
    withRuntime(() => {
      const t = Ets.create<[number]>("t", { type: "ordered_set" });
      for (const k of [5, 1, 4, 2, 3]) Ets.insert(t, [k]);
      expect(Ets.toList(t)).toEqual([[1], [2], [3], [4], [5]]);
      expect(Ets.foldl(t, ([k], acc: number[]) => [...acc, k], [])).toEqual([1, 2, 3, 4, 5]);
      expect(Ets.foldr(t, ([k], acc: number[]) => [...acc, k], [])).toEqual([5, 4, 3, 2, 1]);
    }));

  it("a fold may change the table; on ordered_set it carries on after the last key", () =>
    withRuntime(() => {
      const t = Ets.create<[number]>("t", { type: "ordered_set" });
      for (let k = 0; k < 200; k++) Ets.insert(t, [k * 2]);
      const seen = Ets.foldl(
        t,
        ([k], acc: number[]) => {
          if (k % 4 === 0) Ets.delete(t, k + 2);
          if (k === 8) Ets.insert(t, [11]);
          return [...acc, k];
        },
        [],
      );
      expect(seen.slice(0, 6)).toEqual([0, 4, 8, 11, 12, 16]);
      expect(seen).toEqual(Ets.toList(t).map(([k]) => k));
    }));

  it("a fold over a set that grows and shrinks sees each remaining object at most once", () =>
    withRuntime(() => {
      const t = Ets.create<[number]>("t");
      for (let k = 0; k < 100; k++) Ets.insert(t, [k]);
      const seen: number[] = [];
      Ets.foldl(
        t,
        ([k], acc: null) => {
          seen.push(k);
          if (k < 100) for (let j = 0; j < 20; j++) Ets.insert(t, [1000 + k * 20 + j]);
          Ets.delete(t, 99 - k);
          return acc;
        },
        null,
      );
      expect(new Set(seen).size).toBe(seen.length);
    }));

  it("a fold over a bag", () =>
    withRuntime(() => {
      const t = Ets.create<[string, number]>("t", { type: "duplicate_bag" });
      Ets.insertMany(t, [
        ["a", 1],
        ["a", 2],
        ["b", 3],
      ]);
      expect(Ets.foldl(t, ([, n], sum) => sum + n, 0)).toBe(6);
      expect(Ets.foldr(t, ([, n], sum) => sum + n, 0)).toBe(6);
      expect(Ets.toList(t)).toHaveLength(3);
    }));

  it("a fold that deletes its table stops with NoTableError", () =>
    withRuntime(() => {
      const t = Ets.create<[number]>("t");
      Ets.insertMany(t, [[1], [2]]);
      expect(() =>
        Ets.foldl(
          t,
          (_row, acc) => {
            Ets.deleteTable(t);
            return acc;
          },
          0,
        ),
      ).toThrow(Ets.NoTableError);
    }));
});
