// The machine's internal event queue: inserted events and postponed events being retried,
// handled before the next mailbox message. Index-based: taking an event moves an index, and
// putting events in front reuses the free slots before it (or the empty array), so the
// common cases allocate nothing.

export class EventQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** Takes the first event, or `undefined` when empty. */
  shift(): T | undefined {
    const items = this.items;
    const h = this.head;
    if (h >= items.length) return undefined;
    const v = items[h];
    items[h] = undefined;
    if (h + 1 === items.length) {
      items.length = 0;
      this.head = 0;
    } else {
      this.head = h + 1;
    }
    return v;
  }

  /** Puts `xs` in front of the queue, keeping their order. */
  unshiftAll(xs: readonly T[]): void {
    const n = xs.length;
    if (n === 0) return;
    const items = this.items;
    if (this.head === items.length) {
      // empty: start over at index 0
      items.length = 0;
      this.head = 0;
      for (let i = 0; i < n; i++) items.push(xs[i]);
      return;
    }
    if (this.head >= n) {
      const h = this.head - n;
      for (let i = 0; i < n; i++) items[h + i] = xs[i];
      this.head = h;
      return;
    }
    this.items = (xs as (T | undefined)[]).concat(items.slice(this.head));
    this.head = 0;
  }

  /** The queued events, first first (for status and crash reports). */
  toArray(): T[] {
    return this.items.slice(this.head) as T[];
  }
}
