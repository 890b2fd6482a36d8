// Table structures for the plain-JS ETS workload (no dependencies).
//
// - TupleMap: an open-addressing hash table keyed by tuples (arrays) of numbers and strings,
//   hashed element by element: no key string is built per operation.
// - BTree: a B+ tree with a comparator, ordered iteration through linked leaves.

function mix(h, x) {
  h = Math.imul(h ^ x, 0x5bd1e995);
  return h ^ (h >>> 15);
}

function hashItem(x) {
  if (typeof x === "number") {
    if ((x | 0) === x) return x;
    return hashString(String(x));
  }
  if (typeof x === "string") return hashString(x);
  return hashString(String(x));
}

function hashString(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

function hashTuple(t) {
  let h = t.length;
  for (let i = 0; i < t.length; i++) h = mix(h, hashItem(t[i]));
  // final avalanche (as in MurmurHash3's fmix32)
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function sameTuple(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class TupleMap {
  constructor(capacity = 16) {
    this.hashes = new Int32Array(capacity);
    this.keys = new Array(capacity).fill(undefined);
    this.vals = new Array(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.size = 0;
  }

  get(key) {
    const h = hashTuple(key);
    const { hashes, keys, mask } = this;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === undefined) return undefined;
      if (hashes[i] === h && sameTuple(k, key)) return this.vals[i];
    }
  }

  set(key, value) {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const h = hashTuple(key);
    const { hashes, keys, mask } = this;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === undefined) {
        hashes[i] = h;
        keys[i] = key;
        this.vals[i] = value;
        this.size++;
        return;
      }
      if (hashes[i] === h && sameTuple(k, key)) {
        this.vals[i] = value;
        return;
      }
    }
  }

  grow() {
    const { hashes, keys, vals } = this;
    const cap = (this.mask + 1) * 2;
    this.hashes = new Int32Array(cap);
    this.keys = new Array(cap).fill(undefined);
    this.vals = new Array(cap).fill(undefined);
    this.mask = cap - 1;
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j];
      if (k === undefined) continue;
      let i = hashes[j] & this.mask;
      while (this.keys[i] !== undefined) i = (i + 1) & this.mask;
      this.hashes[i] = hashes[j];
      this.keys[i] = k;
      this.vals[i] = vals[j];
    }
  }
}

const MAX = 64; // entries per leaf, children per inner node

function leaf() {
  return { leaf: true, keys: [], vals: [], next: null };
}

export class BTree {
  constructor(compare = (a, b) => a - b) {
    this.compare = compare;
    this.root = leaf();
    this.size = 0;
  }

  // first index i with keys[i] >= key
  lowerBound(keys, key) {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(keys[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // first index i with keys[i] > key: the child of an inner node that may hold `key`
  upperBound(keys, key) {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(keys[mid], key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  leafFor(key) {
    let node = this.root;
    while (!node.leaf) node = node.children[this.upperBound(node.keys, key)];
    return node;
  }

  get(key) {
    const node = this.leafFor(key);
    const i = this.lowerBound(node.keys, key);
    if (i < node.keys.length && this.compare(node.keys[i], key) === 0) return node.vals[i];
    return undefined;
  }

  set(key, value) {
    const split = this.insert(this.root, key, value);
    if (split !== null) {
      this.root = { leaf: false, keys: [split.key], children: [this.root, split.node] };
    }
  }

  insert(node, key, value) {
    if (node.leaf) {
      const i = this.lowerBound(node.keys, key);
      if (i < node.keys.length && this.compare(node.keys[i], key) === 0) {
        node.vals[i] = value;
        return null;
      }
      node.keys.splice(i, 0, key);
      node.vals.splice(i, 0, value);
      this.size++;
      if (node.keys.length <= MAX) return null;
      const mid = node.keys.length >>> 1;
      const right = {
        leaf: true,
        keys: node.keys.splice(mid),
        vals: node.vals.splice(mid),
        next: node.next,
      };
      node.next = right;
      return { key: right.keys[0], node: right };
    }
    const c = this.upperBound(node.keys, key);
    const split = this.insert(node.children[c], key, value);
    if (split === null) return null;
    node.keys.splice(c, 0, split.key);
    node.children.splice(c + 1, 0, split.node);
    if (node.children.length <= MAX) return null;
    const mid = node.children.length >>> 1;
    const rightKeys = node.keys.splice(mid - 1);
    const up = rightKeys.shift();
    const right = { leaf: false, keys: rightKeys, children: node.children.splice(mid) };
    return { key: up, node: right };
  }

  /** Calls visit(key, value) for up to `limit` entries with key >= from, in order. */
  range(from, limit, visit) {
    let node = this.leafFor(from);
    let i = this.lowerBound(node.keys, from);
    let n = 0;
    while (node !== null && n < limit) {
      if (i >= node.keys.length) {
        node = node.next;
        i = 0;
        continue;
      }
      visit(node.keys[i], node.vals[i]);
      i++;
      n++;
    }
    return n;
  }
}
