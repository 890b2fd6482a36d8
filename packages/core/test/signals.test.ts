import {
  type DownMessage,
  downFor,
  ExitError,
  type ExitMessage,
  exit,
  exitFrom,
  isAlive,
  isDown,
  isExit,
  link,
  monitor,
  NoProcessError,
  type Pid,
  ProcessExitedError,
  receive,
  self,
  send,
  sleep,
  spawn,
  spawnLink,
  TIMEOUT,
  trapExit,
  unlink,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

/** Process code that waits forever (until a signal ends it). */
const waitForever = (): Promise<unknown> => receive(() => false);

/** Process code that waits for one message, then exits with `reason` via `exit(reason)`. */
const exitOnCue = (reason: unknown) => async (): Promise<void> => {
  await receive((m) => m === "go");
  exit(reason);
};

/** Everything in the mailbox right now, oldest first. */
async function mailbox(): Promise<unknown[]> {
  const out: unknown[] = [];
  for (;;) {
    const m = await receive(undefined, { timeout: 0 });
    if (m === TIMEOUT) return out;
    out.push(m);
  }
}

/**
 * Spawns `b` (not trapping) which links to a child that exits with `reason` on cue. Returns
 * b's DOWN as seen by the test process, or TIMEOUT if b survived (then b is told to stop).
 */
async function fateOfLinkedBystander(reason: unknown): Promise<DownMessage | typeof TIMEOUT> {
  const me = self();
  const b = spawn(async () => {
    const c = spawnLink(exitOnCue(reason));
    send(me, c);
    await receive((m) => m === "stop");
  });
  const bRef = monitor(b);
  const c = (await receive()) as Pid;
  const cRef = monitor(c);
  send(c, "go");
  const cDown = await assertReceive(downFor(cRef));
  expect(cDown.reason).toBe(reason);
  const bDown = await receive(downFor(bRef), { timeout: 50 });
  if (bDown === TIMEOUT) {
    expect(isAlive(b)).toBe(true);
    send(b, "stop");
    expect((await assertReceive(downFor(bRef))).reason).toBe("normal");
  }
  return bDown;
}

describe("links and exit reasons (items 7-8)", () => {
  it("a linked process exiting normal leaves a non-trapping partner alive", () =>
    withRuntime(async () => {
      expect(await fateOfLinkedBystander("normal")).toBe(TIMEOUT);
    }));

  it("a linked process returning normally leaves a non-trapping partner alive", () =>
    withRuntime(async () => {
      const me = self();
      const b = spawn(async () => {
        spawnLink(() => "done");
        await sleep(10);
        send(me, "b survived");
        await receive((m) => m === "stop");
      });
      await assertReceive((m) => m === "b survived");
      expect(isAlive(b)).toBe(true);
      exit(b, "kill");
    }));

  for (const [label, reason] of [
    ["shutdown", "shutdown"],
    ["{ shutdown: term }", { shutdown: { why: "idle" } }],
    ["an Error", new Error("boom")],
    ["an atom-like string", "boom"],
    ["kill (exited by itself)", "kill"],
    ["a number", 42],
  ] as const) {
    it(`a linked process exiting with ${label} kills a non-trapping partner with the same reason`, () =>
      withRuntime(async () => {
        const down = await fateOfLinkedBystander(reason);
        expect(down).not.toBe(TIMEOUT);
        expect((down as DownMessage).reason).toBe(reason);
      }));
  }

  it("propagates along a chain of links", () =>
    withRuntime(async () => {
      const me = self();
      const a = spawn(async () => {
        const b = spawnLink(async () => {
          const c = spawnLink(waitForever);
          send(me, c);
          await waitForever();
        });
        send(me, b);
        await waitForever();
      });
      const b = (await receive()) as Pid;
      const c = (await receive()) as Pid;
      const refs = [monitor(a), monitor(b), monitor(c)];
      exit(c, "bang");
      for (const ref of refs) expect((await assertReceive(downFor(ref))).reason).toBe("bang");
    }));
});

describe("trapping exits (item 9)", () => {
  it("trapExit returns the previous value", () =>
    withRuntime(async ({ runtime }) => {
      expect(trapExit(true)).toBe(false);
      expect(runtime.processInfo(self())?.trapExit).toBe(true);
      expect(trapExit(true)).toBe(true);
      expect(trapExit(false)).toBe(true);
      expect(trapExit(false)).toBe(false);
      expect(runtime.processInfo(self())?.trapExit).toBe(false);
    }));

  it("every exit signal arrives as an EXIT message, normal included", () =>
    withRuntime(async () => {
      trapExit(true);
      const reasons = ["normal", "shutdown", { shutdown: 1 }, new Error("x"), "kill"];
      for (const reason of reasons) {
        const pid = spawnLink(exitOnCue(reason));
        send(pid, "go");
        const msg = await assertReceive(exitFrom(pid));
        expect(msg.type).toBe("EXIT");
        expect(msg.from).toBe(pid);
        expect(msg.reason).toBe(reason);
      }
      await refuteReceive();
    }));

  it("a trapping process can turn trapping off again and then dies from a link", () =>
    withRuntime(async () => {
      const me = self();
      const p = spawn(async () => {
        trapExit(true);
        const c = spawnLink(exitOnCue("first"));
        send(c, "go");
        send(me, await receive(isExit));
        trapExit(false);
        const d = spawnLink(exitOnCue("second"));
        send(d, "go");
        await waitForever();
      });
      const ref = monitor(p);
      const first = (await receive()) as ExitMessage;
      expect(isExit(first)).toBe(true);
      expect(first.reason).toBe("first");
      expect((await assertReceive(downFor(ref))).reason).toBe("second");
    }));
});

describe("exit(pid, reason) (items 10-14)", () => {
  it("exit(pid, normal) from another process is ignored by a non-trapping target", () =>
    withRuntime(async () => {
      const target = spawn(waitForever);
      const ref = monitor(target);
      exit(target, "normal");
      await refuteReceive(downFor(ref));
      expect(isAlive(target)).toBe(true);
      exit(target, "kill");
      expect((await assertReceive(downFor(ref))).reason).toBe("killed");
    }));

  it("exit(pid, normal) reaches a trapping target as EXIT from the sender", () =>
    withRuntime(async () => {
      const me = self();
      const target = spawn(async () => {
        trapExit(true);
        send(me, "trapping");
        send(me, await receive());
      });
      await assertReceive((m) => m === "trapping");
      exit(target, "normal");
      const msg = (await receive()) as ExitMessage;
      expect(isExit(msg)).toBe(true);
      expect(msg.from).toBe(me);
      expect(msg.reason).toBe("normal");
    }));

  it("exit(pid, reason) kills a non-trapping target with that reason", () =>
    withRuntime(async () => {
      const target = spawn(waitForever);
      const ref = monitor(target);
      const reason = { custom: true };
      exit(target, reason);
      expect((await assertReceive(downFor(ref))).reason).toBe(reason);
    }));

  it("exit(self(), normal) kills the caller when it does not trap exits", () =>
    withRuntime(async ({ logs }) => {
      const me = self();
      let after: unknown = "not reached";
      const pid = spawn(async () => {
        try {
          exit(self(), "normal");
          after = "kept running";
        } catch (e) {
          after = e;
        }
        send(me, "still here");
      });
      const ref = monitor(pid);
      expect((await assertReceive(downFor(ref))).reason).toBe("normal");
      await refuteReceive((m) => m === "still here");
      // the code that follows sees that its process is gone
      expect(after).toBeInstanceOf(ProcessExitedError);
      expect(logs).toEqual([]);
    }));

  it("exit(self(), normal) is a message when the caller traps exits", () =>
    withRuntime(async () => {
      trapExit(true);
      exit(self(), "normal");
      const msg = await assertReceive(isExit);
      expect(msg.from).toBe(self());
      expect(msg.reason).toBe("normal");
      expect(isAlive(self())).toBe(true);
    }));

  it("exit(self(), R) while trapping is the message EXIT(self, R)", () =>
    withRuntime(async () => {
      trapExit(true);
      const reason = new Error("to myself");
      exit(self(), reason);
      exit(self(), "shutdown");
      expect(await mailbox()).toEqual([
        expect.objectContaining({ type: "EXIT", from: self(), reason }),
        expect.objectContaining({ type: "EXIT", from: self(), reason: "shutdown" }),
      ]);
    }));

  it("exit(self(), R) kills the caller with R when it does not trap", () =>
    withRuntime(async () => {
      const pid = spawn(async () => {
        exit(self(), "by my own hand");
      });
      const ref = monitor(pid);
      expect((await assertReceive(downFor(ref))).reason).toBe("by my own hand");
    }));

  it("exit(pid, kill) cannot be trapped: the target dies killed, links and monitors see killed", () =>
    withRuntime(async () => {
      const me = self();
      trapExit(true);
      const target = spawnLink(async () => {
        trapExit(true);
        send(me, "trapping");
        await waitForever();
      });
      await assertReceive((m) => m === "trapping");
      const ref = monitor(target);
      exit(target, "kill");
      expect(isAlive(target)).toBe(false);
      const got = await mailbox();
      expect(got.length).toBe(2);
      expect(got.find(isExit)).toMatchObject({ from: target, reason: "killed" });
      expect(got.find(isDown)).toMatchObject({ ref, pid: target, reason: "killed" });
    }));

  it("a killed process's non-trapping links die with killed", () =>
    withRuntime(async () => {
      const me = self();
      const a = spawn(async () => {
        send(me, spawnLink(waitForever));
        await waitForever();
      });
      const b = (await receive()) as Pid;
      const refA = monitor(a);
      exit(b, "kill");
      expect((await assertReceive(downFor(refA))).reason).toBe("killed");
    }));

  it("a process that exits itself with kill sends a trappable kill", () =>
    withRuntime(async () => {
      trapExit(true);
      const pid = spawnLink(async () => exit("kill"));
      const ref = monitor(pid);
      const msg = await assertReceive(exitFrom(pid));
      expect(msg.reason).toBe("kill");
      expect((await assertReceive(downFor(ref))).reason).toBe("kill");
      expect(isAlive(self())).toBe(true);
    }));

  it("exit(self(), kill) kills the caller even when it traps exits", () =>
    withRuntime(async () => {
      const pid = spawn(async () => {
        trapExit(true);
        exit(self(), "kill");
      });
      const ref = monitor(pid);
      expect((await assertReceive(downFor(ref))).reason).toBe("killed");
    }));

  it("runtime.exit(pid, normal) from outside is ignored unless the target traps", () =>
    withRuntime(async ({ runtime }) => {
      const me = self();
      const plain = spawn(waitForever);
      const trapping = spawn(async () => {
        trapExit(true);
        send(me, "ready");
        send(me, await receive());
      });
      await assertReceive((m) => m === "ready");
      const ref = monitor(plain);
      runtime.exit(plain, "normal");
      runtime.exit(trapping, "normal");
      const msg = (await receive()) as ExitMessage;
      expect(isExit(msg) && msg.reason === "normal").toBe(true);
      await refuteReceive(downFor(ref));
      expect(isAlive(plain)).toBe(true);
      runtime.exit(plain, "shutdown");
      expect((await assertReceive(downFor(ref))).reason).toBe("shutdown");
    }));

  it("exit with a non-pid target throws BadArgumentError", () =>
    withRuntime(async () => {
      expect(() => exit("someone" as unknown as Pid, "kill")).toThrow(/expected a pid/);
    }));
});

describe("unlink and link (items 15-16)", () => {
  it("unlink by the caller removes the link in both directions", () =>
    withRuntime(async ({ runtime }) => {
      const me = self();
      const child = spawnLink(async () => {
        await receive((m) => m === "go");
        throw new Error("child crash");
      });
      unlink(child);
      expect(runtime.processInfo(self())?.links).toEqual([]);
      expect(runtime.processInfo(child)?.links).toEqual([]);
      const ref = monitor(child);
      send(child, "go");
      expect((await assertReceive(downFor(ref))).reason).toEqual(new Error("child crash"));
      expect(isAlive(me)).toBe(true);
    }));

  it("unlink by the other side also protects the caller", () =>
    withRuntime(async () => {
      const me = self();
      trapExit(true);
      const child = spawnLink(async () => {
        unlink(me);
        send(me, "unlinked");
        await waitForever();
      });
      await assertReceive((m) => m === "unlinked");
      trapExit(false);
      const ref = monitor(child);
      exit(child, "bang");
      expect((await assertReceive(downFor(ref))).reason).toBe("bang");
      await refuteReceive(isExit);
      expect(isAlive(me)).toBe(true);
    }));

  it("no EXIT arrives after unlink, for a trapping process either", () =>
    withRuntime(async () => {
      trapExit(true);
      const child = spawnLink(exitOnCue("late"));
      unlink(child);
      send(child, "go");
      await refuteReceive(isExit);
    }));

  it("unlinking something not linked, or a dead pid, does nothing", () =>
    withRuntime(async () => {
      const other = spawn(waitForever);
      unlink(other);
      unlink(self());
      exit(other, "kill");
      unlink(other);
      expect(isAlive(self())).toBe(true);
    }));

  it("link is idempotent and linking to oneself does nothing", () =>
    withRuntime(async ({ runtime }) => {
      const other = spawn(waitForever);
      link(other);
      link(other);
      link(self());
      expect(runtime.processInfo(self())?.links).toEqual([other]);
      expect(runtime.processInfo(other)?.links).toEqual([self()]);
      unlink(other);
      exit(other, "kill");
    }));

  it("link to a dead pid while trapping gives EXIT noproc", () =>
    withRuntime(async ({ runtime }) => {
      trapExit(true);
      const dead = spawn(() => undefined);
      await sleep(1);
      link(dead);
      const msg = await assertReceive(exitFrom(dead));
      expect(msg.reason).toBe("noproc");
      expect(runtime.processInfo(self())?.links).toEqual([]);
    }));

  // BEAM (OTP 25): in a process not trapping exits, `Process.link(dead)` raises
  // ErlangError :noproc, which the process can rescue and live on; uncaught, it ends the
  // process with noproc.
  it("link to a dead pid without trapping raises a catchable NoProcessError", () =>
    withRuntime(async ({ runtime }) => {
      const me = self();
      const dead = spawn(() => undefined);
      await sleep(1);
      let caught: unknown;
      const survivor = spawn(() => {
        try {
          link(dead);
        } catch (e) {
          caught = e;
        }
        send(me, "after link");
      });
      await assertReceive((m) => m === "after link");
      expect(caught).toBeInstanceOf(NoProcessError);
      expect((caught as NoProcessError).reason).toBe("noproc");
      expect((caught as NoProcessError).operation).toEqual({
        module: "erlang",
        function: "link",
        args: [dead],
      });
      expect(runtime.processInfo(survivor)).toBeUndefined(); // it ran to its end
      const uncaught = spawn(() => link(dead));
      const ref = monitor(uncaught);
      // as an uncaught error does in OTP ({noproc, Stack}), the error is the exit reason
      const reason = (await assertReceive(downFor(ref))).reason;
      expect(reason).toBeInstanceOf(NoProcessError);
      expect((reason as NoProcessError).reason).toBe("noproc");
    }));

  it("link with a non-pid throws BadArgumentError", () =>
    withRuntime(async () => {
      expect(() => link("x" as unknown as Pid)).toThrow(/expected a pid/);
      expect(() => unlink(3 as unknown as Pid)).toThrow(/expected a pid/);
    }));
});

describe("crash reason shapes (item 21)", () => {
  async function reasonOf(body: () => unknown): Promise<unknown> {
    const ref = monitor(spawn(body));
    return (await assertReceive(downFor(ref))).reason;
  }

  it("throwing an Error exits with that Error", () =>
    withRuntime(async () => {
      const err = new TypeError("bad");
      expect(await reasonOf(() => Promise.reject(err))).toBe(err);
      expect(
        await reasonOf(() => {
          throw err;
        }),
      ).toBe(err);
      expect(
        await reasonOf(async () => {
          await sleep(1);
          throw err;
        }),
      ).toBe(err);
    }));

  it("exit(R) exits with R itself", () =>
    withRuntime(async () => {
      const r = { shutdown: ["a", 1] };
      expect(await reasonOf(() => exit(r))).toBe(r);
      expect(await reasonOf(() => exit("normal"))).toBe("normal");
      expect(await reasonOf(() => Promise.reject(new ExitError("custom")))).toBe("custom");
    }));

  it("throwing a non-Error value V exits with { nocatch: V }", () =>
    withRuntime(async () => {
      expect(
        await reasonOf(() => {
          throw "plain string";
        }),
      ).toEqual({ nocatch: "plain string" });
      const v = { some: "object" };
      const reason = (await reasonOf(async () => {
        await Promise.resolve();
        throw v;
      })) as { nocatch: unknown };
      expect(reason).toEqual({ nocatch: v });
      expect(reason.nocatch).toBe(v);
      expect(await reasonOf(() => Promise.reject(undefined))).toEqual({ nocatch: undefined });
    }));

  it("returning (sync or async) exits normal", () =>
    withRuntime(async () => {
      expect(await reasonOf(() => 1)).toBe("normal");
      expect(await reasonOf(async () => "value")).toBe("normal");
    }));
});

describe("signal order (item 30)", () => {
  it("messages sent before a death arrive before the EXIT it causes", () =>
    withRuntime(async () => {
      trapExit(true);
      const pid = spawnLink(async (me) => {
        const parent = (await receive((m) => typeof m === "object")) as { parent: Pid };
        for (let i = 1; i <= 5; i++) send(parent.parent, ["msg", i, me]);
        throw new Error("after sending");
      });
      send(pid, { parent: self() });
      await sleep(1);
      const got = await mailbox();
      expect(got.length).toBe(6);
      expect(got.slice(0, 5)).toEqual([1, 2, 3, 4, 5].map((i) => ["msg", i, pid]));
      const last = got[5];
      expect(isExit(last) && last.from === pid).toBe(true);
    }));

  it("messages sent before a death arrive before the DOWN it causes", () =>
    withRuntime(async () => {
      const me = self();
      const pid = spawn(async () => {
        await receive((m) => m === "go");
        for (let i = 1; i <= 5; i++) send(me, i);
        exit("done");
      });
      const ref = monitor(pid);
      send(pid, "go");
      await sleep(1);
      const got = await mailbox();
      expect(got.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
      expect(got.length).toBe(6);
      expect(isDown(got[5]) && got[5].ref === ref && got[5].reason === "done").toBe(true);
    }));

  it("messages sent before being killed arrive before the EXIT and the DOWN", () =>
    withRuntime(async () => {
      const me = self();
      trapExit(true);
      const pid = spawnLink(async () => {
        send(me, "a");
        send(me, "b");
        send(me, "c");
        await waitForever();
      });
      const ref = monitor(pid);
      await sleep(1);
      exit(pid, "kill");
      const got = await mailbox();
      // the EXIT and the DOWN both come after the messages (their mutual order is unspecified)
      expect(got.length).toBe(5);
      expect(got.slice(0, 3)).toEqual(["a", "b", "c"]);
      expect(got.slice(3).find(isExit)).toMatchObject({ from: pid, reason: "killed" });
      expect(got.slice(3).find(isDown)).toMatchObject({ ref, reason: "killed" });
    }));
});

describe("scale", () => {
  it("a chain of 10,000 linked processes dies without a stack overflow", () =>
    withRuntime(async ({ runtime }) => {
      const n = 10_000;
      const head = spawn(async () => {
        await receive((m) => m === "crash");
        throw new Error("head crashed");
      });
      let prev = head;
      for (let i = 1; i < n; i++) {
        const before = prev;
        prev = spawn(async () => {
          link(before);
          await waitForever();
        });
      }
      const tail = prev;
      await sleep(1);
      expect(runtime.processes().length).toBe(n + 1);
      const tailRef = monitor(tail);
      const headRef = monitor(head);
      send(head, "crash");
      const headDown = await assertReceive(downFor(headRef));
      const tailDown = await assertReceive(downFor(tailRef));
      expect(headDown.reason).toBe(tailDown.reason);
      expect((tailDown.reason as Error).message).toBe("head crashed");
      expect(runtime.processes()).toEqual([self()]);
    }));
});
