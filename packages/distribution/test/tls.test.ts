// TLS distribution (Erlang's `-proto_dist inet_tls`): Trellis ↔ Trellis and Trellis ↔ real
// Erlang/OTP 25 nodes on loopback, with certificates made at test time (see
// support/certs.ts). EPMD stays plain TCP: every node registers with a Trellis port mapper.
// BEAM nodes are killed by pid after each test; every wait is bounded.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createConnection } from "node:net";
import { BadArgumentError, createRuntime } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { atom, type PortMapper, startNode, startPortMapper } from "../src/index.js";
import { Beam } from "./support/beam.js";
import { makeTestCerts, type TestCerts } from "./support/certs.js";
import { Cluster, type TestNode, until } from "./support/nodes.js";

const TICK = 4;
let certs: TestCerts;
let code: { dir: string; remove(): void };
let mapper: PortMapper;
let cluster: Cluster;
let cookie: string;
const beams: Beam[] = [];

beforeAll(() => {
  certs = makeTestCerts();
  code = Beam.compile();
}, 60_000);
afterAll(() => {
  code?.remove();
  certs?.remove();
});

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

const { ok, reply } = GenServer.Result;
const Counter = GenServer.define({
  init: (n: number) => ok(n),
  handleCall: (req: unknown, _from, n: number) =>
    req === atom("get") ? reply(n, n) : reply([atom("unknown"), req as never], n),
});

function tlsNode(name: string, trusted = true): Promise<TestNode> {
  return cluster.start(name, {
    tls: certs.tlsOptions(trusted ? certs.trusted : certs.intruder),
  });
}

async function tlsBeam(name: string, trusted = true): Promise<Beam> {
  const optFile = certs.erlangOptFile(trusted ? certs.trusted : certs.intruder, name);
  const b = await Beam.start(
    {
      name,
      cookie,
      epmdPort: mapper.port,
      tickTime: TICK,
      args: ["-proto_dist", "inet_tls", "-ssl_dist_optfile", optFile],
    },
    code.dir,
  );
  beams.push(b);
  return b;
}

const messages = (n: TestNode): string => n.logs.map((r) => r.message).join("\n");

describe("TLS distribution between Trellis nodes", () => {
  it("carries calls between two TLS nodes", async () => {
    const a = await tlsNode("a");
    const b = await tlsNode("b");
    await a.rt.run(() => GenServer.start(Counter, 42, { name: "counter" }));
    expect(await b.node.call({ name: "counter", node: "a@127.0.0.1" }, atom("get"))).toBe(42);
    expect(a.node.nodes()).toEqual(["b@127.0.0.1"]);
    expect([...a.logs, ...b.logs]).toEqual([]);
  });

  it("refuses a plain TCP node and an untrusted certificate both ways, with log lines, and keeps the good connection", async () => {
    const a = await tlsNode("a");
    const b = await tlsNode("b");
    await a.rt.run(() => GenServer.start(Counter, 7, { name: "counter" }));
    expect(await b.node.connect("a@127.0.0.1")).toBe(true);

    // a node without TLS: its handshake is not TLS, so a refuses it
    const plain = await cluster.start("plain");
    expect(await plain.node.connect("a@127.0.0.1")).toBe(false);
    await until(() => /refused a TLS connection from 127\.0\.0\.1/.test(messages(a)));

    // a node whose certificate no node trusts: a refuses it as a client ...
    const intruder = await tlsNode("intruder", false);
    expect(await intruder.node.connect("a@127.0.0.1")).toBe(false);
    await until(() =>
      /refused a TLS connection from .*: its certificate is not trusted/.test(messages(a)),
    );
    // ... and does not trust it as a server either
    expect(await a.node.connect("intruder@127.0.0.1")).toBe(false);
    expect(messages(a)).toMatch(
      /cannot connect to intruder@127\.0\.0\.1: TLS connection .* failed/,
    );
    expect(a.node.nodes()).toEqual(["b@127.0.0.1"]);
    expect(intruder.node.nodes()).toEqual([]);
    expect(plain.node.nodes()).toEqual([]);

    // nothing else is affected
    expect(await b.node.call({ name: "counter", node: "a@127.0.0.1" }, atom("get"))).toBe(7);
    expect(b.logs).toEqual([]);
  });

  it("requestCert: false and rejectUnauthorized: false let unverified peers in (OTP's verify_none)", async () => {
    const open = await cluster.start("open", {
      tls: { ...certs.tlsOptions(certs.trusted), requestCert: false },
    });
    await open.rt.run(() => GenServer.start(Counter, 3, { name: "counter" }));
    // its certificate is not trusted by `open`, and it does not check open's
    const lax = await cluster.start("lax", {
      tls: { ...certs.tlsOptions(certs.intruder), rejectUnauthorized: false },
    });
    expect(await lax.node.call({ name: "counter", node: "open@127.0.0.1" }, atom("get"))).toBe(3);
    // but `open` still checks the servers it connects to
    expect(lax.node.disconnect("open@127.0.0.1")).toBe(true);
    await until(() => open.node.nodes().length === 0);
    expect(await open.node.connect("lax@127.0.0.1")).toBe(false);
    expect(messages(open)).toMatch(/cannot connect to lax@127\.0\.0\.1: TLS connection .* failed/);
  });

  it("drops a client that never completes its TLS handshake within setupTime, with a log line", async () => {
    const a = await cluster.start("a", {
      tls: certs.tlsOptions(certs.trusted),
      setupTime: 300,
    });
    const socket = createConnection(a.node.port, "127.0.0.1");
    cluster.defer(() => void socket.destroy());
    socket.on("error", () => {});
    const start = Date.now();
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("not dropped within 3 s")), 3000);
      socket.on("close", () => {
        clearTimeout(t);
        resolve();
      });
    });
    expect(Date.now() - start).toBeGreaterThanOrEqual(250);
    expect(messages(a)).toMatch(
      /refused a TLS connection from 127\.0\.0\.1:\d+: TLS handshake timeout/,
    );
  });

  it("rejects bad TLS options at startNode with a BadArgumentError", async () => {
    const { cert, key, ca } = certs.tlsOptions(certs.trusted);
    const other = readFileSync(certs.intruder.key);
    const rt = createRuntime({ node: "bad@127.0.0.1" });
    cluster.defer(() => rt.shutdown());
    const start = (tls: unknown) => startNode(rt, { cookie, epmd: false, tls: tls as never });
    await expect(start({ cert })).rejects.toThrow(BadArgumentError);
    await expect(start({ cert: "", key })).rejects.toThrow(/non-empty PEM/);
    await expect(start({ cert: "not a certificate", key })).rejects.toThrow(/startNode: tls:/);
    await expect(start({ cert, key: other, ca })).rejects.toThrow(/startNode: tls:/);
    await expect(start({ cert, key, rejectUnauthorized: "yes" })).rejects.toThrow(
      /rejectUnauthorized must be a boolean/,
    );
  });
});

describe("TLS distribution with Erlang/OTP 25 (-proto_dist inet_tls)", () => {
  it("Erlang → Trellis: ping and gen_server:call over TLS", async () => {
    const t = await tlsNode("t1");
    await t.rt.run(() => GenServer.start(Counter, 42, { name: "counter" }));
    const e = await tlsBeam("beam");
    expect(await e.eval("net_adm:ping('t1@127.0.0.1').")).toBe("pong");
    expect(await e.eval("gen_server:call({counter, 't1@127.0.0.1'}, get, 5000).")).toBe("42");
    expect(
      await e.eval("gen_server:call({counter, 't1@127.0.0.1'}, {hi, <<\"tls\">>}, 5000)."),
    ).toBe("{unknown,{hi,<<116,108,115>>}}");
    // the connection is inet_tls_dist's: its #net_address{} says protocol tls (tcp for inet_tcp)
    expect(
      await e.eval("element(4, element(2, net_kernel:node_info('t1@127.0.0.1', address))).", 5000),
    ).toBe("tls");
    expect(await e.eval("nodes(hidden).")).toBe("['t1@127.0.0.1']");
    expect(t.logs).toEqual([]);
  }, 40_000);

  it("Trellis → Erlang: connect and call an Erlang gen_server over TLS", async () => {
    const t = await tlsNode("t2");
    const e = await tlsBeam("beam");
    expect(await t.node.connect(e.node)).toBe(true);
    expect(await t.node.call({ name: "echo", node: e.node }, [atom("hello"), 1.5])).toEqual([
      atom("echo"),
      [atom("hello"), 1.5],
      atom(e.node),
    ]);
    expect(await e.eval("nodes(hidden).")).toBe("['t2@127.0.0.1']");
    expect(t.logs).toEqual([]);
  }, 40_000);

  it("an Erlang node without a trusted certificate is refused both ways; the trusted one keeps working", async () => {
    const t = await tlsNode("t3");
    await t.rt.run(() => GenServer.start(Counter, 5, { name: "counter" }));
    const good = await tlsBeam("good");
    expect(await good.eval("net_adm:ping('t3@127.0.0.1').")).toBe("pong");

    const bad = await tlsBeam("bad", false);
    expect(await bad.eval("net_adm:ping('t3@127.0.0.1').")).toBe("pang");
    await until(() => /refused a TLS connection from 127\.0\.0\.1.*not trusted/.test(messages(t)));
    expect(await t.node.connect(bad.node)).toBe(false);
    expect(messages(t)).toMatch(/cannot connect to bad@127\.0\.0\.1: TLS connection .* failed/);

    expect(t.node.nodes()).toEqual([good.node]);
    expect(await good.eval("gen_server:call({counter, 't3@127.0.0.1'}, get, 5000).")).toBe("5");
  }, 60_000);

  it("a Trellis node without a trusted certificate cannot reach an Erlang TLS node", async () => {
    const e = await tlsBeam("beam");
    const t = await tlsNode("t4", false);
    expect(await t.node.connect(e.node)).toBe(false);
    expect(t.node.nodes()).toEqual([]);
    expect(messages(t)).toMatch(/cannot connect to beam@127\.0\.0\.1/);
    expect(await e.eval("nodes(hidden).")).toBe("[]");
  }, 40_000);
});
