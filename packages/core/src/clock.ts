/**
 * Clocks: where a runtime reads the time and arms its one host alarm.
 *
 * @module
 */
import { performance } from "node:perf_hooks";

/** setTimeout's longest delay; longer waits are re-armed in chunks. */
const MAX_HOST_DELAY = 2 ** 31 - 1;

/**
 * What a clock needs to know about a runtime that uses it.
 *
 * @since 0.1.0
 * @category Clock
 */
export interface ClockHost {
  /** Whether the runtime has nothing runnable (a virtual clock only moves when all hosts are idle). */
  isIdle(): boolean;
}

/**
 * The time source of a runtime. A runtime keeps all of its timers (`sendAfter`, receive and
 * call timeouts…) in one heap and asks the clock for one alarm at the earliest due time.
 * Use {@link RealClock} (the default) or {@link VirtualClock} (tests).
 *
 * @example
 * ```ts
 * import { createRuntime, VirtualClock } from "@trellis/core";
 * const clock = new VirtualClock();
 * const rt = createRuntime({ clock });
 * clock.now(); // 0
 * ```
 * @since 0.1.0
 * @category Clock
 */
export interface Clock {
  /** `"real"` or `"virtual"`. */
  readonly kind: "real" | "virtual";
  /** Monotonic milliseconds. */
  now(): number;
  /** Arms `owner`'s alarm for absolute time `at`, replacing any alarm it had. */
  setAlarm(owner: ClockHost, at: number, fire: () => void): void;
  /** Disarms `owner`'s alarm. */
  clearAlarm(owner: ClockHost): void;
  /** Called by a runtime when it becomes idle (a virtual clock may then move time forward). */
  idle(owner: ClockHost): void;
  /** Called by a runtime that stops using the clock. */
  detach(owner: ClockHost): void;
}

/**
 * Wall-clock time from `performance.now()`, with host timers. Delays longer than
 * 2^31-1 ms are re-armed in chunks, so they neither fire early nor overflow.
 *
 * @example
 * ```ts
 * import { createRuntime, RealClock } from "@trellis/core";
 * const rt = createRuntime({ clock: new RealClock() });
 * ```
 * @since 0.1.0
 * @category Clock
 */
export class RealClock implements Clock {
  /** Always `"real"`. */
  readonly kind: "real" = "real";
  private readonly timers = new Map<ClockHost, ReturnType<typeof setTimeout>>();

  /** Milliseconds from `performance.now()`. */
  now(): number {
    return performance.now();
  }

  /** @inheritDoc */
  setAlarm(owner: ClockHost, at: number, fire: () => void): void {
    this.clearAlarm(owner);
    const arm = (): void => {
      const delay = at - this.now();
      if (delay <= 0) {
        this.timers.delete(owner);
        fire();
        return;
      }
      this.timers.set(owner, setTimeout(arm, Math.min(Math.ceil(delay), MAX_HOST_DELAY)));
    };
    this.timers.set(
      owner,
      setTimeout(arm, Math.min(Math.max(0, Math.ceil(at - this.now())), MAX_HOST_DELAY)),
    );
  }

  /** @inheritDoc */
  clearAlarm(owner: ClockHost): void {
    const t = this.timers.get(owner);
    if (t !== undefined) {
      clearTimeout(t);
      this.timers.delete(owner);
    }
  }

  /** Nothing to do for real time. */
  idle(_owner: ClockHost): void {}

  /**
   * Lets the owner's armed host timer stop holding Node's event loop open (it still fires):
   * the runtime calls it when its last timer was cancelled, so an idle service can exit
   * without waiting for a timeout that no longer matters. The next `setAlarm` holds it again.
   *
   * @example
   * ```ts
   * import { RealClock } from "@trellis/core";
   * const clock = new RealClock();
   * const owner = { isIdle: () => true };
   * clock.setAlarm(owner, clock.now() + 60_000, () => {});
   * clock.release(owner); // Node may exit before the alarm fires
   * clock.clearAlarm(owner);
   * ```
   */
  release(owner: ClockHost): void {
    this.timers.get(owner)?.unref();
  }

  /** @inheritDoc */
  detach(owner: ClockHost): void {
    this.clearAlarm(owner);
  }
}

/**
 * Options of {@link VirtualClock}.
 *
 * @since 0.1.0
 * @category Clock
 */
export interface VirtualClockOptions {
  /** The starting time in ms. Default `0`. */
  readonly start?: number;
  /**
   * When `true` (the default), time jumps to the next timer as soon as every runtime using
   * the clock is idle, so code that waits minutes runs in milliseconds. When `false`, time
   * moves only through {@link VirtualClock.advance}.
   */
  readonly autoAdvance?: boolean;
}

interface Alarm {
  at: number;
  fire: () => void;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Deterministic time for tests. Time stands still while processes run; it moves only when
 * every runtime on the clock is idle (with `autoAdvance`, the default) or when the test calls
 * {@link VirtualClock.advance}. Timers fire in due order, one due time at a time, and the
 * runtimes settle between them, so a test that waits five minutes of process time takes
 * milliseconds and gives the same result on every run.
 *
 * Real I/O is not virtual: a process awaiting a socket looks idle to the clock.
 *
 * @example
 * ```ts
 * import { createRuntime, VirtualClock, receive } from "@trellis/core";
 * const clock = new VirtualClock();
 * const rt = createRuntime({ clock });
 * await rt.run(() => receive(() => true, { timeout: 300_000 })); // returns at once
 * clock.now(); // 300000
 * ```
 * @since 0.1.0
 * @category Clock
 */
export class VirtualClock implements Clock {
  /** Always `"virtual"`. */
  readonly kind: "virtual" = "virtual";
  private time: number;
  private auto: boolean;
  private readonly alarms = new Map<ClockHost, Alarm>();
  private readonly hosts = new Set<ClockHost>();
  private checking = false;

  /** @param options start time and auto-advance */
  constructor(options: VirtualClockOptions = {}) {
    this.time = options.start ?? 0;
    this.auto = options.autoAdvance ?? true;
  }

  /** The current virtual time in ms. */
  now(): number {
    return this.time;
  }

  /**
   * Whether time jumps to the next timer when every runtime is idle. Can be switched at any
   * time: `@trellis/core/testing` turns it off after a test body returns, to move time
   * itself while the test's processes stop.
   *
   * @example
   * ```ts
   * import { VirtualClock } from "@trellis/core";
   * const clock = new VirtualClock();
   * clock.autoAdvance = false; // from now on only advance() moves time
   * ```
   */
  get autoAdvance(): boolean {
    return this.auto;
  }
  /** Switches auto-advance on or off (see the getter). */
  set autoAdvance(on: boolean) {
    this.auto = on;
    const host = this.hosts.values().next();
    if (on && host.done !== true) this.idle(host.value);
  }

  /**
   * The due time of the earliest pending alarm of any runtime on the clock, or `undefined`.
   *
   * @example
   * ```ts
   * import { VirtualClock } from "@trellis/core";
   * new VirtualClock().nextAlarm(); // undefined
   * ```
   */
  nextAlarm(): number | undefined {
    return this.earliest();
  }

  /** @inheritDoc */
  setAlarm(owner: ClockHost, at: number, fire: () => void): void {
    this.hosts.add(owner);
    this.alarms.set(owner, { at, fire });
    this.idle(owner);
  }

  /** @inheritDoc */
  clearAlarm(owner: ClockHost): void {
    this.alarms.delete(owner);
  }

  /** @inheritDoc */
  detach(owner: ClockHost): void {
    this.alarms.delete(owner);
    this.hosts.delete(owner);
  }

  /** @inheritDoc */
  idle(owner: ClockHost): void {
    this.hosts.add(owner);
    if (!this.auto || this.checking || this.alarms.size === 0) return;
    this.checking = true;
    void this.autoStep();
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way in order and letting the
   * runtimes settle after each due time.
   *
   * @example
   * ```ts
   * import { createRuntime, VirtualClock } from "@trellis/core";
   * const clock = new VirtualClock({ autoAdvance: false });
   * const rt = createRuntime({ clock });
   * await clock.advance(1000);
   * clock.now(); // 1000
   * ```
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`advance(ms): ms must be a number >= 0, got ${ms}`);
    const target = this.time + ms;
    await this.settle();
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next > target) break;
      this.fireDue(next);
      await this.settle();
    }
    this.time = target;
  }

  /**
   * Lets every runtime on the clock run until it is idle, without moving time.
   *
   * @example
   * ```ts
   * import { VirtualClock } from "@trellis/core";
   * await new VirtualClock().settle();
   * ```
   */
  async settle(): Promise<void> {
    for (let quiet = 0; quiet < 2; ) {
      await tick();
      quiet = this.allIdle() ? quiet + 1 : 0;
    }
  }

  private allIdle(): boolean {
    for (const host of this.hosts) if (!host.isIdle()) return false;
    return true;
  }

  private earliest(): number | undefined {
    let min: number | undefined;
    for (const a of this.alarms.values()) if (min === undefined || a.at < min) min = a.at;
    return min;
  }

  private fireDue(at: number): void {
    if (at > this.time) this.time = at;
    for (const [owner, alarm] of [...this.alarms]) {
      if (alarm.at <= this.time && this.alarms.get(owner) === alarm) {
        this.alarms.delete(owner);
        alarm.fire();
      }
    }
  }

  private async autoStep(): Promise<void> {
    try {
      while (this.alarms.size > 0) {
        await this.settle();
        if (!this.auto) break;
        const next = this.earliest();
        if (next === undefined) break;
        this.fireDue(next);
      }
    } finally {
      this.checking = false;
    }
  }
}
