/**
 * Terms: the JavaScript values Trellis can compare, order and hash the way Erlang does.
 *
 * A term is a number, bigint, string, boolean, `null`, `undefined`, {@link Pid}, {@link Ref},
 * an array of terms (an Erlang tuple) or a plain object whose values are terms (an Erlang map).
 * ETS tables, the Registry and `GenStateMachine` use terms as keys and compare them with
 * {@link equals} (Erlang's `=:=`) or order them with {@link compare} (Erlang's term order).
 *
 * @module
 */
import { BadArgumentError } from "./errors.js";
import { Pid, Ref } from "./pid.js";

/**
 * A value Trellis can use as a key: compare, order and hash like an Erlang term.
 *
 * | JavaScript | Erlang |
 * | --- | --- |
 * | `number` | integer or float (`1` and `1.5`) |
 * | `bigint` | integer, kept apart from `number` by {@link equals} (`1n` is not `1`) |
 * | `boolean`, `null`, `undefined` | the atoms `false`/`true`, `nil`, `undefined` |
 * | {@link Ref}, {@link Pid} | reference, pid |
 * | array | tuple (`["ok", 1]` is `{ok, 1}`) |
 * | plain object (prototype `Object.prototype` or `null`) | map with binary keys |
 * | `string` | binary (`"abc"` is `<<"abc">>`) |
 *
 * Anything else (symbols, functions, `Map`, `Set`, `Date`, class instances, cyclic
 * structures) is not a term. Only own enumerable string-keyed properties of a plain object
 * are part of the term; an object with symbol keys is not a term.
 *
 * @example
 * ```ts
 * import type { Term } from "@trellis/core";
 * const key: Term = ["user", 42, { role: "admin" }];
 * ```
 * @since 0.1.0
 * @category Terms
 */
export type Term =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Pid
  | Ref
  | readonly Term[]
  | { readonly [key: string]: Term };

// ---------------------------------------------------------------------------------------------
// Kinds, in Erlang's term order: number < atom < reference < pid < tuple < map < binary.

const K_NUMBER = 0;
const K_ATOM = 1;
const K_REF = 2;
const K_PID = 3;
const K_TUPLE = 4;
const K_MAP = 5;
const K_STRING = 6;

const ACCEPTED =
  "a term is a number, bigint, string, boolean, null, undefined, Pid, Ref, array of terms or plain object of terms";

const objectProto: object = Object.prototype;

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === objectProto || proto === null;
}

function describe(value: unknown): string {
  switch (typeof value) {
    case "symbol":
      return `a symbol (${String(value)})`;
    case "function":
      return value.name ? `a function (${value.name})` : "a function";
    case "object": {
      if (value === null) return "null";
      const proto: unknown = Object.getPrototypeOf(value);
      const ctor: unknown =
        typeof proto === "object" && proto !== null
          ? (proto as { constructor?: unknown }).constructor
          : undefined;
      const name = typeof ctor === "function" && ctor.name ? ctor.name : "";
      if (!name) return "an object with an unusual prototype";
      return /^[AEIOU]/.test(name) ? `an ${name}` : `a ${name}`;
    }
    default:
      return `a ${typeof value}`;
  }
}

function notATerm(value: unknown): BadArgumentError {
  return new BadArgumentError(`expected a term but got ${describe(value)}: ${ACCEPTED}`);
}

/** The kind of a term; throws for a value that is not a term (this level only). */
function kindOf(value: unknown): number {
  switch (typeof value) {
    case "number":
    case "bigint":
      return K_NUMBER;
    case "string":
      return K_STRING;
    case "boolean":
    case "undefined":
      return K_ATOM;
    case "object":
      if (value === null) return K_ATOM;
      if (Array.isArray(value)) return K_TUPLE;
      if (isPlainObject(value)) return K_MAP;
      if (Pid.is(value)) return K_PID;
      if (Ref.is(value)) return K_REF;
  }
  throw notATerm(value);
}

// ---------------------------------------------------------------------------------------------
// equals

/**
 * Exact equality of two terms, like Erlang's `=:=`.
 *
 * - Primitives compare with `===`, except that `NaN` equals `NaN` (and `0` equals `-0`, as
 *   with `===`).
 * - A `bigint` never equals a `number`: `equals(1n, 1)` is `false`. This is how Trellis
 *   maps Erlang's `1 =:= 1.0` being false (use {@link looseEquals} for `==`).
 * - Arrays (tuples) are equal when they have the same length and equal elements.
 * - Plain objects (maps) are equal when they have the same keys, in any order, with equal
 *   values. A key whose value is `undefined` counts: `{ a: undefined }` is not `{}`.
 * - {@link Pid} and {@link Ref} compare by identity.
 *
 * Identical values (`a === b`) are equal without being looked into, so a non-term nested
 * inside them is not detected; use {@link assertTerm} to validate input.
 *
 * @param a - a term
 * @param b - another term
 * @returns whether `a` and `b` are exactly equal
 * @throws {BadArgumentError} if a value it inspects is not a term
 * @example
 * ```ts
 * import { equals } from "@trellis/core";
 * equals(["user", { id: 1, name: "ann" }], ["user", { name: "ann", id: 1 }]); // true
 * equals(NaN, NaN); // true
 * equals(1n, 1); // false
 * ```
 * @since 0.1.0
 * @category Terms
 */
export function equals(a: Term, b: Term): boolean {
  return guarded("equals", () => eq(a, b));
}

function eq(a: unknown, b: unknown): boolean {
  if (a === b) {
    if (typeof a === "object" && a !== null) kindOf(a);
    else if (typeof a === "symbol" || typeof a === "function") throw notATerm(a);
    return true;
  }
  switch (typeof a) {
    case "number":
      if (typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
      kindOf(b);
      return false;
    case "string":
    case "bigint":
    case "boolean":
    case "undefined":
      kindOf(b);
      return false;
    case "object": {
      if (a === null) {
        kindOf(b);
        return false;
      }
      if (Array.isArray(a)) {
        if (!Array.isArray(b)) {
          kindOf(b);
          return false;
        }
        const n = a.length;
        if (n !== b.length) return false;
        for (let i = 0; i < n; i++) if (!eq(a[i], b[i])) return false;
        return true;
      }
      if (isPlainObject(a)) {
        if (typeof b !== "object" || b === null || Array.isArray(b) || !isPlainObject(b)) {
          kindOf(b);
          return false;
        }
        const ra = a as Record<string, unknown>;
        const rb = b as Record<string, unknown>;
        const keys = Object.keys(ra);
        if (keys.length !== Object.keys(rb).length) return false;
        for (const key of keys) {
          if (!Object.hasOwn(rb, key) || !eq(ra[key], rb[key])) return false;
        }
        return true;
      }
      if (Pid.is(a) || Ref.is(a)) {
        kindOf(b);
        return false;
      }
    }
  }
  throw notATerm(a);
}

// ---------------------------------------------------------------------------------------------
// compare

/**
 * Orders two terms: one total order over all terms, Erlang's term order translated to
 * JavaScript. Kinds come in this order:
 *
 * numbers and bigints < atoms (`false` < `null` < `true` < `undefined`) < {@link Ref} <
 * {@link Pid} < arrays (tuples) < plain objects (maps) < strings (binaries).
 *
 * - Numbers and bigints compare by numeric value, so `compare(1n, 1)` is `0`, like Erlang's
 *   `1 == 1.0`. `-0` equals `0`; `NaN` comes after every other number and equals itself.
 * - The atoms are ordered by their Erlang names: `false`, `nil` (`null`), `true`, `undefined`.
 * - Refs and pids are ordered by {@link Ref.compare} and {@link Pid.compare}.
 * - Arrays: the shorter comes first; equal lengths compare element by element
 *   (`["b"] < ["a", "b"]`).
 * - Plain objects: fewer keys come first; then the sorted key lists are compared, then the
 *   values in key order (`{ a: 1 } < { a: 2 } < { b: 0 }`).
 * - Strings compare by Unicode code point, which is the byte order of their UTF-8 encoding
 *   (and not JavaScript's `<`, which compares UTF-16 code units): `"\uFFFF" < "\u{1F600}"`.
 *
 * `compare(a, b) === 0` is Erlang's `==` (see {@link looseEquals}): it holds for
 * {@link equals} terms, but also for `1n` and `1`, and for two distinct pid (or ref) objects
 * with the same fields.
 *
 * Note that `Array.prototype.sort` moves `undefined` elements to the end without calling the
 * comparator; sort wrapped values if a list may contain `undefined`.
 *
 * @param a - a term
 * @param b - another term
 * @returns `-1` if `a` comes first, `1` if `b` comes first, `0` if they compare equal
 * @throws {BadArgumentError} if a value it inspects is not a term
 * @example
 * ```ts
 * import { compare } from "@trellis/core";
 * [["b"], 3, "a", { k: 1 }, ["a", "b"], null].sort(compare);
 * // [3, null, ["b"], ["a", "b"], { k: 1 }, "a"]
 * compare(1n, 1); // 0
 * ```
 * @since 0.1.0
 * @category Terms
 */
export function compare(a: Term, b: Term): -1 | 0 | 1 {
  return guarded("compare", () => cmp(a, b));
}

function cmp(a: unknown, b: unknown): -1 | 0 | 1 {
  if (a === b) {
    kindOf(a);
    return 0;
  }
  const ta = typeof a;
  if (ta === "number" && typeof b === "number") return compareNumbers(a as number, b);
  if (ta === "string" && typeof b === "string") return compareStrings(a as string, b);
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  switch (ka) {
    case K_NUMBER:
      return compareNumbers(a as number | bigint, b as number | bigint);
    case K_ATOM: {
      const ra = atomRank(a);
      const rb = atomRank(b);
      return ra < rb ? -1 : ra > rb ? 1 : 0;
    }
    case K_REF:
      return sign(Ref.compare(a as Ref, b as Ref));
    case K_PID:
      return sign(Pid.compare(a as Pid, b as Pid));
    case K_TUPLE:
      return compareTuples(a as readonly unknown[], b as readonly unknown[]);
    case K_MAP:
      return compareMaps(a as Record<string, unknown>, b as Record<string, unknown>);
    default:
      return compareStrings(a as string, b as string);
  }
}

function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Erlang orders atoms alphabetically: false < nil < true < undefined. */
function atomRank(v: unknown): number {
  return v === false ? 0 : v === null ? 1 : v === true ? 2 : 3;
}

function compareNumbers(a: number | bigint, b: number | bigint): -1 | 0 | 1 {
  // Relational operators between number and bigint compare exact mathematical values.
  if (a < b) return -1;
  if (a > b) return 1;
  // Neither is smaller: they are equal, or at least one is NaN, which comes after every
  // other number.
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
}

/**
 * Compares strings by code point (= UTF-8 byte order). Scans UTF-16 code units; only when the
 * first difference involves a surrogate does it fall back to comparing whole code points.
 */
function compareStrings(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  const n = Math.min(la, lb);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  // A code-unit prefix is also a code-point prefix, or ends in a lone high surrogate that
  // the longer string extends into a larger astral code point: shorter first either way.
  if (i === n) return la < lb ? -1 : 1;
  const x = a.charCodeAt(i);
  const y = b.charCodeAt(i);
  if ((x < 0xd800 || x > 0xdfff) && (y < 0xd800 || y > 0xdfff)) return x < y ? -1 : 1;
  // A surrogate is involved: compare code points from the start of the code point at i.
  let j = i > 0 && isHighSurrogate(a.charCodeAt(i - 1)) ? i - 1 : i;
  for (;;) {
    if (j >= la) return j >= lb ? 0 : -1;
    if (j >= lb) return 1;
    const ca = a.codePointAt(j) as number;
    const cb = b.codePointAt(j) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    j += ca > 0xffff ? 2 : 1;
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function compareTuples(a: readonly unknown[], b: readonly unknown[]): -1 | 0 | 1 {
  const n = a.length;
  if (n !== b.length) return n < b.length ? -1 : 1;
  for (let i = 0; i < n; i++) {
    const c = cmp(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}

function compareMaps(a: Record<string, unknown>, b: Record<string, unknown>): -1 | 0 | 1 {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = ka.length;
  if (n !== kb.length) return n < kb.length ? -1 : 1;
  ka.sort(compareStrings);
  kb.sort(compareStrings);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(ka[i] as string, kb[i] as string);
    if (c !== 0) return c;
  }
  for (let i = 0; i < n; i++) {
    const key = ka[i] as string;
    const c = cmp(a[key], b[key]);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * Loose equality of two terms, like Erlang's `==`: `compare(a, b) === 0`. It differs from
 * {@link equals} only for numbers: `looseEquals(1n, 1)` is `true` (Erlang's `1 == 1.0`),
 * also inside arrays and objects.
 *
 * @param a - a term
 * @param b - another term
 * @returns whether `a` and `b` compare equal in the term order
 * @throws {BadArgumentError} if a value it inspects is not a term
 * @example
 * ```ts
 * import { looseEquals } from "@trellis/core";
 * looseEquals([1n, "x"], [1, "x"]); // true
 * ```
 * @since 0.1.0
 * @category Terms
 */
export function looseEquals(a: Term, b: Term): boolean {
  return guarded("looseEquals", () => cmp(a, b) === 0);
}

/**
 * Runs a term operation; a value that is cyclic, nested too deep for the stack, or throws
 * when read (a revoked Proxy…) gives a BadArgumentError instead of a RangeError/TypeError.
 */
function guarded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BadArgumentError) throw e;
    throw new BadArgumentError(
      `${what}: not a term (cyclic, nested too deep, or unreadable); ${ACCEPTED}`,
      { cause: e },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// hash

const SEED_NAN = 0x7ff80000;
const SEED_BIGINT = 0x2545f491;
const SEED_STRING = 0x811c9dc5;
const SEED_TUPLE = 0x1b873593;
const SEED_MAP = 0x5bd1e995;
const SEED_PID = 0x68e31da4;
const SEED_REF = 0x3c6ef372;
const HASH_FALSE = 0x2f0a9b37;
const HASH_TRUE = 0x6d2b79f5;
const HASH_NULL = 0x4f1bbcdc;
const HASH_UNDEFINED = 0x165667b1;

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);

/** MurmurHash3's 32-bit finaliser: a bijection with full avalanche. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** One MurmurHash3 block step: mixes the 32-bit value `k` into the state `h`. */
function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function hashNumber(n: number): number {
  if ((n | 0) === n) return fmix(n); // int32 fast path; -0 | 0 is 0
  if (Number.isNaN(n)) return SEED_NAN;
  f64[0] = n;
  return fmix(mix(i32[0] as number, i32[1] as number));
}

function hashString(s: string): number {
  let h = SEED_STRING ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix(h);
}

function hashBigint(n: bigint): number {
  let h = n < 0n ? ~SEED_BIGINT : SEED_BIGINT;
  let x = n < 0n ? -n : n;
  do {
    h = mix(h, Number(BigInt.asUintN(32, x)));
    x >>= 32n;
  } while (x > 0n);
  return fmix(h);
}

/**
 * A 32-bit hash of a term, consistent with {@link equals}: equal terms have equal hashes
 * (so `0` and `-0` hash alike, and so do two `NaN`s). Arrays and plain objects are hashed
 * structurally, without building strings; a plain object's hash does not depend on the order
 * of its keys. Pids and refs hash by their fields. Every part of the term is visited, so
 * `hash` also rejects a non-term nested anywhere inside.
 *
 * The result is an integer in the signed 32-bit range. It is stable within one process, but
 * is not meant to be stored or sent elsewhere.
 *
 * @param term - the term to hash
 * @returns a 32-bit integer
 * @throws {BadArgumentError} if `term` is not a term or contains a non-term
 * @example
 * ```ts
 * import { hash } from "@trellis/core";
 * hash({ a: 1, b: [2, "x"] }) === hash({ b: [2, "x"], a: 1 }); // true
 * ```
 * @since 0.1.0
 * @category Terms
 */
export function hash(term: Term): number {
  return guarded("hash", () => hashAny(term));
}

function hashAny(v: unknown): number {
  switch (typeof v) {
    case "number":
      return hashNumber(v);
    case "string":
      return hashString(v);
    case "boolean":
      return v ? HASH_TRUE : HASH_FALSE;
    case "undefined":
      return HASH_UNDEFINED;
    case "bigint":
      return hashBigint(v);
    case "object":
      if (v === null) return HASH_NULL;
      if (Array.isArray(v)) return hashTuple(v);
      if (isPlainObject(v)) return hashMap(v as Record<string, unknown>);
      if (Pid.is(v)) {
        const h = mix(mix(mix(SEED_PID ^ hashString(v.node), v.id), v.serial), v.creation);
        return fmix(h);
      }
      if (Ref.is(v)) return fmix(mix(mix(SEED_REF ^ hashString(v.node), v.id), v.creation));
  }
  throw notATerm(v);
}

function hashTuple(a: readonly unknown[]): number {
  const n = a.length;
  let h = SEED_TUPLE ^ n;
  for (let i = 0; i < n; i++) h = mix(h, hashAny(a[i]));
  return fmix(h);
}

function hashMap(o: Record<string, unknown>): number {
  // Sum of per-entry hashes: commutative, so insertion order does not matter.
  let sum = 0;
  let n = 0;
  for (const key in o) {
    if (!Object.hasOwn(o, key)) continue;
    sum = (sum + fmix(mix(hashString(key), hashAny(o[key])))) | 0;
    n++;
  }
  return fmix(mix(SEED_MAP ^ n, sum));
}

// ---------------------------------------------------------------------------------------------
// isTerm / assertTerm

interface Problem {
  path: string;
  what: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Returns undefined when `v` is a term, else where and what the first problem is. */
function findProblem(v: unknown, ancestors: object[]): Problem | undefined {
  switch (typeof v) {
    case "number":
    case "bigint":
    case "string":
    case "boolean":
    case "undefined":
      return undefined;
    case "object": {
      if (v === null) return undefined;
      const isArray = Array.isArray(v);
      if (!isArray && !isPlainObject(v)) {
        if (Pid.is(v) || Ref.is(v)) return undefined;
        return { path: "", what: describe(v) };
      }
      if (ancestors.includes(v))
        return { path: "", what: "a cyclic reference to an enclosing value" };
      ancestors.push(v);
      let problem: Problem | undefined;
      if (isArray) {
        for (let i = 0; i < v.length && problem === undefined; i++) {
          problem = findProblem(v[i], ancestors);
          if (problem) problem.path = `[${i}]${problem.path}`;
        }
      } else {
        if (Object.getOwnPropertySymbols(v).length > 0) {
          problem = { path: "", what: "a plain object with symbol keys" };
        }
        const o = v as Record<string, unknown>;
        for (const key of Object.keys(o)) {
          if (problem !== undefined) break;
          problem = findProblem(o[key], ancestors);
          if (problem) {
            const step = IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
            problem.path = `${step}${problem.path}`;
          }
        }
      }
      ancestors.pop();
      return problem;
    }
    default:
      return { path: "", what: describe(v) };
  }
}

/**
 * Whether `value` is a term: a number, bigint, string, boolean, `null`, `undefined`,
 * {@link Pid}, {@link Ref}, or an array or plain object made only of terms, with no cycles
 * and no symbol keys. See {@link Term}.
 *
 * @param value - any value
 * @returns `true` if `value` is a term
 * @example
 * ```ts
 * import { isTerm } from "@trellis/core";
 * isTerm(["ok", { count: 1 }]); // true
 * isTerm(new Map()); // false
 * isTerm([() => 1]); // false
 * ```
 * @since 0.1.0
 * @category Terms
 */
export function isTerm(value: unknown): value is Term {
  try {
    return findProblem(value, []) === undefined;
  } catch {
    return false; // unreadable or too deep
  }
}

/**
 * Checks that `value` is a term (see {@link isTerm}) and throws if it is not. Use it at API
 * boundaries that store or compare user-supplied keys.
 *
 * @param value - any value
 * @param what - what the value is, for the error message (e.g. `"the key"`)
 * @returns nothing; afterwards TypeScript knows `value` is a {@link Term}
 * @throws {BadArgumentError} naming `what`, where inside `value` the problem is, what
 *   was found and what is accepted
 * @example
 * ```ts
 * import { assertTerm } from "@trellis/core";
 * assertTerm(["user", 1], "the key"); // ok
 * assertTerm(["user", new Date()], "the key");
 * // BadArgumentError: the key is not a term: [1] is a Date; a term is a number, …
 * ```
 * @since 0.1.0
 * @category Terms
 */
export function assertTerm(value: unknown, what: string): asserts value is Term {
  const problem = guarded("assertTerm", () => findProblem(value, []));
  if (problem === undefined) return;
  const where = problem.path ? `${problem.path} is ` : "got ";
  throw new BadArgumentError(`${what} is not a term: ${where}${problem.what}; ${ACCEPTED}`);
}

// ---------------------------------------------------------------------------------------------
// TermMap

interface Entry<K, V> {
  readonly key: K;
  /**
   * For an array key of at most 3 elements: its length and elements, so that a lookup can
   * usually confirm a match with `===` on the entry alone, without reading the key array and
   * its element store (each one more cache miss). `-1` for other keys.
   */
  readonly n: number;
  readonly k0: unknown;
  readonly k1: unknown;
  readonly k2: unknown;
  value: V;
  next: Entry<K, V> | undefined;
  removed: boolean;
}

function makeEntry<K, V>(key: K, value: V): Entry<K, V> {
  const small = Array.isArray(key) && key.length <= 3;
  const a = key as unknown as readonly unknown[];
  return {
    key,
    n: small ? a.length : -1,
    k0: small ? a[0] : undefined,
    k1: small ? a[1] : undefined,
    k2: small ? a[2] : undefined,
    value,
    next: undefined,
    removed: false,
  };
}

/** Whether the entry's key equals `key`: a shortcut for small tuples, else {@link equals}. */
function matches<K, V>(e: Entry<K, V>, key: unknown): boolean {
  const n = e.n;
  if (n >= 0 && Array.isArray(key) && key.length === n) {
    // Elements that are === are equal terms; anything else (NaN, nested arrays) goes to eq.
    if ((n < 1 || key[0] === e.k0) && (n < 2 || key[1] === e.k1) && (n < 3 || key[2] === e.k2)) {
      return true;
    }
  }
  return eq(e.key, key);
}

/**
 * A map keyed by terms, with {@link equals} semantics: `["a", 1]` finds the entry stored
 * under another array `["a", 1]`, `{ x: 1, y: 2 }` the one under `{ y: 2, x: 1 }`. As with
 * `equals`, `0` and `-0` are the same key, `NaN` is a key like any other, and `1n` and `1`
 * are different keys.
 *
 * Primitive keys, pids and refs go straight into a JavaScript `Map`; array and object keys
 * are hashed with {@link hash} into buckets searched with `equals`, so no key is ever turned
 * into a string.
 *
 * Keys are not copied: **mutating an array or object after using it as a key is undefined
 * behaviour.** When a key is set again with an equal but different object, the entry keeps
 * the key it was first stored with. The iteration order is unspecified (currently: primitive,
 * pid and ref keys in insertion order, then array and object keys).
 *
 * @typeParam K - the key type
 * @typeParam V - the value type
 * @example
 * ```ts
 * import { TermMap } from "@trellis/core";
 * const counts = new TermMap<[string, number], number>();
 * counts.set(["page", 1], 10);
 * counts.get(["page", 1]); // 10
 * counts.has(["page", 2]); // false
 * ```
 * @since 0.1.0
 * @category Terms
 */
export class TermMap<K extends Term = Term, V = unknown> {
  /** Primitive, pid and ref keys. */
  #direct: Map<K, V> = new Map();
  /** Array and object keys: hash -> chain of entries with that hash. */
  #buckets: Map<number, Entry<K, V>> = new Map();
  #bucketed = 0;

  /**
   * Creates a map, optionally filled from `[key, value]` pairs (later pairs win).
   *
   * @param entries - initial entries
   * @throws {BadArgumentError} if a key is not a term
   * @example
   * ```ts
   * import { TermMap } from "@trellis/core";
   * const m = new TermMap([[["a", 1], "x"], [2, "y"]]);
   * m.size; // 2
   * ```
   */
  constructor(entries?: Iterable<readonly [K, V]> | null) {
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  /**
   * The number of entries.
   *
   * @example
   * ```ts
   * import { TermMap } from "@trellis/core";
   * new TermMap([[1, "a"]]).size; // 1
   * ```
   */
  get size(): number {
    return this.#direct.size + this.#bucketed;
  }

  /**
   * The value stored under a key equal to `key`, or `undefined`.
   *
   * @param key - the key to look up
   * @returns the value, or `undefined` if there is none
   * @throws {BadArgumentError} if `key` is not a term
   * @example
   * ```ts
   * import { TermMap } from "@trellis/core";
   * const m = new TermMap([[["a", 1], "x"]]);
   * m.get(["a", 1]); // "x"
   * ```
   */
  get(key: K): V | undefined {
    if (isDirect(key)) return this.#direct.get(key);
    return this.#find(key)?.value;
  }

  /**
   * Stores `value` under `key`, replacing the value of an equal key.
   *
   * @param key - the key (not copied: do not mutate it afterwards)
   * @param value - the value
   * @returns this map
   * @throws {BadArgumentError} if `key` is not a term
   * @example
   * ```ts
   * import { TermMap } from "@trellis/core";
   * const m = new TermMap<[string, number], number>().set(["a", 1], 1).set(["a", 1], 2);
   * m.get(["a", 1]); // 2
   * ```
   */
  set(key: K, value: V): this {
    if (isDirect(key)) {
      this.#direct.set(key, value);
      return this;
    }
    const h = hashComposite(key);
    const head = this.#buckets.get(h);
    let last: Entry<K, V> | undefined;
    for (let e = head; e !== undefined; e = e.next) {
      if (matches(e, key)) {
        e.value = value;
        return this;
      }
      last = e;
    }
    const entry = makeEntry(key, value);
    if (last === undefined) this.#buckets.set(h, entry);
    else last.next = entry;
    this.#bucketed++;
    return this;
  }

  /**
   * Whether there is an entry under a key equal to `key`.
   *
   * @param key - the key to look for
   * @returns `true` if the key is present
   * @throws {BadArgumentError} if `key` is not a term
   * @example
   * ```ts
   * import { TermMap } from "@trellis/core";
   * new TermMap([[{ x: 1, y: 2 }, "p"]]).has({ y: 2, x: 1 }); // true
   * ```
   */
  has(key: K): boolean {
    if (isDirect(key)) return this.#direct.has(key);
    return this.#find(key) !== undefined;
  }

  /**
   * Removes the entry under a key equal to `key`.
   *
   * @param key - the key to remove
   * @returns `true` if an entry was removed, `false` if there was none
   * @throws {BadArgumentError} if `key` is not a term
   * @example
   * ```ts
   * import { TermMap } from "@trellis/core";
   * const m = new TermMap([[["a"], 1]]);
   * m.delete(["a"]); // true
   * m.delete(["a"]); // false
   * ```
   */
  delete(key: K): boolean {
    if (isDirect(key)) return this.#direct.delete(key);
    const h = hashComposite(key);
    let prev: Entry<K, V> | undefined;
    for (let e = this.#buckets.get(h); e !== undefined; e = e.next) {
      if (matches(e, key)) {
        // `e.next` is kept so that an iterator standing on `e` can carry on.
        e.removed = true;
        if (prev !== undefined) prev.next = e.next;
        else if (e.next !== undefined) this.#buckets.set(h, e.next);
        else this.#buckets.delete(h);
        this.#bucketed--;
        return true;
      }
      prev = e;
    }
    return false;
  }

  /**
   * Removes every entry.
   *
   * @example
   * ```ts
   * import { TermMap } from "@trellis/core";
   * const m = new TermMap([[1, "a"]]);
   * m.clear();
   * m.size; // 0
   * ```
   */
  clear(): void {
    this.#direct.clear();
    for (const head of this.#buckets.values()) {
      for (let e: Entry<K, V> | undefined = head; e !== undefined; e = e.next) e.removed = true;
    }
    this.#buckets.clear();
    this.#bucketed = 0;
  }

  /**
   * The `[key, value]` pairs. Entries added during iteration may or may not be visited;
   * deleted ones that were not reached yet are not.
   *
   * @returns an iterator over the entries
   * @example
   * ```ts
   * import { TermMap } from "@trellis/core";
   * [...new TermMap([[["a"], 1]]).entries()]; // [[["a"], 1]]
   * ```
   */
  *entries(): IterableIterator<[K, V]> {
    yield* this.#direct.entries();
    for (const e of this.#bucketEntries()) yield [e.key, e.value];
  }

  /**
   * The keys, as they were first stored.
   *
   * @returns an iterator over the keys
   * @example
   * ```ts
   * import { TermMap } from "@trellis/core";
   * [...new TermMap([[1, "a"]]).keys()]; // [1]
   * ```
   */
  *keys(): IterableIterator<K> {
    yield* this.#direct.keys();
    for (const e of this.#bucketEntries()) yield e.key;
  }

  /**
   * The values.
   *
   * @returns an iterator over the values
   * @example
   * ```ts
   * import { TermMap } from "@trellis/core";
   * [...new TermMap([[1, "a"]]).values()]; // ["a"]
   * ```
   */
  *values(): IterableIterator<V> {
    yield* this.#direct.values();
    for (const e of this.#bucketEntries()) yield e.value;
  }

  /**
   * Iterates over the `[key, value]` pairs, as {@link TermMap.entries} does.
   *
   * @returns an iterator over the entries
   * @example
   * ```ts
   * import { TermMap } from "@trellis/core";
   * for (const [key, value] of new TermMap([[["a"], 1]])) console.log(key, value);
   * ```
   */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  /**
   * Calls `callback(value, key, map)` for each entry, as `Map.prototype.forEach` does.
   *
   * @param callback - called once per entry
   * @param thisArg - the `this` for `callback`
   * @example
   * ```ts
   * import { TermMap } from "@trellis/core";
   * new TermMap([[["a"], 1]]).forEach((value, key) => console.log(key, value));
   * ```
   */
  forEach(callback: (value: V, key: K, map: TermMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.#direct) callback.call(thisArg, value, key, this);
    for (const e of this.#bucketEntries()) callback.call(thisArg, e.value, e.key, this);
  }

  /** @internal */
  get [Symbol.toStringTag](): string {
    return "TermMap";
  }

  #find(key: K): Entry<K, V> | undefined {
    for (let e = this.#buckets.get(hashComposite(key)); e !== undefined; e = e.next) {
      if (matches(e, key)) return e;
    }
    return undefined;
  }

  *#bucketEntries(): Generator<Entry<K, V>, void, undefined> {
    for (const head of this.#buckets.values()) {
      for (let e: Entry<K, V> | undefined = head; e !== undefined; e = e.next) {
        if (!e.removed) yield e;
      }
    }
  }
}

/**
 * Whether a key goes straight into the JavaScript `Map`: primitives (SameValueZero already
 * merges `0`/`-0` and `NaN`s and keeps `1n` apart from `1`), pids and refs (identity).
 */
function isDirect(key: unknown): boolean {
  const t = typeof key;
  if (t === "number" || t === "string") return true;
  if (t === "object") {
    if (key === null) return true;
    return !Array.isArray(key) && !isPlainObject(key as object) && (Pid.is(key) || Ref.is(key));
  }
  if (t === "boolean" || t === "undefined" || t === "bigint") return true;
  throw notATerm(key);
}

/** {@link hash} of an array or plain object key; throws for anything else. */
function hashComposite(key: unknown): number {
  if (Array.isArray(key)) return hashTuple(key);
  if (typeof key === "object" && key !== null && isPlainObject(key)) {
    return hashMap(key as Record<string, unknown>);
  }
  throw notATerm(key);
}
