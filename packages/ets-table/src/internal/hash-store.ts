/**
 * The store behind set, bag and duplicate_bag tables, in three parts by kind of key:
 *
 * - 32-bit integers go into an {@link IntTable}, whose keys sit in an `Int32Array`;
 * - other keys that JavaScript's `Map` already compares as `equals` does (other numbers,
 *   strings, bigints, booleans, `null`, `undefined`, pids and refs: SameValueZero merges the
 *   NaNs and keeps `1n` apart from `1`) go into a `Map`, at native speed;
 * - arrays and plain objects go into an {@link OpenHash}, which hashes them structurally.
 *
 * For a set the value is the object; for a bag it is the list of objects under the key, in
 * insertion order. Traversal runs over the integer table (in slot order), the `Map` (in
 * insertion order) and the open table (in slot order). A `Map` cannot say what follows a given key, so `next` keeps a "finger": the live
 * iterator that produced the last key it returned. A walk with `first`/`next` therefore
 * costs O(1) per step; `next` from any other key scans to it once.
 *
 * @internal
 * @module
 */
import { Pid, Ref } from "@trellis/core";
import { IntTable, isInt32 } from "./int-table.js";
import { keyEquals } from "./keys.js";
import { type HashKind, OpenHash } from "./open-hash.js";
import { type Cursor, END, MISSING, type Obj, type Store } from "./store.js";

export type { HashKind };

/** Whether a (valid) key goes into the `Map`. */
function isDirect(key: unknown): boolean {
  const t = typeof key;
  if (t !== "object" || key === null) return true;
  return !Array.isArray(key) && (Pid.is(key) || Ref.is(key));
}

export class HashStore implements Store {
  readonly ordered = false;
  readonly kind: HashKind;
  readonly isSet: boolean;
  /** Primitive, pid and ref keys: the object (set) or the list of objects (bags). */
  private readonly direct = new Map<unknown, unknown>();
  /** Objects under direct keys. */
  private directSize = 0;
  /** Array and plain-object keys. */
  private readonly open: OpenHash;
  /** 32-bit integer keys (read directly by the table's hot paths). */
  readonly ints: IntTable;
  /** Bumped by every change of a bag's lists (cursors re-check their snapshot then). */
  version = 0;
  /** The iterator behind the last key `first`/`next` returned, and that key. */
  private fingerIter: Iterator<unknown> | undefined = undefined;
  private fingerKey: unknown = undefined;

  constructor(kind: HashKind) {
    this.kind = kind;
    this.isSet = kind === "set";
    this.open = new OpenHash(kind);
    this.ints = new IntTable(kind);
  }

  get size(): number {
    return this.ints.size + this.directSize + this.open.size;
  }

  get keyCount(): number {
    return this.ints.keyCount + this.direct.size + this.open.keyCount;
  }

  structureBytes(): number {
    return 64 + this.ints.structureBytes() + this.direct.size * 28 + this.open.structureBytes();
  }

  get(key: unknown): Obj | undefined {
    if (isInt32(key)) return this.ints.get(key);
    if (isDirect(key)) return this.direct.get(key) as Obj | undefined;
    return this.open.get(key);
  }

  lookup(key: unknown): Obj[] {
    if (isInt32(key)) return this.ints.lookup(key);
    if (!isDirect(key)) return this.open.lookup(key);
    const v = this.direct.get(key);
    if (v === undefined) return [];
    return this.isSet ? [v as Obj] : (v as Obj[]).slice();
  }

  has(key: unknown): boolean {
    if (isInt32(key)) return this.ints.has(key);
    return isDirect(key) ? this.direct.has(key) : this.open.has(key);
  }

  insert(key: unknown, obj: Obj): void {
    if (isInt32(key)) {
      this.ints.insert(key, obj);
      return;
    }
    if (!isDirect(key)) {
      this.open.insert(key, obj);
      return;
    }
    const direct = this.direct;
    if (this.isSet) {
      if (!direct.has(key)) this.directSize++;
      direct.set(key, obj);
      return;
    }
    const list = direct.get(key) as Obj[] | undefined;
    if (list === undefined) {
      direct.set(key, [obj]);
      this.directSize++;
      return;
    }
    if (this.kind === "bag") {
      for (let i = 0; i < list.length; i++) if (keyEquals(list[i], obj)) return;
    }
    list.push(obj);
    this.directSize++;
    this.version++;
  }

  remove(key: unknown, collect: boolean): Obj[] | undefined {
    if (isInt32(key)) return this.ints.remove(key, collect);
    if (!isDirect(key)) return this.open.remove(key, collect);
    const v = this.direct.get(key);
    if (v === undefined) return collect ? [] : undefined;
    this.direct.delete(key);
    if (this.isSet) {
      this.directSize--;
      return collect ? [v as Obj] : undefined;
    }
    const list = v as Obj[];
    this.directSize -= list.length;
    this.version++;
    return collect ? list : undefined;
  }

  removeObject(key: unknown, obj: Obj): void {
    if (isInt32(key)) {
      this.ints.removeObject(key, obj);
      return;
    }
    if (!isDirect(key)) {
      this.open.removeObject(key, obj);
      return;
    }
    const v = this.direct.get(key);
    if (v === undefined) return;
    if (this.isSet) {
      if (keyEquals(v, obj)) {
        this.direct.delete(key);
        this.directSize--;
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
    this.directSize -= list.length - j;
    this.version++;
    if (j === 0) this.direct.delete(key);
    else list.length = j;
  }

  clear(): void {
    // Cleared in place: a live iterator over it then sees only what is added afterwards.
    this.direct.clear();
    this.directSize = 0;
    this.open.clear();
    this.ints.clear();
    this.version++;
    this.fingerIter = undefined;
  }

  first(): unknown {
    const k = this.ints.first();
    return k === END ? this.firstFromMap() : k;
  }

  /** The first key of the `Map` (setting the finger), else of the open table. */
  private firstFromMap(): unknown {
    if (this.direct.size > 0) {
      const it = this.direct.keys();
      const r = it.next();
      this.fingerIter = it;
      this.fingerKey = r.value;
      return r.value;
    }
    return this.open.first();
  }

  last(): unknown {
    return this.first();
  }

  next(key: unknown): unknown {
    if (isInt32(key)) {
      const k = this.ints.next(key);
      return k === END ? this.firstFromMap() : k;
    }
    if (!isDirect(key)) return this.open.next(key);
    const direct = this.direct;
    if (!direct.has(key)) return MISSING;
    let it = this.fingerIter;
    if (it === undefined || !(this.fingerKey === key || keyEquals(this.fingerKey, key))) {
      // Not where the last walk stopped: find the key from the start.
      it = direct.keys();
      for (let r = it.next(); !r.done; r = it.next()) if (keyEquals(r.value, key)) break;
    }
    const r = it.next();
    if (r.done) {
      this.fingerIter = undefined;
      return this.open.first();
    }
    this.fingerIter = it;
    this.fingerKey = r.value;
    return r.value;
  }

  prev(key: unknown): unknown {
    return this.next(key);
  }

  scan(visit: (obj: Obj) => void): void {
    this.ints.scan(visit);
    if (this.isSet) {
      for (const v of this.direct.values()) visit(v as Obj);
    } else {
      for (const v of this.direct.values()) {
        const list = v as Obj[];
        for (let i = 0; i < list.length; i++) visit(list[i] as Obj);
      }
    }
    this.open.scan(visit);
  }

  cursor(): Cursor {
    return new HashCursor(this, this.ints.cursor(), this.direct, this.open.cursor());
  }
}

/**
 * Walks the integer table, then the `Map` with a live iterator (which skips entries deleted before it reaches them
 * and visits entries added meanwhile), then the open table's cursor. A bag key's list is
 * copied when the cursor reaches it; objects deleted from it before they are returned are
 * skipped.
 */
class HashCursor implements Cursor {
  private readonly store: HashStore;
  private readonly ints: Cursor;
  private inInts = true;
  private readonly map: Map<unknown, unknown>;
  private readonly entries: Iterator<[unknown, unknown]>;
  private readonly rest: Cursor;
  private inMap = true;
  private key: unknown = undefined;
  private list: readonly Obj[] | undefined = undefined;
  private i = 0;
  private version = 0;

  constructor(store: HashStore, ints: Cursor, map: Map<unknown, unknown>, rest: Cursor) {
    this.store = store;
    this.ints = ints;
    this.map = map;
    this.entries = map.entries();
    this.rest = rest;
  }

  next(): Obj | undefined {
    if (this.inInts) {
      const o = this.ints.next();
      if (o !== undefined) return o;
      this.inInts = false;
    }
    const store = this.store;
    while (this.inMap) {
      const list = this.list;
      if (list !== undefined) {
        while (this.i < list.length) {
          const o = list[this.i++] as Obj;
          if (store.version === this.version) return o;
          const live = this.map.get(this.key) as Obj[] | undefined;
          if (live?.includes(o)) return o;
        }
        this.list = undefined;
      }
      const r = this.entries.next();
      if (r.done) {
        this.inMap = false;
        break;
      }
      const [key, v] = r.value;
      if (store.isSet) return v as Obj;
      this.key = key;
      this.list = (v as Obj[]).slice();
      this.version = store.version;
      this.i = 0;
    }
    return this.rest.next();
  }
}
