/**
 * The hash table for the compound keys (arrays and plain objects) of set, bag and
 * duplicate_bag tables; see `hash-store.ts` for the rest.
 *
 * Open addressing with linear probing over one flat array of `[hash, key, value]` triples,
 * so a lookup touches one slot (the hash, the key and the value side by side) and, for an
 * integer key, nothing else. For a set the value is the object; for a bag it is the list of
 * objects under the key. Deleted slots become tombstones (entries never move except on a
 * rehash), and traversal runs in slot order, which is as unspecified as ETS's hash order.
 *
 * @internal
 * @module
 */
import { hashKey as fullHash, keyEquals } from "./keys.js";
import { type Cursor, END, MISSING, type Obj, type Store } from "./store.js";

/**
 * The key's hash cut to 30 bits: a small integer (Smi) to V8, so storing it in the slots
 * array and comparing it never allocates a heap number (a full 32-bit hash would, half the
 * time). The table's capacity never needs more bits.
 */
function hashKey(key: unknown): number {
  return fullHash(key) & 0x3fffffff;
}

// Free slots hold `undefined`, deleted ones `null` (literals, not constants: V8 compares
// with a literal without loading anything).
const MIN_CAP = 16;

export type HashKind = "set" | "bag" | "duplicate_bag";

export class OpenHash implements Store {
  readonly ordered = false;
  readonly kind: HashKind;
  readonly isSet: boolean;
  /** `[hash, key, value]` triples; `value` is undefined, null, an object (set) or a list (bags). */
  slots: unknown[];
  cap: number;
  /** Live keys. */
  keyCount = 0;
  /** Live keys plus tombstones. */
  used = 0;
  /** Objects (a bag has several per key). */
  size = 0;
  /** Bumped by every rehash: positions in an older `slots` array mean nothing now. */
  epoch = 0;
  /** Bumped by every change of a bag's lists (cursors re-check their snapshot then). */
  version = 0;

  constructor(kind: HashKind) {
    this.kind = kind;
    this.isSet = kind === "set";
    this.cap = MIN_CAP;
    this.slots = newSlots(MIN_CAP);
  }

  structureBytes(): number {
    return 64 + this.slots.length * 4;
  }

  /** The slot base index (a multiple of 3) holding `key`, or -1. */
  find(key: unknown, h: number): number {
    const s = this.slots;
    const mask = this.cap - 1;
    let i = h & mask;
    for (;;) {
      const b = i * 3;
      const v = s[b + 2];
      if (v === undefined) return -1;
      if (v !== null) {
        const k = s[b + 1];
        if (k === key || (s[b] === h && keyEquals(k, key))) return b;
      }
      i = (i + 1) & mask;
    }
  }

  get(key: unknown): Obj | undefined {
    const b = this.find(key, hashKey(key));
    return b < 0 ? undefined : (this.slots[b + 2] as Obj);
  }

  /** Bags: the live list of objects under `key` (do not keep it). */
  list(key: unknown): Obj[] | undefined {
    const b = this.find(key, hashKey(key));
    return b < 0 ? undefined : (this.slots[b + 2] as Obj[]);
  }

  lookup(key: unknown): Obj[] {
    const b = this.find(key, hashKey(key));
    if (b < 0) return [];
    const v = this.slots[b + 2];
    return this.isSet ? [v as Obj] : (v as Obj[]).slice();
  }

  has(key: unknown): boolean {
    return this.find(key, hashKey(key)) >= 0;
  }

  insert(key: unknown, obj: Obj): void {
    const h = hashKey(key);
    // Make room first, so that one probe finds either the key or the slot for it.
    if ((this.used + 1) * 2 > this.cap) this.grow();
    const s = this.slots;
    const mask = this.cap - 1;
    let i = h & mask;
    let tomb = -1;
    let b: number;
    for (;;) {
      b = i * 3;
      const v = s[b + 2];
      if (v === undefined) break;
      if (v === null) {
        if (tomb < 0) tomb = b;
      } else {
        const k = s[b + 1];
        if (k === key || (s[b] === h && keyEquals(k, key))) {
          this.update(b, key, obj);
          return;
        }
      }
      i = (i + 1) & mask;
    }
    if (tomb >= 0) b = tomb;
    else this.used++;
    s[b] = h;
    s[b + 1] = key;
    s[b + 2] = this.isSet ? obj : [obj];
    this.keyCount++;
    this.size++;
  }

  /** Stores `obj` under the existing key at slot `b`. */
  private update(b: number, key: unknown, obj: Obj): void {
    const s = this.slots;
    if (this.isSet) {
      s[b + 1] = key;
      s[b + 2] = obj;
      return;
    }
    const list = s[b + 2] as Obj[];
    if (this.kind === "bag") {
      for (let i = 0; i < list.length; i++) if (keyEquals(list[i], obj)) return;
    }
    list.push(obj);
    this.size++;
    this.version++;
  }

  private grow(): void {
    this.rehash(this.keyCount * 4 > this.cap ? this.cap * 2 : this.cap);
  }

  private rehash(cap: number): void {
    const old = this.slots;
    const s = newSlots(cap);
    const mask = cap - 1;
    for (let b = 0; b < old.length; b += 3) {
      const v = old[b + 2];
      if (v === undefined || v === null) continue;
      const h = old[b] as number;
      let i = h & mask;
      while (s[i * 3 + 2] !== undefined) i = (i + 1) & mask;
      const nb = i * 3;
      s[nb] = h;
      s[nb + 1] = old[b + 1];
      s[nb + 2] = v;
    }
    this.slots = s;
    this.cap = cap;
    this.used = this.keyCount;
    this.epoch++;
  }

  private removeAt(b: number): void {
    const s = this.slots;
    s[b + 1] = undefined;
    s[b + 2] = null;
    this.keyCount--;
    if (this.cap > MIN_CAP && this.keyCount * 8 < this.cap) {
      let cap = this.cap;
      while (cap > MIN_CAP && this.keyCount * 4 < cap) cap >>= 1;
      this.rehash(cap);
    }
  }

  remove(key: unknown, collect: boolean): Obj[] | undefined {
    const b = this.find(key, hashKey(key));
    if (b < 0) return collect ? [] : undefined;
    const v = this.slots[b + 2];
    let out: Obj[] | undefined;
    if (this.isSet) {
      this.size--;
      if (collect) out = [v as Obj];
    } else {
      const list = v as Obj[];
      this.size -= list.length;
      if (collect) out = list;
      this.version++;
    }
    this.removeAt(b);
    return out;
  }

  removeObject(key: unknown, obj: Obj): void {
    const b = this.find(key, hashKey(key));
    if (b < 0) return;
    const v = this.slots[b + 2];
    if (this.isSet) {
      if (keyEquals(v, obj)) {
        this.size--;
        this.removeAt(b);
      }
      return;
    }
    const list = v as Obj[];
    let j = 0;
    for (let i = 0; i < list.length; i++) {
      const o = list[i] as Obj;
      if (!keyEquals(o, obj)) list[j++] = o;
    }
    if (j === list.length) return;
    this.size -= list.length - j;
    this.version++;
    if (j === 0) this.removeAt(b);
    else list.length = j;
  }

  clear(): void {
    this.slots = newSlots(MIN_CAP);
    this.cap = MIN_CAP;
    this.keyCount = 0;
    this.used = 0;
    this.size = 0;
    this.epoch++;
    this.version++;
  }

  private firstFrom(b: number): unknown {
    const s = this.slots;
    for (; b < s.length; b += 3) {
      const v = s[b + 2];
      if (v !== undefined && v !== null) return s[b + 1];
    }
    return END;
  }

  first(): unknown {
    return this.firstFrom(0);
  }

  last(): unknown {
    return this.firstFrom(0);
  }

  next(key: unknown): unknown {
    const b = this.find(key, hashKey(key));
    return b < 0 ? MISSING : this.firstFrom(b + 3);
  }

  prev(key: unknown): unknown {
    return this.next(key);
  }

  scan(visit: (obj: Obj) => void): void {
    const s = this.slots;
    if (this.isSet) {
      for (let b = 2; b < s.length; b += 3) {
        const v = s[b];
        if (v !== undefined && v !== null) visit(v as Obj);
      }
      return;
    }
    for (let b = 2; b < s.length; b += 3) {
      const v = s[b];
      if (v !== undefined && v !== null) {
        const list = v as Obj[];
        for (let i = 0; i < list.length; i++) visit(list[i] as Obj);
      }
    }
  }

  cursor(): Cursor {
    return new HashCursor(this);
  }
}

function newSlots(cap: number): unknown[] {
  return new Array<unknown>(cap * 3).fill(undefined);
}

/**
 * Walks the slots in order. Between steps the table may change: objects added behind the
 * cursor are not seen, deleted ones are skipped; after a rehash it keeps walking the old
 * slot array and checks each key against the table (as ETS's traversal without
 * `safe_fixtable`, an object is seen at most once, but one added meanwhile may be missed).
 */
class HashCursor implements Cursor {
  private readonly store: OpenHash;
  private slots: unknown[];
  private readonly epoch: number;
  private version = 0;
  private b = -3;
  private list: readonly Obj[] | undefined = undefined;
  private i = 0;

  constructor(store: OpenHash) {
    this.store = store;
    this.slots = store.slots;
    this.epoch = store.epoch;
  }

  next(): Obj | undefined {
    const store = this.store;
    for (;;) {
      const list = this.list;
      if (list !== undefined) {
        while (this.i < list.length) {
          const o = list[this.i++] as Obj;
          // A bag object deleted since the cursor took the list is skipped.
          if (store.version === this.version || this.stillThere(o)) return o;
        }
        this.list = undefined;
      }
      const s = this.slots;
      let b = this.b + 3;
      while (b < s.length) {
        const v = s[b + 2];
        if (v !== undefined && v !== null) break;
        b += 3;
      }
      this.b = b;
      if (b >= s.length) return undefined;
      const key = s[b + 1];
      let v = s[b + 2];
      if (store.epoch !== this.epoch) {
        // Rehashed meanwhile: the old array is a snapshot of the keys; read the live value.
        const cur = store.find(key, s[b] as number);
        if (cur < 0) continue;
        v = store.slots[cur + 2];
      }
      if (store.isSet) return v as Obj;
      this.list = (v as Obj[]).slice();
      this.version = store.version;
      this.i = 0;
    }
  }

  private stillThere(o: Obj): boolean {
    const store = this.store;
    const s = this.slots;
    const b = this.b;
    const cur = store.epoch === this.epoch ? b : store.find(s[b + 1], s[b] as number);
    if (cur < 0) return false;
    const live = store.slots[cur + 2];
    if (live === undefined || live === null) return false;
    return (live as Obj[]).includes(o);
  }
}
