// The call timeouts: per timeout value, a queue in deadline order behind one Node timer.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CallTimers } from "../src/call-timers.js";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("CallTimers", () => {
  it("fires each timeout once, not before its time, and never a cancelled one", () => {
    const timers = new CallTimers();
    const fired: string[] = [];
    timers.start(100, () => fired.push("a"));
    vi.advanceTimersByTime(30);
    const b = timers.start(100, () => fired.push("b"));
    timers.start(100, () => fired.push("c"));
    timers.start(50, () => fired.push("short"));
    vi.advanceTimersByTime(49);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["short"]);
    b.cancel();
    vi.advanceTimersByTime(19);
    expect(fired).toEqual(["short"]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["short", "a"]);
    vi.advanceTimersByTime(29);
    expect(fired).toEqual(["short", "a"]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["short", "a", "c"]);
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual(["short", "a", "c"]);
  });

  it("keeps nothing for calls answered in turn, and drops a timeout value's queue once idle", () => {
    const timers = new CallTimers();
    let fired = 0;
    for (let i = 0; i < 100_000; i++) {
      const t = timers.start(5000, () => fired++);
      t.cancel();
      if (i % 1000 === 0) vi.advanceTimersByTime(100);
    }
    expect(vi.getTimerCount()).toBe(1);
    expect(timers.size).toBe(1);
    vi.advanceTimersByTime(10_000);
    expect(fired).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(timers.size).toBe(0);
  });

  it("waits out a timeout longer than the longest Node timer instead of firing at once", () => {
    const timers = new CallTimers();
    let fired = false;
    timers.start(2 ** 32, () => {
      fired = true;
    });
    vi.advanceTimersByTime(2 ** 31);
    expect(fired).toBe(false);
    vi.advanceTimersByTime(2 ** 31);
    expect(fired).toBe(true);
  });

  it("a timeout that starts another keeps both on time", () => {
    const timers = new CallTimers();
    const fired: number[] = [];
    timers.start(10, () => {
      fired.push(performance.now());
      timers.start(10, () => fired.push(performance.now()));
    });
    const t0 = performance.now();
    vi.advanceTimersByTime(100);
    expect(fired.map((t) => t - t0)).toEqual([10, 20]);
  });
});
