// The GenStateMachine engine: a SpecialProcess (from @trellis/core's toolkit) that turns
// each mailbox message into an event, calls the user's handler, and carries out the
// transition exactly as gen_statem does: actions, state enter calls, postponed events,
// inserted events, and event / state / generic timeouts.
//
// One mailbox message is handled by one handleMessage call, which then also handles every
// event the transition queued (inserted events, postponed events being retried) and every
// zero-time timeout, before returning to the mailbox. Synchronous handlers run without a
// Promise; a handler that returns a promise makes handleMessage return one, and the
// toolkit holds the next message back until it settles. A stop or crash ends in an
// ExitError with the exit reason, after `terminate` has run.
//
// The transition being built lives in fields (tNext, tTimeouts, tPostpone, pState, pData):
// a process handles one event at a time, so they are reused instead of allocated.

import {
  BadArgumentError,
  CallRequest,
  CastRequest,
  cancelTimer,
  reply as coreReply,
  currentRuntime,
  ExitError,
  equals,
  From,
  formatReason,
  isQuietReason,
  isTerm,
  logReport,
  type Pid,
  type Ref,
  type SpecialProcess,
  self,
  sendAfter,
  type TelemetryHub,
  type Term,
  TermMap,
  yieldProcess,
} from "@trellis/core";
import { EventQueue } from "./queue.js";

/** Queued events handled in a row before the machine yields to the scheduler. */
const CHAIN = 100;

type Step = undefined | PromiseLike<void>;

export type Kind = "eventTimeout" | "stateTimeout" | "genericTimeout";

/** An event as handlers see it. One class, so that every event has the same shape. */
export class Ev {
  readonly type: string;
  readonly content: unknown;
  readonly from: From | undefined;
  readonly name: Term | undefined;
  readonly oldState: unknown;
  constructor(type: string, content: unknown, from?: From, name?: Term, oldState?: unknown) {
    this.type = type;
    this.content = content;
    this.from = from;
    this.name = name;
    this.oldState = oldState;
  }
}

/** A running timeout; also the message its timer delivers to the machine itself. */
class Slot {
  /** Brands instances: a private brand check runs no code of a hostile message (no Proxy trap). */
  readonly #own = true;

  /** Whether `v` was made by this class: a few nanoseconds, where core's `isInstanceOf` takes ~60–100. */
  static is(v: unknown): v is Slot {
    return typeof v === "object" && v !== null && #own in v;
  }
  readonly kind: Kind;
  readonly name: Term | undefined;
  content: unknown;
  /** The timer, or undefined for a zero-time timeout waiting in the zero queue. */
  ref: Ref | undefined = undefined;
  constructor(kind: Kind, name: Term | undefined, content: unknown) {
    this.kind = kind;
    this.name = name;
    this.content = content;
  }
}

/** A timeout action, checked and normalised. */
interface TimeoutEntry {
  kind: Kind;
  name: Term | undefined;
  /** ms, or -1 to cancel, or -2 to update. */
  time: number;
  content: unknown;
  abs: boolean;
}

const CANCEL = -1;
const UPDATE = -2;

type Handler = (...args: unknown[]) => unknown;

/** A definition, checked and normalised by `define`. */
export interface Spec {
  readonly init: (arg: unknown) => unknown;
  /** stateFunctions mode: the handlers by state. */
  readonly states: Map<string, Handler> | undefined;
  /** `this` for the state functions. */
  readonly statesThis: unknown;
  /** handleEvent mode: the handler. */
  readonly handleEvent: Handler | undefined;
  readonly callbacks: unknown;
  readonly enter: boolean;
  readonly terminate: Handler | undefined;
  readonly formatStatus: Handler | undefined;
  /** Declared transitions: whether `from -> to` is one. Undefined: no declaration. */
  readonly allows: ((from: unknown, to: unknown) => boolean) | undefined;
}

/**
 * Marks a From as answered. A symbol property on the From itself rather than a WeakSet:
 * one property store per call, where a WeakSet costs a hash insertion and GC work.
 */
const REPLIED: unique symbol = Symbol("GenStateMachine.replied");

/** Answers a call once; a second answer to the same caller is a bug in the machine. */
export function replyOnce(from: From, value: unknown): void {
  const marked = from as From & { [REPLIED]?: true };
  if (marked[REPLIED] === true) {
    throw new BadArgumentError(
      `GenStateMachine: the call from ${String(from.pid ?? "outside any process")} was already answered; the second reply ${formatReason(value)} is a bug (answer each call once)`,
    );
  }
  marked[REPLIED] = true;
  coreReply(from, value);
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

/** The exit reason for a value thrown out of a callback, as core computes it for processes. */
export function reasonOf(e: unknown): unknown {
  if (e instanceof ExitError) return e.exitReason;
  if (e instanceof Error) return e;
  return { nocatch: e };
}

const RESULT_TYPES = new Set([
  "nextState",
  "keepState",
  "keepStateAndData",
  "repeatState",
  "repeatStateAndData",
  "stop",
  "stopAndReply",
]);

/** A thrown result counts as a return (Erlang's `throw` from a state callback). */
function isThrownResult(e: unknown): boolean {
  return (
    typeof e === "object" &&
    e !== null &&
    !(e instanceof Error) &&
    RESULT_TYPES.has((e as { type?: unknown }).type as string)
  );
}

const NO_HANDLER: unique symbol = Symbol("no handler");

const MODE_STATE = 0;
const MODE_ENTER = 1;
const MODE_INIT = 2;
type Mode = typeof MODE_STATE | typeof MODE_ENTER | typeof MODE_INIT;

interface ResultFields {
  type?: unknown;
  state?: unknown;
  data?: unknown;
  actions?: unknown;
  reason?: unknown;
  replies?: unknown;
}

/** Whether `t` is a valid timeout time; returns the normalised time or undefined. */
function timeOf(t: unknown, abs: boolean): number | undefined {
  if (t === "cancel") return CANCEL;
  if (t === "update") return UPDATE;
  if (typeof t !== "number" || Number.isNaN(t)) return undefined;
  if (abs) return Number.isFinite(t) ? t : undefined;
  if (t < 0) return undefined;
  return t === Number.POSITIVE_INFINITY ? CANCEL : t;
}

export class Machine implements SpecialProcess {
  private readonly spec: Spec;
  private pid: Pid | undefined = undefined;
  state: unknown = undefined;
  data: unknown = undefined;

  /** Inserted events and retried postponed events, before the mailbox. */
  private readonly queue = new EventQueue<Ev>();
  /** Postponed events, oldest first. */
  private postponed: Ev[] = [];
  /** Zero-time timeouts, in the order they were set: handled before the mailbox. */
  private readonly zeroQ: Slot[] = [];
  private eventTimer: Slot | undefined = undefined;
  private stateTimer: Slot | undefined = undefined;
  private generic: TermMap<Term, Slot> | undefined = undefined;

  /** The event being handled (for crash reports). */
  private last: Ev | undefined = undefined;

  // The transition being built.
  private pState: unknown = undefined;
  private pData: unknown = undefined;
  private tChanged = false;
  private tPostpone = false;
  private readonly tNext: Ev[] = [];
  private readonly tTimeouts: TimeoutEntry[] = [];

  private readonly drainFn = (): Step => this.drain();
  /** The runtime's telemetry (set in init, which runs in the machine's process). */
  private tel: TelemetryHub | undefined = undefined;

  constructor(spec: Spec) {
    this.spec = spec;
  }

  // ----------------------------------------------------------------------------------
  // init

  /** Runs the user's init; returns what the toolkit's init returns (or a promise of it). */
  init(arg: unknown): unknown {
    this.pid = self();
    this.tel = currentRuntime().telemetry;
    const r = this.spec.init(arg);
    if (isThenable(r)) return Promise.resolve(r).then((v) => this.initDone(v));
    return this.initDone(r);
  }

  private initDone(r: unknown): unknown {
    const bad = { type: "stop", reason: { bad_return_from_init: r } };
    if (typeof r !== "object" || r === null) return bad;
    const res = r as ResultFields;
    switch (res.type) {
      case "ok": {
        if (!("state" in res) || !("data" in res)) return bad;
        this.state = res.state;
        this.data = res.data;
        if (res.actions === undefined && !this.spec.enter) return { type: "ok", process: this };
        const actions = res.actions;
        return { type: "ok", process: this, continue: () => this.begin(actions) };
      }
      case "ignore":
        return { type: "ignore" };
      case "stop":
        if ("data" in res) return bad;
        return { type: "stop", reason: "reason" in res ? res.reason : "normal" };
      case "error":
        return { type: "error", reason: res.reason };
      default:
        return bad;
    }
  }

  /** After the start was acknowledged: init's actions, and the first enter call. */
  private begin(actions: unknown): Step {
    this.startTransition();
    let bad: unknown;
    try {
      bad = this.actions(actions, MODE_INIT);
    } catch (e) {
      return this.crash(e);
    }
    if (bad !== undefined) return this.terminate(bad);
    const s = this.spec.enter ? this.enterCall(undefined) : this.commit(undefined);
    if (s !== undefined) return s.then(this.drainFn);
    return this.drain();
  }

  // ----------------------------------------------------------------------------------
  // SpecialProcess

  handleMessage(msg: unknown): Step {
    let ev: Ev;
    if (msg instanceof CallRequest) {
      ev = new Ev("call", msg.request, msg.from);
    } else if (msg instanceof CastRequest) {
      ev = new Ev("cast", msg.request);
    } else if (Slot.is(msg)) {
      if (!this.claim(msg)) return undefined; // a timer cancelled after it fired
      ev = new Ev(msg.kind, msg.content, undefined, msg.name);
    } else {
      ev = new Ev("info", msg);
    }
    const s = this.event(ev);
    if (s !== undefined) return s.then(this.drainFn);
    return this.drain();
  }

  getState(): unknown {
    return { state: this.state, data: this.data };
  }

  replaceState(fn: (state: unknown) => unknown): unknown {
    const r = fn({ state: this.state, data: this.data });
    if (typeof r !== "object" || r === null || !("state" in r) || !("data" in r)) {
      throw new BadArgumentError(
        `GenStateMachine: the replaceState function must return { state, data }, got ${formatReason(r)}`,
      );
    }
    this.state = r.state;
    this.data = r.data;
    return { state: this.state, data: this.data };
  }

  formatStatus(): unknown {
    return this.status(undefined);
  }

  handleParentExit(reason: unknown): Step {
    this.last = undefined;
    return this.terminate(reason);
  }

  // ----------------------------------------------------------------------------------
  // The event loop

  /** Handles the queued events and zero-time timeouts, until only the mailbox is left. */
  private drain(): Step {
    for (let n = 0; ; n++) {
      // A long run of inserted events (or an endless one) lets other processes, timers
      // and I/O run between batches; the mailbox still waits until the queue is empty.
      if (n === CHAIN) return yieldProcess().then(this.drainFn);
      let ev = this.queue.shift();
      if (ev === undefined) {
        const slot = this.zeroQ.shift();
        if (slot === undefined) return undefined;
        this.unregister(slot);
        ev = new Ev(slot.kind, slot.content, undefined, slot.name);
      }
      const s = this.event(ev);
      if (s !== undefined) return s.then(this.drainFn);
    }
  }

  /** Calls the handler for one event and carries out the transition. */
  private event(ev: Ev): Step {
    this.last = ev;
    this.startTransition();
    let r: unknown;
    try {
      r = this.invoke(ev, this.state, this.data);
    } catch (e) {
      if (!isThrownResult(e)) return this.crash(e);
      r = e;
    }
    if (isThenable(r)) {
      return r.then(
        (v) => this.outcome(ev, ev, v, MODE_STATE),
        (e: unknown) => (isThrownResult(e) ? this.outcome(ev, ev, e, MODE_STATE) : this.crash(e)),
      );
    }
    return this.outcome(ev, ev, r, MODE_STATE);
  }

  private startTransition(): void {
    this.pState = this.state;
    this.pData = this.data;
    this.tChanged = false;
    this.tPostpone = false;
    this.tNext.length = 0;
    this.tTimeouts.length = 0;
  }

  private invoke(ev: Ev, state: unknown, data: unknown): unknown {
    const states = this.spec.states;
    if (states !== undefined) {
      const h = typeof state === "string" ? states.get(state) : undefined;
      if (h === undefined) return NO_HANDLER;
      return h.call(this.spec.statesThis, ev, data);
    }
    return (this.spec.handleEvent as Handler).call(this.spec.callbacks, ev, state, data);
  }

  private same(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (this.spec.states !== undefined) return false;
    return equals(a as Term, b as Term);
  }

  /**
   * Interprets what a handler returned for `called` (the event, or an enter call made while
   * handling `ev`). pState/pData hold the state and data the handler ran with.
   */
  private outcome(ev: Ev, called: Ev, r: unknown, mode: Mode): Step {
    if (r === undefined || r === NO_HANDLER) {
      return this.terminate({
        function_clause: {
          state: this.pState,
          event: called,
          ...(r === NO_HANDLER ? { reason: "no state function for this state" } : {}),
        },
      });
    }
    if (typeof r !== "object" || r === null) {
      return this.terminate({ bad_return_from_state_function: r });
    }
    const res = r as ResultFields;
    let callEnter: boolean;
    switch (res.type) {
      case "nextState": {
        if (!("state" in res) || !("data" in res)) {
          return this.terminate({ bad_return_from_state_function: r });
        }
        let same: boolean;
        try {
          same = this.same(res.state, this.pState);
        } catch (e) {
          return this.crash(e);
        }
        if (!same) {
          if (mode === MODE_ENTER) {
            return this.terminate({ bad_state_enter_return_from_state_function: r });
          }
          const allows = this.spec.allows;
          if (allows !== undefined && !allows(this.state, res.state)) {
            return this.terminate({ undeclared_transition: { from: this.state, to: res.state } });
          }
          this.tChanged = true;
          this.pState = res.state;
        }
        this.pData = res.data;
        callEnter = !same;
        break;
      }
      case "keepState":
        if (!("data" in res)) return this.terminate({ bad_return_from_state_function: r });
        this.pData = res.data;
        callEnter = false;
        break;
      case "keepStateAndData":
        callEnter = false;
        break;
      case "repeatState":
        if (!("data" in res)) return this.terminate({ bad_return_from_state_function: r });
        this.pData = res.data;
        callEnter = true;
        break;
      case "repeatStateAndData":
        callEnter = true;
        break;
      case "stop":
        this.state = this.pState;
        this.data = "data" in res ? res.data : this.pData;
        return this.terminate("reason" in res ? res.reason : "normal");
      case "stopAndReply": {
        this.state = this.pState;
        this.data = "data" in res ? res.data : this.pData;
        const replies = res.replies;
        const list = Array.isArray(replies) ? replies : [replies];
        for (const a of list) {
          const ra = a as { type?: unknown; from?: unknown; value?: unknown } | null;
          if (
            typeof ra !== "object" ||
            ra === null ||
            ra.type !== "reply" ||
            !(ra.from instanceof From)
          ) {
            return this.terminate({ bad_reply_action_from_state_function: a });
          }
          try {
            replyOnce(ra.from, ra.value);
          } catch (e) {
            return this.crash(e);
          }
        }
        return this.terminate(res.reason);
      }
      default:
        return this.terminate({ bad_return_from_state_function: r });
    }
    if (res.actions !== undefined) {
      let bad: unknown;
      try {
        bad = this.actions(res.actions, mode);
      } catch (e) {
        return this.crash(e);
      }
      if (bad !== undefined) return this.terminate(bad);
    }
    if (callEnter && this.spec.enter) return this.enterCall(ev);
    return this.commit(ev);
  }

  /** The state enter call for pState (OldState: the state the machine is leaving). */
  private enterCall(ev: Ev | undefined): Step {
    const called = new Ev("enter", undefined, undefined, undefined, this.state);
    let r: unknown;
    try {
      r = this.invoke(called, this.pState, this.pData);
    } catch (e) {
      if (!isThrownResult(e)) return this.crash(e);
      r = e;
    }
    if (isThenable(r)) {
      return r.then(
        (v) => this.outcome(ev as Ev, called, v, MODE_ENTER),
        (e: unknown) =>
          isThrownResult(e) ? this.outcome(ev as Ev, called, e, MODE_ENTER) : this.crash(e),
      );
    }
    return this.outcome(ev as Ev, called, r, MODE_ENTER);
  }

  /**
   * Checks and records the actions of a result; replies are sent at once. Returns the exit
   * reason for a bad action, or undefined.
   */
  private actions(actions: unknown, mode: Mode): unknown {
    if (actions === undefined) return undefined;
    if (Array.isArray(actions)) {
      for (let i = 0; i < actions.length; i++) {
        const bad = this.action(actions[i], mode);
        if (bad !== undefined) return bad;
      }
      return undefined;
    }
    return this.action(actions, mode);
  }

  private action(a: unknown, mode: Mode): unknown {
    if (typeof a === "number") {
      const time = timeOf(a, false);
      if (time === undefined || time === UPDATE) return { bad_action_from_state_function: a };
      this.tTimeouts.push({ kind: "eventTimeout", name: undefined, time, content: a, abs: false });
      return undefined;
    }
    if (typeof a !== "object" || a === null) return { bad_action_from_state_function: a };
    const act = a as {
      type?: unknown;
      from?: unknown;
      value?: unknown;
      event?: unknown;
      time?: unknown;
      content?: unknown;
      abs?: unknown;
      name?: unknown;
    };
    switch (act.type) {
      case "reply":
        if (!(act.from instanceof From)) return { bad_action_from_state_function: a };
        replyOnce(act.from, act.value);
        return undefined;
      case "postpone":
        if (mode === MODE_ENTER) return { bad_state_enter_action_from_state_function: a };
        if (mode === MODE_STATE) this.tPostpone = true;
        return undefined;
      case "nextEvent": {
        if (mode === MODE_ENTER) return { bad_state_enter_action_from_state_function: a };
        const ev = this.insertable(act.event);
        if (ev === undefined) return { bad_action_from_state_function: a };
        this.tNext.push(ev);
        return undefined;
      }
      case "hibernate":
        return undefined;
      case "eventTimeout":
      case "stateTimeout":
      case "genericTimeout": {
        if (act.abs !== undefined && typeof act.abs !== "boolean") {
          return { bad_action_from_state_function: a };
        }
        const abs = act.abs === true;
        const time = timeOf(act.time, abs);
        if (time === undefined) return { bad_action_from_state_function: a };
        let name: Term | undefined;
        if (act.type === "genericTimeout") {
          if (!("name" in act) || !isTerm(act.name)) return { bad_action_from_state_function: a };
          name = act.name;
        }
        this.tTimeouts.push({ kind: act.type, name, time, content: act.content, abs });
        return undefined;
      }
      default:
        return { bad_action_from_state_function: a };
    }
  }

  /** The event a nextEvent action inserts, or undefined if it is not a valid one. */
  private insertable(e: unknown): Ev | undefined {
    if (typeof e !== "object" || e === null) return undefined;
    const ev = e as { type?: unknown; content?: unknown; from?: unknown; name?: unknown };
    switch (ev.type) {
      case "call":
        return ev.from instanceof From ? new Ev("call", ev.content, ev.from) : undefined;
      case "cast":
      case "info":
      case "internal":
      case "eventTimeout":
      case "stateTimeout":
        return new Ev(ev.type, ev.content);
      case "genericTimeout":
        return "name" in ev && isTerm(ev.name)
          ? new Ev("genericTimeout", ev.content, undefined, ev.name)
          : undefined;
      default:
        return undefined;
    }
  }

  /** The transition is complete: apply it. */
  private commit(ev: Ev | undefined): Step {
    if (this.tPostpone && ev !== undefined) this.postponed.push(ev);
    if (this.tChanged) {
      const st = this.stateTimer;
      if (st !== undefined) {
        this.stateTimer = undefined;
        this.cancelSlot(st);
      }
      if (this.postponed.length > 0) {
        this.queue.unshiftAll(this.postponed);
        this.postponed.length = 0;
      }
    }
    const et = this.eventTimer;
    if (et !== undefined) {
      this.eventTimer = undefined;
      this.cancelSlot(et);
    }
    if (this.tChanged && this.tel?.enabled === true) this.emitTransition(ev);
    this.state = this.pState;
    this.data = this.pData;
    if (this.tTimeouts.length > 0) this.applyTimeouts();
    if (this.tNext.length > 0) {
      this.queue.unshiftAll(this.tNext);
      this.tNext.length = 0;
    }
    return undefined;
  }

  private emitTransition(ev: Ev | undefined): void {
    (this.tel as TelemetryHub).execute(
      ["trellis", "stateMachine", "transition"],
      { monotonicTime: currentRuntime().now() },
      {
        pid: this.pid,
        from: this.state,
        to: this.pState,
        event: ev === undefined ? undefined : { type: ev.type, content: ev.content },
      },
    );
  }

  // ----------------------------------------------------------------------------------
  // Timeouts

  private applyTimeouts(): void {
    const all = this.tTimeouts;
    // The last action of each kind (and generic name) wins; apply the winners in order.
    let winners: TimeoutEntry[];
    if (all.length === 1) {
      winners = all;
    } else {
      winners = [];
      for (let i = all.length - 1; i >= 0; i--) {
        const t = all[i] as TimeoutEntry;
        let seen = false;
        for (const w of winners) {
          if (w.kind === t.kind && (t.kind !== "genericTimeout" || equals(w.name, t.name))) {
            seen = true;
            break;
          }
        }
        if (!seen) winners.push(t);
      }
      winners.reverse();
    }
    for (const t of winners) this.applyTimeout(t);
    all.length = 0;
  }

  private current(kind: Kind, name: Term | undefined): Slot | undefined {
    if (kind === "eventTimeout") return this.eventTimer;
    if (kind === "stateTimeout") return this.stateTimer;
    return this.generic?.get(name);
  }

  private register(slot: Slot): void {
    if (slot.kind === "eventTimeout") this.eventTimer = slot;
    else if (slot.kind === "stateTimeout") this.stateTimer = slot;
    else (this.generic ??= new TermMap()).set(slot.name, slot);
  }

  private unregister(slot: Slot): void {
    if (slot.kind === "eventTimeout") {
      if (this.eventTimer === slot) this.eventTimer = undefined;
    } else if (slot.kind === "stateTimeout") {
      if (this.stateTimer === slot) this.stateTimer = undefined;
    } else if (this.generic?.get(slot.name) === slot) {
      this.generic.delete(slot.name);
    }
  }

  /** Whether a timer message is the current timer of its kind; if so, it is unregistered. */
  private claim(slot: Slot): boolean {
    if (this.current(slot.kind, slot.name) !== slot) return false;
    this.unregister(slot);
    return true;
  }

  /** Stops a slot's timer (or takes it out of the zero queue). */
  private cancelSlot(slot: Slot): void {
    if (slot.ref !== undefined) {
      cancelTimer(slot.ref);
    } else {
      const i = this.zeroQ.indexOf(slot);
      if (i >= 0) this.zeroQ.splice(i, 1);
    }
  }

  private applyTimeout(t: TimeoutEntry): void {
    const cur = this.current(t.kind, t.name);
    if (t.time === UPDATE && cur !== undefined) {
      cur.content = t.content;
      return;
    }
    if (cur !== undefined) {
      this.unregister(cur);
      this.cancelSlot(cur);
    }
    if (t.time === CANCEL) return;
    const slot = new Slot(t.kind, t.name, t.content);
    if (t.time === UPDATE || (t.time === 0 && !t.abs)) {
      this.zeroQ.push(slot);
    } else {
      slot.ref = sendAfter(this.pid as Pid, slot, t.time, t.abs ? { abs: true } : undefined);
    }
    this.register(slot);
  }

  // ----------------------------------------------------------------------------------
  // Status and termination

  private timeouts(): { type: Kind; name?: Term; content: unknown }[] {
    const out: { type: Kind; name?: Term; content: unknown }[] = [];
    if (this.eventTimer !== undefined) {
      out.push({ type: "eventTimeout", content: this.eventTimer.content });
    }
    if (this.stateTimer !== undefined) {
      out.push({ type: "stateTimeout", content: this.stateTimer.content });
    }
    if (this.generic !== undefined) {
      for (const [name, slot] of this.generic) {
        out.push({ type: "genericTimeout", name, content: slot.content });
      }
    }
    return out;
  }

  /** The status (through formatStatus), with the reason and queue in crash reports. */
  private status(reason: { reason: unknown } | undefined): Record<string, unknown> {
    const status: Record<string, unknown> = {
      state: this.state,
      data: this.data,
      postponed: this.postponed.slice(),
      timeouts: this.timeouts(),
    };
    if (reason !== undefined) {
      status["reason"] = reason.reason;
      status["lastEvent"] = this.last;
      status["queue"] = this.queue.toArray();
    }
    const f = this.spec.formatStatus;
    if (f === undefined) return status;
    try {
      const out = f.call(this.spec.callbacks, status);
      return typeof out === "object" && out !== null ? (out as Record<string, unknown>) : status;
    } catch (e) {
      return { ...status, state: `formatStatus threw: ${formatReason(e)}`, data: undefined };
    }
  }

  /** A handler threw (or rejected): terminate with the error as the reason. */
  private crash(e: unknown): Step {
    return this.terminate(reasonOf(e));
  }

  /** Runs terminate(reason, state, data), then exits with `reason` (or terminate's error). */
  private terminate(reason: unknown): Step {
    const t = this.spec.terminate;
    if (t !== undefined) {
      let r: unknown;
      try {
        r = t.call(this.spec.callbacks, reason, this.state, this.data);
      } catch (e) {
        return this.exit(reasonOf(e));
      }
      if (isThenable(r)) {
        return r.then(
          () => this.exit(reason),
          (e: unknown) => this.exit(reasonOf(e)),
        );
      }
    }
    return this.exit(reason);
  }

  /**
   * `GenStateMachine.stop` (core's `Sys.terminate`): run terminate(reason, state, data); the
   * toolkit then answers the stopper and exits with `reason` (or crashes with terminate's
   * error if it throws).
   */
  handleStop(reason: unknown): void | PromiseLike<void> {
    this.last = undefined;
    const done = (): void => {
      if (!isQuietReason(reason)) this.report(reason);
    };
    const t = this.spec.terminate;
    if (t === undefined) return done();
    const r = t.call(this.spec.callbacks, reason, this.state, this.data);
    if (isThenable(r)) return Promise.resolve(r).then(done);
    return done();
  }

  private exit(reason: unknown): never {
    if (!isQuietReason(reason)) this.report(reason);
    throw new ExitError(reason);
  }

  /** The machine's own report for an abnormal exit (the runtime adds its crash report). */
  private report(reason: unknown): void {
    {
      const status = this.status({ reason });
      const last = status["lastEvent"];
      logReport({
        kind: "error",
        message: `GenStateMachine ${String(this.pid)} terminating: ${formatReason(status["reason"] ?? reason)}; state: ${formatReason(status["state"])}; last event: ${last === undefined ? "none" : describeEvent(last)}`,
        behaviour: "GenStateMachine",
        reason: status["reason"] ?? reason,
        state: status["state"],
        data: status["data"],
        lastEvent: last,
        queue: status["queue"],
        postponed: status["postponed"],
        timeouts: status["timeouts"],
        ...(this.last?.from?.pid === undefined ? {} : { client: this.last.from.pid }),
      });
    }
  }
}

function describeEvent(e: unknown): string {
  if (!(e instanceof Ev)) return formatReason(e);
  if (e.type === "enter") return `enter from ${formatReason(e.oldState)}`;
  if (e.type === "call") return `call ${formatReason(e.content)} from ${String(e.from?.pid)}`;
  if (e.type === "genericTimeout")
    return `genericTimeout ${formatReason(e.name)} ${formatReason(e.content)}`;
  return `${e.type} ${formatReason(e.content)}`;
}
