/**
 * The Erlang term model: how every Erlang term looks in JavaScript.
 *
 * | Erlang | JavaScript (decoded) | JavaScript (also encodes to it) |
 * | --- | --- | --- |
 * | atom `ok` | {@link Atom} (interned: `atom("ok") === atom("ok")`) | |
 * | atoms `true`, `false` | `true`, `false` | |
 * | atom `nil` / `undefined` | `null` / `undefined` | |
 * | integer | `number` when safe (`Number.isSafeInteger`), else `bigint` | any integral `number`, any `bigint` |
 * | float | `number` ({@link Float} for integral values with `exactFloats`) | a non-integral `number`, {@link Float} |
 * | binary | `string` when it is valid UTF-8, else `Uint8Array` | `string` (UTF-8), `Uint8Array` |
 * | bitstring | {@link Bits} | |
 * | tuple `{a, 1}` | array `[atom("a"), 1]` | |
 * | list `[1, 2]` | {@link List} (`list(1, 2)`) | |
 * | improper list `[1 \| 2]` | {@link ImproperList} | |
 * | map with only binary keys | plain object (prototype `null`) | plain object |
 * | any other map | `Map` | `Map` |
 * | pid, reference | core's `Pid`, `Ref` (remote ones interned, see {@link ErlRef}) | |
 * | port | {@link Port} | |
 * | fun `fun m:f/a` | {@link Export} | |
 * | fun (closure) | {@link Fun}: opaque, re-encodes byte for byte | |
 *
 * The mapping follows core's terms (`@trellis/core` `Term`: strings are binaries, arrays are
 * tuples, booleans/`null`/`undefined` are atoms) and adds the Erlang types core has no
 * value for.
 *
 * @module
 */
import { Pid, Ref } from "@trellis/core";
import { SlotMap } from "./slot-map.js";

const ATOM_BRAND = Symbol.for("trellis.distribution.atom");
const atoms = new Map<string, Atom>();

/**
 * An Erlang atom. Atoms are interned: there is one `Atom` object per name, so they compare
 * with `===` and work as `Map` keys. Make them with {@link atom}. The atoms `true`, `false`,
 * `nil` and `undefined` are the JavaScript values `true`, `false`, `null` and `undefined`
 * instead.
 *
 * @example
 * ```ts
 * import { atom } from "@trellis/distribution";
 * atom("ok") === atom("ok"); // true
 * String(atom("ok")); // "ok"
 * ```
 * @since 0.1.0
 * @category Terms
 */
export class Atom {
  /** The atom's text. */
  readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /** @internal Use {@link atom}. */
  static of(name: string): Atom {
    let a = atoms.get(name);
    if (a === undefined) {
      a = new Atom(name);
      atoms.set(name, a);
    }
    return a;
  }

  /**
   * The atom's text.
   *
   * @example
   * ```ts
   * import { atom } from "@trellis/distribution";
   * atom("error").toString(); // "error"
   * ```
   */
  toString(): string {
    return this.name;
  }

  /** @internal Used by `JSON.stringify`. */
  toJSON(): string {
    return this.name;
  }

  /**
   * Whether `value` is an atom.
   *
   * @example
   * ```ts
   * import { Atom, atom } from "@trellis/distribution";
   * Atom.is(atom("ok")); // true
   * Atom.is("ok"); // false
   * ```
   */
  static is(value: unknown): value is Atom {
    return value instanceof Atom;
  }
}
Object.defineProperty(Atom.prototype, ATOM_BRAND, { value: true });
Object.defineProperty(Atom.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value(this: Atom) {
    return `:${this.name}`;
  },
});

/**
 * The interned {@link Atom} named `name` (at most 255 characters, as in Erlang).
 *
 * @param name - the atom's text
 * @returns the one `Atom` with that name
 * @example
 * ```ts
 * import { atom } from "@trellis/distribution";
 * const reply = [atom("ok"), 42]; // {ok, 42}
 * ```
 * @since 0.1.0
 * @category Terms
 */
export function atom(name: string): Atom {
  return Atom.of(name);
}

/**
 * An Erlang term as this package encodes and decodes it; see the module documentation for
 * the mapping.
 *
 * @example
 * ```ts
 * import { atom, list, type ErlTerm } from "@trellis/distribution";
 * const t: ErlTerm = [atom("reply"), list(1, 2, 3), { name: "ann" }];
 * ```
 * @since 0.1.0
 * @category Terms
 */
export type ErlTerm =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Atom
  | Float
  | Uint8Array
  | Bits
  | List
  | ImproperList
  | Pid
  | Ref
  | Port
  | Fun
  | Export
  | readonly ErlTerm[]
  | ReadonlyMap<ErlTerm, ErlTerm>
  | { readonly [key: string]: ErlTerm };

/**
 * A proper Erlang list. `items` holds the elements; the empty list is `List.EMPTY` (also
 * `list()`).
 *
 * @example
 * ```ts
 * import { List, list } from "@trellis/distribution";
 * const l = list(1, 2, 3);
 * l.items; // [1, 2, 3]
 * list() === List.EMPTY; // true
 * ```
 * @since 0.1.0
 * @category Terms
 */
export class List<T extends ErlTerm = ErlTerm> {
  /** The elements, in order. */
  readonly items: readonly T[];

  /** The empty list, `[]`. */
  static readonly EMPTY: List<never> = new List<never>([]);

  /** @param items - the elements (kept, not copied) */
  constructor(items: readonly T[]) {
    this.items = items;
  }

  /** How many elements. */
  get length(): number {
    return this.items.length;
  }

  /**
   * The Erlang text form, e.g. `[1,2]`.
   *
   * @example
   * ```ts
   * import { list } from "@trellis/distribution";
   * String(list(1, 2)); // "[1,2]"
   * ```
   */
  toString(): string {
    return `[${this.items.map(String).join(",")}]`;
  }
}

/**
 * A proper list of `items`.
 *
 * @param items - the elements
 * @returns the list (`List.EMPTY` when empty)
 * @example
 * ```ts
 * import { atom, list } from "@trellis/distribution";
 * const opts = list([atom("active"), true]); // [{active, true}]
 * ```
 * @since 0.1.0
 * @category Terms
 */
export function list(...items: ErlTerm[]): List {
  return items.length === 0 ? List.EMPTY : new List(items);
}

/**
 * An improper list `[A, B | Tail]`: at least one element and a tail that is not a list.
 * `gen_server` call tags are improper lists (`[alias | Ref]`).
 *
 * @example
 * ```ts
 * import { ImproperList, atom } from "@trellis/distribution";
 * const tag = new ImproperList([atom("alias")], 42); // [alias | 42]
 * ```
 * @since 0.1.0
 * @category Terms
 */
export class ImproperList {
  /** The elements before the tail (at least one). */
  readonly items: readonly ErlTerm[];
  /** The tail: any term except a list. */
  readonly tail: ErlTerm;

  /**
   * @param items - the elements (at least one)
   * @param tail - the tail (not a list)
   */
  constructor(items: readonly ErlTerm[], tail: ErlTerm) {
    this.items = items;
    this.tail = tail;
  }
}

/**
 * An Erlang float, for when a value must travel as a float although it is integral
 * (`float(1)` is `1.0`; the plain number `1` encodes as the integer `1`). Decoding yields
 * plain numbers unless the `exactFloats` option is set.
 *
 * @example
 * ```ts
 * import { Float, encode } from "@trellis/distribution";
 * encode(new Float(1)); // the float 1.0
 * ```
 * @since 0.1.0
 * @category Terms
 */
export class Float {
  /** The value. */
  readonly value: number;
  /** @param value - a finite number */
  constructor(value: number) {
    this.value = value;
  }
}

/**
 * A bitstring whose length is not a whole number of bytes: `bytes` holds the data and
 * `bits` how many bits of the last byte are used (1–7), from its most significant end.
 *
 * @example
 * ```ts
 * import { Bits } from "@trellis/distribution";
 * const b = new Bits(Uint8Array.of(0b1010_0000), 3); // <<5:3>>
 * ```
 * @since 0.1.0
 * @category Terms
 */
export class Bits {
  /** The bytes; the last one is partly used. */
  readonly bytes: Uint8Array;
  /** Used bits of the last byte, 1–7. */
  readonly bits: number;
  /**
   * @param bytes - the data (at least one byte)
   * @param bits - used bits of the last byte
   */
  constructor(bytes: Uint8Array, bits: number) {
    this.bytes = bytes;
    this.bits = bits;
  }
}

/**
 * An Erlang port identifier, kept as an opaque value: it can be received, stored and sent
 * back.
 *
 * @example
 * ```ts
 * import { Port } from "@trellis/distribution";
 * const p = new Port("e@127.0.0.1", 5n, 1);
 * String(p); // "#Port<e@127.0.0.1.5>"
 * ```
 * @since 0.1.0
 * @category Terms
 */
export class Port {
  /** The node that owns the port. */
  readonly node: string;
  /** The port number. */
  readonly id: bigint;
  /** The node's creation. */
  readonly creation: number;
  /**
   * @param node - the owning node
   * @param id - the port number (up to 64 bits)
   * @param creation - the node's creation
   */
  constructor(node: string, id: bigint, creation: number) {
    this.node = node;
    this.id = id;
    this.creation = creation;
  }
  /**
   * The text form.
   *
   * @example
   * ```ts
   * import { Port } from "@trellis/distribution";
   * new Port("n@h", 1n, 1).toString(); // "#Port<n@h.1>"
   * ```
   */
  toString(): string {
    return `#Port<${this.node}.${this.id}>`;
  }
}

/**
 * An external fun `fun Module:Function/Arity`. It can be received and sent back, and
 * names a function (for example to `erpc`).
 *
 * @example
 * ```ts
 * import { Export, atom } from "@trellis/distribution";
 * const f = new Export(atom("lists"), atom("reverse"), 1); // fun lists:reverse/1
 * ```
 * @since 0.1.0
 * @category Terms
 */
export class Export {
  /** The module. */
  readonly module: Atom;
  /** The function name. */
  readonly name: Atom;
  /** The arity. */
  readonly arity: number;
  /**
   * @param module - the module
   * @param name - the function
   * @param arity - the arity (0–255)
   */
  constructor(module: Atom, name: Atom, arity: number) {
    this.module = module;
    this.name = name;
    this.arity = arity;
  }
}

/**
 * A BEAM closure (a local fun). JavaScript cannot run it: it is kept as the exact bytes it
 * arrived as, so it can be stored and sent back unchanged. `module` and `arity` tell what
 * it is.
 *
 * @example
 * ```ts
 * import { Fun, decode } from "@trellis/distribution";
 * const f = decode(bytesFromErlang);
 * if (f instanceof Fun) console.log(`a fun of arity ${f.arity} from ${f.module}`);
 * ```
 * @since 0.1.0
 * @category Terms
 */
export class Fun {
  /** The module that defines it. */
  readonly module: Atom;
  /** Its arity. */
  readonly arity: number;
  /** @internal The encoded `NEW_FUN_EXT`, tag included. */
  readonly bytes: Uint8Array;
  /** @internal Made by the decoder. */
  constructor(module: Atom, arity: number, bytes: Uint8Array) {
    this.module = module;
    this.arity = arity;
    this.bytes = bytes;
  }
}

/**
 * A reference made by another node (or decoded without a node): core's `Ref` with the
 * Erlang reference words, which are what identifies it. Decoded references are interned,
 * so the same reference decodes to the same object while it is in use.
 *
 * @example
 * ```ts
 * import { ErlRef, decode } from "@trellis/distribution";
 * const r = decode(refBytes);
 * if (r instanceof ErlRef) r.words; // e.g. [1234, 5678, 91011]
 * ```
 * @since 0.1.0
 * @category Terms
 */
export class ErlRef extends Ref {
  /** The reference's 32-bit words (1 to 5). */
  readonly words: readonly number[];
  /** @internal Made by the decoder (use `internRef`). */
  constructor(node: string, creation: number, words: readonly number[]) {
    super(node, words[0] ?? 0, creation);
    this.words = words;
  }
  /**
   * The Erlang text form, `#Ref<0.w2.w1.w0>`.
   *
   * @example
   * ```ts
   * import { internRef } from "@trellis/distribution";
   * internRef("e@h", 1, [3, 2, 1]).toString(); // "#Ref<0.1.2.3>"
   * ```
   */
  override toString(): string {
    return `#Ref<0.${[...this.words].reverse().join(".")}>`;
  }
}

// ---------------------------------------------------------------------------------------
// Interning of remote pids and references: one object per identity while it is in use.

/**
 * @internal One object per key while it is in use: weak references, swept when the table
 * has doubled since the last sweep (cheaper than a FinalizationRegistry per entry).
 */
export class WeakTable<T extends object, K extends string | number = string> {
  private readonly table = new Map<K, WeakRef<T>>();
  private sweepAt = 1024;

  /** How many entries (live or not) the table has. */
  get size(): number {
    return this.table.size;
  }

  get(key: K): T | undefined {
    return this.table.get(key)?.deref();
  }

  put(key: K, value: T): void {
    if (this.table.get(key)?.deref() === value) return;
    this.add(key, value);
  }

  /** Like `put`, for a key known to hold nothing alive (`get` just said so). */
  add(key: K, value: T): void {
    this.table.set(key, new WeakRef(value));
    if (this.table.size >= this.sweepAt) {
      for (const [k, w] of this.table) if (w.deref() === undefined) this.table.delete(k);
      this.sweepAt = Math.max(1024, this.table.size * 2);
    }
  }
}

const pidTable = new WeakTable<Pid>();
const refTable = new WeakTable<ErlRef>();
// The last pids and references interned, direct-mapped: a few hundred strong references in
// front of the weak tables. A pid found here is also in its table (it is alive), so both
// always agree on the one object per identity.
const RECENT_MASK = 255;

function sameWords(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
const recentPids: (Pid | undefined)[] = new Array(RECENT_MASK + 1).fill(undefined);
const recentRefs: (ErlRef | undefined)[] = new Array(RECENT_MASK + 1).fill(undefined);

/**
 * The one `Pid` object for the process `<node, id, serial, creation>` of another node
 * (pids are compared with `===` by core, so a remote pid must always decode to the same
 * object while it is in use).
 *
 * @param node - the node name
 * @param id - the process number
 * @param serial - the serial
 * @param creation - the node's creation
 * @returns the interned pid
 * @example
 * ```ts
 * import { internPid } from "@trellis/distribution";
 * internPid("e@h", 80, 0, 3) === internPid("e@h", 80, 0, 3); // true
 * ```
 * @since 0.1.0
 * @category Terms
 */
export function internPid(node: string, id: number, serial: number, creation: number): Pid {
  // the pids decoded last, by a hash of their numbers: a hit needs no key string
  const slot = (id ^ Math.imul(serial, 0x9e3779b1) ^ Math.imul(creation, 0x85ebca6b)) & RECENT_MASK;
  const recent = recentPids[slot];
  if (
    recent !== undefined &&
    recent.id === id &&
    recent.serial === serial &&
    recent.creation === creation &&
    recent.node === node
  ) {
    return recent;
  }
  const key = `${node}\u0000${id}\u0000${serial}\u0000${creation}`;
  let pid = pidTable.get(key);
  if (pid === undefined) {
    pid = new Pid(node, id, serial, creation);
    pidTable.add(key, pid);
  }
  recentPids[slot] = pid;
  return pid;
}

/**
 * The one {@link ErlRef} for a reference of another node.
 *
 * @param node - the node name
 * @param creation - the node's creation
 * @param words - the reference words (1 to 5)
 * @returns the interned reference
 * @example
 * ```ts
 * import { internRef } from "@trellis/distribution";
 * internRef("e@h", 1, [1, 2, 3]) === internRef("e@h", 1, [1, 2, 3]); // true
 * ```
 * @since 0.1.0
 * @category Terms
 */
export function internRef(node: string, creation: number, words: readonly number[]): ErlRef {
  const slot = (Math.imul(words[0] ?? 0, 0x9e3779b1) ^ (words[1] ?? 0) ^ creation) & RECENT_MASK;
  const recent = recentRefs[slot];
  if (recent !== undefined && recent.creation === creation && recent.node === node) {
    if (sameWords(recent.words, words)) return recent;
  }
  if (heldRefs.size > 0) {
    const held = heldRefs.get(heldKey(words));
    if (held !== undefined && sameRef(held, node, creation, words)) {
      recentRefs[slot] = held;
      return held;
    }
  }
  const key = `${node}\u0000${creation}\u0000${words.join(",")}`;
  let ref = refTable.get(key);
  if (ref === undefined) {
    ref = new ErlRef(node, creation, words);
    refTable.add(key, ref);
  }
  recentRefs[slot] = ref;
  return ref;
}

// References held strongly for a protocol lifetime the node layer knows (a peer's monitor,
// hence its gen calls: MONITOR_P to DEMONITOR_P or DOWN), so they need no weak reference
// (V8 clears those only in full collections: a WeakRef per call filled the table on Node 24).
// Keyed by their first two words; a key taken by another reference falls back to interning.
const heldRefs = new SlotMap<number, ErlRef>();

function heldKey(words: readonly number[]): number {
  return words.length === 3
    ? (words[0] as number) + ((words[1] as number) % 0x100000) * 0x100000000
    : -1;
}

function sameRef(r: ErlRef, node: string, creation: number, words: readonly number[]): boolean {
  return r.creation === creation && r.node === node && sameWords(r.words, words);
}

/**
 * @internal The one {@link ErlRef} for a reference of another node, held strongly (without a
 * weak reference) until {@link releaseRef}: for references whose end the protocol announces.
 */
export function holdRef(node: string, creation: number, words: readonly number[]): ErlRef {
  const key = heldKey(words);
  const held = key < 0 ? undefined : heldRefs.get(key);
  if (key < 0 || held !== undefined) {
    if (held !== undefined && sameRef(held, node, creation, words)) return held;
    return internRef(node, creation, words);
  }
  const slot = (Math.imul(words[0] ?? 0, 0x9e3779b1) ^ (words[1] ?? 0) ^ creation) & RECENT_MASK;
  const recent = recentRefs[slot];
  let ref: ErlRef | undefined =
    recent !== undefined && sameRef(recent, node, creation, words) ? recent : undefined;
  if (ref === undefined && refTable.size > 0) {
    ref = refTable.get(`${node}\u0000${creation}\u0000${words.join(",")}`);
  }
  ref ??= new ErlRef(node, creation, words);
  heldRefs.set(key, ref);
  recentRefs[slot] = ref;
  return ref;
}

/**
 * @internal Ends {@link holdRef}: a later copy of the reference decodes to the same object
 * only while the object is still in the interning caches.
 */
export function releaseRef(ref: Ref): void {
  if (!(ref instanceof ErlRef)) return;
  const key = heldKey(ref.words);
  if (key >= 0 && heldRefs.get(key) === ref) heldRefs.delete(key);
}

/** @internal Ends {@link holdRef} for every reference of `node` (its connection is gone). */
export function releaseRefsOf(node: string): void {
  for (const [key, ref] of heldRefs.entries()) if (ref.node === node) heldRefs.delete(key);
}

/** @internal How many references are held (tests). */
export function heldRefCount(): number {
  return heldRefs.size;
}
