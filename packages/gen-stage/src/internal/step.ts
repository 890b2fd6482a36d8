// The loop's steps: a step returns undefined (done, synchronously) or a promise (done when it
// settles), and the callbacks as the loop sees them.

import { ExitError, type From } from "@trellis/core";
import type { SubscribeOptions, Subscription } from "../types.js";

/** The callbacks, as the loop sees them (the public types are in ../types.ts). */
export interface LooseCallbacks {
  init(arg: unknown): unknown;
  handleDemand?(demand: number, state: unknown): unknown;
  handleEvents?(events: unknown[], from: Subscription, state: unknown): unknown;
  handleSubscribe?(
    kind: "producer" | "consumer",
    options: SubscribeOptions,
    from: Subscription,
    state: unknown,
  ): unknown;
  handleCancel?(cancellation: unknown, from: Subscription, state: unknown): unknown;
  handleCall?(request: unknown, from: From, state: unknown): unknown;
  handleCast?(request: unknown, state: unknown): unknown;
  handleInfo?(message: unknown, state: unknown): unknown;
  terminate?(reason: unknown, state: unknown): unknown;
  formatStatus?(status: { state: unknown; message?: unknown; reason?: unknown }): unknown;
  formatDiscarded?(discarded: number, state: unknown): unknown;
}

export type Step = undefined | PromiseLike<void>;

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

export function andThen(step: Step, k: () => Step): Step {
  return step === undefined ? k() : step.then(k);
}

export function reasonOf(e: unknown): unknown {
  if (e instanceof ExitError) return e.exitReason;
  if (e instanceof Error) return e;
  return { nocatch: e };
}
