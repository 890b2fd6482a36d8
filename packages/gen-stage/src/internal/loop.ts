// The GenStage loop: a SpecialProcess (core's toolkit) that runs the demand protocol between
// stages and calls the user's callbacks.
//
// Every step returns undefined (done, synchronously) or a promise (done when it settles).
// Stopping is a throw of an ExitError (or a promise rejected with one) after terminate has
// run, so that a chain of steps simply ends there.
//
// The loop is built in layers: stage-base.ts (the state, callbacks and their results,
// termination), producer-side.ts (consumers, demand, dispatcher, buffer), and this file
// (init, the SpecialProcess entry points, and the consumer side: producers, events, cancels).

import {
  BadArgumentError,
  type DownMessage,
  demonitor,
  formatReason,
  isCallRequest,
  isCastRequest,
  isDown,
  isQuietReason,
  logReport,
  monitor,
  Pid,
  type Ref,
  type SpecialProcess,
  self,
  send,
  whereis,
} from "@trellis/core";
import { NotAProducerError } from "../errors.js";
import type { CancelMode, Subscription } from "../types.js";
import { Buffer } from "./buffer.js";
import { type CheckedSubscription, checkInitOptions, checkSubscription } from "./options.js";
import { ProducerSide } from "./producer-side.js";
import {
  AskMsg,
  CancelDownMsg,
  CancelUpMsg,
  EventsMsg,
  SubscribeMsg,
  type SubscribeRequest,
} from "./protocol.js";
import type {
  Batch,
  PcItem,
  ProducerEntry,
  SettledOutcome,
  SubscribeOutcome,
} from "./stage-base.js";
import { andThen, isThenable, reasonOf, type Step } from "./step.js";

export class StageLoop extends ProducerSide implements SpecialProcess {
  // ----------------------------------------------------------------------------------
  // init

  init(arg: unknown): unknown {
    const r = this.cb.init(arg);
    if (isThenable(r)) return Promise.resolve(r).then((v) => this.initDone(v));
    return this.initDone(r);
  }

  protected initDone(r: unknown): unknown {
    if (typeof r !== "object" || r === null)
      return { type: "stop", reason: { bad_return_value: r } };
    const res = r as { type?: unknown; state?: unknown; options?: unknown; reason?: unknown };
    switch (res.type) {
      case "ignore":
        return { type: "ignore" };
      case "stop":
        return "reason" in res
          ? { type: "stop", reason: res.reason }
          : { type: "stop", reason: { bad_return_value: r } };
      case "producer":
      case "producer_consumer":
      case "consumer":
        break;
      default:
        return { type: "stop", reason: { bad_return_value: r } };
    }
    const checked = checkInitOptions(res.type, res.options);
    if (typeof checked === "string") return { type: "stop", reason: { bad_opts: checked } };
    this.type = res.type;
    this.state = res.state;
    this.me = self();
    if (this.type !== "consumer") {
      this.dispatcherName = checked.dispatcher.name;
      this.dispatcher = checked.dispatcher.create({
        send: (to, events) => {
          send(to.pid, new EventsMsg(this.pid, to.ref, events));
        },
        askAgain: (to, count) => {
          send(this.pid, new AskMsg(to.pid, to.ref, count));
        },
      });
      this.buffer = new Buffer(checked.bufferSize, checked.bufferKeep);
      this.forward = checked.forward;
    }
    for (const entry of checked.subscribeTo) {
      let sub: CheckedSubscription;
      try {
        sub = checkSubscription("subscribeTo", entry);
      } catch (e) {
        return { type: "stop", reason: e };
      }
      const outcome = this.consumerSubscribe(sub);
      if (outcome.type === "stop") return { type: "stop", reason: outcome.reason };
      if (outcome.type === "async") {
        return outcome.promise.then((o) =>
          o.type === "stop"
            ? { type: "stop", reason: o.reason }
            : this.initRest(checked.subscribeTo, entry),
        );
      }
    }
    return { type: "ok", process: this };
  }

  /** Finishes the subscriptions of init after an async handleSubscribe. */
  protected async initRest(all: readonly unknown[], done: unknown): Promise<unknown> {
    for (const entry of all.slice(all.indexOf(done) + 1)) {
      let sub: CheckedSubscription;
      try {
        sub = checkSubscription("subscribeTo", entry);
      } catch (e) {
        return { type: "stop", reason: e };
      }
      let outcome = this.consumerSubscribe(sub);
      if (outcome.type === "async") outcome = await outcome.promise;
      if (outcome.type === "stop") return { type: "stop", reason: outcome.reason };
    }
    return { type: "ok", process: this };
  }

  // ----------------------------------------------------------------------------------
  // SpecialProcess

  handleMessage(msg: unknown): Step {
    this.last = msg;
    if (msg instanceof EventsMsg) return this.onEvents(msg);
    if (msg instanceof AskMsg) return this.onAsk(msg);
    if (isDown(msg)) return this.onDown(msg);
    if (msg instanceof SubscribeMsg) return this.onSubscribe(msg);
    if (msg instanceof CancelUpMsg) return this.producerCancel(msg.ref, "cancel", msg.reason);
    if (msg instanceof CancelDownMsg) return this.consumerCancel(msg.ref, "cancel", msg.reason);
    if (isCallRequest(msg)) return this.onCall(msg);
    if (isCastRequest(msg)) return this.onCast(msg.request);
    return this.info(msg);
  }

  getState(): unknown {
    return this.state;
  }

  replaceState(fn: (state: unknown) => unknown): unknown {
    this.state = fn(this.state);
    return this.state;
  }

  formatStatus(): unknown {
    const state = this.formatted({ state: this.state }).state;
    return {
      state,
      stage: this.type,
      ...(this.type === "consumer"
        ? {}
        : {
            dispatcher: this.dispatcherName,
            consumers: [...this.consumers.values()].map((c) => c.from.pid),
            bufferSize: this.buffer.size,
          }),
      ...(this.type === "producer"
        ? {}
        : { producers: [...this.producers.values()].map((p) => p.from.pid) }),
    };
  }

  handleStop(reason: unknown): void | PromiseLike<void> {
    this.last = { stop: reason };
    const t = this.cb.terminate;
    const done = (): void => {
      if (!isQuietReason(reason)) this.report(reason);
    };
    if (t === undefined) return done();
    const r = t.call(this.cb, reason, this.state);
    if (isThenable(r)) return Promise.resolve(r).then(done);
    return done();
  }

  handleParentExit(reason: unknown): Step {
    this.last = { EXIT: reason };
    return this.stopWith(reason);
  }

  // ----------------------------------------------------------------------------------
  // Consumer side

  protected subscribeRequest(request: SubscribeRequest): SubscribeOutcome {
    if (this.type === "producer") {
      return { type: "error", error: new NotAProducerError(this.pid, "producer") };
    }
    let sub: CheckedSubscription;
    try {
      sub = checkSubscription("GenStage.syncSubscribe", request.options);
    } catch (e) {
      return { type: "error", error: e };
    }
    return this.consumerSubscribe(sub);
  }

  protected consumerSubscribe(sub: CheckedSubscription): SubscribeOutcome {
    let pid: Pid | undefined;
    try {
      const found = whereis(sub.to);
      if (found !== undefined && !(found instanceof Pid)) {
        // a { name, node } on another node: a subscription needs the producer's pid
        throw new BadArgumentError(
          `GenStage: cannot subscribe to ${formatReason(sub.to)}: give a pid or a local name`,
        );
      }
      pid = found;
    } catch (e) {
      return { type: "error", error: e };
    }
    if (pid === undefined) {
      if (sub.cancel === "temporary") return { type: "ok", ref: undefined };
      logReport({
        kind: "error",
        message: `GenStage consumer ${String(this.pid)} was not able to subscribe to the process ${formatReason(sub.to)} because that process is not alive`,
        behaviour: "GenStage",
      });
      return { type: "stop", reason: "noproc", ref: undefined };
    }
    const ref = monitor(pid);
    send(pid, new SubscribeMsg(this.pid, ref, sub.options));
    const from: Subscription = { pid, ref };
    const subscribed = (r: unknown): SettledOutcome => {
      const res = r as { type?: unknown; state?: unknown; reason?: unknown } | null;
      if (res?.type === "stop" && "state" in res && "reason" in res) {
        this.state = res.state;
        return { type: "stop", reason: res.reason, ref };
      }
      if ((res?.type !== "automatic" && res?.type !== "manual") || !("state" in res)) {
        return { type: "stop", reason: { bad_return_value: r }, ref };
      }
      this.state = res.state;
      const manual = res.type === "manual";
      this.producers.set(ref, {
        from,
        cancel: sub.cancel,
        manual,
        demand: manual ? 0 : sub.max,
        min: sub.min,
        max: sub.max,
      });
      if (!manual) send(pid, new AskMsg(this.pid, ref, sub.max));
      return { type: "ok", ref };
    };
    const h = this.cb.handleSubscribe;
    if (h === undefined) return subscribed({ type: "automatic", state: this.state });
    let r: unknown;
    try {
      r = h.call(this.cb, "producer", sub.options, from, this.state);
    } catch (e) {
      return { type: "stop", reason: reasonOf(e), ref };
    }
    if (isThenable(r)) {
      return {
        type: "async",
        promise: Promise.resolve(r).then(subscribed, (e: unknown) => ({
          type: "stop" as const,
          reason: reasonOf(e),
          ref,
        })),
      };
    }
    return subscribed(r);
  }

  protected onEvents(m: EventsMsg): Step {
    if (this.type === "producer") {
      logReport({
        kind: "error",
        message: `GenStage producer ${String(this.pid)} received events from ${String(m.producer)}`,
        behaviour: "GenStage",
      });
      return undefined;
    }
    const entry = this.producers.get(m.ref);
    if (entry === undefined) {
      send(m.producer, new CancelUpMsg(this.pid, m.ref, "unknown_subscription"));
      return undefined;
    }
    if (this.type === "producer_consumer") {
      this.pcQueue.push({ kind: "events", events: m.events, ref: m.ref, pid: m.producer });
      return this.takePcEvents();
    }
    return this.consumerDispatch(this.receive(entry, m.events), entry.from, 0);
  }

  /** Splits events into batches of at most maxDemand - minDemand, with the asks to make. */
  protected receive(entry: ProducerEntry, events: unknown[]): Batch[] {
    if (entry.manual) return [{ events, ask: 0 }];
    const { min, max } = entry;
    const size = max - min;
    let oldDemand = entry.demand;
    let newDemand = entry.demand;
    const batches: Batch[] = [];
    for (let i = 0; i < events.length; i += size) {
      const batch = i === 0 && events.length <= size ? events : events.slice(i, i + size);
      let n = batch.length;
      if (oldDemand - n < 0) {
        logReport({
          kind: "error",
          message: `GenStage consumer ${String(this.pid)} has received ${n - oldDemand} events in excess from ${String(entry.from.pid)}`,
          behaviour: "GenStage",
        });
        n = oldDemand;
        oldDemand = 0;
      } else {
        oldDemand -= n;
      }
      const diff = newDemand - n;
      if (diff <= min) {
        newDemand = max;
        batches.push({ events: batch, ask: max - diff });
      } else {
        newDemand = diff;
        batches.push({ events: batch, ask: 0 });
      }
    }
    entry.demand = newDemand;
    return batches;
  }

  protected consumerDispatch(batches: Batch[], from: Subscription, i: number): Step {
    const h = this.cb.handleEvents;
    if (h === undefined) {
      return this.stopWith(
        new Error(
          `GenStage ${String(this.pid)} received events but no handleEvents callback was provided`,
        ),
      );
    }
    for (; i < batches.length; i++) {
      const batch = batches[i] as Batch;
      let r: unknown;
      try {
        r = h.call(this.cb, batch.events, from, this.state);
      } catch (e) {
        return this.stopWith(reasonOf(e));
      }
      if (isThenable(r)) {
        const next = i + 1;
        return r.then(
          (v) =>
            andThen(this.applyResult("events", v), () => {
              if (batch.ask > 0) send(from.pid, new AskMsg(this.pid, from.ref, batch.ask));
              return this.consumerDispatch(batches, from, next);
            }),
          (e: unknown) => this.stopWith(reasonOf(e)),
        );
      }
      const step = this.applyResult("events", r);
      if (step !== undefined) {
        const next = i + 1;
        return step.then(() => {
          if (batch.ask > 0) send(from.pid, new AskMsg(this.pid, from.ref, batch.ask));
          return this.consumerDispatch(batches, from, next);
        });
      }
      if (batch.ask > 0) send(from.pid, new AskMsg(this.pid, from.ref, batch.ask));
    }
    return undefined;
  }

  /** A producer-consumer handles queued events while its consumers want more. */
  protected takePcEvents(): Step {
    while (this.pcDemand > 0 && this.pcQueue.length > 0) {
      const item = this.pcQueue.shift() as PcItem;
      let step: Step;
      if (item.kind === "cancel") {
        step = this.invokeCancel(item.mode, item.cancel, item.reason, item.from);
      } else {
        const entry = this.producers.get(item.ref);
        step =
          entry === undefined
            ? this.consumerDispatch(
                [{ events: item.events, ask: 0 }],
                { pid: item.pid, ref: item.ref },
                0,
              )
            : this.consumerDispatch(this.receive(entry, item.events), entry.from, 0);
      }
      if (step !== undefined) return step.then(() => this.takePcEvents());
    }
    return undefined;
  }

  protected consumerCancel(ref: Ref, kind: "cancel" | "down", reason: unknown): Step {
    const entry = this.producers.get(ref);
    if (entry === undefined) return undefined;
    this.producers.delete(ref);
    demonitor(ref, { flush: true });
    if (this.type === "producer_consumer" && this.pcQueue.length > 0) {
      this.pcQueue.push({
        kind: "cancel",
        mode: entry.cancel,
        cancel: kind,
        reason,
        from: entry.from,
      });
      return undefined;
    }
    return this.invokeCancel(entry.cancel, kind, reason, entry.from);
  }

  protected invokeCancel(
    mode: CancelMode,
    kind: "cancel" | "down",
    reason: unknown,
    from: Subscription,
  ): Step {
    const decide = (): Step => {
      if (mode === "temporary" || (mode === "transient" && isQuietReason(reason))) return undefined;
      if (reason === "already_subscribed") return undefined;
      if (
        this.type === "producer_consumer" &&
        isQuietReason(reason) &&
        this.consumers.size > 0 &&
        (this.buffer.size > 0 || this.pcQueue.length > 0)
      ) {
        // Its producer finished normally: hand what it still holds to its consumers first
        // (the report comes when it stops, in stopIfDrained).
        this.draining = { reason, from };
        return undefined;
      }
      this.reportPermanentCancel(from, reason);
      return this.stopWith(reason);
    };
    const h = this.cb.handleCancel;
    if (h === undefined) return decide();
    return this.invoke(
      () => h.call(this.cb, { kind, reason }, from, this.state),
      (r) => andThen(this.applyResult("cancel", r), decide),
    );
  }

  /** The info report of a consumer that stops because its producer cancelled (Elixir's). */
  protected reportPermanentCancel(from: Subscription, reason: unknown): void {
    logReport({
      kind: "info",
      message: `GenStage consumer ${String(this.pid)} is stopping after receiving cancel from producer ${String(from.pid)} with reason: ${formatReason(reason)}`,
      behaviour: "GenStage",
    });
  }

  protected onDown(d: DownMessage): Step {
    if (this.producers.has(d.ref)) return this.consumerCancel(d.ref, "down", d.reason);
    const ref = this.monitors.get(d.ref);
    if (ref !== undefined) return this.producerCancel(ref, "down", d.reason);
    return this.info(d);
  }
}
