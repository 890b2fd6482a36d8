// The producer side of a stage: subscriptions from consumers, their demand, the dispatcher
// and the buffer.

import { demonitor, formatReason, logReport, monitor, type Ref, send } from "@trellis/core";
import type { DispatcherInstance } from "../dispatcher.js";
import { NotAProducerError } from "../errors.js";
import type { SubscribeOptions, Subscription } from "../types.js";
import { type AskMsg, CancelDownMsg, type SubscribeMsg } from "./protocol.js";
import { StageBase } from "./stage-base.js";
import { andThen, type Step } from "./step.js";

export abstract class ProducerSide extends StageBase {
  // ----------------------------------------------------------------------------------
  // Producer side

  protected onSubscribe(m: SubscribeMsg): Step {
    if (this.type === "consumer") {
      send(
        m.consumer,
        new CancelDownMsg(this.pid, m.ref, new NotAProducerError(this.pid, "consumer")),
      );
      return undefined;
    }
    if (this.consumers.has(m.ref)) {
      logReport({
        kind: "error",
        message: `GenStage producer ${String(this.pid)} received duplicated subscription from ${String(m.consumer)}`,
        behaviour: "GenStage",
      });
      send(m.consumer, new CancelDownMsg(this.pid, m.ref, "duplicated_subscription"));
      return undefined;
    }
    const from: Subscription = { pid: m.consumer, ref: m.ref };
    const mon = monitor(m.consumer);
    this.monitors.set(mon, m.ref);
    this.consumers.set(m.ref, { from, monitor: mon });
    const options = m.options as SubscribeOptions;
    const h = this.cb.handleSubscribe;
    const subscribed = (r: unknown): Step => {
      const res = r as { type?: unknown; state?: unknown; reason?: unknown } | null;
      if (res?.type === "stop" && "state" in res && "reason" in res) {
        this.state = res.state;
        return this.stopWith(res.reason);
      }
      if (res?.type !== "automatic" || !("state" in res)) {
        return this.stopWith({ bad_return_value: r });
      }
      this.state = res.state;
      let counter: number;
      try {
        counter = (this.dispatcher as DispatcherInstance<unknown>).subscribe(options, from);
      } catch (e) {
        return this.producerCancel(m.ref, "cancel", e);
      }
      return this.demandResult(counter);
    };
    if (h === undefined) return subscribed({ type: "automatic", state: this.state });
    return this.invoke(() => h.call(this.cb, "consumer", options, from, this.state), subscribed);
  }

  protected onAsk(m: AskMsg): Step {
    if (this.type === "consumer") {
      logReport({
        kind: "error",
        message: `GenStage consumer ${String(this.pid)} received a demand message: ${formatReason(m.count)} from ${String(m.consumer)}`,
        behaviour: "GenStage",
      });
      return undefined;
    }
    const entry = this.consumers.get(m.ref);
    if (entry === undefined) {
      send(m.consumer, new CancelDownMsg(this.pid, m.ref, "unknown_subscription"));
      return undefined;
    }
    const count = m.count;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 0) {
      return this.producerCancel(
        m.ref,
        "cancel",
        new Error(`GenStage demand must be an integer >= 0, got ${formatReason(count)}`),
      );
    }
    return this.demandResult(
      (this.dispatcher as DispatcherInstance<unknown>).ask(count, entry.from),
    );
  }

  /** The dispatcher says `counter` more events are wanted. */
  protected demandResult(counter: number): Step {
    if (this.type === "producer_consumer") {
      this.pcDemand += counter;
      this.takeFromBuffer(this.pcDemand);
      return andThen(this.takePcEvents(), () => this.stopIfDrained());
    }
    const rest = this.takeFromBuffer(counter);
    if (rest === 0) return undefined;
    if (!this.forward) {
      this.accumulated.push(rest);
      return undefined;
    }
    return this.handleDemand(rest);
  }

  protected handleDemand(demand: number): Step {
    const h = this.cb.handleDemand;
    if (h === undefined) {
      return this.stopWith(
        new Error(
          `GenStage producer ${String(this.pid)} received demand but no handleDemand callback was provided`,
        ),
      );
    }
    return this.invoke(
      () => h.call(this.cb, demand, this.state),
      (r) => this.applyResult("demand", r),
    );
  }

  protected setDemand(mode: "forward" | "accumulate" | undefined): Step {
    if (mode === undefined) return undefined;
    if (this.type !== "producer") {
      if (this.type === "consumer" || mode === "accumulate") {
        logReport({
          kind: "error",
          message: `Demand mode can only be set for producers, GenStage ${String(this.pid)} is a ${this.type}`,
          behaviour: "GenStage",
        });
      }
      return undefined;
    }
    if (mode === "accumulate") {
      this.forward = false;
      return undefined;
    }
    this.forward = true;
    const pending = this.accumulated;
    this.accumulated = [];
    const next = (i: number): Step => {
      if (i >= pending.length) return undefined;
      return andThen(this.handleDemand(pending[i] as number), () => next(i + 1));
    };
    return next(0);
  }

  /**
   * A draining producer-consumer stops once it has handed out everything it held, or when
   * no consumer is left to take it.
   */
  protected stopIfDrained(): Step {
    const d = this.draining;
    if (d === undefined) return undefined;
    if (this.consumers.size > 0 && (this.buffer.size > 0 || this.pcQueue.length > 0)) {
      return undefined;
    }
    this.draining = undefined;
    this.reportPermanentCancel(d.from, d.reason);
    return this.stopWith(d.reason);
  }

  /** Dispatches up to `counter` buffered events; returns the demand left. */
  protected takeFromBuffer(counter: number): number {
    if (counter === 0 || this.buffer.size === 0) return counter;
    const events = this.buffer.take(counter);
    this.dispatchEvents(events);
    return counter - events.length;
  }

  protected dispatchEvents(events: unknown[]): void {
    const length = events.length;
    // A producer-consumer's demand is what its consumers want and it has not produced yet:
    // events emitted meet it whether they reach a consumer or the buffer. (Counting only the
    // dispatched ones, a consumer that leaves with demand would make it pull from upstream
    // into its buffer forever.)
    if (this.type === "producer_consumer") this.pcDemand = Math.max(0, this.pcDemand - length);
    if (this.consumers.size === 0) {
      this.bufferEvents(events);
      return;
    }
    const left = (this.dispatcher as DispatcherInstance<unknown>).dispatch(events, length);
    if (left.length > 0) this.bufferEvents(left);
  }

  protected bufferEvents(events: unknown[]): void {
    const excess = this.buffer.store(events);
    if (excess === 0) return;
    let log = true;
    const f = this.cb.formatDiscarded;
    if (f !== undefined) {
      try {
        log = f.call(this.cb, excess, this.state) !== false;
      } catch {
        log = true;
      }
    }
    if (log) {
      logReport({
        kind: "warning",
        message: `GenStage producer ${String(this.pid)} has discarded ${excess} events from buffer`,
        behaviour: "GenStage",
        discarded: excess,
      });
    }
  }

  protected producerCancel(ref: Ref, kind: "cancel" | "down", reason: unknown): Step {
    const entry = this.consumers.get(ref);
    if (entry === undefined) return undefined;
    this.consumers.delete(ref);
    this.monitors.delete(entry.monitor);
    demonitor(entry.monitor, { flush: true });
    send(entry.from.pid, new CancelDownMsg(this.pid, ref, reason));
    const afterwards = (): Step =>
      andThen(
        this.demandResult((this.dispatcher as DispatcherInstance<unknown>).cancel(entry.from)),
        () => this.stopIfDrained(),
      );
    const h = this.cb.handleCancel;
    if (h === undefined) return afterwards();
    return this.invoke(
      () => h.call(this.cb, { kind, reason }, entry.from, this.state),
      (r) => andThen(this.applyResult("cancel", r), afterwards),
    );
  }
}
