/**
 * The scheduler: the run queue, the run loop and its time slices, one process's step (its
 * body, a pending receive, or a batch of handled messages), and the end of process code
 * (return, throw). Also the notion of the current process, which the scheduler sets while it
 * runs process code synchronously.
 *
 * @module
 */
import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";
import { performance } from "node:perf_hooks";
import { isInstanceOf } from "../brand.js";
import { ExitError, exitReasonOf, formatReason } from "../errors.js";
import { isQuietReason } from "../messages.js";
import type { Pid } from "../pid.js";
import type { Runtime } from "../runtime.js";
import { logWanted } from "./logging.js";
import { als, type Proc, storage } from "./proc.js";
import { tryReceive } from "./receive.js";
import { exitProc } from "./signals.js";

/** Async wake-ups per scheduler pass before the time slice is checked again. */
const WAKE_BATCH = 64;

/**
 * Schedules the next pass as a reaction of an already-resolved promise rather than with
 * `queueMicrotask`: Node's `queueMicrotask` allocates an `AsyncResource` and a bound
 * function per call (async-hooks bookkeeping), which was ~15% of an async ring's profile
 * on Node 24, where every hop ends its pass with an empty run queue (ADR 0004, session 3).
 * A reaction carries the current async context like the resource did.
 */
const RESOLVED: Promise<void> = Promise.resolve();

/** @internal The process whose code is running, if any (alive or not). */
export function currentProc(): Proc | undefined {
  return syncCurrent !== undefined ? syncCurrent : storage?.getStore();
}

/**
 * The process whose code the scheduler is running synchronously right now. Microtasks never
 * run during a synchronous step, so while this is set it is the current process; async
 * continuations find theirs through the async-context store instead.
 */
let syncCurrent: Proc | undefined;

/** Runs `fn` outside any process: runtime callbacks (exit hooks, abort listeners, loggers). */
export function outsideProcesses(fn: () => void): void {
  const saved = syncCurrent;
  syncCurrent = undefined;
  try {
    if (storage === undefined) fn();
    else storage.exit(fn);
  } finally {
    syncCurrent = saved;
  }
}

/** Whether a value returned by process code is a promise-like to wait on. */
function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

/** @internal The exit reason for a value thrown out of process code. */
export function reasonFromThrown(e: unknown): unknown {
  return exitReasonOf(e);
}

/** The domain of supervisor-style (SASL) reports. */
const SASL: readonly string[] = ["otp", "sasl"];

/** Puts `p` on the run queue and schedules a pass if none is scheduled. */
export function enqueue(rt: Runtime, p: Proc): void {
  p.queued = true;
  rt.runQueue.push(p);
  if (!rt.scheduled) {
    rt.scheduled = true;
    // The time slice is checked by the pass itself (runLoop), not on every wake-up.
    void RESOLVED.then(rt.runMicro);
  }
}

/** One scheduler pass: runs queued processes until the queue is empty, a batch of wake-ups is reached or the time slice ends. */
export function runLoop(rt: Runtime): void {
  const q = rt.runQueue;
  // Each wake-up of async process code (a resolved receive, a started body) schedules a
  // continuation that runs as a microtask after this loop. Their cost is not visible here,
  // so a pass ends after a batch of them; the time slice is checked again before the next
  // pass, which keeps the event loop (timers, I/O) responsive under any load.
  // The clock is read on every 8th pass (and every 16 processes within a pass): a pass
  // is short, and reading the clock on each was a visible cost of call round trips.
  if ((++rt.passes & 7) === 0 && performance.now() - rt.sliceStart >= rt.sliceMs) {
    setImmediate(rt.runMacro);
    return;
  }
  rt.wakes = 0;
  bodyBase = undefined;
  let n = 0;
  let slice = false;
  while (q.length > 0) {
    const p = q.shift() as Proc;
    p.queued = false;
    if (p.alive) {
      rt.running = p;
      try {
        const h = p.handler;
        if (h !== undefined && p.start === undefined && p.waiter === undefined) {
          // step's handler path, written out here: one frame fewer under every handler (an
          // Error made in a callback captures each frame, inlined ones too, ADR 0004)
          if (!p.busy && p.mailbox.length > 0) {
            syncCurrent = p;
            try {
              const ctx = p.ctx;
              if (ctx !== undefined) ctx.runInAsyncScope(handleBatch, undefined, rt, p, h);
              else als().run(p, handleBatch, rt, p, h);
            } finally {
              syncCurrent = undefined;
            }
          }
        } else step(rt, p);
      } catch (e) {
        // Whatever user code or user values threw past the step, the loop goes on.
        syncCurrent = undefined;
        stepFailed(rt, p, e);
      }
      rt.running = undefined;
    }
    if (rt.wakes >= WAKE_BATCH) break;
    if ((++n & 15) === 0 && performance.now() - rt.sliceStart >= rt.sliceMs) {
      slice = true;
      break;
    }
  }
  bodyBase = undefined;
  if (q.length > 0) {
    if (slice) setImmediate(rt.runMacro);
    else void RESOLVED.then(rt.runMicro);
  } else {
    rt.scheduled = false;
    rt.clock.idle(rt);
  }
}

/** A step threw past its own guards: the process crashes, the runtime stays consistent. */
function stepFailed(rt: Runtime, p: Proc, e: unknown): void {
  try {
    crash(rt, p, e);
  } catch {
    if (p.alive) exitProc(rt, p, "killed");
  }
}

/** Runs one process: its body if it has not started, a pending receive, or a batch of messages for its handler. */
function step(rt: Runtime, p: Proc): void {
  const start = p.start;
  if (start !== undefined) {
    p.start = undefined;
    runBody(rt, p, start);
    if (!p.alive) return;
  }
  if (p.waiter !== undefined) {
    tryReceive(rt, p);
    return;
  }
  const h = p.handler;
  if (h === undefined || p.busy || p.mailbox.length === 0) return;
  // One async-context entry per batch of messages, not one per message (as in runLoop).
  syncCurrent = p;
  try {
    const ctx = p.ctx;
    if (ctx !== undefined) ctx.runInAsyncScope(handleBatch, undefined, rt, p, h);
    else als().run(p, handleBatch, rt, p, h);
  } finally {
    syncCurrent = undefined;
  }
}

/** An async message handler has settled: the process may take its next message. */
function handlerDone(rt: Runtime, p: Proc): void {
  p.busy = false;
  if (p.alive && !p.queued && (p.mailbox.length > 0 || p.waiter !== undefined)) enqueue(rt, p);
}

/** What `startBody` returns while the body's promise is pending. */
const PENDING: unique symbol = Symbol("trellis.pending");

/**
 * Whether async contexts are frames that `AsyncResource.runInAsyncScope` exchanges and
 * restores (Node 24+, AsyncContextFrame), rather than stores kept on async resources (Node
 * 20/22, async hooks): asked once, by behaviour, at the first body.
 */
let exchangedFrames: boolean | undefined;

function framesAreExchanged(): boolean {
  const probe = new AsyncLocalStorage<number>();
  const r = new AsyncResource("trellis.probe");
  r.runInAsyncScope(() => probe.enterWith(1));
  const exchanged =
    r.runInAsyncScope(() => probe.getStore()) === undefined && probe.getStore() === undefined;
  // With async hooks (Node 20/22), an enabled store stays in the list that the promise init
  // hook copies into every new promise: left enabled, the probe doubled that copy for the
  // rest of the program (ADR 0004, "Session 5: Node 22"). Context frames hold no list: there
  // the probe is left as it was.
  if (!exchanged) probe.disable();
  return exchanged;
}

/**
 * The scheduler pass's own async context, captured at the first body the pass starts (reset
 * by `runLoop`): bodies enter their process's context from it (see `enterBody`).
 */
let bodyBase: AsyncResource | undefined;

/**
 * Runs `startBody` in a new context holding `p`, copied from the pass's context as
 * `AsyncLocalStorage.run` would, with one context frame instead of two: on Node 24+ `run`
 * builds a frame on its way in and another on its way out (`enterWith(prior)`), ~250 ns and
 * a Map each. Here the pass's resource restores the frame it replaced, which allocates
 * nothing, and the first frame is the process's own (ADR 0004, session 4).
 */
function enterBody(p: Proc, fn: (self: Pid) => unknown): unknown {
  let base = bodyBase;
  if (base === undefined) {
    base = new AsyncResource("trellis.pass");
    bodyBase = base;
  }
  return base.runInAsyncScope(enterAndStart, undefined, p, fn);
}

function enterAndStart(p: Proc, fn: (self: Pid) => unknown): unknown {
  (storage as AsyncLocalStorage<Proc>).enterWith(p);
  return startBody(p, fn);
}

/** Starts a process's body in its async context. */
function runBody(rt: Runtime, p: Proc, fn: (self: Pid) => unknown): void {
  rt.wakes++;
  let r: unknown;
  syncCurrent = p;
  try {
    const store = als();
    exchangedFrames ??= framesAreExchanged();
    r = exchangedFrames ? enterBody(p, fn) : store.run(p, startBody, p, fn);
  } catch (e) {
    syncCurrent = undefined;
    crash(rt, p, e);
    return;
  }
  syncCurrent = undefined;
  if (r !== PENDING) bodyDone(rt, p, r);
}

/**
 * Calls the body inside the process's async context; an async body's promise is awaited
 * from inside that context too. That way the reaction keeps the process's own context frame
 * alive rather than a new one (on Node 24+ `run` builds a second frame on its way out), and a
 * native promise needs no closures: its handlers find the process in the context.
 */
function startBody(p: Proc, fn: (self: Pid) => unknown): unknown {
  const r = fn(p.pid);
  if (!isThenable(r)) return r;
  p.busy = true;
  if (r instanceof Promise && Object.getPrototypeOf(r) === Promise.prototype) {
    void r.then(bodyFulfilled, bodyRejected);
  } else {
    // A foreign thenable may call back from any context: bind the process.
    const rt = p.rt;
    r.then(
      (v) => bodyDone(rt, p, v),
      (e: unknown) => crash(rt, p, e),
    );
  }
  return PENDING;
}

/** A body's native promise fulfilled (the reaction runs in the process's context). */
function bodyFulfilled(v: unknown): void {
  const p = (storage as AsyncLocalStorage<Proc>).getStore() as Proc;
  bodyDone(p.rt, p, v);
}

/** A body's native promise rejected (the reaction runs in the process's context). */
function bodyRejected(e: unknown): void {
  const p = (storage as AsyncLocalStorage<Proc>).getStore() as Proc;
  crash(p.rt, p, e);
}

/** A body returned: the process exits `normal`, unless it installed a message handler. */
function bodyDone(rt: Runtime, p: Proc, value: unknown): void {
  if (!p.alive) return;
  p.busy = false;
  if (p.handler !== undefined) {
    // The body installed a message handler: the process lives on as a special process.
    if (!p.queued && p.mailbox.length > 0) enqueue(rt, p);
    return;
  }
  const settle = p.settle;
  p.settle = undefined;
  exitProc(rt, p, "normal");
  settle?.(true, value);
}

/** A throw or rejection in process code. */
export function crash(rt: Runtime, p: Proc, e: unknown): void {
  if (!p.alive) return; // a leftover continuation of a dead process
  const reason = reasonFromThrown(e);
  // OTP: a plain process's exit(Reason) is not a crash; errors and throws are. The report
  // (and the formatting of its reason) is built only if the logger would write it.
  if (
    !isQuietReason(reason) &&
    (p.reportsExits || !isInstanceOf(e, ExitError)) &&
    logWanted(rt, "error", p.behaviour === undefined ? undefined : SASL)
  ) {
    rt.report({
      kind: "crash",
      message: `process ${p.pid}${p.name === undefined ? "" : ` (${p.name})`} exited: ${formatReason(reason)}`,
      pid: p.pid,
      ...(p.name === undefined ? {} : { name: p.name }),
      reason,
      // a behaviour writes its own report; this one is then a supervisor-style (SASL) one
      ...(p.behaviour === undefined ? {} : { behaviour: p.behaviour, domain: SASL }),
    });
  }
  const settle = p.settle;
  p.settle = undefined;
  exitProc(rt, p, reason);
  settle?.(false, e);
}
/**
 * Handles up to a budget of messages with the process's handler, in its async context. The
 * first batch runs under `AsyncLocalStorage.run` and captures that context for the next
 * ones (Proc.ctx) itself, without a frame of its own: every frame under a callback is one
 * more that an `Error` made in it captures (~0.3–1 µs each, ADR 0004).
 */
function handleBatch(rt: Runtime, p: Proc, h: (msg: unknown) => unknown): void {
  if (p.ctx === undefined) p.ctx = new AsyncResource("trellis.process");
  const box = p.mailbox;
  let budget = rt.budget;
  while (budget-- > 0 && box.length > 0) {
    const msg = box.shift();
    p.reductions++;
    let r: unknown;
    try {
      r = h(msg);
    } catch (e) {
      crash(rt, p, e);
      return;
    }
    if (!p.alive) return;
    if (r !== undefined && isThenable(r)) {
      p.busy = true;
      r.then(
        () => handlerDone(rt, p),
        (e: unknown) => crash(rt, p, e),
      );
      return;
    }
    if (p.waiter !== undefined || p.handler !== h) break;
  }
  if (!p.queued && (box.length > 0 || p.waiter !== undefined)) enqueue(rt, p);
}
