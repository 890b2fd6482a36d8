/**
 * The timeouts of remote calls: one Node timer per distinct timeout value instead of one
 * per call. Calls with the same timeout expire in the order they started, so each value
 * keeps a queue in deadline order and a timer for its first live deadline; a call that
 * gets its answer only marks its entry. A round trip then costs no timer object, no timer
 * list insertion and removal, and (on Node 20) no async-hook bookkeeping.
 *
 * @internal
 * @module
 */

const MAX_WAIT = 0x7fffffff;

/** @internal A running timeout: `cancel()` stops it; the callback runs at most once. */
export interface CallTimeout {
  cancel(): void;
}

class Entry implements CallTimeout {
  readonly at: number;
  fire: (() => void) | undefined;

  constructor(at: number, fire: () => void) {
    this.at = at;
    this.fire = fire;
  }

  cancel(): void {
    this.fire = undefined;
  }
}

/** Entries of one timeout value, in deadline order, from `head` on. */
class Queue {
  private items: Entry[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  add(entry: Entry): void {
    this.skipCancelled();
    this.items.push(entry);
    if (this.timer === undefined) this.arm();
  }

  /** Drops answered calls from the front (most calls are answered before the next starts). */
  private skipCancelled(): void {
    const items = this.items;
    while (this.head < items.length && (items[this.head] as Entry).fire === undefined) {
      this.head++;
    }
    if (this.head === items.length) {
      items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= items.length) {
      this.items = items.slice(this.head);
      this.head = 0;
    }
  }

  private arm(): void {
    const first = this.items[this.head] as Entry;
    // Node fires a longer timer at once: wait the longest it allows, then look again
    const wait = Math.min(MAX_WAIT, Math.max(0, first.at - performance.now()));
    this.timer = setTimeout(this.run, wait);
    // a pending call keeps the process alive through its own promise, not through this timer
    this.timer.unref();
  }

  private readonly run = (): void => {
    this.timer = undefined;
    const now = performance.now();
    try {
      for (;;) {
        this.skipCancelled();
        const first = this.items[this.head];
        if (first === undefined || first.at > now) break;
        this.head++;
        const fire = first.fire as () => void;
        first.fire = undefined;
        fire();
      }
    } finally {
      if (this.head < this.items.length) {
        if (this.timer === undefined) this.arm();
      } else this.onEmpty();
    }
  };

  /** Called when a firing finds the queue empty (its timer then stops). */
  private readonly onEmpty: () => void;

  constructor(onEmpty: () => void) {
    this.onEmpty = onEmpty;
  }
}

/** @internal The call timeouts of one node. */
export class CallTimers {
  private readonly queues = new Map<number, Queue>();

  /** How many timeout values have a queue (tests). */
  get size(): number {
    return this.queues.size;
  }

  /** Runs `fire` after `ms` milliseconds (a finite, non-negative number) unless cancelled. */
  start(ms: number, fire: () => void): CallTimeout {
    let queue = this.queues.get(ms);
    if (queue === undefined) {
      // a queue lives while its timer runs: from its first call to a firing that finds it empty
      queue = new Queue(() => this.queues.delete(ms));
      this.queues.set(ms, queue);
    }
    const entry = new Entry(performance.now() + ms, fire);
    queue.add(entry);
    return entry;
  }
}
