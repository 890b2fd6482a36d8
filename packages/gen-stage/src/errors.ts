/**
 * GenStage's errors: bad input at the protocol's boundary.
 *
 * @module
 */
import { BadArgumentError, type Pid } from "@trellis/core";

/**
 * The reason a subscription is cancelled with when its target is not a producer (a
 * consumer stage): a consumer subscribed with `cancel: "permanent"` (the default) exits with
 * it; `GenStage.syncSubscribe` rejects with it when the subscriber itself is a producer.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * declare const consumer: GenStage.Stage;
 * try {
 *   await GenStage.syncSubscribe(consumer, { to: "also-a-consumer" });
 * } catch (err) {
 *   if (err instanceof GenStage.NotAProducerError) console.log(err.stage);
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class NotAProducerError extends BadArgumentError {
  /** The stage that cannot produce. */
  readonly stage: Pid;
  /** @param stage the stage @param role what it is instead */
  constructor(stage: Pid, role: "consumer" | "producer") {
    super(
      role === "consumer"
        ? `GenStage ${String(stage)} is a consumer: it cannot be subscribed to. Subscribe to a producer or producer-consumer`
        : `GenStage ${String(stage)} is a producer: it cannot subscribe to another stage. Only consumers and producer-consumers subscribe`,
    );
    this.stage = stage;
  }
}

/**
 * The exit reason of a consumer whose callback returned events: a consumer has nobody to
 * send them to. Return `Result.noreply([], state)` from a consumer, or make the stage a
 * producer-consumer.
 *
 * @example
 * ```ts
 * import { isDown } from "@trellis/core";
 * import * as GenStage from "@trellis/gen-stage";
 * declare const down: unknown;
 * if (isDown(down) && down.reason instanceof GenStage.ConsumerEventsError) console.log(down.reason.events);
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class ConsumerEventsError extends BadArgumentError {
  /** The events the consumer returned. */
  readonly events: readonly unknown[];
  /** @param stage the consumer @param events what it returned */
  constructor(stage: Pid, events: readonly unknown[]) {
    super(
      `GenStage consumer ${String(stage)} returned ${events.length} events, but a consumer cannot dispatch events: return Result.noreply([], state), or make it a producer-consumer`,
    );
    this.events = events;
  }
}
