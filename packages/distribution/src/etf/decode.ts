/**
 * The External Term Format decoder: Erlang's `binary_to_term` for hostile input. Every
 * length is checked against the bytes that remain before anything is allocated, nesting is
 * bounded, and every failure is a {@link DecodeError}.
 *
 * @module
 */
import { inflateSync } from "node:zlib";
import type { Pid, Ref } from "@trellis/core";
import { DecodeError } from "../errors.js";
import {
  type Atom,
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
} from "../terms.js";
import * as T from "./tags.js";

/**
 * Options of {@link decode}.
 *
 * @since 0.1.0
 * @category Codec
 */
export interface DecodeOptions {
  /** Decode every float as a {@link Float} when its value is integral (exact round trips). Default `false`. */
  readonly exactFloats?: boolean;
  /** `"auto"` (default): a binary that is valid UTF-8 becomes a `string`, others a `Uint8Array`. `"bytes"`: always a `Uint8Array`. */
  readonly binaries?: "auto" | "bytes";
  /** Maximum nesting of tuples, lists and maps. Default `1000`. */
  readonly maxDepth?: number;
  /** Maximum uncompressed size of a compressed term, in bytes. Default 64 MiB. */
  readonly maxInflated?: number;
  /** Makes the `Pid` for a decoded pid. Default: {@link internPid}. */
  readonly pid?: (node: string, id: number, serial: number, creation: number) => Pid;
  /** Makes the `Ref` for a decoded reference. Default: {@link internRef}. */
  readonly ref?: (node: string, creation: number, words: readonly number[]) => Ref;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const latin1 = new TextDecoder("latin1");
const EMPTY = new Uint8Array(0);
const TRUE = "true";
/** Eight bytes to read a float or a 64-bit integer from. */
const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);

// A cache of decoded UTF-8 atoms, by their bytes: a control message names the same few atoms
// and node names again and again, and comparing a few bytes is much cheaper than decoding
// UTF-8 and looking the text up in the atom table. Direct-mapped, so it stays small.
const ATOM_SLOTS = 1024;
const atomBytes: (Uint8Array | undefined)[] = new Array(ATOM_SLOTS).fill(undefined);
const atomTexts: string[] = new Array(ATOM_SLOTS).fill("");
const atomValues: ErlTerm[] = new Array(ATOM_SLOTS).fill(undefined);

/** Whether `b[at, at + known.length)` holds the bytes of `known`. */
function sameBytes(known: Uint8Array, b: Uint8Array, at: number): boolean {
  const n = known.length;
  for (let i = 0; i < n; i++) if (known[i] !== b[at + i]) return false;
  return true;
}

/** Short binaries of ASCII bytes become strings without a call into the text decoder. */
const SHORT_ASCII = 32;

/** @internal */
export class Decoder {
  buf: Uint8Array;
  pos: number;
  /** Where the input ends (the packet may be part of a larger buffer). */
  end: number;
  private depth = 0;
  private readonly maxDepth: number;
  private readonly exactFloats: boolean;
  private readonly bytesOnly: boolean;
  private readonly maxInflated: number;
  private readonly makePid: (node: string, id: number, serial: number, creation: number) => Pid;
  private readonly makeRef: (node: string, creation: number, words: readonly number[]) => Ref;

  constructor(buf: Uint8Array, pos: number, opts: DecodeOptions = {}, end: number = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.maxDepth = opts.maxDepth ?? 1000;
    this.exactFloats = opts.exactFloats ?? false;
    this.bytesOnly = opts.binaries === "bytes";
    this.maxInflated = opts.maxInflated ?? 64 * 1024 * 1024;
    this.makePid = opts.pid ?? internPid;
    this.makeRef = opts.ref ?? internRef;
  }

  /** Points the decoder at new input (a decoder is reused for every packet of a connection). */
  reset(buf: Uint8Array, pos: number, end: number): void {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.depth = 0;
  }

  fail(message: string, at: number = this.pos): never {
    throw new DecodeError(message, at);
  }

  need(n: number): void {
    if (n > this.end - this.pos) {
      this.fail(`needs ${n} more bytes but only ${this.end - this.pos} remain`);
    }
  }

  u8(): number {
    if (this.pos >= this.end) this.fail("unexpected end of input");
    return this.buf[this.pos++] as number;
  }

  u16(): number {
    this.need(2);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return ((b[p] as number) << 8) | (b[p + 1] as number);
  }

  u32(): number {
    this.need(4);
    return this.u32At();
  }

  /** A big-endian 32-bit word at `pos`, whose bytes are known to be there. */
  private u32At(): number {
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return (
      (((b[p] as number) << 24) |
        ((b[p + 1] as number) << 16) |
        ((b[p + 2] as number) << 8) |
        (b[p + 3] as number)) >>>
      0
    );
  }

  /** Eight bytes at `pos`, moved to the scratch view. */
  private eight(): DataView {
    this.need(8);
    for (let i = 0; i < 8; i++) scratch[i] = this.buf[this.pos + i] as number;
    this.pos += 8;
    return scratchView;
  }

  /** A length whose items take at least `unit` bytes each: it must fit what remains. */
  count(n: number, unit: number, what: string): number {
    if (n * unit > this.end - this.pos) {
      this.fail(`${what} of length ${n} runs past the end of the input`);
    }
    return n;
  }

  slice(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** A versioned term: `131` then the term (possibly compressed). */
  versioned(): ErlTerm {
    const at = this.pos;
    const v = this.u8();
    if (v !== T.VERSION) this.fail(`expected the version byte 131, got ${v}`, at);
    if (this.pos < this.end && this.buf[this.pos] === T.COMPRESSED) return this.compressed();
    return this.term();
  }

  private compressed(): ErlTerm {
    const at = this.pos;
    this.pos++;
    const size = this.u32();
    if (size > this.maxInflated) {
      this.fail(`a compressed term of ${size} bytes exceeds the limit of ${this.maxInflated}`, at);
    }
    const packed = this.buf.subarray(this.pos, this.end);
    let inflated: Uint8Array;
    try {
      inflated = inflateSync(packed, { maxOutputLength: Math.max(size, 1) });
    } catch {
      return this.fail("compressed data is not valid zlib within its declared size", at);
    }
    if (inflated.length !== size) {
      this.fail(`compressed data inflates to ${inflated.length} bytes, not ${size}`, at);
    }
    const outer = this.buf;
    const outerEnd = this.end;
    this.buf = inflated;
    this.end = inflated.length;
    this.pos = 0;
    const t = this.term();
    if (this.pos !== inflated.length) this.fail("trailing bytes inside compressed data");
    this.buf = outer;
    this.end = outerEnd;
    this.pos = outerEnd;
    return t;
  }

  term(): ErlTerm {
    const at = this.pos;
    const tag = this.u8();
    switch (tag) {
      case T.SMALL_INTEGER:
        return this.u8();
      case T.INTEGER:
        return this.u32() | 0;
      case T.SMALL_BIG:
        return this.big(this.u8());
      case T.LARGE_BIG:
        return this.big(this.u32());
      case T.NEW_FLOAT: {
        const v = this.eight().getFloat64(0);
        if (!Number.isFinite(v)) this.fail("a float that is not finite", at);
        return this.float(v);
      }
      case T.FLOAT: {
        const text = latin1.decode(this.slice(31)).replace(/\0+$/, "");
        const v = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)
          ? Number.parseFloat(text)
          : Number.NaN;
        if (!Number.isFinite(v)) this.fail("an invalid FLOAT_EXT text", at);
        return this.float(v);
      }
      case T.SMALL_ATOM_UTF8:
        return this.cachedAtom(this.u8(), false, at);
      case T.ATOM_UTF8:
      case T.ATOM:
      case T.SMALL_ATOM:
        return this.atomValue(this.atomText(tag, at));
      case T.SMALL_TUPLE:
        return this.tuple(this.u8());
      case T.LARGE_TUPLE:
        return this.tuple(this.u32());
      case T.NIL:
        return List.EMPTY;
      case T.STRING: {
        const n = this.u16();
        const bytes = this.slice(n);
        return new List(Array.from(bytes));
      }
      case T.LIST:
        return this.list();
      case T.MAP:
        return this.map();
      case T.BINARY: {
        const n = this.u32();
        return this.binary(this.slice(n));
      }
      case T.BIT_BINARY: {
        const n = this.u32();
        const bits = this.u8();
        if (bits < 1 || bits > 8) this.fail(`a bitstring with ${bits} bits in its last byte`, at);
        if (n === 0) this.fail("a bitstring with no bytes but a bit count", at);
        const bytes = this.slice(n);
        return bits === 8 ? this.binary(bytes) : new Bits(bytes.slice(), bits);
      }
      case T.NEW_PID:
      case T.PID: {
        const node = this.nodeName();
        this.need(tag === T.NEW_PID ? 12 : 9);
        const id = this.u32At();
        const serial = this.u32At();
        const creation = tag === T.NEW_PID ? this.u32At() : this.u8();
        return this.makePid(node, id, serial, creation);
      }
      case T.NEWER_REFERENCE:
      case T.NEW_REFERENCE: {
        const len = this.u16();
        if (len < 1 || len > 5) this.fail(`a reference of ${len} words (1 to 5 allowed)`, at);
        const node = this.nodeName();
        const creation = tag === T.NEWER_REFERENCE ? this.u32() : this.u8();
        this.need(4 * len);
        const words: number[] = new Array(len);
        for (let i = 0; i < len; i++) words[i] = this.u32At();
        return this.makeRef(node, creation, words);
      }
      case T.REFERENCE: {
        const node = this.nodeName();
        const id = this.u32();
        const creation = this.u8();
        return this.makeRef(node, creation, [id]);
      }
      case T.NEW_PORT:
      case T.PORT: {
        const node = this.nodeName();
        const id = this.u32();
        const creation = tag === T.NEW_PORT ? this.u32() : this.u8();
        return new Port(node, BigInt(id), creation);
      }
      case T.V4_PORT: {
        const node = this.nodeName();
        const id = this.eight().getBigUint64(0);
        return new Port(node, id, this.u32());
      }
      case T.EXPORT: {
        const module = this.atomTerm();
        const name = this.atomTerm();
        const arityAt = this.pos;
        if (this.u8() !== T.SMALL_INTEGER)
          this.fail("an export fun's arity must be a small integer", arityAt);
        return new Export(module, name, this.u8());
      }
      case T.NEW_FUN:
        return this.fun(at);
      case T.ATOM_CACHE_REF:
        return this.fail("an atom cache reference outside a distribution header", at);
      case T.COMPRESSED:
        return this.fail("a compressed term may only appear at the top level", at);
      default:
        return this.fail(`unknown tag ${tag}`, at);
    }
  }

  private float(v: number): number | Float {
    return this.exactFloats && Number.isInteger(v) ? new Float(v) : v;
  }

  private big(n: number): number | bigint {
    const sign = this.u8();
    if (sign > 1) this.fail(`a big integer with sign byte ${sign}`);
    const digits = this.slice(this.count(n, 1, "a big integer"));
    if (n <= 6) {
      let v = 0;
      for (let i = n - 1; i >= 0; i--) v = v * 256 + (digits[i] as number);
      return sign === 1 ? (v === 0 ? 0 : -v) : v;
    }
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(digits[i] as number);
    if (sign === 1) v = -v;
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v;
  }

  /**
   * A SMALL_ATOM_UTF8 of `n` bytes at `pos`, through the atom cache: its value (`text`
   * false) or its text (`text` true).
   */
  private cachedAtom(n: number, text: false, at: number): ErlTerm;
  private cachedAtom(n: number, text: true, at: number): string;
  private cachedAtom(n: number, text: boolean, at: number): ErlTerm {
    this.need(n);
    const b = this.buf;
    const p = this.pos;
    let h = n;
    // FNV-1a over the bytes, seeded with the length (a different length is a different atom)
    for (let i = 0; i < n; i++) h = Math.imul(h ^ (b[p + i] as number), 0x01000193);
    const slot = (h ^ (h >>> 15)) & (ATOM_SLOTS - 1);
    const known = atomBytes[slot];
    if (known !== undefined && known.length === n && sameBytes(known, b, p)) {
      this.pos = p + n;
      return text ? atomTexts[slot] : atomValues[slot];
    }
    this.pos = p - 1;
    const name = this.atomText(T.SMALL_ATOM_UTF8, at);
    const value = this.atomValue(name);
    atomBytes[slot] = b.slice(p, p + n);
    atomTexts[slot] = name;
    atomValues[slot] = value;
    return text ? name : value;
  }

  /** The text of an atom whose tag has been read. */
  atomText(tag: number, at: number): string {
    const small = tag === T.SMALL_ATOM_UTF8 || tag === T.SMALL_ATOM;
    const n = small ? this.u8() : this.u16();
    const bytes = this.slice(n);
    if (tag === T.ATOM || tag === T.SMALL_ATOM) {
      if (n > 255) this.fail(`a Latin-1 atom of ${n} characters (at most 255)`, at);
      return latin1.decode(bytes);
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return this.fail("an atom that is not valid UTF-8", at);
    }
    if (n > 255) {
      let chars = 0;
      for (const _ of text) chars++;
      if (chars > 255) this.fail(`an atom of ${chars} characters (at most 255)`, at);
    }
    return text;
  }

  private atomValue(text: string): ErlTerm {
    switch (text) {
      case TRUE:
        return true;
      case "false":
        return false;
      case "nil":
        return null;
      case "undefined":
        return undefined;
      default:
        return atom(text);
    }
  }

  /** An atom term, kept as an Atom whatever its text (for modules and functions). */
  private atomTerm(): Atom {
    const at = this.pos;
    const tag = this.u8();
    if (tag === T.SMALL_ATOM_UTF8) return atom(this.cachedAtom(this.u8(), true, at));
    if (
      tag !== T.ATOM_UTF8 &&
      tag !== T.SMALL_ATOM_UTF8 &&
      tag !== T.ATOM &&
      tag !== T.SMALL_ATOM
    ) {
      this.fail(`expected an atom, got tag ${tag}`, at);
    }
    return atom(this.atomText(tag, at));
  }

  private nodeName(): string {
    const at = this.pos;
    if (this.buf[at] === T.SMALL_ATOM_UTF8 && at < this.end) {
      this.pos++;
      return this.cachedAtom(this.u8(), true, at);
    }
    return this.atomTerm().name;
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`);
  }

  private tuple(n: number): ErlTerm[] {
    this.count(n, 1, "a tuple");
    this.enter();
    const items: ErlTerm[] = new Array(n);
    for (let i = 0; i < n; i++) items[i] = this.term();
    this.depth--;
    return items;
  }

  private list(): ErlTerm {
    const n = this.count(this.u32(), 1, "a list");
    this.enter();
    const items: ErlTerm[] = new Array(n);
    for (let i = 0; i < n; i++) items[i] = this.term();
    let tail: ErlTerm | typeof EMPTY = EMPTY;
    if (this.pos < this.end && this.buf[this.pos] === T.NIL) this.pos++;
    else tail = this.term();
    this.depth--;
    if (tail === EMPTY) return n === 0 ? List.EMPTY : new List(items);
    if (n === 0) return tail as ErlTerm;
    if (tail instanceof List) {
      // [a | [b, c]] is the proper list [a, b, c]
      return tail.length === 0 ? new List(items) : new List([...items, ...tail.items]);
    }
    if (tail instanceof ImproperList) return new ImproperList([...items, ...tail.items], tail.tail);
    return new ImproperList(items, tail as ErlTerm);
  }

  private map(): ErlTerm {
    const n = this.count(this.u32(), 2, "a map");
    this.enter();
    const keys: ErlTerm[] = new Array(n);
    const values: ErlTerm[] = new Array(n);
    let allStrings = true;
    for (let i = 0; i < n; i++) {
      const k = this.term();
      keys[i] = k;
      values[i] = this.term();
      if (typeof k !== "string") allStrings = false;
    }
    this.depth--;
    if (allStrings) {
      const obj: Record<string, ErlTerm> = Object.create(null) as Record<string, ErlTerm>;
      for (let i = 0; i < n; i++) {
        const k = keys[i] as string;
        if (Object.hasOwn(obj, k)) this.fail(`a map with the key "${k}" twice`);
        obj[k] = values[i];
      }
      return obj;
    }
    const m = new Map<ErlTerm, ErlTerm>();
    for (let i = 0; i < n; i++) m.set(keys[i], values[i]);
    return m;
  }

  private binary(bytes: Uint8Array): string | Uint8Array {
    if (!this.bytesOnly) {
      const n = bytes.length;
      if (n <= SHORT_ASCII) {
        let ascii = true;
        for (let i = 0; i < n; i++) if ((bytes[i] as number) > 0x7f) ascii = false;
        if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
      }
      try {
        return utf8.decode(bytes);
      } catch {
        // not UTF-8: keep the bytes
      }
    }
    return bytes.slice();
  }

  private fun(at: number): Fun {
    const size = this.u32();
    // Size counts itself and everything after the tag.
    if (size < 4 + 1 + 16 + 4 + 4 || size - 4 > this.end - this.pos) {
      this.fail(`a fun of size ${size} does not fit the input`, at);
    }
    const end = at + 1 + size;
    const arity = this.u8();
    this.pos += 16 + 4; // Uniq, Index
    const numFree = this.count(this.u32(), 1, "a fun's free variables");
    const module = this.atomTerm();
    const oldIndex = this.term();
    const oldUniq = this.term();
    if (typeof oldIndex !== "number" || typeof oldUniq !== "number") {
      this.fail("a fun's OldIndex and OldUniq must be integers", at);
    }
    const pidAt = this.pos;
    const pidTag = this.u8();
    if (pidTag !== T.NEW_PID && pidTag !== T.PID) this.fail("a fun's creator must be a pid", pidAt);
    this.pos = pidAt;
    this.term();
    this.enter();
    for (let i = 0; i < numFree; i++) this.term();
    this.depth--;
    if (this.pos !== end)
      this.fail(`a fun whose size field (${size}) does not match its content`, at);
    return new Fun(module, arity, this.buf.slice(at, end));
  }
}

/**
 * Decodes bytes made by Erlang's `term_to_binary` (version byte 131 first; compressed terms
 * too). See {@link ErlTerm} for what each Erlang type becomes.
 *
 * Safe for untrusted input: any byte string gives a term or a {@link DecodeError}, never
 * another exception, a hang, or an allocation larger than the input allows (except a
 * compressed term, bounded by `maxInflated`).
 *
 * @param bytes - the encoded term, and nothing after it
 * @param options - decoding choices
 * @returns the term
 * @throws {DecodeError} for anything that is not exactly one valid term
 * @example
 * ```ts
 * import { decode } from "@trellis/distribution";
 * decode(Uint8Array.of(131, 104, 2, 119, 2, 111, 107, 97, 1)); // [atom("ok"), 1]
 * ```
 * @since 0.1.0
 * @category Codec
 */
export function decode(bytes: Uint8Array, options?: DecodeOptions): ErlTerm {
  if (!(bytes instanceof Uint8Array)) {
    throw new DecodeError("expected a Uint8Array", 0);
  }
  const d = new Decoder(bytes, 0, options);
  const t = d.versioned();
  if (d.pos !== bytes.length) d.fail(`${bytes.length - d.pos} bytes after the term`);
  return t;
}

/**
 * What {@link decodeAt} returns.
 *
 * @since 0.1.0
 * @category Codec
 */
export interface Decoded {
  /** The term. */
  readonly term: ErlTerm;
  /** The offset just after it. */
  readonly end: number;
}

/**
 * Decodes the first versioned term in `bytes` from `offset`, and tells where it ended.
 *
 * @param bytes - the input
 * @param offset - where the term (its version byte) starts
 * @param options - decoding choices
 * @returns the term and the offset just after it
 * @throws {DecodeError} if no valid term starts there
 * @example
 * ```ts
 * import { decodeAt } from "@trellis/distribution";
 * const { term, end } = decodeAt(packet, 1);
 * ```
 * @since 0.1.0
 * @category Codec
 */
export function decodeAt(bytes: Uint8Array, offset: number, options?: DecodeOptions): Decoded {
  const d = new Decoder(bytes, offset, options);
  const term = d.versioned();
  return { term, end: d.pos };
}
