import {
  addExitHook,
  call,
  createRuntime,
  isExit,
  NotInProcessError,
  type Pid,
  type Runtime,
  receive,
  self,
  send,
  sendAfter,
  sleep,
  spawn,
  spawnLink,
  startSpecial,
  TIMEOUT,
  trapExit,
  VirtualClock,
} from "@trellis/core";
import {
  assertNoLeaks,
  assertReceive,
  refuteReceive,
  TestAssertionError,
  withRuntime,
} from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

async function rejection(p: Promise<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await p;
  } catch (e) {
    return e;
  }
  throw new Error(`expected a rejection, got ${String(value)}`);
}

const never = (): Promise<never> => new Promise<never>(() => {});

describe("withRuntime", () => {
  it("resolves with what the body returns, and runs it in a process", async () => {
    const value = await withRuntime(async ({ self: testPid }) => {
      expect(self()).toBe(testPid);
      await sleep(10);
      return { answer: 42 };
    });
    expect(value).toEqual({ answer: 42 });
  });

  it("gives a fresh runtime with a virtual clock per test", async () => {
    const seen: Runtime[] = [];
    for (let i = 0; i < 2; i++) {
      await withRuntime(async ({ runtime, clock }) => {
        seen.push(runtime);
        expect(clock.kind).toBe("virtual");
        expect(runtime.clock).toBe(clock);
        expect(clock.now()).toBe(0);
        await sleep(86_400_000);
        expect(clock.now()).toBe(86_400_000);
      });
    }
    expect(seen[0]).not.toBe(seen[1]);
  });

  it("uses the node name it is given", () =>
    withRuntime(async ({ runtime }) => expect(self().node).toBe(runtime.node), {
      node: "test@host",
    }).then(() =>
      withRuntime(async ({ runtime }) => {
        expect(runtime.node).toBe("nonode@nohost");
      }),
    ));

  it("rejects with the very error the body throws, and still shuts the runtime down", async () => {
    const boom = new Error("assertion in the body");
    let runtime: Runtime | undefined;
    let leaked: Pid | undefined;
    const err = await rejection(
      withRuntime(async (ctx) => {
        runtime = ctx.runtime;
        leaked = spawn(never);
        throw boom;
      }),
    );
    // the body's error wins over the leak report
    expect(err).toBe(boom);
    expect(runtime?.processes()).toEqual([]);
    expect(runtime?.isAlive(leaked as Pid)).toBe(false);
    expect(() => runtime?.spawn(async () => {})).toThrow(/shut down/);
  });

  it("fails on a leaked process, naming its pid, behaviour and name", async () => {
    let leaked: Pid | undefined;
    const err = await rejection(
      withRuntime(async () => {
        leaked = (await startSpecial(() => ({ type: "ok", process: { handleMessage() {} } }), {
          behaviour: "Leaky",
          name: "leaky",
        })) as Pid;
      }),
    );
    expect(err).toBeInstanceOf(TestAssertionError);
    expect((err as Error).message).toContain(
      `process ${String(leaked)} (Leaky "leaky") is still alive`,
    );
  });

  it("fails on a leaked timer", async () => {
    const err = await rejection(
      withRuntime(async () => {
        // aimed at a name: no process owns it, nothing cancels it
        sendAfter("nobody", "tick", 60_000);
      }),
    );
    expect(err).toBeInstanceOf(TestAssertionError);
    expect((err as Error).message).toMatch(/1 timer is still pending/);
  });

  it("reports a process that keeps ticking instead of waiting for it forever", async () => {
    const err = await rejection(
      withRuntime(async () => {
        spawn(async () => {
          for (;;) await sleep(100);
        });
      }),
    );
    expect(err).toBeInstanceOf(TestAssertionError);
    expect((err as Error).message).toMatch(/process <0\.\d+\.0> is still alive/);
  });

  it("does not check leaks with allowLeaks", async () => {
    await withRuntime(
      async () => {
        spawn(never);
        sendAfter("nobody", "tick", 60_000);
      },
      { allowLeaks: true },
    );
  });

  it("stops linked processes at the end with the exit reason 'shutdown'", async () => {
    const exits: { who: string; reason: unknown }[] = [];
    let testPid: Pid | undefined;
    await withRuntime(async () => {
      testPid = self();
      const plain = spawnLink(never);
      addExitHook(plain, (reason) => exits.push({ who: "plain", reason }));
      const trapping = spawnLink(async () => {
        trapExit(true);
        const msg = await receive(isExit);
        exits.push({ who: "trapping saw", reason: [msg.from, msg.reason] });
        await sleep(1_000); // cleanup that takes (virtual) time
      });
      addExitHook(trapping, (reason) => exits.push({ who: "trapping", reason }));
      await sleep(1);
    });
    expect(exits).toEqual([
      { who: "plain", reason: "shutdown" },
      { who: "trapping saw", reason: [testPid, "shutdown"] },
      { who: "trapping", reason: "normal" },
    ]);
  });

  it("fails, instead of hanging, when the test process is killed before the body returns", async () => {
    const boom = new Error("linked crash");
    const err = await rejection(
      withRuntime(async () => {
        spawnLink(async () => {
          await sleep(10);
          throw boom;
        });
        await receive(() => false);
      }),
    );
    expect(err).toBeInstanceOf(TestAssertionError);
    expect((err as Error).message).toMatch(/test process exited/);
    expect((err as Error).message).toContain("linked crash");
    expect((err as Error).cause).toBe(boom);
  });

  it("collects the runtime's reports in logs", () =>
    withRuntime(async ({ logs }) => {
      const boom = new Error("crash for the log");
      const pid = spawn(() => {
        throw boom;
      });
      await sleep(1);
      expect(logs).toEqual([expect.objectContaining({ kind: "crash", pid, reason: boom })]);
    }));
});

describe("assertReceive and refuteReceive", () => {
  it("assertReceive returns the first matching message and leaves the others queued", () =>
    withRuntime(async () => {
      send(self(), "a");
      send(self(), { n: 1 });
      send(self(), { n: 2 });
      const msg = await assertReceive(
        (m): m is { n: number } => typeof m === "object" && m !== null && "n" in m,
      );
      expect(msg).toEqual({ n: 1 });
      expect(await receive()).toBe("a");
      expect(await receive()).toEqual({ n: 2 });
    }));

  it("assertReceive waits for a message that arrives within the timeout", () =>
    withRuntime(async ({ clock }) => {
      sendAfter(self(), "soon", 90);
      expect(await assertReceive((m) => m === "soon")).toBe("soon");
      expect(clock.now()).toBe(90);
    }));

  it("assertReceive fails after the timeout with a TestAssertionError showing the mailbox", () =>
    withRuntime(async ({ clock }) => {
      send(self(), "unrelated");
      send(self(), { other: [1, 2] });
      const err = await rejection(assertReceive((m) => m === "expected"));
      expect(err).toBeInstanceOf(TestAssertionError);
      const text = (err as Error).message;
      expect(text).toContain("within 100 ms");
      expect(text).toContain("2 message(s)");
      expect(text).toContain("unrelated");
      expect(text).toContain('{"other":[1,2]}');
      expect(clock.now()).toBe(100);
      // the mailbox is untouched
      expect(await receive()).toBe("unrelated");
      expect(await receive()).toEqual({ other: [1, 2] });
      const err2 = await rejection(assertReceive(undefined, { timeout: 5 }));
      expect((err2 as Error).message).toContain("within 5 ms");
      expect((err2 as Error).message).toContain("mailbox is empty");
    }));

  it("a message arriving just after the timeout is too late", () =>
    withRuntime(async () => {
      sendAfter(self(), "late", 101);
      await expect(assertReceive((m) => m === "late")).rejects.toBeInstanceOf(TestAssertionError);
      expect(await receive()).toBe("late");
    }));

  it("refuteReceive passes when no matching message arrives, leaving others queued", () =>
    withRuntime(async ({ clock }) => {
      send(self(), "keep me");
      await refuteReceive((m) => m === "forbidden");
      expect(clock.now()).toBe(100);
      expect(await receive()).toBe("keep me");
      await refuteReceive(undefined, { timeout: 0 });
    }));

  it("refuteReceive fails on a matching message, queued or arriving in time", () =>
    withRuntime(async () => {
      send(self(), { forbidden: true });
      const err = await rejection(refuteReceive());
      expect(err).toBeInstanceOf(TestAssertionError);
      expect((err as Error).message).toContain('{"forbidden":true}');
      sendAfter(self(), "arrives", 50);
      await expect(refuteReceive((m) => m === "arrives")).rejects.toBeInstanceOf(
        TestAssertionError,
      );
    }));

  it("both need a process", async () => {
    await expect(assertReceive()).rejects.toBeInstanceOf(NotInProcessError);
    await expect(refuteReceive()).rejects.toBeInstanceOf(NotInProcessError);
  });
});

describe("assertNoLeaks", () => {
  it("passes on an empty runtime and reports processes and timers otherwise", async () => {
    const clock = new VirtualClock({ autoAdvance: false });
    const runtime = createRuntime({ clock });
    assertNoLeaks(runtime);
    const pid = runtime.spawn(never);
    runtime.send(pid, "x");
    await clock.settle();
    expect(() => assertNoLeaks(runtime)).toThrow(TestAssertionError);
    expect(() => assertNoLeaks(runtime)).toThrow(`process ${String(pid)} is still alive`);
    runtime.exit(pid, "kill");
    assertNoLeaks(runtime);
    await runtime.run(() => {
      sendAfter("x", 1, 10);
      sendAfter("y", 2, 20);
    });
    expect(() => assertNoLeaks(runtime)).toThrow("2 timers are still pending");
    await runtime.shutdown();
    assertNoLeaks(runtime);
  });

  it("reports a call still waiting for a reply", async () => {
    const clock = new VirtualClock();
    const runtime = createRuntime({ clock });
    const server = runtime.spawn(never);
    const pending = call(server, "hello", { timeout: Number.POSITIVE_INFINITY });
    await clock.settle();
    expect(() => assertNoLeaks(runtime)).toThrow(/1 call is still waiting for a reply/);
    runtime.exit(server, "kill");
    await expect(pending).rejects.toThrow(/killed/);
    assertNoLeaks(runtime);
    await runtime.shutdown();
  });
});

describe("VirtualClock", () => {
  it("with autoAdvance false, moves only through advance, firing timers in order", async () => {
    const clock = new VirtualClock({ autoAdvance: false });
    const runtime = createRuntime({ clock });
    const got: [unknown, number][] = [];
    const pid = runtime.spawn(async () => {
      for (;;) got.push([await receive(), clock.now()]);
    });
    await runtime.run(() => {
      sendAfter(pid, "c", 300);
      sendAfter(pid, "a", 100);
      sendAfter(pid, "b", 200);
      sendAfter(pid, "a2", 100);
    });
    await clock.settle();
    expect(clock.now()).toBe(0);
    expect(got).toEqual([]);
    await clock.advance(150);
    expect(clock.now()).toBe(150);
    expect(got).toEqual([
      ["a", 100],
      ["a2", 100],
    ]);
    await clock.advance(50);
    expect(got.map(([m]) => m)).toEqual(["a", "a2", "b"]);
    await clock.advance(1_000);
    expect(clock.now()).toBe(1_200);
    expect(got).toEqual([
      ["a", 100],
      ["a2", 100],
      ["b", 200],
      ["c", 300],
    ]);
    expect(runtime.pendingTimers()).toBe(0);
    await expect(clock.advance(-1)).rejects.toBeInstanceOf(RangeError);
    await runtime.shutdown();
  });

  it("lets a process's own timers and receive timeouts run while advancing", async () => {
    const clock = new VirtualClock({ autoAdvance: false });
    const runtime = createRuntime({ clock });
    const steps: number[] = [];
    runtime.spawn(async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(100);
        steps.push(clock.now());
      }
    });
    await clock.advance(250);
    expect(steps).toEqual([100, 200]);
    await clock.advance(50);
    expect(steps).toEqual([100, 200, 300]);
    await clock.settle();
    expect(runtime.processes()).toEqual([]);
    await runtime.shutdown();
  });

  it("withRuntime with autoAdvance false keeps time still until the test advances it", () =>
    withRuntime(
      async ({ clock }) => {
        sendAfter(self(), "x", 100);
        expect(await receive(undefined, { timeout: 0 })).toBe(TIMEOUT);
        const moved = clock.advance(100);
        expect(await receive()).toBe("x");
        await moved;
        expect(clock.now()).toBe(100);
      },
      { autoAdvance: false },
    ));

  it("settle runs every runtime on the clock until idle, without moving time", async () => {
    const clock = new VirtualClock({ autoAdvance: false });
    // a tiny time slice makes the schedulers yield to the event loop all the time
    const runtimes = [
      createRuntime({ clock, node: "a@host", budget: 1, sliceMs: 0.001 }),
      createRuntime({ clock, node: "b@host", budget: 1, sliceMs: 0.001 }),
    ];
    const hops = [0, 0];
    runtimes.forEach((rt, i) => {
      const bounce = async (): Promise<void> => {
        for (;;) {
          const [n, back] = await receive<[number, Pid]>();
          hops[i] = (hops[i] as number) + 1;
          if (n > 0) send(back, [n - 1, self()]);
        }
      };
      const ping = rt.spawn(bounce);
      const pong = rt.spawn(bounce);
      rt.send(ping, [2_000, pong]);
    });
    await clock.settle();
    expect(hops).toEqual([2_001, 2_001]);
    expect(clock.now()).toBe(0);
    for (const rt of runtimes) await rt.shutdown();
  });
});
