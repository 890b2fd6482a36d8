/**
 * Selective receive: a process waiting for a matching message, with or without a timeout,
 * and the scan that resolves it when messages arrive.
 *
 * @module
 */
import { BadArgumentError } from "../errors.js";
import type { Runtime } from "../runtime.js";
import type { Proc } from "./proc.js";
import { crash, enqueue } from "./scheduler.js";
import { addTimer, cancelEntry, T_CALLBACK } from "./timers.js";
import { TIMEOUT } from "./types.js";

/**
 * @internal A pending selective receive: the process itself (`Proc.waiter === p` while it
 * waits; the receive's fields are `Proc`'s `match`, `resolve`, `timer`, `scanned`, `zero`),
 * also the sink of the receive's timeout. Folding it into the process saves an object per
 * process that has ever received (ADR 0004, second round). Reusing the same fields for every
 * receive is safe because a receive's timer is always cancelled (removed, or marked dead with
 * its sink dropped) before the receive is resolved, and `receiveTimedOut` checks that the
 * process still waits.
 */
export type Waiter = Proc;

/** A receive's timeout fired (the timer's sink is the process). */
export function receiveTimedOut(p: Proc): void {
  if (p.waiter !== p) return;
  p.timer = undefined;
  // A message may have arrived that the process has not been scheduled to look at yet
  // (e.g. a timer due at the same instant): it wins over the timeout.
  if (p.mailbox.length > p.scanned) {
    tryReceive(p.rt, p);
    if (p.waiter !== p) return;
  }
  p.waiter = undefined;
  p.hits = 0;
  p.settleReceive(TIMEOUT);
}

const NEVER = (): boolean => false;

let captured: ((value: unknown) => void) | undefined;
const captureResolve = (resolve: (value: unknown) => void): void => {
  captured = resolve;
};

/** Selective receive for process `p`. */
export function receive(
  rt: Runtime,
  p: Proc,
  match: ((msg: unknown) => unknown) | undefined,
  timeout: number,
): Promise<unknown> {
  if (p.waiter !== undefined) {
    throw new BadArgumentError(
      "receive: this process is already waiting in receive (await the first one; a process receives one message at a time, so Promise.all over receive-based waits cannot work: wait for several tasks with Task.awaitMany)",
    );
  }
  const box = p.mailbox;
  const n = box.length;
  // Fairness (the BEAM counts reductions): a receive that can resolve at once does so only
  // `budget` times in a row; the next one goes through the run queue, whose time slice
  // lets timers, I/O and other processes run. A loop draining a full mailbox, or receiving
  // what it sends itself, or polling with `timeout: 0`, cannot hold the event loop.
  const yielding = p.hits >= rt.budget;
  if (!yielding) {
    for (let i = 0; i < n; i++) {
      const msg = box.at(i);
      if (match === undefined || match(msg)) {
        box.removeAt(i);
        p.reductions++;
        p.hits++;
        return Promise.resolve(msg);
      }
    }
    if (timeout === 0) {
      p.hits++;
      return Promise.resolve(TIMEOUT);
    }
  }
  // A shared executor: no closure is allocated per receive just to capture `resolve`.
  const promise = new Promise<unknown>(captureResolve);
  const resolve = captured as (value: unknown) => void;
  captured = undefined;
  const w = p.arm(match, resolve, yielding ? 0 : n);
  if (yielding) {
    w.zero = timeout === 0;
    if (!p.queued) enqueue(rt, p);
  }
  if (timeout !== Number.POSITIVE_INFINITY && timeout !== 0) {
    w.timer = addTimer(rt, T_CALLBACK, rt.clock.now() + timeout, undefined, undefined, p, w);
  }
  p.waiter = w;
  return promise;
}

/** Resolves when the scheduler next runs `p` (Erlang's `erlang:yield/0`). */
export function yieldProc(rt: Runtime, p: Proc): Promise<unknown> {
  if (p.waiter !== undefined) {
    throw new BadArgumentError("yieldProcess: this process is waiting in receive");
  }
  const promise = new Promise<unknown>(captureResolve);
  const resolve = captured as (value: unknown) => void;
  captured = undefined;
  // Matches nothing and has seen the whole mailbox: the next scan resolves it with TIMEOUT.
  const w = p.arm(NEVER, resolve, p.mailbox.length);
  w.zero = true;
  p.waiter = w;
  if (!p.queued) enqueue(rt, p);
  return promise;
}

/** Scans the mailbox from where the pending receive stopped; resolves it on a match (or with TIMEOUT for a zero timeout). */
export function tryReceive(rt: Runtime, p: Proc): void {
  const w = p.waiter as Waiter;
  const box = p.mailbox;
  const n = box.length;
  const match = w.match;
  for (let i = w.scanned; i < n; i++) {
    const msg = box.at(i);
    let ok: unknown;
    try {
      ok = match === undefined || match(msg);
    } catch (e) {
      p.waiter = undefined;
      crash(rt, p, e);
      return;
    }
    if (ok) {
      box.removeAt(i);
      p.waiter = undefined;
      p.reductions++;
      p.hits = 0;
      if (w.timer !== undefined) cancelEntry(rt, w.timer);
      rt.wakes++;
      w.settleReceive(msg);
      return;
    }
  }
  w.scanned = n;
  if (w.zero) {
    p.waiter = undefined;
    p.hits = 0;
    rt.wakes++;
    w.settleReceive(TIMEOUT);
  }
}
