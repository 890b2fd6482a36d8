/**
 * The External Term Format encoder: JavaScript values to Erlang's `term_to_binary` bytes.
 *
 * @module
 */
import { BadArgumentError, formatReason, Pid, Ref } from "@trellis/core";
import {
  Atom,
  Bits,
  ErlRef,
  type ErlTerm,
  Export,
  Float,
  Fun,
  ImproperList,
  List,
  Port,
} from "../terms.js";
import * as T from "./tags.js";
import { Writer } from "./writer.js";

/**
 * Options of {@link encode}.
 *
 * @since 0.1.0
 * @category Codec
 */
export interface EncodeOptions {
  /**
   * Turns a value that is not an {@link ErlTerm} (a class instance, a symbol, a function…)
   * into one, or throws. Without it such values are rejected with a `BadArgumentError`.
   */
  readonly other?: (value: unknown) => ErlTerm;
  /** Called for every pid and reference encoded (the node layer remembers its own). */
  readonly seen?: (value: Pid | Ref) => void;
}

const objectProto: object = Object.prototype;
const textEncoder = new TextEncoder();

/** Encoded atoms by name (atoms and node names repeat; bounded, cleared when full). */
const atomCache = new Map<string, Uint8Array>();
const ATOM_CACHE_SIZE = 4096;

/** The ATOM_UTF8 or SMALL_ATOM_UTF8 encoding of an atom of at most 255 characters. */
function atomExt(name: string): Uint8Array {
  const text = textEncoder.encode(name);
  const n = text.length;
  const small = n < 256;
  const ext = new Uint8Array((small ? 2 : 3) + n);
  if (small) {
    ext[0] = T.SMALL_ATOM_UTF8;
    ext[1] = n;
  } else {
    ext[0] = T.ATOM_UTF8;
    ext[1] = n >>> 8;
    ext[2] = n & 0xff;
  }
  ext.set(text, small ? 2 : 3);
  return ext;
}
const PROPER: unique symbol = Symbol("proper list");

/** @internal The encoder state: options plus the nesting depth guard. */
export class Encoder {
  w: Writer;
  readonly opts: EncodeOptions;
  private depth = 0;

  constructor(w: Writer, opts: EncodeOptions = {}) {
    this.w = w;
    this.opts = opts;
  }

  term(v: unknown): void {
    switch (typeof v) {
      case "number":
        this.number(v);
        return;
      case "bigint":
        this.bigint(v);
        return;
      case "string":
        this.binaryString(v);
        return;
      case "boolean":
        this.atom(v ? "true" : "false");
        return;
      case "undefined":
        this.atom("undefined");
        return;
      case "object": {
        if (v === null) {
          this.atom("nil");
          return;
        }
        if (++this.depth > 1000) {
          throw new BadArgumentError("encode: the term is nested too deeply (or cyclic)");
        }
        try {
          this.object(v);
        } finally {
          this.depth--;
        }
        return;
      }
    }
    this.other(v);
  }

  private other(v: unknown): void {
    const f = this.opts.other;
    if (f === undefined) {
      throw new BadArgumentError(
        `encode: ${formatReason(v)} has no Erlang term form (see the ErlTerm mapping)`,
      );
    }
    const t = f(v);
    if (typeof t === "object" && t !== null && t === v) {
      throw new BadArgumentError(`encode: the "other" option returned its input unchanged`);
    }
    this.term(t);
  }

  private object(v: object): void {
    const w = this.w;
    if (Array.isArray(v)) {
      const n = v.length;
      if (n < 256) {
        w.u8(T.SMALL_TUPLE);
        w.u8(n);
      } else {
        w.u8(T.LARGE_TUPLE);
        w.u32(n);
      }
      for (let i = 0; i < n; i++) this.term(v[i]);
      return;
    }
    if (v instanceof Atom) {
      this.atom(v.name);
      return;
    }
    if (v instanceof List) {
      this.list(v.items, PROPER);
      return;
    }
    if (v instanceof Uint8Array) {
      w.u8(T.BINARY);
      w.u32(v.length);
      w.bytes(v);
      return;
    }
    if (v instanceof Pid) {
      this.pid(v);
      return;
    }
    if (v instanceof Ref) {
      this.ref(v);
      return;
    }
    if (v instanceof Map) {
      w.u8(T.MAP);
      w.u32(v.size);
      for (const [k, val] of v) {
        this.term(k);
        this.term(val);
      }
      return;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === objectProto || proto === null) {
      const keys = Object.keys(v);
      w.u8(T.MAP);
      w.u32(keys.length);
      const rec = v as Record<string, unknown>;
      for (const k of keys) {
        this.binaryString(k);
        this.term(rec[k]);
      }
      return;
    }
    if (v instanceof Float) {
      if (!Number.isFinite(v.value)) {
        throw new BadArgumentError(`encode: Erlang has no float ${v.value}`);
      }
      w.u8(T.NEW_FLOAT);
      w.f64(v.value);
      return;
    }
    if (v instanceof ImproperList) {
      if (v.items.length === 0) {
        throw new BadArgumentError("encode: an ImproperList needs at least one element");
      }
      if (v.tail instanceof List || v.tail instanceof ImproperList) {
        throw new BadArgumentError("encode: the tail of an ImproperList cannot be a list");
      }
      this.list(v.items, v.tail);
      return;
    }
    if (v instanceof Bits) {
      if (!Number.isInteger(v.bits) || v.bits < 1 || v.bits > 8 || v.bytes.length === 0) {
        throw new BadArgumentError("encode: Bits needs at least one byte and 1 to 8 bits");
      }
      w.u8(T.BIT_BINARY);
      w.u32(v.bytes.length);
      w.u8(v.bits);
      w.bytes(v.bytes);
      return;
    }
    if (v instanceof Port) {
      if (v.id < 0n || v.id >= 1n << 64n) {
        throw new BadArgumentError(`encode: a port id must fit 64 bits, got ${v.id}`);
      }
      if (v.id < 1n << 32n) {
        w.u8(T.NEW_PORT);
        this.atom(v.node);
        w.u32(Number(v.id));
      } else {
        w.u8(T.V4_PORT);
        this.atom(v.node);
        w.u64(v.id);
      }
      w.u32(v.creation);
      return;
    }
    if (v instanceof Export) {
      w.u8(T.EXPORT);
      this.atom(v.module.name);
      this.atom(v.name.name);
      w.u8(T.SMALL_INTEGER);
      w.u8(v.arity);
      return;
    }
    if (v instanceof Fun) {
      w.bytes(v.bytes);
      return;
    }
    this.other(v);
  }

  private list(items: readonly unknown[], tail: unknown): void {
    const w = this.w;
    const n = items.length;
    if (tail === PROPER && n === 0) {
      w.u8(T.NIL);
      return;
    }
    if (tail === PROPER && n <= 0xffff && isByteList(items)) {
      w.u8(T.STRING);
      w.u16(n);
      w.ensure(n);
      for (let i = 0; i < n; i++) w.buf[w.pos++] = Number(items[i]);
      return;
    }
    w.u8(T.LIST);
    w.u32(n);
    for (let i = 0; i < n; i++) this.term(items[i]);
    if (tail === PROPER) w.u8(T.NIL);
    else this.term(tail);
  }

  /** A pid (NEW_PID_EXT). */
  pid(v: Pid): void {
    this.opts.seen?.(v);
    const w = this.w;
    w.u8(T.NEW_PID);
    this.nodeAtom(v.node);
    w.ensure(12);
    w.u32(v.id);
    w.u32(v.serial);
    w.u32(v.creation);
  }

  /** A reference (NEWER_REFERENCE_EXT). */
  ref(v: Ref): void {
    this.opts.seen?.(v);
    const w = this.w;
    w.u8(T.NEWER_REFERENCE);
    if (v instanceof ErlRef) {
      const words = v.words;
      w.u16(words.length);
      this.nodeAtom(v.node);
      w.u32(v.creation);
      for (const word of words) w.u32(word);
    } else {
      // a reference core made: its number in the first two of three words
      w.u16(3);
      this.nodeAtom(v.node);
      w.u32(v.creation);
      w.u32(v.id % 0x100000000);
      w.u32(Math.floor(v.id / 0x100000000) % 0x100000000);
      w.u32(0);
    }
  }

  /** The node name of a pid or reference: mostly the same one, remembered without a lookup. */
  private lastNode = "";
  private lastNodeExt: Uint8Array | undefined;
  private nodeAtom(node: string): void {
    if (node === this.lastNode && this.lastNodeExt !== undefined) {
      this.w.bytes(this.lastNodeExt);
      return;
    }
    this.atom(node);
    const ext = atomCache.get(node);
    if (ext !== undefined) {
      this.lastNode = node;
      this.lastNodeExt = ext;
    }
  }

  atom(name: string): void {
    // an atom's encoding is cached: a control message names the same few atoms and node
    // names again and again (at most 255 UTF-16 units is at most 255 characters)
    if (name.length <= 255) {
      let ext = atomCache.get(name);
      if (ext === undefined) {
        ext = atomExt(name);
        if (atomCache.size >= ATOM_CACHE_SIZE) atomCache.clear();
        atomCache.set(name, ext);
      }
      this.w.bytes(ext);
      return;
    }
    let chars = 0;
    for (const _ of name) if (++chars > 255) break;
    if (chars > 255) {
      throw new BadArgumentError(
        `encode: an atom has at most 255 characters, got ${name.slice(0, 20)}…`,
      );
    }
    this.w.bytes(atomExt(name));
  }

  private binaryString(s: string): void {
    const w = this.w;
    w.u8(T.BINARY);
    const at = w.pos;
    w.u32(0);
    w.setU32(at, w.utf8(s));
  }

  private number(v: number): void {
    const w = this.w;
    if (Number.isInteger(v)) {
      if (v >= 0 && v < 256) {
        w.u8(T.SMALL_INTEGER);
        w.u8(v);
      } else if (v >= -0x80000000 && v <= 0x7fffffff) {
        w.u8(T.INTEGER);
        w.i32(v);
      } else if (Number.isSafeInteger(v)) {
        this.smallBigFromNumber(v);
      } else {
        this.bigint(BigInt(v));
      }
      return;
    }
    if (!Number.isFinite(v)) throw new BadArgumentError(`encode: Erlang has no float ${v}`);
    w.u8(T.NEW_FLOAT);
    w.f64(v);
  }

  private smallBigFromNumber(v: number): void {
    const w = this.w;
    let n = Math.abs(v);
    w.u8(T.SMALL_BIG);
    const at = w.pos;
    w.u8(0);
    w.u8(v < 0 ? 1 : 0);
    let digits = 0;
    while (n > 0) {
      w.u8(n % 256);
      n = Math.floor(n / 256);
      digits++;
    }
    w.buf[at] = digits;
  }

  private bigint(v: bigint): void {
    const w = this.w;
    if (v >= -0x80000000n && v <= 0x7fffffffn) {
      this.number(Number(v));
      return;
    }
    let n = v < 0n ? -v : v;
    const at = w.pos;
    w.u8(T.SMALL_BIG);
    w.u8(0);
    w.u8(v < 0n ? 1 : 0);
    let digits = 0;
    while (n > 0n) {
      w.u8(Number(n & 0xffn));
      n >>= 8n;
      digits++;
    }
    if (digits < 256) {
      w.buf[at + 1] = digits;
      return;
    }
    // LARGE_BIG: 4-byte digit count; shift the sign and digits by three bytes.
    w.ensure(3);
    w.buf.copyWithin(at + 5, at + 2, at + 3 + digits);
    w.buf[at] = T.LARGE_BIG;
    w.setU32(at + 1, digits);
    w.pos = at + 6 + digits;
  }
}

function isByteList(items: readonly unknown[]): boolean {
  for (const x of items) {
    if (typeof x === "bigint") {
      if (x < 0n || x > 255n) return false;
    } else if (typeof x !== "number" || !Number.isInteger(x) || x < 0 || x > 255) return false;
  }
  return true;
}

/**
 * Encodes a term as Erlang's `term_to_binary/1` does (version byte 131 first). Integral
 * numbers become integers, other numbers floats; strings become UTF-8 binaries; arrays
 * become tuples; see {@link ErlTerm} for the whole mapping.
 *
 * @param term - the value
 * @param options - how to encode values that are not Erlang terms
 * @returns the bytes
 * @throws {BadArgumentError} for a value without an Erlang form (a function, `NaN`, a class
 *   instance without the `other` option, an atom over 255 characters, a cyclic structure)
 * @example
 * ```ts
 * import { atom, encode } from "@trellis/distribution";
 * encode([atom("ok"), 1]); // Uint8Array [131, 104, 2, 119, 2, 111, 107, 97, 1]
 * ```
 * @since 0.1.0
 * @category Codec
 */
export function encode(term: ErlTerm, options?: EncodeOptions): Uint8Array {
  const w = new Writer();
  w.u8(T.VERSION);
  new Encoder(w, options).term(term);
  return w.result();
}
