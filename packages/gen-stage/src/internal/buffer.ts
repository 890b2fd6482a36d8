// A producer's buffer: events emitted beyond the demand, bounded by bufferSize. Stored as a
// queue of chunks (the arrays callbacks returned) so that storing and taking are cheap.

export class Buffer<E> {
  private chunks: E[][] = [];
  /** Offset of the first event in the first chunk. */
  private head = 0;
  size = 0;
  readonly capacity: number;
  private readonly keepFirst: boolean;

  constructor(capacity: number, keep: "first" | "last") {
    this.capacity = capacity;
    this.keepFirst = keep === "first";
  }

  /** Stores events; returns how many were discarded to stay within capacity. */
  store(events: E[]): number {
    const n = events.length;
    if (n === 0) return 0;
    const room = this.capacity - this.size;
    if (n <= room) {
      this.chunks.push(events);
      this.size += n;
      return 0;
    }
    if (this.keepFirst) {
      if (room > 0) {
        this.chunks.push(events.slice(0, room));
        this.size += room;
      }
      return n - room;
    }
    // keep the last `capacity` events: drop from the front
    if (n >= this.capacity) {
      const dropped = this.size + n - this.capacity;
      this.chunks = this.capacity === 0 ? [] : [events.slice(n - this.capacity)];
      this.head = 0;
      this.size = this.capacity;
      return dropped;
    }
    const excess = n - room;
    this.drop(excess);
    this.chunks.push(events);
    this.size += n;
    return excess;
  }

  /** Takes up to `count` events from the front. */
  take(count: number): E[] {
    const n = Math.min(count, this.size);
    if (n === 0) return [];
    const first = this.chunks[0] as E[];
    if (this.head === 0 && first.length === n) {
      this.chunks.shift();
      this.size -= n;
      return first;
    }
    const out: E[] = [];
    let left = n;
    while (left > 0) {
      const chunk = this.chunks[0] as E[];
      const available = chunk.length - this.head;
      if (available <= left) {
        for (let i = this.head; i < chunk.length; i++) out.push(chunk[i] as E);
        left -= available;
        this.chunks.shift();
        this.head = 0;
      } else {
        for (let i = this.head; i < this.head + left; i++) out.push(chunk[i] as E);
        this.head += left;
        left = 0;
      }
    }
    this.size -= n;
    return out;
  }

  private drop(count: number): void {
    let left = count;
    while (left > 0) {
      const chunk = this.chunks[0] as E[];
      const available = chunk.length - this.head;
      if (available <= left) {
        left -= available;
        this.chunks.shift();
        this.head = 0;
      } else {
        this.head += left;
        left = 0;
      }
    }
    this.size -= count;
  }
}
