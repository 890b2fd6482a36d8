// The examples of docs/guides/distribution.md, word for word (scripts/sync-docs.mjs writes
// each region into the guide), run against the guide's Elixir session
// (test/elixir/guide.exs) on loopback, through a port mapper on a free port.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRuntime, receive } from "@trellis/core";
import {
  atom,
  epmdNames,
  type PortMapper,
  startNode,
  startPg,
  startPortMapper,
} from "@trellis/distribution";
import * as GenServer from "@trellis/gen-server";
import { afterEach, beforeEach, expect, it } from "vitest";
import { makeTestCerts } from "./support/certs.js";
import { LinePeer } from "./support/erl.js";

const cleanups: (() => Promise<void> | void)[] = [];
let mapper: PortMapper;
const savedEpmdPort = process.env.ERL_EPMD_PORT;

beforeEach(async () => {
  mapper = await startPortMapper({ port: 0 });
  // the guide's code finds EPMD where Erlang does: ERL_EPMD_PORT, here the test's mapper
  process.env.ERL_EPMD_PORT = String(mapper.port);
});

afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
  await mapper.close();
  if (savedEpmdPort === undefined) delete process.env.ERL_EPMD_PORT;
  else process.env.ERL_EPMD_PORT = savedEpmdPort;
});

it("the guide's Trellis node serves the guide's Elixir session, and calls it back", async () => {
  // #region counter
  const { ok, reply, noreply } = GenServer.Result;

  const Counter = GenServer.define({
    init: (n: number) => ok(n),
    // Elixir's :get arrives as the atom get
    handleCall: (_req: unknown, _from, n: number) => reply(n, n),
    // Elixir's {:add, 2} arrives as the tuple [atom("add"), 2]
    handleCast: (req: unknown, n: number) =>
      noreply(Array.isArray(req) && req[0] === atom("add") ? n + (req[1] as number) : n),
  });

  const rt = createRuntime({ node: "trellis@127.0.0.1", creation: Date.now() % 2 ** 31 });
  const node = await startNode(rt, { cookie: "secret" });
  await rt.run(() => GenServer.start(Counter, 40, { name: "counter" }));
  // #endregion counter
  cleanups.push(() => rt.shutdown());
  cleanups.push(() => node.stop());

  // #region erpc
  node.exportFunction("math", "add", (a, b) => (a as number) + (b as number));
  // #endregion erpc

  const ex = new LinePeer(
    "elixir",
    [
      "--name",
      "ex@127.0.0.1",
      "--cookie",
      "secret",
      "--erl",
      "-kernel net_ticktime 4 -start_epmd false",
      fileURLToPath(new URL("./elixir/guide.exs", import.meta.url)),
    ],
    { ERL_EPMD_PORT: String(mapper.port), TRELLIS_NODE: "trellis@127.0.0.1" },
  );
  cleanups.push(() => ex.stop());
  expect(await ex.line(20_000)).toBe("ping pong");
  expect(await ex.line()).toBe("call 42");
  expect(await ex.line()).toBe("erpc 3");
  expect(await ex.line()).toBe("echo ready");

  // the node monitor of the guide's third block, watched until the Elixir node goes
  const watcher = rt.run(async () => {
    // #region remote
    await node.call({ name: "echo", node: "ex@127.0.0.1" }, "hi"); // [atom("echo"), "hi"]
    node.send({ name: "echo", node: "ex@127.0.0.1" }, [atom("info"), 1]);
    node.monitorNode("ex@127.0.0.1"); // { nodedown: "ex@127.0.0.1" } arrives when it goes
    // #endregion remote
    const echoed = await node.call({ name: "echo", node: "ex@127.0.0.1" }, "hi");
    node.send({ name: "guide", node: "ex@127.0.0.1" }, atom("stop"));
    return [echoed, await receive(() => true, { timeout: 10_000 })];
  });
  expect(await ex.line()).toBe("info {:info, 1}");
  expect(await ex.line()).toBe("stopped");
  expect(await watcher).toEqual([[atom("echo"), "hi"], { nodedown: "ex@127.0.0.1" }]);

  // process groups: a scope on the Trellis node (no BEAM node in it now)
  const worker = rt.spawn(() => receive());
  cleanups.push(() => rt.exit(worker, "kill"));
  // #region pg
  const pg = startPg(rt, node); // the BEAM side runs pg:start_link() (or -kernel start_pg true)
  pg.join(atom("chat"), worker);
  pg.getMembers(atom("chat")); // worker, and members on the other nodes
  // #endregion pg
  expect(pg.getMembers(atom("chat"))).toEqual([worker]);
}, 30_000);

it("the built-in port mapper stands in for EPMD", async () => {
  const rt = createRuntime({ node: "mapped@127.0.0.1" });
  cleanups.push(() => rt.shutdown());
  const cookie = "secret";
  // #region port-mapper
  const epmd = await startPortMapper({ port: 0 }); // port 4369 by default
  const node = await startNode(rt, { cookie, epmd: { port: epmd.port } });
  // #endregion port-mapper
  cleanups.push(() => epmd.close());
  cleanups.push(() => node.stop());
  expect(await epmdNames({ port: epmd.port })).toEqual([{ name: "mapped", port: node.port }]);
});

it("the guide's TLS node serves an Elixir node started with -proto_dist inet_tls", async () => {
  const certs = makeTestCerts();
  cleanups.push(() => certs.remove());
  const certDir = certs.dir;
  const optFile = certs.erlangOptFile(certs.trusted, "dist");
  const rt = createRuntime({ node: "secure@127.0.0.1", creation: Date.now() % 2 ** 31 });
  cleanups.push(() => rt.shutdown());
  // #region tls
  const node = await startNode(rt, {
    cookie: "secret",
    tls: {
      cert: readFileSync(join(certDir, "node.pem")), // this node's certificate (certfile)
      key: readFileSync(join(certDir, "node.key")), // its private key (keyfile)
      ca: readFileSync(join(certDir, "ca.pem")), // the CA that signs trusted peers (cacertfile)
    },
  });
  // #endregion tls
  cleanups.push(() => node.stop());
  await rt.run(() =>
    GenServer.start(
      GenServer.define({
        init: () => GenServer.Result.ok(0),
        handleCall: (_r: unknown, _f, n: number) => GenServer.Result.reply(n + 1, n + 1),
      }),
      undefined,
      { name: "counter" },
    ),
  );
  // the guide's iex command line, as a script
  const ex = new LinePeer(
    "elixir",
    [
      "--name",
      "ex@127.0.0.1",
      "--cookie",
      "secret",
      "--erl",
      `-proto_dist inet_tls -ssl_dist_optfile ${optFile} -start_epmd false`,
      "-e",
      'IO.puts(Node.ping(:"secure@127.0.0.1")); IO.puts(GenServer.call({:counter, :"secure@127.0.0.1"}, :get))',
    ],
    { ERL_EPMD_PORT: String(mapper.port) },
  );
  cleanups.push(() => ex.stop());
  expect(await ex.line(20_000)).toBe("pong");
  expect(await ex.line()).toBe("1");
}, 40_000);

it("the guide's node without busy waiting starts, answers a ping and stops", async () => {
  // #region busy-wait
  const rt = createRuntime({ node: "quiet@127.0.0.1" });
  const node = await startNode(rt, { cookie: "secret", busyWait: 0 });
  // #endregion busy-wait
  cleanups.push(() => rt.shutdown());
  cleanups.push(() => node.stop());
  const peerRt = createRuntime({ node: "peer@127.0.0.1" });
  const peer = await startNode(peerRt, { cookie: "secret" });
  cleanups.push(() => peerRt.shutdown());
  cleanups.push(() => peer.stop());
  expect(await peer.ping("quiet@127.0.0.1")).toBe("pong");
  expect(await node.ping("peer@127.0.0.1")).toBe("pong");
});
