/**
 * The demand dispatcher: each event to one consumer.
 *
 * @module
 */
import { logReport, type Pid, type Ref } from "@trellis/core";
import type { DispatchContext, Dispatcher, DispatcherInstance } from "./dispatcher.js";
import type { Subscription } from "./types.js";

interface Entry {
  counter: number;
  readonly from: Subscription;
}

class DemandInstance<E> implements DispatcherInstance<E> {
  /** Consumers, the one with the most pending demand first. */
  private demands: Entry[] = [];
  /** Demand already asked of the producer on behalf of consumers that are gone. */
  private pending = 0;
  /** The demand of the first ask: consumers are expected to share it. */
  private max: number | undefined = undefined;
  private readonly context: DispatchContext<E>;

  constructor(context: DispatchContext<E>) {
    this.context = context;
  }

  subscribe(_options: unknown, from: Subscription): number {
    this.demands.push({ counter: 0, from });
    return 0;
  }

  cancel(from: Subscription): number {
    const entry = this.take(from.ref);
    if (entry !== undefined) this.pending += entry.counter;
    return 0;
  }

  ask(count: number, from: Subscription): number {
    if (this.max === undefined) this.max = count;
    else if (count > this.max) {
      logReport({
        kind: "warning",
        message: `GenStage producer DemandDispatcher expects a maximum demand of ${this.max}. Using different maximum demands will overload greedy consumers. Got demand for ${count} events from ${String(from.pid)}`,
      });
    }
    const entry = this.take(from.ref) ?? { counter: 0, from };
    entry.counter += count;
    this.insert(entry);
    const alreadySent = Math.min(this.pending, count);
    this.pending -= alreadySent;
    return count - alreadySent;
  }

  dispatch(events: E[], length: number): E[] {
    let rest = events;
    let left = length;
    while (left > 0) {
      const first = this.demands[0];
      if (first === undefined || first.counter === 0) break;
      if (left <= first.counter) {
        this.context.send(first.from, rest);
        first.counter -= left;
        left = 0;
        rest = [];
      } else {
        this.context.send(first.from, rest.slice(0, first.counter));
        rest = rest.slice(first.counter);
        left -= first.counter;
        first.counter = 0;
      }
      this.demands.shift();
      this.insert(first);
    }
    return rest;
  }

  private take(ref: Ref): Entry | undefined {
    const i = this.demands.findIndex((e) => e.from.ref === ref);
    if (i < 0) return undefined;
    return this.demands.splice(i, 1)[0];
  }

  /** Inserts after the entries with as much demand or more. */
  private insert(entry: Entry): void {
    const d = this.demands;
    let i = 0;
    while (i < d.length && (d[i] as Entry).counter >= entry.counter) i++;
    d.splice(i, 0, entry);
  }

  status(): { consumer: Pid; demand: number }[] {
    return this.demands.map((e) => ({ consumer: e.from.pid, demand: e.counter }));
  }
}

/**
 * The default dispatcher (Elixir's `GenStage.DemandDispatcher`): each event goes to one
 * consumer, the one with the most pending demand, so work spreads over consumers by how
 * fast they ask. Consumers are expected to use the same `maxDemand`; a larger ask than the
 * first one logs a warning.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * GenStage.Result.producer(0, { dispatcher: GenStage.demandDispatcher() });
 * ```
 * @since 0.1.0
 * @category Dispatchers
 */
export function demandDispatcher<E = never>(): Dispatcher<E> {
  return {
    name: "DemandDispatcher",
    create: (context: DispatchContext<E>): DispatcherInstance<E> => new DemandInstance(context),
  };
}
