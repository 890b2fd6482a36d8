/**
 * The links of a process: one inline slot for the common single-link case (a supervised
 * child's link to its supervisor, a task's link to its owner), a Set only once there are two
 * or more.
 *
 * @module
 */
import type { Pid } from "../pid.js";

/**
 * @internal A `Set<Pid>` with an inline first entry: a process with one link carries no Set
 * (a Set with its hash table is ~150 B; every linked child had one). Entries keep their
 * insertion order: the slot is used only while the Set is empty, and moves into the Set when
 * a second entry comes (as `MonitorTable` does for monitors).
 */
export class LinkSet {
  private one: Pid | undefined;
  private many: Set<Pid> | undefined = undefined;

  constructor(first?: Pid) {
    this.one = first;
  }

  /** How many links it holds. */
  get size(): number {
    return this.one !== undefined ? 1 : (this.many?.size ?? 0);
  }

  has(pid: Pid): boolean {
    const one = this.one;
    if (one !== undefined) return one === pid;
    return this.many?.has(pid) ?? false;
  }

  add(pid: Pid): this {
    const one = this.one;
    if (one !== undefined) {
      if (one !== pid) {
        this.one = undefined;
        this.many ??= new Set();
        this.many.add(one);
        this.many.add(pid);
      }
      return this;
    }
    const many = this.many;
    if (many === undefined || many.size === 0) this.one = pid;
    else many.add(pid);
    return this;
  }

  delete(pid: Pid): boolean {
    const one = this.one;
    if (one !== undefined) {
      if (one !== pid) return false;
      this.one = undefined;
      return true;
    }
    return this.many?.delete(pid) ?? false;
  }

  /** The link, when there is exactly one held inline (else undefined: use `values`). */
  only(): Pid | undefined {
    return this.one;
  }

  /** The links in insertion order, as a snapshot (safe to change the set meanwhile). */
  values(): Pid[] {
    if (this.one !== undefined) return [this.one];
    return this.many === undefined ? [] : [...this.many];
  }

  *[Symbol.iterator](): IterableIterator<Pid> {
    yield* this.values();
  }
}
