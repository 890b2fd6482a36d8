/**
 * Dispatchers: how a producer shares its events among its consumers (Elixir's
 * `GenStage.Dispatcher` behaviour).
 *
 * @module
 */
import type { SubscribeOptions, Subscription } from "./types.js";

/**
 * What a dispatcher can do to the producer that runs it.
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * declare const context: GenStage.DispatchContext<number>;
 * declare const consumer: GenStage.Subscription;
 * context.send(consumer, [1, 2, 3]);
 * ```
 * @since 0.1.0
 * @category Dispatchers
 */
export interface DispatchContext<E> {
  /** Sends `events` (in one message) to the consumer at the other end of `to`. */
  send(to: Subscription, events: E[]): void;
  /**
   * Has the producer handle `count` more demand from `to` as if that consumer had asked for
   * it (the broadcast dispatcher uses it for the events a selector filtered out).
   */
  askAgain(to: Subscription, count: number): void;
}

/**
 * A running dispatcher: the state one producer keeps about its consumers' demand. Every
 * method but `dispatch` returns how many more events the producer should produce (passed to
 * `handleDemand`, after the buffer has been drained).
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * // Everything to everyone, with no demand accounting at all: an illustration only.
 * const everything: GenStage.Dispatcher<unknown> = {
 *   name: "Everything",
 *   create(context) {
 *     const consumers: GenStage.Subscription[] = [];
 *     return {
 *       subscribe: (_options, from) => (consumers.push(from), 0),
 *       cancel: (from) => (consumers.splice(consumers.indexOf(from), 1), 0),
 *       ask: (count) => count,
 *       dispatch(events) {
 *         for (const c of consumers) context.send(c, events);
 *         return [];
 *       },
 *     };
 *   },
 * };
 * ```
 * @since 0.1.0
 * @category Dispatchers
 */
export interface DispatcherInstance<E> {
  /**
   * A consumer subscribed with `options`. Throw (a `BadArgumentError` is best) to refuse it:
   * the subscription is then cancelled with the error as its reason.
   */
  subscribe(options: SubscribeOptions, from: Subscription): number;
  /** A consumer's subscription ended (cancelled, or the consumer died). */
  cancel(from: Subscription): number;
  /** A consumer asked for `count` more events. */
  ask(count: number, from: Subscription): number;
  /**
   * Sends what it can of `events` (`length` of them) to the consumers; returns the events
   * it could not send, which go to the producer's buffer.
   */
  dispatch(events: E[], length: number): E[];
}

/**
 * A dispatcher, as a producer's `dispatcher` option takes it: `create` runs once in each
 * producer that uses it. Trellis has {@link demandDispatcher}, {@link broadcastDispatcher}
 * and {@link partitionDispatcher}; write your own by implementing this interface.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const dispatcher: GenStage.Dispatcher<string> = GenStage.broadcastDispatcher();
 * GenStage.Result.producer(null, { dispatcher });
 * ```
 * @since 0.1.0
 * @category Dispatchers
 */
export interface Dispatcher<E = unknown> {
  /** Its name, shown by `Sys.getStatus`. */
  readonly name: string;
  /** Makes the state for one producer. */
  create(context: DispatchContext<E>): DispatcherInstance<E>;
}
