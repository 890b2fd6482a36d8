/**
 * The partition dispatcher: each event to the consumer of its partition.
 *
 * @module
 */
import {
  BadArgumentError,
  formatReason,
  isTerm,
  logReport,
  type Term,
  TermMap,
  hash as termHash,
} from "@trellis/core";
import type { DispatchContext, Dispatcher, DispatcherInstance } from "./dispatcher.js";
import type { SubscribeOptions, Subscription } from "./types.js";

/**
 * Options of {@link partitionDispatcher}.
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * const options: GenStage.PartitionOptions<{ user: string }> = {
 *   partitions: ["a-m", "n-z"],
 *   hash: (event) => (event.user < "n" ? "a-m" : "n-z"),
 * };
 * ```
 * @since 0.1.0
 * @category Dispatchers
 */
export interface PartitionOptions<E> {
  /**
   * The partitions: a count `n` (partitions `0` to `n - 1`) or the list of partition keys
   * (any terms, compared by value).
   */
  readonly partitions: number | readonly unknown[];
  /**
   * The partition of an event; `undefined` discards the event. Default (with a count of
   * partitions only): core's term `hash` of the event, modulo the count.
   */
  readonly hash?: (event: E) => unknown;
}

interface Partition<E> {
  from: Subscription | undefined;
  /** Demand of its consumer not yet met. */
  demand: number;
  /** Events for it beyond its demand (asked of the producer for others). */
  queue: E[];
}

class PartitionInstance<E> implements DispatcherInstance<E> {
  private readonly partitions = new TermMap<Term, Partition<E>>();
  private readonly byRef = new Map<unknown, unknown>();
  private readonly hash: (event: E) => unknown;
  /** Events asked of the producer and not dispatched yet. */
  private waiting = 0;
  /** Demand asked of the producer on behalf of consumers that are gone. */
  private pending = 0;
  private readonly context: DispatchContext<E>;

  constructor(context: DispatchContext<E>, keys: readonly unknown[], hash: (event: E) => unknown) {
    this.context = context;
    this.hash = hash;
    for (const key of keys)
      this.partitions.set(key as Term, { from: undefined, demand: 0, queue: [] });
  }

  subscribe(options: SubscribeOptions, from: Subscription): number {
    if (!("partition" in options) || options.partition === undefined) {
      throw new BadArgumentError(
        "PartitionDispatcher: the partition option is required when subscribing to a producer with the partition dispatcher",
      );
    }
    const key = options.partition;
    const p = isTerm(key) ? this.partitions.get(key) : undefined;
    if (p === undefined) {
      throw new BadArgumentError(
        `PartitionDispatcher: partition must be one of ${formatReason([...this.partitions.keys()])}, got ${formatReason(key)}`,
      );
    }
    if (p.from !== undefined) {
      throw new BadArgumentError(
        `PartitionDispatcher: the partition ${formatReason(key)} is already taken by ${String(p.from.pid)}`,
      );
    }
    p.from = from;
    this.byRef.set(from.ref, key);
    return 0;
  }

  cancel(from: Subscription): number {
    const key = this.byRef.get(from.ref);
    this.byRef.delete(from.ref);
    const p = key === undefined ? undefined : this.partitions.get(key as Term);
    if (p === undefined) return 0;
    p.from = undefined;
    this.pending += p.demand;
    p.demand = 0;
    // its queued events are lost with it: ask for as many again for the others
    const lost = p.queue.length;
    p.queue = [];
    this.waiting += lost;
    return lost;
  }

  ask(count: number, from: Subscription): number {
    const key = this.byRef.get(from.ref);
    const p = key === undefined ? undefined : this.partitions.get(key as Term);
    if (p === undefined || p.from === undefined) return 0;
    let demand = count;
    if (p.queue.length > 0) {
      const n = Math.min(demand, p.queue.length);
      const now = p.queue.splice(0, n);
      this.context.send(p.from, now);
      demand -= n;
    }
    p.demand += demand;
    const alreadySent = Math.min(this.pending, count);
    this.pending -= alreadySent;
    const asked = count - alreadySent;
    this.waiting += asked;
    return asked;
  }

  dispatch(events: E[], length: number): E[] {
    let now = events;
    let later: E[] = [];
    if (length > this.waiting) {
      now = events.slice(0, this.waiting);
      later = events.slice(this.waiting);
    }
    this.waiting -= now.length;
    const batches = new Map<Partition<E>, E[]>();
    for (const event of now) {
      const key = this.hash(event);
      const p = key === undefined || !isTerm(key) ? undefined : this.partitions.get(key);
      if (p === undefined) {
        if (key !== undefined) {
          logReport({
            kind: "error",
            message: `Unknown partition ${formatReason(key)} computed for GenStage event ${formatReason(event)}. The known partitions are ${formatReason([...this.partitions.keys()])}. This event has been discarded.`,
          });
        }
        continue;
      }
      const batch = batches.get(p);
      if (batch === undefined) batches.set(p, [event]);
      else batch.push(event);
    }
    for (const [p, batch] of batches) {
      if (p.from === undefined || p.demand === 0) {
        for (const e of batch) p.queue.push(e);
        continue;
      }
      if (batch.length <= p.demand) {
        p.demand -= batch.length;
        this.context.send(p.from, batch);
      } else {
        this.context.send(p.from, batch.slice(0, p.demand));
        for (const e of batch.slice(p.demand)) p.queue.push(e);
        p.demand = 0;
      }
    }
    return later;
  }
}

/**
 * Elixir's `GenStage.PartitionDispatcher`: events are split into partitions by a hash
 * function, and each partition has one consumer, which subscribes with `partition: key`.
 * Use it to keep all events of one key (a user, an account) in order on one consumer.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const dispatcher = GenStage.partitionDispatcher<number>({
 *   partitions: ["odd", "even"],
 *   hash: (n) => (n % 2 === 0 ? "even" : "odd"),
 * });
 * GenStage.Result.producer(0, { dispatcher });
 * // a consumer subscribes with { to: producer, partition: "even" }
 * ```
 * @throws {BadArgumentError} for no partitions, or list of keys without a `hash`
 * @since 0.1.0
 * @category Dispatchers
 */
export function partitionDispatcher<E = unknown>(options: PartitionOptions<E>): Dispatcher<E> {
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(
      `partitionDispatcher: expected options { partitions, hash? }, got ${formatReason(options)}`,
    );
  }
  const { partitions, hash } = options;
  let keys: readonly unknown[];
  if (typeof partitions === "number") {
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new BadArgumentError(
        `partitionDispatcher: partitions must be an integer >= 1 or a list of keys, got ${formatReason(partitions)}`,
      );
    }
    keys = Array.from({ length: partitions }, (_, i) => i);
  } else if (Array.isArray(partitions) && partitions.length > 0) {
    keys = partitions;
    if (hash === undefined) {
      throw new BadArgumentError(
        "partitionDispatcher: a hash function is required when the partitions are a list of keys",
      );
    }
  } else {
    throw new BadArgumentError(
      `partitionDispatcher: partitions must be an integer >= 1 or a non-empty list of keys, got ${formatReason(partitions)}`,
    );
  }
  if (hash !== undefined && typeof hash !== "function") {
    throw new BadArgumentError(
      `partitionDispatcher: hash must be a function, got ${formatReason(hash)}`,
    );
  }
  const n = keys.length;
  const h = hash ?? ((event: E): unknown => (termHash(event as Term) >>> 0) % n);
  return {
    name: "PartitionDispatcher",
    create: (context: DispatchContext<E>): DispatcherInstance<E> =>
      new PartitionInstance(context, keys, h),
  };
}
