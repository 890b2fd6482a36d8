/**
 * Key hashing, equality and order with fast paths for the common keys (small integers,
 * strings, short tuples of those). They agree with core's `equals` and `compare` on every
 * term; anything unusual falls through to core.
 *
 * @internal
 * @module
 */
import {
  assertTerm,
  compare,
  equals,
  formatReason,
  hash,
  Pid,
  Ref,
  type Term,
} from "@trellis/core";

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);

/** MurmurHash3's 32-bit finaliser. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** One MurmurHash3 block step. */
function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function hashDouble(n: number): number {
  if (Number.isNaN(n)) return 0x7ff80000;
  f64[0] = n;
  return fmix(mix(i32[0] as number, i32[1] as number));
}

function hashString(s: string): number {
  let h = 0x811c9dc5 ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix(h);
}

/**
 * A 32-bit hash consistent with `equals` (equal keys hash alike). Integers, strings and
 * arrays are hashed here without allocating; other terms go to core's `hash`. Which path a
 * key takes depends only on its value, so equal keys always take the same one.
 */
export function hashKey(k: unknown): number {
  if (typeof k === "number") return (k | 0) === k ? fmix(k) : hashDouble(k);
  if (typeof k === "string") return hashString(k);
  if (Array.isArray(k)) {
    const n = k.length;
    let h = 0x1b873593 ^ n;
    for (let i = 0; i < n; i++) {
      const e: unknown = k[i];
      // Small integers inline: the common tuple key is a few of them.
      h = mix(h, typeof e === "number" && (e | 0) === e ? fmix(e) : hashKey(e));
    }
    return fmix(h);
  }
  return hash(k as Term);
}

/** `equals` for validated terms, with fast paths for numbers, strings, pids, refs and short arrays. */
export function keyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ta = typeof a;
  if (ta === "number") return typeof b === "number" && Number.isNaN(a) && Number.isNaN(b);
  if (ta !== "object" || a === null || typeof b !== "object" || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) return false;
    const n = a.length;
    if (n !== b.length) return false;
    for (let i = 0; i < n; i++) {
      const x: unknown = a[i];
      const y: unknown = b[i];
      if (x !== y && !keyEquals(x, y)) return false;
    }
    return true;
  }
  // A pid or a ref equals only itself (core's `equals` compares them by identity), and
  // `a !== b` here: a bag's rows of many processes under one key compare quickly.
  if (Pid.is(a) || Ref.is(a)) return false;
  return equals(a as Term, b as Term);
}

/** `compare` for validated terms, with a fast path for two numbers. */
export function keyCompare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") {
    if (a < b) return -1;
    if (a > b) return 1;
    if (a === b) return 0;
  }
  return compare(a as Term, b as Term);
}

/** The kinds of values a term check accepts at once, without looking inside. */
function isPrimitiveTerm(v: unknown): boolean {
  const t = typeof v;
  return (
    t === "number" ||
    t === "string" ||
    t === "boolean" ||
    t === "undefined" ||
    t === "bigint" ||
    v === null
  );
}

/**
 * Whether `v` is a term, cheaply for the usual shapes (primitives, short arrays of
 * primitives); the rest goes to core's checks (cycles, plain objects, pids, refs).
 */
export function quickTerm(v: unknown, depth: number): boolean {
  if (isPrimitiveTerm(v)) return true;
  if (typeof v !== "object") return false;
  if (Array.isArray(v)) {
    if (depth > 8) return false;
    for (let i = 0; i < v.length; i++) if (!quickTerm(v[i], depth + 1)) return false;
    return true;
  }
  return Pid.is(v) || Ref.is(v);
}

/**
 * Throws a BadArgumentError naming `what` unless `v` is a term.
 */
export function checkTerm(v: unknown, what: string): void {
  if (quickTerm(v, 0)) return;
  assertTerm(v, what);
}

/** A term for an error message: strings quoted, the rest as `formatReason` shows it. */
export function show(v: unknown, depth = 0): string {
  try {
    if (typeof v === "string") return JSON.stringify(v);
    if (typeof v === "bigint") return `${v}n`;
    if (Array.isArray(v)) {
      if (depth >= 8) return "[…]";
      const more = v.length > 100 ? `, …${v.length - 100} more` : "";
      return `[${v
        .slice(0, 100)
        .map((x) => show(x, depth + 1))
        .join(", ")}${more}]`;
    }
  } catch {
    // a hostile value: formatReason never throws
  }
  return formatReason(v);
}
