// Trellis ↔ real BEAM nodes (Erlang/OTP 25) on loopback. The BEAM nodes find Trellis (and
// each other) through Trellis's built-in port mapper (ERL_EPMD_PORT), use a random cookie,
// net_ticktime 4, and are killed by pid after each test.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import {
  CallError,
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
  trapExit,
} from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { atom, type PortMapper, startPg, startPortMapper } from "../src/index.js";
import { peerLinkOf } from "../src/node.js";
import { Beam } from "./support/beam.js";
import { LinePeer } from "./support/erl.js";
import { Cluster, until } from "./support/nodes.js";

const TICK = 4;
let code: { dir: string; remove(): void };
let mapper: PortMapper;
let cluster: Cluster;
let cookie: string;
const beams: Beam[] = [];

beforeAll(() => {
  code = Beam.compile();
}, 30_000);
afterAll(() => code?.remove());

beforeEach(async () => {
  cookie = randomBytes(12).toString("hex");
  mapper = await startPortMapper({ port: 0 });
  cluster = new Cluster({ cookie, epmd: { port: mapper.port }, tickTime: TICK });
});

afterEach(async () => {
  for (const b of beams.splice(0)) await b.stop();
  await cluster.cleanup();
  await mapper.close();
});

async function beam(name = "beam"): Promise<Beam> {
  const b = await Beam.start({ name, cookie, epmdPort: mapper.port, tickTime: TICK }, code.dir);
  beams.push(b);
  return b;
}

const { ok, reply, stop } = GenServer.Result;
const Counter = GenServer.define({
  init: (n: number) => ok(n),
  handleCall: (req: unknown, _from, n: number) =>
    req === atom("get")
      ? reply(n, n)
      : req === atom("crash")
        ? stop("boom", n)
        : reply([atom("unknown"), req as never], n),
});

/** A Trellis process that registers `inbox`, and resolves with the first message it gets. */
function inbox<T>(rt: { run<R>(fn: () => R | PromiseLike<R>): Promise<R> }): Promise<T> {
  return rt.run(async () => {
    register("inbox", self());
    return (await receive(() => true, { timeout: 10_000 })) as T;
  });
}

describe("Trellis ↔ Erlang/OTP 25", () => {
  it("Erlang pings Trellis and gen_server:call({counter, Node}) reaches a Trellis GenServer", async () => {
    const t = await cluster.start("t1");
    await t.rt.run(() => GenServer.start(Counter, 42, { name: "counter" }));
    const e = await beam();
    expect(await e.eval("net_adm:ping('t1@127.0.0.1').")).toBe("pong");
    expect(await e.eval("gen_server:call({counter, 't1@127.0.0.1'}, get, 5000).")).toBe("42");
    expect(
      await e.eval(
        "gen_server:call({counter, 't1@127.0.0.1'}, {hello, <<\"bin\">>, [1,2], #{k => 1.5}}, 5000).",
      ),
    ).toBe("{unknown,{hello,<<98,105,110>>,[1,2],#{k => 1.5}}}");
    // a missing name: noproc, as for an Erlang node
    expect(await e.eval("catch gen_server:call({nobody, 't1@127.0.0.1'}, get, 5000).")).toMatch(
      /^\{'EXIT',\{noproc,\{gen_server,call,/,
    );
    // the server crashes: the caller exits with its reason
    expect(await e.eval("catch gen_server:call({counter, 't1@127.0.0.1'}, crash, 5000).")).toMatch(
      /^\{'EXIT',\{boom,\{gen_server,call,/,
    );
    // every call from Erlang was answered or ended by the server's exit: none is pending
    expect(peerLinkOf(t.node, e.node)?.pendingInboundCalls).toBe(0);
    // Trellis is a hidden node
    expect(await e.eval("nodes(hidden).")).toBe("['t1@127.0.0.1']");
    expect(await e.eval("nodes().")).toBe("[]");
  }, 30_000);

  it("an Erlang caller that times out leaves no pending call, and the late reply is dropped", async () => {
    const t = await cluster.start("t9");
    const froms: From[] = [];
    const Slow = GenServer.define({
      init: () => ok(0),
      // holds every call: the test answers it after the caller gave up
      handleCall: (req: unknown, from, n: number) => {
        if (req === atom("get")) return reply(n, n);
        froms.push(from);
        return GenServer.Result.noreply(n + 1);
      },
    });
    await t.rt.run(() => GenServer.start(Slow, undefined, { name: "slow" }));
    const e = await beam();
    expect(await e.eval("catch gen_server:call({slow, 't9@127.0.0.1'}, wait, 300).")).toMatch(
      /^\{'EXIT',\{timeout,\{gen_server,call,/,
    );
    expect(froms).toHaveLength(1);
    // gen:call demonitors with the call's reference when it times out: the entry goes
    await until(() => peerLinkOf(t.node, e.node)?.pendingInboundCalls === 0);
    // the late reply reaches nobody: a later call's reply (sent after it, on the same
    // connection) is the only message the Erlang caller gets
    const [late] = froms;
    if (late === undefined) throw new Error("no pending call");
    await t.rt.run(() => GenServer.reply(late, atom("too_late")));
    expect(await e.eval("gen_server:call({slow, 't9@127.0.0.1'}, get, 5000).")).toBe("1");
    expect(await e.eval("element(2, process_info(self(), messages)).")).toBe("[]");
    expect(t.logs).toEqual([]);
  }, 30_000);

  it("a Trellis GenServer.call reaches an Erlang gen_server, terms round-trip, and a crash gives its reason", async () => {
    const t = await cluster.start("t2");
    const e = await beam();
    expect(await t.node.connect(e.node)).toBe(true);
    const got = inbox<Pid>(t.rt);
    await until(() => t.rt.whereis("inbox") !== undefined);
    await e.eval("{inbox, 't2@127.0.0.1'} ! whereis(echo).");
    const echo = await got;
    expect(echo.node).toBe(e.node);
    const request = [atom("hello"), 1, "bin", { a: 1 }, 2n ** 80n, 1.5, -7];
    const answer = await t.rt.run(() => GenServer.call(echo, request, 5000));
    expect(answer).toEqual([atom("echo"), request, atom(e.node)]);
    const failure = await t.rt.run(() =>
      GenServer.call(echo, [atom("crash"), atom("bye")], 5000).catch((err: unknown) => err),
    );
    expect(failure).toBeInstanceOf(CallError);
    expect((failure as CallError).reason).toBe("bye");
    expect(t.rt.pendingCalls()).toBe(0);
    // by name, as gen_server:call({echo, Node}, ...) does
    const restarted = await e.eval(
      "{ok, _} = gen_server:start({local, echo}, trellis_peer, [], []).",
    );
    expect(restarted).toMatch(/^\{ok,<\d+\.\d+\.\d+>\}$/);
    expect(await t.node.call({ name: "echo", node: e.node }, 1.25)).toEqual([
      atom("echo"),
      1.25,
      atom(e.node),
    ]);
    const missing = await t.node
      .call({ name: "nobody", node: e.node }, 1)
      .catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(NoProcessError);
    // core's own GenServer.call and monitor with { name, node }: MONITOR_P by name, REG_SEND
    // and the alias reply, as gen_server:call({echo, Node}, ...) does
    const byName = await t.rt.run(() => GenServer.call({ name: "echo", node: e.node }, 2, 5000));
    expect(byName).toEqual([atom("echo"), 2, atom(e.node)]);
    const down = await t.rt.run(async () => {
      const ref = monitor({ name: "nobody", node: e.node });
      return receive((m) => m instanceof DownMessage && m.ref === ref, { timeout: 5000 });
    });
    expect(down).toMatchObject({ pid: { name: "nobody", node: e.node }, reason: "noproc" });
    const missingByName = await t.rt.run(() =>
      GenServer.call({ name: "nobody", node: e.node }, 1, 5000).catch((err: unknown) => err),
    );
    expect(missingByName).toBeInstanceOf(NoProcessError);
    expect(t.rt.pendingCalls()).toBe(0);
  }, 30_000);

  it("links and monitors from Erlang to Trellis processes get Trellis's exit reasons", async () => {
    const t = await cluster.start("t3");
    const e = await beam();
    const victim1 = t.rt.spawn(async () => {
      await receive(() => true);
      exit("ts_died");
    });
    const victim2 = t.rt.spawn(async () => {
      await receive(() => true);
      exit({ shutdown: "bye" });
    });
    expect(await t.node.connect(e.node)).toBe(true);
    t.node.send({ name: "inbox", node: e.node }, [victim1, victim2]);
    await e.eval("{V1, V2} = trellis_peer:take().");
    expect(await e.eval("is_pid(trellis_peer:watch_link(V1)).")).toBe("true");
    expect(await e.eval("is_pid(trellis_peer:watch_monitor(V2)).")).toBe("true");
    await until(() => t.rt.processInfo(victim1)?.links.length === 1, 5000, "the link from Erlang");
    await until(
      () => t.rt.processInfo(victim2)?.monitoredBy.length === 1,
      5000,
      "the monitor from Erlang",
    );
    t.rt.send(victim1, "go");
    t.rt.send(victim2, "go");
    const events = [await e.event(), await e.event()].sort();
    expect(events[0]).toMatch(/^\{down,<\d+\.\d+\.\d+>,\{shutdown,<<98,121,101>>\}\}$/);
    expect(events[1]).toMatch(/^\{exit,<\d+\.\d+\.\d+>,ts_died\}$/);
    expect(await e.eval("node(V1).")).toBe("'t3@127.0.0.1'");
  }, 30_000);

  it("links and monitors from Trellis to Erlang processes get Erlang's exit reasons", async () => {
    const t = await cluster.start("t4");
    const e = await beam();
    expect(await t.node.connect(e.node)).toBe(true);
    const seen = t.rt.run(async () => {
      register("inbox", self());
      trapExit(true);
      const [p1, p2] = (await receive(() => true, { timeout: 10_000 })) as [Pid, Pid];
      link(p1);
      const ref = monitor(p2);
      t.node.send({ name: "inbox", node: e.node }, atom("ready"));
      const exitMsg = await receive((m) => m instanceof ExitMessage, { timeout: 10_000 });
      const down = await receive((m) => m instanceof DownMessage, { timeout: 10_000 });
      return { p1, p2, ref, exitMsg, down };
    });
    await until(() => t.rt.whereis("inbox") !== undefined);
    await e.eval(
      "P1 = spawn(fun() -> receive go -> exit(bye) end end), P2 = spawn(fun() -> receive _ -> ok end end), {inbox, 't4@127.0.0.1'} ! {P1, P2}.",
    );
    expect(await e.eval("trellis_peer:take().")).toBe("ready");
    // the link and monitor went out before "ready": Erlang holds them now
    expect(await e.eval("{links, [L]} = process_info(P1, links), node(L).")).toBe("'t4@127.0.0.1'");
    await e.eval("P1 ! go, exit(P2, kill).");
    const r = await seen;
    expect(r.exitMsg).toEqual(new ExitMessage(r.p1, "bye"));
    expect(r.down).toEqual(new DownMessage(r.ref, r.p2, "killed"));
  }, 30_000);

  it("killing the BEAM node gives noconnection to links and monitors at once", async () => {
    const t = await cluster.start("t5");
    const e = await beam();
    expect(await t.node.connect(e.node)).toBe(true);
    const seen = t.rt.run(async () => {
      register("inbox", self());
      trapExit(true);
      const p = (await receive(() => true, { timeout: 10_000 })) as Pid;
      link(p);
      const ref = monitor(p);
      t.node.send({ name: "inbox", node: e.node }, atom("ready"));
      const m1 = await receive((m) => m instanceof ExitMessage || m instanceof DownMessage, {
        timeout: 10_000,
      });
      const m2 = await receive((m) => m instanceof ExitMessage || m instanceof DownMessage, {
        timeout: 10_000,
      });
      return { p, ref, msgs: [m1, m2] };
    });
    await until(() => t.rt.whereis("inbox") !== undefined);
    await e.eval("{inbox, 't5@127.0.0.1'} ! whereis(echo).");
    expect(await e.eval("trellis_peer:take().")).toBe("ready");
    const killedAt = Date.now();
    e.peer.signal("SIGKILL");
    const r = await seen;
    expect(Date.now() - killedAt).toBeLessThan(2000);
    expect(r.msgs).toContainEqual(new ExitMessage(r.p, "noconnection"));
    expect(r.msgs).toContainEqual(new DownMessage(r.ref, r.p, "noconnection"));
    expect(t.node.nodes()).toEqual([]);
  }, 30_000);

  it("a frozen BEAM node (SIGSTOP) is declared down within net_ticktime", async () => {
    const t = await cluster.start("t6");
    const e = await beam();
    expect(await t.node.connect(e.node)).toBe(true);
    const watcher = t.rt.run(async () => {
      register("inbox", self());
      const p = (await receive(() => true, { timeout: 10_000 })) as Pid;
      const ref = monitor(p);
      t.node.send({ name: "inbox", node: e.node }, atom("ready"));
      const down = await receive((m) => m instanceof DownMessage, { timeout: 15_000 });
      return { ref, down, at: Date.now() };
    });
    await until(() => t.rt.whereis("inbox") !== undefined);
    await e.eval("{inbox, 't6@127.0.0.1'} ! whereis(echo).");
    expect(await e.eval("trellis_peer:take().")).toBe("ready");
    const frozenAt = Date.now();
    e.peer.signal("SIGSTOP");
    try {
      const r = await watcher;
      const took = (r.at - frozenAt) / 1000;
      expect((r.down as DownMessage).reason).toBe("noconnection");
      expect(took).toBeGreaterThanOrEqual(TICK - TICK / 4 - 0.1);
      expect(took).toBeLessThanOrEqual(TICK + TICK / 4 + 0.5);
    } finally {
      e.peer.signal("SIGCONT");
    }
  }, 30_000);

  it("when the Trellis node goes away, Erlang monitors get noconnection", async () => {
    const t = await cluster.start("t7");
    const e = await beam();
    const victim = t.rt.spawn(() => new Promise(() => {}));
    expect(await t.node.connect(e.node)).toBe(true);
    t.node.send({ name: "inbox", node: e.node }, victim);
    await e.eval("V = trellis_peer:take().");
    expect(await e.eval("is_pid(trellis_peer:watch_monitor(V)).")).toBe("true");
    await until(
      () => t.rt.processInfo(victim)?.monitoredBy.length === 1,
      5000,
      "the monitor from Erlang",
    );
    await t.node.stop();
    expect(await e.event()).toMatch(/^\{down,<\d+\.\d+\.\d+>,noconnection\}$/);
  }, 30_000);

  it("nodes with different cookies do not connect, either way", async () => {
    const t = await cluster.start("t8", { cookie: "not-the-beam-cookie" });
    const e = await beam();
    expect(await e.eval("net_adm:ping('t8@127.0.0.1').")).toBe("pang");
    expect(await t.node.connect(e.node)).toBe(false);
    expect(t.node.nodes()).toEqual([]);
    expect(t.logs.map((r) => r.message).join("\n")).toMatch(/cookies differ|closed the connection/);
  }, 30_000);
});

describe("Trellis ↔ Elixir 1.14", () => {
  it("Elixir calls and casts a Trellis GenServer by {name, node}; Trellis calls an Elixir GenServer", async () => {
    const t = await cluster.start("tex");
    const AddCounter = GenServer.define({
      init: (n: number) => ok(n),
      handleCall: (_req: unknown, _from, n: number) => reply(n, n),
      handleCast: (req: unknown, n: number) =>
        GenServer.Result.noreply(
          Array.isArray(req) && req[0] === atom("add") ? n + (req[1] as number) : n,
        ),
    });
    await t.rt.run(() => GenServer.start(AddCounter, 34, { name: "counter" }));
    const got = inbox<[unknown, Pid]>(t.rt);
    await until(() => t.rt.whereis("inbox") !== undefined);
    const script = fileURLToPath(new URL("./elixir/two_way.exs", import.meta.url));
    const ex = new LinePeer(
      "elixir",
      [
        "--name",
        "ex@127.0.0.1",
        "--cookie",
        cookie,
        "--erl",
        `-kernel net_ticktime ${TICK} -start_epmd false`,
        script,
      ],
      { ERL_EPMD_PORT: String(mapper.port), TRELLIS_NODE: "tex@127.0.0.1" },
    );
    cluster.defer(() => ex.stop());
    expect(await ex.line(20_000)).toBe("ping pong");
    expect(await ex.line()).toBe("call 34");
    expect(await ex.line()).toBe("after_cast 42");
    const [tag, echo] = await got;
    expect(tag).toBe(atom("echo_pid"));
    const answer = await t.rt.run(() => GenServer.call(echo, [atom("add"), 2n ** 70n, 1], 5000));
    expect(answer).toEqual([atom("sum"), 2n ** 70n + 1n, atom("ex@127.0.0.1")]);
  }, 40_000);
});

describe("pg with Erlang/OTP 25", () => {
  it("a Trellis process joins an OTP pg group and Erlang sees it, and the reverse", async () => {
    const t = await cluster.start("tpg");
    const e = await beam();
    expect(await e.eval("element(1, pg:start(pg)).")).toBe("ok");
    expect(await t.node.connect(e.node)).toBe(true);
    const pg = startPg(t.rt, t.node);
    const chat = atom("chat");
    // Erlang joins first; Trellis sees the member once the scopes have synced
    await e.eval("P = spawn(fun() -> receive _ -> ok end end), pg:join(chat, P).");
    await until(
      () => pg.getMembers(chat).some((p) => p.node === e.node),
      5000,
      "the Erlang member",
    );
    const worker = t.rt.spawn(() => receive());
    pg.join(chat, worker);
    await until(() => pg.getLocalMembers(chat).length === 1);
    const nodesOfMembers = async (): Promise<string> =>
      e.eval("lists:sort([node(M) || M <- pg:get_members(chat)]).");
    const deadline = Date.now() + 5000;
    while (
      (await nodesOfMembers()) !== "['beam@127.0.0.1','tpg@127.0.0.1']" &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await nodesOfMembers()).toBe("['beam@127.0.0.1','tpg@127.0.0.1']");
    // the Erlang member dies: Trellis drops it; the Trellis member leaves: Erlang drops it
    await e.eval("exit(P, kill).");
    await until(
      () => !pg.getMembers(chat).some((p) => p.node === e.node),
      5000,
      "the Erlang leave",
    );
    t.rt.exit(worker, "kill");
    const deadline2 = Date.now() + 5000;
    while ((await nodesOfMembers()) !== "[]" && Date.now() < deadline2) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await nodesOfMembers()).toBe("[]");
    expect(pg.whichGroups()).toEqual([]);
    pg.stop();
  }, 30_000);
});

describe("erpc into Trellis", () => {
  it("erpc:call and rpc:call run functions the Trellis node exports; spawn/4 starts one", async () => {
    const t = await cluster.start("trpc");
    t.node.exportFunction("math", "add", (a, b) => (a as number) + (b as number));
    t.node.exportFunction("math", "fail", () => {
      throw new Error("nope");
    });
    t.node.exportFunction("math", "slow_echo", async (x) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return [atom("echoed"), x];
    });
    const got = inbox<unknown>(t.rt);
    t.node.exportFunction("notify", "send", (x) => {
      t.rt.send(t.rt.whereis("inbox") as Pid, x);
    });
    await until(() => t.rt.whereis("inbox") !== undefined);
    const e = await beam();
    expect(await e.eval("erpc:call('trpc@127.0.0.1', math, add, [1, 2]).")).toBe("3");
    expect(await e.eval("rpc:call('trpc@127.0.0.1', math, add, [20, 22]).")).toBe("42");
    expect(await e.eval("erpc:call('trpc@127.0.0.1', math, slow_echo, [<<\"hi\">>]).")).toBe(
      "{echoed,<<104,105>>}",
    );
    expect(await e.eval("catch erpc:call('trpc@127.0.0.1', math, fail, []).")).toMatch(
      /^\{'EXIT',\{\{exception,\{'Error',<<110,111,112,101>>\},\[\]\}/,
    );
    expect(await e.eval("catch erpc:call('trpc@127.0.0.1', nosuch, f, []).")).toMatch(
      /^\{'EXIT',\{\{exception,undef,\[\]\}/,
    );
    expect(await e.eval("is_pid(spawn('trpc@127.0.0.1', notify, send, [hello])).")).toBe("true");
    expect(await got).toBe(atom("hello"));
  }, 30_000);
});
