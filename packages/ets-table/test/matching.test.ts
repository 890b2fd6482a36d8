import { BadArgumentError, self, type Term } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Ets from "@trellis/ets-table";
import { describe, expect, it } from "vitest";
import { compileSpec } from "../src/match.js";

const { $1, $2, $3, _, $_, $$, expr } = Ets;

const sorted = <T>(xs: T[]): T[] =>
  [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

function people(): Ets.Table<[id: number, name: string, age: number]> {
  const t = Ets.create<[id: number, name: string, age: number]>("people", { type: "ordered_set" });
  Ets.insertMany(t, [
    [1, "ann", 31],
    [2, "bob", 17],
    [3, "cid", 45],
    [4, "dee", 17],
  ]);
  return t;
}

describe("match and matchObject (item 14)", () => {
  it("match returns the bindings in variable order; _ binds nothing", () =>
    withRuntime(() => {
      const t = people();
      expect(Ets.match(t, [$2, $1, 17])).toEqual([
        ["bob", 2],
        ["dee", 4],
      ]);
      expect(Ets.match(t, [_, _, 45])).toEqual([[]]);
      expect(Ets.match(t, [$1, "nobody", _])).toEqual([]);
    }));

  it("a variable used twice must match equal values", () =>
    withRuntime(() => {
      const t = Ets.create<[number, number]>("t");
      Ets.insertMany(t, [
        [1, 1],
        [2, 3],
      ]);
      expect(Ets.matchObject(t, [$1, $1])).toEqual([[1, 1]]);
    }));

  it("matchObject returns whole objects; patterns go into tuples and maps", () =>
    withRuntime(() => {
      const t = Ets.create<[string, Term]>("t", { type: "bag" });
      Ets.insertMany(t, [
        ["a", { kind: "x", n: 1 }],
        ["a", { kind: "y", n: 2 }],
        ["b", ["pair", 1]],
        ["c", ["pair", 1, 2]],
      ]);
      expect(Ets.matchObject(t, [_, { kind: "x" }])).toEqual([["a", { kind: "x", n: 1 }]]);
      expect(Ets.match(t, [_, { n: $1 }])).toEqual([[1], [2]]);
      expect(Ets.matchObject(t, [_, ["pair", _]])).toEqual([["b", ["pair", 1]]]);
      expect(Ets.matchObject(t, _)).toHaveLength(4);
      expect(Ets.match(t, $1)).toHaveLength(4);
    }));

  it("patterns match exactly (=:=), also on an ordered_set", () =>
    withRuntime(() => {
      const t = Ets.create("t", { type: "ordered_set" });
      Ets.insert(t, [1, "a"]);
      expect(Ets.matchObject(t, [1n, _])).toEqual([]);
      expect(Ets.lookup(t, 1n)).toHaveLength(1);
    }));
});

describe("select (item 15)", () => {
  it("bodies: $_, $$, a variable, constructed tuples and maps, calls", () =>
    withRuntime(() => {
      const t = people();
      const adults = [[$1, $2, $3], [expr(">=", $3, 18)]] as const;
      expect(Ets.select(t, [[...adults, [$_]]])).toEqual([
        [1, "ann", 31],
        [3, "cid", 45],
      ]);
      expect(Ets.select(t, [[...adults, [$$]]])).toEqual([
        [1, "ann", 31],
        [3, "cid", 45],
      ]);
      expect(Ets.select(t, [[...adults, [$2]]])).toEqual(["ann", "cid"]);
      expect(Ets.select(t, [[...adults, [[$2, expr("+", $3, 1)]]]])).toEqual([
        ["ann", 32],
        ["cid", 46],
      ]);
      expect(Ets.select(t, [[...adults, [{ who: $2, id: $1 }]]])).toEqual([
        { who: "ann", id: 1 },
        { who: "cid", id: 3 },
      ]);
      expect(Ets.select(t, [[[$1, _, _], [], ["ignored", $1]]])).toEqual([1, 2, 3, 4]);
    }));

  it("guards: comparisons, type tests, constants, boolean operators", () =>
    withRuntime(() => {
      const t = Ets.create<[string, Term]>("t");
      Ets.insertMany(t, [
        ["int", 2],
        ["float", 2.5],
        ["big", 5n],
        ["str", "x"],
        ["bool", true],
        ["nil", null],
        ["tuple", [1, 2]],
        ["map", { a: 1 }],
        ["pid", self()],
      ]);
      const which = (...guards: Ets.Expr[]): Term[] =>
        sorted(Ets.select(t, [[[$1, $2], guards, [$1]]]));
      expect(which(expr("is_integer", $2))).toEqual(["big", "int"]);
      expect(which(expr("is_float", $2))).toEqual(["float"]);
      expect(which(expr("is_number", $2))).toEqual(["big", "float", "int"]);
      expect(which(expr("is_atom", $2))).toEqual(["bool", "nil"]);
      expect(which(expr("is_boolean", $2))).toEqual(["bool"]);
      expect(which(expr("is_binary", $2))).toEqual(["str"]);
      expect(which(expr("is_tuple", $2))).toEqual(["tuple"]);
      expect(which(expr("is_map", $2))).toEqual(["map"]);
      expect(which(expr("is_pid", $2))).toEqual(["pid"]);
      expect(which(expr(">", $2, 1), expr("is_number", $2))).toEqual(["big", "float", "int"]);
      expect(which(expr("=:=", $2, 2))).toEqual(["int"]);
      expect(which(expr("==", $2, 5))).toEqual(["big"]);
      expect(which(expr("=:=", $2, 5))).toEqual([]);
      expect(which(expr("orelse", expr("=:=", $1, "str"), expr("=:=", $1, "int")))).toEqual([
        "int",
        "str",
      ]);
      expect(which(expr("not", expr("is_number", $2)), expr("is_tuple", $2))).toEqual(["tuple"]);
      expect(which(expr("=:=", expr("tuple_size", $2), 2))).toEqual(["tuple"]);
      expect(which(expr("=:=", expr("at", $2, 1), 2))).toEqual(["tuple"]);
      expect(which(expr("=:=", expr("map_get", "a", $2), 1))).toEqual(["map"]);
      expect(which(expr("is_map_key", "a", $2))).toEqual(["map"]);
      expect(which(expr("=:=", $2, expr("self")))).toEqual(["pid"]);
      // A guard that fails (arithmetic on a string) is false, not an error.
      expect(which(expr(">", expr("+", $2, 1), 0))).toEqual(["big", "float", "int"]);
      // A guard must be exactly true.
      expect(which($2)).toEqual(["bool"]);
      expect(which(true)).toHaveLength(9);
    }));

  it("arithmetic follows the Erlang functions", () =>
    withRuntime(() => {
      const t = Ets.create<[string, number]>("t");
      Ets.insert(t, ["k", 7]);
      const calc = (e: Ets.Expr): Term => Ets.select(t, [[[_, $1], [], [e]]])[0] as Term;
      expect(calc(expr("-", $1))).toBe(-7);
      expect(calc(expr("-", $1, 2))).toBe(5);
      expect(calc(expr("*", $1, 3))).toBe(21);
      expect(calc(expr("/", $1, 2))).toBe(3.5);
      expect(calc(expr("div", $1, 2))).toBe(3);
      expect(calc(expr("rem", $1, 4))).toBe(3);
      expect(calc(expr("band", $1, 3))).toBe(3);
      expect(calc(expr("bor", $1, 8))).toBe(15);
      expect(calc(expr("bsl", $1, 40))).toBe(7 * 2 ** 40);
      expect(calc(expr("bnot", $1))).toBe(-8);
      expect(calc(expr("abs", -2.5))).toBe(2.5);
      expect(calc(expr("round", 2.5))).toBe(3);
      expect(calc(expr("round", -2.5))).toBe(-3);
      expect(calc(expr("trunc", -2.7))).toBe(-2);
      expect(calc(expr("max", $1, "a"))).toBe("a");
      expect(calc(expr("min", $1, "a"))).toBe(7);
      expect(calc(expr("+", 2n, 3n))).toBe(5n);
      expect(calc(expr("byte_size", "héllo"))).toBe(6);
      expect(calc(expr("andalso", true, $1))).toBe(7);
    }));

  it("a body that fails throws a BadArgumentError naming the object", () =>
    withRuntime(() => {
      const t = Ets.create<[string, number]>("t");
      Ets.insert(t, ["k", 1]);
      expect(() => Ets.select(t, [[[$1, _], [], [expr("+", $1, 1)]]])).toThrow(
        /a match spec body failed on the object \["k", 1\]: \+: "k" is not a number/,
      );
    }));

  it("clauses are tried in order", () =>
    withRuntime(() => {
      const t = people();
      expect(
        Ets.select(t, [
          [[_, _, 17], [], ["minor"]],
          [[_, "ann", _], [], ["ann"]],
          [_, [], ["other"]],
        ]),
      ).toEqual(["ann", "minor", "other", "minor"]);
    }));

  it("a malformed spec is a BadArgumentError, and nothing runs", () =>
    withRuntime(() => {
      const t = people();
      const bad = (spec: unknown, re: RegExp): void => {
        expect(() => Ets.select(t, spec as never)).toThrow(re);
      };
      bad("spec", /a match spec is an array/);
      bad([[_, []]], /clause 0 must be \[head, guards, body\]/);
      bad([[_, "g", [$_]]], /guards of clause 0 must be an array/);
      bad([[_, [], []]], /body of clause 0 must be a non-empty array/);
      bad([[_, [], [$1]]], /the variable \$1 .* is not bound in the head/);
      bad([[[$1, _, _], [$2], [$_]]], /the variable \$2/);
      bad([[[$1, _, _], [], [_]]], /_ .* can only be used in a pattern/);
      bad([[[$_, _, _], [], [true]]], /can only be used in a guard or a body/);
      bad([[[$1, () => 1, _], [], [true]]], /not a term/);
      expect(() => expr("frobnicate" as never, $1)).toThrow(
        /is not a function a match spec may call/,
      );
      expect(() => expr(">", $1)).toThrow(/takes 2 argument\(s\), got 1/);
      expect(() => Ets.variable(-1)).toThrow(BadArgumentError);
      expect(Ets.variable(1)).toBe($1);
      expect(String(expr(">", $1, 2))).toBe("{'>', $1, 2}");
    }));
});

describe("select with a limit, selectCount, selectDelete, selectReplace, matchDelete (item 16)", () => {
  it("returns chunks and a continuation, then END_OF_TABLE", () =>
    withRuntime(() => {
      for (const type of ["set", "ordered_set", "bag", "duplicate_bag"] as const) {
        const t = Ets.create<[number, number]>("t", { type });
        for (let i = 0; i < 10; i++) Ets.insert(t, [i, i * i]);
        const got: number[] = [];
        let chunk = Ets.select(t, [[[$1, _], [expr(">", $1, 2)], [$1]]], 3);
        let chunks = 0;
        while (chunk !== Ets.END_OF_TABLE) {
          const [rows, cont] = chunk;
          expect(rows.length).toBeLessThanOrEqual(3);
          got.push(...(rows as number[]));
          chunks++;
          chunk = Ets.select(cont);
        }
        expect(chunks).toBe(3);
        expect(got.sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9]);
      }
    }));

  it("an empty table, or nothing matching, gives END_OF_TABLE at once; a bad limit fails", () =>
    withRuntime(() => {
      const t = Ets.create<[number]>("t");
      expect(Ets.select(t, [[_, [], [$_]]], 5)).toBe(Ets.END_OF_TABLE);
      Ets.insert(t, [1]);
      expect(Ets.select(t, [[[2], [], [$_]]], 5)).toBe(Ets.END_OF_TABLE);
      expect(() => Ets.select(t, [[_, [], [$_]]], 0)).toThrow(/limit must be a positive integer/);
    }));

  it("match and matchObject with a limit and continuation", () =>
    withRuntime(() => {
      const t = people();
      const first = Ets.match(t, [$1, _, _], 3);
      expect(first).not.toBe(Ets.END_OF_TABLE);
      const [rows, cont] = first as Ets.Chunk<Term[]>;
      expect(rows).toEqual([[1], [2], [3]]);
      const second = Ets.match(cont);
      expect(second !== Ets.END_OF_TABLE && second[0]).toEqual([[4]]);
      const objs = Ets.matchObject(t, [_, _, 17], 1);
      expect(objs !== Ets.END_OF_TABLE && objs[0]).toEqual([[2, "bob", 17]]);
      const more = objs !== Ets.END_OF_TABLE ? Ets.matchObject(objs[1]) : objs;
      expect(more !== Ets.END_OF_TABLE && more[0]).toEqual([[4, "dee", 17]]);
    }));

  // BEAM (OTP 25): for set, ordered_set, bag and duplicate_bag, ets:select(K) twice on the
  // same continuation K returns the same chunk.
  it("a continuation is a value: resuming it twice gives the same chunk, for every type", () =>
    withRuntime(() => {
      for (const type of ["set", "ordered_set", "bag", "duplicate_bag"] as const) {
        const t = Ets.create<[number, number]>("t", { type });
        for (let i = 0; i < 10; i++) Ets.insert(t, [i, i]);
        const first = Ets.select(t, [[_, [], [$_]]], 3);
        if (first === Ets.END_OF_TABLE) throw new Error("expected a chunk");
        const a = Ets.select(first[1]);
        const b = Ets.select(first[1]);
        if (a === Ets.END_OF_TABLE || b === Ets.END_OF_TABLE) throw new Error("expected chunks");
        expect(b[0]).toEqual(a[0]);
        // going on from either gives the same rest, and every object exactly once
        const rest = (c: Ets.Continuation<[number, number]>): number[] => {
          const out: number[] = [];
          for (let x = Ets.select(c); x !== Ets.END_OF_TABLE; x = Ets.select(x[1]))
            out.push(...x[0].map((o) => o[0]));
          return out;
        };
        const fromA = rest(a[1]);
        expect(rest(b[1])).toEqual(fromA);
        const all = [...first[0], ...a[0]].map((o) => o[0]).concat(fromA);
        expect(all.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        // the first chunk's continuation still gives its chunk after the rest was read
        const again = Ets.select(first[1]);
        expect(again !== Ets.END_OF_TABLE && again[0]).toEqual(a[0]);
      }
    }));

  it("a continuation of a deleted table fails", () =>
    withRuntime(() => {
      const t = people();
      const chunk = Ets.select(t, [[_, [], [$_]]], 1);
      Ets.deleteTable(t);
      expect(() => chunk !== Ets.END_OF_TABLE && Ets.select(chunk[1])).toThrow(Ets.NoTableError);
    }));

  it("a continuation sees the table as it goes on, without repeating objects", () =>
    withRuntime(() => {
      const t = Ets.create<[number]>("t", { type: "ordered_set" });
      for (let i = 0; i < 10; i++) Ets.insert(t, [i]);
      const c1 = Ets.select(t, [[_, [], [$_]]], 4);
      if (c1 === Ets.END_OF_TABLE) throw new Error("expected a chunk");
      Ets.delete(t, 4);
      Ets.insert(t, [100]);
      Ets.insert(t, [1.5]);
      const rest: Term[] = [];
      for (let c = Ets.select(c1[1]); c !== Ets.END_OF_TABLE; c = Ets.select(c[1]))
        rest.push(...c[0]);
      expect(rest).toEqual([[5], [6], [7], [8], [9], [100]]);
    }));

  it("selectCount counts the objects whose result is true", () =>
    withRuntime(() => {
      const t = people();
      expect(Ets.selectCount(t, [[[_, _, $1], [expr("<", $1, 18)], [true]]])).toBe(2);
      expect(Ets.selectCount(t, [[[_, _, $1], [], [$1]]])).toBe(0);
    }));

  it("selectDelete deletes the objects whose result is true and counts them", () =>
    withRuntime(() => {
      const t = people();
      expect(Ets.selectDelete(t, [[[_, _, $1], [expr("<", $1, 18)], [true]]])).toBe(2);
      expect(Ets.toList(t).map(([id]) => id)).toEqual([1, 3]);
      const dup = Ets.create<[string, number]>("d", { type: "duplicate_bag" });
      Ets.insertMany(dup, [
        ["k", 1],
        ["k", 1],
        ["k", 2],
      ]);
      expect(Ets.selectDelete(dup, [[["k", 1], [], [true]]])).toBe(2);
      expect(Ets.lookup(dup, "k")).toEqual([["k", 2]]);
    }));

  it("selectReplace replaces objects with results that keep the key, atomically", () =>
    withRuntime(() => {
      const t = people();
      expect(
        Ets.selectReplace(t, [[[$1, $2, $3], [expr("<", $3, 18)], [[$1, $2, expr("+", $3, 1)]]]]),
      ).toBe(2);
      expect(Ets.lookup(t, 2)).toEqual([[2, "bob", 18]]);
      expect(() =>
        Ets.selectReplace(t, [[[$1, $2, $3], [], [[expr("+", $1, 10), $2, $3]]]]),
      ).toThrow(/must be a row with the same key/);
      expect(() => Ets.selectReplace(t, [[[$1, $2, $3], [], [[1n, $2, $3]]]])).toThrow(
        BadArgumentError,
      );
      expect(Ets.toList(t)).toEqual([
        [1, "ann", 31],
        [2, "bob", 18],
        [3, "cid", 45],
        [4, "dee", 18],
      ]);
      const bag = Ets.create("b", { type: "bag" });
      expect(() => Ets.selectReplace(bag as never, [[_, [], [$_]]])).toThrow(/is a bag/);
    }));

  it("matchDelete deletes what matches", () =>
    withRuntime(() => {
      const t = people();
      expect(Ets.matchDelete(t, [_, _, 17])).toBe(true);
      expect(Ets.info(t, "size")).toBe(2);
    }));
});

describe("narrowed scans", () => {
  const ks = (spec: Ets.MatchSpec, keyPos = 0): string =>
    compileSpec(spec, keyPos, true, "test").keys.kind;

  it("a bound key, a bound tuple prefix, or key guards narrow the scan", () => {
    expect(ks([[[5, _], [], [$_]]])).toBe("exact");
    expect(ks([[[["user", 5], _], [], [$_]]])).toBe("exact");
    expect(ks([[[["user", _], _], [], [$_]]])).toBe("range");
    expect(ks([[[$1, _], [expr(">=", $1, 5), expr("<", $1, 9)], [$_]]])).toBe("range");
    expect(ks([[[$1, _], [expr("andalso", expr(">", 5, $1), expr("is_integer", $1))], [$_]]])).toBe(
      "range",
    );
    expect(ks([[[_, $1], [expr(">", $1, 5)], [$_]]], 1)).toBe("range");
    expect(ks([[[5, _], [], [$_]]], 1)).toBe("all");
    expect(ks([[[$1, _], [expr("orelse", expr(">", $1, 5), true)], [$_]]])).toBe("all");
    expect(ks([[_, [], [$_]]])).toBe("all");
    expect(ks([[[[_, 1], _], [], [$_]]])).toBe("all");
    expect(
      ks([
        [[1, _], [], [$_]],
        [[2, _], [], [$_]],
      ]),
    ).toBe("keys");
  });

  it("narrowed scans return exactly what a full scan would", () =>
    withRuntime(() => {
      for (const type of ["set", "ordered_set", "bag"] as const) {
        const t = Ets.create<[Term, number]>("t", { type });
        for (let i = 0; i < 300; i++) {
          Ets.insert(t, [i, i]);
          Ets.insert(t, [["user", i % 7, i], i]);
          Ets.insert(t, [["user", i % 7], i]);
          Ets.insert(t, [`s${i}`, i]);
        }
        const check = (spec: Ets.MatchSpec<[Term, number]>): void => {
          const got = Ets.select(t, spec);
          const want = Ets.toList(t).filter((row) => {
            const probe = Ets.create<[Term, number]>("probe", { type });
            Ets.insert(probe, row);
            const hit = Ets.select(probe, spec).length > 0;
            Ets.deleteTable(probe);
            return hit;
          });
          expect(sorted(got as Term[])).toEqual(sorted(want));
        };
        check([[[["user", 3], _], [], [$_]]]);
        check([[[["user", 3, _], _], [], [$_]]]);
        check([[[$1, _], [expr(">=", $1, 100), expr("<", $1, 110)], [$_]]]);
        check([[[$1, _], [expr(">", 100, $1), expr(">=", $1, 95)], [$_]]]);
        check([[[$1, _], [expr("==", $1, 42n)], [$_]]]);
        check([[[$1, _], [expr(">", $1, "s5")], [$_]]]);
        check([
          [[7, _], [], [$_]],
          [["s7", _], [], [$_]],
          [[7, _], [], [$_]],
        ]);
      }
    }));
});

describe("Erlang-shaped specs", () => {
  it("converts strings for variables, wildcards and results, calls, const and {{…}}", () =>
    withRuntime(() => {
      const t = people();
      const spec = Ets.fromErlangMatchSpec<[number, string, number]>([
        [
          ["$1", "$2", "$3"],
          [
            [">=", "$3", 18],
            ["=/=", "$2", ["const", "cid"]],
          ],
          [[["$2", "$1"]]],
        ],
      ]);
      expect(Ets.select(t, spec)).toEqual([["ann", 1]]);
      expect(
        Ets.select(
          t,
          Ets.fromErlangMatchSpec<[number, string, number]>([[["$1", "_", "_"], [], ["$$"]]]),
        ),
      ).toHaveLength(4);
      expect(
        Ets.select(t, Ets.fromErlangMatchSpec<[number, string, number]>([["_", [], ["$_"]]])),
      ).toHaveLength(4);
      expect(
        Ets.select(
          t,
          Ets.fromErlangMatchSpec<[number, string, number]>([
            ["$1", [["=:=", ["element", 2, "$1"], "bob"]], [true]],
          ]),
        ),
      ).toEqual([true]);
      expect(
        Ets.matchObject(t, Ets.fromErlangPattern<[number, string, number]>(["_", "_", 17])),
      ).toHaveLength(2);
      expect(Ets.fromErlangPattern(["$1", "_", ["x", "$12"]])).toEqual([
        $1,
        _,
        ["x", Ets.variable(12)],
      ]);
    }));

  it("refuses an unknown function, and a strings-as-atoms spec is not a typed spec", () =>
    withRuntime(() => {
      const t = people();
      expect(() =>
        Ets.fromErlangMatchSpec<[number, string, number]>([["_", [["foo", "$1"]], ["$_"]]]),
      ).toThrow(/not a function/);
      expect(() => Ets.fromErlangMatchSpec("x")).toThrow(BadArgumentError);
      // In the typed form "$1" and "_" are plain strings: no collision with data.
      Ets.insert(t, [9, "_", 0]);
      expect(Ets.matchObject(t, [_, "_", _])).toEqual([[9, "_", 0]]);
    }));
});
