// Structural equality of decoded terms and fast-check generators of terms.
import { Pid, Ref } from "@trellis/core";
import fc from "fast-check";
import {
  Atom,
  atom,
  Bits,
  type ErlTerm,
  Export,
  Float,
  Fun,
  ImproperList,
  internPid,
  internRef,
  List,
  Port,
} from "../../src/index.js";

function num(v: unknown): number | bigint | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint")
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v;
  if (v instanceof Float) return v.value;
  return undefined;
}

/** The same Erlang term (`=:=`, except that integral floats equal integers). */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const na = num(a);
  const nb = num(b);
  if (na !== undefined || nb !== undefined) {
    if (na === undefined || nb === undefined) return false;
    if (typeof na === "number" && typeof nb === "number") return Object.is(na + 0, nb + 0);
    return na === nb;
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    const x =
      a instanceof Uint8Array ? a : typeof a === "string" ? new TextEncoder().encode(a) : undefined;
    const y =
      b instanceof Uint8Array ? b : typeof b === "string" ? new TextEncoder().encode(b) : undefined;
    return x !== undefined && y !== undefined && Buffer.compare(x, y) === 0;
  }
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a instanceof List)
    return (
      b instanceof List && a.length === b.length && a.items.every((x, i) => same(x, b.items[i]))
    );
  if (a instanceof ImproperList)
    return (
      b instanceof ImproperList &&
      a.items.length === b.items.length &&
      a.items.every((x, i) => same(x, b.items[i])) &&
      same(a.tail, b.tail)
    );
  if (a instanceof Bits)
    return b instanceof Bits && a.bits === b.bits && Buffer.compare(a.bytes, b.bytes) === 0;
  if (a instanceof Port)
    return b instanceof Port && a.node === b.node && a.id === b.id && a.creation === b.creation;
  if (a instanceof Export)
    return b instanceof Export && a.module === b.module && a.name === b.name && a.arity === b.arity;
  if (a instanceof Fun) return b instanceof Fun && Buffer.compare(a.bytes, b.bytes) === 0;
  if (a instanceof Pid || b instanceof Pid || a instanceof Ref || b instanceof Ref) return false;
  if (a instanceof Atom || b instanceof Atom) return false;
  const ea = entries(a);
  const eb = entries(b);
  if (ea === undefined || eb === undefined || ea.length !== eb.length) return false;
  const used = new Set<number>();
  for (const [k, v] of ea) {
    const i = eb.findIndex(([k2, v2], j) => !used.has(j) && same(k, k2) && same(v, v2));
    if (i < 0) return false;
    used.add(i);
  }
  return true;
}

function entries(m: object): [unknown, unknown][] | undefined {
  if (m instanceof Map) return [...m.entries()];
  const proto: unknown = Object.getPrototypeOf(m);
  if (proto === Object.prototype || proto === null) return Object.entries(m);
  return undefined;
}

const atomArb = fc
  .oneof(
    fc.constantFrom("ok", "error", "a", "hello_world", "Élan", "日本", "with space", ""),
    fc.string({ maxLength: 20, unit: "grapheme" }),
  )
  .filter((s) => !["true", "false", "nil", "undefined"].includes(s))
  .map((s) => atom(s));

const leaf: fc.Arbitrary<ErlTerm> = fc.oneof(
  fc.integer(),
  fc.integer({ min: 0, max: 255 }),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(1n << 300n), max: 1n << 300n }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
  fc
    .double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 })
    .map((d) => new Float(Math.trunc(d))),
  fc.string({ maxLength: 30 }),
  fc.string({ maxLength: 10, unit: "grapheme" }),
  fc.uint8Array({ maxLength: 20 }).map((b) => new Uint8Array([0xff, ...b])),
  fc.constantFrom<ErlTerm>(true, false, null, undefined),
  atomArb,
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 7 }))
    .map(([b, bits]) => {
      const bytes = b.slice();
      const last = bytes.length - 1;
      bytes[last] = (bytes[last] as number) & ((0xff << (8 - bits)) & 0xff);
      return new Bits(bytes, bits);
    }),
  fc
    .tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 0xffffffff }))
    .map(([id, serial, creation]) =>
      internPid("peer@127.0.0.1", id % 2 ** 32, serial % 2 ** 32, creation),
    ),
  fc
    .tuple(
      fc.array(fc.nat(), { minLength: 3, maxLength: 5 }),
      fc.integer({ min: 1, max: 0xffffffff }),
    )
    .map(([words, creation]) => internRef("peer@127.0.0.1", creation, words)),
  fc
    .tuple(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.nat())
    .map(([id, c]) => new Port("peer@127.0.0.1", id, c)),
  fc
    .tuple(atomArb, atomArb, fc.integer({ min: 0, max: 255 }))
    .map(([m, f, a]) => new Export(m, f, a)),
);

/** Random Erlang terms (fast-check). */
export const termArb: fc.Arbitrary<ErlTerm> = fc.letrec<{ term: ErlTerm }>((tie) => ({
  term: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("term"), { maxLength: 6 }),
    fc.array(tie("term"), { maxLength: 6 }).map((items) => new List(items)),
    fc
      .array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 10 })
      .map((items) => new List(items)),
    fc
      .tuple(fc.array(tie("term"), { minLength: 1, maxLength: 4 }), leaf)
      .filter(([, t]) => !(t instanceof List))
      .map(([items, t]) => new ImproperList(items, t)),
    fc.dictionary(fc.string({ maxLength: 8 }), tie("term"), { maxKeys: 5 }),
    fc
      .uniqueArray(
        fc.tuple(
          fc.oneof(atomArb, fc.integer(), fc.array(fc.integer(), { maxLength: 2 })),
          tie("term"),
        ),
        {
          maxLength: 5,
          selector: ([k]) => (Array.isArray(k) ? `t${k.join(",")}` : `${typeof k}${String(k)}`),
        },
      )
      .map((pairs) => new Map<ErlTerm, ErlTerm>(pairs.filter(([k]) => typeof k !== "string"))),
  ),
})).term;
