/**
 * The types of GenStage's public API.
 *
 * @module
 */
import type { Dest, From, Pid, ProcessName, Ref, RestartType, Shutdown } from "@trellis/core";
import type {
  CallResult,
  ConsumerInit,
  IgnoreResult,
  InitStopResult,
  NoReply,
  ProducerConsumerInit,
  ProducerInit,
  SubscribeResult,
} from "./result.js";

export type { ChildSpec, RestartType, Shutdown } from "@trellis/core";

/**
 * A value or a promise of it: every callback may be `async`.
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * const n: GenStage.Awaitable<number> = Promise.resolve(1);
 * ```
 * @since 0.1.0
 * @category Types
 */
export type Awaitable<T> = T | PromiseLike<T>;

/**
 * The kind of a stage, chosen by what `init` returns.
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * const kind: GenStage.StageType = "producer_consumer";
 * ```
 * @since 0.1.0
 * @category Types
 */
export type StageType = "producer" | "producer_consumer" | "consumer";

/**
 * What happens to a consumer when its subscription is cancelled (by either side, or because
 * the producer died):
 *
 * - `"permanent"` (default): the consumer exits with the same reason;
 * - `"transient"`: it exits unless the reason is `"normal"`, `"shutdown"` or
 *   `{ shutdown: … }`;
 * - `"temporary"`: it carries on (`handleCancel` is told).
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * const mode: GenStage.CancelMode = "transient";
 * ```
 * @since 0.1.0
 * @category Subscriptions
 */
export type CancelMode = "permanent" | "transient" | "temporary";

/**
 * Options of a subscription (Elixir's `{producer, opts}` in `subscribe_to`, and
 * `sync_subscribe/3`'s options). Other fields are passed to both sides' `handleSubscribe`
 * (and to the producer's dispatcher: `partition` for the partition dispatcher, `selector`
 * for the broadcast dispatcher).
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * const options: GenStage.SubscribeOptions = { to: "numbers", minDemand: 50, maxDemand: 100, cancel: "transient" };
 * ```
 * @since 0.1.0
 * @category Subscriptions
 */
export interface SubscribeOptions {
  /** The producer: a pid, a registered name or a via name. */
  readonly to: Dest;
  /**
   * The most events the consumer asks for at once (and so holds at once) from this
   * producer. An integer ≥ 1. Default `1000`.
   */
  readonly maxDemand?: number;
  /**
   * When the events not yet processed fall to this many, the consumer asks for more. An
   * integer from 0 to `maxDemand - 1`. Default `Math.floor(maxDemand / 2)` (500 with the
   * default `maxDemand`, as in Elixir).
   */
  readonly minDemand?: number;
  /** What a cancellation does to the consumer. Default `"permanent"`. */
  readonly cancel?: CancelMode;
  /** The partition to consume, with a producer that uses the partition dispatcher. */
  readonly partition?: unknown;
  /** Which events to receive, with a producer that uses the broadcast dispatcher. */
  readonly selector?: (event: never) => boolean;
  /** Anything else reaches `handleSubscribe`. */
  readonly [option: string]: unknown;
}

/**
 * One end of a subscription, as callbacks see it (Elixir's `from = {pid, ref}`): in a
 * consumer's `handleEvents` and `handleSubscribe("producer", …)`, the producer; in a
 * producer's `handleSubscribe("consumer", …)` and `handleCancel`, the consumer. The `ref`
 * identifies the subscription on both sides. Pass it to `GenStage.ask` and `GenStage.cancel`.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * declare const from: GenStage.Subscription;
 * GenStage.ask(from, 10);
 * GenStage.cancel(from, "done");
 * ```
 * @since 0.1.0
 * @category Subscriptions
 */
export interface Subscription {
  /** The process at the other end. */
  readonly pid: Pid;
  /** The subscription's reference. */
  readonly ref: Ref;
}

/**
 * Why a subscription ended, as `handleCancel` receives it: `kind` `"cancel"` when a side
 * cancelled it (with `GenStage.cancel`, or the producer refused it), `"down"` when the other
 * process died (its exit reason is `reason`).
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * const c: GenStage.Cancellation = { kind: "down", reason: "noconnection" };
 * ```
 * @since 0.1.0
 * @category Subscriptions
 */
export interface Cancellation {
  /** `"cancel"` or `"down"`. */
  readonly kind: "cancel" | "down";
  /** The reason given to `cancel`, or the exit reason. */
  readonly reason: unknown;
}

/**
 * The type-level brand of a typed stage handle: the events the stage emits.
 *
 * @example
 * ```ts
 * import type { Pid } from "@trellis/core";
 * import type * as GenStage from "@trellis/gen-stage";
 * type Numbers = Pid & GenStage.Emits<number>; // = GenStage.Stage<number>
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface Emits<Out> {
  /** Type-level only (absent at run time): the events the stage emits. */
  readonly "~gen-stage"?: {
    /** The events the stage emits. */
    readonly events: Out;
  };
}

/**
 * A handle to a running stage: its pid, carrying (in the type system only) the type of the
 * events it emits, so that `GenStage.stream` and consumers know what they receive.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * declare const numbers: GenStage.Stage<number>;
 * for await (const n of GenStage.stream([numbers])) console.log(n + 1);
 * ```
 * @since 0.1.0
 * @category Types
 */
export type Stage<Out = unknown> = Pid & Emits<Out>;

/**
 * A stage by pid or by name, with the type of its events.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const byName: GenStage.StageRef<number> = "numbers";
 * ```
 * @since 0.1.0
 * @category Types
 */
export type StageRef<Out = unknown> = (Pid | ProcessName) & Emits<Out>;

/**
 * The state type of a stage, from what its `init` returns.
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * type S = GenStage.StateOf<GenStage.Result.ProducerInit<number>>; // number
 * ```
 * @since 0.1.0
 * @category Types
 */
export type StateOf<Init> =
  Init extends ProducerInit<infer S, infer _O>
    ? S
    : Init extends ProducerConsumerInit<infer S, infer _O>
      ? S
      : Init extends ConsumerInit<infer S>
        ? S
        : never;

/**
 * A compile-time check `GenStage.define` applies: a consumer (a stage whose `init` returns
 * only `Result.consumer(…)`) must emit no events. When one does, the definition does not
 * compile, with this type's property naming the problem.
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * type Ok = GenStage.ConsumerEmitsNothing<GenStage.Result.ConsumerInit<null>, never>; // unknown
 * type Bad = GenStage.ConsumerEmitsNothing<GenStage.Result.ConsumerInit<null>, number>; // { "…": never }
 * ```
 * @since 0.1.0
 * @category Types
 */
export type ConsumerEmitsNothing<Init, Out> = [Out] extends [never]
  ? unknown
  : [Exclude<Init, IgnoreResult | InitStopResult>] extends [ConsumerInit<unknown>]
    ? {
        /** Type-level only: return `Result.noreply([], state)` from a consumer. */
        readonly "a consumer cannot emit events: return Result.noreply([], state), or make it a producer-consumer": never;
      }
    : unknown;

/**
 * What `start` resolves with: the handle, or also `"ignore"` when `init` may return
 * `Result.ignore()`.
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * type R = GenStage.Started<GenStage.Result.ProducerInit<1>, GenStage.Stage<number>>; // GenStage.Stage<number>
 * ```
 * @since 0.1.0
 * @category Types
 */
export type Started<Init, Handle> = [Extract<Init, IgnoreResult>] extends [never]
  ? Handle
  : Handle | "ignore";

/**
 * What `formatStatus` receives and returns.
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * const s: GenStage.Status<number> = { state: 1 };
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface Status<S> {
  /** The stage's state. */
  readonly state: S;
  /** The last message handled (crash reports only). */
  readonly message?: unknown;
  /** The exit reason (crash reports only). */
  readonly reason?: unknown;
}

/**
 * The callbacks of a stage, given once to `GenStage.define`. Only `init` is required; what
 * else is needed depends on the kind of stage: a producer implements `handleDemand`, a
 * consumer or producer-consumer `handleEvents`. Each callback may return its result directly
 * or as a promise; while it runs, the stage handles no other message.
 *
 * Type parameters, usually inferred: `Arg` from `init`'s parameter, the state from what
 * `init` returns, `In` from `handleEvents`' first parameter, `Out` from the events that
 * `handleDemand`/`handleEvents` return, `Calls` from `handleCall`'s first parameter.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const callbacks: GenStage.Callbacks<void, GenStage.Result.ConsumerInit<number>, number, never, never> = {
 *   init: () => GenStage.Result.consumer(0),
 *   handleEvents: (events, _from, sum) => GenStage.Result.noreply([], sum + events.reduce((a, b) => a + b, 0)),
 * };
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface Callbacks<Arg, Init, In, Out, Calls> {
  /**
   * Runs in the new process when it starts; `start` waits for it. Its result chooses the
   * kind of stage and its options:
   *
   * - `Result.producer(state, options)`, `Result.producerConsumer(state, options)`,
   *   `Result.consumer(state, options)`: the stage runs; subscriptions in `subscribeTo` are
   *   made before `start` resolves.
   * - `Result.ignore()`: `start` resolves with `"ignore"`.
   * - `Result.stop(reason)`, a throw, or invalid options: `start` rejects with an `InitError`.
   *
   * Required.
   */
  init(arg: Arg): Awaitable<Init>;
  /**
   * Producers only: consumers asked for `demand` more events (added to what they asked
   * before and did not get yet). Return them (fewer is fine: the demand stays pending, and
   * events emitted later from any callback fill it; more go to the buffer). Required for a
   * producer.
   */
  handleDemand?(demand: number, state: StateOf<Init>): Awaitable<NoReply<Out, StateOf<Init>>>;
  /**
   * Consumers and producer-consumers: events arrived from the producer `from`. A consumer
   * returns no events; a producer-consumer returns the events it emits. With automatic
   * demand, `events.length` is at most `maxDemand - minDemand`, and the stage asks for more
   * after each batch. Required for consumers and producer-consumers.
   */
  handleEvents?(
    events: In[],
    from: Subscription,
    state: StateOf<Init>,
  ): Awaitable<NoReply<Out, StateOf<Init>>>;
  /**
   * A subscription was made: `kind` `"producer"` in a consumer (it subscribed to `from`),
   * `"consumer"` in a producer (`from` subscribed to it). Return `Result.automatic(state)`
   * (the default) or, in a consumer only, `Result.manual(state)`: the stage then asks with
   * `GenStage.ask(from, n)` itself. Optional.
   */
  handleSubscribe?(
    kind: "producer" | "consumer",
    options: SubscribeOptions,
    from: Subscription,
    state: StateOf<Init>,
  ): Awaitable<SubscribeResult<StateOf<Init>>>;
  /**
   * A subscription ended: `cancellation.kind` is `"cancel"` (either side cancelled it) or
   * `"down"` (the other side died). Runs before a `permanent`/`transient` consumer stops.
   * Optional; the default carries on.
   */
  handleCancel?(
    cancellation: Cancellation,
    from: Subscription,
    state: StateOf<Init>,
  ): Awaitable<NoReply<Out, StateOf<Init>>>;
  /**
   * Handles a `GenStage.call`: `Result.reply(value, events, state)`, or
   * `Result.noreply(events, state)` and answer later with `GenStage.reply(from, value)`.
   * Optional; without it a call crashes the stage.
   */
  handleCall?(
    request: Calls,
    from: From,
    state: StateOf<Init>,
  ): Awaitable<CallResult<unknown, Out, StateOf<Init>>>;
  /** Handles a `GenStage.cast`. Optional; without it a cast crashes the stage. */
  handleCast?(request: unknown, state: StateOf<Init>): Awaitable<NoReply<Out, StateOf<Init>>>;
  /**
   * Handles any other message (a monitor's DOWN that is not a subscription's, a timer…).
   * Optional; without it the message is logged and dropped.
   */
  handleInfo?(message: unknown, state: StateOf<Init>): Awaitable<NoReply<Out, StateOf<Init>>>;
  /**
   * Runs when the stage stops through a `stop` result, a crash of a callback,
   * `GenStage.stop`, or its parent's exit signal while it traps exits. Optional.
   */
  terminate?(reason: unknown, state: StateOf<Init>): unknown;
  /** Shapes the state shown by `Sys.getStatus` and crash reports. Optional. */
  formatStatus?(status: Status<StateOf<Init>>): Status<unknown>;
  /**
   * The buffer of a producer discarded `discarded` events: return `false` to skip the
   * default warning (after logging your own). Optional.
   */
  formatDiscarded?(discarded: number, state: StateOf<Init>): boolean;
}

/**
 * Child spec defaults of a definition (`GenStage.define`'s second argument).
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * const options: GenStage.DefineOptions = { restart: "transient", shutdown: 10_000 };
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface DefineOptions {
  /** The child id. Default: the definition itself. */
  readonly id?: unknown;
  /** When a supervisor restarts the stage. Default (the supervisor's): `"permanent"`. */
  readonly restart?: RestartType;
  /** How long a supervisor waits for it to stop. Default (the supervisor's): `5000`. */
  readonly shutdown?: Shutdown;
}

/**
 * A stage definition: what `GenStage.define` returns and `start`, `startLink` and
 * `childSpec` take.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const Printer: GenStage.Definition<void, GenStage.Result.ConsumerInit<null>, string, never> =
 *   GenStage.define({
 *     init: () => GenStage.Result.consumer(null),
 *     handleEvents: (lines: string[], _from, state) => {
 *       for (const line of lines) console.log(line);
 *       return GenStage.Result.noreply([], state);
 *     },
 *   });
 * ```
 * @since 0.1.0
 * @category Definition
 */
export interface Definition<
  Arg = unknown,
  Init = unknown,
  In = unknown,
  Out = unknown,
  Calls = unknown,
> {
  /** The callbacks. */
  readonly callbacks: Callbacks<Arg, Init, In, Out, Calls>;
  /** The child spec defaults. */
  readonly options: DefineOptions;
}

/**
 * The (optional) argument and options of `start`, `startLink` and `childSpec`.
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * type A = GenStage.StartArgs<number, GenStage.StartOptions>; // [arg: number, options?: StartOptions]
 * ```
 * @since 0.1.0
 * @category Types
 */
export type StartArgs<Arg, Options> = undefined extends Arg
  ? [arg?: Arg, options?: Options]
  : [arg: Arg, options?: Options];
