// The GenStage loop: a SpecialProcess (core's toolkit) that runs the demand protocol between
// stages and calls the user's callbacks.
//
// Every step returns undefined (done, synchronously) or a promise (done when it settles).
// Stopping is a throw of an ExitError (or a promise rejected with one) after terminate has
// run, so that a chain of steps simply ends there.

import {
  type CallRequest,
  type DownMessage,
  demonitor,
  ExitError,
  type From,
  formatReason,
  isCallRequest,
  isCastRequest,
  isDown,
  isQuietReason,
  logReport,
  monitor,
  type Pid,
  type Ref,
  reply,
  type SpecialProcess,
  self,
  send,
  whereis,
} from "@trellis/core";
import type { DispatcherInstance } from "../dispatcher.js";
import { ConsumerEventsError, NotAProducerError } from "../errors.js";
import type { CancelMode, SubscribeOptions, Subscription } from "../types.js";
import { Buffer } from "./buffer.js";
import { type CheckedSubscription, checkInitOptions, checkSubscription } from "./options.js";
import {
  AskMsg,
  BufferedCountRequest,
  CancelDownMsg,
  CancelUpMsg,
  DemandRequest,
  EventsMsg,
  SubscribeMsg,
  SubscribeRequest,
} from "./protocol.js";

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

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

function then(step: Step, k: () => Step): Step {
  return step === undefined ? k() : step.then(k);
}

function reasonOf(e: unknown): unknown {
  if (e instanceof ExitError) return e.exitReason;
  if (e instanceof Error) return e;
  return { nocatch: e };
}

/** A producer subscribed to, as the consumer side keeps it. */
interface ProducerEntry {
  readonly from: Subscription;
  readonly cancel: CancelMode;
  readonly manual: boolean;
  /** Events asked for and not received yet (automatic demand). */
  demand: number;
  readonly min: number;
  readonly max: number;
}

/** A subscribed consumer, as the producer side keeps it. */
interface ConsumerEntry {
  readonly from: Subscription;
  readonly monitor: Ref;
}

interface Batch {
  readonly events: unknown[];
  /** How many events to ask for once the batch is handled. */
  readonly ask: number;
}

/** What a producer-consumer holds until its consumers ask. */
type PcItem =
  | { readonly kind: "events"; readonly events: unknown[]; readonly ref: Ref; readonly pid: Pid }
  | {
      readonly kind: "cancel";
      readonly mode: CancelMode;
      readonly cancel: "cancel" | "down";
      readonly reason: unknown;
      readonly from: Subscription;
    };

type Kind = "demand" | "events" | "cancel" | "call" | "cast" | "info";

export class StageLoop implements SpecialProcess {
  type: "producer" | "producer_consumer" | "consumer" = "consumer";
  state: unknown = undefined;
  private readonly cb: LooseCallbacks;
  private me: Pid | undefined = undefined;
  /** The last message handled (for crash reports). */
  private last: unknown = undefined;

  // producer side
  private readonly consumers = new Map<Ref, ConsumerEntry>();
  private readonly monitors = new Map<Ref, Ref>();
  private dispatcher: DispatcherInstance<unknown> | undefined = undefined;
  private dispatcherName = "";
  private buffer: Buffer<unknown> = new Buffer(0, "last");
  /** Forward demand to handleDemand at once, or accumulate it. */
  private forward = true;
  private accumulated: number[] = [];

  // consumer side
  private readonly producers = new Map<Ref, ProducerEntry>();

  // producer-consumer
  private pcQueue: PcItem[] = [];
  private pcDemand = 0;
  /** Set when a producer-consumer is to stop once its buffer and queue are empty. */
  private draining: { readonly reason: unknown; readonly from: Subscription } | undefined =
    undefined;

  constructor(callbacks: LooseCallbacks) {
    this.cb = callbacks;
  }

  private get pid(): Pid {
    if (this.me === undefined) this.me = self();
    return this.me;
  }

  // ----------------------------------------------------------------------------------
  // init

  init(arg: unknown): unknown {
    const r = this.cb.init(arg);
    if (isThenable(r)) return Promise.resolve(r).then((v) => this.initDone(v));
    return this.initDone(r);
  }

  private initDone(r: unknown): unknown {
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
  private async initRest(all: readonly unknown[], done: unknown): Promise<unknown> {
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
  // Callbacks and their results

  /** Calls a callback; a throw or rejection stops the stage with it. */
  private invoke(f: () => unknown, k: (r: unknown) => Step): Step {
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
  private applyResult(kind: Kind, r: unknown, from?: From): Step {
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

  private info(msg: unknown): Step {
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

  private onCast(request: unknown): Step {
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

  private onCall(msg: CallRequest): Step {
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
  // Producer side

  private onSubscribe(m: SubscribeMsg): Step {
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

  private onAsk(m: AskMsg): Step {
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
  private demandResult(counter: number): Step {
    if (this.type === "producer_consumer") {
      this.pcDemand += counter;
      this.takeFromBuffer(this.pcDemand);
      return then(this.takePcEvents(), () => this.stopIfDrained());
    }
    const rest = this.takeFromBuffer(counter);
    if (rest === 0) return undefined;
    if (!this.forward) {
      this.accumulated.push(rest);
      return undefined;
    }
    return this.handleDemand(rest);
  }

  private handleDemand(demand: number): Step {
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

  private setDemand(mode: "forward" | "accumulate" | undefined): Step {
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
      return then(this.handleDemand(pending[i] as number), () => next(i + 1));
    };
    return next(0);
  }

  /**
   * A draining producer-consumer stops once it has handed out everything it held, or when
   * no consumer is left to take it.
   */
  private stopIfDrained(): Step {
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
  private takeFromBuffer(counter: number): number {
    if (counter === 0 || this.buffer.size === 0) return counter;
    const events = this.buffer.take(counter);
    this.dispatchEvents(events);
    return counter - events.length;
  }

  private dispatchEvents(events: unknown[]): void {
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

  private bufferEvents(events: unknown[]): void {
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

  private producerCancel(ref: Ref, kind: "cancel" | "down", reason: unknown): Step {
    const entry = this.consumers.get(ref);
    if (entry === undefined) return undefined;
    this.consumers.delete(ref);
    this.monitors.delete(entry.monitor);
    demonitor(entry.monitor, { flush: true });
    send(entry.from.pid, new CancelDownMsg(this.pid, ref, reason));
    const afterwards = (): Step =>
      then(
        this.demandResult((this.dispatcher as DispatcherInstance<unknown>).cancel(entry.from)),
        () => this.stopIfDrained(),
      );
    const h = this.cb.handleCancel;
    if (h === undefined) return afterwards();
    return this.invoke(
      () => h.call(this.cb, { kind, reason }, entry.from, this.state),
      (r) => then(this.applyResult("cancel", r), afterwards),
    );
  }

  // ----------------------------------------------------------------------------------
  // Consumer side

  private subscribeRequest(request: SubscribeRequest): SubscribeOutcome {
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

  private consumerSubscribe(sub: CheckedSubscription): SubscribeOutcome {
    let pid: Pid | undefined;
    try {
      pid = whereis(sub.to);
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

  private onEvents(m: EventsMsg): Step {
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
  private receive(entry: ProducerEntry, events: unknown[]): Batch[] {
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

  private consumerDispatch(batches: Batch[], from: Subscription, i: number): Step {
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
            then(this.applyResult("events", v), () => {
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
  private takePcEvents(): Step {
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

  private consumerCancel(ref: Ref, kind: "cancel" | "down", reason: unknown): Step {
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

  private invokeCancel(
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
      (r) => then(this.applyResult("cancel", r), decide),
    );
  }

  /** The info report of a consumer that stops because its producer cancelled (Elixir's). */
  private reportPermanentCancel(from: Subscription, reason: unknown): void {
    logReport({
      kind: "info",
      message: `GenStage consumer ${String(this.pid)} is stopping after receiving cancel from producer ${String(from.pid)} with reason: ${formatReason(reason)}`,
      behaviour: "GenStage",
    });
  }

  private onDown(d: DownMessage): Step {
    if (this.producers.has(d.ref)) return this.consumerCancel(d.ref, "down", d.reason);
    const ref = this.monitors.get(d.ref);
    if (ref !== undefined) return this.producerCancel(ref, "down", d.reason);
    return this.info(d);
  }

  // ----------------------------------------------------------------------------------
  // Termination

  private formatted(status: { state: unknown; message?: unknown; reason?: unknown }): {
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

  private exit(reason: unknown): never {
    if (!isQuietReason(reason)) this.report(reason);
    throw new ExitError(reason);
  }

  private report(reason: unknown): void {
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
}

type SettledOutcome =
  | { readonly type: "ok"; readonly ref: Ref | undefined }
  | { readonly type: "error"; readonly error: unknown }
  | { readonly type: "stop"; readonly reason: unknown; readonly ref: Ref | undefined };

type SubscribeOutcome =
  | SettledOutcome
  | { readonly type: "async"; readonly promise: Promise<SettledOutcome> };
