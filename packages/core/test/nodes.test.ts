import {
  BadArgumentError,
  CallError,
  CallTimeoutError,
  call,
  cast,
  connectInMemory,
  createRuntime,
  demonitor,
  downFor,
  exit,
  exitFrom,
  isCallRequest,
  isCastRequest,
  isDown,
  isExit,
  type LogReport,
  link,
  monitor,
  NoProcessError,
  type Pid,
  Ref,
  type Runtime,
  receive,
  reply,
  self,
  send,
  sleep,
  spawn,
  startSpecial,
  TIMEOUT,
  trapExit,
  unlink,
  VirtualClock,
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

/**
 * Runs `body` with two connected runtimes on one virtual clock, then checks that neither has
 * anything left (unless `leaks` is set) and shuts both down, whatever happened.
 */
async function withNodes(body: (nodes: Nodes) => Promise<void>): Promise<void> {
  const clock = new VirtualClock();
  const logs: LogReport[] = [];
  const logger = { log: (r: LogReport) => void logs.push(r) };
  const a = createRuntime({ clock, node: "a@host", creation: 1, logger });
  const b = createRuntime({ clock, node: "b@host", creation: 7, logger });
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

describe("messages between nodes", () => {
  it("cross in order, both ways", () =>
    withNodes(async ({ a, b }) => {
      await a.run(async () => {
        const echo = b.spawn(async () => {
          for (;;) {
            const [from, n] = await receive<[Pid, number]>();
            send(from, n);
          }
        });
        for (let i = 0; i < 200; i++) send(echo, [self(), i]);
        const got: unknown[] = [];
        for (let i = 0; i < 200; i++) got.push(await receive());
        expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i));
        exit(echo, "kill");
      });
    }));

  it("a message sent before dying arrives before the EXIT and the DOWN it causes", () =>
    withNodes(async ({ a, b }) => {
      await a.run(async () => {
        trapExit(true);
        const me = self();
        const remote = b.spawn(async () => {
          await receive((m) => m === "go");
          send(me, "last words");
          exit("done");
        });
        link(remote);
        const ref = monitor(remote);
        send(remote, "go");
        expect(await receive()).toBe("last words");
        const second = await receive();
        const third = await receive();
        // EXIT and DOWN both come after the message (their relative order is not specified)
        expect([second, third]).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ type: "EXIT", from: remote, reason: "done" }),
            expect.objectContaining({ type: "DOWN", ref, reason: "done" }),
          ]),
        );
      });
    }));

  it("a message to a dead remote pid is dropped silently", () =>
    withNodes(async ({ a, b }) => {
      const gone = b.spawn(() => {});
      await a.run(async () => {
        await sleep(1);
        expect(b.isAlive(gone)).toBe(false);
        expect(send(gone, "hello?")).toBe("hello?");
      });
    }));
});

describe("links between nodes", () => {
  it("a remote exit kills a linked non-trapping process, both ways", () =>
    withNodes(async ({ a, b }) => {
      await a.run(async () => {
        // b dies -> a dies
        const local = spawn(async () => {
          link(remote1);
          await never();
        });
        const remote1 = b.spawn(async () => {
          await receive((m) => m === "die");
          exit("boom");
        });
        const refLocal = monitor(local);
        await sleep(1);
        expect(b.processInfo(remote1)?.links).toEqual([local]);
        send(remote1, "die");
        expect((await receive(downFor(refLocal))).reason).toBe("boom");

        // a dies -> b dies
        const remote2 = b.spawn(never);
        const refRemote = monitor(remote2);
        const dying = spawn(async () => {
          link(remote2);
          await receive((m) => m === "die");
          throw new Error("local crash");
        });
        await sleep(1);
        send(dying, "die");
        const down = await receive(downFor(refRemote));
        expect((down.reason as Error).message).toBe("local crash");
      });
    }));

  it("a trapping process gets EXIT messages from a remote link, normal ones too", () =>
    withNodes(async ({ a, b }) => {
      await a.run(async () => {
        trapExit(true);
        const me = self();
        const remote = b.spawn(async () => {
          await receive();
        });
        link(remote);
        send(remote, "finish");
        expect((await receive(exitFrom(remote))).reason).toBe("normal");

        const remoteTrapper = b.spawn(async () => {
          trapExit(true);
          const m = await receive(isExit);
          send(me, { remoteSaw: m.reason, from: m.from });
        });
        const local = spawn(async () => {
          link(remoteTrapper);
          await receive();
          exit({ shutdown: "bye" });
        });
        await sleep(1);
        send(local, "go");
        expect(await receive()).toEqual({ remoteSaw: { shutdown: "bye" }, from: local });
      });
    }));

  it("unlink across nodes removes the link on both sides", () =>
    withNodes(async ({ a, b }) => {
      await a.run(async () => {
        trapExit(true);
        const remote = b.spawn(async () => {
          await receive();
          exit("boom");
        });
        link(remote);
        await sleep(1);
        expect(b.processInfo(remote)?.links).toEqual([self()]);
        unlink(remote);
        await sleep(1);
        expect(b.processInfo(remote)?.links).toEqual([]);
        send(remote, "go");
        await refuteReceive();
      });
    }));

  it("linking to a dead remote pid gives noproc", () =>
    withNodes(async ({ a, b }) => {
      const gone = b.spawn(() => {});
      await a.run(async () => {
        trapExit(true);
        await sleep(1);
        link(gone);
        const msg = await assertReceive(isExit);
        expect(msg).toMatchObject({ from: gone, reason: "noproc" });
      });
    }));
});

describe("monitors between nodes", () => {
  it("a remote monitor gives one DOWN with the reason and the remote pid", () =>
    withNodes(async ({ a, b }) => {
      await a.run(async () => {
        const remote = b.spawn(async () => {
          await receive();
          throw new Error("remote crash");
        });
        const ref = monitor(remote);
        await sleep(1);
        expect(b.processInfo(remote)?.monitoredBy).toEqual([self()]);
        send(remote, "go");
        const down = await assertReceive(downFor(ref));
        expect(down.pid).toBe(remote);
        expect((down.reason as Error).message).toBe("remote crash");
        await refuteReceive(isDown);
      });
    }));

  it("the other way round, and killed gives killed", () =>
    withNodes(async ({ a, b }) => {
      const target = a.spawn(never);
      await b.run(async () => {
        const ref = monitor(target);
        a.exit(target, "kill");
        expect((await assertReceive(downFor(ref))).reason).toBe("killed");
      });
    }));

  it("demonitor across nodes: no DOWN, and the remote side forgets the monitor", () =>
    withNodes(async ({ a, b }) => {
      await a.run(async () => {
        const remote = b.spawn(async () => {
          await receive();
        });
        const ref = monitor(remote);
        await sleep(1);
        expect(demonitor(ref)).toBe(true);
        await sleep(1);
        expect(b.processInfo(remote)?.monitoredBy).toEqual([]);
        send(remote, "go");
        await refuteReceive();
      });
    }));

  it("monitoring a dead remote pid gives DOWN noproc", () =>
    withNodes(async ({ a, b }) => {
      const gone = b.spawn(() => {});
      await a.run(async () => {
        await sleep(1);
        const ref = monitor(gone);
        expect((await assertReceive(downFor(ref))).reason).toBe("noproc");
      });
    }));
});

describe("exit signals between nodes", () => {
  it("exit(pid, reason) reaches a remote process with the usual rules", () =>
    withNodes(async ({ a, b }) => {
      await a.run(async () => {
        const plain = b.spawn(never);
        const trapper = b.spawn(async () => {
          trapExit(true);
          for (;;) {
            const m = await receive(isExit);
            send(m.from, { trapped: m.reason });
          }
        });
        const refPlain = monitor(plain);
        await sleep(1);
        exit(plain, "normal");
        await refuteReceive(downFor(refPlain));
        expect(b.isAlive(plain)).toBe(true);
        exit(trapper, "normal");
        exit(trapper, "custom");
        expect(await receive()).toEqual({ trapped: "normal" });
        expect(await receive()).toEqual({ trapped: "custom" });
        exit(plain, "custom");
        expect((await receive(downFor(refPlain))).reason).toBe("custom");
        const refTrapper = monitor(trapper);
        exit(trapper, "kill");
        expect((await receive(downFor(refTrapper))).reason).toBe("killed");
      });
    }));
});

describe("calls between nodes", () => {
  async function remoteServer(b: Runtime): Promise<Pid> {
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
              if (req === "silence") return;
              if (req === "later") {
                const from = msg.from;
                spawn(async () => {
                  await sleep(100);
                  reply(from, "deferred");
                });
                return;
              }
              reply(msg.from, `${req} from ${self().node}`);
            }
          },
        },
      }),
      { runtime: b, name: "server" },
    );
    return pid as Pid;
  }

  it("call and reply, deferred reply, cast and timeout work across nodes", () =>
    withNodes(async ({ a, b, clock }) => {
      const server = await remoteServer(b);
      await a.run(async () => {
        expect(await call(server, "hi")).toBe("hi from b@host");
        expect(await call(server, "later")).toBe("deferred");
        cast(server, { to: self(), value: 42 });
        expect(await receive()).toEqual({ casted: 42 });
        const t0 = clock.now();
        await expect(call(server, "silence", { timeout: 500 })).rejects.toBeInstanceOf(
          CallTimeoutError,
        );
        expect(clock.now() - t0).toBe(500);
        // concurrent calls
        const all = await Promise.all(["x", "y", "z"].map((r) => call(server, r)));
        expect(all).toEqual(["x from b@host", "y from b@host", "z from b@host"]);
        await refuteReceive();
      });
      expect(a.pendingTimers()).toBe(0);
      expect(b.processInfo(server)?.monitoredBy).toEqual([]);
      b.exit(server, "kill");
    }));

  it("calling a dead remote pid rejects with NoProcessError; an unreachable one with nodedown", () =>
    withNodes(async ({ a, b, disconnect }) => {
      const gone = b.spawn(() => {});
      const alive = b.spawn(never);
      await a.run(async () => {
        await sleep(1);
        await expect(call(gone, "x", { timeout: Number.POSITIVE_INFINITY })).rejects.toBeInstanceOf(
          NoProcessError,
        );
        disconnect();
        const err = await call(alive, "x").catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CallError);
        expect((err as CallError).reason).toEqual({ nodedown: "b@host" });
      });
      b.exit(alive, "kill");
    }));

  it("the remote server dying mid-call rejects with its reason", () =>
    withNodes(async ({ a, b }) => {
      const server = await remoteServer(b);
      await a.run(async () => {
        const pending = call(server, "silence").catch((e: unknown) => e);
        await sleep(10);
        exit(server, "kill");
        const err = await pending;
        expect(err).toBeInstanceOf(CallError);
        expect((err as CallError).reason).toBe("killed");
      });
    }));
});

describe("disconnect", () => {
  it("every cross-node link gets noconnection and every cross-node monitor DOWN noconnection; local links are untouched", () =>
    withNodes(async ({ a, b, disconnect }) => {
      const server = (await startSpecial(() => ({ type: "ok", process: { handleMessage() {} } }), {
        runtime: b,
      })) as Pid;
      const remoteSeen: unknown[] = [];
      let remotePlain: Pid | undefined;
      await a.run(async () => {
        trapExit(true);
        const me = self();
        const localFriend = spawn(async () => {
          link(me);
          await never();
        });
        const remoteTrapper = b.spawn(async () => {
          trapExit(true);
          const m = await receive(isExit);
          remoteSeen.push(["EXIT", m.from, m.reason]);
        });
        const remoteWatcher = b.spawn(async () => {
          const ref = monitor(me);
          const d = await receive(downFor(ref));
          remoteSeen.push(["DOWN", d.pid, d.reason]);
        });
        remotePlain = b.spawn(never);
        link(remoteTrapper);
        link(remotePlain);
        const refTrapper = monitor(remoteTrapper);
        const refPlain = monitor(remotePlain);
        const pendingCall = call(server, "never answered").catch((e: unknown) => e);
        await sleep(10);
        expect(b.processInfo(remoteWatcher)?.monitors).toHaveLength(1);

        disconnect();

        expect(a.nodes()).toEqual([]);
        expect(b.nodes()).toEqual([]);
        const exits = [await receive(isExit), await receive(isExit)];
        expect(exits.map((m) => [m.from, m.reason])).toEqual(
          expect.arrayContaining([
            [remoteTrapper, "noconnection"],
            [remotePlain, "noconnection"],
          ]),
        );
        expect((await receive(downFor(refTrapper))).reason).toBe("noconnection");
        expect((await receive(downFor(refPlain))).reason).toBe("noconnection");
        const callErr = await pendingCall;
        expect(callErr).toBeInstanceOf(CallError);
        expect((callErr as CallError).reason).toEqual({ nodedown: "b@host" });
        // the local link is untouched
        expect(a.isAlive(localFriend)).toBe(true);
        await refuteReceive(isExit);
        exit(localFriend, "kill");
        await receive(exitFrom(localFriend));
      });
      await b.run(() => sleep(0));
      const me = remoteSeen.find((e) => (e as unknown[])[0] === "EXIT") as unknown[];
      expect(remoteSeen).toEqual(
        expect.arrayContaining([
          ["EXIT", me[1], "noconnection"],
          ["DOWN", me[1], "noconnection"],
        ]),
      );
      expect((me[1] as Pid).node).toBe("a@host");
      expect(b.isAlive(remotePlain as Pid)).toBe(false);
      b.exit(server, "kill");
    }));

  it("after a disconnect, linking or monitoring a pid of that node gives noconnection and messages are dropped", () =>
    withNodes(async ({ a, b, disconnect }) => {
      const remote = b.spawn(never);
      disconnect();
      await a.run(async () => {
        trapExit(true);
        send(remote, "lost");
        link(remote);
        expect(await assertReceive(isExit)).toMatchObject({ from: remote, reason: "noconnection" });
        const ref = monitor(remote);
        expect((await assertReceive(downFor(ref))).reason).toBe("noconnection");
      });
      // a non-trapping process dies of it
      const reason = await a.run(async () => {
        const victim = spawn(async () => {
          link(remote);
          await never();
        });
        return (await receive(downFor(monitor(victim)))).reason;
      });
      expect(reason).toBe("noconnection");
      b.exit(remote, "kill");
    }));
});

describe("pids and refs carry their node", () => {
  it("print like Erlang pids and carry node and creation", () =>
    withNodes(async ({ a, b }) => {
      const pa = a.spawn(never);
      const pb = b.spawn(never);
      expect(String(pa)).toMatch(/^<0\.\d+\.0>$/);
      expect(String(pb)).toMatch(/^<\d+\.\d+\.0>$/);
      expect(pa.node).toBe("a@host");
      expect(pb.node).toBe("b@host");
      expect(pa.creation).toBe(1);
      expect(pb.creation).toBe(7);
      const ref = b.makeRef();
      expect(Ref.is(ref)).toBe(true);
      expect(ref.node).toBe("b@host");
      expect(ref.creation).toBe(7);
      a.exit(pa, "kill");
      b.exit(pb, "kill");
    }));
});

describe("connecting", () => {
  it("refuses two runtimes with the same node name", async () => {
    const x = createRuntime({ clock: "virtual", node: "same@host" });
    const y = createRuntime({ clock: "virtual", node: "same@host" });
    expect(() => connectInMemory(x, y)).toThrow(BadArgumentError);
    await x.shutdown();
    await y.shutdown();
  });

  it("a runtime not connected to a node cannot reach it: noconnection", async () => {
    const clock = new VirtualClock();
    const a = createRuntime({ clock, node: "a@host" });
    const c = createRuntime({ clock, node: "c@host" });
    try {
      const far = c.spawn(never);
      await a.run(async () => {
        trapExit(true);
        link(far);
        expect(await assertReceive(isExit)).toMatchObject({ from: far, reason: "noconnection" });
        const ref = monitor(far);
        expect(await assertReceive(downFor(ref))).toMatchObject({
          pid: far,
          reason: "noconnection",
        });
        send(far, "dropped");
        await sleep(1);
        expect(c.processInfo(far)?.messageQueueLength).toBe(0);
        const r = await receive(() => true, { timeout: 0 });
        expect(r).toBe(TIMEOUT);
      });
      c.exit(far, "kill");
      await clock.settle();
      assertNoLeaks(a);
      assertNoLeaks(c);
    } finally {
      await a.shutdown();
      await c.shutdown();
    }
  });

  it("shutting one runtime down closes the connection on both sides", async () => {
    const clock = new VirtualClock();
    const a = createRuntime({ clock, node: "a@host" });
    const b = createRuntime({ clock, node: "b@host" });
    try {
      connectInMemory(a, b);
      const remote = a.spawn(never);
      const downs: unknown[] = [];
      const watcher = b.spawn(async () => {
        const ref = monitor(remote);
        downs.push((await receive(downFor(ref))).reason);
      });
      await clock.settle();
      await a.shutdown();
      await clock.settle();
      // as when a BEAM node goes down: the peer sees noconnection, not the local kill
      expect(downs).toEqual(["noconnection"]);
      expect(b.isAlive(watcher)).toBe(false);
      expect(b.nodes()).toEqual([]);
    } finally {
      await a.shutdown();
      await b.shutdown();
    }
  });
});
