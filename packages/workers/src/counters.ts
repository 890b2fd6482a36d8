/**
 * Erlang's `counters` and `atomics` over a `SharedArrayBuffer`: an array of 64-bit signed
 * integers that every worker node can update at once, without messages.
 *
 * @module
 */
import { BadArgumentError, formatReason } from "@trellis/core";

/**
 * A fixed-size array of 64-bit signed integers in shared memory (Erlang's `counters` and
 * `atomics`). Send it to processes on other worker nodes like any message: it arrives as a
 * view of the **same** memory, not a copy, so an `add` on one node is seen by `get` on
 * every other. Every operation is atomic; values wrap around at 64 bits, as in Erlang.
 * Indexes start at 1, as in Erlang.
 *
 * @example
 * ```ts
 * import { send } from "@trellis/core";
 * import { SharedCounters } from "@trellis/workers";
 * const hits = SharedCounters.create(2);
 * send(remotePid, { hits }); // the remote process does hits.add(1, 1n)
 * hits.get(1); // what every node added so far, as a bigint
 * ```
 * @since 0.1.0
 * @category Shared memory
 */
export class SharedCounters {
  /** The shared memory (8 bytes per counter). */
  readonly buffer: SharedArrayBuffer;
  /** The number of counters. */
  readonly size: number;
  readonly #view: BigInt64Array;

  /** @internal Use {@link SharedCounters.create}. */
  constructor(buffer: SharedArrayBuffer) {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength % 8 !== 0) {
      throw new BadArgumentError(
        `SharedCounters: expected a SharedArrayBuffer of whole 8-byte counters, got ${formatReason(buffer)}`,
      );
    }
    this.buffer = buffer;
    this.size = buffer.byteLength / 8;
    this.#view = new BigInt64Array(buffer);
  }

  /**
   * `size` counters, all 0 (Erlang's `counters:new(Size, [])` / `atomics:new(Size, [])`).
   *
   * @example
   * ```ts
   * import { SharedCounters } from "@trellis/workers";
   * SharedCounters.create(3).size; // 3
   * ```
   * @throws {BadArgumentError} if `size` is not an integer >= 1
   */
  static create(size: number): SharedCounters {
    if (!Number.isInteger(size) || size < 1 || size > 2 ** 27) {
      throw new BadArgumentError(
        `SharedCounters.create: size must be an integer from 1 to 2^27, got ${formatReason(size)}`,
      );
    }
    return new SharedCounters(new SharedArrayBuffer(size * 8));
  }

  /**
   * Whether `value` is a {@link SharedCounters}.
   *
   * @example
   * ```ts
   * import { SharedCounters } from "@trellis/workers";
   * SharedCounters.is(SharedCounters.create(1)); // true
   * ```
   */
  static is(value: unknown): value is SharedCounters {
    return value instanceof SharedCounters;
  }

  #at(ix: number, what: string): number {
    if (!Number.isInteger(ix) || ix < 1 || ix > this.size) {
      throw new BadArgumentError(
        `SharedCounters.${what}: index must be an integer from 1 to ${this.size}, got ${formatReason(ix)}`,
      );
    }
    return ix - 1;
  }

  #big(v: number | bigint, what: string): bigint {
    if (typeof v === "bigint") return v;
    if (Number.isInteger(v)) return BigInt(v);
    throw new BadArgumentError(
      `SharedCounters.${what}: expected an integer or a bigint, got ${formatReason(v)}`,
    );
  }

  /**
   * The value of counter `ix`.
   *
   * @example
   * ```ts
   * import { SharedCounters } from "@trellis/workers";
   * SharedCounters.create(1).get(1); // 0n
   * ```
   */
  get(ix: number): bigint {
    return Atomics.load(this.#view, this.#at(ix, "get"));
  }

  /**
   * Adds `incr` to counter `ix` (`counters:add/3`).
   *
   * @example
   * ```ts
   * import { SharedCounters } from "@trellis/workers";
   * const c = SharedCounters.create(1);
   * c.add(1, 5);
   * c.get(1); // 5n
   * ```
   */
  add(ix: number, incr: number | bigint): void {
    Atomics.add(this.#view, this.#at(ix, "add"), this.#big(incr, "add"));
  }

  /**
   * Subtracts `decr` from counter `ix` (`counters:sub/3`).
   *
   * @example
   * ```ts
   * import { SharedCounters } from "@trellis/workers";
   * const c = SharedCounters.create(1);
   * c.sub(1, 2);
   * c.get(1); // -2n
   * ```
   */
  sub(ix: number, decr: number | bigint): void {
    Atomics.sub(this.#view, this.#at(ix, "sub"), this.#big(decr, "sub"));
  }

  /**
   * Adds `incr` and returns the new value (`atomics:add_get/3`).
   *
   * @example
   * ```ts
   * import { SharedCounters } from "@trellis/workers";
   * SharedCounters.create(1).addGet(1, 3); // 3n
   * ```
   */
  addGet(ix: number, incr: number | bigint): bigint {
    const i = this.#at(ix, "addGet");
    const n = this.#big(incr, "addGet");
    return BigInt.asIntN(64, Atomics.add(this.#view, i, n) + n);
  }

  /**
   * Sets counter `ix` (`counters:put/3`).
   *
   * @example
   * ```ts
   * import { SharedCounters } from "@trellis/workers";
   * const c = SharedCounters.create(1);
   * c.put(1, 42);
   * ```
   */
  put(ix: number, value: number | bigint): void {
    Atomics.store(this.#view, this.#at(ix, "put"), BigInt.asIntN(64, this.#big(value, "put")));
  }

  /**
   * Sets counter `ix` and returns its previous value (`atomics:exchange/3`).
   *
   * @example
   * ```ts
   * import { SharedCounters } from "@trellis/workers";
   * SharedCounters.create(1).exchange(1, 7); // 0n
   * ```
   */
  exchange(ix: number, value: number | bigint): bigint {
    return Atomics.exchange(
      this.#view,
      this.#at(ix, "exchange"),
      BigInt.asIntN(64, this.#big(value, "exchange")),
    );
  }

  /**
   * Sets counter `ix` to `desired` if it holds `expected`; returns `true` if it did
   * (`atomics:compare_exchange/4`, which returns `ok` or the value found).
   *
   * @example
   * ```ts
   * import { SharedCounters } from "@trellis/workers";
   * const lock = SharedCounters.create(1);
   * lock.compareExchange(1, 0, 1); // true: taken
   * lock.compareExchange(1, 0, 1); // false: already taken
   * ```
   */
  compareExchange(ix: number, expected: number | bigint, desired: number | bigint): boolean {
    const e = BigInt.asIntN(64, this.#big(expected, "compareExchange"));
    return (
      Atomics.compareExchange(
        this.#view,
        this.#at(ix, "compareExchange"),
        e,
        BigInt.asIntN(64, this.#big(desired, "compareExchange")),
      ) === e
    );
  }
}
