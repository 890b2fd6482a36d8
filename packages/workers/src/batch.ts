/**
 * The wire form of a carrier batch: the numbers of every signal in one `Float64Array` (kinds,
 * pid and ref coordinates, flags), and everything else (payloads, names of third nodes,
 * module names) in one array beside it, in the order the numbers refer to them. The
 * structured-clone algorithm copies the numbers as one block of bytes, and walks only the
 * payloads.
 *
 * @module
 * @internal
 */

/** What one `postMessage` carries: the numbers and the other values. */
export type Batch = readonly [Float64Array, unknown[]];

const INITIAL = 1024;

/** Builds batches; `rewind` undoes a signal that failed half way. */
export class BatchWriter {
  private nums = new Float64Array(INITIAL);
  /** Numbers written. */
  n = 0;
  objs: unknown[] = [];

  /** Appends a number. */
  num(x: number): void {
    if (this.n === this.nums.length) {
      const bigger = new Float64Array(this.nums.length * 2);
      bigger.set(this.nums);
      this.nums = bigger;
    }
    this.nums[this.n++] = x;
  }

  /** Appends a value of the side array. */
  obj(x: unknown): void {
    this.objs.push(x);
  }

  /** Drops what was written after `n` numbers and `o` values. */
  rewind(n: number, o: number): void {
    this.n = n;
    this.objs.length = o;
  }

  /** Whether nothing is written. */
  get empty(): boolean {
    return this.n === 0;
  }

  /** The batch written so far; the writer starts over. */
  take(): Batch {
    const b: Batch = [this.nums.slice(0, this.n), this.objs];
    this.n = 0;
    this.objs = [];
    if (this.nums.length > 64 * INITIAL) this.nums = new Float64Array(INITIAL);
    return b;
  }
}

/** Reads a batch in the order it was written. */
export class BatchReader {
  private nums: Float64Array = new Float64Array(0);
  private objs: unknown[] = [];
  private i = 0;
  private j = 0;

  /** Starts reading `b`; false if it is not a batch. */
  reset(b: unknown): boolean {
    if (
      !Array.isArray(b) ||
      b.length !== 2 ||
      !(b[0] instanceof Float64Array) ||
      !Array.isArray(b[1])
    )
      return false;
    this.nums = b[0];
    this.objs = b[1];
    this.i = 0;
    this.j = 0;
    return true;
  }

  /** Whether numbers are left. */
  get more(): boolean {
    return this.i < this.nums.length;
  }

  /** The next number (NaN past the end). */
  num(): number {
    return this.i < this.nums.length ? (this.nums[this.i++] as number) : Number.NaN;
  }

  /** The next value of the side array. */
  obj(): unknown {
    return this.objs[this.j++];
  }

  /** Lets go of the batch. */
  done(): void {
    this.nums = new Float64Array(0);
    this.objs = [];
  }
}
