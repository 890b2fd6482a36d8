import { BadArgumentError } from "@trellis/core";
import { describe, expect, it } from "vitest";
import { remoteDefinition, startPool, startWorkers } from "../src/index.js";
import type { Counter } from "./fixtures/nodes.js";
import { mainRuntime, NODES } from "./support.js";

const CounterDef = remoteDefinition<typeof Counter>(NODES, "Counter");

describe("pool", () => {
  it("spreads servers over the nodes and routes each key to one server, evenly", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const group = await startWorkers({ count: 2, module: NODES });
      const pool = await startPool(CounterDef, 0, { nodes: group.nodes, size: 4 });
      expect(pool.servers.map((s) => s.node)).toEqual([
        group.nodes[0],
        group.nodes[1],
        group.nodes[0],
        group.nodes[1],
      ]);
      const counts = new Map<unknown, number>();
      for (let i = 0; i < 2000; i++) {
        const s = pool.serverFor(`user:${i}`);
        expect(pool.serverFor(`user:${i}`)).toBe(s);
        counts.set(s, (counts.get(s) ?? 0) + 1);
      }
      expect(counts.size).toBe(4);
      for (const n of counts.values()) {
        expect(n).toBeGreaterThan(2000 * 0.12);
        expect(n).toBeLessThan(2000 * 0.4);
      }
      // a key's calls reach its server: per-key state stays in one place
      for (const key of ["a", "b", ["order", 7]] as const) {
        await pool.call(key, { add: 5 });
        const server = pool.serverFor(key);
        expect(await pool.call(key, "node")).toBe(server.node);
        expect(await pool.call(key, "pid")).toBe(server);
      }
      await pool.stop();
    });
  });

  it("rejects an empty node list and a bad size", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      await expect(startPool(CounterDef, 0, { nodes: [] })).rejects.toBeInstanceOf(
        BadArgumentError,
      );
      await expect(startPool(CounterDef, 0, { nodes: ["a@b"], size: 0 })).rejects.toBeInstanceOf(
        BadArgumentError,
      );
    });
  });
});
