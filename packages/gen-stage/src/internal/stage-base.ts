// The state every stage holds (its subscriptions both ways, its buffer, its callbacks) and
// what all sides share: calling the callbacks and applying their results, and termination.
// The producer side (producer-side.ts) and the consumer side (loop.ts) build on it.

import {
  type CallRequest,
  ExitError,
  type From,
  formatReason,
  isQuietReason,
  logReport,
  type Pid,
  type Ref,
  reply,
  self,
} from "@trellis/core";
import type { DispatcherInstance } from "../dispatcher.js";
import { ConsumerEventsError } from "../errors.js";
import type { CancelMode, Subscription } from "../types.js";
import { Buffer } from "./buffer.js";
import { BufferedCountRequest, DemandRequest, SubscribeRequest } from "./protocol.js";
import { isThenable, type LooseCallbacks, reasonOf, type Step } from "./step.js";

/** A producer subscribed to, as the consumer side keeps it. */
export interface ProducerEntry {
  readonly from: Subscription;
  readonly cancel: CancelMode;
  readonly manual: boolean;
  /** Events asked for and not received yet (automatic demand). */
  demand: number;
  readonly min: number;
  readonly max: number;
}

/** A subscribed consumer, as the producer side keeps it. */
export interface ConsumerEntry {
  readonly from: Subscription;
  readonly monitor: Ref;
}

export interface Batch {
  readonly events: unknown[];
  /** How many events to ask for once the batch is handled. */
  readonly ask: number;
}

/** What a producer-consumer holds until its consumers ask. */
export type PcItem =
  | { readonly kind: "events"; readonly events: unknown[]; readonly ref: Ref; readonly pid: Pid }
  | {
      readonly kind: "cancel";
      readonly mode: CancelMode;
      readonly cancel: "cancel" | "down";
      readonly reason: unknown;
      readonly from: Subscription;
    };

export type Kind = "demand" | "events" | "cancel" | "call" | "cast" | "info";

export abstract class StageBase {
  type: "producer" | "producer_consumer" | "consumer" = "consumer";
  state: unknown = undefined;
  protected readonly cb: LooseCallbacks;
  protected me: Pid | undefined = undefined;
  /** The last message handled (for crash reports). */
  protected last: unknown = undefined;

  // producer side
  protected readonly consumers: Map<Ref, ConsumerEntry> = new Map();
  protected readonly monitors: Map<Ref, Ref> = new Map();
  protected dispatcher: DispatcherInstance<unknown> | undefined = undefined;
  protected dispatcherName = "";
  protected buffer: Buffer<unknown> = new Buffer(0, "last");
  /** Forward demand to handleDemand at once, or accumulate it. */
  protected forward = true;
  protected accumulated: number[] = [];

  // consumer side
  protected readonly producers: Map<Ref, ProducerEntry> = new Map();

  // producer-consumer
  protected pcQueue: PcItem[] = [];
  protected pcDemand = 0;
  /** Set when a producer-consumer is to stop once its buffer and queue are empty. */
  protected draining: { readonly reason: unknown; readonly from: Subscription } | undefined =
    undefined;

  constructor(callbacks: LooseCallbacks) {
    this.cb = callbacks;
  }

  protected get pid(): Pid {
    if (this.me === undefined) this.me = self();
    return this.me;
  }

  // ----------------------------------------------------------------------------------
  // Callbacks and their results

  /** Calls a callback; a throw or rejection stops the stage with it. */
  protected invoke(f: () => unknown, k: (r: unknown) => Step): Step {
    let r: unknown;
    try {
      r = f();
    } catch (e) {
      return this.stopWith(reasonOf(e));
    }
    if (isThenable(r)) {
      return r.then(k, (e: unknown) => this.stopWith(reasonOf(e)));
    }
    return k(r);
  }

  /** Applies a `noreply`/`stop` result (and, for calls, `reply`/`stopReply`). */
  protected applyResult(kind: Kind, r: unknown, from?: From): Step {
    if (typeof r !== "object" || r === null) return this.stopWith({ bad_return_value: r });
    const res = r as {
      type?: unknown;
      events?: unknown;
      state?: unknown;
      reason?: unknown;
      reply?: unknown;
    };
    switch (res.type) {
      case "noreply":
      case "reply": {
        if (!Array.isArray(res.events) || !("state" in res)) {
          return this.stopWith({ bad_return_value: r });
        }
        if (res.type === "reply") {
          if (kind !== "call" || !("reply" in res)) return this.stopWith({ bad_return_value: r });
          reply(from as From, res.reply);
        }
        this.state = res.state;
        const events = res.events as unknown[];
        if (events.length > 0) {
          if (this.type === "consumer") {
            return this.stopWith(new ConsumerEventsError(this.pid, events));
          }
          this.dispatchEvents(events);
        }
        return undefined;
      }
      case "stop":
        if (!("reason" in res) || !("state" in res)) return this.stopWith({ bad_return_value: r });
        this.state = res.state;
        return this.stopWith(res.reason);
      case "stopReply":
        if (kind !== "call" || !("reason" in res) || !("state" in res) || !("reply" in res)) {
          return this.stopWith({ bad_return_value: r });
        }
        this.state = res.state;
        return this.stopWith(res.reason, () => reply(from as From, res.reply));
      default:
        return this.stopWith({ bad_return_value: r });
    }
  }

  protected info(msg: unknown): Step {
    const h = this.cb.handleInfo;
    if (h === undefined) {
      logReport({
        kind: "warning",
        message: `GenStage ${String(this.pid)} received an unexpected message in handleInfo: ${formatReason(msg)}`,
        behaviour: "GenStage",
        unexpectedMessage: msg,
      });
      return undefined;
    }
    return this.invoke(
      () => h.call(this.cb, msg, this.state),
      (r) => this.applyResult("info", r),
    );
  }

  protected onCast(request: unknown): Step {
    if (request instanceof SubscribeRequest) {
      const out = this.subscribeRequest(request);
      if (out.type === "async") {
        return out.promise.then((o) => (o.type === "stop" ? this.stopWith(o.reason) : undefined));
      }
      if (out.type === "stop") return this.stopWith(out.reason);
      if (out.type === "error") {
        logReport({
          kind: "error",
          message: `GenStage ${String(this.pid)} could not subscribe: ${formatReason(out.error)}`,
          behaviour: "GenStage",
          reason: out.error,
        });
      }
      return undefined;
    }
    if (request instanceof DemandRequest) return this.setDemand(request.mode);
    const h = this.cb.handleCast;
    if (h === undefined) {
      return this.stopWith(
        new Error(
          `attempted to cast GenStage ${String(this.pid)} but no handleCast callback was provided`,
        ),
      );
    }
    return this.invoke(
      () => h.call(this.cb, request, this.state),
      (r) => this.applyResult("cast", r),
    );
  }

  protected onCall(msg: CallRequest): Step {
    const request = msg.request;
    if (request instanceof SubscribeRequest) {
      const out = this.subscribeRequest(request);
      const settle = (o: SettledOutcome): Step => {
        if (o.type === "ok") reply(msg.from, { ok: o.ref });
        else if (o.type === "error") reply(msg.from, { error: o.error });
        else {
          // Elixir answers {:ok, ref} and then stops with the reason
          if (o.ref !== undefined) reply(msg.from, { ok: o.ref });
          return this.stopWith(o.reason);
        }
        return undefined;
      };
      return out.type === "async" ? out.promise.then(settle) : settle(out);
    }
    if (request instanceof DemandRequest) {
      if (request.mode === undefined) {
        reply(msg.from, this.forward ? "forward" : "accumulate");
        return undefined;
      }
      return this.setDemand(request.mode);
    }
    if (request instanceof BufferedCountRequest) {
      reply(msg.from, this.type === "consumer" ? 0 : this.buffer.size);
      return undefined;
    }
    const h = this.cb.handleCall;
    if (h === undefined) {
      return this.stopWith(
        new Error(
          `attempted to call GenStage ${String(this.pid)} but no handleCall callback was provided`,
        ),
      );
    }
    return this.invoke(
      () => h.call(this.cb, request, msg.from, this.state),
      (r) => this.applyResult("call", r, msg.from),
    );
  }

  // ----------------------------------------------------------------------------------
  // Termination

  protected formatted(status: { state: unknown; message?: unknown; reason?: unknown }): {
    state: unknown;
    message?: unknown;
    reason?: unknown;
  } {
    const f = this.cb.formatStatus;
    if (f === undefined) return status;
    try {
      const out = f.call(this.cb, status);
      return typeof out === "object" && out !== null ? (out as typeof status) : status;
    } catch (e) {
      return { ...status, state: `formatStatus threw: ${formatReason(e)}` };
    }
  }

  /** Runs terminate, then `after`, then exits with `reason` (or terminate's own crash). */
  stopWith(reason: unknown, after?: () => void): never | Promise<never> {
    const t = this.cb.terminate;
    if (t !== undefined) {
      let r: unknown;
      try {
        r = t.call(this.cb, reason, this.state);
      } catch (e) {
        after?.();
        return this.exit(reasonOf(e));
      }
      if (isThenable(r)) {
        return Promise.resolve(r).then(
          () => {
            after?.();
            return this.exit(reason);
          },
          (e: unknown) => {
            after?.();
            return this.exit(reasonOf(e));
          },
        );
      }
    }
    after?.();
    return this.exit(reason);
  }

  protected exit(reason: unknown): never {
    if (!isQuietReason(reason)) this.report(reason);
    throw new ExitError(reason);
  }

  protected report(reason: unknown): void {
    const status = this.formatted({ state: this.state, message: this.last, reason });
    logReport({
      kind: "error",
      message: `GenStage ${String(this.pid)} terminating: ${formatReason(status.reason ?? reason)}; last message: ${formatReason(status.message)}`,
      behaviour: "GenStage",
      reason: status.reason ?? reason,
      lastMessage: status.message,
      state: status.state,
    });
  }

  // implemented by the producer side (producer-side.ts)
  protected abstract dispatchEvents(events: unknown[]): void;
  protected abstract setDemand(mode: "forward" | "accumulate" | undefined): Step;
  // implemented by the consumer side (loop.ts)
  protected abstract subscribeRequest(request: SubscribeRequest): SubscribeOutcome;
  protected abstract takePcEvents(): Step;
  protected abstract reportPermanentCancel(from: Subscription, reason: unknown): void;
}

export type SettledOutcome =
  | { readonly type: "ok"; readonly ref: Ref | undefined }
  | { readonly type: "error"; readonly error: unknown }
  | { readonly type: "stop"; readonly reason: unknown; readonly ref: Ref | undefined };

export type SubscribeOutcome =
  | SettledOutcome
  | { readonly type: "async"; readonly promise: Promise<SettledOutcome> };
