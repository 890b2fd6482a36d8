// The data structures behind the tables, driven through large deterministic workloads that
// make them grow, split, merge and shrink, checked against plain maps.
import { compare, type Term } from "@trellis/core";
import { describe, expect, it } from "vitest";

/** These tests do hundreds of thousands of operations: give them time on a busy machine. */
const SLOW = { timeout: 60_000 };

import { BTree } from "../src/internal/btree.js";
import { HashStore } from "../src/internal/hash-store.js";
import { END, type Obj } from "../src/internal/store.js";

/** A small deterministic PRNG (LCG), so that failures reproduce. */
function prng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s % n;
  };
}

function walk(store: { first(): unknown; next(k: unknown): unknown }): unknown[] {
  const out: unknown[] = [];
  for (let k = store.first(); k !== END; k = store.next(k)) out.push(k);
  return out;
}

describe("BTree", () => {
  it("stays ordered through growth to several levels and shrinking to almost nothing", SLOW, () => {
    const rnd = prng(7);
    const t = new BTree();
    const model = new Map<number, Obj>();
    const range = 100_000;
    // Grow (mostly inserts), shrink (mostly deletes), grow again, shrink to almost nothing.
    for (const [steps, insertPercent] of [
      [120_000, 90],
      [200_000, 5],
      [80_000, 80],
      [250_000, 0],
    ] as const) {
      for (let j = 0; j < steps; j++) {
        const k = rnd(range);
        if (rnd(100) < insertPercent) {
          const o = [k, j];
          t.insert(k, o);
          model.set(k, o);
        } else {
          expect(t.delete(k)).toBe(model.get(k));
          model.delete(k);
        }
      }
      const keys = [...model.keys()].sort((a, b) => a - b);
      const scanned: unknown[] = [];
      t.scan((o) => scanned.push(o[0]));
      expect(scanned).toEqual(keys);
      expect(walk(t)).toEqual(keys);
      const back: unknown[] = [];
      for (let k = t.last(); k !== END; k = t.prev(k)) back.push(k);
      expect(back.reverse()).toEqual(keys);
      expect(t.size).toBe(model.size);
      for (let q = 0; q < 100; q++) {
        const k = rnd(range);
        expect(t.get(k)).toBe(model.get(k));
        const after = keys.find((x) => x > k + 0.5);
        expect(t.next(k + 0.5)).toBe(after ?? END);
      }
      expect(t.structureBytes()).toBeGreaterThan(0);
    }
    for (const k of model.keys()) t.delete(k);
    expect(t.size).toBe(0);
    expect(t.first()).toBe(END);
    expect(t.last()).toBe(END);
  });

  it("orders number keys among keys of other kinds (NaN, -0, bigints, strings, tuples) as compare does", () => {
    const rnd = prng(11);
    const t = new BTree();
    const kinds: (() => unknown)[] = [
      () => rnd(1000),
      () => rnd(1000) + 0.5,
      () => BigInt(rnd(1000)),
      () => `s${rnd(1000)}`,
      () => [rnd(10), rnd(10)],
      () => Number.NaN,
      () => -0,
      () => -rnd(1000),
    ];
    const inserted: unknown[] = [];
    for (let j = 0; j < 4000; j++) {
      const k = (kinds[rnd(kinds.length)] as () => unknown)();
      t.insert(k, [k, j]);
      inserted.push(k);
    }
    const unique: unknown[] = [];
    for (const k of [...inserted].sort((a, b) => compare(a as Term, b as Term))) {
      const last = unique[unique.length - 1];
      if (unique.length === 0 || compare(last as Term, k as Term) !== 0) unique.push(k);
    }
    const walked = walk(t);
    expect(walked).toHaveLength(unique.length);
    for (let i = 0; i < unique.length; i++) {
      expect(compare(walked[i] as Term, unique[i] as Term)).toBe(0);
    }
    // Every kind of key is found, including NaN, and 0 finds the row inserted under -0 or 0.
    for (const k of [...inserted, 0, Number.NaN]) expect(t.get(k)).toBeDefined();
    expect(t.get(0.25)).toBeUndefined();
    expect(t.next(0.25)).toBe(walked.find((k) => compare(k as Term, 0.25) > 0));
  });

  it("cursors carry on after the tree changes under them", () => {
    const t = new BTree();
    for (let k = 0; k < 20_000; k++) t.insert(k, [k]);
    const c = t.cursor(false);
    const seen: unknown[] = [];
    for (let o = c.next(); o !== undefined; o = c.next()) {
      const k = o[0] as number;
      seen.push(k);
      if (k % 2 === 0) t.delete(k + 1);
      if (k === 100) for (let x = 0; x < 5000; x++) t.delete(200 + x);
    }
    expect(seen).toEqual(walk(t));
    const r = t.cursor(true);
    const down: unknown[] = [];
    for (let o = r.next(); o !== undefined; o = r.next()) {
      down.push(o[0]);
      t.delete((o[0] as number) - 2);
    }
    expect(new Set(down).size).toBe(down.length);
  });
});

describe("HashStore", () => {
  for (const kind of ["set", "bag", "duplicate_bag"] as const) {
    it(
      `${kind}: integer, other primitive and compound keys through growth and shrinking`,
      SLOW,
      () => {
        const rnd = prng(11);
        const h = new HashStore(kind);
        const model = new Map<string, Obj[]>();
        const keyOf = (n: number): unknown =>
          n % 5 === 0
            ? [n, "t"]
            : n % 5 === 1
              ? `s${n}`
              : n % 5 === 2
                ? n + 0.5
                : n % 5 === 3
                  ? BigInt(n)
                  : n;
        const id = (k: unknown): string => (typeof k === "bigint" ? `${k}n` : JSON.stringify(k));
        for (const [steps, insertPercent] of [
          [30_000, 85],
          [60_000, 3],
          [20_000, 70],
        ] as const) {
          for (let j = 0; j < steps; j++) {
            const n = rnd(25_000);
            const k = keyOf(n);
            if (rnd(100) < insertPercent) {
              const o = [k, j % 3];
              h.insert(k, o);
              const list = model.get(id(k)) ?? [];
              if (kind === "set") model.set(id(k), [o]);
              else if (kind === "duplicate_bag" || !list.some((x) => x[1] === o[1]))
                model.set(id(k), [...list, o]);
            } else if (rnd(2) === 0) {
              h.remove(k, false);
              model.delete(id(k));
            } else {
              const o = [k, j % 3];
              h.removeObject(k, o);
              const rest = (model.get(id(k)) ?? []).filter((x) => x[1] !== o[1]);
              if (rest.length === 0) model.delete(id(k));
              else model.set(id(k), rest);
            }
          }
          let objects = 0;
          for (const list of model.values()) {
            objects += list.length;
            expect(h.lookup((list[0] as Obj)[0])).toEqual(list);
          }
          expect(h.size).toBe(objects);
          expect(h.keyCount).toBe(model.size);
          const keys = walk(h);
          expect(keys.length).toBe(model.size);
          expect(new Set(keys.map(id)).size).toBe(model.size);
          let scanned = 0;
          h.scan(() => scanned++);
          expect(scanned).toBe(objects);
          const c = h.cursor();
          let cursed = 0;
          for (let o = c.next(); o !== undefined; o = c.next()) cursed++;
          expect(cursed).toBe(objects);
        }
        h.clear();
        expect(h.size).toBe(0);
        expect(h.first()).toBe(END);
      },
    );
  }

  it("a cursor survives rehashes and clears: objects at most once, every survivor seen", () => {
    const h = new HashStore("bag");
    const start: Obj[] = [];
    for (let k = 0; k < 3000; k++) {
      const o = [k % 1000, k];
      const o2 = [[k], k];
      h.insert(o[0], o);
      h.insert(o2[0], o2);
      start.push(o, o2);
    }
    const c = h.cursor();
    const seen = new Set<Obj>();
    let step = 0;
    for (let o = c.next(); o !== undefined; o = c.next()) {
      expect(seen.has(o)).toBe(false);
      seen.add(o);
      if (step++ === 50) for (let k = 10_000; k < 40_000; k++) h.insert(k, [k]);
    }
    for (const o of start) expect(seen.has(o)).toBe(true);
    const d = h.cursor();
    d.next();
    h.clear();
    expect(d.next()).toBeUndefined();
  });

  it("next on a missing key is MISSING, and a walk resumes from any key", () => {
    const h = new HashStore("set");
    for (const k of [1, 2, "a", "b", ["x"], ["y"]]) h.insert(k, [k]);
    expect(typeof h.next(99)).toBe("symbol");
    expect(typeof h.next("zz")).toBe("symbol");
    expect(typeof h.next(["zz"])).toBe("symbol");
    const all = walk(h);
    expect(all).toHaveLength(6);
    // From the middle of the Map part without a finger.
    // each key's successor is the next key of the walk, the last one's is the end
    for (let i = 0; i < all.length; i++)
      expect(h.next(all[i])).toBe(i + 1 < all.length ? all[i + 1] : END);
  });
});
