/**
 * The broadcast dispatcher: every event to every consumer.
 *
 * @module
 */
import { BadArgumentError, formatReason, type Pid } from "@trellis/core";
import type { DispatchContext, Dispatcher, DispatcherInstance } from "./dispatcher.js";
import type { SubscribeOptions, Subscription } from "./types.js";

interface Entry<E> {
  /** Demand beyond what is already waiting to be produced (negative: it owes events). */
  counter: number;
  readonly from: Subscription;
  readonly selector: ((event: E) => boolean) | undefined;
}

class BroadcastInstance<E> implements DispatcherInstance<E> {
  private demands: Entry<E>[] = [];
  /** Events asked of the producer that every consumer wants. */
  private waiting = 0;
  private readonly subscribed = new Set<Pid>();
  private readonly context: DispatchContext<E>;

  constructor(context: DispatchContext<E>) {
    this.context = context;
  }

  subscribe(options: SubscribeOptions, from: Subscription): number {
    const selector = options.selector;
    if (selector !== undefined && typeof selector !== "function") {
      throw new BadArgumentError(
        `BroadcastDispatcher: the selector option must be a function of one event, got ${formatReason(selector)}`,
      );
    }
    if (this.subscribed.has(from.pid)) {
      throw new BadArgumentError(
        `BroadcastDispatcher: ${String(from.pid)} is already subscribed to this producer; the new subscription is refused`,
      );
    }
    this.subscribed.add(from.pid);
    this.demands.push({
      counter: -this.waiting,
      from,
      selector: selector as ((event: E) => boolean) | undefined,
    });
    return 0;
  }

  cancel(from: Subscription): number {
    const i = this.demands.findIndex((e) => e.from.ref === from.ref);
    if (i >= 0) this.demands.splice(i, 1);
    this.subscribed.delete(from.pid);
    // the consumer we were waiting for may be gone: that can make demand
    return this.settle();
  }

  ask(count: number, from: Subscription): number {
    const entry = this.demands.find((e) => e.from.ref === from.ref);
    if (entry !== undefined) entry.counter += count;
    return this.settle();
  }

  /** Moves the demand every consumer shares into `waiting`, and returns it. */
  private settle(): number {
    if (this.demands.length === 0) return 0;
    let min = Number.POSITIVE_INFINITY;
    for (const e of this.demands) if (e.counter < min) min = e.counter;
    if (min <= 0) return 0;
    for (const e of this.demands) e.counter -= min;
    this.waiting += min;
    return min;
  }

  dispatch(events: E[], length: number): E[] {
    if (this.waiting === 0) return events;
    let now = events;
    let later: E[] = [];
    if (length <= this.waiting) {
      this.waiting -= length;
    } else {
      now = events.slice(0, this.waiting);
      later = events.slice(this.waiting);
      this.waiting = 0;
    }
    for (const e of this.demands) {
      if (e.selector === undefined) {
        this.context.send(e.from, now);
        continue;
      }
      const selector = e.selector;
      const selected = now.filter((event) => selector(event));
      const discarded = now.length - selected.length;
      if (discarded > 0) this.context.askAgain(e.from, discarded);
      this.context.send(e.from, selected);
    }
    return later;
  }
}

/**
 * Elixir's `GenStage.BroadcastDispatcher`: every event goes to every consumer, as fast as the
 * slowest one asks. A consumer may subscribe with a `selector` (a predicate on events) to
 * receive only some of them; the events it filters out count as delivered and are asked
 * again on its behalf. A process may subscribe only once to the same producer. As in
 * Elixir, a consumer that subscribes while events are already asked for (by the others)
 * receives those events too, counted against its own demand: give every consumer the same
 * `maxDemand`, or subscribe them all before demand flows (a producer started with
 * `demand: "accumulate"`), so that none receives more than it asked for.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * GenStage.Result.producer(null, { dispatcher: GenStage.broadcastDispatcher() });
 * // a consumer that wants only even numbers:
 * const options: GenStage.SubscribeOptions = { to: "numbers", selector: (n: number) => n % 2 === 0 };
 * ```
 * @since 0.1.0
 * @category Dispatchers
 */
export function broadcastDispatcher<E = never>(): Dispatcher<E> {
  return {
    name: "BroadcastDispatcher",
    create: (context: DispatchContext<E>): DispatcherInstance<E> => new BroadcastInstance(context),
  };
}
