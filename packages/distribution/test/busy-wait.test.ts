// The busy wait after network activity (as the BEAM's +sbwt): polling for a window after the
// last read or write, on an injected clock and scheduler; stopping on its own; backing off
// when windows go unanswered (a machine whose cores are busy) and resuming when answered.
import { describe, expect, it } from "vitest";
import { BusyWait } from "../src/net/busy-wait.js";

/** A clock the test moves, and a scheduler that queues callbacks until `turn()` runs one. */
function harness(ms: number, cpuShare = 1) {
  let now = 0;
  let cpu = 0;
  const queue: (() => void)[] = [];
  const busy = new BusyWait(
    ms,
    () => now,
    (fn) => void queue.push(fn),
    // the process's CPU time, which `advance` moves by `cpuShare` of the clock
    () => cpu,
  );
  const h = {
    busy,
    queue,
    cpuShare,
    /** Moves the clock; the process gets `cpuShare` of the time as CPU time. */
    advance(by: number) {
      now += by;
      cpu += by * h.cpuShare;
    },
    /** Runs the next scheduled poll; false when none is scheduled. */
    turn(): boolean {
      const fn = queue.shift();
      if (fn === undefined) return false;
      fn();
      return true;
    },
    /** Runs polls `step` ms apart until the window ends; returns how many ran. */
    drain(step: number): number {
      let turns = 0;
      while (h.turn()) {
        turns++;
        expect(queue.length).toBeLessThanOrEqual(1);
        h.advance(step);
      }
      return turns;
    },
  };
  return h;
}

describe("BusyWait", () => {
  it("polls once per turn until `ms` after the last poke, then stops", () => {
    const h = harness(0.2);
    h.busy.poke(false);
    expect(h.busy.polling).toBe(true);
    // polls at 0, 0.05, 0.1, 0.15 reschedule; the one at 0.2 ends the window
    expect(h.drain(0.05)).toBe(5);
    expect(h.busy.polling).toBe(false);
    expect(h.queue).toHaveLength(0);
  });

  it("a poke during the window extends it without scheduling a second chain", () => {
    const h = harness(0.2);
    h.busy.poke(false);
    h.advance(0.15);
    h.busy.poke(true); // answered; the window now ends at 0.35
    h.busy.poke(false);
    expect(h.queue).toHaveLength(1);
    // polls at 0.15, 0.25 reschedule; 0.35 ends it
    expect(h.drain(0.1)).toBe(3);
    // it was answered: the next poke opens a window at once
    expect(h.busy.backingOff).toBe(0);
    h.busy.poke(false);
    expect(h.busy.polling).toBe(true);
  });

  it("an unanswered window skips the next 1, 2, 4 … pokes, up to 1,024; a read while polling resets it", () => {
    const h = harness(0.2);
    const skipped: number[] = [];
    for (let round = 0; round < 13; round++) {
      h.busy.poke(false); // a write, and no read comes back within the window
      expect(h.busy.polling).toBe(true);
      h.drain(0.1);
      const skip = h.busy.backingOff;
      skipped.push(skip);
      for (let i = 0; i < skip; i++) {
        h.busy.poke(i % 2 === 0);
        expect(h.busy.polling).toBe(false);
      }
      expect(h.busy.backingOff).toBe(0);
    }
    expect(skipped).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 1024, 1024]);
    // a window that a read answers ends the back-off
    h.busy.poke(false);
    h.advance(0.1);
    h.busy.poke(true);
    h.drain(0.1);
    expect(h.busy.backingOff).toBe(0);
    h.busy.poke(false);
    h.drain(0.1);
    expect(h.busy.backingOff).toBe(1);
  });

  it("a window that keeps being answered ends and backs off once the process gets too little CPU", () => {
    const h = harness(0.2);
    h.busy.poke(false);
    // 2,000 polls 1 µs apart, a read answering every 10th: uncontended, it polls on
    for (let i = 1; i <= 2000; i++) {
      expect(h.turn()).toBe(true);
      h.advance(0.001);
      if (i % 10 === 0) h.busy.poke(true);
    }
    expect(h.busy.polling).toBe(true);
    // now the process gets 60% of the time as CPU: within the next 512 polls it stops
    h.cpuShare = 0.6;
    let polls = 0;
    while (h.turn()) {
      polls++;
      h.advance(0.001);
      if (h.busy.polling && polls % 10 === 0) h.busy.poke(true);
      expect(polls).toBeLessThanOrEqual(1024);
    }
    expect(h.busy.polling).toBe(false);
    expect(h.busy.backingOff).toBe(1);
  });

  it("0 never polls, and stop() ends a running window and refuses later pokes", () => {
    const off = harness(0);
    off.busy.poke(true);
    expect(off.queue).toHaveLength(0);
    expect(off.busy.polling).toBe(false);

    const h = harness(10);
    h.busy.poke(false);
    h.busy.stop();
    expect(h.turn()).toBe(true);
    expect(h.turn()).toBe(false);
    expect(h.busy.polling).toBe(false);
    h.busy.poke(false);
    expect(h.queue).toHaveLength(0);
  });

  it("with the real event loop, polls run between other work and end after the window", async () => {
    const busy = new BusyWait(5);
    const started = performance.now();
    busy.poke(false);
    // timers and other immediates still run while it polls
    const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(busy.polling), 1));
    const other = new Promise<boolean>((resolve) => setImmediate(() => resolve(busy.polling)));
    expect(await other).toBe(true);
    await timer;
    const deadline = Date.now() + 2000;
    while (busy.polling && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(busy.polling).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(5);
  });
});
