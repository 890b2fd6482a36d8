/**
 * # @trellis/gen-stage
 *
 * Demand-driven pipelines between processes, with back-pressure: Elixir's `GenStage`.
 * A stage is a process that is a **producer** (it emits events), a **consumer** (it
 * receives them) or a **producer-consumer** (both). Consumers subscribe to producers and
 * *ask* for events; a producer sends no more than was asked. So a slow consumer never drowns
 * in its mailbox: the pipeline runs as fast as its slowest stage, and the memory it holds is
 * bounded by the demand, not by how fast the source is.
 *
 * ## Example
 *
 * A producer of numbers, a producer-consumer that multiplies them, and a consumer that
 * prints them:
 *
 * {@includeCode ../test/examples/pipeline.ts#stages}
 *
 * {@includeCode ../test/examples.test.ts#usage}
 *
 * ## Demand
 *
 * A consumer subscribes with `maxDemand` (default 1000) and `minDemand` (default half of
 * it): it asks for `maxDemand` events at first, receives them in batches of at most
 * `maxDemand - minDemand` in `handleEvents`, and asks for more each time what it has not
 * processed falls to `minDemand`. A producer's `handleDemand(demand, state)` receives what
 * consumers asked for and returns events (`Result.noreply(events, state)`); it may return
 * fewer and emit the rest later from any callback (a timer, a message, a call). Events
 * beyond the demand wait in the producer's buffer (`bufferSize`, default 10 000, keeping the
 * `"last"` ones; overflow discards and logs a warning). With `Result.manual(state)` from
 * `handleSubscribe`, a consumer asks itself with {@link ask}.
 *
 * ## Subscriptions
 *
 * Subscribe at start (`subscribeTo` in `Result.consumer(…)`/`Result.producerConsumer(…)`)
 * or at run time ({@link syncSubscribe}, {@link asyncSubscribe}). When a subscription ends,
 * its `cancel` mode decides what the consumer does: `"permanent"` (default) exits with the
 * same reason, `"transient"` exits unless the reason is `normal`/`shutdown`, `"temporary"`
 * carries on. A producer forgets a consumer that dies. Producers and consumers monitor each
 * other, and the protocol is ordinary messages, so stages work across nodes as they do in
 * one runtime.
 *
 * ## Dispatchers
 *
 * A producer shares its events among its consumers through a dispatcher:
 * {@link demandDispatcher} (default: each event to one consumer, the one that asked most),
 * {@link broadcastDispatcher} (every event to every consumer, with optional selectors) and
 * {@link partitionDispatcher} (events split by a hash function, one consumer a partition).
 *
 * ## Supervision and names
 *
 * {@link childSpec} makes a child spec; start a pipeline producer first under a
 * `rest_for_one` supervisor. The `name` start option registers a stage (a string or a `via`
 * name); {@link ConsumerSupervisor} starts a child process per event.
 *
 * ## Bridges
 *
 * {@link fromIterable} feeds a producer from an async iterable or a Web `ReadableStream`,
 * pulling only on demand; {@link stream} consumes stages from plain async code as an async
 * iterable; {@link toWritable} writes a pipeline's output into a Web `WritableStream`.
 *
 * ## When not to use it
 *
 * Stages are for moving data between processes with back-pressure. Inside one function, a
 * loop over an async iterator already has back-pressure; don't split work into stages only
 * to organise code, each hop costs a message.
 *
 * ## Learn more
 *
 * The guide "GenStage" (docs/guides/gen-stage.md), and docs/erlang-mapping.md.
 *
 * @packageDocumentation
 */

export {
  type BridgeOptions,
  fromIterable,
  IterableProducer,
  type Source,
  toWritable,
  type WritableArg,
  WritableConsumer,
} from "./bridges.js";
export { broadcastDispatcher } from "./broadcast-dispatcher.js";
export {
  ask,
  asyncSubscribe,
  call,
  cancel,
  cast,
  demand,
  demandMode,
  estimateBufferedCount,
  reply,
  stop,
  syncSubscribe,
} from "./client.js";
export {
  type ChildTemplate,
  ConsumerSupervisor,
  type ConsumerSupervisorArg,
  type ConsumerSupervisorOptions,
  consumerSupervisorChildSpec,
  countConsumerChildren,
  startConsumerSupervisor,
  whichConsumerChildren,
} from "./consumer-supervisor.js";
export { demandDispatcher } from "./demand-dispatcher.js";
export type { DispatchContext, Dispatcher, DispatcherInstance } from "./dispatcher.js";
export { ConsumerEventsError, NotAProducerError } from "./errors.js";
export { type PartitionOptions, partitionDispatcher } from "./partition-dispatcher.js";

import * as Result from "./result.js";

export {
  type ChildSpecOptions,
  childSpec,
  define,
  named,
  type StartOptions,
  start,
  startLink,
} from "./stage.js";
export {
  type StreamOptions,
  type StreamSubscribeOptions,
  type StreamSubscription,
  stream,
} from "./stream.js";
export type {
  Awaitable,
  Callbacks,
  Cancellation,
  CancelMode,
  ChildSpec,
  ConsumerEmitsNothing,
  DefineOptions,
  Definition,
  Emits,
  RestartType,
  Shutdown,
  Stage,
  StageRef,
  StageType,
  StartArgs,
  Started,
  StateOf,
  Status,
  SubscribeOptions,
  Subscription,
} from "./types.js";
export { Result };
