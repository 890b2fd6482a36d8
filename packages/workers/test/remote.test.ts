import {
  BadArgumentError,
  call,
  cast,
  isCallRequest,
  Pid,
  receive,
  reply,
  self,
  send,
} from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";
import {
  callOn,
  remoteDefinition,
  SpawnError,
  spawnOn,
  startServerOn,
  startWorkerNode,
  startWorkers,
  transfer,
  UncloneableError,
  WorkerStartError,
} from "../src/index.js";
import type { Counter } from "./fixtures/nodes.js";
import { expectReceive, has, mainRuntime, NODES } from "./support.js";

const CounterDef = remoteDefinition<typeof Counter>(NODES, "Counter");

describe("GenServer on a worker node", () => {
  it("starts from an exported definition and answers typed calls from the main node", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const w = await startWorkerNode({ module: NODES });
      const counter = await startServerOn(w.node, CounterDef, 40, { name: "counter" });
      expect(counter.node).toBe(w.node);
      expect(await GenServer.call(counter, { add: 2 })).toBe(42);
      expect(await GenServer.call(counter, "node")).toBe(w.node);
      // the server's own pid comes back as the same object
      expect(await GenServer.call(counter, "pid")).toBe(counter);
      GenServer.cast(counter, "reset");
      expect(await GenServer.call(counter, "get")).toBe(0);
    });
  });

  it("a call to a server on a node that goes down fails with nodedown", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const w = await startWorkerNode({ module: NODES });
      const server = await spawnOn(w.node, { module: NODES, function: "idle" });
      const pending = call(server, "never answered", { timeout: 10_000 });
      await spawnOn(w.node, { module: NODES, function: "crashThread" });
      await expect(pending).rejects.toMatchObject({ reason: { nodedown: w.node } });
    });
  });

  it("callOn returns what the function returns; a throw there rejects with SpawnError", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const w = await startWorkerNode({ module: NODES });
      expect(await callOn<number>(w.node, { module: NODES, function: "add", args: [2, 3] })).toBe(
        5,
      );
      const failed = callOn(w.node, { module: NODES, function: "fail" });
      await expect(failed).rejects.toBeInstanceOf(SpawnError);
      await expect(failed).rejects.toMatchObject({ reason: "failed" });
      const bad = callOn(w.node, { module: NODES, function: "badResult" });
      await expect(bad).rejects.toBeInstanceOf(UncloneableError);
    });
  });
});

describe("messages", () => {
  it("a message that cannot be cloned fails at the sender; the rest is unaffected", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const w = await startWorkerNode({ module: NODES });
      const echo = await spawnOn(w.node, { module: NODES, function: "echo", args: [self()] });
      await expectReceive(has("ready"));
      expect(() => send(echo, { f: () => 1 })).toThrow(UncloneableError);
      expect(() => send(echo, [Symbol("unique")])).toThrow(/unique symbol/);
      expect(() => send(echo, { deep: { fn: Math.max } })).toThrow(/deep\.fn/);
      expect(() => cast(echo, { f: () => 1 })).toThrow(UncloneableError);
      await expect(call(echo, { f: () => 1 }, { timeout: 1000 })).rejects.toBeInstanceOf(
        UncloneableError,
      );
      expect(rt.pendingCalls()).toBe(0);
      // registered symbols cross, and the echo process is still there
      send(echo, Symbol.for("ok"));
      const got = await expectReceive(has("echo"));
      expect(got.echo).toBe(Symbol.for("ok"));
    });
  });

  it("errors, Map keys, TermMap-free data and dead local pids survive the trip", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const w = await startWorkerNode({ module: NODES });
      const echo = await spawnOn(w.node, { module: NODES, function: "echo", args: [self()] });
      await expectReceive(has("ready"));
      const dead = rt.spawn(() => {});
      await new Promise((r) => setTimeout(r, 10));
      const err = new BadArgumentError("nope");
      send(echo, { err, dead, date: new Date(5), set: new Set([self()]), "\u0000t": "user key" });
      const got = (await expectReceive(has("echo"))).echo as Record<string, unknown>;
      expect(got.err).toBeInstanceOf(BadArgumentError);
      expect((got.err as BadArgumentError).code).toBe("badarg");
      expect((got.err as Error).message).toBe("nope");
      expect(got.dead).toBe(dead);
      expect(got.date).toEqual(new Date(5));
      expect([...(got.set as Set<Pid>)][0]).toBe(self());
      expect(got["\u0000t"]).toBe("user key");
    });
  });

  it("a binary marked with transfer() is moved, not copied", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const w = await startWorkerNode({ module: NODES });
      const echo = await spawnOn(w.node, { module: NODES, function: "echo", args: [self()] });
      await expectReceive(has("ready"));
      const bytes = new Uint8Array(1 << 16).fill(7);
      send(echo, { bytes: transfer(bytes) });
      const got = (await expectReceive(has("echo"))).echo as { bytes: Uint8Array };
      expect(bytes.byteLength).toBe(0);
      expect(got.bytes.byteLength).toBe(1 << 16);
      expect(got.bytes[100]).toBe(7);
    });
  });

  it("worker nodes message each other directly", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const group = await startWorkers({ count: 2, module: NODES, start: "start", args: ["hey"] });
      const [n1, n2] = group.nodes as [string, string];
      const greeter = await callOn<Pid>(n2, {
        module: "@trellis/core",
        function: "whereis",
        args: ["greeter"],
      });
      expect(greeter).toBeInstanceOf(Pid);
      expect(greeter.node).toBe(n2);
      // a forwarder on n1 passes our request to the greeter on n2: n1 -> n2 directly
      const fwd = await spawnOn(n1, { module: NODES, function: "forward", args: [greeter] });
      send(fwd, { from: self(), name: "main" });
      expect(await expectReceive((m): m is string => typeof m === "string")).toBe(
        `hey, main from ${n2}`,
      );
    });
  });
});

describe("call envelopes", () => {
  it("a call forwarded to another node and back is answered there", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const w = await startWorkerNode({ module: NODES });
      // a server on the main node, reached through a forwarder on the worker
      const local = rt.spawn(async () => {
        for (;;) {
          const m = await receive();
          if (isCallRequest(m)) reply(m.from, { answered: m.request });
        }
      });
      const fwd = await spawnOn(w.node, { module: NODES, function: "forward", args: [local] });
      expect(await call(fwd, "round trip", { timeout: 5000 })).toEqual({ answered: "round trip" });
      expect(rt.pendingCalls()).toBe(0);
    });
  });
});

describe("bad input", () => {
  it("rejects a nonexistent export, an unloadable module, a non-function export", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const w = await startWorkerNode({ module: NODES });
      await expect(spawnOn(w.node, { module: NODES, function: "nope" })).rejects.toMatchObject({
        reason: "export",
      });
      await expect(
        spawnOn(w.node, { module: NODES, function: "notAFunction" }),
      ).rejects.toBeInstanceOf(SpawnError);
      const broken = new URL("./fixtures/broken.ts", import.meta.url);
      await expect(spawnOn(w.node, { module: broken, function: "x" })).rejects.toMatchObject({
        reason: "module",
      });
      await expect(
        spawnOn(w.node, {
          module: new URL("./fixtures/missing.ts", import.meta.url),
          function: "x",
        }),
      ).rejects.toMatchObject({ reason: "module" });
      await expect(
        spawnOn(w.node, { module: "./relative.js", function: "x" }),
      ).rejects.toBeInstanceOf(BadArgumentError);
      await expect(
        spawnOn("nowhere@localhost", { module: NODES, function: "idle" }),
      ).rejects.toMatchObject({
        reason: "noconnection",
      });
      await expect(
        spawnOn(w.node, { module: NODES, function: "idle", args: [() => 1] }),
      ).rejects.toBeInstanceOf(UncloneableError);
      // the node is unaffected
      expect(await callOn(w.node, { module: NODES, function: "add", args: [1, 1] })).toBe(2);
    });
  });

  it("rejects a worker count of 0 or NaN, and a module that fails to load at boot", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      await expect(startWorkers({ count: 0 })).rejects.toBeInstanceOf(BadArgumentError);
      await expect(startWorkers({ count: Number.NaN })).rejects.toBeInstanceOf(BadArgumentError);
      await expect(startWorkers({ count: 1.5 })).rejects.toBeInstanceOf(BadArgumentError);
      await expect(
        startWorkerNode({ module: new URL("./fixtures/broken.ts", import.meta.url) }),
      ).rejects.toBeInstanceOf(WorkerStartError);
      await expect(
        startWorkerNode({
          module: new URL("./fixtures/bad-start.ts", import.meta.url),
          start: "start",
        }),
      ).rejects.toThrow(/start failed on purpose/);
      await expect(startWorkerNode({ module: NODES, start: "nope" })).rejects.toThrow(/no export/);
      expect(rt.nodes()).toEqual([]);
    });
  });
});
