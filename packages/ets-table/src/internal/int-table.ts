/**
 * The hash table for the 32-bit integer keys of set, bag and duplicate_bag tables: the most
 * common keys, and the ones the benchmarks use.
 *
 * Open addressing with linear probing; the keys live in an `Int32Array` (compared without
 * touching any object, allocated without initialising a JavaScript array) and the values in a
 * parallel array, where `undefined` marks a free slot and `null` a deleted one. For a set the
 * value is the object; for a bag, the list of objects under the key. Entries never move
 * except on a rehash, and traversal runs in slot order.
 *
 * @internal
 * @module
 */
import { keyEquals } from "./keys.js";
import type { HashKind } from "./open-hash.js";
import { type Cursor, END, MISSING, type Obj } from "./store.js";

// Free slots hold `undefined`, deleted ones `null` (literals, not constants: V8 compares
// with a literal without loading anything).
const MIN_CAP = 16;

/** MurmurHash3's finaliser, for a good spread of consecutive integers. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Whether `key` belongs in an {@link IntTable}: a number that is a 32-bit integer. */
export function isInt32(key: unknown): key is number {
  return typeof key === "number" && (key | 0) === key;
}

export class IntTable {
  readonly kind: HashKind;
  readonly isSet: boolean;
  keys: Int32Array;
  /** undefined, null, an object (set) or a list of objects (bags). */
  vals: unknown[];
  cap: number;
  keyCount = 0;
  /** Live keys plus tombstones. */
  used = 0;
  size = 0;
  /** Bumped by every rehash (a cursor then walks its old arrays and checks each key). */
  epoch = 0;
  /** Bumped by every change of a bag's lists. */
  version = 0;

  constructor(kind: HashKind) {
    this.kind = kind;
    this.isSet = kind === "set";
    this.cap = MIN_CAP;
    this.keys = new Int32Array(MIN_CAP);
    this.vals = newVals(MIN_CAP);
  }

  structureBytes(): number {
    return 64 + this.cap * 8;
  }

  /** The slot of `key`, or -1. */
  find(key: number): number {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.cap - 1;
    let i = fmix(key) & mask;
    for (;;) {
      const v = vals[i];
      if (v === undefined) return -1;
      if (keys[i] === key && v !== null) return i;
      i = (i + 1) & mask;
    }
  }

  get(key: number): Obj | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : (this.vals[i] as Obj);
  }

  lookup(key: number): Obj[] {
    const i = this.find(key);
    if (i < 0) return [];
    const v = this.vals[i];
    return this.isSet ? [v as Obj] : (v as Obj[]).slice();
  }

  has(key: number): boolean {
    return this.find(key) >= 0;
  }

  insert(key: number, obj: Obj): void {
    if ((this.used + 1) * 2 > this.cap)
      this.rehash(this.keyCount * 4 > this.cap ? this.cap * 2 : this.cap);
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.cap - 1;
    let i = fmix(key) & mask;
    let tomb = -1;
    for (;;) {
      const v = vals[i];
      if (v === undefined) break;
      if (v === null) {
        if (tomb < 0) tomb = i;
      } else if (keys[i] === key) {
        if (this.isSet) vals[i] = obj;
        else this.addToList(v as Obj[], obj);
        return;
      }
      i = (i + 1) & mask;
    }
    if (tomb >= 0) i = tomb;
    else this.used++;
    keys[i] = key;
    vals[i] = this.isSet ? obj : [obj];
    this.keyCount++;
    this.size++;
  }

  private addToList(list: Obj[], obj: Obj): void {
    if (this.kind === "bag") {
      for (let j = 0; j < list.length; j++) if (keyEquals(list[j], obj)) return;
    }
    list.push(obj);
    this.size++;
    this.version++;
  }

  private rehash(cap: number): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const keys = new Int32Array(cap);
    const vals = newVals(cap);
    const mask = cap - 1;
    for (let j = 0; j < oldVals.length; j++) {
      const v = oldVals[j];
      if (v === undefined || v === null) continue;
      const k = oldKeys[j] as number;
      let i = fmix(k) & mask;
      while (vals[i] !== undefined) i = (i + 1) & mask;
      keys[i] = k;
      vals[i] = v;
    }
    this.keys = keys;
    this.vals = vals;
    this.cap = cap;
    this.used = this.keyCount;
    this.epoch++;
  }

  private removeAt(i: number): void {
    this.vals[i] = null;
    this.keyCount--;
    if (this.cap > MIN_CAP && this.keyCount * 8 < this.cap) {
      let cap = this.cap;
      while (cap > MIN_CAP && this.keyCount * 4 < cap) cap >>= 1;
      this.rehash(cap);
    }
  }

  remove(key: number, collect: boolean): Obj[] | undefined {
    const i = this.find(key);
    if (i < 0) return collect ? [] : undefined;
    const v = this.vals[i];
    let out: Obj[] | undefined;
    if (this.isSet) {
      this.size--;
      if (collect) out = [v as Obj];
    } else {
      const list = v as Obj[];
      this.size -= list.length;
      this.version++;
      if (collect) out = list;
    }
    this.removeAt(i);
    return out;
  }

  removeObject(key: number, obj: Obj): void {
    const i = this.find(key);
    if (i < 0) return;
    const v = this.vals[i];
    if (this.isSet) {
      if (keyEquals(v, obj)) {
        this.size--;
        this.removeAt(i);
      }
      return;
    }
    const list = v as Obj[];
    let j = 0;
    for (let x = 0; x < list.length; x++) {
      const o = list[x] as Obj;
      if (!keyEquals(o, obj)) list[j++] = o;
    }
    if (j === list.length) return;
    this.size -= list.length - j;
    this.version++;
    if (j === 0) this.removeAt(i);
    else list.length = j;
  }

  clear(): void {
    this.cap = MIN_CAP;
    this.keys = new Int32Array(MIN_CAP);
    this.vals = newVals(MIN_CAP);
    this.keyCount = 0;
    this.used = 0;
    this.size = 0;
    this.epoch++;
    this.version++;
  }

  private firstFrom(i: number): unknown {
    const vals = this.vals;
    for (; i < vals.length; i++) {
      const v = vals[i];
      if (v !== undefined && v !== null) return this.keys[i];
    }
    return END;
  }

  first(): unknown {
    return this.firstFrom(0);
  }

  next(key: number): unknown {
    const i = this.find(key);
    return i < 0 ? MISSING : this.firstFrom(i + 1);
  }

  scan(visit: (obj: Obj) => void): void {
    const vals = this.vals;
    if (this.isSet) {
      for (let i = 0; i < vals.length; i++) {
        const v = vals[i];
        if (v !== undefined && v !== null) visit(v as Obj);
      }
      return;
    }
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
      if (v !== undefined && v !== null) {
        const list = v as Obj[];
        for (let j = 0; j < list.length; j++) visit(list[j] as Obj);
      }
    }
  }

  cursor(): Cursor {
    return new IntCursor(this);
  }
}

function newVals(cap: number): unknown[] {
  return new Array<unknown>(cap).fill(undefined);
}

/**
 * Walks the slots in order, tolerating changes between steps as {@link OpenHash}'s cursor
 * does: after a rehash it walks the old arrays and reads each key's live value.
 */
class IntCursor implements Cursor {
  private readonly table: IntTable;
  private readonly keys: Int32Array;
  private readonly vals: unknown[];
  private readonly epoch: number;
  private i = -1;
  private key = 0;
  private list: readonly Obj[] | undefined = undefined;
  private j = 0;
  private version = 0;

  constructor(table: IntTable) {
    this.table = table;
    this.keys = table.keys;
    this.vals = table.vals;
    this.epoch = table.epoch;
  }

  next(): Obj | undefined {
    const t = this.table;
    for (;;) {
      const list = this.list;
      if (list !== undefined) {
        while (this.j < list.length) {
          const o = list[this.j++] as Obj;
          if (t.version === this.version) return o;
          const cur = t.find(this.key);
          if (cur >= 0 && (t.vals[cur] as Obj[]).includes(o)) return o;
        }
        this.list = undefined;
      }
      const vals = this.vals;
      let i = this.i + 1;
      while (i < vals.length && (vals[i] === undefined || vals[i] === null)) i++;
      this.i = i;
      if (i >= vals.length) return undefined;
      const key = this.keys[i] as number;
      let v = vals[i];
      if (t.epoch !== this.epoch) {
        const cur = t.find(key);
        if (cur < 0) continue;
        v = t.vals[cur];
      }
      if (t.isSet) return v as Obj;
      this.key = key;
      this.list = (v as Obj[]).slice();
      this.version = t.version;
      this.j = 0;
    }
  }
}
