/**
 * A map for the per-call tables of the distribution, which mostly hold one entry at a time
 * and gain and lose one on every call.
 *
 * @internal
 * @module
 */

/**
 * @internal A map whose one entry is kept in fields, and only further entries in a `Map`.
 *
 * Why: V8 reallocates a `Map`'s hash table as entries come and go (a rehash when deleted
 * entries fill it, a shrink when it empties), and allocates the new table in the
 * generation the old one is in. A long-lived `Map` that goes from 0 to 1 to 0 entries on
 * every remote call therefore left old-generation garbage on every call, which only full
 * collections free (about 300 bytes per call, and most of the garbage collector's time in
 * a call loop). With one call in flight, this one allocates nothing.
 */
export class SlotMap<K, V> {
  private hasOne = false;
  private oneKey: K | undefined;
  private oneValue: V | undefined;
  private many: Map<K, V> | undefined;

  /** How many entries it holds. */
  get size(): number {
    return (this.hasOne ? 1 : 0) + (this.many?.size ?? 0);
  }

  get(key: K): V | undefined {
    if (this.hasOne && this.oneKey === key) return this.oneValue;
    return this.many?.get(key);
  }

  has(key: K): boolean {
    return (this.hasOne && this.oneKey === key) || (this.many?.has(key) ?? false);
  }

  set(key: K, value: V): void {
    if (this.hasOne && this.oneKey === key) {
      this.oneValue = value;
    } else if (!this.hasOne && !(this.many?.has(key) ?? false)) {
      this.hasOne = true;
      this.oneKey = key;
      this.oneValue = value;
    } else {
      (this.many ??= new Map()).set(key, value);
    }
  }

  delete(key: K): boolean {
    if (this.hasOne && this.oneKey === key) {
      this.hasOne = false;
      this.oneKey = undefined;
      this.oneValue = undefined;
      return true;
    }
    return this.many?.delete(key) ?? false;
  }

  clear(): void {
    this.hasOne = false;
    this.oneKey = undefined;
    this.oneValue = undefined;
    this.many = undefined;
  }

  /** The entries, as a snapshot (safe to change the map meanwhile). */
  entries(): [K, V][] {
    const out: [K, V][] = this.hasOne ? [[this.oneKey as K, this.oneValue as V]] : [];
    if (this.many !== undefined) for (const e of this.many) out.push(e);
    return out;
  }

  /** The values, as a snapshot. */
  values(): V[] {
    return this.entries().map((e) => e[1]);
  }
}
