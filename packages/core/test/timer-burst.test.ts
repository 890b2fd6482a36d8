// A burst of timers due at once on a real clock is fired in time slices (ADR 0004): the
// event loop gets a turn between slices, and the timers still fire in their order.
import { createRuntime, type Pid, sendAfter } from "@trellis/core";
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
