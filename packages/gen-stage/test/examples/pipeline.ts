// The example of the package documentation: producer -> producer-consumer -> consumer.
import { type Pid, send } from "@trellis/core";
import * as GenStage from "@trellis/gen-stage";

// #region stages
const { producer, producerConsumer, consumer, noreply } = GenStage.Result;

/** Emits 0, 1, 2… as fast as it is asked. */
export const Counter: GenStage.Definition<
  number,
  GenStage.Result.ProducerInit<number>,
  never,
  number
> = GenStage.define({
  init: (start: number) => producer(start),
  handleDemand(demand, next) {
    const events = Array.from({ length: demand }, (_, i) => next + i);
    return noreply(events, next + demand);
  },
});

/** Multiplies every number it receives. */
export const Multiplier: GenStage.Definition<
  number,
  GenStage.Result.ProducerConsumerInit<number>,
  number,
  number
> = GenStage.define({
  init: (by: number) => producerConsumer(by, { subscribeTo: [{ to: "counter", maxDemand: 10 }] }),
  handleEvents: (events: number[], _from, by) =>
    noreply(
      events.map((n) => n * by),
      by,
    ),
});

/** Sends what it receives to `to` (a test process, here). */
export const Sink: GenStage.Definition<
  Pid,
  GenStage.Result.ConsumerInit<Pid>,
  number,
  never
> = GenStage.define({
  init: (to: Pid) => consumer(to, { subscribeTo: [{ to: "multiplier", maxDemand: 10 }] }),
  handleEvents(events: number[], _from, to) {
    send(to, events);
    return noreply([], to);
  },
});
// #endregion stages
