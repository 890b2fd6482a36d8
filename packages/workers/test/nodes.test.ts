import {
  call,
  type DownMessage,
  isDown,
  isExit,
  type LogReport,
  link,
  monitor,
  type Pid,
  Ref,
  self,
  send,
  spawn,
  trapExit,
} from "@trellis/core";
import { describe, expect, it } from "vitest";
import { callOn, spawnOn, startWorkerNode } from "../src/index.js";
import { expectLog, expectReceive, has, mainRuntime, NODES } from "./support.js";

describe("worker nodes", () => {
  it("start as named nodes, run their start export, and messages cross both ways", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const w = await startWorkerNode({ module: NODES, start: "start", args: ["hi"] });
      expect(w.node).toBe("worker1@localhost");
      expect(rt.nodes()).toContain("worker1@localhost");
      const echo = await spawnOn(w.node, { module: NODES, function: "echo", args: [self()] });
      expect(echo.node).toBe("worker1@localhost");
      const ready = await expectReceive(has("ready"));
      // a pid comes back as the very same pid object
      expect(ready.ready).toBe(echo);
      const ref = new Ref("x@y", 1, 1);
      const payload = {
        n: 1n,
        list: [1, "two", null, undefined],
        me: self(),
        map: new Map([[self(), ref]]),
      };
      send(echo, payload);
      const got = await expectReceive(has("echo"));
      expect(got.node).toBe("worker1@localhost");
      const back = got.echo as typeof payload;
      expect(back.n).toBe(1n);
      expect(back.list).toEqual([1, "two", null, undefined]);
      expect(back.me).toBe(self());
      expect(back.map.get(self())).toBeInstanceOf(Ref);
      expect(String(back.map.get(self()))).toBe(String(ref));
    });
  });

  it("code outside processes on a worker acts on the worker node", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const w = await startWorkerNode({
        module: new URL("./fixtures/toplevel.ts", import.meta.url),
      });
      const pid = await callOn<Pid>(w.node, {
        module: "@trellis/core",
        function: "whereis",
        args: ["toplevel"],
      });
      expect(pid.node).toBe(w.node);
    });
  });

  it("calls a process on a worker node", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const w = await startWorkerNode({ module: NODES });
      const server = await spawnOn(w.node, { module: NODES, function: "rawServer" });
      const answer = await call<{ answer: unknown; node: string }>(
        server,
        { q: [1, 2] },
        { timeout: 5000 },
      );
      expect(answer).toEqual({ answer: { q: [1, 2] }, node: w.node });
    });
  });

  it("links and monitors cross; a crash on the worker reaches the main node", async () => {
    const logs: LogReport[] = [];
    const rt = mainRuntime(logs);
    await rt.run(async () => {
      trapExit(true);
      const w = await startWorkerNode({ module: NODES });
      const victim = await spawnOn(w.node, {
        module: NODES,
        function: "crashOnGo",
        args: ["boom"],
      });
      link(victim);
      const ref = monitor(victim);
      send(victim, "go");
      const exit = await expectReceive((m): m is { from: Pid; reason: unknown } => isExit(m));
      expect(exit.from).toBe(victim);
      expect((exit.reason as Error).message).toBe("boom");
      expect(exit.reason).toBeInstanceOf(Error);
      const down = await expectReceive((m): m is DownMessage => isDown(m) && m.ref === ref);
      expect((down.reason as Error).message).toBe("boom");
      // the worker node's crash report reaches the main node's logger, marked with the node
      const report = await expectLog(logs, (r) => r.node === w.node && r.kind === "crash");
      expect(report.pid).toEqual(victim);
      expect((report.reason as Error).message).toBe("boom");
    });
  });

  it("a process on a worker links to and monitors a main-node process", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const w = await startWorkerNode({ module: NODES });
      const target = spawn(async () => {
        await new Promise((r) => setTimeout(r, 50));
        throw new Error("main-side crash");
      });
      await spawnOn(w.node, { module: NODES, function: "linkAndReport", args: [target, self()] });
      await spawnOn(w.node, {
        module: NODES,
        function: "monitorAndReport",
        args: [target, self()],
      });
      const got1 = await expectReceive(has("got"));
      const got2 = await expectReceive(has("got"));
      const both = [got1.got, got2.got] as { type: string; reason: Error; from?: Pid; pid?: Pid }[];
      const exit = both.find((m) => m.type === "EXIT");
      const down = both.find((m) => m.type === "DOWN");
      expect(exit?.from).toBe(target);
      expect(exit?.reason.message).toBe("main-side crash");
      expect(down?.pid).toBe(target);
    });
  });
});
