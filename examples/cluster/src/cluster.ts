// Three nodes on loopback: two Trellis nodes and one Elixir node, found through Trellis's
// built-in port mapper (no Erlang EPMD needed, and no clash with one that runs).
//
//   server@127.0.0.1  (Trellis)  serves the `counter` GenServer
//   client@127.0.0.1  (Trellis)  calls it, and has a worker in the `pg` group `workers`
//   ex@127.0.0.1      (Elixir)   calls the counter, sees the Trellis worker, joins the group
//
// Everything started here is stopped before `runCluster` returns, on success or failure.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createRuntime, type LogReport, type Pid, type Runtime, receive } from "@trellis/core";
import {
  atom,
  type DistributionNode,
  startNode,
  startPg,
  startPortMapper,
} from "@trellis/distribution";
import * as GenServer from "@trellis/gen-server";
import { Counter } from "./counter.js";
import { ElixirNode } from "./elixir.js";

export interface ClusterOptions {
  /** Called with each line of the story. */
  say(line: string): void;
  /** Reports of the Trellis runtimes (default: kept and returned). */
  logger?: { log(report: LogReport): void };
}

const SERVER = "server@127.0.0.1";
const CLIENT = "client@127.0.0.1";
const EX = "ex@127.0.0.1";
const workers = atom("workers");
const script = fileURLToPath(new URL("./observer.exs", import.meta.url));

/** Polls `check` every 20 ms, failing after `timeoutMs`. */
async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function runCluster(options: ClusterOptions): Promise<LogReport[]> {
  const { say } = options;
  const reports: LogReport[] = [];
  const logger = options.logger ?? { log: (r: LogReport) => void reports.push(r) };
  const cookie = randomBytes(16).toString("hex"); // shared by the three nodes, new each run
  const stops: (() => Promise<void> | void)[] = [];
  try {
    const mapper = await startPortMapper({ port: 0 });
    stops.push(() => mapper.close());
    say(`port mapper listening on 127.0.0.1 (stands in for EPMD)`);

    const nodes = new Map<string, { rt: Runtime; node: DistributionNode }>();
    for (const name of [SERVER, CLIENT]) {
      const rt = createRuntime({ node: name, creation: 1 + (Date.now() % 2 ** 30), logger });
      stops.push(() => rt.shutdown());
      const node = await startNode(rt, { cookie, epmd: { port: mapper.port } });
      stops.push(() => node.stop());
      nodes.set(name, { rt, node });
    }
    const server = nodes.get(SERVER);
    const client = nodes.get(CLIENT);
    if (server === undefined || client === undefined) throw new Error("nodes missing");

    await server.rt.run(() => GenServer.start(Counter, 0, { name: "counter" }));
    say(`${SERVER}: counter started`);

    const counter = { name: "counter", node: SERVER };
    const first = await client.node.call(counter, [atom("add"), 2]);
    say(`${CLIENT}: counter {add, 2} -> ${String(first)}`);

    const pg = startPg(client.rt, client.node);
    stops.push(() => pg.stop());
    const worker: Pid = client.rt.spawn(() => receive(() => true));
    stops.push(() => client.rt.exit(worker, "kill"));
    pg.join(workers, worker);
    say(`${CLIENT}: a worker joined the pg group workers`);

    const ex = new ElixirNode(EX, cookie, mapper.port, script, [SERVER, CLIENT]);
    stops.push(() => ex.stop(5000));
    say(`${EX}: ${await ex.line(30_000)}`); // connected …
    // a hidden node's scope asks the scopes of nodes that connect later to sync
    pg.discover(EX);
    say(`${EX}: ${await ex.line(15_000)}`); // members [...]
    say(`${EX}: ${await ex.line(10_000)}`); // counter 12
    say(`${EX}: ${await ex.line(10_000)}`); // joined
    await until(
      () => pg.getMembers(workers).some((p) => p.node === EX),
      10_000,
      "the Elixir member reaching the Trellis scope",
    );
    const memberNodes = [...new Set(pg.getMembers(workers).map((p) => p.node))].sort();
    say(`${CLIENT}: workers on ${memberNodes.join(", ")}`);

    const total = await client.node.call(counter, atom("get"));
    say(`${CLIENT}: counter get -> ${String(total)}`);

    client.node.send({ name: "observer", node: EX }, atom("stop"));
    say(`${EX}: ${await ex.line(10_000)}`); // bye
    await ex.stop(10_000);
    say("all nodes stopped");
    return reports;
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}
