// A streaming quantile estimate for the load phase's progress line: a fixed-bucket histogram
// on a log scale. Recording is O(1) and memory is constant (a few KB) however many requests
// the load sends; a quantile costs one pass over the buckets. Each answer is within 2% of
// the exact quantile (the width of a bucket), which is plenty for a progress line.

/** The smallest distinguished value, in ms; anything below lands in the first bucket. */
const MIN_MS = 0.01;
/** Each bucket is this factor wider than the one before: a 2% relative error. */
const GROWTH = 1.02;
/** Buckets: from 0.01 ms up to 0.01 × 1.02^1100 ≈ 2.8 × 10^7 ms (7.8 hours); above, the last. */
const BUCKETS = 1100;
const LOG_GROWTH = Math.log(GROWTH);

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  /** Values recorded. */
  count = 0;
  /** The largest value recorded (exact). */
  max = 0;

  /** Records one latency in ms (negative or NaN values are ignored). */
  record(ms: number): void {
    if (!(ms >= 0)) return;
    const i =
      ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / LOG_GROWTH));
    this.counts[i] = (this.counts[i] as number) + 1;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /**
   * The `p`-th percentile (0 to 100) of what was recorded, within 2%: the upper edge of the
   * bucket holding it (never above the largest value seen). 0 when nothing was recorded.
   */
  quantile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] as number;
      if (seen >= rank) return Math.min(this.max, MIN_MS * GROWTH ** i);
    }
    return this.max;
  }
}
