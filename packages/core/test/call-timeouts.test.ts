// Call timeouts live in deadline buckets (ADR 0004, session 4): one heap entry for the calls
// due in the same millisecond. They fire in the order they were due and armed, never early,
// interleaved with other timers due at the same time in the order those were made; an
// answered or abandoned call leaves nothing pending.
import {
  CallTimeoutError,
  call,
  createRuntime,
  exit,
  isCallRequest,
  type Pid,
  receive,
  reply,
  self,
  send,
  setMessageHandler,
  spawn,
} from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import { expect, it } from "vitest";
import { runFixture } from "./support/fixture.js";

/** A process that never answers its calls. */
function silent(): Pid {
  return spawn(() => {
    setMessageHandler(() => {});
  });
}

/** A process that answers every call with its request. */
function echo(): Pid {
  return spawn(() => {
    setMessageHandler((msg) => {
      if (isCallRequest(msg)) reply(msg.from, msg.request);
    });
  });
}

/** Makes a call from a new process, which reports `{ tag, at, timedOut }` to `to`. */
function caller(to: Pid, server: Pid, tag: unknown, timeout: number): Pid {
  return spawn(async () => {
    try {
      await call(server, tag, { timeout });
      send(to, { tag, timedOut: false });
    } catch (e) {
      send(to, { tag, timedOut: e instanceof CallTimeoutError });
    }
  });
}

it("timeouts due together fire in the order they were armed, between the other timers made among them", () =>
  withRuntime(async ({ runtime }) => {
    const me = self();
    const server = silent();
    const order: unknown[] = [];
    const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
    // a, b, then a receive timeout, then c, d: all due at 100 (virtual time)
    const at = runtime.now() + 100;
    caller(me, server, "a", 100);
    caller(me, server, "b", 100);
    await turn(); // the callers have made their calls
    spawn(async () => {
      await receive(() => false, { timeout: 100 });
      send(me, { tag: "receive" });
    });
    await turn();
    caller(me, server, "c", 100);
    caller(me, server, "d", 100);
    caller(me, server, "later", 150);
    for (let i = 0; i < 6; i++) {
      const m = (await receive()) as { tag: unknown };
      order.push(m.tag);
    }
    exit(server, "kill");
    expect(order).toEqual(["a", "b", "receive", "c", "d", "later"]);
    expect(runtime.now()).toBe(at + 50);
    expect(runtime.pendingTimers()).toBe(0);
    expect(runtime.pendingCalls()).toBe(0);
  }));

it("a call's timeout fires at its due time exactly on a virtual clock, not before", () =>
  withRuntime(
    async ({ runtime, clock }) => {
      const me = self();
      const server = silent();
      const t0 = runtime.now();
      caller(me, server, "x", 250);
      await clock.advance(249.5);
      expect(runtime.pendingTimers()).toBe(1);
      await clock.advance(0.5);
      await assertReceive((m) => (m as { tag?: unknown }).tag === "x");
      expect(runtime.now()).toBe(t0 + 250);
      exit(server, "kill");
    },
    { autoAdvance: false },
  ));

it("an answered call, or one whose caller exits, leaves no timer and no call pending", () =>
  withRuntime(async ({ runtime }) => {
    const server = echo();
    for (let i = 0; i < 100; i++) expect(await call(server, i, { timeout: 1000 })).toBe(i);
    expect(runtime.pendingTimers()).toBe(0);
    const quiet = silent();
    const doomed = spawn(async () => {
      await call(quiet, "never", { timeout: 60_000 });
    });
    await new Promise((r) => setImmediate(r));
    expect(runtime.pendingTimers()).toBe(1);
    expect(runtime.pendingCalls()).toBe(1);
    exit(doomed, "kill");
    expect(runtime.pendingTimers()).toBe(0);
    expect(runtime.pendingCalls()).toBe(0);
    exit(server, "kill");
    exit(quiet, "kill");
  }));

it("on the real clock, call timeouts never fire early, and a burst of them all fires, in order", async () => {
  // a tiny slice: the burst is cut into many turns of the event loop
  const rt = createRuntime({ sliceMs: 0.001 });
  const N = 3_000;
  const TIMEOUT = 30;
  const results = await rt.run(async () => {
    const me = self();
    const server = silent();
    const early: number[] = [];
    for (let i = 0; i < N; i++) {
      spawn(async () => {
        const t0 = performance.now();
        try {
          await call(server, i, { timeout: TIMEOUT });
        } catch (e) {
          if (!(e instanceof CallTimeoutError)) throw e;
          if (performance.now() - t0 < TIMEOUT) early.push(i);
          send(me, i);
        }
      });
    }
    const got: number[] = [];
    for (let i = 0; i < N; i++) got.push((await receive(undefined, { timeout: 10_000 })) as number);
    exit(server, "kill");
    return { got, early };
  });
  expect(results.early).toEqual([]);
  // armed in spawn order, each bucket in the order its calls joined
  expect(results.got).toEqual(Array.from({ length: N }, (_, i) => i));
  expect(rt.pendingTimers()).toBe(0);
  expect(rt.pendingCalls()).toBe(0);
  await rt.shutdown();
});

it("answered calls on the real clock do not keep Node alive until their timeouts", async () => {
  // the timeouts were 60 s away; the fixture is killed at 30 s so a regression fails instead of hanging
  const { out, err, code, ms } = await runFixture("answered-call.ts");
  expect(err).toBe("");
  expect(out.trim()).toBe("done");
  expect(code).toBe(0);
  expect(ms).toBeLessThan(20_000);
});

it("under a mix of answered calls, timeouts and other timers, only unanswered calls time out, none early", async () => {
  const rt = createRuntime();
  const CALLERS = 50;
  const CALLS = 200;
  const counts = await rt.run(async () => {
    const me = self();
    const answering = echo();
    const server = silent();
    let answered = 0;
    let timedOut = 0;
    const wrong: string[] = [];
    for (let c = 0; c < CALLERS; c++) {
      spawn(async () => {
        for (let i = 0; i < CALLS; i++) {
          const toSilent = i % 5 === 0;
          const timeout = toSilent ? 20 + (i % 7) : 60_000;
          const t0 = performance.now();
          try {
            await call(toSilent ? server : answering, i, { timeout });
            answered++;
            if (toSilent) wrong.push(`the silent server answered call ${i}`);
          } catch (e) {
            timedOut++;
            if (!toSilent || !(e instanceof CallTimeoutError)) wrong.push(`call ${i} failed: ${e}`);
            else if (performance.now() - t0 < timeout) wrong.push(`call ${i} timed out early`);
          }
          // other timers among the calls' timeouts (they close the current deadline bucket)
          if (i % 50 === 0) await receive(() => false, { timeout: 1 });
        }
        send(me, "done");
      });
    }
    for (let c = 0; c < CALLERS; c++) await receive((m) => m === "done", { timeout: 30_000 });
    exit(answering, "kill");
    exit(server, "kill");
    return { answered, timedOut, wrong };
  });
  expect(counts.wrong).toEqual([]);
  expect(counts.answered).toBe((CALLERS * CALLS * 4) / 5);
  expect(counts.timedOut).toBe((CALLERS * CALLS) / 5);
  expect(rt.pendingTimers()).toBe(0);
  expect(rt.pendingCalls()).toBe(0);
  await rt.shutdown();
});
