import {
  BadArgumentError,
  createRuntime,
  downFor,
  monitor,
  NotInProcessError,
  Pid,
  receive,
  register,
  self,
  send,
  sleep,
  spawn,
  spawnLink,
  TIMEOUT,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

/** A process that forwards everything it receives to `to`, tagged with its own pid. */
function forwarder(to: Pid): (me: Pid) => Promise<void> {
  return async (me) => {
    for (;;) send(to, { from: me, msg: await receive() });
  };
}

/** Drains the caller's mailbox without waiting. */
async function drain(): Promise<unknown[]> {
  const out: unknown[] = [];
  for (;;) {
    const m = await receive(undefined, { timeout: 0 });
    if (m === TIMEOUT) return out;
    out.push(m);
  }
}

describe("send (items 1-2)", () => {
  it("delivers to a pid and returns the message itself", () =>
    withRuntime(async () => {
      const msg = { hello: "world" };
      expect(send(self(), msg)).toBe(msg);
      expect(await receive()).toBe(msg);
    }));

  it("to a dead pid succeeds silently and returns the message", () =>
    withRuntime(async ({ runtime }) => {
      const dead = spawn(() => undefined);
      await sleep(1);
      expect(runtime.isAlive(dead)).toBe(false);
      expect(send(dead, "into the void")).toBe("into the void");
      expect(runtime.send(dead, 42)).toBe(42);
      await refuteReceive();
    }));

  it("to an unregistered name throws BadArgumentError", () =>
    withRuntime(async ({ runtime }) => {
      expect(() => send("nobody_here", "hi")).toThrow(BadArgumentError);
      expect(() => runtime.send("nobody_here", "hi")).toThrow(/nobody_here/);
      try {
        send("nobody_here", 1);
        expect.unreachable();
      } catch (e) {
        expect((e as BadArgumentError).code).toBe("badarg");
      }
    }));

  it("to a destination that is neither a pid nor a name throws BadArgumentError", () =>
    withRuntime(async () => {
      expect(() => send(42 as unknown as string, "x")).toThrow(BadArgumentError);
      expect(() => send({} as unknown as string, "x")).toThrow(BadArgumentError);
    }));

  it("to a registered name reaches the holder", () =>
    withRuntime(async () => {
      const me = self();
      const echo = spawnLink(forwarder(me));
      register("echo", echo);
      expect(send("echo", "via name")).toBe("via name");
      expect(await receive()).toEqual({ from: echo, msg: "via name" });
    }));

  it("works from outside any process when given a pid", async () => {
    const rt = createRuntime({ clock: "virtual" });
    const got = rt.run(() => receive());
    await new Promise((r) => setImmediate(r));
    const [pid] = rt.processes();
    expect(send(pid as Pid, "from the host")).toBe("from the host");
    expect(await got).toBe("from the host");
    expect(rt.processes()).toEqual([]);
    await rt.shutdown();
  });
});

describe("ordering (item 3)", () => {
  it("keeps the order of messages from one sender to one receiver", () =>
    withRuntime(async () => {
      const me = self();
      spawn(() => {
        for (let i = 0; i < 1000; i++) send(me, i);
      });
      const got: unknown[] = [];
      for (let i = 0; i < 1000; i++) got.push(await receive());
      expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    }));

  it("keeps per-sender order when two senders interleave", () =>
    withRuntime(async () => {
      const me = self();
      const send10 = (tag: string) => async () => {
        for (let i = 0; i < 10; i++) {
          send(me, [tag, i]);
          await Promise.resolve();
        }
      };
      spawn(send10("a"));
      spawn(send10("b"));
      const got: [string, number][] = [];
      for (let i = 0; i < 20; i++) got.push(await receive());
      const a = got.filter(([t]) => t === "a").map(([, n]) => n);
      const b = got.filter(([t]) => t === "b").map(([, n]) => n);
      expect(a).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(b).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }));
});

type Tagged = readonly [string, number];
const tagged =
  (tag: string) =>
  (m: unknown): m is Tagged =>
    Array.isArray(m) && m[0] === tag;

describe("selective receive (item 4)", () => {
  it("takes the oldest match and leaves the others in order", () =>
    withRuntime(async () => {
      send(self(), ["a", 1]);
      send(self(), ["b", 2]);
      send(self(), ["a", 3]);
      const [, x] = await receive(tagged("b"));
      expect(x).toBe(2);
      expect(await drain()).toEqual([
        ["a", 1],
        ["a", 3],
      ]);
    }));

  it("takes the oldest of several matches", () =>
    withRuntime(async () => {
      for (const m of [
        ["b", 1],
        ["a", 2],
        ["b", 3],
        ["a", 4],
      ] as const)
        send(self(), m);
      expect(await receive(tagged("a"))).toEqual(["a", 2]);
      expect(await receive(tagged("a"))).toEqual(["a", 4]);
      expect(await drain()).toEqual([
        ["b", 1],
        ["b", 3],
      ]);
    }));

  it("waits past non-matching messages that arrive later, then takes the match", () =>
    withRuntime(async () => {
      const me = self();
      spawn(async () => {
        send(me, ["x", 1]);
        await sleep(10);
        send(me, ["x", 2]);
        send(me, ["y", 3]);
        send(me, ["x", 4]);
      });
      expect(await receive(tagged("y"))).toEqual(["y", 3]);
      expect(await drain()).toEqual([
        ["x", 1],
        ["x", 2],
        ["x", 4],
      ]);
    }));

  it("with no matcher takes the oldest message", () =>
    withRuntime(async () => {
      send(self(), "first");
      send(self(), "second");
      expect(await receive()).toBe("first");
      expect(await receive()).toBe("second");
    }));

  it("a matcher that throws crashes the process with that error", () =>
    withRuntime(async ({ runtime }) => {
      const boom = new Error("bad matcher");
      const pid = spawn(async () => {
        await receive(() => {
          throw boom;
        });
      });
      const ref = monitor(pid);
      send(pid, "anything");
      const down = await assertReceive(downFor(ref));
      expect(down.reason).toBe(boom);
      expect(runtime.isAlive(pid)).toBe(false);
    }));
});

describe("receive timeouts (items 5-6)", () => {
  it("timeout 0 scans the mailbox once and takes a match", () =>
    withRuntime(async () => {
      send(self(), "no");
      send(self(), "yes");
      expect(await receive((m) => m === "yes", { timeout: 0 })).toBe("yes");
      expect(await drain()).toEqual(["no"]);
    }));

  it("timeout 0 with no match returns TIMEOUT at once without arming a timer", () =>
    withRuntime(async ({ clock, runtime }) => {
      send(self(), "no");
      const p = receive((m) => m === "yes", { timeout: 0 });
      expect(runtime.pendingTimers()).toBe(0);
      expect(await p).toBe(TIMEOUT);
      expect(clock.now()).toBe(0);
      expect(await drain()).toEqual(["no"]);
    }));

  it("timeout 0 does not wait for a message another process is about to send", () =>
    withRuntime(async () => {
      const me = self();
      spawn(() => send(me, "soon"));
      expect(await receive(undefined, { timeout: 0 })).toBe(TIMEOUT);
      expect(await receive()).toBe("soon");
    }));

  it("a finite timeout returns TIMEOUT after exactly that long", () =>
    withRuntime(async ({ clock }) => {
      expect(await receive(() => true, { timeout: 250 })).toBe(TIMEOUT);
      expect(clock.now()).toBe(250);
    }));

  it("a message arriving before the timeout wins and cancels the timer", () =>
    withRuntime(async ({ clock, runtime }) => {
      const me = self();
      spawn(async () => {
        await sleep(100);
        send(me, "in time");
      });
      expect(await receive(undefined, { timeout: 500 })).toBe("in time");
      expect(clock.now()).toBe(100);
      expect(runtime.pendingTimers()).toBe(0);
    }));

  it("Infinity waits as long as it takes and arms no timer", () =>
    withRuntime(async ({ clock, runtime }) => {
      const me = self();
      spawn(async () => {
        await sleep(3_600_000);
        send(me, "an hour later");
      });
      const p = receive(undefined, { timeout: Number.POSITIVE_INFINITY });
      // the sender has not run yet, and the receive itself armed nothing
      expect(runtime.pendingTimers()).toBe(0);
      expect(await p).toBe("an hour later");
      expect(clock.now()).toBe(3_600_000);
    }));

  it("timeouts above 2^31-1 ms are legal and do not wake early", () =>
    withRuntime(async ({ clock }) => {
      await sleep(2 ** 32);
      expect(clock.now()).toBe(2 ** 32);
      expect(await receive(() => false, { timeout: 2 ** 31 })).toBe(TIMEOUT);
      expect(clock.now()).toBe(2 ** 32 + 2 ** 31);
    }));

  it("TIMEOUT is a registered symbol", () => {
    expect(typeof TIMEOUT).toBe("symbol");
    expect(TIMEOUT).toBe(Symbol.for("trellis.receive.timeout"));
  });

  it("rejects a negative or NaN timeout", () =>
    withRuntime(async () => {
      expect(() => receive(undefined, { timeout: -1 })).toThrow(BadArgumentError);
      expect(() => receive(undefined, { timeout: Number.NaN })).toThrow(BadArgumentError);
      await expect(sleep(-5)).rejects.toThrow(BadArgumentError);
    }));

  it("rejects a matcher that is not a function", () =>
    withRuntime(async () => {
      expect(() => receive("x" as unknown as () => boolean)).toThrow(BadArgumentError);
    }));
});

describe("one receive at a time", () => {
  it("a second concurrent receive is rejected and the first still works", () =>
    withRuntime(async () => {
      const first = receive((m) => m === "one");
      expect(() => receive()).toThrow(BadArgumentError);
      expect(() => receive()).toThrow(/already waiting/);
      send(self(), "one");
      expect(await first).toBe("one");
      // after the first has resolved, receiving works again
      send(self(), "two");
      expect(await receive()).toBe("two");
    }));
});

describe("self()", () => {
  it("is the pid of the calling process, also after await", () =>
    withRuntime(async ({ self: me }) => {
      expect(self()).toBe(me);
      await Promise.resolve();
      await new Promise((r) => setImmediate(r));
      expect(self()).toBe(me);
      await sleep(10);
      expect(self()).toBe(me);
    }));

  it("is each process's own pid in interleaved processes", () =>
    withRuntime(async () => {
      const me = self();
      const child = async (pid: Pid) => {
        await Promise.resolve();
        send(me, [pid, self()]);
        await sleep(5);
        send(me, [pid, self()]);
      };
      const a = spawn(child);
      const b = spawn(child);
      const got = [await receive(), await receive(), await receive(), await receive()];
      for (const [given, seen] of got as [Pid, Pid][]) expect(seen).toBe(given);
      expect(new Set(got.map((g) => (g as Pid[])[0]))).toEqual(new Set([a, b]));
    }));

  it("outside a process throws NotInProcessError", async () => {
    expect(() => self()).toThrow(NotInProcessError);
    const rt = createRuntime({ clock: "virtual" });
    const inside = await rt.run(async () => {
      await Promise.resolve();
      return self();
    });
    expect(Pid.is(inside)).toBe(true);
    // once the process is over, the code calling back here is outside again
    try {
      self();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NotInProcessError);
      expect((e as NotInProcessError).code).toBe("not_in_process");
      expect((e as Error).message).toMatch(/self\(\)/);
    }
    await rt.shutdown();
  });

  it("receive outside a process throws NotInProcessError", () => {
    expect(() => receive()).toThrow(NotInProcessError);
  });
});
