const EMPTY: never[] = [];

/**
 * A FIFO queue on a power-of-two ring buffer: O(1) push and shift with no allocation in the
 * steady state, and O(n) removal from the middle (needed by selective receive, which is
 * rare on hot paths). The buffer is allocated on the first push, so an idle process with an
 * empty mailbox costs one shared empty array.
 * @internal
 */
export class Queue<T> {
  private buf: (T | undefined)[] = EMPTY;
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    const buf = this.buf;
    const cap = buf.length;
    if (this.size === cap) {
      this.grow();
      this.buf[(this.head + this.size) & (this.buf.length - 1)] = item;
    } else {
      buf[(this.head + this.size) & (cap - 1)] = item;
    }
    this.size++;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const buf = this.buf;
    const item = buf[this.head];
    buf[this.head] = undefined;
    this.head = (this.head + 1) & (buf.length - 1);
    this.size--;
    return item;
  }

  /** The item at logical index `i` (0 = oldest). */
  at(i: number): T {
    return this.buf[(this.head + i) & (this.buf.length - 1)] as T;
  }

  /** Removes and returns the item at logical index `i`. */
  removeAt(i: number): T {
    if (i === 0) return this.shift() as T;
    const buf = this.buf;
    const mask = buf.length - 1;
    const item = buf[(this.head + i) & mask] as T;
    for (let j = i; j < this.size - 1; j++)
      buf[(this.head + j) & mask] = buf[(this.head + j + 1) & mask];
    buf[(this.head + this.size - 1) & mask] = undefined;
    this.size--;
    return item;
  }

  /** Removes every item for which `pred` is true, keeping the order of the rest; returns how many went. */
  removeWhere(pred: (item: T) => boolean): number {
    const items = this.toArray();
    const kept = items.filter((item) => !pred(item));
    const removed = items.length - kept.length;
    if (removed > 0) {
      this.clear();
      for (const item of kept) this.push(item);
    }
    return removed;
  }

  toArray(): T[] {
    const out = new Array<T>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.at(i);
    return out;
  }

  clear(): void {
    this.buf = EMPTY;
    this.head = 0;
    this.size = 0;
  }

  private grow(): void {
    const old = this.buf;
    const cap = old.length === 0 ? 4 : old.length * 2;
    const buf = new Array<T | undefined>(cap);
    for (let i = 0; i < this.size; i++) buf[i] = old[(this.head + i) & (old.length - 1)];
    this.buf = buf;
    this.head = 0;
  }
}
