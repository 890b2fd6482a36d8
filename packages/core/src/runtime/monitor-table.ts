/**
 * The monitors a process holds or is watched by, keyed by reference: one inline slot for
 * the common single-entry case (a caller's monitor on its server during a call, a parent's
 * monitor on a child), a Map only once there are two or more.
 *
 * @module
 */
import type { Ref } from "../pid.js";
import type { Monitor } from "./proc.js";

/**
 * @internal A `Map<Ref, Monitor>` with an inline first entry: setting and deleting the only
 * entry writes one field instead of hashing into a Map (ADR 0004, session 3). Entries keep
 * their insertion order: the slot is used only while the Map is empty, and moves into the
 * Map when a second entry comes.
 */
export class MonitorTable {
  private one: Monitor | undefined = undefined;
  private many: Map<Ref, Monitor> | undefined = undefined;

  /** How many entries it holds. */
  get size(): number {
    return this.one !== undefined ? 1 : (this.many?.size ?? 0);
  }

  get(ref: Ref): Monitor | undefined {
    const one = this.one;
    if (one !== undefined) return one.ref === ref ? one : undefined;
    return this.many?.get(ref);
  }

  set(ref: Ref, m: Monitor): void {
    const one = this.one;
    if (one !== undefined) {
      if (one.ref === ref) {
        this.one = m;
        return;
      }
      this.one = undefined;
      this.many ??= new Map();
      this.many.set(one.ref, one);
      this.many.set(ref, m);
      return;
    }
    const many = this.many;
    if (many === undefined || many.size === 0) this.one = m;
    else many.set(ref, m);
  }

  delete(ref: Ref): boolean {
    const one = this.one;
    if (one !== undefined) {
      if (one.ref !== ref) return false;
      this.one = undefined;
      return true;
    }
    return this.many?.delete(ref) ?? false;
  }

  /** The entry, when there is exactly one held inline (else undefined: use `values`). */
  only(): Monitor | undefined {
    return this.one;
  }

  /** The entries in insertion order, as a snapshot (safe to change the table meanwhile). */
  values(): Monitor[] {
    if (this.one !== undefined) return [this.one];
    return this.many === undefined ? [] : [...this.many.values()];
  }

  /** `[ref, monitor]` pairs in insertion order, as a snapshot. */
  *[Symbol.iterator](): IterableIterator<[Ref, Monitor]> {
    for (const m of this.values()) yield [m.ref, m];
  }
}
