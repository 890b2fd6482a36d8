import { compare, equals, type Term } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Ets from "@trellis/ets-table";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// A simple model of each table type: an array of rows, with core's equals/compare.

type Row = readonly [Term, number, number];

const keyArb: fc.Arbitrary<Term> = fc.oneof(
  fc.integer({ min: 0, max: 5 }),
  fc.constantFrom(0n, 1n, 2n),
  fc.constantFrom("x", "y", "z"),
  fc.tuple(fc.constantFrom("a", "b"), fc.integer({ min: 0, max: 2 })),
  fc.constantFrom(null, true, -0, 1.5),
);
const rowArb: fc.Arbitrary<Row> = fc.tuple(
  keyArb,
  fc.integer({ min: 0, max: 3 }),
  fc.integer({ min: 0, max: 3 }),
);

type Op =
  | { op: "insert"; row: Row }
  | { op: "insertMany"; rows: Row[] }
  | { op: "insertNew"; row: Row }
  | { op: "insertNewMany"; rows: Row[] }
  | { op: "delete"; key: Term }
  | { op: "deleteObject"; row: Row }
  | { op: "take"; key: Term }
  | { op: "lookup"; key: Term }
  | { op: "updateCounter"; key: Term; incr: number; withDefault: boolean }
  | { op: "updateElement"; key: Term; value: number }
  | { op: "selectDelete"; max: number }
  | { op: "matchObject"; key: Term }
  | { op: "selectKeyRange"; lo: number; hi: number }
  | { op: "deleteAll" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: rowArb.map((row) => ({ op: "insert" as const, row })) },
  {
    weight: 2,
    arbitrary: fc
      .array(rowArb, { maxLength: 4 })
      .map((rows) => ({ op: "insertMany" as const, rows })),
  },
  { weight: 2, arbitrary: rowArb.map((row) => ({ op: "insertNew" as const, row })) },
  {
    weight: 1,
    arbitrary: fc
      .array(rowArb, { maxLength: 3 })
      .map((rows) => ({ op: "insertNewMany" as const, rows })),
  },
  { weight: 2, arbitrary: keyArb.map((key) => ({ op: "delete" as const, key })) },
  { weight: 2, arbitrary: rowArb.map((row) => ({ op: "deleteObject" as const, row })) },
  { weight: 1, arbitrary: keyArb.map((key) => ({ op: "take" as const, key })) },
  { weight: 3, arbitrary: keyArb.map((key) => ({ op: "lookup" as const, key })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ key: keyArb, incr: fc.integer({ min: -3, max: 3 }), withDefault: fc.boolean() })
      .map((r) => ({ op: "updateCounter" as const, ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ key: keyArb, value: fc.integer({ min: 0, max: 3 }) })
      .map((r) => ({ op: "updateElement" as const, ...r })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0, max: 3 }).map((max) => ({ op: "selectDelete" as const, max })),
  },
  { weight: 1, arbitrary: keyArb.map((key) => ({ op: "matchObject" as const, key })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: -1, max: 6 }), fc.integer({ min: -1, max: 6 }))
      .map(([lo, hi]) => ({ op: "selectKeyRange" as const, lo, hi })),
  },
  { weight: 1, arbitrary: fc.constant({ op: "deleteAll" as const }) },
);

class Model {
  rows: Row[] = [];
  constructor(readonly type: Ets.TableType) {}

  get ordered(): boolean {
    return this.type === "ordered_set";
  }
  get setLike(): boolean {
    return this.type === "set" || this.type === "ordered_set";
  }
  sameKey(a: Term, b: Term): boolean {
    return this.ordered ? compare(a, b) === 0 : equals(a, b);
  }
  lookup(key: Term): Row[] {
    return this.rows.filter((r) => this.sameKey(r[0], key));
  }
  insert(row: Row): void {
    if (this.setLike) {
      const i = this.rows.findIndex((r) => this.sameKey(r[0], row[0]));
      if (i >= 0) this.rows[i] = row;
      else this.rows.push(row);
    } else if (this.type === "bag") {
      if (!this.rows.some((r) => equals(r, row))) this.rows.push(row);
    } else this.rows.push(row);
  }
  delete(key: Term): void {
    this.rows = this.rows.filter((r) => !this.sameKey(r[0], key));
  }
  deleteObject(row: Row): void {
    this.rows = this.rows.filter((r) => !equals(r, row));
  }
  list(): Row[] {
    if (this.ordered) return [...this.rows].sort((a, b) => compare(a[0], b[0]));
    return this.rows;
  }
}

/** A text that tells keys apart exactly as `equals` does (`1n` from `1`, but `-0` is `0`). */
function fingerprint(k: unknown): string {
  if (typeof k === "bigint") return `${k}n`;
  if (typeof k === "number") return Object.is(k, -0) ? "0" : String(k);
  if (Array.isArray(k)) return `[${k.map(fingerprint).join(",")}]`;
  return typeof k === "string" ? JSON.stringify(k) : String(k);
}

/** Rows in a canonical order: by key; rows with one key keep their relative order. */
function canonical(rows: readonly Row[]): Row[] {
  return rows
    .map((r, i) => ({ r, i, f: fingerprint(r[0]) }))
    .sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : a.i - b.i))
    .map((x) => x.r);
}

function check(type: Ets.TableType, t: Ets.Table<Row, Term, Ets.TableKind>, model: Model): void {
  const got = Ets.toList(t);
  if (type === "ordered_set") expect(got).toEqual(model.list());
  else expect(canonical(got)).toEqual(canonical(model.list()));
  expect(Ets.info(t, "size")).toBe(model.rows.length);
  // Traversal visits every key once (in order on an ordered_set).
  const keys: Term[] = [];
  for (let k = Ets.first(t); k !== Ets.END_OF_TABLE; k = Ets.next(t, k)) keys.push(k);
  const distinct: Term[] = [];
  for (const r of model.list())
    if (!distinct.some((k) => model.sameKey(k, r[0]))) distinct.push(r[0]);
  if (type === "ordered_set") expect(keys).toEqual(distinct);
  else expect(keys.length).toBe(distinct.length);
}

function apply(
  type: Ets.TableType,
  t: Ets.Table<Row, Term, Ets.TableKind>,
  model: Model,
  o: Op,
): void {
  switch (o.op) {
    case "insert":
      expect(Ets.insert(t, o.row)).toBe(true);
      model.insert(o.row);
      return;
    case "insertMany":
      Ets.insertMany(t, o.rows);
      for (const r of o.rows) model.insert(r);
      return;
    case "insertNew": {
      const fresh = model.lookup(o.row[0]).length === 0;
      expect(Ets.insertNew(t, o.row)).toBe(fresh);
      if (fresh) model.insert(o.row);
      return;
    }
    case "insertNewMany": {
      const fresh = o.rows.every((r) => model.lookup(r[0]).length === 0);
      expect(Ets.insertNewMany(t, o.rows)).toBe(fresh);
      if (fresh) for (const r of o.rows) model.insert(r);
      return;
    }
    case "delete":
      Ets.delete(t, o.key);
      model.delete(o.key);
      return;
    case "deleteObject":
      Ets.deleteObject(t, o.row);
      model.deleteObject(o.row);
      return;
    case "take": {
      const want = model.lookup(o.key);
      expect(canonical(Ets.take(t, o.key))).toEqual(canonical(want));
      model.delete(o.key);
      return;
    }
    case "lookup": {
      const want = model.lookup(o.key);
      const got = Ets.lookup(t, o.key);
      if (type === "duplicate_bag") expect(got).toEqual(want);
      else expect(canonical(got)).toEqual(canonical(want));
      expect(Ets.member(t, o.key)).toBe(want.length > 0);
      return;
    }
    case "updateCounter": {
      if (!model.setLike) {
        expect(() => Ets.updateCounter(t as never, o.key, o.incr)).toThrow(/is a (duplicate_)?bag/);
        return;
      }
      const [cur] = model.lookup(o.key);
      const options = o.withDefault ? { default: ["ignored", 10, 0] as Row } : {};
      if (cur === undefined && !o.withDefault) {
        expect(() => Ets.updateCounter(t as never, o.key, o.incr)).toThrow(
          /no object with the key/,
        );
        return;
      }
      const base: Row = cur ?? [o.key, 10, 0];
      const next: Row = [base[0], base[1] + o.incr, base[2]];
      expect(Ets.updateCounter(t as never, o.key, o.incr, options)).toBe(next[1]);
      if (cur === undefined) model.insert(next);
      else model.rows[model.rows.indexOf(cur)] = next;
      return;
    }
    case "updateElement": {
      if (!model.setLike) return;
      const [cur] = model.lookup(o.key);
      expect(Ets.updateElement(t as never, o.key, [2, o.value])).toBe(cur !== undefined);
      if (cur !== undefined) model.rows[model.rows.indexOf(cur)] = [cur[0], cur[1], o.value];
      return;
    }
    case "selectDelete": {
      const doomed = model.rows.filter((r) => r[1] <= o.max);
      expect(
        Ets.selectDelete(t, [[[Ets._, Ets.$1, Ets._], [Ets.expr("=<", Ets.$1, o.max)], [true]]]),
      ).toBe(doomed.length);
      model.rows = model.rows.filter((r) => r[1] > o.max);
      return;
    }
    case "matchObject": {
      const want = model.rows.filter((r) => equals(r[0], o.key));
      const got = Ets.matchObject(t, [o.key, Ets._, Ets._]);
      expect(canonical(got)).toEqual(canonical(want));
      return;
    }
    case "selectKeyRange": {
      const spec: Ets.MatchSpec<Row> = [
        [
          [Ets.$1, Ets._, Ets._],
          [Ets.expr(">=", Ets.$1, o.lo), Ets.expr("<", Ets.$1, o.hi)],
          [Ets.$_],
        ],
      ];
      const inRange = (k: Term): boolean => compare(k, o.lo) >= 0 && compare(k, o.hi) < 0;
      const want = model.list().filter((r) => inRange(r[0]));
      const got = Ets.select(t, spec) as Row[];
      if (type === "ordered_set") expect(got).toEqual(want);
      else expect(canonical(got)).toEqual(canonical(want));
      // The same in chunks of 2.
      const chunked: Row[] = [];
      for (let c = Ets.select(t, spec, 2); c !== Ets.END_OF_TABLE; c = Ets.select(c[1])) {
        expect(c[0].length).toBeLessThanOrEqual(2);
        chunked.push(...(c[0] as Row[]));
      }
      expect(canonical(chunked)).toEqual(canonical(want));
      return;
    }
    case "deleteAll":
      Ets.deleteAllObjects(t);
      model.rows = [];
      return;
  }
}

/** Property tests run many cases: give them time on a busy machine. */
const SLOW = { timeout: 60_000 };

describe("random operation sequences against a model", () => {
  for (const type of ["set", "ordered_set", "bag", "duplicate_bag"] as const) {
    it(`${type}`, SLOW, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { maxLength: 60 }), (ops) =>
          withRuntime(() => {
            const t = Ets.create<Row>("model", { type } as Ets.TableOptions<0>) as Ets.Table<
              Row,
              Term,
              Ets.TableKind
            >;
            const model = new Model(type);
            for (const o of ops) {
              apply(type, t, model, o);
              check(type, t, model);
            }
          }),
        ),
        { numRuns: 150 },
      );
    });
  }
});

describe("large random workloads against a model", () => {
  for (const type of ["set", "ordered_set", "bag", "duplicate_bag"] as const) {
    it(`${type}: thousands of keys, growing and shrinking`, SLOW, () =>
      withRuntime(() => {
        fc.assert(
          fc.property(
            fc.array(
              fc.tuple(
                fc.integer({ min: 0, max: 2000 }),
                fc.boolean(),
                fc.integer({ min: 0, max: 2 }),
              ),
              {
                minLength: 2000,
                maxLength: 6000,
              },
            ),
            (steps) => {
              const t = Ets.create<[number, number]>("big", { type } as Ets.TableOptions<0>);
              const model = new Map<number, [number, number][]>();
              for (const [k, add, v] of steps) {
                if (add) {
                  Ets.insert(t, [k, v]);
                  const list = model.get(k) ?? [];
                  if (type === "set" || type === "ordered_set") model.set(k, [[k, v]]);
                  else if (type === "duplicate_bag" || !list.some((r) => r[1] === v))
                    model.set(k, [...list, [k, v]]);
                } else {
                  Ets.delete(t, k);
                  model.delete(k);
                }
              }
              const want = [...model.values()].flat();
              const got = Ets.toList(t);
              expect(got.length).toBe(want.length);
              if (type === "ordered_set") expect(got).toEqual(want.sort((a, b) => a[0] - b[0]));
              else
                expect(canonical(got as unknown as Row[])).toEqual(
                  canonical(want as unknown as Row[]),
                );
              for (const [k, rows] of model)
                expect(Ets.lookup(t, k)).toEqual(type === "bag" ? expect.anything() : rows);
              Ets.deleteTable(t);
            },
          ),
          { numRuns: 20 },
        );
      }),
    );
  }
});

describe("folds that change the table", () => {
  for (const type of ["set", "ordered_set", "bag", "duplicate_bag"] as const) {
    it(`${type}: each object at most once; every object that stays is seen`, SLOW, () =>
      withRuntime(() => {
        fc.assert(
          fc.property(
            fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 300 }),
            fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 600 })), { maxLength: 600 }),
            (initial, changes) => {
              const t = Ets.create<[number, number]>("fold", { type } as Ets.TableOptions<0>);
              for (const [i, k] of initial.entries()) Ets.insert(t, [k, i]);
              const start = Ets.toList(t);
              const touched = new Set<number>();
              const seen: (readonly [number, number])[] = [];
              let step = 0;
              Ets.foldl(
                t,
                (row, acc: null) => {
                  seen.push(row);
                  // A few changes per step, some of them making the table grow a lot.
                  for (let j = 0; j < 3 && step < changes.length; j++, step++) {
                    const [add, k] = changes[step] as [boolean, number];
                    touched.add(k);
                    if (add) for (let x = 0; x < 5; x++) Ets.insert(t, [k + x * 1000, -1]);
                    else Ets.delete(t, k);
                  }
                  return acc;
                },
                null,
              );
              expect(new Set(seen).size).toBe(seen.length);
              for (const row of start) {
                if (!touched.has(row[0])) expect(seen).toContain(row);
              }
              Ets.deleteTable(t);
            },
          ),
          { numRuns: 60 },
        );
      }),
    );
  }
});
