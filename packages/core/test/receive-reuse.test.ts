// Every receive of a process reuses one waiter object (ADR 0004, session 3). These check that
// a receive never sees what an earlier one left behind: its match, its timeout, its scan.
import {
  createRuntime,
  exit,
  type Pid,
  receive,
  self,
  send,
  sleep,
  spawn,
  TIMEOUT,
} from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { expect, it } from "vitest";

it("receives in a row: timed out, answered, selective, each with its own match and timeout", () =>
  withRuntime(async ({ clock }) => {
    const main = self();
    const steps: unknown[] = [];
    const worker = spawn(async () => {
      // 1. nothing comes: times out at 100
      steps.push([await receive((m) => m === "never", { timeout: 100 }), clock.now()]);
      // 2. answered before its 1,000 ms timeout
      steps.push([await receive(undefined, { timeout: 1_000 }), clock.now()]);
      // 3. no timeout: the stale 1,000 ms timeout of step 2 must not end it
      steps.push([await receive((m) => m === "late"), clock.now()]);
      // 4. selective: skips "b" (left in the mailbox), takes "c"
      steps.push(await receive((m) => m === "c"));
      // 5. the skipped "b" is still there, first
      steps.push(await receive());
      send(main, "done");
    });
    await sleep(200);
    send(worker, "first");
    await sleep(2_000); // past step 2's old timeout
    send(worker, "late");
    send(worker, "b");
    send(worker, "c");
    expect(await receive((m) => m === "done", { timeout: 10_000 })).toBe("done");
    expect(steps).toEqual([[TIMEOUT, 100], ["first", 200], ["late", 2_200], "c", "b"]);
  }));

it("a process killed while waiting with a timeout leaves no timer, and its pid stays dead", () =>
  withRuntime(async ({ runtime, clock }) => {
    const pid: Pid = spawn(() => receive(undefined, { timeout: 500 }));
    await sleep(10);
    expect(runtime.pendingTimers()).toBe(1);
    exit(pid, "kill");
    await sleep(1);
    expect(runtime.pendingTimers()).toBe(0);
    await sleep(1_000);
    expect(clock.now()).toBeGreaterThanOrEqual(1_000);
    expect(runtime.processInfo(pid)).toBeUndefined();
  }));

it("on a real clock, an answered receive's lazily cancelled timeout never ends a later receive", async () => {
  const rt = createRuntime();
  const result = await rt.run(async () => {
    const main = self();
    // a later live timer keeps the cancelled one in the heap (else the heap is just emptied)
    const sleeper = spawn(() => receive(undefined, { timeout: 5_000 }));
    const worker = spawn(async () => {
      const first = await receive(undefined, { timeout: 100 });
      const second = await receive(undefined, { timeout: 2_000 });
      send(main, [first, second]);
    });
    // until both wait with a timer (bounded: they start on the next scheduler passes)
    for (let i = 0; i < 1_000 && rt.pendingTimers() < 2; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(rt.pendingTimers()).toBe(2);
    send(worker, "now");
    await new Promise((resolve) => setTimeout(resolve, 250)); // past the first timeout
    send(worker, "later");
    send(sleeper, "wake");
    return receive((m) => Array.isArray(m), { timeout: 5_000 });
  });
  expect(result).toEqual(["now", "later"]);
  await rt.shutdown();
});
