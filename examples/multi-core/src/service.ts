// The service: worker nodes (one per core by default) each run a Hasher; the main thread
// serves HTTP and routes each request to a hasher by key. The main thread's event loop
// only parses requests and writes answers; the hashing happens on the other cores.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Runtime } from "@trellis/core";
import {
  type Pool,
  remoteDefinition,
  startPool,
  startWorkers,
  type WorkerGroup,
} from "@trellis/workers";
import type { HashCall, Hasher } from "./hasher.js";

const HasherDef = remoteDefinition<typeof Hasher>(
  new URL("./hasher.ts", import.meta.url),
  "Hasher",
);

/** A running service. */
export interface Service {
  /** Where it listens, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  /** The worker nodes. */
  readonly nodes: readonly string[];
  /** Stops the HTTP server, the pool and the worker nodes. */
  stop(): Promise<void>;
}

/** Options of {@link startService}. */
export interface ServiceOptions {
  /** The runtime of the main node. */
  readonly runtime: Runtime;
  /** Worker nodes. Default: one per core. */
  readonly workers?: number;
  /** TCP port; 0 picks a free one. */
  readonly port?: number;
}

/** Starts the worker nodes, a pool of hashers over them, and the HTTP server. */
export async function startService(options: ServiceOptions): Promise<Service> {
  const rt = options.runtime;
  const group: WorkerGroup = await startWorkers({
    runtime: rt,
    ...(options.workers === undefined ? {} : { count: options.workers }),
  });
  let pool: Pool<HashCall, never>;
  try {
    pool = await startPool(HasherDef, undefined, { nodes: group.nodes, runtime: rt });
  } catch (e) {
    await group.stop();
    throw e;
  }
  // GET /hash?data=...&rounds=...: the data is the routing key, so equal inputs go to the
  // same hasher (a cache there would stay warm).
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const data = url.searchParams.get("data");
    const rounds = Number(url.searchParams.get("rounds") ?? "1000");
    if (
      url.pathname !== "/hash" ||
      data === null ||
      !Number.isInteger(rounds) ||
      rounds < 1 ||
      rounds > 100_000
    ) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "GET /hash?data=<text>&rounds=<1..100000>" }));
      return;
    }
    pool.call(data, { data, rounds }, 10_000).then(
      (answer) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
      },
      (err: unknown) => {
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    nodes: group.nodes,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.stop();
      await group.stop();
    },
  };
}
