// Fair scheduling of receive loops (issue #15, item 1). On the BEAM a receive costs
// reductions, so a process that drains a full mailbox or loops on messages it sends itself
// is preempted after its slice and every other process (and the I/O ports) runs meanwhile:
// checked with `spawn(fn -> loop(self()) end)` (send to self + receive forever) while a
// second process printed on a 10 ms timer, which kept printing.
// Here the event loop (setImmediate, timers, I/O) must get turns during such loops.
import {
  BadArgumentError,
  createRuntime,
  NotInProcessError,
  type Pid,
  receive,
  self,
  send,
  sleep,
  spawn,
  TIMEOUT,
  yieldProcess,
} from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

/** Resolves when `pid` has exited (the loops below stop themselves). */
function exited(rt: ReturnType<typeof createRuntime>, pid: Pid): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!rt.isAlive(pid)) resolve();
      else setImmediate(check);
    };
    check();
  });
}

/**
 * Runs `loop` in a process of a real-clock runtime until the event loop has had a turn
 * (a setImmediate callback ran) or `limit` iterations passed. Returns how many iterations
 * ran before the event loop got its turn (`limit` if it never did).
 */
async function iterationsBeforeTurn(
  loop: (i: number) => Promise<unknown>,
  limit: number,
): Promise<number> {
  const rt = createRuntime();
  let turned = false;
  let seen = limit;
  const pid = rt.spawn(async () => {
    for (let i = 0; i < limit; i++) {
      if (turned) {
        seen = i;
        return;
      }
      await loop(i);
    }
  });
  setImmediate(() => {
    turned = true;
  });
  await exited(rt, pid);
  await rt.shutdown();
  return seen;
}

describe("fair scheduling of receive loops", () => {
  it("a process receiving what it sends itself lets the event loop run", async () => {
    const n = await iterationsBeforeTurn(async (i) => {
      send(self(), i);
      await receive();
    }, 1_000_000);
    expect(n).toBeLessThan(1_000_000);
  });

  it("a loop of receive({ timeout: 0 }) on an empty mailbox lets the event loop run", async () => {
    const n = await iterationsBeforeTurn(
      async () => expect(await receive(undefined, { timeout: 0 })).toBe(TIMEOUT),
      1_000_000,
    );
    expect(n).toBeLessThan(1_000_000);
  });

  it("a loop of sleep(0) lets the event loop run", async () => {
    const n = await iterationsBeforeTurn(() => sleep(0), 1_000_000);
    expect(n).toBeLessThan(1_000_000);
  });

  it("draining a mailbox of 200k messages lets timers and other processes run meanwhile", async () => {
    const rt = createRuntime();
    const N = 200_000;
    const events: string[] = [];
    let received = 0;
    let timerAt = -1;
    let otherAt = -1;
    const drainer = rt.spawn(async () => {
      for (let i = 0; i < N; i++) send(self(), i);
      // a timer due at once and another process that is ready to run
      setTimeout(() => {
        timerAt = received;
      }, 0);
      const me = self();
      spawn(() => {
        otherAt = received;
        send(me, "other ran");
      });
      for (let i = 0; i < N; i++) {
        const m = await receive((x) => typeof x === "number");
        if (m !== i) throw new Error(`out of order: ${String(m)} at ${i}`);
        received++;
      }
      events.push(String(await receive()));
    });
    await exited(rt, drainer);
    await rt.shutdown();
    expect(received).toBe(N);
    expect(events).toEqual(["other ran"]);
    expect(otherAt).toBeGreaterThanOrEqual(0);
    expect(otherAt).toBeLessThan(N);
    expect(timerAt).toBeGreaterThanOrEqual(0);
    expect(timerAt).toBeLessThan(N);
  });

  it("a forced yield keeps receive's semantics: order, selective match and timeout 0", async () => {
    const rt = createRuntime({ budget: 3 });
    const out: unknown[] = [];
    const pid = rt.spawn(async () => {
      for (let i = 0; i < 10; i++) send(self(), i);
      // odd numbers first (selective), then everything left in order, then TIMEOUT
      for (let i = 0; i < 5; i++) out.push(await receive((m) => (m as number) % 2 === 1));
      for (;;) {
        const m = await receive(undefined, { timeout: 0 });
        out.push(m);
        if (m === TIMEOUT) break;
      }
    });
    await exited(rt, pid);
    await rt.shutdown();
    expect(out).toEqual([1, 3, 5, 7, 9, 0, 2, 4, 6, 8, TIMEOUT]);
  });
});

describe("yieldProcess", () => {
  it("lets a ready process run first and leaves the mailbox as it is", () =>
    withRuntime(async () => {
      const order: string[] = [];
      send(self(), "kept");
      spawn(() => void order.push("other"));
      order.push("before");
      await yieldProcess();
      order.push("after");
      expect(order).toEqual(["before", "other", "after"]);
      await assertReceive((m) => m === "kept", { timeout: 0 });
    }));

  it("is refused outside a process and while a receive is pending", async () => {
    await expect(yieldProcess()).rejects.toThrow(NotInProcessError);
    await withRuntime(async () => {
      const pending = receive((m) => m === "go");
      await expect(yieldProcess()).rejects.toThrow(BadArgumentError);
      send(self(), "go");
      expect(await pending).toBe("go");
    });
  });
});
