import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Queue } from "../src/internal/queue.js";

type Op =
  | { type: "push"; value: number }
  | { type: "shift" }
  | { type: "removeAt"; at: number }
  | { type: "removeWhere"; mod: number }
  | { type: "clear" };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.integer().map((value) => ({ type: "push" as const, value })) },
  { weight: 3, arbitrary: fc.constant({ type: "shift" as const }) },
  { weight: 1, arbitrary: fc.nat().map((at) => ({ type: "removeAt" as const, at })) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 2, max: 5 }).map((mod) => ({ type: "removeWhere" as const, mod })),
  },
  { weight: 1, arbitrary: fc.constant({ type: "clear" as const }) },
);

describe("Queue (the mailbox ring buffer)", () => {
  it("behaves like an array under any sequence of operations", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const q = new Queue<number>();
        const model: number[] = [];
        for (const o of ops) {
          switch (o.type) {
            case "push":
              q.push(o.value);
              model.push(o.value);
              break;
            case "shift":
              expect(q.shift()).toBe(model.shift());
              break;
            case "removeAt":
              if (model.length > 0) {
                const i = o.at % model.length;
                expect(q.removeAt(i)).toBe(model.splice(i, 1)[0]);
              }
              break;
            case "removeWhere": {
              const before = model.length;
              const kept = model.filter((x) => x % o.mod !== 0);
              expect(q.removeWhere((x) => x % o.mod === 0)).toBe(before - kept.length);
              model.splice(0, model.length, ...kept);
              break;
            }
            case "clear":
              q.clear();
              model.length = 0;
              break;
          }
          expect(q.length).toBe(model.length);
        }
        expect(q.toArray()).toEqual(model);
        for (let i = 0; i < model.length; i++) expect(q.at(i)).toBe(model[i]);
      }),
    );
  });

  it("wraps around its buffer without losing order", () => {
    const q = new Queue<number>();
    const pushed: number[] = [];
    const shifted: (number | undefined)[] = [];
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 3; i++) {
        q.push(round * 10 + i);
        pushed.push(round * 10 + i);
      }
      shifted.push(q.shift(), q.shift());
    }
    expect(shifted).toEqual(pushed.slice(0, 20));
    expect(q.toArray()).toEqual(pushed.slice(20));
  });
});
