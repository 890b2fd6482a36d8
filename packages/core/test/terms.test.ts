import { describe, expect, it } from "vitest";
import { BadArgumentError } from "../src/errors.js";
import { Pid, Ref } from "../src/pid.js";
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

const pid = (id: number, node = "nonode@nohost"): Pid => new Pid(node, id, 0, 0);
const ref = (id: number, node = "nonode@nohost"): Ref => new Ref(node, id, 0);

/** Sorting that also orders `undefined` (Array#sort moves it to the end by itself). */
const sorted = (xs: Term[]): Term[] => {
  const copy = xs.slice();
  for (let i = 1; i < copy.length; i++) {
    for (let j = i; j > 0 && compare(copy[j - 1], copy[j]) > 0; j--) {
      [copy[j - 1], copy[j]] = [copy[j], copy[j - 1]];
    }
  }
  return copy;
};

/**
 * Two different 2-tuples with the same hash. Hashing is deterministic, so this always finds
 * the same pair; by the birthday bound it takes about 100k keys.
 */
const collidingKeys = (): [Term, Term] => {
  const seen = new Map<number, Term>();
  for (let i = 0; i < 2_000_000; i++) {
    const key: Term = [i % 1000, Math.floor(i / 1000)];
    const h = hash(key);
    const other = seen.get(h);
    if (other !== undefined) return [other, key];
    seen.set(h, key);
  }
  throw new Error("no collision found");
};

/** Values that are not terms, with how they are described in error messages. */
const nonTerms: [string, unknown][] = [
  ["symbol", Symbol("s")],
  ["function", () => 1],
  ["Map", new Map()],
  ["Set", new Set()],
  ["Date", new Date(0)],
  ["class instance", new (class Point {})()],
  ["RegExp", /x/],
  ["Uint8Array", new Uint8Array(2)],
  ["boxed string", new String("x")],
];

describe("equals", () => {
  it("compares primitives with ===", () => {
    expect(equals(1, 1)).toBe(true);
    expect(equals(1, 2)).toBe(false);
    expect(equals(1.5, 1.5)).toBe(true);
    expect(equals("a", "a")).toBe(true);
    expect(equals("a", "A")).toBe(false);
    expect(equals(true, true)).toBe(true);
    expect(equals(true, false)).toBe(false);
    expect(equals(null, null)).toBe(true);
    expect(equals(undefined, undefined)).toBe(true);
    expect(equals(null, undefined)).toBe(false);
    expect(equals(10n, 10n)).toBe(true);
    expect(equals(2n ** 80n, 2n ** 80n)).toBe(true);
  });

  it("treats NaN as equal to itself and 0 as equal to -0", () => {
    expect(equals(Number.NaN, Number.NaN)).toBe(true);
    expect(equals(0, -0)).toBe(true);
    expect(equals(-0, 0)).toBe(true);
    expect(equals(Number.NaN, 0)).toBe(false);
    expect(equals([Number.NaN, -0], [Number.NaN, 0])).toBe(true);
  });

  it("never equates a bigint with a number (Erlang's 1 =:= 1.0 is false)", () => {
    expect(equals(1n, 1)).toBe(false);
    expect(equals(1, 1n)).toBe(false);
    expect(equals(0n, 0)).toBe(false);
    expect(equals(["k", 1n], ["k", 1])).toBe(false);
  });

  it("does not equate values of different kinds", () => {
    expect(equals(0, false)).toBe(false);
    expect(equals("", false)).toBe(false);
    expect(equals("1", 1)).toBe(false);
    expect(equals([], {})).toBe(false);
    expect(equals({}, [])).toBe(false);
    expect(equals(null, {})).toBe(false);
    expect(equals(["a"], "a")).toBe(false);
  });

  it("compares arrays structurally", () => {
    expect(equals([], [])).toBe(true);
    expect(equals([1, "a", [true, null]], [1, "a", [true, null]])).toBe(true);
    expect(equals([1, 2], [2, 1])).toBe(false);
    expect(equals([1], [1, undefined])).toBe(false);
    expect(equals([[1]], [[2]])).toBe(false);
  });

  it("compares plain objects structurally, whatever the key order", () => {
    expect(equals({}, {})).toBe(true);
    expect(equals({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(equals({ a: { x: [1] } }, { a: { x: [1] } })).toBe(true);
    expect(equals({ a: 1 }, { a: 2 })).toBe(false);
    expect(equals({ a: 1 }, { b: 1 })).toBe(false);
    expect(equals({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(equals({ a: undefined }, {})).toBe(false);
    expect(equals({ a: undefined }, { b: undefined })).toBe(false);
  });

  it("treats null-prototype objects as plain objects", () => {
    const bare = Object.assign(Object.create(null) as Record<string, Term>, { a: 1 });
    expect(equals(bare, { a: 1 })).toBe(true);
    expect(isTerm(bare)).toBe(true);
  });

  it("compares pids and refs by identity", () => {
    const p = pid(5);
    const r = ref(7);
    expect(equals(p, p)).toBe(true);
    expect(equals(r, r)).toBe(true);
    expect(equals(p, pid(5))).toBe(false);
    expect(equals(r, ref(7))).toBe(false);
    expect(equals([p, r], [p, r])).toBe(true);
  });

  it("does not equate a pid with a ref or a plain copy", () => {
    expect(equals(pid(1) as Term, ref(1))).toBe(false);
    expect(equals(pid(1), { node: "nonode@nohost", id: 1, serial: 0, creation: 0 })).toBe(false);
  });
});

describe("compare: the order of kinds", () => {
  // One test per adjacent pair: number < atom < ref < pid < tuple < map < string.
  const boundaries: [string, Term, Term][] = [
    ["number < atom", Number.POSITIVE_INFINITY, false],
    ["NaN < atom", Number.NaN, false],
    ["bigint < atom", 2n ** 100n, false],
    ["atom < ref", undefined, ref(1)],
    ["ref < pid", ref(Number.MAX_SAFE_INTEGER), pid(0)],
    ["pid < tuple", pid(Number.MAX_SAFE_INTEGER), []],
    ["tuple < map", [9, 9, 9, 9, 9], {}],
    ["map < string", { z: "z" }, ""],
  ];
  for (const [name, lo, hi] of boundaries) {
    it(name, () => {
      expect(compare(lo, hi)).toBe(-1);
      expect(compare(hi, lo)).toBe(1);
    });
  }

  it("sorts a mixed list into Erlang's order", () => {
    const p = pid(1);
    const r = ref(1);
    const input: Term[] = ["str", { m: 1 }, ["a", "b"], ["t"], p, r, "abc", true, 3, 2.5];
    expect(sorted(input)).toEqual([2.5, 3, true, r, p, ["t"], ["a", "b"], { m: 1 }, "abc", "str"]);
  });
});

describe("compare: numbers", () => {
  it("orders numbers by value", () => {
    expect(compare(1, 2)).toBe(-1);
    expect(compare(2, 1)).toBe(1);
    expect(compare(-1.5, 1)).toBe(-1);
    expect(compare(Number.NEGATIVE_INFINITY, -Number.MAX_VALUE)).toBe(-1);
    expect(compare(Number.MAX_VALUE, Number.POSITIVE_INFINITY)).toBe(-1);
  });

  it("compares bigints and numbers by value (Erlang's 1 == 1.0)", () => {
    expect(compare(1n, 1)).toBe(0);
    expect(compare(1, 1n)).toBe(0);
    expect(compare(1n, 1.5)).toBe(-1);
    expect(compare(2n, 1.5)).toBe(1);
    expect(compare(-3n, -2.5)).toBe(-1);
    expect(looseEquals(1n, 1)).toBe(true);
    expect(equals(1n, 1)).toBe(false);
  });

  it("compares bigints beyond 2^53 exactly", () => {
    const big = 2n ** 53n;
    expect(compare(big, 2 ** 53)).toBe(0);
    expect(compare(big + 1n, 2 ** 53)).toBe(1);
    expect(compare(2 ** 53, big + 1n)).toBe(-1);
    expect(compare(2n ** 1024n, Number.MAX_VALUE)).toBe(1);
    expect(compare(2n ** 1024n, Number.POSITIVE_INFINITY)).toBe(-1);
  });

  it("treats -0 as 0", () => {
    expect(compare(-0, 0)).toBe(0);
    expect(compare(0, -0)).toBe(0);
    expect(compare(-0, 0n)).toBe(0);
  });

  it("puts NaN after every other number and equal to itself", () => {
    expect(compare(Number.NaN, Number.NaN)).toBe(0);
    expect(compare(Number.POSITIVE_INFINITY, Number.NaN)).toBe(-1);
    expect(compare(Number.NaN, Number.POSITIVE_INFINITY)).toBe(1);
    expect(compare(2n ** 2000n, Number.NaN)).toBe(-1);
    expect(compare(Number.NaN, 0n)).toBe(1);
  });
});

describe("compare: atoms", () => {
  it("orders them by Erlang name: false < nil (null) < true < undefined", () => {
    expect(sorted([undefined, true, null, false])).toEqual([false, null, true, undefined]);
    expect(compare(false, null)).toBe(-1);
    expect(compare(null, true)).toBe(-1);
    expect(compare(true, undefined)).toBe(-1);
    expect(compare(undefined, undefined)).toBe(0);
  });
});

describe("compare: refs and pids", () => {
  it("uses Ref.compare and Pid.compare", () => {
    expect(compare(ref(1), ref(2))).toBe(-1);
    expect(compare(ref(2, "b@host"), ref(1, "a@host"))).toBe(1);
    expect(compare(pid(1), pid(2))).toBe(-1);
    expect(compare(pid(3), pid(2))).toBe(1);
  });

  it("compares distinct objects with the same fields as equal in the order only", () => {
    expect(compare(pid(4), pid(4))).toBe(0);
    expect(equals(pid(4), pid(4))).toBe(false);
  });
});

describe("compare: tuples (arrays)", () => {
  it("puts shorter tuples first, whatever their elements", () => {
    expect(compare(["b"], ["a", "b"])).toBe(-1);
    expect(compare([], [0])).toBe(-1);
    expect(compare(["z", "z"], ["a", "a", "a"])).toBe(-1);
  });

  it("compares tuples of the same size element by element", () => {
    expect(compare(["a", 1], ["a", 2])).toBe(-1);
    expect(compare(["b", 0], ["a", 9])).toBe(1);
    expect(compare([1, [2]], [1, [2]])).toBe(0);
    expect(compare([1n, "x"], [1, "x"])).toBe(0);
  });
});

describe("compare: maps (plain objects)", () => {
  it("orders {a:1} < {a:2} < {b:0}", () => {
    expect(compare({ a: 1 }, { a: 2 })).toBe(-1);
    expect(compare({ a: 2 }, { b: 0 })).toBe(-1);
    expect(compare({ a: 1 }, { b: 0 })).toBe(-1);
  });

  it("puts maps with fewer keys first", () => {
    expect(compare({ z: 9 }, { a: 0, b: 0 })).toBe(-1);
    expect(compare({}, { a: 0 })).toBe(-1);
  });

  it("compares all the sorted keys before any value", () => {
    // keys [a, b] < [a, c], even though a's value is larger on the left
    expect(compare({ a: 9, b: 0 }, { a: 0, c: 0 })).toBe(-1);
    expect(compare({ c: 0, a: 0 }, { b: 0, a: 9 })).toBe(1);
  });

  it("compares the values in key order, whatever the insertion order", () => {
    expect(compare({ b: 1, a: 2 }, { a: 1, b: 2 })).toBe(1);
    expect(compare({ b: 2, a: 1 }, { a: 1, b: 2 })).toBe(0);
  });

  it("orders keys by code point, integer-like keys included", () => {
    // Object.keys lists "2" before "10"; as binaries "10" < "2".
    expect(compare({ "10": 0, x: 0 }, { "2": 0, x: 0 })).toBe(-1);
  });
});

describe("compare: strings (binaries)", () => {
  it("compares ASCII strings byte by byte, a prefix first", () => {
    expect(compare("a", "b")).toBe(-1);
    expect(compare("B", "a")).toBe(-1);
    expect(compare("abc", "abd")).toBe(-1);
    expect(compare("ab", "abc")).toBe(-1);
    expect(compare("", "a")).toBe(-1);
    expect(compare("same", "same")).toBe(0);
  });

  it("compares by code point, not by UTF-16 code unit", () => {
    // JavaScript's < says "\u{1F600}" < "\uFFFF" (0xD83D < 0xFFFF); UTF-8 says the opposite.
    expect("\u{1F600}" < "\uFFFF").toBe(true);
    expect(compare("\uFFFF", "\u{1F600}")).toBe(-1);
    expect(compare("\u{1F600}", "\uFFFF")).toBe(1);
    expect(compare("x\uE000", "x\u{10000}")).toBe(-1);
    expect(compare("\u{1F600}", "\u{1F601}")).toBe(-1);
    expect(compare("\u{1F600}a", "\u{1F600}b")).toBe(-1);
    expect(compare("\u{10FFFF}", "\u{10000}")).toBe(1);
  });

  it("matches the byte order of the UTF-8 encoding", () => {
    const samples = ["", "a", "é", "€", "\uFFFF", "\uE000", "\u{10000}", "\u{1F600}", "z\u{1F600}"];
    const bytes = (s: string): number[] => [...new TextEncoder().encode(s)];
    const byUtf8 = (x: string, y: string): number => {
      const bx = bytes(x);
      const by = bytes(y);
      for (let i = 0; i < Math.min(bx.length, by.length); i++) {
        if (bx[i] !== by[i]) return (bx[i] as number) - (by[i] as number);
      }
      return bx.length - by.length;
    };
    for (const x of samples) {
      for (const y of samples) expect(compare(x, y)).toBe(Math.sign(byUtf8(x, y)));
    }
  });

  it("orders lone surrogates consistently as their own code points", () => {
    expect(compare("\uD800", "\u{10000}")).toBe(-1); // U+D800 < U+10000
    expect(compare("\uDC00", "\uE000")).toBe(-1); // U+DC00 < U+E000
    expect(compare("\uD800x", "\uD800y")).toBe(-1);
    expect(compare("\uD800", "\uD800\uDC00")).toBe(-1);
  });
});

describe("looseEquals", () => {
  it("is compare(a, b) === 0", () => {
    expect(looseEquals({ n: 1n }, { n: 1 })).toBe(true);
    expect(looseEquals([1, 2], [1, 2])).toBe(true);
    expect(looseEquals([1, 2], [2, 1])).toBe(false);
    expect(looseEquals(Number.NaN, Number.NaN)).toBe(true);
  });
});

describe("hash", () => {
  it("returns a signed 32-bit integer", () => {
    for (const t of [0, 1, -1, 1.5, Number.NaN, 2n ** 70n, "", "abc", null, [1, 2], { a: 1 }]) {
      const h = hash(t);
      expect(Number.isInteger(h)).toBe(true);
      expect(h | 0).toBe(h);
    }
  });

  it("is equal for equal terms", () => {
    expect(hash(0)).toBe(hash(-0));
    expect(hash(Number.NaN)).toBe(hash(0 / 0));
    expect(hash([1, "a", { b: [null] }])).toBe(hash([1, "a", { b: [null] }]));
    expect(hash({ a: 1, b: 2, c: 3 })).toBe(hash({ c: 3, a: 1, b: 2 }));
    const p = pid(3);
    expect(hash([p])).toBe(hash([p]));
  });

  it("tells apart common near-misses", () => {
    const distinct: Term[] = [
      [1, 2],
      [2, 1],
      [1, [2]],
      [[1], 2],
      { a: 1 },
      { b: 1 },
      { a: 2 },
      { a: 1, b: 2 },
      { a: 2, b: 1 },
      [],
      {},
      "",
      0,
      false,
      null,
      undefined,
      "ab",
      "ba",
      1.5,
      2.5,
    ];
    expect(new Set(distinct.map(hash)).size).toBe(distinct.length);
  });

  it("spreads integers and 2-tuples over the 32 bits", () => {
    const hashes = new Set<number>();
    for (let i = 0; i < 1000; i++) for (let j = 0; j < 100; j++) hashes.add(hash([i, j]));
    expect(hashes.size).toBeGreaterThan(99_990);
    // low bits are used too (buckets keyed by hash & mask would not pile up)
    const low = new Set<number>();
    for (let i = 0; i < 4096; i++) low.add(hash(i * 1024) & 0xfff);
    expect(low.size).toBeGreaterThan(2400);
  });
});

describe("non-terms", () => {
  for (const [name, value] of nonTerms) {
    it(`rejects a ${name}`, () => {
      const v = value as Term;
      expect(isTerm(value)).toBe(false);
      expect(isTerm([1, { x: value }])).toBe(false);
      expect(() => compare(v, 1)).toThrow(BadArgumentError);
      expect(() => compare(1, v)).toThrow(BadArgumentError);
      expect(() => equals(v, 1)).toThrow(BadArgumentError);
      expect(() => equals("x", v)).toThrow(BadArgumentError);
      expect(() => equals(v, v)).toThrow(BadArgumentError);
      expect(() => hash(v)).toThrow(BadArgumentError);
      expect(() => hash([1, { x: v }])).toThrow(BadArgumentError);
      expect(() => new TermMap().set(v, 1)).toThrow(BadArgumentError);
      expect(() => new TermMap().get(v)).toThrow(BadArgumentError);
      expect(() => new TermMap().set([v], 1)).toThrow(BadArgumentError);
    });
  }

  it("says what was given and what is accepted", () => {
    expect(() => hash(new Map() as unknown as Term)).toThrow(
      /got a Map: a term is a number, bigint, string, boolean, null, undefined, Pid, Ref, array/,
    );
    expect(() => compare(Symbol("s") as unknown as Term, 1)).toThrow(/a symbol \(Symbol\(s\)\)/);
  });

  it("has BadArgumentError's code", () => {
    try {
      hash(new Set() as unknown as Term);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(BadArgumentError);
      expect((err as BadArgumentError).code).toBe("badarg");
    }
  });
});

describe("isTerm and assertTerm", () => {
  it("accepts every kind of term, nested", () => {
    const t: unknown = [1, 2n, "s", true, null, undefined, pid(1), ref(1), [{ a: [{}] }]];
    expect(isTerm(t)).toBe(true);
    expect(() => assertTerm(t, "the key")).not.toThrow();
  });

  it("accepts shared (but not cyclic) substructures", () => {
    const shared = [1];
    expect(isTerm([shared, shared, { a: shared }])).toBe(true);
  });

  it("rejects cycles", () => {
    const cyclic: unknown[] = [1];
    cyclic.push(cyclic);
    const obj: Record<string, unknown> = {};
    obj["self"] = { again: obj };
    expect(isTerm(cyclic)).toBe(false);
    expect(isTerm(obj)).toBe(false);
    expect(() => assertTerm(obj, "the state")).toThrow(/\.self\.again is a cyclic reference/);
  });

  it("rejects plain objects with symbol keys", () => {
    expect(isTerm({ [Symbol("k")]: 1 })).toBe(false);
  });

  it("names what was checked, where the problem is and what is accepted", () => {
    expect(() => assertTerm(["user", { at: new Date(0) }], "the key")).toThrow(BadArgumentError);
    expect(() => assertTerm(["user", { at: new Date(0) }], "the key")).toThrow(
      "the key is not a term: [1].at is a Date; a term is a number, bigint, string, boolean, null, undefined, Pid, Ref, array of terms or plain object of terms",
    );
    expect(() => assertTerm({ "odd key": [() => 1] }, "the value")).toThrow(
      /^the value is not a term: \["odd key"\]\[0\] is a function;/,
    );
    expect(() => assertTerm(Symbol.iterator, "the name")).toThrow(
      /^the name is not a term: got a symbol \(Symbol\(Symbol.iterator\)\)/,
    );
  });

  it("narrows the type", () => {
    const v: unknown = ["a", 1];
    assertTerm(v, "v");
    expect(hash(v)).toBe(hash(["a", 1]));
  });
});

describe("TermMap", () => {
  it("gets, sets, has, deletes and counts", () => {
    const m = new TermMap<Term, string>();
    expect(m.size).toBe(0);
    expect(m.set(1, "one")).toBe(m);
    m.set("1", "string one").set(["t", 1], "tuple").set({ k: 1 }, "map");
    expect(m.size).toBe(4);
    expect(m.get(1)).toBe("one");
    expect(m.get("1")).toBe("string one");
    expect(m.get(["t", 1])).toBe("tuple");
    expect(m.get({ k: 1 })).toBe("map");
    expect(m.get(2)).toBeUndefined();
    expect(m.has(["t", 1])).toBe(true);
    expect(m.has(["t", 2])).toBe(false);
    expect(m.delete(["t", 1])).toBe(true);
    expect(m.delete(["t", 1])).toBe(false);
    expect(m.delete(1)).toBe(true);
    expect(m.delete(1)).toBe(false);
    expect(m.size).toBe(2);
    m.clear();
    expect(m.size).toBe(0);
    expect(m.get({ k: 1 })).toBeUndefined();
  });

  it("replaces the value of an equal key", () => {
    const m = new TermMap<Term, number>();
    m.set(["a", 1], 1).set(["a", 1], 2);
    expect(m.size).toBe(1);
    expect(m.get(["a", 1])).toBe(2);
  });

  it("treats 0 and -0 as the same key", () => {
    const m = new TermMap<Term, string>();
    m.set(-0, "minus").set(0, "plus");
    expect(m.size).toBe(1);
    expect(m.get(-0)).toBe("plus");
    m.set([0], "t").set([-0], "t2");
    expect(m.size).toBe(2);
    expect(m.get([0])).toBe("t2");
  });

  it("treats NaN as one key", () => {
    const m = new TermMap<Term, number>([[Number.NaN, 1]]);
    expect(m.get(0 / 0)).toBe(1);
    expect(new TermMap([[[Number.NaN], 1]]).get([Number.NaN])).toBe(1);
  });

  it("keeps 1 and 1n apart", () => {
    const m = new TermMap<Term, string>();
    m.set(1, "number").set(1n, "bigint").set([1], "t number").set([1n], "t bigint");
    expect(m.size).toBe(4);
    expect(m.get(1)).toBe("number");
    expect(m.get(1n)).toBe("bigint");
    expect(m.get([1])).toBe("t number");
    expect(m.get([1n])).toBe("t bigint");
  });

  it("finds tuple keys by content, not identity", () => {
    const m = new TermMap<[string, number], string>();
    const key: [string, number] = ["user", 42];
    m.set(key, "ann");
    expect(m.get(["user", 42])).toBe("ann");
    expect(m.has(["user", 42])).toBe(true);
    expect(m.delete(["user", 42])).toBe(true);
    expect(m.size).toBe(0);
  });

  it("finds nested and NaN-holding tuple keys by content", () => {
    const m = new TermMap<Term, string>();
    m.set([["a"], { b: [1] }], "nested")
      .set([Number.NaN, 1], "nan")
      .set([1, 2, 3, 4], "long");
    expect(m.get([["a"], { b: [1] }])).toBe("nested");
    expect(m.get([["a"], { b: [2] }])).toBeUndefined();
    expect(m.get([Number.NaN, 1])).toBe("nan");
    expect(m.get([1, 2, 3, 4])).toBe("long");
    expect(m.get([1, 2, 3])).toBeUndefined();
    m.set([-0, 1], "zero");
    expect(m.get([0, 1])).toBe("zero");
  });

  it("finds object keys whatever their insertion order", () => {
    const m = new TermMap<Term, string>();
    m.set({ x: 1, y: [2, 3] }, "p");
    expect(m.get({ y: [2, 3], x: 1 })).toBe("p");
    m.set({ y: [2, 3], x: 1 }, "q");
    expect(m.size).toBe(1);
    expect(m.get({ x: 1, y: [2, 3] })).toBe("q");
  });

  it("keeps the key it was first stored with", () => {
    const first = ["k"];
    const m = new TermMap<Term, number>([[first, 1]]);
    m.set(["k"], 2);
    expect([...m.keys()][0]).toBe(first);
  });

  it("uses pids and refs by identity", () => {
    const p = pid(1);
    const m = new TermMap<Term, string>([
      [p, "p"],
      [ref(1), "r"],
    ]);
    expect(m.get(p)).toBe("p");
    expect(m.get(pid(1))).toBeUndefined();
    expect(m.size).toBe(2);
    m.set([p, "name"], "pair");
    expect(m.get([p, "name"])).toBe("pair");
    expect(m.get([pid(1), "name"])).toBeUndefined();
  });

  it("accepts all primitive keys, including null and undefined", () => {
    const keys: Term[] = [null, undefined, true, false, "", 0, 2n, Number.NaN];
    const m = new TermMap<Term, number>(keys.map((k, i) => [k, i]));
    expect(m.size).toBe(keys.length);
    keys.forEach((k, i) => {
      expect(m.get(k)).toBe(i);
    });
  });

  it("copes with hash collisions", () => {
    const [a, b] = collidingKeys();
    const m = new TermMap<Term, string>([
      [a, "a"],
      [b, "b"],
    ]);
    expect(m.size).toBe(2);
    expect(m.get(a)).toBe("a");
    expect(m.get(b)).toBe("b");
    expect(m.delete(a)).toBe(true);
    expect(m.get(b)).toBe("b");
    expect(m.get(a)).toBeUndefined();
  });

  it("iterates over all entries with keys, values, entries, for-of and forEach", () => {
    const m = new TermMap<Term, number>([
      [1, 1],
      [["t"], 2],
      [{ o: 1 }, 3],
      ["s", 4],
    ]);
    const expected = [
      [1, 1],
      ["s", 4],
      [["t"], 2],
      [{ o: 1 }, 3],
    ];
    const bySecond = (x: unknown[], y: unknown[]): number => (x[1] as number) - (y[1] as number);
    expect([...m].sort(bySecond)).toEqual(expected.sort(bySecond));
    expect([...m.entries()].sort(bySecond)).toEqual(expected);
    expect([...m.values()].sort()).toEqual([1, 2, 3, 4]);
    expect(sorted([...m.keys()])).toEqual([1, ["t"], { o: 1 }, "s"]);
    const seen: [Term, number][] = [];
    const ctx = { tag: "ctx" };
    m.forEach(function (this: unknown, value, key, map) {
      expect(this).toBe(ctx);
      expect(map).toBe(m);
      seen.push([key, value]);
    }, ctx);
    expect(seen.sort(bySecond)).toEqual(expected);
    expect(Object.prototype.toString.call(m)).toBe("[object TermMap]");
  });

  it("lets entries be deleted while iterating", () => {
    const m = new TermMap<Term, number>();
    for (let i = 0; i < 100; i++) m.set(i, i).set([i], i);
    for (const [k, v] of m) if (v % 2 === 0) m.delete(k);
    expect(m.size).toBe(100);
    expect([...m.values()].every((v) => v % 2 === 1)).toBe(true);
  });

  it("does not visit entries deleted before the iterator reaches them", () => {
    const m = new TermMap<Term, number>();
    for (let i = 0; i < 10; i++) m.set([i], i);
    const visited: number[] = [];
    for (const [, v] of m) {
      visited.push(v);
      if (v === 0) for (let i = 1; i < 10; i += 2) m.delete([i]);
    }
    expect(visited.sort((x, y) => x - y)).toEqual([0, 2, 4, 6, 8]);
  });

  it("does not visit colliding entries deleted while iterating", () => {
    const [a, b] = collidingKeys();
    const m = new TermMap<Term, string>([
      [a, "a"],
      [b, "b"],
    ]);
    const visited: string[] = [];
    for (const [, v] of m) {
      visited.push(v);
      m.delete(a);
      m.delete(b);
    }
    expect(visited).toEqual(["a"]);
    m.set(a, "a").set(b, "b");
    visited.length = 0;
    for (const [, v] of m) {
      visited.push(v);
      m.clear();
    }
    expect(visited).toEqual(["a"]);
  });

  it("starts from an iterable of entries, later pairs winning", () => {
    const m = new TermMap<Term, string>([
      [["a"], "1"],
      [["a"], "2"],
      [1, "x"],
    ]);
    expect(m.size).toBe(2);
    expect(m.get(["a"])).toBe("2");
    expect(new TermMap(null).size).toBe(0);
  });
});
