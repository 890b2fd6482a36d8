// The example of packages/distribution/README.md, run by test/readme.test.ts and, from the
// packed tarballs, by CI in a fresh npm project: two Trellis nodes in one process, found
// through the built-in port mapper on a free loopback port.
// #region readme
import { createRuntime } from "@trellis/core";
import { startNode, startPortMapper } from "@trellis/distribution";
import * as GenServer from "@trellis/gen-server";

const { ok, reply } = GenServer.Result;

type CounterCall = GenServer.Request<"get", number>;

const Counter = GenServer.define({
  init: (n: number) => ok(n),
  handleCall: (_request: CounterCall, _from, n: number) => reply(n, n),
});

// An EPMD-compatible port mapper, so no Erlang installation is needed ({ port: 0 }: a free
// port; by default 4369, where Erlang and Elixir nodes look too).
const epmd = await startPortMapper({ port: 0 });
const options = { cookie: "secret", epmd: { port: epmd.port } };

// Two runtimes, each an Erlang node listening on 127.0.0.1.
const server = createRuntime({ node: "server@127.0.0.1" });
const client = createRuntime({ node: "client@127.0.0.1" });
const serverNode = await startNode(server, options);
const clientNode = await startNode(client, options);

await server.run(() => GenServer.start(Counter, 40, { name: "counter" }));

// From the client node, a call by { name, node }, as Elixir's
// GenServer.call({:counter, :"server@127.0.0.1"}, :get) would make: the client connects on
// the first signal, finding the server's port through the port mapper.
const n = await clientNode.call({ name: "counter", node: "server@127.0.0.1" }, "get", {
  timeout: 5000,
});
console.log(n); // 40
console.log(clientNode.nodes()); // [ 'server@127.0.0.1' ]

await clientNode.stop();
await serverNode.stop();
await client.shutdown();
await server.shutdown();
await epmd.close();
// #endregion readme
