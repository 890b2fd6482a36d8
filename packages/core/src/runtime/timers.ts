/**
 * Timers: the timer heap and the clock alarm, message timers (`sendAfter`, `startTimer`,
 * `sendInterval`) with their references, and the internal callback timers of receive and
 * call timeouts.
 *
 * @module
 */
import { performance } from "node:perf_hooks";
import { RealClock } from "../clock.js";
import { BadArgumentError, formatReason } from "../errors.js";
import type { HeapEntry } from "../internal/heap.js";
import { CancelTimerMessage, TimeoutMessage } from "../messages.js";
import { Pid, procOf, type Ref } from "../pid.js";
import type { Runtime } from "../runtime.js";
import { isViaName } from "./names.js";
import type { Proc, TimerSink } from "./proc.js";
import { deliver, send, sendPid } from "./signals.js";
import type { Dest } from "./types.js";

export const T_SEND = 0;
export const T_START = 1;
export const T_CALLBACK = 2;
export const T_INTERVAL = 3;
/** A deadline bucket: the call timeouts due in one millisecond (see {@link DeadlineBucket}). */
export const T_BUCKET = 4;

/** @internal */
export interface TimerEntry extends HeapEntry {
  readonly ref: Ref;
  kind: number;
  readonly dest: Dest | undefined;
  readonly msg: unknown;
  /** The sink of a callback timer; dropped when it is cancelled lazily. */
  fn: TimerSink | undefined;
  /** A callback timer cancelled lazily: it stays in the heap until it reaches the top. */
  dead: boolean;
  /** The process whose death cancels this timer. */
  readonly owner: Proc | undefined;
  /** For a `sendInterval` timer: the period, after which it fires again. */
  period?: number;
}

/** @internal A call's timeout: a slot in a {@link DeadlineBucket}. */
export interface BucketSink extends TimerSink {
  /** The bucket holding it while it is armed. */
  bucket: DeadlineBucket | undefined;
  /** Its index in the bucket's items. */
  slot: number;
}

/**
 * @internal The call timeouts due in the same millisecond, in the order they were armed: one
 * heap entry for all of them instead of one each (ADR 0004, session 4). A call joins the
 * last bucket made when its due time rounds up to the same millisecond (a timeout never fires
 * early; at most under a millisecond late) and no other timer was made since (so timers due
 * together still fire in the order they were made). Cancelling a call clears its slot; the
 * bucket leaves the heap when its last slot is cleared, except the last bucket on a real
 * clock, which stays ("parked", not counted as pending) for the next calls of its millisecond.
 * The bucket is its own heap entry.
 */
export class DeadlineBucket implements TimerEntry {
  due: number;
  seq: number;
  index = -1;
  readonly ref: Ref;
  kind: number = T_BUCKET;
  readonly dest: Dest | undefined = undefined;
  readonly msg: unknown = undefined;
  fn: TimerSink | undefined = undefined;
  dead = false;
  readonly owner: Proc | undefined = undefined;
  /** The armed calls by slot; a cancelled one leaves `undefined`. */
  readonly items: (BucketSink | undefined)[] = [];
  /** Slots used so far. */
  n = 0;
  /** Slots still armed. */
  live = 0;
  /** The next slot to fire (a burst may be fired over several turns). */
  pos = 0;
  /** `rt.timerSeq` after its last call joined: another timer made since closes it. */
  stamp: number;
  /** Being fired by the alarm: an emptied bucket is then left to the alarm. */
  firing = false;

  constructor(ref: Ref, due: number, seq: number) {
    this.ref = ref;
    this.due = due;
    this.seq = seq;
    this.stamp = seq + 1;
  }
}

/** Arms a call's timeout `ms` from now in a deadline bucket. */
export function armCallTimeout(rt: Runtime, ms: number, sink: BucketSink): void {
  const due = rt.clock.now() + ms;
  // On a virtual clock, the exact due time (tests advance by any amount).
  const key = rt.clock.kind === "virtual" ? due : Math.ceil(due);
  let b = rt.lastBucket;
  if (b === undefined || b.due !== key || b.stamp !== rt.timerSeq || b.dead || b.index < 0) {
    // a parked bucket that no call can join any more leaves the heap
    if (b !== undefined && parked(rt)) cancelEntry(rt, b);
    b = new DeadlineBucket(rt.internalRef, key, rt.timerSeq++);
    rt.lastBucket = b;
    rt.heap.push(b);
    if (key < rt.alarmAt) {
      rt.alarmAt = key;
      rt.clock.setAlarm(rt, key, rt.onAlarm);
    }
  }
  sink.bucket = b;
  sink.slot = b.n;
  b.items[b.n++] = sink;
  b.live++;
}

/** Disarms a call's timeout (it was answered, or its caller or server is gone). */
export function cancelCallTimeout(rt: Runtime, sink: BucketSink): void {
  const b = sink.bucket;
  if (b === undefined) return;
  sink.bucket = undefined;
  b.items[sink.slot] = undefined;
  if (--b.live > 0 || b.firing) return;
  b.n = 0;
  b.pos = 0;
  if (b === rt.lastBucket && rt.clock.kind !== "virtual") {
    // Parked for the next calls of this millisecond; if it was the last live timer, the
    // host timer must not keep Node alive until its due time.
    if (liveTimers(rt) === 0 && rt.clock instanceof RealClock) rt.clock.release(rt);
    return;
  }
  if (b === rt.lastBucket) rt.lastBucket = undefined;
  cancelEntry(rt, b);
}

/** Whether `rt`'s last bucket is parked: empty, but still in the heap. */
function parked(rt: Runtime): boolean {
  const b = rt.lastBucket;
  return b !== undefined && b.live === 0 && b.index >= 0 && !b.dead;
}

/** The timers pending: heap entries less the lazily cancelled ones and a parked bucket. */
export function liveTimers(rt: Runtime): number {
  return rt.heap.size - rt.deadTimers - (parked(rt) ? 1 : 0);
}

/** Validates a time in milliseconds: a number >= 0, `Infinity` only if allowed. */
export function checkTimeout(what: string, ms: unknown, allowInfinity: boolean): number {
  if (
    typeof ms !== "number" ||
    Number.isNaN(ms) ||
    ms < 0 ||
    (!allowInfinity && ms === Number.POSITIVE_INFINITY)
  ) {
    throw new BadArgumentError(
      `${what}: the time must be a number of milliseconds >= 0${allowInfinity ? " or Infinity" : ""}, got ${formatReason(ms)}`,
    );
  }
  return ms;
}

/** Puts a timer on the heap and moves the clock alarm earlier if it is due first. */
export function addTimer(
  rt: Runtime,
  kind: number,
  due: number,
  dest: Dest | undefined,
  msg: unknown,
  owner: Proc | undefined,
  fn?: TimerSink,
): TimerEntry {
  // Internal (callback) timers are never looked up by reference: they share one.
  const internal = kind === T_CALLBACK;
  const t: TimerEntry = {
    due,
    seq: rt.timerSeq++,
    index: -1,
    ref: internal ? rt.internalRef : rt.makeRef(),
    kind,
    dest,
    msg,
    fn,
    owner,
    dead: false,
  };
  rt.heap.push(t);
  if (!internal) rt.timerRefs.set(t.ref, t);
  if (owner !== undefined) (owner.timers ??= new Set()).add(t);
  if (due < rt.alarmAt) {
    rt.alarmAt = due;
    rt.clock.setAlarm(rt, due, rt.onAlarm);
  }
  return t;
}

/** Dead entries left in the heap before it is compacted (when they are also the majority). */
const COMPACT_AT = 1024;

/** Removes a timer; disarms or moves the alarm of a virtual clock when it was the next one. */
export function cancelEntry(rt: Runtime, t: TimerEntry): void {
  if (t.dead) return;
  // A callback timer (a receive's or a call's timeout) is almost always cancelled, by the
  // answer, long before it is due. On a real clock it is only marked dead: no O(log n)
  // removal from the middle of a heap that holds every concurrent caller's timeout; the
  // alarm drops it when it reaches the top, and the heap is compacted once dead entries are
  // the majority (amortised O(1) per cancel). A virtual clock removes it at once, so virtual
  // time never moves to a cancelled due time.
  if (
    (t.kind === T_CALLBACK || t.kind === T_BUCKET) &&
    t.index >= 0 &&
    rt.clock.kind !== "virtual"
  ) {
    t.dead = true;
    t.fn = undefined;
    t.owner?.timers?.delete(t);
    const dead = ++rt.deadTimers;
    const size = rt.heap.size;
    if (dead === size) {
      rt.heap.clear();
      rt.deadTimers = 0;
      // the last live timer is gone: the stale host timer must not keep Node alive
      if (rt.clock instanceof RealClock) rt.clock.release(rt);
    } else if (dead === size - 1 && parked(rt)) {
      // only a parked bucket is left: nothing is pending
      if (rt.clock instanceof RealClock) rt.clock.release(rt);
    } else if (dead >= COMPACT_AT && dead * 2 > size) {
      rt.heap.retain(isLive);
      rt.deadTimers = 0;
    }
    return;
  }
  removeEntry(rt, t);
}

/** Removes a timer from the heap at once (a due timer about to fire, a message timer). */
function removeEntry(rt: Runtime, t: TimerEntry): void {
  rt.heap.remove(t);
  if (t.ref !== rt.internalRef) rt.timerRefs.delete(t.ref);
  t.owner?.timers?.delete(t);
  if (t.due === rt.alarmAt) {
    if (rt.clock.kind === "virtual") rearm(rt);
    // the last timer is gone: its stale host timer must not keep Node alive until it fires
    else if (rt.heap.size === 0 && rt.clock instanceof RealClock) rt.clock.release(rt);
  }
}

function isLive(t: TimerEntry): boolean {
  return !t.dead;
}

/** The earliest live timer, after dropping the lazily cancelled ones at the top. */
function liveTop(rt: Runtime): TimerEntry | undefined {
  const heap = rt.heap;
  let t = heap.peek();
  while (t?.dead) {
    heap.pop();
    rt.deadTimers--;
    t = heap.peek();
  }
  return t;
}

/**
 * The armed alarm of a virtual clock belonged to a cancelled timer: move it to the next
 * timer (or disarm it), or virtual time would jump to the cancelled due time. A real clock
 * keeps the stale alarm: waking up once for nothing is cheaper than re-arming a host timer
 * on every cancel (every call or receive answered before its timeout).
 */
function rearm(rt: Runtime): void {
  const next = rt.heap.peek();
  if (next === undefined) {
    rt.alarmAt = Number.POSITIVE_INFINITY;
    rt.clock.clearAlarm(rt);
  } else if (next.due > rt.alarmAt) {
    rt.alarmAt = next.due;
    rt.clock.setAlarm(rt, next.due, rt.onAlarm);
  }
}

/** A timer is due: a callback fires, a message timer sends (an interval timer first re-arms). */
function fireTimer(rt: Runtime, t: TimerEntry): void {
  if (t.kind === T_CALLBACK) {
    (t.fn as TimerSink).fire();
    return;
  }
  if (t.kind === T_INTERVAL) rearmInterval(rt, t);
  const msg = t.kind === T_START ? new TimeoutMessage(t.ref, t.msg) : t.msg;
  const dest = t.dest as Dest;
  if (dest instanceof Pid) {
    sendPid(rt, dest, msg);
  } else if (typeof dest === "string") {
    const p = rt.names.get(dest);
    if (p !== undefined) deliver(rt, p, msg);
  } else {
    try {
      send(rt, dest, msg);
    } catch {
      // a timer aimed at a name nobody holds is dropped, as in Erlang
    }
  }
}

/** sendAfter/startTimer. */
export function timer(
  rt: Runtime,
  start: boolean,
  dest: Dest,
  msg: unknown,
  ms: number,
  abs: boolean,
  what: string,
): Ref {
  if (!(dest instanceof Pid) && typeof dest !== "string" && !isViaName(dest)) {
    throw new BadArgumentError(
      `${what}: the destination must be a pid or a name, got ${formatReason(dest)}`,
    );
  }
  if (abs) {
    if (typeof ms !== "number" || !Number.isFinite(ms)) {
      throw new BadArgumentError(
        `${what}: an absolute time must be a finite number, got ${formatReason(ms)}`,
      );
    }
  } else checkTimeout(what, ms, false);
  const due = abs ? ms : rt.clock.now() + ms;
  let owner: Proc | undefined;
  if (dest instanceof Pid) {
    owner = procOf(dest) as Proc | undefined;
    if (owner === undefined || owner.rt !== rt) {
      owner = undefined;
      if (dest.node === rt.node) return rt.makeRef(); // dead local pid: cancelled at once
    }
  }
  return addTimer(rt, start ? T_START : T_SEND, due, dest, msg, owner).ref;
}

/** sendInterval: a message timer that fires every `ms`, under one reference. */
export function interval(rt: Runtime, dest: Dest, msg: unknown, ms: number): Ref {
  if (typeof ms !== "number" || !Number.isFinite(ms) || !(ms >= 1)) {
    throw new BadArgumentError(
      `sendInterval: the period must be a finite number of milliseconds >= 1, got ${formatReason(ms)}`,
    );
  }
  const ref = timer(rt, false, dest, msg, ms, false, "sendInterval");
  const t = rt.timerRefs.get(ref);
  if (t === undefined) return ref; // aimed at a dead pid: cancelled at once
  // Re-kind it: same entry, same reference, fired again every period.
  t.kind = T_INTERVAL;
  t.period = ms;
  return ref;
}

/** Puts an interval timer that is firing back, `period` after its last due time. */
function rearmInterval(rt: Runtime, t: TimerEntry): void {
  if (t.owner !== undefined && !t.owner.alive) return;
  t.due += t.period as number;
  t.seq = rt.timerSeq++;
  rt.heap.push(t);
  rt.timerRefs.set(t.ref, t);
  if (t.owner !== undefined) (t.owner.timers ??= new Set()).add(t);
  if (t.due < rt.alarmAt) {
    rt.alarmAt = t.due;
    rt.clock.setAlarm(rt, t.due, rt.onAlarm);
  }
}

/** A callback timer (for behaviours), cancelled if `owner` dies. */
export function callbackTimer(
  rt: Runtime,
  ms: number,
  owner: Proc | undefined,
  fn: TimerSink,
): TimerEntry {
  return addTimer(rt, T_CALLBACK, rt.clock.now() + ms, undefined, undefined, owner, fn);
}

/** The milliseconds left on a message timer, or `false` (Erlang's `read_timer`). */
export function readTimer(rt: Runtime, ref: Ref): number | false {
  const t = rt.timerRefs.get(ref);
  if (t === undefined || t.kind === T_CALLBACK) return false;
  return Math.max(0, Math.ceil(t.due - rt.clock.now()));
}

/** Cancels a message timer: the milliseconds it had left, or `false`. */
export function cancelTimer(rt: Runtime, ref: Ref): number | false {
  const t = rt.timerRefs.get(ref);
  if (t === undefined || t.kind === T_CALLBACK) return false;
  const left = Math.max(0, Math.ceil(t.due - rt.clock.now()));
  cancelEntry(rt, t);
  return left;
}

/** cancelTimer with `async: true`. */
export function cancelTimerAsync(rt: Runtime, p: Proc, ref: Ref): void {
  const left = cancelTimer(rt, ref);
  deliver(rt, p, new CancelTimerMessage(ref, left));
}

/**
 * Timers fired before a burst checks its turn's time: the continuations they wake (a timed-out
 * caller's `catch`, up to its next `await`) run before the next chunk.
 */
const CHUNK = 64;

/**
 * The time a burst of due timers may hold one turn of the event loop, as a multiple of the
 * scheduler's `sliceMs`, counting the continuations the fired timers woke (see onAlarm).
 */
const BURST_SLICES = 2;

/** Resolved: a chunk's follow-up runs as a reaction, after the continuations it woke. */
const RESOLVED: Promise<void> = Promise.resolve();

/** The clock's alarm: fires the timers that are due, then arms the alarm for the next one. */
export function onAlarm(rt: Runtime): void {
  rt.alarmAt = Number.POSITIVE_INFINITY;
  if (rt.clock.kind === "virtual") {
    // A virtual clock fires every due timer at once: tests stay deterministic.
    fireDue(rt, rt.clock.now(), Number.POSITIVE_INFINITY);
    armNext(rt, false);
    return;
  }
  rt.burstStart = performance.now();
  fireChunk(rt);
}

/**
 * A chunk of a burst's due timers. On a real clock a burst of due timers (10k call timeouts
 * at once) is fired CHUNK timers at a time; the next chunk is a reaction queued behind the
 * continuations this one woke (the callers' handlers, which run as microtasks), so the turn's
 * time is measured with them. Past its budget the burst yields to the next turn of the event
 * loop, which runs I/O, other timers and the scheduler in between (ADR 0004, session 4,
 * second round). A timeout is late by the time from its due moment to its caller's handler,
 * so the burst takes the turn first and only the rest of it waits for the loop's other work.
 */
function fireChunk(rt: Runtime): void {
  if (fireDue(rt, rt.clock.now(), CHUNK)) {
    // More are due: after this chunk's continuations, or on the next turn. Meanwhile no
    // timer made by those continuations arms the host alarm (nothing is earlier than -∞):
    // the burst's end arms it for the earliest one.
    rt.alarmAt = Number.NEGATIVE_INFINITY;
    void RESOLVED.then(rt.alarmChunk);
    return;
  }
  armNext(rt, false);
}

/** The follow-up of a chunk: the next chunk in this turn, or on the next turn past the budget. */
export function continueBurst(rt: Runtime): void {
  if (rt.alarmAt !== Number.NEGATIVE_INFINITY) return; // shut down or re-armed meanwhile
  rt.alarmAt = Number.POSITIVE_INFINITY;
  if (performance.now() - rt.burstStart < rt.sliceMs * BURST_SLICES) fireChunk(rt);
  else armNext(rt, true);
}

/**
 * Fires due timers (due at `now` or before), at most `max`; true if it stopped at `max` with
 * more due. A bucket fires its calls in the order they were armed and may stop mid-way: it
 * stays at the top of the heap with its position.
 */
function fireDue(rt: Runtime, now: number, max: number): boolean {
  let fired = 0;
  for (;;) {
    const t = liveTop(rt);
    if (t === undefined || t.due > now) return false;
    if (fired >= max) return true;
    if (t.kind === T_BUCKET) {
      const b = t as DeadlineBucket;
      b.firing = true;
      while (b.pos < b.n && fired < max) {
        const s = b.items[b.pos];
        b.items[b.pos++] = undefined;
        if (s === undefined) continue;
        s.bucket = undefined;
        b.live--;
        fired++;
        s.fire();
      }
      b.firing = false;
      if (b.pos < b.n) return true;
      b.n = 0;
      b.pos = 0;
      if (rt.lastBucket === b) rt.lastBucket = undefined;
      removeEntry(rt, b);
      continue;
    }
    removeEntry(rt, t);
    fired++;
    fireTimer(rt, t);
  }
}

/**
 * Arms the alarm for the earliest live timer. `cut`: a burst yields with timers still due,
 * so the rest fires on the next turn of the event loop (a host setTimeout would wait at
 * least a millisecond).
 */
function armNext(rt: Runtime, cut: boolean): void {
  const next = liveTop(rt);
  if (next === undefined || next.due >= rt.alarmAt) return;
  rt.alarmAt = next.due;
  if (cut) {
    rt.clock.clearAlarm(rt);
    setImmediate(rt.onAlarm);
  } else rt.clock.setAlarm(rt, next.due, rt.onAlarm);
}
