import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Pid, Ref } from "../src/pid.js";
import { compare, equals, hash, isTerm, looseEquals, type Term, TermMap } from "../src/terms.js";

// A few pids and refs, reused so that the same object shows up in several terms. Two of the
// pids (and two of the refs) have the same fields but are different objects.
const pids = [
  new Pid("nonode@nohost", 5, 0, 0),
  new Pid("nonode@nohost", 6, 0, 0),
  new Pid("a@host", 1, 0, 0),
  new Pid("nonode@nohost", 5, 0, 0),
];
const refs = [new Ref("nonode@nohost", 7, 0), new Ref("b@host", 1, 2), new Ref("b@host", 1, 2)];

// Strings from a tiny alphabet (many shared prefixes and ties), from all of Unicode, and with
// characters around the surrogate range, including lone surrogates.
const tricky = ["a", "b", "\uD7FF", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uE000", "\uFFFF"];
const astral = ["\u{10000}", "\u{1F600}", "\u{10FFFF}"];
const stringArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom("a", "b"), maxLength: 3 }),
  fc.string({ unit: "binary", maxLength: 4 }),
  fc.string({ unit: fc.constantFrom(...tricky, ...astral), maxLength: 3 }),
);

interface TermOptions {
  /** Leave out bigints and pids/refs that share their fields with another. */
  readonly exactOnly?: boolean;
}

const termArb = (options: TermOptions = {}): fc.Arbitrary<Term> => {
  const numbers: fc.Arbitrary<Term>[] = [
    fc.integer({ min: -3, max: 3 }),
    fc.double(),
    fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 0.5),
  ];
  if (!options.exactOnly) {
    numbers.push(
      fc.bigInt({ min: -3n, max: 3n }),
      fc.bigInt(),
      fc.constantFrom(2n ** 53n, 2n ** 53n + 1n, 2n ** 1024n),
    );
  }
  const leaf = fc.oneof(
    ...numbers,
    fc.constantFrom<Term>(true, false, null, undefined),
    stringArb,
    fc.constantFrom<Term>(...(options.exactOnly ? pids.slice(0, 3) : pids)),
    fc.constantFrom<Term>(...(options.exactOnly ? refs.slice(0, 2) : refs)),
  );
  const { term } = fc.letrec<{ term: Term }>((tie) => ({
    term: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("term"), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom("a", "b", "c", "10", "2", "\u{1F600}", "\uFFFF"), tie("term"), {
        maxKeys: 3,
      }),
    ),
  }));
  return term;
};

const anyTerm = termArb();

/** A deep copy that differs in everything `equals` ignores: identity, key order, -0. */
function twin(t: Term): Term {
  if (typeof t === "number") return t === 0 ? (Object.is(t, 0) ? -0 : 0) : t;
  if (Array.isArray(t)) return t.map(twin);
  if (typeof t === "object" && t !== null && !Pid.is(t) && !Ref.is(t)) {
    const out: Record<string, Term> = Object.getPrototypeOf(t) === null ? Object.create(null) : {};
    const source = t as Record<string, Term>;
    for (const key of Object.keys(source).reverse()) out[key] = twin(source[key]);
    return out;
  }
  return t;
}

/** A term and a twin of it, or of one of its parts (so that equal pairs are common). */
const equalPair: fc.Arbitrary<[Term, Term]> = anyTerm.map((t) => [t, twin(t)]);

const sortTerms = (xs: readonly Term[]): Term[] => {
  // Array#sort moves undefined to the end without asking the comparator: sort boxes instead.
  return xs
    .map((value) => ({ value }))
    .sort((x, y) => compare(x.value, y.value))
    .map((box) => box.value);
};

describe("compare is a total order", () => {
  it("is reflexive", () => {
    fc.assert(
      fc.property(anyTerm, (a) => {
        expect(compare(a, a)).toBe(0);
        expect(compare(a, twin(a))).toBe(0);
      }),
    );
  });

  it("is antisymmetric", () => {
    fc.assert(
      fc.property(anyTerm, anyTerm, (a, b) => {
        expect(compare(a, b)).toBe(-compare(b, a) || 0);
      }),
    );
  });

  it("is transitive", () => {
    fc.assert(
      fc.property(anyTerm, anyTerm, anyTerm, (a, b, c) => {
        if (compare(a, b) <= 0 && compare(b, c) <= 0) expect(compare(a, c)).toBeLessThanOrEqual(0);
        if (compare(a, b) === 0 && compare(b, c) === 0) expect(compare(a, c)).toBe(0);
        if (compare(a, b) < 0 && compare(b, c) <= 0) expect(compare(a, c)).toBe(-1);
      }),
      { numRuns: 2000 },
    );
  });

  it("sorts any list consistently (every pair in order)", () => {
    fc.assert(
      fc.property(fc.array(anyTerm, { maxLength: 12 }), (xs) => {
        const s = sortTerms(xs);
        for (let i = 0; i < s.length; i++) {
          for (let j = i + 1; j < s.length; j++) expect(compare(s[i], s[j])).toBeLessThanOrEqual(0);
        }
      }),
    );
  });

  it("agrees with equals except for bigint/number ties (compare 0 ⇔ equals)", () => {
    const exact = termArb({ exactOnly: true });
    fc.assert(
      fc.property(exact, exact, (a, b) => {
        expect(compare(a, b) === 0).toBe(equals(a, b));
      }),
    );
    fc.assert(
      fc.property(exact, (a) => {
        expect(equals(a, twin(a))).toBe(true);
      }),
    );
  });

  it("orders strings by code point, as UTF-8 bytes do", () => {
    const codePoints = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0) as number);
    fc.assert(
      fc.property(stringArb, stringArb, (a, b) => {
        const x = codePoints(a);
        const y = codePoints(b);
        let expected = Math.sign(x.length - y.length);
        for (let i = 0; i < Math.min(x.length, y.length); i++) {
          if (x[i] !== y[i]) {
            expected = Math.sign((x[i] as number) - (y[i] as number));
            break;
          }
        }
        expect(compare(a, b)).toBe(expected);
      }),
    );
  });

  it("orders numbers and bigints by mathematical value", () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.integer(), (big, small) => {
        expect(compare(big, small)).toBe(Math.sign(Number(big - BigInt(small))));
        expect(compare(big, Number(small))).toBe(compare(big, BigInt(small)));
      }),
    );
  });
});

describe("equals and hash", () => {
  it("equals is reflexive and symmetric", () => {
    fc.assert(
      fc.property(anyTerm, anyTerm, (a, b) => {
        expect(equals(a, a)).toBe(true);
        expect(equals(a, b)).toBe(equals(b, a));
      }),
    );
  });

  it("equal terms compare as 0 and loosely equal", () => {
    fc.assert(
      fc.property(fc.oneof(equalPair, fc.tuple(anyTerm, anyTerm)), ([a, b]) => {
        if (equals(a, b)) {
          expect(compare(a, b)).toBe(0);
          expect(looseEquals(a, b)).toBe(true);
        }
      }),
    );
  });

  it("equal terms have equal hashes", () => {
    fc.assert(
      fc.property(equalPair, ([a, b]) => {
        expect(equals(a, b)).toBe(true);
        expect(hash(a)).toBe(hash(b));
      }),
    );
  });

  it("generated values are terms", () => {
    fc.assert(fc.property(anyTerm, (a) => isTerm(a)));
  });
});

describe("TermMap", () => {
  type Op =
    | { readonly op: "set"; readonly key: Term; readonly value: number }
    | { readonly op: "delete"; readonly key: Term }
    | { readonly op: "get"; readonly key: Term }
    | { readonly op: "has"; readonly key: Term }
    | { readonly op: "clear" };

  // A small pool of keys, so that operations hit the same keys often; each use is a fresh twin,
  // so equal keys arrive as different objects and with different key orders.
  const scenario = fc.array(anyTerm, { minLength: 1, maxLength: 8 }).chain((pool) => {
    const key = fc.nat({ max: pool.length - 1 }).map((i) => twin(pool[i] as Term));
    const op: fc.Arbitrary<Op> = fc.oneof(
      { arbitrary: fc.record({ op: fc.constant("set"), key, value: fc.integer() }), weight: 4 },
      { arbitrary: fc.record({ op: fc.constant("delete"), key }), weight: 2 },
      { arbitrary: fc.record({ op: fc.constant("get"), key }), weight: 2 },
      { arbitrary: fc.record({ op: fc.constant("has"), key }), weight: 1 },
      { arbitrary: fc.constant({ op: "clear" } as const), weight: 1 },
    );
    return fc.array(op, { maxLength: 60 });
  });

  it("behaves like a list of [key, value] pairs searched with equals", () => {
    fc.assert(
      fc.property(scenario, (ops) => {
        const map = new TermMap<Term, number>();
        let model: [Term, number][] = [];
        const find = (k: Term): number => model.findIndex(([mk]) => equals(mk, k));
        for (const o of ops) {
          switch (o.op) {
            case "set": {
              const i = find(o.key);
              if (i >= 0) (model[i] as [Term, number])[1] = o.value;
              else model.push([o.key, o.value]);
              expect(map.set(o.key, o.value)).toBe(map);
              break;
            }
            case "delete": {
              const i = find(o.key);
              if (i >= 0) model.splice(i, 1);
              expect(map.delete(o.key)).toBe(i >= 0);
              break;
            }
            case "get": {
              const i = find(o.key);
              expect(map.get(o.key)).toBe(i >= 0 ? model[i]?.[1] : undefined);
              break;
            }
            case "has":
              expect(map.has(o.key)).toBe(find(o.key) >= 0);
              break;
            case "clear":
              model = [];
              map.clear();
              break;
          }
          expect(map.size).toBe(model.length);
        }
        const entries = [...map];
        expect(entries.length).toBe(model.length);
        for (const [k, v] of entries) {
          const i = find(k);
          expect(i).toBeGreaterThanOrEqual(0);
          expect(model[i]?.[1]).toBe(v);
          // the key is the one first stored (a Map turns a -0 key into 0, hence not toBe)
          if (typeof k === "object" && k !== null) expect(model[i]?.[0]).toBe(k);
        }
        expect([...map.keys()]).toEqual(entries.map(([k]) => k));
        expect([...map.values()]).toEqual(entries.map(([, v]) => v));
      }),
      { numRuns: 300 },
    );
  });
});
