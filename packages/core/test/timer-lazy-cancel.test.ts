// On a real clock, a cancelled callback timer (a receive's or a call's timeout answered in
// time) is only marked dead and dropped when it reaches the top of the heap; the heap is
// compacted when dead entries are the majority (ADR 0004, session 3). Real clock, short
// timeouts, every wait bounded.
import {
  createRuntime,
  downFor,
  type LogReport,
  monitor,
  type Pid,
  receive,
  self,
  send,
  spawn,
  TIMEOUT,
} from "@trellis/core";
import { expect, it } from "vitest";

/** The runtime's heap size, dead entries included (internal). */
const heapSize = (rt: object): number => (rt as { heap: { size: number } }).heap.size;

/** A worker that answers each message, waiting for each with a receive timeout of `ms`. */
function echo(ms: number): () => Promise<void> {
  return async () => {
    for (;;) {
      const m = await receive<{ from: Pid; n: number } | "stop">(undefined, { timeout: ms });
      if (m === "stop") return;
      if (m === TIMEOUT) continue; // a slow machine: a wait may expire before its message
      send(m.from, m.n);
    }
  };
}

it("answered receive timeouts leave a bounded heap and never fire", async () => {
  const logs: LogReport[] = [];
  const rt = createRuntime({ logger: { log: (r) => void logs.push(r) } });
  const sizes: number[] = [];
  await rt.run(async () => {
    // a long wait stays live all along, so the dead entries pile up behind it
    const sleeper = spawn(() => receive(undefined, { timeout: 60_000 }));
    const worker = spawn(echo(60_000));
    for (let n = 0; n < 3000; n++) {
      send(worker, { from: self(), n });
      expect(await receive()).toBe(n);
      sizes.push(heapSize(rt));
    }
    // exactly the sleeper's and the worker's current waits are live
    expect(rt.pendingTimers()).toBe(2);
    // wait for both to end: rt.run settles when this body does, not when they do
    const downs = [monitor(worker), monitor(sleeper)];
    send(worker, "stop");
    send(sleeper, "wake");
    for (const ref of downs) await receive(downFor(ref), { timeout: 5000 });
  });
  // dead entries did pile up, and compaction kept them within twice its threshold
  expect(Math.max(...sizes)).toBeGreaterThan(1000);
  expect(Math.max(...sizes)).toBeLessThanOrEqual(2 * 1024 + 2);
  expect(rt.pendingTimers()).toBe(0);
  expect(heapSize(rt)).toBe(0);
  expect(logs).toEqual([]);
  await rt.shutdown();
}, 30_000); // real clock on a shared machine: room for a slow run, still bounded

it("a live timeout behind many cancelled earlier ones fires, once, not before its time", async () => {
  const logs: LogReport[] = [];
  const rt = createRuntime({ logger: { log: (r) => void logs.push(r) } });
  const result = await rt.run(async () => {
    const main = self();
    // this one is never answered: it must time out after 40 ms
    spawn(async () => {
      const t0 = performance.now();
      const r = await receive(() => false, { timeout: 40 });
      send(main, { late: r, waited: performance.now() - t0 });
    });
    // meanwhile 300 receives with earlier timeouts (5 ms) are answered at once
    const worker = spawn(echo(5));
    for (let n = 0; n < 300; n++) {
      send(worker, { from: self(), n });
      expect(await receive((m) => m === n)).toBe(n);
    }
    const down = monitor(worker);
    send(worker, "stop");
    const late = await receive((m) => typeof m === "object" && m !== null && "late" in m, {
      timeout: 5_000, // bounded: a regression fails instead of hanging
    });
    await receive(downFor(down), { timeout: 5_000 });
    return late;
  });
  expect(result).not.toBe(TIMEOUT);
  const { late, waited } = result as { late: unknown; waited: number };
  expect(late).toBe(TIMEOUT);
  expect(waited).toBeGreaterThanOrEqual(39);
  // the dead entries were dropped on the way; none fired into a process (which would crash)
  expect(rt.pendingTimers()).toBe(0);
  expect(logs).toEqual([]);
  await rt.shutdown();
}, 30_000);
