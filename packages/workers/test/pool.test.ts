import {
  BadArgumentError,
  type DownMessage,
  exit,
  isDown,
  type LogReport,
  monitor,
  type Pid,
  receive,
  self,
  send,
  spawn,
} from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, it } from "vitest";
import {
  callOn,
  type Pool,
  remoteDefinition,
  spawnOn,
  startPool,
  startWorkers,
  workerNodeSpec,
} from "../src/index.js";
import type { Counter, CounterCall, Fragile } from "./fixtures/nodes.js";
import { expectReceive, mainRuntime, NODES } from "./support.js";

const CounterDef = remoteDefinition<typeof Counter>(NODES, "Counter");
const FragileDef = remoteDefinition<typeof Fragile>(NODES, "Fragile");

/** Waits (10 s at most) until `key`'s slot has a server other than `old`; returns it. */
async function nextServer(pool: Pool<CounterCall, "reset">, key: string, old: unknown) {
  for (let i = 0; i < 500; i++) {
    const s = pool.serverFor(key);
    if (s !== old) return s;
    await receive(() => false, { timeout: 20 });
  }
  throw new Error(`the slot of ${key} was not restarted within 10 s`);
}

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

  it("restarts a crashed server on its node; its slot routes to the new one", async () => {
    const logs: LogReport[] = [];
    const rt = mainRuntime(logs);
    await rt.run(async () => {
      const group = await startWorkers({ count: 2, module: NODES });
      const pool = await startPool(CounterDef, 10, { nodes: group.nodes, size: 4 });
      const key = "user:1";
      const old = pool.serverFor(key);
      const other = pool.servers.find((s) => s !== old);
      expect(await pool.call(key, { add: 5 })).toBe(15);
      exit(old, "kill");
      const fresh = await nextServer(pool, key, old);
      expect(fresh.node).toBe(old.node);
      expect(pool.servers).toContain(fresh);
      expect(pool.servers).not.toContain(old);
      // a new server, started with the pool's argument; the other slots kept theirs
      expect(await pool.call(key, "get")).toBe(10);
      expect(await pool.call(key, "pid")).toBe(fresh);
      expect(pool.servers).toContain(other);
      expect(logs.some((r) => r.behaviour === "Pool" && r.reason === "killed")).toBe(true);
      await pool.stop();
      expect(rt.processInfo(pool.pid)).toBeUndefined();
    });
  }, 30_000);

  it("a worker node that crashes and is restarted by its supervisor gets its servers back", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const names = ["pw1@localhost", "pw2@localhost"];
      const sup = await Supervisor.startLink(
        names.map((name) => workerNodeSpec({ name, module: NODES })),
        { strategy: "one_for_one" },
      );
      const pool = await startPool(CounterDef, 0, { nodes: names, size: 4 });
      const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
      const onFirst = keys.filter((k) => pool.serverFor(k).node === names[0]);
      const onSecond = keys.filter((k) => pool.serverFor(k).node === names[1]);
      expect(onFirst.length).toBeGreaterThan(0);
      expect(onSecond.length).toBeGreaterThan(0);
      const key = onFirst[0] as string;
      const old = pool.serverFor(key);
      await spawnOn(names[0] as string, { module: NODES, function: "crashThread" });
      // the node's keys fail while it is away…
      const lost = monitor(old);
      const down = await expectReceive((m): m is DownMessage => isDown(m) && m.ref === lost);
      expect(down.reason).toBe("noconnection");
      // …the other node's keys never do
      for (const k of onSecond) expect(await pool.call(k, "node")).toBe(names[1]);
      // the supervisor brings the node back, the pool its servers
      const fresh = await nextServer(pool, key, old);
      expect(fresh.node).toBe(names[0]);
      expect(fresh.creation).toBe(2);
      for (const k of onFirst) {
        await nextServer(pool, k, old);
        expect(await pool.call(k, "node")).toBe(names[0]);
      }
      expect(pool.servers.every((s) => s.creation === 1 || s.node === names[0])).toBe(true);
      await pool.stop();
      await Supervisor.stop(sup);
    });
  }, 60_000);

  it("more crashes than maxRestarts within maxSeconds stop the pool and its servers", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const group = await startWorkers({ count: 1, module: NODES });
      const pool = await startPool(CounterDef, 0, {
        nodes: group.nodes,
        size: 2,
        maxRestarts: 1,
        maxSeconds: 60,
      });
      const watch = monitor(pool.pid);
      const first = pool.servers[0];
      exit(first as never, "kill");
      for (let i = 0; i < 500 && pool.servers[0] === first; i++)
        await receive(() => false, { timeout: 20 });
      const second = pool.servers[0];
      expect(second).not.toBe(first);
      const survivors = [...pool.servers];
      const watched = survivors.map((s) => monitor(s));
      exit(second as never, "kill");
      const down = await expectReceive((m): m is DownMessage => isDown(m) && m.ref === watch);
      expect(down.reason).toBe("shutdown");
      // every server is gone too
      for (const ref of watched)
        await expectReceive((m): m is DownMessage => isDown(m) && m.ref === ref);
    });
  }, 30_000);

  it("a server that fails to start again counts as a restart, until the pool gives up", async () => {
    const logs: LogReport[] = [];
    const rt = mainRuntime(logs);
    await rt.run(async () => {
      const [node] = (await startWorkers({ count: 1, module: NODES })).nodes as [string];
      const pool = await startPool(FragileDef, 7, { nodes: [node], maxRestarts: 3 });
      expect(await pool.call("k", "get")).toBe(7);
      const watch = monitor(pool.pid);
      await callOn(node, { module: NODES, function: "breakInit" });
      exit(pool.servers[0] as never, "kill");
      const down = await expectReceive((m): m is DownMessage => isDown(m) && m.ref === watch);
      expect(down.reason).toBe("shutdown");
      // the crash, then failed starts, until the fourth restart in the window
      const failed = logs.filter(
        (r) => r.behaviour === "Pool" && /failed to start/.test(r.message),
      );
      expect(failed).toHaveLength(3);
    });
  }, 30_000);

  it("with link: true, the pool goes down with the process that started it", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const group = await startWorkers({ count: 1, module: NODES });
      const me = self();
      const owner = spawn(async () => {
        const pool = await startPool(CounterDef, 0, { nodes: group.nodes, size: 2, link: true });
        send(me, { pool: pool.pid, servers: [...pool.servers] });
        await receive(() => false);
      });
      const { pool, servers } = await expectReceive(
        (m): m is { pool: Pid; servers: Pid[] } =>
          typeof m === "object" && m !== null && "pool" in m,
      );
      const watch = monitor(pool);
      const watched = servers.map((s) => monitor(s));
      exit(owner, "boom");
      const down = await expectReceive((m): m is DownMessage => isDown(m) && m.ref === watch);
      expect(down.reason).toBe("boom");
      for (const ref of watched)
        await expectReceive((m): m is DownMessage => isDown(m) && m.ref === ref);
    });
  }, 30_000);

  it("rejects an empty node list and a bad size", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      await expect(startPool(CounterDef, 0, { nodes: [] })).rejects.toBeInstanceOf(
        BadArgumentError,
      );
      await expect(
        startPool(CounterDef, 0, { nodes: ["a@b"], maxRestarts: -1 }),
      ).rejects.toBeInstanceOf(BadArgumentError);
      await expect(
        startPool(CounterDef, 0, { nodes: ["a@b"], maxSeconds: Number.NaN }),
      ).rejects.toBeInstanceOf(BadArgumentError);
      await expect(startPool(CounterDef, 0, { nodes: ["a@b"], size: 0 })).rejects.toBeInstanceOf(
        BadArgumentError,
      );
    });
    // link needs a calling process
    await expect(
      startPool(CounterDef, 0, { nodes: ["a@b"], link: true, runtime: rt }),
    ).rejects.toBeInstanceOf(BadArgumentError);
  });
});
