/**
 * Restart intensity: Erlang's `add_restart` as an O(1) counter.
 *
 * @module
 */
import { checkIntensity } from "./internal/flags.js";

/**
 * The restart-intensity counter every Trellis supervisor uses (Erlang's `intensity` and
 * `period`): it remembers the times of the recent restarts and says when there have been
 * more than `maxRestarts` of them within `maxSeconds`.
 *
 * A restart at time `t` counts as long as no more than `maxSeconds × 1000` ms have passed
 * since `t` (Erlang keeps a restart while `T >= Now - Period`, in whole seconds; Trellis
 * measures in milliseconds). The times live in a ring buffer that holds at most
 * `maxRestarts + 1` of them and grows only as restarts actually happen, so {@link add} is
 * amortised O(1) and a huge `maxRestarts` costs nothing up front.
 *
 * Exported for supervisors of your own; Supervisor and DynamicSupervisor create theirs from
 * their flags.
 *
 * @example
 * ```ts
 * import { RestartIntensity } from "@trellis/supervisor";
 * const intensity = new RestartIntensity(2, 5); // at most 2 restarts in 5 s
 * intensity.add(0); // true
 * intensity.add(1000); // true
 * intensity.add(2000); // false: a third restart within 5 s
 *
 * const spaced = new RestartIntensity(1, 5);
 * spaced.add(0); // true
 * spaced.add(6000); // true: the first restart has left the 5 s window
 * ```
 * @since 0.1.0
 * @category Building blocks
 */
export class RestartIntensity {
  /** The most restarts allowed within the window. */
  readonly maxRestarts: number;
  /** The window, in seconds. */
  readonly maxSeconds: number;
  #period: number;
  #times: Float64Array;
  #head = 0;
  #size = 0;

  /**
   * @param maxRestarts an integer >= 0 (default 3)
   * @param maxSeconds an integer > 0 (default 5)
   * @throws {SupervisorFlagsError} for a bad `maxRestarts` (`invalid_intensity`) or `maxSeconds` (`invalid_period`)
   */
  constructor(maxRestarts = 3, maxSeconds = 5) {
    checkIntensity(maxRestarts, maxSeconds);
    this.maxRestarts = maxRestarts;
    this.maxSeconds = maxSeconds;
    this.#period = maxSeconds * 1000;
    this.#times = new Float64Array(Math.min(maxRestarts + 1, 8));
  }

  /**
   * Records a restart at `now` (milliseconds on a monotonic clock, never decreasing) and
   * returns whether the supervisor may go on: `false` once more than `maxRestarts` restarts
   * fall within the window, in which case a supervisor terminates its children and exits
   * with `"shutdown"`.
   *
   * @example
   * ```ts
   * import { RestartIntensity } from "@trellis/supervisor";
   * new RestartIntensity(0, 5).add(0); // false: with maxRestarts 0 the first restart is one too many
   * ```
   */
  add(now: number): boolean {
    const times = this.#times;
    let cap = times.length;
    let head = this.#head;
    let size = this.#size;
    const oldest = now - this.#period;
    // Forget the restarts that have left the window (the oldest are at the head).
    while (size > 0 && (times[head] as number) < oldest) {
      head = head + 1 === cap ? 0 : head + 1;
      size--;
    }
    const limit = this.maxRestarts + 1;
    if (size === limit) {
      // Only the newest maxRestarts + 1 matter: drop the oldest.
      head = head + 1 === cap ? 0 : head + 1;
      size--;
    } else if (size === cap) {
      this.#times = this.#grow(times, head, size, Math.min(cap * 2, limit));
      head = 0;
      cap = this.#times.length;
    }
    const slot = head + size;
    (this.#times as Float64Array)[slot >= cap ? slot - cap : slot] = now;
    this.#head = head;
    this.#size = size + 1;
    return size + 1 <= this.maxRestarts;
  }

  /**
   * How many recorded restarts are within the window as of the last {@link add} (at most
   * `maxRestarts + 1`).
   *
   * @example
   * ```ts
   * import { RestartIntensity } from "@trellis/supervisor";
   * const intensity = new RestartIntensity();
   * intensity.add(0);
   * intensity.count; // 1
   * ```
   */
  get count(): number {
    return this.#size;
  }

  #grow(times: Float64Array, head: number, size: number, cap: number): Float64Array {
    const next = new Float64Array(cap);
    for (let i = 0; i < size; i++) {
      const j = head + i;
      next[i] = times[j >= times.length ? j - times.length : j] as number;
    }
    return next;
  }
}
