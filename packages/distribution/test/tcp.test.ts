// Two (or three) Trellis nodes over real TCP on loopback, found through the built-in port
// mapper: the same signals as in one runtime, with Erlang's distribution semantics.
import { createConnection } from "node:net";
import {
  BadArgumentError,
  CallError,
  CallTimeoutError,
  DownMessage,
  ExitMessage,
  exit,
  type From,
  link,
  monitor,
  NoProcessError,
  type Pid,
  receive,
  register,
  self,
  send,
  trapExit,
} from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OURS } from "../src/flags.js";
import { initiate } from "../src/handshake.js";
import { atom, internPid, type PortMapper, startPg, startPortMapper } from "../src/index.js";
import { Inlet, rawReads } from "../src/net/raw.js";
import { connectSocket, SocketReader } from "../src/net/reader.js";
import { peerLinkOf } from "../src/node.js";
import { heldRefCount } from "../src/terms.js";
import { Cluster, type TestNode, until } from "./support/nodes.js";

const { ok, reply, noreply, stop } = GenServer.Result;

type CounterCall = GenServer.Request<"get", number> | GenServer.Request<"crash", never>;
const Counter = GenServer.define({
  init: (n: number) => ok(n),
  handleCall: (req: CounterCall, _from, n: number) =>
    req === "get" ? reply(n, n) : stop("boom", n),
  handleCast: (add: number, n: number) => noreply(n + add),
});

let mapper: PortMapper;
let cluster: Cluster;

beforeEach(async () => {
  mapper = await startPortMapper({ port: 0 });
  cluster = new Cluster({ cookie: "tcp-test-cookie", epmd: { port: mapper.port } });
});

afterEach(async () => {
  await cluster.cleanup();
  await mapper.close();
});

/** Spawns on `from` a process that sends `self()` to the process registered as `name` on `to`. */
function shareProcess(
  owner: TestNode,
  to: TestNode,
  name: string,
  body: () => Promise<unknown>,
): void {
  owner.rt.spawn(async () => {
    owner.node.send({ name, node: to.rt.node }, self());
    await body();
  });
}

describe("Trellis ↔ Trellis over TCP", () => {
  it("connects through EPMD, then calls and casts a GenServer on the other node", async () => {
    const a = await cluster.start("a");
    const b = await cluster.start("b");
    expect(await a.node.connect("b@127.0.0.1")).toBe(true);
    expect(a.node.nodes()).toEqual(["b@127.0.0.1"]);
    await until(() => b.node.nodes().includes("a@127.0.0.1"));
    expect(await a.node.ping("b@127.0.0.1")).toBe("pong");

    const counter = await b.rt.run(() => GenServer.start(Counter, 40, { name: "counter" }));
    const result = await a.rt.run(async () => {
      register("inbox", self());
      b.node.send({ name: "inbox", node: "a@127.0.0.1" }, counter);
      const pid = (await receive(() => true, { timeout: 5000 })) as Pid;
      expect(pid.node).toBe("b@127.0.0.1");
      expect(pid.id).toBe(counter.id);
      GenServer.cast(pid, 2);
      const n = await GenServer.call(pid, "get", 5000);
      // a crash of the remote server during a call fails the call with its reason
      const failure = await GenServer.call(pid, "crash", 5000).catch((e: unknown) => e);
      return { n, failure };
    });
    expect(result.n).toBe(42);
    expect(result.failure).toBeInstanceOf(CallError);
    expect((result.failure as CallError).reason).toBe("boom");
    expect(a.rt.pendingCalls()).toBe(0);
  });

  it("a node with busyWait 0 (no polling) and one polling for 5 ms call each other", async () => {
    const a = await cluster.start("a", { busyWait: 0 });
    const b = await cluster.start("b", { busyWait: 5 });
    await b.rt.run(() => GenServer.start(Counter, 1, { name: "counter" }));
    await a.rt.run(() => GenServer.start(Counter, 100, { name: "counter" }));
    const fromA = await a.rt.run(async () => {
      for (let i = 0; i < 20; i++) GenServer.cast({ name: "counter", node: "b@127.0.0.1" }, 1);
      return GenServer.call({ name: "counter", node: "b@127.0.0.1" }, "get", 5000);
    });
    const fromB = await b.rt.run(() =>
      GenServer.call({ name: "counter", node: "a@127.0.0.1" }, "get", 5000),
    );
    expect(fromA).toBe(21);
    expect(fromB).toBe(100);
  });

  it("{ name, node } is a destination for core's send, monitor, call and cast", async () => {
    const a = await cluster.start("a");
    const b = await cluster.start("b");
    await b.rt.run(() => GenServer.start(Counter, 1, { name: "counter" }));
    const counter = { name: "counter", node: "b@127.0.0.1" };
    const result = await a.rt.run(async () => {
      // connects on demand, like a send to a pid of that node
      register("inbox", self());
      const ref = monitor(counter);
      const nobody = monitor({ name: "nobody", node: "b@127.0.0.1" });
      const noproc = (await receive((m) => m instanceof DownMessage && m.ref === nobody, {
        timeout: 5000,
      })) as DownMessage;
      GenServer.cast(counter, 2);
      const n = await GenServer.call(counter, "get", 5000);
      const missing = await GenServer.call(
        { name: "nobody", node: "b@127.0.0.1" },
        "get",
        5000,
      ).catch((e: unknown) => e);
      // a message by name on the other node, answered by name
      b.rt.spawn(async () => {
        register("echo", self());
        const m = await receive(() => true, { timeout: 5000 });
        send({ name: "inbox", node: "a@127.0.0.1" }, { echo: m });
      });
      await until(() => b.rt.whereis("echo") !== undefined);
      send({ name: "echo", node: "b@127.0.0.1" }, "hi");
      const echoed = await receive((m) => !(m instanceof DownMessage), { timeout: 5000 });
      const crash = await GenServer.call(counter, "crash", 5000).catch((e: unknown) => e);
      const down = (await receive((m) => m instanceof DownMessage && m.ref === ref, {
        timeout: 5000,
      })) as DownMessage;
      return { noproc, n, missing, echoed, crash, down };
    });
    expect(result.noproc.pid).toEqual({ name: "nobody", node: "b@127.0.0.1" });
    expect(result.noproc.reason).toBe("noproc");
    expect(result.n).toBe(3);
    expect(result.missing).toBeInstanceOf(NoProcessError);
    expect(result.echoed).toEqual({ echo: "hi" });
    expect((result.crash as CallError).reason).toBe("boom");
    expect(result.down.pid).toEqual(counter);
    expect(result.down.reason).toBe("boom");
    expect(a.rt.pendingCalls()).toBe(0);
    expect(a.logs.filter((r) => r.kind === "warning" || r.kind === "error")).toEqual([]);
  });

  it("carries links and monitors, with the exit reasons, both ways", async () => {
    const a = await cluster.start("a");
    const b = await cluster.start("b");
    expect(await b.node.connect("a@127.0.0.1")).toBe(true);
    const seen = await a.rt.run(async () => {
      register("inbox", self());
      trapExit(true);
      shareProcess(b, a, "inbox", async () => {
        const reason = await receive(() => true, { timeout: 5000 });
        exit(reason === "die" ? "boom" : "unexpected");
      });
      shareProcess(b, a, "inbox", async () => {
        await receive(() => true, { timeout: 5000 });
        exit({ shutdown: "bye" });
      });
      const first = (await receive(() => true, { timeout: 5000 })) as Pid;
      const second = (await receive(() => true, { timeout: 5000 })) as Pid;
      link(first);
      const ref = monitor(second);
      // the processes on b wait for a message: tell them to go
      send(first, "die");
      send(second, "go");
      const exitMsg = await receive((m) => m instanceof ExitMessage, { timeout: 5000 });
      const down = await receive((m) => m instanceof DownMessage, { timeout: 5000 });
      return { exitMsg, down, first, second, ref };
    });
    expect(seen.exitMsg).toEqual(new ExitMessage(seen.first, "boom"));
    expect((seen.down as DownMessage).ref).toBe(seen.ref);
    expect((seen.down as DownMessage).pid).toBe(seen.second);
    expect((seen.down as DownMessage).reason).toEqual({ shutdown: "bye" });
  });

  it("gives noconnection to links and monitors when the other node goes away", async () => {
    const a = await cluster.start("a");
    const b = await cluster.start("b");
    expect(await a.node.connect("b@127.0.0.1")).toBe(true);
    const result = a.rt.run(async () => {
      register("inbox", self());
      trapExit(true);
      shareProcess(b, a, "inbox", () => new Promise(() => {}));
      const pid = (await receive(() => true, { timeout: 5000 })) as Pid;
      link(pid);
      const ref = monitor(pid);
      const m1 = await receive((m) => m instanceof ExitMessage || m instanceof DownMessage, {
        timeout: 5000,
      });
      const m2 = await receive((m) => m instanceof ExitMessage || m instanceof DownMessage, {
        timeout: 5000,
      });
      return { m1, m2, pid, ref };
    });
    // wait until the link and monitor are in place on b, then take b down
    await until(() => b.rt.processes().some((p) => b.rt.processInfo(p)?.links.length === 1));
    await b.node.stop();
    const { m1, m2, pid, ref } = await result;
    const msgs = [m1, m2];
    expect(msgs).toContainEqual(new ExitMessage(pid, "noconnection"));
    expect(msgs.find((m) => m instanceof DownMessage)).toMatchObject({
      ref,
      reason: "noconnection",
    });
    expect(a.node.nodes()).toEqual([]);
  });

  it("refuses a node with another cookie, on both sides", async () => {
    const a = await cluster.start("a");
    const c = await cluster.start("c", { cookie: "another-cookie" });
    expect(await a.node.connect("c@127.0.0.1")).toBe(false);
    expect(await c.node.connect("a@127.0.0.1")).toBe(false);
    expect(a.node.nodes()).toEqual([]);
    expect(c.node.nodes()).toEqual([]);
    const lines = [...a.logs, ...c.logs].map((r) => r.message).join("\n");
    expect(lines).toMatch(/cookies differ/);
  });

  it("closes a connection that sends garbage, with a log line, and nothing else is affected", async () => {
    const a = await cluster.start("a");
    await cluster.start("b");
    expect(await a.node.connect("b@127.0.0.1")).toBe(true);
    const socket = await connectSocket("127.0.0.1", a.node.port, 2000, createConnection);
    cluster.defer(() => void socket.destroy());
    const reader = new SocketReader(socket);
    await initiate(
      socket,
      reader,
      {
        name: "evil@127.0.0.1",
        creation: 7,
        cookie: "tcp-test-cookie",
        flags: OURS,
        timeoutMs: 2000,
      },
      "a@127.0.0.1",
    );
    reader.detach();
    await until(() => a.node.nodes().includes("evil@127.0.0.1"));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.write(Uint8Array.of(0, 0, 0, 4, 112, 131, 255, 0));
    await closed;
    await until(() => !a.node.nodes().includes("evil@127.0.0.1"));
    expect(a.logs.map((r) => r.message).join("\n")).toMatch(
      /malformed packet from evil@127\.0\.0\.1: decode: unknown tag 255/,
    );
    expect(a.node.nodes()).toEqual(["b@127.0.0.1"]);
    expect(await a.node.ping("b@127.0.0.1")).toBe("pong");
  });

  it("closes a connection whose packet announces more than maxPacket bytes", async () => {
    const a = await cluster.start("a", { maxPacket: 1024 });
    const socket = await connectSocket("127.0.0.1", a.node.port, 2000, createConnection);
    cluster.defer(() => void socket.destroy());
    const reader = new SocketReader(socket);
    await initiate(
      socket,
      reader,
      {
        name: "big@127.0.0.1",
        creation: 7,
        cookie: "tcp-test-cookie",
        flags: OURS,
        timeoutMs: 2000,
      },
      "a@127.0.0.1",
    );
    reader.detach();
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.write(Uint8Array.of(0x7f, 0, 0, 0, 112));
    await closed;
    expect(a.logs.map((r) => r.message).join("\n")).toMatch(/exceeds the limit of 1024/);
  });

  it("drops a peer that stays silent for net_ticktime, and keeps a quiet but live one", async () => {
    const tick = 0.4; // seconds
    const a = await cluster.start("a", { tickTime: tick });
    await cluster.start("b", { tickTime: tick });
    expect(await a.node.connect("b@127.0.0.1")).toBe(true);
    const socket = await connectSocket("127.0.0.1", a.node.port, 2000, createConnection);
    cluster.defer(() => void socket.destroy());
    const reader = new SocketReader(socket);
    await initiate(
      socket,
      reader,
      {
        name: "mute@127.0.0.1",
        creation: 7,
        cookie: "tcp-test-cookie",
        flags: OURS,
        timeoutMs: 2000,
      },
      "a@127.0.0.1",
    );
    reader.detach();
    socket.on("data", () => {}); // reads ticks, never answers
    const start = Date.now();
    await new Promise<void>((resolve) => socket.on("close", () => resolve()));
    const took = Date.now() - start;
    expect(took).toBeGreaterThanOrEqual(tick * 1000 * 0.75 - 20);
    expect(took).toBeLessThan(tick * 1000 * 1.25 + 300);
    // b ticks and so stays connected, though no process said anything
    expect(a.node.nodes()).toEqual(["b@127.0.0.1"]);
  });
});

describe("reading below the stream layer", () => {
  const Echo = GenServer.define({
    init: () => ok(0),
    handleCall: (req: unknown, _from, n: number) => reply(req, n + 1),
  });

  afterEach(() => {
    rawReads.enabled = true;
    vi.restoreAllMocks();
  });

  it("both ends of a TCP connection read through an inlet, and the stream path gives the same results", async () => {
    const drains = vi.spyOn(Inlet.prototype, "drainTo");
    for (const raw of [true, false]) {
      rawReads.enabled = raw;
      drains.mockClear();
      const a = await cluster.start(raw ? "ra" : "sa");
      const b = await cluster.start(raw ? "rb" : "sb");
      await b.rt.run(() => GenServer.start(Echo, undefined, { name: "echo" }));
      const echo = { name: "echo", node: b.rt.node };
      // small requests many to a read, and ones bigger than a read buffer, split across reads
      const requests: unknown[] = [];
      for (let i = 0; i < 200; i++) {
        requests.push(i % 50 === 7 ? String(i).repeat(50_000 + i) : [atom("n"), i]);
      }
      const replies = await a.rt.run(() =>
        Promise.all(requests.map((r) => GenServer.call(echo, r, 10_000))),
      );
      expect(replies).toEqual(requests);
      // each side's handshake reader, then its connection, drain the inlet
      expect(drains).toHaveBeenCalledTimes(raw ? 4 : 0);
      expect(a.logs.concat(b.logs).filter((l) => l.kind === "warning")).toEqual([]);
    }
  });
});

describe("calls to { name, node } and monitorNode", () => {
  it("calls a registered server on another node by name, with Erlang's failure reasons", async () => {
    const a = await cluster.start("a");
    const b = await cluster.start("b");
    await b.rt.run(() => GenServer.start(Counter, 7, { name: "counter" }));
    const slow = b.rt.spawn(() => new Promise(() => {}));
    b.rt.register("silent", slow);
    const dest = { name: "counter", node: "b@127.0.0.1" };
    // outside process code, and inside a process
    expect(await a.node.call(dest, "get")).toBe(7);
    expect(await a.rt.run(() => a.node.call(dest, "get"))).toBe(7);
    const missing = await a.node
      .call({ name: "nobody", node: "b@127.0.0.1" }, "get")
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NoProcessError);
    const late = await a.node
      .call({ name: "silent", node: "b@127.0.0.1" }, "get", { timeout: 100 })
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(CallTimeoutError);
    // the monitor of the timed-out call was taken down on b
    await until(() => b.rt.processInfo(slow)?.monitoredBy.length === 0, 2000, "the demonitor");
    // a request without an Erlang form fails at once, and takes its monitor down too
    const counter = b.rt.whereis("counter") as Pid;
    const unsendable = await a.node
      .call(dest, () => "get", { timeout: Number.POSITIVE_INFINITY })
      .catch((e: unknown) => e);
    expect(unsendable).toBeInstanceOf(BadArgumentError);
    expect(await a.node.call(dest, "get")).toBe(7);
    await until(() => b.rt.processInfo(counter)?.monitoredBy.length === 0, 2000, "no monitor");
    const crash = await a.node.call(dest, "crash").catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(CallError);
    expect((crash as CallError).reason).toBe("boom");
    const unreachable = await a.node
      .call({ name: "x", node: "zz@127.0.0.1" }, "get")
      .catch((e: unknown) => e);
    expect((unreachable as CallError).reason).toEqual({ nodedown: "zz@127.0.0.1" });
  });

  it("a call to { name, node } naming this node calls the local process, as gen_server:call({Name, node()}, …)", async () => {
    const a = await cluster.start("a");
    await a.rt.run(() => GenServer.start(Counter, 3, { name: "counter" }));
    const here = { name: "counter", node: "a@127.0.0.1" };
    // outside process code, and inside a process
    expect(await a.node.call(here, "get")).toBe(3);
    expect(await a.rt.run(() => a.node.call(here, "get"))).toBe(3);
    expect(a.node.nodes()).toEqual([]);
    const missing = await a.node
      .call({ name: "nobody", node: "a@127.0.0.1" }, "get")
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NoProcessError);
    const slow = a.rt.spawn(() => new Promise(() => {}));
    a.rt.register("silent", slow);
    const late = await a.node
      .call({ name: "silent", node: "a@127.0.0.1" }, "get", { timeout: 50 })
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(CallTimeoutError);
    const crash = await a.node.call(here, "crash").catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(CallError);
    expect((crash as CallError).reason).toBe("boom");
  });

  it("a server that keeps a remote call's From replies later; the call's reference is held only while the call lives", async () => {
    const a = await cluster.start("a");
    const b = await cluster.start("b");
    type DeferCall = GenServer.Request<number, number> | GenServer.Request<"count", number>;
    type Waiting = { waiting: [From, number][]; done: From[] };
    const Defer = GenServer.define({
      init: () => ok({ waiting: [] as [From, number][], done: [] as From[] }),
      handleCall: (n: DeferCall, from, s: { waiting: [From, number][]; done: From[] }) =>
        n === "count"
          ? reply(s.waiting.length, s)
          : noreply<Waiting>({ ...s, waiting: [...s.waiting, [from, n as number]] }),
      handleCast: (_: "flush", s: { waiting: [From, number][]; done: From[] }) => {
        // answer the last caller first, and keep the From objects after answering
        for (const [from, n] of [...s.waiting].reverse()) GenServer.reply(from, n * 10);
        return noreply({ waiting: [], done: s.waiting.map(([from]) => from) });
      },
      handleInfo: (_: "again", s: { waiting: [From, number][]; done: From[] }) => {
        // a second reply to a kept From is dropped, as in OTP (the caller's alias is gone)
        for (const from of s.done) GenServer.reply(from, -1);
        return noreply(s);
      },
    });
    const server = await b.rt.run(() => GenServer.start(Defer, undefined, { name: "defer" }));
    const dest = { name: "defer", node: "b@127.0.0.1" };
    const held = heldRefCount();
    const calls = [1, 2, 3].map((n) => a.node.call<number>(dest, n));
    await until(() => peerLinkOf(b.node, "a@127.0.0.1")?.pendingInboundCalls === 3);
    // each pending call's reference (its monitor's) is held on the server, without a weak reference
    expect(heldRefCount()).toBe(held + 3);
    expect(await b.rt.run(() => GenServer.call(server, "count"))).toBe(3);
    b.rt.run(() => GenServer.cast(server, "flush"));
    expect(await Promise.all(calls)).toEqual([10, 20, 30]);
    // the caller demonitors after the reply: nothing is held any more
    await until(() => heldRefCount() === held, 2000, "the held references released");
    expect(peerLinkOf(b.node, "a@127.0.0.1")?.pendingInboundCalls).toBe(0);
    b.rt.send(server, "again");
    expect(await a.node.call(dest, "count")).toBe(0);
    await until(() => heldRefCount() === held, 2000, "the last call's reference released");
  });

  it("a call in flight fails with nodedown when the connection drops", async () => {
    const a = await cluster.start("a");
    const b = await cluster.start("b");
    const slow = b.rt.spawn(() => new Promise(() => {}));
    b.rt.register("silent", slow);
    const held = heldRefCount();
    const pending = a.node.call({ name: "silent", node: "b@127.0.0.1" }, "get", {
      timeout: Number.POSITIVE_INFINITY,
    });
    const failure = pending.catch((e: unknown) => e);
    await until(() => b.rt.processInfo(slow)?.monitoredBy.length === 1, 5000, "the call's monitor");
    expect(heldRefCount()).toBe(held + 1);
    await b.node.stop();
    expect(((await failure) as CallError).reason).toEqual({ nodedown: "b@127.0.0.1" });
    // the server let go of the reference of the call that lost its connection
    expect(heldRefCount()).toBe(held);
  });

  it("monitorNode delivers { nodedown } when the connection goes, or at once if it cannot be made", async () => {
    const a = await cluster.start("a");
    const b = await cluster.start("b");
    const got = await a.rt.run(async () => {
      a.node.monitorNode("b@127.0.0.1");
      a.node.monitorNode("nowhere@127.0.0.1");
      const first = await receive(() => true, { timeout: 5000 });
      await until(() => a.node.nodes().includes("b@127.0.0.1"));
      void b.node.stop();
      const second = await receive(() => true, { timeout: 5000 });
      return [first, second];
    });
    expect(got).toEqual([{ nodedown: "nowhere@127.0.0.1" }, { nodedown: "b@127.0.0.1" }]);
  });
});

describe("connecting on demand", () => {
  it("a send, link or call to a pid of a node that is not connected connects first", async () => {
    const a = await cluster.start("a");
    const b = await cluster.start("b");
    const counter = await b.rt.run(() => GenServer.start(Counter, 5, { name: "counter" }));
    const got = a.rt.run(async () => {
      register("inbox", self());
      return (await receive(() => true, { timeout: 5000 })) as Pid;
    });
    await until(() => a.rt.whereis("inbox") !== undefined);
    b.node.send({ name: "inbox", node: "a@127.0.0.1" }, counter);
    const pid = await got;
    // drop the connection: the next call reconnects (Erlang's auto-connect)
    expect(a.node.disconnect("b@127.0.0.1")).toBe(true);
    await until(() => a.node.nodes().length === 0 && b.node.nodes().length === 0);
    expect(await a.rt.run(() => GenServer.call(pid, "get", 5000))).toBe(5);
    expect(a.node.nodes()).toEqual(["b@127.0.0.1"]);
  });

  it("a node that cannot be reached gives noconnection to the link and monitor made meanwhile", async () => {
    const a = await cluster.start("a");
    const ghost = internPid("ghost@127.0.0.1", 42, 0, 1);
    const msgs = await a.rt.run(async () => {
      trapExit(true);
      link(ghost);
      const ref = monitor(ghost);
      send(ghost, "lost");
      const m1 = await receive((m) => m instanceof ExitMessage || m instanceof DownMessage, {
        timeout: 5000,
      });
      const m2 = await receive((m) => m instanceof ExitMessage || m instanceof DownMessage, {
        timeout: 5000,
      });
      return { ref, all: [m1, m2] };
    });
    expect(msgs.all).toContainEqual(new ExitMessage(ghost, "noconnection"));
    expect(msgs.all).toContainEqual(new DownMessage(msgs.ref, ghost, "noconnection"));
    expect(a.rt.nodes()).toEqual([]);
  });
});

describe("pg between Trellis nodes", () => {
  it("members joined on one node are seen on the other, and leave when they exit", async () => {
    const a = await cluster.start("a");
    const b = await cluster.start("b");
    expect(await a.node.connect("b@127.0.0.1")).toBe(true);
    const pgB = startPg(b.rt, b.node);
    const pgA = startPg(a.rt, a.node); // discovers b's scope
    const w1 = a.rt.spawn(() => receive());
    const w2 = b.rt.spawn(() => receive());
    await until(() => a.rt.processInfo(pgA.pid)?.monitors.length === 1, 5000, "the scopes to sync");
    pgA.join("workers", w1);
    pgB.join("workers", [w2]);
    // as pg:join, done on return on the joining node
    expect(pgA.getLocalMembers("workers")).toEqual([w1]);
    expect(pgB.getMembers("workers")).toEqual([w2]);
    await until(
      () => pgA.getMembers("workers").length === 2 && pgB.getMembers("workers").length === 2,
    );
    // pids of a's processes, as b knows them (each runtime has its own Pid objects)
    const ids = (pids: Pid[]): string[] => pids.map((p) => `${p.node}/${p.id}`).sort();
    expect(ids(pgB.getMembers("workers"))).toEqual(ids([w1, w2]));
    expect(pgB.getLocalMembers("workers")).toEqual([w2]);
    a.rt.exit(w1, "kill");
    await until(() => pgB.getMembers("workers").length === 1, 5000, "the leave");
    pgB.leave("workers", w2);
    expect(pgB.getMembers("workers")).toEqual([]);
    expect(pgB.whichGroups()).toEqual([]);
    await until(() => pgA.getMembers("workers").length === 0, 5000, "the second leave");
    expect(pgA.whichGroups()).toEqual([]);
    pgA.stop();
    pgB.stop();
  });
});
