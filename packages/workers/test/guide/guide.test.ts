// The examples of docs/guides/multi-core.md, each in the test that runs it (regions), on
// real worker threads.
import { exit, receive, self } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, it } from "vitest";
import {
  remoteDefinition,
  SharedCounters,
  spawnOn,
  startPool,
  startServerOn,
  startWorkerNode,
  startWorkers,
  workerNodeSpec,
} from "../../src/index.js";
import { mainRuntime } from "../support.js";
import type { Counter } from "./counter.js";
import { type Hasher, stretch } from "./hasher.js";

describe("multi-core guide", () => {
  it("a pool of Hashers over worker nodes answers on the key's node", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      // #region pool
      const workers = await startWorkers({ count: 2 }); // default: one node per core
      const HasherDef = remoteDefinition<typeof Hasher>(
        new URL("./hasher.ts", import.meta.url),
        "Hasher",
      );
      const pool = await startPool(HasherDef, null, { nodes: workers.nodes });
      const { digest } = await pool.call("user:42", { data: "secret", rounds: 10_000 });
      // #endregion pool
      expect(digest).toBe(stretch("secret", 10_000));
      const again = await pool.call("user:42", { data: "x", rounds: 1 });
      const first = await pool.call("user:42", { data: "y", rounds: 1 });
      expect(again.node).toBe(first.node);
      expect(workers.nodes).toContain(again.node);
      await pool.stop();
      await workers.stop();
    });
  }, 30_000);

  it("a pool restarts a server that crashes, on its node, and routes its keys to it", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const HasherDef = remoteDefinition<typeof Hasher>(
        new URL("./hasher.ts", import.meta.url),
        "Hasher",
      );
      // #region restart
      const jobs = new URL("./jobs.ts", import.meta.url);
      const names = ["w1@localhost", "w2@localhost"];
      const sup = await Supervisor.startLink(
        names.map((name) => workerNodeSpec({ name, module: jobs })),
        { strategy: "one_for_one" },
      );
      const pool = await startPool(HasherDef, null, { nodes: names, size: 4 });
      const before = pool.serverFor("user:42");
      exit(before, "kill"); // the pool starts a new server in this slot, on the same node
      // #endregion restart
      let after = pool.serverFor("user:42");
      for (let i = 0; i < 500 && after === before; i++) {
        await receive(() => false, { timeout: 20 });
        after = pool.serverFor("user:42");
      }
      expect(after).not.toBe(before);
      expect(after.node).toBe(before.node);
      const { node } = await pool.call("user:42", { data: "x", rounds: 1 });
      expect(node).toBe(before.node);
      await pool.stop();
      await Supervisor.stop(sup);
    });
  }, 30_000);

  it("a supervisor starts worker nodes as children, and stopping it stops them", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      // #region supervise
      const jobs = new URL("./jobs.ts", import.meta.url);
      const sup = await Supervisor.startLink(
        [
          workerNodeSpec({ name: "w1@localhost", module: jobs, start: "start" }),
          workerNodeSpec({ name: "w2@localhost", module: jobs, start: "start" }),
        ],
        { strategy: "one_for_one" },
      );
      // #endregion supervise
      expect(rt.nodes()).toEqual(expect.arrayContaining(["w1@localhost", "w2@localhost"]));
      expect((await Supervisor.whichChildren(sup)).map((c) => c.id)).toHaveLength(2);
      await Supervisor.stop(sup);
      expect(rt.nodes()).not.toContain("w1@localhost");
      expect(rt.nodes()).not.toContain("w2@localhost");
    });
  }, 30_000);

  it("startServerOn: a GenServer on a worker node, with a typed handle", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      // #region server
      // counter.ts, loaded by the worker nodes, exports Counter = GenServer.define({ … })
      const w = await startWorkerNode(); // worker1@localhost
      const def = remoteDefinition<typeof Counter>(
        new URL("./counter.ts", import.meta.url),
        "Counter",
      );
      const counter = await startServerOn(w.node, def, 0, { name: "counter" });
      await GenServer.call(counter, { add: 2 }); // 2: typed as number, computed on worker1
      // #endregion server
      expect(w.node).toBe("worker1@localhost");
      expect(await GenServer.call(counter, { add: 1 })).toBe(3);
      expect(await GenServer.call(counter, "node")).toBe(w.node);
    });
  }, 30_000);

  it("SharedCounters: every node's add is seen by every node's get", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const w = await startWorkerNode();
      const jobs = new URL("./jobs.ts", import.meta.url);
      // #region counters
      const stats = SharedCounters.create(2); // [requests, errors]
      await spawnOn(w.node, { module: jobs, function: "serve", args: [stats, 1000, self()] });
      stats.add(1, 1);
      await receive((m) => m === "served");
      stats.get(1); // 1001n: a bigint, what all nodes added
      stats.compareExchange(2, 0, 1); // true: atomics:compare_exchange, as a boolean
      // #endregion counters
      expect(stats.get(1)).toBe(1001n);
      expect(stats.get(2)).toBe(1n);
      expect(stats.compareExchange(2, 0, 5)).toBe(false);
    });
  }, 30_000);
});
