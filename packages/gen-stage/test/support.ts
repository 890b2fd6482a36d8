// Stages shared by the GenStage tests.
import { type Pid, self, send } from "@trellis/core";
import * as GenStage from "@trellis/gen-stage";

const { producer, consumer, producerConsumer, noreply, automatic, manual } = GenStage.Result;

export interface ProducerArg {
  readonly report?: Pid;
  readonly options?: GenStage.Result.ProducerOptions<number>;
}

/** A producer of 0, 1, 2…; tells `report` (if any) of every demand it receives. */
export const Numbers: GenStage.Definition<
  ProducerArg | undefined,
  GenStage.Result.ProducerInit<{ next: number; report: Pid | undefined }, number>,
  never,
  number,
  "next"
> = GenStage.define({
  init: (arg: ProducerArg = {}) => producer({ next: 0, report: arg.report }, arg.options ?? {}),
  handleDemand(demand, s) {
    if (s.report !== undefined) send(s.report, { demand });
    const events = Array.from({ length: demand }, (_, i) => s.next + i);
    return noreply(events, { ...s, next: s.next + demand });
  },
  handleCall: (_request: "next", _from, s) => GenStage.Result.reply(s.next, [], s),
});

/** A producer that emits only what it is cast (`{ emit: [...] }`), whatever the demand. */
export const Pusher: GenStage.Definition<
  ProducerArg | undefined,
  GenStage.Result.ProducerInit<Pid | undefined, number>,
  never,
  number,
  { emit: number[] }
> = GenStage.define({
  init: (arg: ProducerArg = {}) => producer(arg.report, arg.options ?? {}),
  handleDemand(demand, report) {
    if (report !== undefined) send(report, { demand });
    return noreply([], report);
  },
  handleCast: (request: { emit: number[] }, report) => noreply(request.emit, report),
  handleCall: (request: { emit: number[] }, _from, report) =>
    GenStage.Result.reply("ok", request.emit, report),
});

export interface ProbeArg {
  readonly to: Pid;
  readonly subscribeTo?: readonly (string | Pid | GenStage.SubscribeOptions)[];
  readonly manual?: boolean;
}

/** A consumer that reports its events, subscriptions and cancellations to `to`. */
export const Probe: GenStage.Definition<
  ProbeArg,
  GenStage.Result.ConsumerInit<ProbeArg>,
  number,
  never,
  "ping"
> = GenStage.define({
  init: (arg: ProbeArg) =>
    consumer(arg, arg.subscribeTo === undefined ? {} : { subscribeTo: arg.subscribeTo }),
  handleSubscribe(kind, options, from, arg) {
    send(arg.to, { subscribed: kind, from, options, by: self() });
    return arg.manual === true ? manual(arg) : automatic(arg);
  },
  handleEvents(events: number[], from, arg) {
    send(arg.to, { events, from, by: self() });
    return noreply([], arg);
  },
  handleCancel(cancellation, from, arg) {
    send(arg.to, { cancelled: cancellation, from, by: self() });
    return noreply([], arg);
  },
  handleCall: (_request: "ping", _from, arg) => GenStage.Result.reply("pong", [], arg),
  /** Asks for more on a manual subscription. */
  handleCast(request: { ask: number; from: GenStage.Subscription }, arg) {
    GenStage.ask(request.from, request.ask);
    return noreply([], arg);
  },
});

/** A producer-consumer that doubles what it receives. */
export const Doubler: GenStage.Definition<
  readonly (string | Pid | GenStage.SubscribeOptions)[],
  GenStage.Result.ProducerConsumerInit<null>,
  number,
  number
> = GenStage.define({
  init: (subscribeTo: readonly (string | Pid | GenStage.SubscribeOptions)[]) =>
    producerConsumer(null, { subscribeTo }),
  handleEvents: (events: number[], _from, state) =>
    noreply(
      events.map((n) => n * 2),
      state,
    ),
});

export type Report =
  | { events: number[]; from: GenStage.Subscription }
  | { subscribed: string; from: GenStage.Subscription; options: GenStage.SubscribeOptions }
  | { cancelled: GenStage.Cancellation; from: GenStage.Subscription };

/** A matcher for assertReceive: an object with the `key` field. */
export function has<T = Record<string, unknown>>(key: string): (msg: unknown) => msg is T {
  return (msg: unknown): msg is T => typeof msg === "object" && msg !== null && key in msg;
}
