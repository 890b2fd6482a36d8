import { describe, expectTypeOf, test } from "vitest";
import type { Pid, Ref } from "../src/pid.js";
import {
  assertTerm,
  compare,
  equals,
  hash,
  isTerm,
  looseEquals,
  type Term,
  TermMap,
} from "../src/terms.js";

describe("Term", () => {
  test("accepts the supported values, nested", () => {
    expectTypeOf<number>().toExtend<Term>();
    expectTypeOf<bigint>().toExtend<Term>();
    expectTypeOf<string>().toExtend<Term>();
    expectTypeOf<boolean>().toExtend<Term>();
    expectTypeOf<null>().toExtend<Term>();
    expectTypeOf<undefined>().toExtend<Term>();
    expectTypeOf<Pid>().toExtend<Term>();
    expectTypeOf<Ref>().toExtend<Term>();
    expectTypeOf<[string, number]>().toExtend<Term>();
    expectTypeOf<readonly ["ok", { count: number }]>().toExtend<Term>();
    expectTypeOf<{ a: number; b?: string; c: [Pid, null] }>().toExtend<Term>();
    expectTypeOf<Record<string, number[]>>().toExtend<Term>();
    const literal = { user: "ann", tags: ["a", "b"], at: [2024, 1n] };
    expectTypeOf(literal).toExtend<Term>();
  });

  test("rejects values that are not terms", () => {
    expectTypeOf<symbol>().not.toExtend<Term>();
    expectTypeOf<() => void>().not.toExtend<Term>();
    expectTypeOf<Map<string, number>>().not.toExtend<Term>();
    expectTypeOf<Set<number>>().not.toExtend<Term>();
    expectTypeOf<Date>().not.toExtend<Term>();
    expectTypeOf<[string, Date]>().not.toExtend<Term>();
    expectTypeOf<{ f: () => void }>().not.toExtend<Term>();
    class Point {
      x = 1;
      move(): void {}
    }
    expectTypeOf<Point>().not.toExtend<Term>();
  });
});

test("equals, looseEquals, compare and hash take terms", () => {
  expectTypeOf(equals).parameters.toEqualTypeOf<[Term, Term]>();
  expectTypeOf(equals).returns.toEqualTypeOf<boolean>();
  expectTypeOf(looseEquals).returns.toEqualTypeOf<boolean>();
  expectTypeOf(compare).returns.toEqualTypeOf<-1 | 0 | 1>();
  expectTypeOf(hash).parameter(0).toEqualTypeOf<Term>();
  expectTypeOf(hash).returns.toEqualTypeOf<number>();
  // @ts-expect-error a Map is not a term
  equals(new Map(), 1);
  // @ts-expect-error a function is not a term
  hash(() => 1);
  // compare works as an Array#sort comparator
  expectTypeOf([3, "a", [1]].sort(compare)).toEqualTypeOf<(string | number | number[])[]>();
});

test("isTerm and assertTerm narrow unknown to Term", () => {
  const value: unknown = ["a", 1];
  if (isTerm(value)) expectTypeOf(value).toEqualTypeOf<Term>();
  const other: unknown = 1;
  assertTerm(other, "other");
  expectTypeOf(other).toEqualTypeOf<Term>();
});

describe("TermMap", () => {
  test("carries key and value types", () => {
    const m = new TermMap<[string, number], { hits: number }>();
    expectTypeOf(m.get(["a", 1])).toEqualTypeOf<{ hits: number } | undefined>();
    expectTypeOf(m.set(["a", 1], { hits: 1 })).toEqualTypeOf<
      TermMap<[string, number], { hits: number }>
    >();
    expectTypeOf(m.has(["a", 1])).toEqualTypeOf<boolean>();
    expectTypeOf(m.delete(["a", 1])).toEqualTypeOf<boolean>();
    expectTypeOf(m.size).toEqualTypeOf<number>();
    expectTypeOf([...m]).toEqualTypeOf<[[string, number], { hits: number }][]>();
    expectTypeOf([...m.keys()]).toEqualTypeOf<[string, number][]>();
    expectTypeOf([...m.values()]).toEqualTypeOf<{ hits: number }[]>();
    m.forEach((value, key, map) => {
      expectTypeOf(value).toEqualTypeOf<{ hits: number }>();
      expectTypeOf(key).toEqualTypeOf<[string, number]>();
      expectTypeOf(map).toEqualTypeOf<TermMap<[string, number], { hits: number }>>();
    });
    // @ts-expect-error the key has the wrong shape
    m.get(["a", "b"]);
    // @ts-expect-error the value has the wrong type
    m.set(["a", 1], 1);
  });

  test("infers types from initial entries and defaults to Term keys", () => {
    const m = new TermMap([[["k", 1] as [string, number], "v"]]);
    expectTypeOf(m).toEqualTypeOf<TermMap<[string, number], string>>();
    expectTypeOf(new TermMap()).toEqualTypeOf<TermMap<Term, unknown>>();
  });

  test("only accepts term keys", () => {
    // @ts-expect-error Date is not a term
    new TermMap<Date, number>();
    // @ts-expect-error a symbol is not a term
    new TermMap<symbol, number>();
  });
});
