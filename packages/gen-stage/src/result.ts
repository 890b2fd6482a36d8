/**
 * What GenStage callbacks return: Elixir's `{:producer, state, opts}`,
 * `{:noreply, events, state}`, `{:reply, reply, events, state}`, `{:automatic, state}` and the
 * other tuples, as small objects discriminated by `type`, with one constructor each.
 *
 * The objects are plain data: writing `{ type: "noreply", events: [], state }` by hand is
 * equivalent.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const { producer, noreply } = GenStage.Result;
 *
 * const Counter = GenStage.define({
 *   init: (start: number) => producer(start),
 *   handleDemand(demand, n) {
 *     const events = Array.from({ length: demand }, (_, i) => n + i);
 *     return noreply(events, n + demand);
 *   },
 * });
 * ```
 *
 * @since 0.1.0
 * @category Results
 * @module
 */
import type { Dest } from "@trellis/core";
import type { Dispatcher } from "./dispatcher.js";
import type { SubscribeOptions } from "./types.js";

/**
 * Options of a producer (the third element of Elixir's `{:producer, state, opts}`).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const options: GenStage.Result.ProducerOptions<number> = {
 *   bufferSize: 1000,
 *   bufferKeep: "first",
 *   dispatcher: GenStage.broadcastDispatcher(),
 * };
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface ProducerOptions<Out = unknown> {
  /**
   * How events reach the consumers. Default: {@link demandDispatcher} (each event to one
   * consumer, the one with the most pending demand).
   */
  readonly dispatcher?: Dispatcher<Out>;
  /**
   * How many events to keep while no consumer asks for them (events returned beyond the
   * demand, or with no consumer subscribed). Default `10_000` for a producer, `Infinity` for a
   * producer-consumer. Beyond it, events are discarded and a warning is logged: "GenStage
   * producer … has discarded N events from buffer".
   */
  readonly bufferSize?: number;
  /** Which events to keep when the buffer overflows: the `"last"` ones (default) or the `"first"`. */
  readonly bufferKeep?: "first" | "last";
  /**
   * `"forward"` (default): demand reaches `handleDemand` as it comes. `"accumulate"`:
   * demand is held until `GenStage.demand(stage, "forward")`, e.g. to start producing only
   * once every consumer is subscribed. Producers only.
   */
  readonly demand?: "forward" | "accumulate";
}

/**
 * Options of a consumer (the third element of Elixir's `{:consumer, state, opts}`).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const options: GenStage.Result.ConsumerOptions = {
 *   subscribeTo: ["numbers", { to: "letters", maxDemand: 10, minDemand: 5 }],
 * };
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface ConsumerOptions {
  /**
   * The producers to subscribe to as soon as `init` returns: a producer (pid or name) or
   * subscription options with `to`. Subscribing to a producer that is not alive stops the
   * start with reason `"noproc"` (for `permanent` and `transient` subscriptions).
   */
  readonly subscribeTo?: readonly (Dest | SubscribeOptions)[];
}

/**
 * Options of a producer-consumer: a producer's, but the buffer is unbounded by default and
 * demand is always forwarded, plus `subscribeTo`.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const options: GenStage.Result.ProducerConsumerOptions<string> = {
 *   subscribeTo: [{ to: "numbers", maxDemand: 100 }],
 * };
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface ProducerConsumerOptions<Out = unknown>
  extends Omit<ProducerOptions<Out>, "demand">,
    ConsumerOptions {}

/**
 * `init` made a producer with this state.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.ProducerInit<number> = GenStage.Result.producer(0);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface ProducerInit<S, Out = unknown> {
  /** Always `"producer"`. */
  readonly type: "producer";
  /** The first state. */
  readonly state: S;
  /** The producer's options. */
  readonly options: ProducerOptions<Out>;
}

/**
 * `init` made a producer-consumer with this state.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.ProducerConsumerInit<null> = GenStage.Result.producerConsumer(null);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface ProducerConsumerInit<S, Out = unknown> {
  /** Always `"producer_consumer"`. */
  readonly type: "producer_consumer";
  /** The first state. */
  readonly state: S;
  /** The producer-consumer's options. */
  readonly options: ProducerConsumerOptions<Out>;
}

/**
 * `init` made a consumer with this state.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.ConsumerInit<number> = GenStage.Result.consumer(0, { subscribeTo: ["numbers"] });
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface ConsumerInit<S> {
  /** Always `"consumer"`. */
  readonly type: "consumer";
  /** The first state. */
  readonly state: S;
  /** The consumer's options. */
  readonly options: ConsumerOptions;
}

/**
 * `init` declined to start: the start resolves with `"ignore"` (Elixir's `:ignore`).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.IgnoreResult = GenStage.Result.ignore();
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface IgnoreResult {
  /** Always `"ignore"`. */
  readonly type: "ignore";
}

/**
 * `init` failed (`{:stop, reason}`): the start rejects with an `InitError` carrying `reason`.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.InitStopResult = GenStage.Result.stop("no_config");
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface InitStopResult {
  /** Always `"stop"`. */
  readonly type: "stop";
  /** The exit reason. */
  readonly reason: unknown;
}

/**
 * Everything `init` may return.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.InitResult<number> = GenStage.Result.consumer(0);
 * ```
 * @since 0.1.0
 * @category Results
 */
export type InitResult<S, Out = unknown> =
  | ProducerInit<S, Out>
  | ProducerConsumerInit<S, Out>
  | ConsumerInit<S>
  | IgnoreResult
  | InitStopResult;

/**
 * Carry on with `state`, and emit `events` to the consumers (Elixir's
 * `{:noreply, events, state}`). A consumer must emit no events.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.NoReplyResult<string, number> = GenStage.Result.noreply(["a"], 1);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface NoReplyResult<Out, S> {
  /** Always `"noreply"`. */
  readonly type: "noreply";
  /** The events to dispatch, in order (a consumer: none). */
  readonly events: readonly Out[];
  /** The next state. */
  readonly state: S;
}

/**
 * Answer a `GenStage.call`, emit `events` and carry on (Elixir's
 * `{:reply, reply, events, state}`).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.ReplyResult<"ok", number, null> = GenStage.Result.reply("ok", [1, 2], null);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface ReplyResult<R, Out, S> {
  /** Always `"reply"`. */
  readonly type: "reply";
  /** What the caller's `call` resolves with. */
  readonly reply: R;
  /** The events to dispatch. */
  readonly events: readonly Out[];
  /** The next state. */
  readonly state: S;
}

/**
 * Stop the stage with `reason`: `terminate` runs, then the process exits (Elixir's
 * `{:stop, reason, state}`).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.StopResult<number> = GenStage.Result.stop("normal", 0);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface StopResult<S> {
  /** Always `"stop"`. */
  readonly type: "stop";
  /** The exit reason. */
  readonly reason: unknown;
  /** The state `terminate` receives. */
  readonly state: S;
}

/**
 * Answer a `GenStage.call`, then stop (Elixir's `{:stop, reason, reply, state}`).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.StopReplyResult<"bye", null> = GenStage.Result.stopReply("normal", "bye", null);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface StopReplyResult<R, S> {
  /** Always `"stopReply"`. */
  readonly type: "stopReply";
  /** The exit reason. */
  readonly reason: unknown;
  /** What the caller's `call` resolves with. */
  readonly reply: R;
  /** The state `terminate` receives. */
  readonly state: S;
}

/**
 * What `handleDemand`, `handleEvents`, `handleCast`, `handleInfo` and `handleCancel` return.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.NoReply<number, null> = GenStage.Result.noreply([1], null);
 * ```
 * @since 0.1.0
 * @category Results
 */
export type NoReply<Out, S> = NoReplyResult<Out, S> | StopResult<S>;

/**
 * What `handleCall` returns.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.CallResult<number, never, null> = GenStage.Result.reply(1, [], null);
 * ```
 * @since 0.1.0
 * @category Results
 */
export type CallResult<R, Out, S> =
  | ReplyResult<R, Out, S>
  | NoReplyResult<Out, S>
  | StopResult<S>
  | StopReplyResult<R, S>;

/**
 * `handleSubscribe`'s answer: `"automatic"` demand (the stage asks its producer for more
 * itself, between `minDemand` and `maxDemand`) or `"manual"` (the stage calls
 * `GenStage.ask` itself). Only a consumer's side of a subscription may be manual.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.SubscribeResult<number> = GenStage.Result.manual(0);
 * ```
 * @since 0.1.0
 * @category Results
 */
export type SubscribeResult<S> = AutomaticResult<S> | ManualResult<S> | StopResult<S>;

/**
 * `handleSubscribe`'s automatic demand (see {@link automatic}).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.AutomaticResult<number> = GenStage.Result.automatic(0);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface AutomaticResult<S> {
  /** Always `"automatic"`. */
  readonly type: "automatic";
  /** The next state. */
  readonly state: S;
}

/**
 * `handleSubscribe`'s manual demand (see {@link manual}).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const r: GenStage.Result.ManualResult<number> = GenStage.Result.manual(0);
 * ```
 * @since 0.1.0
 * @category Results
 */
export interface ManualResult<S> {
  /** Always `"manual"`. */
  readonly type: "manual";
  /** The next state. */
  readonly state: S;
}

/**
 * `init`: start as a producer (Elixir's `{:producer, state, opts}`).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * GenStage.Result.producer({ next: 0 }, { bufferSize: 100 });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function producer<S, Out = unknown>(
  state: S,
  options: ProducerOptions<Out> = {},
): ProducerInit<S, Out> {
  return { type: "producer", state, options };
}

/**
 * `init`: start as a producer-consumer (Elixir's `{:producer_consumer, state, opts}`).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * GenStage.Result.producerConsumer(null, { subscribeTo: ["numbers"] });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function producerConsumer<S, Out = unknown>(
  state: S,
  options: ProducerConsumerOptions<Out> = {},
): ProducerConsumerInit<S, Out> {
  return { type: "producer_consumer", state, options };
}

/**
 * `init`: start as a consumer (Elixir's `{:consumer, state, opts}`).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * GenStage.Result.consumer(0, { subscribeTo: [{ to: "numbers", maxDemand: 50 }] });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function consumer<S>(state: S, options: ConsumerOptions = {}): ConsumerInit<S> {
  return { type: "consumer", state, options };
}

/**
 * `init`: do not start; the start resolves with `"ignore"`.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * GenStage.Result.ignore(); // { type: "ignore" }
 * ```
 * @since 0.1.0
 * @category Results
 */
export function ignore(): IgnoreResult {
  return { type: "ignore" };
}

/**
 * Stop with `reason`: from `init` without a state (the start rejects with an `InitError`),
 * from any other callback with the state `terminate` receives.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * GenStage.Result.stop("bad_config"); // from init
 * GenStage.Result.stop("normal", { done: true }); // from a callback
 * ```
 * @since 0.1.0
 * @category Results
 */
export function stop(reason: unknown): InitStopResult;
export function stop<S>(reason: unknown, state: S): StopResult<S>;
export function stop<S>(reason: unknown, ...rest: [] | [S]): InitStopResult | StopResult<S> {
  return rest.length === 0 ? { type: "stop", reason } : { type: "stop", reason, state: rest[0] };
}

/**
 * Carry on with `state` after emitting `events` (none from a consumer).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * GenStage.Result.noreply([1, 2, 3], { next: 4 });
 * GenStage.Result.noreply([], { seen: 10 });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function noreply<Out, S>(events: readonly Out[], state: S): NoReplyResult<Out, S> {
  return { type: "noreply", events, state };
}

/**
 * Answer a call with `value`, emit `events` and carry on with `state`.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * GenStage.Result.reply("queued", ["job-1"], { queued: 1 });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function reply<R, Out, S>(
  value: R,
  events: readonly Out[],
  state: S,
): ReplyResult<R, Out, S> {
  return { type: "reply", reply: value, events, state };
}

/**
 * Answer a call with `value`, then stop with `reason`.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * GenStage.Result.stopReply("normal", "bye", null);
 * ```
 * @since 0.1.0
 * @category Results
 */
export function stopReply<R, S>(reason: unknown, value: R, state: S): StopReplyResult<R, S> {
  return { type: "stopReply", reason, reply: value, state };
}

/**
 * `handleSubscribe`: automatic demand for this subscription (the default).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * GenStage.Result.automatic({ producers: 1 });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function automatic<S>(state: S): AutomaticResult<S> {
  return { type: "automatic", state };
}

/**
 * `handleSubscribe` (consumer side only): manual demand; the stage asks with `GenStage.ask`.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * GenStage.Result.manual({ pending: 0 });
 * ```
 * @since 0.1.0
 * @category Results
 */
export function manual<S>(state: S): ManualResult<S> {
  return { type: "manual", state };
}
