import {
  BadArgumentError,
  DownMessage,
  demonitor,
  downFor,
  ExitMessage,
  exit,
  exitFrom,
  isDown,
  isExit,
  monitor,
  type Pid,
  Ref,
  receive,
  register,
  self,
  send,
  sleep,
  spawn,
  spawnLink,
  spawnMonitor,
  TIMEOUT,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

const waitForever = (): Promise<unknown> => receive(() => false);

/** A process that exits with `reason` when it receives "go". */
const stopOnCue = (reason: unknown) => async (): Promise<void> => {
  await receive((m) => m === "go");
  exit(reason);
};

async function mailbox(): Promise<unknown[]> {
  const out: unknown[] = [];
  for (;;) {
    const m = await receive(undefined, { timeout: 0 });
    if (m === TIMEOUT) return out;
    out.push(m);
  }
}

describe("monitor (item 17)", () => {
  it("returns a fresh reference and delivers exactly one DOWN", () =>
    withRuntime(async () => {
      const pid = spawn(stopOnCue("bye"));
      const ref = monitor(pid);
      expect(Ref.is(ref)).toBe(true);
      send(pid, "go");
      const down = await assertReceive(isDown);
      expect(down).toBeInstanceOf(DownMessage);
      expect(down.type).toBe("DOWN");
      expect(down.ref).toBe(ref);
      expect(down.pid).toBe(pid);
      expect(down.reason).toBe("bye");
      await refuteReceive();
    }));

  it("gives each monitor call its own reference and its own DOWN", () =>
    withRuntime(async ({ runtime }) => {
      const pid = spawn(stopOnCue("x"));
      const refs = [monitor(pid), monitor(pid), monitor(pid)];
      expect(new Set(refs).size).toBe(3);
      expect(runtime.processInfo(pid)?.monitoredBy).toEqual([self(), self(), self()]);
      send(pid, "go");
      await sleep(1);
      const downs = (await mailbox()) as DownMessage[];
      expect(downs.map((d) => d.ref)).toEqual(refs);
      expect(downs.every((d) => isDown(d) && d.pid === pid && d.reason === "x")).toBe(true);
    }));

  it("sees the normal exit of a process that returned", () =>
    withRuntime(async () => {
      const pid = spawn(async () => {
        await receive();
      });
      const ref = monitor(pid);
      send(pid, "any");
      expect((await assertReceive(downFor(ref))).reason).toBe("normal");
    }));

  it("is one-way: the monitor's death does not affect the monitored process", () =>
    withRuntime(async () => {
      const me = self();
      const target = spawn(waitForever);
      const watcher = spawn(async () => {
        monitor(target);
        send(me, "watching");
        throw new Error("watcher dies");
      });
      const refW = monitor(watcher);
      const refT = monitor(target);
      await assertReceive((m) => m === "watching");
      await assertReceive(downFor(refW));
      await refuteReceive(downFor(refT));
      exit(target, "kill");
      await assertReceive(downFor(refT));
    }));

  it("a watcher that dies drops its monitors from the target", () =>
    withRuntime(async ({ runtime }) => {
      const target = spawn(waitForever);
      const watcher = spawn(async () => {
        monitor(target);
        await waitForever();
      });
      await sleep(1);
      expect(runtime.processInfo(target)?.monitoredBy).toEqual([watcher]);
      exit(watcher, "kill");
      expect(runtime.processInfo(target)?.monitoredBy).toEqual([]);
      exit(target, "kill");
    }));

  it("monitoring oneself never produces a DOWN", () =>
    withRuntime(async () => {
      const ref = monitor(self());
      await refuteReceive();
      expect(demonitor(ref)).toBe(true);
    }));

  it("rejects a target that is neither a pid nor a name", () =>
    withRuntime(async () => {
      expect(() => monitor(42 as unknown as Pid)).toThrow(BadArgumentError);
    }));
});

describe("monitoring the dead (item 18)", () => {
  it("a dead pid gives a DOWN with noproc at once", () =>
    withRuntime(async ({ clock }) => {
      const dead = spawn(() => undefined);
      await sleep(1);
      const before = clock.now();
      const ref = monitor(dead);
      const down = await receive(undefined, { timeout: 0 });
      expect(isDown(down)).toBe(true);
      expect(down).toMatchObject({ ref, pid: dead, reason: "noproc" });
      expect(clock.now()).toBe(before);
      await refuteReceive();
    }));
});

describe("monitoring by name (item 19)", () => {
  it("the DOWN carries { name, node } instead of the pid", () =>
    withRuntime(async ({ runtime }) => {
      const pid = spawn(stopOnCue({ shutdown: "named" }));
      register("named_proc", pid);
      const ref = monitor("named_proc");
      expect(runtime.processInfo(self())?.monitors).toEqual([{ ref, pid: "named_proc" }]);
      send("named_proc", "go");
      const down = await assertReceive(downFor(ref));
      expect(down.pid).toEqual({ name: "named_proc", node: runtime.node });
      expect(down.reason).toEqual({ shutdown: "named" });
    }));

  it("uses the node name of the runtime", () =>
    withRuntime(
      async () => {
        const pid = spawn(stopOnCue("normal"));
        register("svc", pid);
        const ref = monitor("svc");
        send(pid, "go");
        expect((await assertReceive(downFor(ref))).pid).toEqual({
          name: "svc",
          node: "alpha@host",
        });
      },
      { node: "alpha@host" },
    ));

  it("follows the process, not the name: re-registering later does not matter", () =>
    withRuntime(async () => {
      const first = spawn(stopOnCue("first gone"));
      register("slot", first);
      const ref = monitor("slot");
      send(first, "go");
      const down = await assertReceive(downFor(ref));
      expect(down.reason).toBe("first gone");
      const second = spawn(waitForever);
      register("slot", second);
      await refuteReceive(isDown);
      exit(second, "kill");
    }));

  it("an unregistered name gives an immediate DOWN with noproc", () =>
    withRuntime(async ({ runtime }) => {
      const ref = monitor("nobody");
      const down = await receive(undefined, { timeout: 0 });
      expect(isDown(down)).toBe(true);
      expect(down).toMatchObject({
        ref,
        pid: { name: "nobody", node: runtime.node },
        reason: "noproc",
      });
      expect(demonitor(ref)).toBe(false);
    }));
});

describe("demonitor (item 20)", () => {
  it("no DOWN arrives after demonitor, and it returns true while the monitor was active", () =>
    withRuntime(async ({ runtime }) => {
      const pid = spawn(stopOnCue("late"));
      const ref = monitor(pid);
      expect(demonitor(ref)).toBe(true);
      expect(runtime.processInfo(pid)?.monitoredBy).toEqual([]);
      expect(runtime.processInfo(self())?.monitors).toEqual([]);
      const probe = monitor(pid);
      send(pid, "go");
      await assertReceive(downFor(probe));
      await refuteReceive(downFor(ref));
    }));

  it("returns false once the DOWN has been sent, and the DOWN stays queued", () =>
    withRuntime(async () => {
      const pid = spawn(stopOnCue("gone"));
      const ref = monitor(pid);
      send(pid, "go");
      await sleep(1);
      expect(demonitor(ref)).toBe(false);
      const down = await assertReceive(downFor(ref));
      expect(down.reason).toBe("gone");
    }));

  it("flush removes a DOWN already in the mailbox, leaving other messages in order", () =>
    withRuntime(async () => {
      const pid = spawn(stopOnCue("gone"));
      const ref = monitor(pid);
      const other = monitor(pid);
      send(self(), "before");
      send(pid, "go");
      await sleep(1);
      send(self(), "after");
      expect(demonitor(ref, { flush: true })).toBe(false);
      const rest = await mailbox();
      expect(rest.length).toBe(3);
      expect(rest[0]).toBe("before");
      expect(isDown(rest[1]) && rest[1].ref === other).toBe(true);
      expect(rest[2]).toBe("after");
    }));

  it("flush on an active monitor returns true and nothing ever arrives", () =>
    withRuntime(async () => {
      const pid = spawn(stopOnCue("gone"));
      const ref = monitor(pid);
      expect(demonitor(ref, { flush: true })).toBe(true);
      send(pid, "go");
      await refuteReceive(isDown);
    }));

  it("an unknown or repeated demonitor returns false", () =>
    withRuntime(async ({ runtime }) => {
      expect(demonitor(runtime.makeRef())).toBe(false);
      const pid = spawn(waitForever);
      const ref = monitor(pid);
      expect(demonitor(ref)).toBe(true);
      expect(demonitor(ref)).toBe(false);
      exit(pid, "kill");
    }));

  it("a flush while a receive is pending does not hide later messages", () =>
    withRuntime(async () => {
      const pid = spawn(stopOnCue("gone"));
      const ref = monitor(pid);
      send(self(), "x1");
      send(pid, "go");
      await sleep(1);
      // queue: x1, DOWN. A receive for "y" scans both and waits.
      const pending = receive((m) => m === "y" || m === "x1-again");
      demonitor(ref, { flush: true });
      send(self(), "x1-again");
      expect(await pending).toBe("x1-again");
      expect(await mailbox()).toEqual(["x1"]);
    }));
});

describe("spawnMonitor", () => {
  it("spawns and monitors atomically, returning [pid, ref]", () =>
    withRuntime(async ({ runtime }) => {
      const [pid, ref] = spawnMonitor(() => {
        throw new Error("immediately");
      });
      expect(runtime.processInfo(pid)?.monitoredBy).toEqual([self()]);
      const down = await assertReceive(downFor(ref));
      expect(down.pid).toBe(pid);
      expect((down.reason as Error).message).toBe("immediately");
      // no link: the test process lives on
      expect(runtime.isAlive(self())).toBe(true);
    }));

  it("reports a normal exit", () =>
    withRuntime(async () => {
      const [, ref] = spawnMonitor(async () => "result");
      expect((await assertReceive(downFor(ref))).reason).toBe("normal");
    }));
});

describe("matchers and type guards", () => {
  it("downFor matches only the DOWN of its own monitor", () =>
    withRuntime(async () => {
      const [a, refA] = spawnMonitor(stopOnCue("a"));
      const [b, refB] = spawnMonitor(stopOnCue("b"));
      send(a, "go");
      send(b, "go");
      await sleep(1);
      expect((await receive(downFor(refB))).reason).toBe("b");
      expect((await receive(downFor(refA))).reason).toBe("a");
      const m = downFor(refA);
      expect(m({ type: "DOWN", ref: refA, pid: a, reason: "a" })).toBe(false);
      expect(m(undefined)).toBe(false);
    }));

  it("exitFrom matches only the EXIT from its own process", () =>
    withRuntime(async () => {
      trapExit(true);
      const a = spawnLink(stopOnCue("a"));
      const b = spawnLink(stopOnCue("b"));
      send(a, "go");
      send(b, "go");
      await sleep(1);
      expect((await receive(exitFrom(b))).reason).toBe("b");
      expect((await receive(exitFrom(a))).reason).toBe("a");
      expect(exitFrom(a)({ type: "EXIT", from: a, reason: "a" })).toBe(false);
    }));

  it("isDown and isExit reject look-alike plain objects", () =>
    withRuntime(async () => {
      const ref = monitor(self());
      const fakeDown = { type: "DOWN", ref, pid: self(), reason: "normal" };
      const fakeExit = { type: "EXIT", from: self(), reason: "normal" };
      expect(isDown(fakeDown)).toBe(false);
      expect(isExit(fakeExit)).toBe(false);
      expect(isDown(null)).toBe(false);
      expect(isExit(undefined)).toBe(false);
      expect(isDown("DOWN")).toBe(false);
      expect(isExit(Object.create(null))).toBe(false);
      expect(isDown(new DownMessage(ref, self(), "x"))).toBe(true);
      expect(isExit(new ExitMessage(self(), "x"))).toBe(true);
      expect(isDown(new ExitMessage(self(), "x"))).toBe(false);
      expect(isExit(new DownMessage(ref, self(), "x"))).toBe(false);
      // a fake DOWN in the mailbox is not taken for one, and flush leaves it alone
      send(self(), fakeDown);
      expect(await receive(isDown, { timeout: 0 })).toBe(TIMEOUT);
      demonitor(ref, { flush: true });
      expect(await receive()).toBe(fakeDown);
    }));
});
