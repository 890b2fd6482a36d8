// The per-call tables' map: the same answers as a Map under any sequence of operations.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SlotMap } from "../src/slot-map.js";

const op = fc.oneof(
  fc.tuple(fc.constant("set" as const), fc.integer({ min: 0, max: 5 }), fc.integer()),
  fc.tuple(fc.constant("delete" as const), fc.integer({ min: 0, max: 5 }), fc.constant(0)),
  fc.tuple(fc.constant("clear" as const), fc.constant(0), fc.constant(0)),
);

describe("SlotMap", () => {
  it("answers get, has, size, delete and entries as a Map does", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const model = new Map<number, number>();
        const map = new SlotMap<number, number>();
        for (const [kind, key, value] of ops) {
          if (kind === "set") {
            model.set(key, value);
            map.set(key, value);
          } else if (kind === "delete") {
            expect(map.delete(key)).toBe(model.delete(key));
          } else {
            model.clear();
            map.clear();
          }
          expect(map.size).toBe(model.size);
          for (let k = 0; k <= 5; k++) {
            expect(map.get(k)).toBe(model.get(k));
            expect(map.has(k)).toBe(model.has(k));
          }
          const sorted = (e: [number, number][]) => [...e].sort((a, b) => a[0] - b[0]);
          expect(sorted(map.entries())).toEqual(sorted([...model.entries()]));
          expect([...map.values()].sort()).toEqual([...model.values()].sort());
        }
      }),
      { numRuns: 500 },
    );
  });

  it("entries is a snapshot: deleting while going through it is safe", () => {
    const map = new SlotMap<string, number>();
    map.set("a", 1);
    map.set("b", 2);
    map.set("c", 3);
    for (const [k] of map.entries()) map.delete(k);
    expect(map.size).toBe(0);
  });
});
