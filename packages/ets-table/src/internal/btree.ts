/**
 * The B+ tree behind ordered_set tables.
 *
 * Keys are ordered by the term order (`compare`), so `1` and `1n` are one key. Leaves hold up
 * to {@link MAX_LEAF} keys with their objects side by side and are linked both ways for in-order
 * traversal and range scans. A "finger" remembers the last leaf used: a lookup or `next`
 * near the previous one (a walk with `next`, a scan) skips the descent from the root.
 *
 * @internal
 * @module
 */
import { keyCompare, keyEquals } from "./keys.js";
import { type Cursor, END, type KeyRange, type Obj, type Store } from "./store.js";

/** Most keys in a leaf. */
const MAX_LEAF = 128;
/** Most children of an inner node. */
const MAX_INNER = 256;
/** A leaf smaller than this is merged with a sibling when they fit together. */
const MIN_LEAF = MAX_LEAF >> 2;
/** An inner node with fewer children than this is merged with a sibling when they fit. */
const MIN_INNER = MAX_INNER >> 2;

class Leaf {
  readonly leaf = true;
  keys: unknown[];
  vals: Obj[];
  next: Leaf | null = null;
  prev: Leaf | null = null;
  constructor(keys: unknown[], vals: Obj[]) {
    this.keys = keys;
    this.vals = vals;
  }
}

class Inner {
  readonly leaf = false;
  /** `keys[i]` separates `children[i]` (keys below it) from `children[i + 1]` (keys at or above). */
  keys: unknown[];
  children: Node[];
  constructor(keys: unknown[], children: Node[]) {
    this.keys = keys;
    this.children = children;
  }
}

type Node = Leaf | Inner;

/** Index of the first key greater than `key` (the child to descend into). */
function upperIndex(keys: readonly unknown[], key: unknown): number {
  let lo = 0;
  let hi = keys.length;
  if (typeof key === "number") {
    // Numbers inline (the common ordered_set key); any other key (or NaN) goes to keyCompare.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const k = keys[mid];
      if (typeof k === "number" && k <= key) lo = mid + 1;
      else if (typeof k === "number" && k > key) hi = mid;
      else if (keyCompare(k, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyCompare(keys[mid], key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first key not less than `key`. */
function lowerIndex(keys: readonly unknown[], key: unknown): number {
  let lo = 0;
  let hi = keys.length;
  if (typeof key === "number") {
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const k = keys[mid];
      if (typeof k === "number" && k < key) lo = mid + 1;
      else if (typeof k === "number" && k >= key) hi = mid;
      else if (keyCompare(k, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyCompare(keys[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first key for which `fn` is not negative. */
function lowerIndexBy(keys: readonly unknown[], fn: (key: unknown) => number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fn(keys[mid]) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class BTree implements Store {
  readonly ordered = true;
  root: Node = new Leaf([], []);
  size = 0;
  /** Bumped whenever a key is added or removed: leaf positions held by cursors are stale. */
  version = 0;
  private finger: Leaf | null = null;
  /** Where in the finger leaf the last key found was (checked before use: it may be stale). */
  private fingerIdx = 0;
  private leaves = 1;
  private inners = 0;
  // The descent path of the last insert/remove, reused to avoid allocation.
  private readonly pathNodes: Inner[] = [];
  private readonly pathIdx: number[] = [];

  get keyCount(): number {
    return this.size;
  }

  structureBytes(): number {
    return 64 + this.leaves * (96 + MAX_LEAF * 8) + this.inners * (64 + MAX_INNER * 8);
  }

  /** The leaf where `key` is or would be. */
  private leafFor(key: unknown): Leaf {
    const f = this.finger;
    if (f !== null) {
      const ks = f.keys;
      const n = ks.length;
      if (n > 0 && keyCompare(key, ks[0]) >= 0 && keyCompare(key, ks[n - 1]) <= 0) return f;
    }
    let node = this.root;
    while (!node.leaf) node = node.children[upperIndex(node.keys, key)] as Node;
    this.finger = node;
    return node;
  }

  /** The finger's index if it is at `key`, else -1. */
  private atFinger(key: unknown): number {
    const f = this.finger;
    if (f === null) return -1;
    const i = this.fingerIdx;
    return i < f.keys.length && keyCompare(f.keys[i], key) === 0 ? i : -1;
  }

  get(key: unknown): Obj | undefined {
    const at = this.atFinger(key);
    if (at >= 0) return (this.finger as Leaf).vals[at];
    const leaf = this.leafFor(key);
    const ks = leaf.keys;
    const i = lowerIndex(ks, key);
    if (i < ks.length && keyCompare(ks[i], key) === 0) {
      this.fingerIdx = i;
      return leaf.vals[i];
    }
    return undefined;
  }

  lookup(key: unknown): Obj[] {
    const o = this.get(key);
    return o === undefined ? [] : [o];
  }

  has(key: unknown): boolean {
    return this.get(key) !== undefined;
  }

  /** Descends to the leaf for `key`, recording the path; returns the depth. */
  private descend(key: unknown): number {
    let node = this.root;
    let depth = 0;
    while (!node.leaf) {
      const i = upperIndex(node.keys, key);
      this.pathNodes[depth] = node;
      this.pathIdx[depth] = i;
      depth++;
      node = node.children[i] as Node;
    }
    this.finger = node;
    return depth;
  }

  insert(key: unknown, obj: Obj): void {
    const depth = this.descend(key);
    const leaf = this.finger as Leaf;
    const ks = leaf.keys;
    const i = lowerIndex(ks, key);
    if (i < ks.length && keyCompare(ks[i], key) === 0) {
      // ordered_set: the new object replaces the old one, and its key becomes the key
      // (inserting 1n over 1 leaves the key 1n, as Erlang's 1.0 over 1).
      ks[i] = key;
      leaf.vals[i] = obj;
      return;
    }
    const atEnd = i === ks.length;
    if (atEnd) {
      ks.push(key);
      leaf.vals.push(obj);
    } else {
      ks.splice(i, 0, key);
      leaf.vals.splice(i, 0, obj);
    }
    this.size++;
    this.version++;
    if (ks.length > MAX_LEAF) this.splitLeaf(leaf, depth, atEnd && leaf.next === null);
  }

  /** Replaces the object under an existing key without touching the structure. */
  replace(key: unknown, obj: Obj): void {
    let i = this.atFinger(key);
    let leaf = this.finger as Leaf;
    if (i < 0) {
      leaf = this.leafFor(key);
      i = lowerIndex(leaf.keys, key);
    }
    leaf.keys[i] = key;
    leaf.vals[i] = obj;
  }

  private splitLeaf(leaf: Leaf, depth: number, appending: boolean): void {
    const n = leaf.keys.length;
    // Appending past the last key (ascending inserts) leaves the left leaf full.
    const mid = appending ? n - 1 : n >> 1;
    const right = new Leaf(leaf.keys.splice(mid), leaf.vals.splice(mid));
    right.next = leaf.next;
    if (right.next !== null) right.next.prev = right;
    right.prev = leaf;
    leaf.next = right;
    this.leaves++;
    this.insertIntoParent(leaf, right.keys[0], right, depth);
  }

  private insertIntoParent(left: Node, sep: unknown, right: Node, depth: number): void {
    if (depth === 0) {
      this.root = new Inner([sep], [left, right]);
      this.inners++;
      return;
    }
    const parent = this.pathNodes[depth - 1] as Inner;
    const i = this.pathIdx[depth - 1] as number;
    parent.keys.splice(i, 0, sep);
    parent.children.splice(i + 1, 0, right);
    if (parent.children.length <= MAX_INNER) return;
    const mid = parent.keys.length >> 1;
    const up = parent.keys[mid];
    const sibling = new Inner(parent.keys.splice(mid + 1), parent.children.splice(mid + 1));
    parent.keys.length = mid;
    this.inners++;
    this.insertIntoParent(parent, up, sibling, depth - 1);
  }

  remove(key: unknown, collect: boolean): Obj[] | undefined {
    const o = this.delete(key);
    if (!collect) return undefined;
    return o === undefined ? [] : [o];
  }

  /** Removes `key`; returns its object. */
  delete(key: unknown): Obj | undefined {
    const depth = this.descend(key);
    const leaf = this.finger as Leaf;
    const ks = leaf.keys;
    const i = lowerIndex(ks, key);
    if (i >= ks.length || keyCompare(ks[i], key) !== 0) return undefined;
    const obj = leaf.vals[i] as Obj;
    ks.splice(i, 1);
    leaf.vals.splice(i, 1);
    this.size--;
    this.version++;
    if (ks.length < MIN_LEAF && depth > 0) this.rebalanceLeaf(leaf, depth);
    return obj;
  }

  removeObject(key: unknown, obj: Obj): void {
    const cur = this.get(key);
    // The whole object must match exactly (=:=), the key included.
    if (cur !== undefined && equalsObj(cur, obj)) this.delete(key);
  }

  private unlinkLeaf(leaf: Leaf): void {
    if (leaf.prev !== null) leaf.prev.next = leaf.next;
    if (leaf.next !== null) leaf.next.prev = leaf.prev;
    if (this.finger === leaf) this.finger = null;
    leaf.keys = [];
    leaf.vals = [];
    this.leaves--;
  }

  private rebalanceLeaf(leaf: Leaf, depth: number): void {
    const parent = this.pathNodes[depth - 1] as Inner;
    const i = this.pathIdx[depth - 1] as number;
    const kids = parent.children;
    const right = kids[i + 1] as Leaf | undefined;
    if (right !== undefined && leaf.keys.length + right.keys.length <= MAX_LEAF) {
      leaf.keys.push(...right.keys);
      leaf.vals.push(...right.vals);
      this.unlinkLeaf(right);
      parent.keys.splice(i, 1);
      kids.splice(i + 1, 1);
    } else {
      const left = kids[i - 1] as Leaf | undefined;
      if (left === undefined || left.keys.length + leaf.keys.length > MAX_LEAF) return;
      left.keys.push(...leaf.keys);
      left.vals.push(...leaf.vals);
      this.unlinkLeaf(leaf);
      parent.keys.splice(i - 1, 1);
      kids.splice(i, 1);
    }
    this.rebalanceInner(parent, depth - 1);
  }

  /** After `node` (at `depth`, the root at 0) lost a child. */
  private rebalanceInner(node: Inner, depth: number): void {
    if (depth === 0) {
      if (node.children.length === 1) {
        this.root = node.children[0] as Node;
        this.inners--;
      }
      return;
    }
    if (node.children.length >= MIN_INNER) return;
    const parent = this.pathNodes[depth - 1] as Inner;
    const i = this.pathIdx[depth - 1] as number;
    const kids = parent.children;
    const right = kids[i + 1] as Inner | undefined;
    const left = kids[i - 1] as Inner | undefined;
    if (right !== undefined && node.children.length + right.children.length <= MAX_INNER) {
      node.keys.push(parent.keys[i], ...right.keys);
      node.children.push(...right.children);
      parent.keys.splice(i, 1);
      kids.splice(i + 1, 1);
    } else if (left !== undefined && left.children.length + node.children.length <= MAX_INNER) {
      left.keys.push(parent.keys[i - 1], ...node.keys);
      left.children.push(...node.children);
      parent.keys.splice(i - 1, 1);
      kids.splice(i, 1);
    } else {
      // Neither fits: only a node left with a single child needs fixing, by borrowing.
      if (node.children.length > 1) return;
      if (right !== undefined) {
        node.keys.push(parent.keys[i]);
        node.children.push(right.children.shift() as Node);
        parent.keys[i] = right.keys.shift();
      } else if (left !== undefined) {
        node.keys.unshift(parent.keys[i - 1]);
        node.children.unshift(left.children.pop() as Node);
        parent.keys[i - 1] = left.keys.pop();
      }
      return;
    }
    this.inners--;
    this.rebalanceInner(parent, depth - 1);
  }

  clear(): void {
    this.root = new Leaf([], []);
    this.size = 0;
    this.version++;
    this.finger = null;
    this.leaves = 1;
    this.inners = 0;
  }

  private leftmost(): Leaf {
    let node = this.root;
    while (!node.leaf) node = node.children[0] as Node;
    return node;
  }

  private rightmost(): Leaf {
    let node = this.root;
    while (!node.leaf) node = node.children[node.children.length - 1] as Node;
    return node;
  }

  first(): unknown {
    const leaf = this.leftmost();
    return leaf.keys.length === 0 ? END : leaf.keys[0];
  }

  last(): unknown {
    const leaf = this.rightmost();
    const n = leaf.keys.length;
    return n === 0 ? END : leaf.keys[n - 1];
  }

  /** The first key greater than `key` (present or not). */
  next(key: unknown): unknown {
    const at = this.atFinger(key);
    let leaf: Leaf | null;
    let i: number;
    if (at >= 0) {
      leaf = this.finger as Leaf;
      i = at + 1;
    } else {
      leaf = this.leafFor(key);
      i = upperIndex(leaf.keys, key);
    }
    while (leaf !== null && i >= leaf.keys.length) {
      leaf = leaf.next;
      i = 0;
    }
    if (leaf === null) return END;
    this.finger = leaf;
    this.fingerIdx = i;
    return leaf.keys[i];
  }

  /** The last key less than `key` (present or not). */
  prev(key: unknown): unknown {
    let leaf: Leaf | null = this.leafFor(key);
    let i = lowerIndex(leaf.keys, key) - 1;
    while (leaf !== null && i < 0) {
      leaf = leaf.prev;
      i = leaf === null ? -1 : leaf.keys.length - 1;
    }
    if (leaf === null) return END;
    this.finger = leaf;
    this.fingerIdx = i;
    return leaf.keys[i];
  }

  scan(visit: (obj: Obj) => void): void {
    for (let leaf: Leaf | null = this.leftmost(); leaf !== null; leaf = leaf.next) {
      const vals = leaf.vals;
      for (let i = 0; i < vals.length; i++) visit(vals[i] as Obj);
    }
  }

  /** Visits the objects whose keys are in `range`, in order; `visit` must not change the tree. */
  scanRange(range: KeyRange, visit: (obj: Obj) => void): void {
    const [start, at] = this.lowerBoundBy(range.lower);
    const upper = range.upper;
    let i = at;
    for (let leaf: Leaf | null = start; leaf !== null; leaf = leaf.next, i = 0) {
      const ks = leaf.keys;
      const vals = leaf.vals;
      for (; i < ks.length; i++) {
        if (upper(ks[i]) > 0) return;
        visit(vals[i] as Obj);
      }
    }
  }

  /** The position of the first key with `fn(key) >= 0` (the index may be past the leaf's end). */
  lowerBoundBy(fn: (key: unknown) => number): [Leaf, number] {
    let node = this.root;
    while (!node.leaf) node = node.children[lowerIndexBy(node.keys, fn)] as Node;
    return [node, lowerIndexBy(node.keys, fn)];
  }

  cursor(reverse: boolean, range?: KeyRange): Cursor {
    return new TreeCursor(this, reverse, range);
  }
}

function equalsObj(a: Obj, b: Obj): boolean {
  if (a === b) return true;
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && !keyEquals(x, y)) return false;
  }
  return true;
}

/**
 * Walks the tree in order (or in reverse). Between steps the tree may change: the cursor
 * then finds its place again from the last key it returned, so every object that stays in
 * the table is seen once, in order.
 */
class TreeCursor implements Cursor {
  private readonly tree: BTree;
  private readonly reverse: boolean;
  private readonly range: KeyRange | undefined;
  private leaf: Leaf | null;
  private i: number;
  private version: number;
  private lastKey: unknown = undefined;
  private started = false;
  private done = false;

  constructor(tree: BTree, reverse: boolean, range: KeyRange | undefined) {
    this.tree = tree;
    this.reverse = reverse;
    this.range = range;
    this.version = tree.version;
    if (reverse) {
      let node = tree.root;
      while (!node.leaf) node = node.children[node.children.length - 1] as Node;
      this.leaf = node;
      this.i = node.keys.length - 1;
    } else if (range !== undefined) {
      [this.leaf, this.i] = tree.lowerBoundBy(range.lower);
    } else {
      let node = tree.root;
      while (!node.leaf) node = node.children[0] as Node;
      this.leaf = node;
      this.i = 0;
    }
  }

  next(): Obj | undefined {
    if (this.done) return undefined;
    const tree = this.tree;
    if (this.version !== tree.version && this.started) {
      // The tree changed: find the place after the last key again.
      this.version = tree.version;
      const last = this.lastKey;
      if (this.reverse) {
        [this.leaf, this.i] = tree.lowerBoundBy((k) => keyCompare(k, last));
        this.i--;
      } else {
        [this.leaf, this.i] = tree.lowerBoundBy((k) => (keyCompare(k, last) <= 0 ? -1 : 0));
      }
    }
    let leaf = this.leaf;
    if (this.reverse) {
      while (leaf !== null && this.i < 0) {
        leaf = leaf.prev;
        this.i = leaf === null ? -1 : leaf.keys.length - 1;
      }
    } else {
      while (leaf !== null && this.i >= leaf.keys.length) {
        leaf = leaf.next;
        this.i = 0;
      }
    }
    this.leaf = leaf;
    if (leaf === null) {
      this.done = true;
      return undefined;
    }
    const key = leaf.keys[this.i];
    if (this.range !== undefined && this.range.upper(key) > 0) {
      this.done = true;
      return undefined;
    }
    const obj = leaf.vals[this.i] as Obj;
    this.i += this.reverse ? -1 : 1;
    this.lastKey = key;
    this.started = true;
    return obj;
  }
}
