/**
 * What a table keeps its objects in: a hash table (set, bag, duplicate_bag) or a B+ tree
 * (ordered_set), behind one interface.
 *
 * @internal
 * @module
 */

/** Returned by traversal at the end of the table. Never a term. */
export const END: unique symbol = Symbol("end");
/** Returned by `next`/`prev` of a hash store for a key it does not hold. Never a term. */
export const MISSING: unique symbol = Symbol("missing");

/** A stored object: a tuple. */
export type Obj = readonly unknown[];

/** A cursor over a store's objects, robust to changes made between two `next` calls. */
export interface Cursor {
  /** The next object, or `undefined` at the end. */
  next(): Obj | undefined;
}

/**
 * A range of keys in term order for a narrowed scan of an ordered store: `lower(key) < 0`
 * for keys before the range, `upper(key) > 0` for keys after it.
 */
export interface KeyRange {
  readonly lower: (key: unknown) => number;
  readonly upper: (key: unknown) => number;
}

/** The storage of one table. */
export interface Store {
  /** Whether keys come in term order (ordered_set). */
  readonly ordered: boolean;
  /** Number of objects. */
  readonly size: number;
  /** Number of keys. */
  readonly keyCount: number;
  /** Estimated bytes of the structure itself (not the objects). */
  structureBytes(): number;
  /** The objects under `key` (a new array). */
  lookup(key: unknown): Obj[];
  /** set/ordered_set: the object under `key`. */
  get(key: unknown): Obj | undefined;
  has(key: unknown): boolean;
  /** Stores `obj` under `key` with the table type's rules. */
  insert(key: unknown, obj: Obj): void;
  /** Removes every object under `key`; returns them when `collect`, else `undefined`. */
  remove(key: unknown, collect: boolean): Obj[] | undefined;
  /** Removes the objects under `key` equal to `obj`. */
  removeObject(key: unknown, obj: Obj): void;
  clear(): void;
  /** Traversal: a key, {@link END} past the last one, {@link MISSING} if `key` is absent. */
  first(): unknown;
  last(): unknown;
  next(key: unknown): unknown;
  prev(key: unknown): unknown;
  /** Visits every object in order, fast; `visit` must not change the store. */
  scan(visit: (obj: Obj) => void): void;
  /** A cursor from the start (or the end, `reverse`), tolerant of changes between steps. */
  cursor(reverse: boolean, range?: KeyRange): Cursor;
}
