/**
 * The links of a process: one inline slot for the common single-link case (a supervised
 * child's link to its supervisor, a task's link to its owner), an array in insertion order
 * once there are two or more.
 *
 * @module
 */
import type { Pid } from "../pid.js";

/** Up to this many entries, a lookup scans the array; beyond, it builds an index. */
const SCAN_AT = 8;

/**
 * @internal A `Set<Pid>` with an inline first entry: a process with one link carries no
 * array (a Set with its hash table is ~150 B; every linked child had one). Entries keep their
 * insertion order: the slot is used only while the array is empty, and moves into it when a
 * second entry comes (as `MonitorTable` does for monitors).
 *
 * Beyond the slot the links are an array in insertion order, live from `head`, with holes
 * (`undefined`) where entries were deleted. Links made at spawn ({@link addNew}: the pid is
 * fresh) and removed in the order they were made (an owner's tasks, a supervisor's children
 * exiting in turn) are appended and taken from the head without hashing anything (ADR 0004,
 * session 4, second round: the owner's 100k-entry Set was 8% of `task_async_await`). A lookup
 * by pid (`has`, `add`, a delete elsewhere than the head) scans a short array and builds a
 * `Map` from pid to position for a long one, kept until the set empties.
 */
export class LinkSet {
  private one: Pid | undefined;
  /** The entries beyond the slot; `undefined` while there are none. */
  private list: (Pid | undefined)[] | undefined = undefined;
  /** The first live position of `list` (entries before it are deleted). */
  private head = 0;
  /** Live entries in `list`. */
  private n = 0;
  /** Position of each live entry of `list`, once built (see the class). */
  private index: Map<Pid, number> | undefined = undefined;

  constructor(first?: Pid) {
    this.one = first;
  }

  /** How many links it holds. */
  get size(): number {
    return this.one !== undefined ? 1 : this.n;
  }

  /** Position of `pid` in `list`, or -1. */
  private find(pid: Pid): number {
    const list = this.list;
    if (list === undefined) return -1;
    if (list[this.head] === pid) return this.head;
    let index = this.index;
    if (index === undefined) {
      if (this.n <= SCAN_AT) {
        for (let i = this.head + 1; i < list.length; i++) if (list[i] === pid) return i;
        return -1;
      }
      index = this.reindex(list);
    }
    return index.get(pid) ?? -1;
  }

  private reindex(list: (Pid | undefined)[]): Map<Pid, number> {
    const index = new Map<Pid, number>();
    for (let i = this.head; i < list.length; i++) {
      const p = list[i];
      if (p !== undefined) index.set(p, i);
    }
    this.index = index;
    return index;
  }

  has(pid: Pid): boolean {
    const one = this.one;
    if (one !== undefined) return one === pid;
    return this.find(pid) >= 0;
  }

  add(pid: Pid): this {
    if (!this.has(pid)) this.addNew(pid);
    return this;
  }

  /** Adds a pid that is not in the set (a process just spawned): no lookup. */
  addNew(pid: Pid): void {
    const one = this.one;
    if (one !== undefined) {
      this.one = undefined;
      this.list = [one, pid];
      this.head = 0;
      this.n = 2;
      return;
    }
    const list = this.list;
    if (list === undefined) {
      this.one = pid;
      return;
    }
    this.index?.set(pid, list.length);
    list.push(pid);
    this.n++;
  }

  delete(pid: Pid): boolean {
    const one = this.one;
    if (one !== undefined) {
      if (one !== pid) return false;
      this.one = undefined;
      return true;
    }
    const at = this.find(pid);
    if (at < 0) return false;
    const list = this.list as (Pid | undefined)[];
    list[at] = undefined;
    this.index?.delete(pid);
    if (--this.n === 0) {
      this.list = undefined;
      this.head = 0;
      this.index = undefined;
      return true;
    }
    if (at === this.head) {
      let h = at + 1;
      while (list[h] === undefined) h++;
      this.head = h;
    }
    // Drop the dead part once it outweighs the live one (amortised O(1) per delete).
    const dead = list.length - this.n;
    if (dead > 32 && dead > this.n) this.compact(list);
    return true;
  }

  private compact(list: (Pid | undefined)[]): void {
    const out: Pid[] = [];
    for (let i = this.head; i < list.length; i++) {
      const p = list[i];
      if (p !== undefined) out.push(p);
    }
    this.list = out;
    this.head = 0;
    if (this.index !== undefined) this.reindex(out);
  }

  /** The link, when there is exactly one held inline (else undefined: use `values`). */
  only(): Pid | undefined {
    return this.one;
  }

  /** The links in insertion order, as a snapshot (safe to change the set meanwhile). */
  values(): Pid[] {
    if (this.one !== undefined) return [this.one];
    const list = this.list;
    const out: Pid[] = [];
    if (list === undefined) return out;
    for (let i = this.head; i < list.length; i++) {
      const p = list[i];
      if (p !== undefined) out.push(p);
    }
    return out;
  }

  *[Symbol.iterator](): IterableIterator<Pid> {
    yield* this.values();
  }
}

/**
 * @internal What a process's `links` field holds: nothing, its one link (inline: a task's
 * link to its owner, a supervised child's to its supervisor), or a {@link LinkSet} once a
 * second link comes (ADR 0004, session 5: the one-entry set was 64 B of every task).
 */
export type Links = Pid | LinkSet | undefined;

/** @internal The process side of {@link Links}. */
export interface Linked {
  links: Links;
}

/** @internal Links `p` to `pid` (nothing if it already is). */
export function addLink(p: Linked, pid: Pid): void {
  const l = p.links;
  if (l instanceof LinkSet) l.add(pid);
  else if (l !== pid) addNewLink(p, pid);
}

/** @internal Links `p` to a pid it cannot be linked to yet (a process just spawned): no lookup. */
export function addNewLink(p: Linked, pid: Pid): void {
  const l = p.links;
  if (l === undefined) p.links = pid;
  else if (l instanceof LinkSet) l.addNew(pid);
  else {
    const set = new LinkSet(l);
    set.addNew(pid);
    p.links = set;
  }
}

/** @internal Removes the link of `p` to `pid`; whether there was one. */
export function deleteLink(p: Linked, pid: Pid): boolean {
  const l = p.links;
  if (l === undefined) return false;
  if (l instanceof LinkSet) return l.delete(pid);
  if (l !== pid) return false;
  p.links = undefined;
  return true;
}

/** @internal The links, in the order they were made (a snapshot). */
export function linkValues(l: Links): Pid[] {
  if (l === undefined) return [];
  return l instanceof LinkSet ? l.values() : [l];
}
