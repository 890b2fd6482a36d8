// Validation of init results and subscription options: bad input becomes a BadArgumentError
// with a message that says what to change.

import { BadArgumentError, type Dest, formatReason, isProcessName, Pid } from "@trellis/core";
import { demandDispatcher } from "../demand-dispatcher.js";
import type { Dispatcher } from "../dispatcher.js";
import type { CancelMode, SubscribeOptions } from "../types.js";

export interface CheckedSubscription {
  readonly to: Dest;
  readonly min: number;
  readonly max: number;
  readonly cancel: CancelMode;
  /** Everything but `to`: what both sides' handleSubscribe and the dispatcher see. */
  readonly options: SubscribeOptions;
}

function isDest(to: unknown): to is Dest {
  return to instanceof Pid || isProcessName(to);
}

/** Checks a `subscribeTo` entry or `syncSubscribe`'s options. */
export function checkSubscription(what: string, entry: unknown): CheckedSubscription {
  const raw: Record<string, unknown> = isDest(entry)
    ? { to: entry }
    : typeof entry === "object" && entry !== null
      ? (entry as Record<string, unknown>)
      : {};
  const to = raw.to;
  if (!isDest(to)) {
    throw new BadArgumentError(
      `${what}: expected a producer (a pid or a name) or subscription options with a "to" producer, got ${formatReason(entry)}`,
    );
  }
  const max = raw.maxDemand === undefined ? 1000 : raw.maxDemand;
  if (typeof max !== "number" || !Number.isInteger(max) || max < 1) {
    throw new BadArgumentError(
      `${what}: maxDemand must be an integer >= 1, got ${formatReason(raw.maxDemand)}`,
    );
  }
  const min = raw.minDemand === undefined ? Math.floor(max / 2) : raw.minDemand;
  if (typeof min !== "number" || !Number.isInteger(min) || min < 0 || min >= max) {
    throw new BadArgumentError(
      `${what}: minDemand must be an integer from 0 to maxDemand - 1 (${max - 1}), got ${formatReason(raw.minDemand)}`,
    );
  }
  const cancel = raw.cancel === undefined ? "permanent" : raw.cancel;
  if (cancel !== "permanent" && cancel !== "transient" && cancel !== "temporary") {
    throw new BadArgumentError(
      `${what}: cancel must be "permanent", "transient" or "temporary", got ${formatReason(raw.cancel)}`,
    );
  }
  return { to, min, max, cancel, options: { ...raw, to, maxDemand: max, minDemand: min, cancel } };
}

export interface CheckedProducer {
  readonly dispatcher: Dispatcher;
  readonly bufferSize: number;
  readonly bufferKeep: "first" | "last";
  readonly forward: boolean;
  readonly subscribeTo: readonly unknown[];
}

const PRODUCER_KEYS = new Set(["dispatcher", "bufferSize", "bufferKeep", "demand"]);
const PC_KEYS = new Set(["dispatcher", "bufferSize", "bufferKeep", "subscribeTo"]);
const CONSUMER_KEYS = new Set(["subscribeTo"]);

/** Checks the options of an init result; returns the message of what is wrong, if anything. */
export function checkInitOptions(type: string, options: unknown): CheckedProducer | string {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null) {
    return `the options of ${type} must be an object, got ${formatReason(options)}`;
  }
  const o = options as Record<string, unknown>;
  const allowed =
    type === "producer" ? PRODUCER_KEYS : type === "consumer" ? CONSUMER_KEYS : PC_KEYS;
  for (const key of Object.keys(o)) {
    if (!allowed.has(key) && o[key] !== undefined) {
      return `unknown option ${key} for a ${type} (accepted: ${[...allowed].join(", ")})`;
    }
  }
  const dispatcher = o.dispatcher ?? demandDispatcher();
  if (
    typeof dispatcher !== "object" ||
    dispatcher === null ||
    typeof (dispatcher as Dispatcher).create !== "function"
  ) {
    return `dispatcher must be a dispatcher (demandDispatcher(), broadcastDispatcher(), partitionDispatcher(…) or your own), got ${formatReason(dispatcher)}`;
  }
  const bufferSize = o.bufferSize ?? (type === "producer" ? 10_000 : Number.POSITIVE_INFINITY);
  if (
    typeof bufferSize !== "number" ||
    !(bufferSize === Number.POSITIVE_INFINITY || (Number.isInteger(bufferSize) && bufferSize >= 0))
  ) {
    return `bufferSize must be an integer >= 0 or Infinity, got ${formatReason(o.bufferSize)}`;
  }
  const bufferKeep = o.bufferKeep ?? "last";
  if (bufferKeep !== "first" && bufferKeep !== "last") {
    return `bufferKeep must be "first" or "last", got ${formatReason(o.bufferKeep)}`;
  }
  const demand = o.demand ?? "forward";
  if (demand !== "forward" && demand !== "accumulate") {
    return `demand must be "forward" or "accumulate", got ${formatReason(o.demand)}`;
  }
  const subscribeTo = o.subscribeTo ?? [];
  if (!Array.isArray(subscribeTo)) {
    return `subscribeTo must be a list of producers or subscription options, got ${formatReason(o.subscribeTo)}`;
  }
  return {
    dispatcher: dispatcher as Dispatcher,
    bufferSize,
    bufferKeep,
    forward: demand === "forward",
    subscribeTo,
  };
}
