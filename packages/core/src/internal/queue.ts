/**
 * A FIFO queue on a growable array with a moving head: O(1) push and shift, O(n) removal
 * from the middle (needed by selective receive, which is rare on hot paths).
 * @internal
 */
export class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    const items = this.items;
    if (this.head >= items.length) return undefined;
    const item = items[this.head];
    items[this.head] = undefined;
    this.head++;
    if (this.head === items.length) {
      items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= items.length) {
      this.items = items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The item at logical index `i` (0 = oldest). */
  at(i: number): T {
    return this.items[this.head + i] as T;
  }

  /** Removes and returns the item at logical index `i`. */
  removeAt(i: number): T {
    if (i === 0) return this.shift() as T;
    const [item] = this.items.splice(this.head + i, 1);
    return item as T;
  }

  /** Removes every item for which `pred` is true; returns how many were removed. */
  removeWhere(pred: (item: T) => boolean): number {
    const kept: T[] = [];
    let removed = 0;
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i] as T;
      if (pred(item)) removed++;
      else kept.push(item);
    }
    if (removed > 0) {
      this.items = kept;
      this.head = 0;
    }
    return removed;
  }

  toArray(): T[] {
    return this.items.slice(this.head) as T[];
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
  }
}
