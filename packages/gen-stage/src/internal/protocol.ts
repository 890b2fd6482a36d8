// The messages stages exchange: GenStage's `{:"$gen_producer", from, msg}` and
// `{:"$gen_consumer", from, msg}`, as classes so that they never collide with user messages.
// They are ordinary messages: they cross nodes like any other.

import type { Pid, Ref } from "@trellis/core";

/** A consumer subscribes (`{:"$gen_producer", {pid, ref}, {:subscribe, cancel, opts}}`). */
export class SubscribeMsg {
  readonly consumer: Pid;
  readonly ref: Ref;
  readonly options: Readonly<Record<string, unknown>>;
  constructor(consumer: Pid, ref: Ref, options: Readonly<Record<string, unknown>>) {
    this.consumer = consumer;
    this.ref = ref;
    this.options = options;
  }
}

/** A consumer asks for `count` more events (`{:ask, count}`). */
export class AskMsg {
  readonly consumer: Pid;
  readonly ref: Ref;
  readonly count: number;
  constructor(consumer: Pid, ref: Ref, count: number) {
    this.consumer = consumer;
    this.ref = ref;
    this.count = count;
  }
}

/** A consumer cancels its subscription (`{:"$gen_producer", from, {:cancel, reason}}`). */
export class CancelUpMsg {
  readonly consumer: Pid;
  readonly ref: Ref;
  readonly reason: unknown;
  constructor(consumer: Pid, ref: Ref, reason: unknown) {
    this.consumer = consumer;
    this.ref = ref;
    this.reason = reason;
  }
}

/** A producer sends events (`{:"$gen_consumer", {pid, ref}, events}`). */
export class EventsMsg {
  readonly producer: Pid;
  readonly ref: Ref;
  readonly events: unknown[];
  constructor(producer: Pid, ref: Ref, events: unknown[]) {
    this.producer = producer;
    this.ref = ref;
    this.events = events;
  }
}

/** A producer cancels a subscription (`{:"$gen_consumer", from, {:cancel, reason}}`). */
export class CancelDownMsg {
  readonly producer: Pid;
  readonly ref: Ref;
  readonly reason: unknown;
  constructor(producer: Pid, ref: Ref, reason: unknown) {
    this.producer = producer;
    this.ref = ref;
    this.reason = reason;
  }
}

/** `GenStage.subscribe` / `syncSubscribe` ask a consumer to subscribe (`{:"$subscribe", …}`). */
export class SubscribeRequest {
  readonly options: Readonly<Record<string, unknown>>;
  constructor(options: Readonly<Record<string, unknown>>) {
    this.options = options;
  }
}

/** `GenStage.demand(stage, mode)` and `GenStage.demand(stage)` (`:"$demand"`). */
export class DemandRequest {
  readonly mode: "forward" | "accumulate" | undefined;
  constructor(mode: "forward" | "accumulate" | undefined) {
    this.mode = mode;
  }
}

/** `GenStage.estimateBufferedCount` (`:"$estimate_buffered_count"`). */
export class BufferedCountRequest {}
