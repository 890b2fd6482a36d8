/**
 * Busy waiting after network activity, as the BEAM's schedulers do (`+sbwt`): once a
 * connection has written or read, the event loop keeps polling for a short while (a chain of
 * `setImmediate`s makes libuv poll its sockets without blocking) instead of going to sleep in
 * `epoll_wait`. A reply that arrives within that window is picked up by a running thread;
 * without it, a round trip between two otherwise idle processes pays for waking each
 * sleeping process, which on a virtual machine costs more than the whole call.
 *
 * Polling delays no work (timers, I/O and other immediates run between the polls), and a
 * window ends on its own once nothing happened for `ms`. It pays only while replies come
 * back within the window: on a machine whose cores are all busy, a polling process holds a
 * core its peer needs, and round trips get many times slower. So the wait is adaptive: a
 * window that ends without a read backs off (the next 1, 2, 4, … up to 1,024 pokes start no
 * window), and a read that arrives while polling resets the back-off. A window also ends,
 * and backs off, when every {@link CHECK_EVERY} polls the process got less than
 * {@link MIN_CPU_SHARE} of the elapsed time as CPU time: then other processes want the cores
 * (a stream that keeps a receiver's window open would otherwise poll on regardless).
 *
 * @internal
 * @module
 */

/** Pokes skipped at most after windows that went unanswered. */
const MAX_BACKOFF = 1024;
/** Polls between two looks at the process's CPU time. */
const CHECK_EVERY = 512;
/**
 * The least share of the elapsed time the process must get as CPU time while it polls: an
 * uncontended polling process gets nearly all of it.
 */
const MIN_CPU_SHARE = 0.8;

/** The process's CPU time (user and system, all threads), in milliseconds. */
function processCpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** @internal */
export class BusyWait {
  private until = 0;
  private running = false;
  private stopped = false;
  /** A read arrived during the current window. */
  private answered = false;
  /** Pokes to skip after the last unanswered window, and how many remain. */
  private backoff = 0;
  private skip = 0;
  /** Polls since the last look at the CPU time, and the clock and CPU time then. */
  private polls = 0;
  private wallAt = 0;
  private cpuAt = 0;

  /**
   * @param ms - how long to keep polling after the last {@link BusyWait.poke}; `0` never polls
   * @param now - the clock, in milliseconds
   * @param schedule - runs a callback on the next turn of the event loop, after polling
   * @param cpu - the process's CPU time, in milliseconds
   */
  constructor(
    readonly ms: number,
    private readonly now: () => number = () => performance.now(),
    private readonly schedule: (fn: () => void) => void = setImmediate,
    private readonly cpu: () => number = processCpuMs,
  ) {}

  /**
   * Something happened on a connection (`read`: bytes arrived; otherwise a write): keep
   * polling for another `ms`, unless backing off.
   */
  poke(read: boolean): void {
    if (this.ms === 0 || this.stopped) return;
    if (this.running) {
      if (read) {
        this.answered = true;
        this.backoff = 0;
      }
      this.until = this.now() + this.ms;
      return;
    }
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    const t = this.now();
    this.until = t + this.ms;
    this.answered = false;
    this.running = true;
    this.polls = 0;
    this.wallAt = t;
    this.cpuAt = this.cpu();
    this.schedule(this.turn);
  }

  /** Stops polling now, and for good. */
  stop(): void {
    this.stopped = true;
  }

  /** Whether a poll is scheduled. */
  get polling(): boolean {
    return this.running;
  }

  /** Pokes the next windows will skip (0 when the last window was answered). */
  get backingOff(): number {
    return this.skip;
  }

  private readonly turn = (): void => {
    const t = this.now();
    if (!this.stopped && t < this.until) {
      if (++this.polls < CHECK_EVERY || !this.contended(t)) {
        this.schedule(this.turn);
        return;
      }
      this.answered = false;
    }
    this.running = false;
    if (!this.answered) {
      this.backoff = this.backoff === 0 ? 1 : Math.min(this.backoff * 2, MAX_BACKOFF);
      this.skip = this.backoff;
    }
  };

  /** Whether the process got too little CPU time since the last look (and looks again). */
  private contended(t: number): boolean {
    const c = this.cpu();
    const share = (c - this.cpuAt) / (t - this.wallAt);
    this.polls = 0;
    this.wallAt = t;
    this.cpuAt = c;
    return share < MIN_CPU_SHARE;
  }
}
