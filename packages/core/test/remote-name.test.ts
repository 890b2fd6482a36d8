// `{ name, node }` (Erlang's `{Name, Node}`) as a destination: send, monitor, call and cast
// across two runtimes connected in memory, under one virtual clock.
import {
  BadArgumentError,
  CallError,
  call,
  cast,
  connectInMemory,
  createRuntime,
  demonitor,
  downFor,
  type Inbound,
  isCallRequest,
  isCastRequest,
  isDown,
  type LogReport,
  monitor,
  NoProcessError,
  type Pid,
  type RemoteName,
  type Runtime,
  receive,
  register,
  reply,
  type Signal,
  self,
  send,
  sleep,
  startSpecial,
  VirtualClock,
  whereis,
} from "@trellis/core";
import { assertNoLeaks, assertReceive, refuteReceive } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

interface Nodes {
  clock: VirtualClock;
  a: Runtime;
  b: Runtime;
  logs: LogReport[];
  disconnect(): void;
}

async function withNodes(body: (nodes: Nodes) => Promise<void>): Promise<void> {
  const clock = new VirtualClock();
  const logs: LogReport[] = [];
  const logger = { log: (r: LogReport) => void logs.push(r) };
  const a = createRuntime({ clock, node: "a@host", logger });
  const b = createRuntime({ clock, node: "b@host", logger });
  const connection = connectInMemory(a, b);
  try {
    await body({ clock, a, b, logs, disconnect: () => connection.disconnect() });
    await clock.settle();
    assertNoLeaks(a);
    assertNoLeaks(b);
  } finally {
    await a.shutdown();
    await b.shutdown();
  }
}

const never = (): Promise<never> => new Promise<never>(() => {});

/** A process on `rt` registered as `name` that forwards what it receives to `to`. */
function forwarder(rt: Runtime, name: string, to: Pid): Pid {
  const pid = rt.spawn(async () => {
    for (;;) send(to, { got: await receive() });
  });
  rt.run(() => register(name, pid));
  return pid;
}

describe("send to { name, node }", () => {
  it("reaches the holder of the name on the other node, in order", () =>
    withNodes(async ({ a, b }) => {
      await a.run(async () => {
        const pid = forwarder(b, "echo", self());
        await sleep(1);
        const dest: RemoteName = { name: "echo", node: "b@host" };
        expect(send(dest, 1)).toBe(1);
        send(dest, 2);
        send(dest, 3);
        expect(await receive()).toEqual({ got: 1 });
        expect(await receive()).toEqual({ got: 2 });
        expect(await receive()).toEqual({ got: 3 });
        b.exit(pid, "kill");
      });
    }));

  it("to a name nobody holds there is dropped silently, as in OTP", () =>
    withNodes(async ({ a, logs }) => {
      await a.run(async () => {
        expect(() => send({ name: "nobody", node: "b@host" }, "lost")).not.toThrow();
        await refuteReceive();
      });
      expect(logs.filter((r) => r.kind !== "info")).toEqual([]);
    }));

  it("on the own node is a local named send; an unknown name is dropped (unlike a bare name)", () =>
    withNodes(async ({ a }) => {
      await a.run(async () => {
        register("me", self());
        send({ name: "me", node: "a@host" }, "hello");
        expect(await receive()).toBe("hello");
        expect(() => send({ name: "nobody", node: "a@host" }, "x")).not.toThrow();
        expect(() => send("nobody", "x")).toThrow(BadArgumentError);
        await refuteReceive();
      });
    }));

  it("to an unreachable node is dropped silently", () =>
    withNodes(async ({ a }) => {
      await a.run(async () => {
        send({ name: "x", node: "c@host" }, "lost");
        await refuteReceive();
      });
    }));

  it("goes through the transport as a send-named signal, with the sender", async () => {
    const a = createRuntime({ clock: "virtual", node: "a@host" });
    const seen: Signal[] = [];
    a.connect("b@host", { deliver: (s) => void seen.push(s) });
    try {
      const me = await a.run(() => {
        send({ name: "srv", node: "b@host" }, "m");
        return self();
      });
      a.send({ name: "srv", node: "b@host" }, "outside");
      expect(seen).toEqual([
        { type: "send-named", from: me, to: { name: "srv", node: "b@host" }, message: "m" },
        {
          type: "send-named",
          from: undefined,
          to: { name: "srv", node: "b@host" },
          message: "outside",
        },
      ]);
    } finally {
      await a.shutdown();
    }
  });
});

describe("whereis { name, node }", () => {
  it("gives the local pid on the own node and the { name, node } itself for another node", () =>
    withNodes(async ({ a }) => {
      await a.run(async () => {
        register("me", self());
        expect(whereis({ name: "me", node: "a@host" })).toBe(self());
        expect(whereis({ name: "nobody", node: "a@host" })).toBeUndefined();
        expect(whereis({ name: "x", node: "b@host" })).toEqual({ name: "x", node: "b@host" });
        expect(() => whereis({ name: 1, node: "b@host" } as unknown as RemoteName)).toThrow(
          BadArgumentError,
        );
      });
    }));
});

describe("monitor { name, node }", () => {
  it("gives one DOWN with { name, node } and the reason when the holder exits", () =>
    withNodes(async ({ a, b }) => {
      const server = b.spawn(async () => {
        await receive();
        throw new Error("crash");
      });
      b.run(() => register("srv", server));
      await a.run(async () => {
        const ref = monitor({ name: "srv", node: "b@host" });
        await sleep(1);
        expect(b.processInfo(server)?.monitoredBy).toEqual([self()]);
        send(server, "go");
        const down = await assertReceive(downFor(ref));
        expect(down.pid).toEqual({ name: "srv", node: "b@host" });
        expect((down.reason as Error).message).toBe("crash");
        await refuteReceive(isDown);
      });
    }));

  it("gives DOWN noproc for a name nobody holds there", () =>
    withNodes(async ({ a }) => {
      await a.run(async () => {
        const ref = monitor({ name: "nobody", node: "b@host" });
        const down = await assertReceive(downFor(ref));
        expect(down.pid).toEqual({ name: "nobody", node: "b@host" });
        expect(down.reason).toBe("noproc");
      });
    }));

  it("gives DOWN noconnection for a node that cannot be reached, and when the connection drops", () =>
    withNodes(async ({ a, b, disconnect }) => {
      const server = b.spawn(never);
      b.run(() => register("srv", server));
      await a.run(async () => {
        const unreachable = monitor({ name: "srv", node: "c@host" });
        const d1 = await assertReceive(downFor(unreachable));
        expect(d1.pid).toEqual({ name: "srv", node: "c@host" });
        expect(d1.reason).toBe("noconnection");
        const ref = monitor({ name: "srv", node: "b@host" });
        await sleep(1);
        disconnect();
        const d2 = await assertReceive(downFor(ref));
        expect(d2.pid).toEqual({ name: "srv", node: "b@host" });
        expect(d2.reason).toBe("noconnection");
      });
      b.exit(server, "kill");
    }));

  it("demonitor: no DOWN, and the other node forgets the monitor", () =>
    withNodes(async ({ a, b }) => {
      const server = b.spawn(async () => {
        await receive();
      });
      b.run(() => register("srv", server));
      await a.run(async () => {
        const ref = monitor({ name: "srv", node: "b@host" });
        await sleep(1);
        expect(b.processInfo(server)?.monitoredBy).toEqual([self()]);
        expect(demonitor(ref)).toBe(true);
        await sleep(1);
        expect(b.processInfo(server)?.monitoredBy).toEqual([]);
        send(server, "go");
        await refuteReceive();
      });
    }));

  it("the watcher exiting removes its monitor on the other node", () =>
    withNodes(async ({ a, b, clock }) => {
      const server = b.spawn(never);
      b.run(() => register("srv", server));
      await a.run(async () => {
        monitor({ name: "srv", node: "b@host" });
        await sleep(1);
        expect(b.processInfo(server)?.monitoredBy).toEqual([self()]);
      });
      await clock.settle();
      expect(b.processInfo(server)?.monitoredBy).toEqual([]);
      b.exit(server, "kill");
    }));

  it("on the own node is a monitor by local name", () =>
    withNodes(async ({ a }) => {
      await a.run(async () => {
        const ref = monitor({ name: "nobody", node: "a@host" });
        const down = await assertReceive(downFor(ref));
        expect(down.pid).toEqual({ name: "nobody", node: "a@host" });
        expect(down.reason).toBe("noproc");
      });
    }));
});

describe("call and cast to { name, node }", () => {
  async function namedServer(b: Runtime): Promise<Pid> {
    const pid = await startSpecial(
      () => ({
        type: "ok",
        process: {
          handleMessage(msg) {
            if (isCastRequest(msg)) {
              const { to, value } = msg.request as { to: Pid; value: unknown };
              send(to, { casted: value });
            } else if (isCallRequest(msg)) {
              const req = msg.request as string;
              if (req === "die") throw new Error("asked to die");
              if (req === "silence") return;
              reply(msg.from, `${req} from ${self().node}`);
            }
          },
        },
      }),
      { runtime: b, name: "server" },
    );
    return pid as Pid;
  }

  it("call reaches the named server and gets its reply; cast arrives", () =>
    withNodes(async ({ a, b, clock }) => {
      const server = await namedServer(b);
      const dest = { name: "server", node: "b@host" };
      await a.run(async () => {
        expect(await call(dest, "hi")).toBe("hi from b@host");
        const all = await Promise.all(["x", "y"].map((r) => call(dest, r)));
        expect(all).toEqual(["x from b@host", "y from b@host"]);
        cast(dest, { to: self(), value: 42 });
        expect(await receive()).toEqual({ casted: 42 });
        await refuteReceive();
      });
      await clock.settle();
      expect(b.processInfo(server)?.monitoredBy).toEqual([]);
      b.exit(server, "kill");
    }));

  it("call to a name nobody holds rejects with NoProcessError; an unreachable node with nodedown", () =>
    withNodes(async ({ a }) => {
      await a.run(async () => {
        await expect(call({ name: "nobody", node: "b@host" }, "x")).rejects.toBeInstanceOf(
          NoProcessError,
        );
        const err = await call({ name: "server", node: "c@host" }, "x").catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CallError);
        expect((err as CallError).reason).toEqual({ nodedown: "c@host" });
        cast({ name: "nobody", node: "b@host" }, "dropped");
        cast({ name: "nobody", node: "c@host" }, "dropped");
        await refuteReceive();
      });
    }));

  it("the named server dying mid-call rejects with its reason; a dropped connection with nodedown", () =>
    withNodes(async ({ a, b, disconnect }) => {
      const server = await namedServer(b);
      const dest = { name: "server", node: "b@host" };
      await a.run(async () => {
        const err = await call(dest, "die").catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CallError);
        expect(((err as CallError).reason as Error).message).toBe("asked to die");
      });
      const again = await namedServer(b);
      await a.run(async () => {
        const pending = call(dest, "silence", { timeout: Number.POSITIVE_INFINITY }).catch(
          (e: unknown) => e,
        );
        await sleep(10);
        disconnect();
        const lost = await pending;
        expect(lost).toBeInstanceOf(CallError);
        expect((lost as CallError).reason).toEqual({ nodedown: "b@host" });
      });
      expect(a.pendingTimers()).toBe(0);
      b.exit(again, "kill");
      expect(server).not.toBe(again);
    }));
});

describe("bad { name, node } input", () => {
  const bad: unknown[] = [
    { name: 1, node: "b@host" },
    { name: "", node: "b@host" },
    { name: "x", node: "nohost" },
    { name: "x", node: 5 },
    { name: "x" },
    { node: "b@host" },
  ];

  it("send and monitor throw a BadArgumentError naming the shape", () =>
    withNodes(async ({ a }) => {
      await a.run(async () => {
        for (const dest of bad) {
          expect(() => send(dest as RemoteName, "x")).toThrow(BadArgumentError);
          expect(() => send(dest as RemoteName, "x")).toThrow(/\{ name, node \}/);
          expect(() => monitor(dest as RemoteName)).toThrow(BadArgumentError);
        }
        await refuteReceive();
      });
    }));

  it("call throws a BadArgumentError (as for any bad destination); cast never fails", () =>
    withNodes(async ({ a }) => {
      await a.run(async () => {
        for (const dest of bad) {
          expect(() => call(dest as RemoteName, "x")).toThrow(BadArgumentError);
          expect(() => cast(dest as RemoteName, "x")).not.toThrow();
        }
      });
    }));

  it("a peer's named signals must name this node; others are dropped with a warning", async () => {
    const logs: LogReport[] = [];
    const clock = new VirtualClock();
    const a = createRuntime({ clock, node: "a@host", logger: { log: (r) => void logs.push(r) } });
    const inbound: Inbound = a.connect("b@host", { deliver: () => {} });
    try {
      const target = a.spawn(never);
      a.run(() => register("t", target));
      const hostile: unknown[] = [
        { type: "send-named", from: undefined, to: { name: "t", node: "c@host" }, message: 1 },
        { type: "send-named", from: undefined, to: { name: 7, node: "a@host" }, message: 1 },
        {
          type: "monitor-named",
          from: target,
          to: { name: "t", node: "a@host" },
          ref: a.makeRef(),
        },
        { type: "monitor-named", to: { name: "t", node: "a@host" } },
        { type: "demonitor-named", from: undefined, to: { name: "t", node: "a@host" } },
        {
          type: "down",
          from: { name: "t", node: "c@host" },
          to: target,
          ref: a.makeRef(),
          reason: 1,
        },
      ];
      for (const s of hostile) inbound.receive(s as Signal);
      await clock.settle();
      expect(logs.filter((r) => r.kind === "warning")).toHaveLength(hostile.length);
      expect(a.processMessages(target)).toEqual([]);
      expect(a.processInfo(target)?.monitoredBy).toEqual([]);
    } finally {
      await a.shutdown();
    }
  });
});
