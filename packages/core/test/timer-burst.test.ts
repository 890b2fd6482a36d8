// A burst of timers due at once on a real clock is fired in time slices (ADR 0004): the
// event loop gets a turn between slices, and the timers still fire in their order.
import { CallTimeoutError, call, createRuntime, type Pid, sendAfter } from "@trellis/core";
import { expect, it } from "vitest";

it("a burst of due timers is fired over several turns of the event loop, in order", async () => {
  // a tiny slice, so the first slice (64 timers) is certainly over it
  const rt = createRuntime({ sliceMs: 0.001 });
  const N = 2_000;
  const sink: Pid = rt.spawn(() => new Promise(() => {}));
  const queued = (): number => rt.processMessages(sink, N + 1)?.length ?? -1;
  const at = rt.now() + 20; // one due time for all of them
  await rt.run(() => {
    for (let i = 0; i < N; i++) sendAfter(sink, i, at, { abs: true });
  });
  // the first look after the first timers fired (a setImmediate runs after the timers phase)
  const deadline = Date.now() + 5_000; // bounded: a regression fails instead of hanging
  while (queued() === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  const afterFirstSlice = queued();
  expect(afterFirstSlice).toBeGreaterThan(0);
  expect(afterFirstSlice).toBeLessThan(N);
  while (queued() < N && Date.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(rt.processMessages(sink, N + 1)).toEqual(Array.from({ length: N }, (_, i) => i));
  await rt.shutdown();
});

it("a burst's time per turn counts the continuations it woke (a timed-out caller's catch)", async () => {
  // Each timed-out caller's catch runs 100 µs of synchronous work: 1,000 of them are 100 ms.
  // Firing a timeout is cheap, so a slice that timed only the firing would fire them all in
  // one turn and leave their catches to run back to back; the burst instead measures its
  // turn after each chunk's continuations have run, and lets the event loop in between.
  const rt = createRuntime();
  const N = 1_000;
  const BUSY_MS = 0.1;
  let caught = 0;
  let early = 0;
  const mute = rt.spawn(() => new Promise(() => {}));
  // one due time for all of them, far enough for a loaded machine to make the calls first
  const at = rt.now() + 300;
  for (let i = 0; i < N; i++) {
    rt.spawn(async () => {
      try {
        await call(mute, "never answered", { timeout: Math.max(0, at - rt.now()) });
      } catch (e) {
        expect(e).toBeInstanceOf(CallTimeoutError);
        if (rt.now() < at) early++;
        const until = performance.now() + BUSY_MS;
        while (performance.now() < until) {}
        caught++;
      }
    });
  }
  // How many catches ran between two turns of the event loop (a setImmediate chain).
  let most = 0;
  let before = 0;
  const deadline = Date.now() + 10_000; // bounded: a regression fails instead of hanging
  while (caught < N && Date.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
    most = Math.max(most, caught - before);
    before = caught;
  }
  expect(caught).toBe(N);
  expect(early).toBe(0);
  // at most a chunk (64) per burst turn, and two burst turns (the alarm's, then the
  // follow-up's) between two of the chain's; a slice of the firing alone ran all 1,000
  expect(most).toBeLessThanOrEqual(128);
  expect(rt.pendingTimers()).toBe(0);
  await rt.shutdown();
});
