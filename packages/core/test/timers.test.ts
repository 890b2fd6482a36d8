import {
  BadArgumentError,
  CancelTimerMessage,
  cancelTimer,
  exit,
  isCancelTimer,
  isTimeout,
  type Pid,
  Ref,
  readTimer,
  receive,
  register,
  self,
  send,
  sendAfter,
  sendInterval,
  sleep,
  spawn,
  startTimer,
  TIMEOUT,
  TimeoutMessage,
  unregister,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

const waitForever = (): Promise<unknown> => receive(() => false);

describe("sendAfter (item 25)", () => {
  it("delivers the bare message after the delay", () =>
    withRuntime(async ({ clock }) => {
      const msg = { tick: 1 };
      const ref = sendAfter(self(), msg, 1500);
      expect(Ref.is(ref)).toBe(true);
      expect(await receive()).toBe(msg);
      expect(clock.now()).toBe(1500);
    }));

  it("does not deliver early", () =>
    withRuntime(async ({ clock }) => {
      sendAfter(self(), "late", 1000);
      expect(await receive(undefined, { timeout: 999 })).toBe(TIMEOUT);
      expect(clock.now()).toBe(999);
      expect(await receive(undefined, { timeout: 1 })).toBe("late");
      expect(clock.now()).toBe(1000);
    }));

  it("readTimer and cancelTimer give the remaining ms, then false", () =>
    withRuntime(async ({ runtime }) => {
      const ref = sendAfter(self(), "never", 1000);
      expect(readTimer(ref)).toBe(1000);
      await sleep(300);
      expect(readTimer(ref)).toBe(700);
      expect(runtime.pendingTimers()).toBe(1);
      expect(cancelTimer(ref)).toBe(700);
      expect(runtime.pendingTimers()).toBe(0);
      expect(readTimer(ref)).toBe(false);
      expect(cancelTimer(ref)).toBe(false);
      await refuteReceive(undefined, { timeout: 2000 });
    }));

  it("after firing, readTimer and cancelTimer give false and the message is in the mailbox", () =>
    withRuntime(async () => {
      const ref = sendAfter(self(), "fired", 100);
      await sleep(100);
      expect(readTimer(ref)).toBe(false);
      expect(cancelTimer(ref)).toBe(false);
      expect(await receive(undefined, { timeout: 0 })).toBe("fired");
    }));

  it("timers fire in due order, ties in creation order", () =>
    withRuntime(async () => {
      sendAfter(self(), "c", 30);
      sendAfter(self(), "a", 10);
      sendAfter(self(), "b1", 20);
      sendAfter(self(), "b2", 20);
      const got = [await receive(), await receive(), await receive(), await receive()];
      expect(got).toEqual(["a", "b1", "b2", "c"]);
    }));

  it("a timer to a dead pid is inert", () =>
    withRuntime(async ({ runtime }) => {
      const dead = spawn(() => undefined);
      await sleep(1);
      const ref = sendAfter(dead, "x", 100);
      expect(Ref.is(ref)).toBe(true);
      expect(readTimer(ref)).toBe(false);
      expect(runtime.pendingTimers()).toBe(0);
    }));
});

describe("virtual time and cancelled timers", () => {
  /** Lets the host event loop turn a few times while the runtime is idle. */
  async function hostWait(): Promise<void> {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  }

  it("a cancelled timer does not move virtual time", () =>
    withRuntime(async ({ clock }) => {
      cancelTimer(sendAfter(self(), "x", 5000));
      await hostWait();
      expect(clock.now()).toBe(0);
    }));

  it("cancelling the earliest of several timers: virtual time skips its due time", () =>
    withRuntime(async ({ clock }) => {
      const early = sendAfter(self(), "early", 100);
      const late = sendAfter(self(), "late", 5000);
      cancelTimer(early);
      // while the runtime is idle the clock jumps to the next live timer, never to 100
      const seen = new Set<number>();
      for (let i = 0; i < 20; i++) {
        seen.add(clock.now());
        await new Promise((r) => setImmediate(r));
      }
      expect([...seen].filter((t) => t !== 0 && t !== 5000)).toEqual([]);
      expect(readTimer(late)).toBe(false);
      expect(await receive()).toBe("late");
      expect(clock.now()).toBe(5000);
    }));

  it("a receive satisfied before its timeout does not move virtual time", () =>
    withRuntime(async ({ clock }) => {
      send(self(), "here");
      const p = receive((m) => m === "later", { timeout: 5000 });
      send(self(), "later");
      expect(await p).toBe("later");
      await hostWait();
      expect(clock.now()).toBe(0);
      expect(await receive()).toBe("here");
    }));
});

describe("absolute time and zero (item 26)", () => {
  it("abs: true fires at that instant of the monotonic clock", () =>
    withRuntime(async ({ clock }) => {
      await sleep(100);
      const ref = sendAfter(self(), "at 600", 600, { abs: true });
      expect(readTimer(ref)).toBe(500);
      expect(await receive()).toBe("at 600");
      expect(clock.now()).toBe(600);
    }));

  it("abs: true with a time already past delivers at once", () =>
    withRuntime(async ({ clock }) => {
      await sleep(100);
      sendAfter(self(), "past", 50, { abs: true });
      expect(await receive()).toBe("past");
      expect(clock.now()).toBe(100);
    }));

  it("a timeout of 0 delivers at once", () =>
    withRuntime(async ({ clock }) => {
      await sleep(42);
      const ref = sendAfter(self(), "now", 0);
      expect(readTimer(ref)).toBe(0);
      expect(await receive()).toBe("now");
      expect(clock.now()).toBe(42);
      expect(readTimer(ref)).toBe(false);
    }));
});

describe("cancelTimer async (item 27)", () => {
  it("returns undefined at once and later delivers CancelTimerMessage with the remaining ms", () =>
    withRuntime(async () => {
      const ref = sendAfter(self(), "never", 1000);
      await sleep(250);
      expect(cancelTimer(ref, { async: true })).toBeUndefined();
      const msg = await assertReceive(isCancelTimer);
      expect(msg).toBeInstanceOf(CancelTimerMessage);
      expect(msg.type).toBe("cancel_timer");
      expect(msg.ref).toBe(ref);
      expect(msg.remaining).toBe(750);
      expect(readTimer(ref)).toBe(false);
      await refuteReceive((m) => m === "never", { timeout: 2000 });
    }));

  it("delivers remaining false for a timer that already fired", () =>
    withRuntime(async () => {
      const ref = sendAfter(self(), "done", 10);
      expect(await receive()).toBe("done");
      cancelTimer(ref, { async: true });
      const msg = await assertReceive(isCancelTimer);
      expect(msg.ref).toBe(ref);
      expect(msg.remaining).toBe(false);
    }));

  it("isCancelTimer rejects look-alikes", () => {
    expect(isCancelTimer({ type: "cancel_timer", ref: null, remaining: false })).toBe(false);
    expect(isTimeout({ type: "timeout" })).toBe(false);
  });
});

describe("timers and process death, names (item 28)", () => {
  it("a timer aimed at a pid is cancelled when that pid dies", () =>
    withRuntime(async ({ runtime }) => {
      const target = spawn(waitForever);
      const a = sendAfter(target, "one", 1000);
      const b = startTimer(target, "two", 5000);
      const mine = sendAfter(self(), "mine", 2000);
      expect(runtime.pendingTimers()).toBe(3);
      expect(readTimer(a)).toBe(1000);
      exit(target, "kill");
      expect(readTimer(a)).toBe(false);
      expect(readTimer(b)).toBe(false);
      expect(cancelTimer(a)).toBe(false);
      expect(runtime.pendingTimers()).toBe(1);
      expect(readTimer(mine)).toBe(2000);
      expect(await receive()).toBe("mine");
      expect(runtime.pendingTimers()).toBe(0);
    }));

  it("a timer aimed at a name resolves the name when it fires", () =>
    withRuntime(async () => {
      const me = self();
      const first = spawn(async () => {
        await receive((m) => m === "hello");
        throw new Error("first should not get it");
      });
      register("target", first);
      const ref = sendAfter("target", "hello", 100);
      expect(readTimer(ref)).toBe(100);
      // the name moves before the timer fires
      unregister("target");
      register("target", me);
      expect(await receive()).toBe("hello");
      exit(first, "kill");
    }));

  it("a timer aimed at a name nobody holds when it fires is dropped silently", () =>
    withRuntime(async ({ runtime, logs }) => {
      const holder = spawn(waitForever);
      register("gone_soon", holder);
      const ref = sendAfter("gone_soon", "lost", 100);
      exit(holder, "kill");
      // not tied to the process: still pending
      expect(readTimer(ref)).toBe(100);
      await sleep(200);
      expect(readTimer(ref)).toBe(false);
      expect(runtime.pendingTimers()).toBe(0);
      expect(logs).toEqual([]);
      // a name that never existed is fine too
      sendAfter("never_there", "x", 10);
      await sleep(20);
      await refuteReceive();
    }));
});

describe("startTimer (item 29)", () => {
  it("delivers a TimeoutMessage carrying the ref and the message", () =>
    withRuntime(async ({ clock }) => {
      const payload = { job: 7 };
      const ref = startTimer(self(), payload, 300);
      expect(readTimer(ref)).toBe(300);
      const msg = await assertReceive(isTimeout, { timeout: 1000 });
      expect(msg).toBeInstanceOf(TimeoutMessage);
      expect(msg.type).toBe("timeout");
      expect(msg.ref).toBe(ref);
      expect(msg.message).toBe(payload);
      expect(clock.now()).toBe(300);
    }));

  it("can be cancelled like sendAfter", () =>
    withRuntime(async () => {
      const ref = startTimer(self(), "x", 300);
      expect(cancelTimer(ref)).toBe(300);
      await refuteReceive(isTimeout, { timeout: 1000 });
    }));
});

describe("bad arguments", () => {
  it("rejects negative, NaN and infinite times", () =>
    withRuntime(async ({ runtime }) => {
      const me = self();
      for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        expect(() => sendAfter(me, "x", ms)).toThrow(BadArgumentError);
        expect(() => startTimer(me, "x", ms)).toThrow(BadArgumentError);
      }
      expect(() => sendAfter(me, "x", "10" as unknown as number)).toThrow(BadArgumentError);
      expect(() => sendAfter(me, "x", Number.NaN, { abs: true })).toThrow(BadArgumentError);
      expect(() => sendAfter(me, "x", Number.POSITIVE_INFINITY, { abs: true })).toThrow(
        BadArgumentError,
      );
      expect(runtime.pendingTimers()).toBe(0);
    }));

  it("rejects a destination that is neither a pid nor a name", () =>
    withRuntime(async () => {
      expect(() => sendAfter(42 as unknown as Pid, "x", 10)).toThrow(/destination/);
      expect(() => startTimer(null as unknown as Pid, "x", 10)).toThrow(BadArgumentError);
    }));

  it("readTimer and cancelTimer of an unknown ref give false", () =>
    withRuntime(async ({ runtime }) => {
      expect(readTimer(runtime.makeRef())).toBe(false);
      expect(cancelTimer(runtime.makeRef())).toBe(false);
    }));

  it("internal receive timeouts are not visible as timers", () =>
    withRuntime(async ({ runtime }) => {
      const me = self();
      const pid = spawn(async () => {
        await receive(() => false, { timeout: 1000 });
      });
      await sleep(1);
      expect(runtime.pendingTimers()).toBe(1);
      void me;
      void pid;
    }));
});

describe("scale", () => {
  it("100,000 pending timers are cheap and fire in due order", () =>
    withRuntime(async ({ runtime, clock }) => {
      const n = 100_000;
      const me = self();
      // 1000 distinct delays, 100 timers each, created in a scrambled order (7919 is prime)
      const delayOf = (i: number): number => ((i * 7919) % 1000) + 1;
      for (let i = 0; i < n; i++) sendAfter(me, i, delayOf(i));
      expect(runtime.pendingTimers()).toBe(n);
      await sleep(1000);
      expect(clock.now()).toBe(1000);
      expect(runtime.pendingTimers()).toBe(0);
      expect(runtime.processInfo(me)?.messageQueueLength).toBe(n);
      // due order, and creation order among timers due at the same time
      let prev = -1;
      let inOrder = true;
      for (let k = 0; k < n; k++) {
        const i = (await receive()) as number;
        if (prev >= 0 && (delayOf(i) < delayOf(prev) || (delayOf(i) === delayOf(prev) && i < prev)))
          inOrder = false;
        prev = i;
      }
      expect(inOrder).toBe(true);
      expect(delayOf(prev)).toBe(1000);
    }));
});

// BEAM (OTP 25): {ok, TRef} = timer:send_interval(10, Pid, tick) sends tick every 10 ms
// until timer:cancel(TRef); it keeps going after the process that set it up has died.
describe("sendInterval", () => {
  it("sends every period at a fixed rate until cancelled, under one reference", () =>
    withRuntime(async ({ clock, runtime }) => {
      const ref = sendInterval(self(), "tick", 100);
      const at: number[] = [];
      for (let i = 0; i < 3; i++) {
        await assertReceive((m) => m === "tick", { timeout: 1000 });
        at.push(clock.now());
      }
      expect(at).toEqual([100, 200, 300]);
      expect(readTimer(ref)).toBe(100);
      await sleep(50);
      expect(readTimer(ref)).toBe(50);
      expect(cancelTimer(ref)).toBe(50);
      expect(cancelTimer(ref)).toBe(false);
      expect(runtime.pendingTimers()).toBe(0);
      await refuteReceive((m) => m === "tick", { timeout: 500 });
    }));

  it("outlives the process that set it up, and dies with its target", () =>
    withRuntime(async ({ runtime }) => {
      const me = self();
      const target = spawn(async () => {
        for (;;) send(me, { got: await receive() });
      });
      const setter = spawn(() => void send(me, { ref: sendInterval(target, "tick", 10) }));
      const { ref } = await assertReceive(
        (m): m is { ref: Ref } => typeof m === "object" && m !== null && "ref" in m,
      );
      expect(runtime.isAlive(setter)).toBe(false);
      await assertReceive((m) => typeof m === "object" && m !== null && "got" in m, {
        timeout: 100,
      });
      await assertReceive((m) => typeof m === "object" && m !== null && "got" in m, {
        timeout: 100,
      });
      exit(target, "kill");
      await sleep(1);
      expect(readTimer(ref)).toBe(false);
      expect(runtime.pendingTimers()).toBe(0);
    }));

  it("to a name skips the periods when nobody holds it; bad periods are rejected", () =>
    withRuntime(async () => {
      const ref = sendInterval("ticker", "tick", 10);
      await sleep(25); // two periods with nobody registered
      register("ticker", self());
      await assertReceive((m) => m === "tick", { timeout: 10 });
      unregister("ticker");
      cancelTimer(ref);
      for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, "1"]) {
        expect(() => sendInterval(self(), "x", bad as number)).toThrow(BadArgumentError);
      }
      expect(() => sendInterval(42 as never, "x", 10)).toThrow(BadArgumentError);
    }));
});
