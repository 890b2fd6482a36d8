import {
  type DownMessage,
  type ExitMessage,
  isDown,
  isExit,
  type LogReport,
  link,
  monitor,
  self,
  trapExit,
} from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, it } from "vitest";
import {
  callOn,
  type NodeDownReason,
  spawnOn,
  startWorkerNode,
  startWorkers,
  stopWorkerNode,
  workerNodeSpec,
} from "../src/index.js";
import { expectLog, expectReceive, has, mainRuntime, NODES } from "./support.js";

const isDownMsg = (m: unknown): m is DownMessage => isDown(m);
const isExitMsg = (m: unknown): m is ExitMessage => isExit(m);

describe("nodedown", () => {
  it("stopping a worker node: links and monitors across get noconnection", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      trapExit(true);
      const w = await startWorkerNode({ module: NODES });
      const a = await spawnOn(w.node, { module: NODES, function: "idle" });
      link(a);
      const ref = monitor(a);
      await stopWorkerNode(w);
      const exit = await expectReceive(isExitMsg);
      expect(exit.from).toBe(a);
      expect(exit.reason).toBe("noconnection");
      const down = await expectReceive(isDownMsg);
      expect(down.ref).toBe(ref);
      expect(down.reason).toBe("noconnection");
      expect(rt.nodes()).not.toContain(w.node);
    });
  });

  it("a worker node watching another gets noconnection when that one is terminated", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const group = await startWorkers({ count: 2, module: NODES });
      const [n1, n2] = group.nodes as [string, string];
      const target = await spawnOn(n2, { module: NODES, function: "idle" });
      await spawnOn(n1, { module: NODES, function: "linkAndReport", args: [target, self()] });
      await spawnOn(n1, { module: NODES, function: "monitorAndReport", args: [target, self()] });
      await expectReceive(has("linked"));
      await expectReceive(has("monitoring"));
      await stopWorkerNode(group.workers[1] as { node: string; pid: never });
      const got = [await expectReceive(has("got")), await expectReceive(has("got"))];
      const reasons = got.map((g) => (g.got as { reason: unknown }).reason);
      expect(reasons).toEqual(["noconnection", "noconnection"]);
    });
  });

  it("a worker thread that crashes is a nodedown; its controller exits with the cause", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      trapExit(true);
      const w = await startWorkerNode({ module: NODES });
      link(w.pid);
      const remote = await spawnOn(w.node, { module: NODES, function: "idle" });
      const ref = monitor(remote);
      await spawnOn(w.node, { module: NODES, function: "crashThread" });
      const down = await expectReceive(isDownMsg);
      expect(down.ref).toBe(ref);
      expect(down.reason).toBe("noconnection");
      const exit = await expectReceive((m): m is ExitMessage => isExit(m) && m.from === w.pid);
      const reason = exit.reason as NodeDownReason;
      expect(reason.nodedown).toBe(w.node);
      expect((reason.cause as Error).message).toBe("thread crash");
    });
  });

  it("an error that escapes from an exited process on a worker is reported; the node stays up", async () => {
    const logs: LogReport[] = [];
    const rt = mainRuntime(logs);
    await rt.run(async () => {
      const w = await startWorkerNode({ module: NODES });
      const thrower = await spawnOn(w.node, { module: NODES, function: "throwAfterExit" });
      const report = await expectLog(logs, (r) => r.node === w.node && r.kind === "error");
      expect(report.pid).toEqual(thrower);
      expect((report.reason as Error).message).toBe("after exit");
      expect(report.message).toContain("after it exited");
      // the node is still up and answers
      expect(await callOn(w.node, { module: NODES, function: "add", args: [1, 2] })).toBe(3);
    });
  });

  it("a worker that runs out of memory (resourceLimits) is a nodedown", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      trapExit(true);
      const w = await startWorkerNode({
        module: NODES,
        resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
      });
      link(w.pid);
      const hog = await spawnOn(w.node, { module: NODES, function: "eatMemory" });
      const ref = monitor(hog);
      const down = await expectReceive(isDownMsg, 30_000);
      expect(down.ref).toBe(ref);
      expect(down.reason).toBe("noconnection");
      const exit = await expectReceive(
        (m): m is ExitMessage => isExit(m) && m.from === w.pid,
        30_000,
      );
      const reason = exit.reason as NodeDownReason;
      expect((reason.cause as { code?: string }).code).toBe("ERR_WORKER_OUT_OF_MEMORY");
    });
  }, 60_000);
});

describe("supervision", () => {
  it("a supervisor restarts a crashed worker node under the same name, next creation", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const sup = await Supervisor.startLink(
        [workerNodeSpec({ name: "w1@localhost", module: NODES, start: "start" })],
        { strategy: "one_for_one" },
      );
      const before = await spawnOn("w1@localhost", { module: NODES, function: "idle" });
      expect(before.creation).toBe(1);
      const [child] = await Supervisor.whichChildren(sup);
      const ref = monitor(before);
      await spawnOn("w1@localhost", { module: NODES, function: "crashThread" });
      const down = await expectReceive(isDownMsg);
      expect(down.ref).toBe(ref);
      expect(down.reason).toBe("noconnection");
      // the supervisor restarts it: wait until the new controller is there
      let after: typeof before | undefined;
      for (let i = 0; i < 100 && after === undefined; i++) {
        const [c] = await Supervisor.whichChildren(sup);
        if (c !== undefined && c.pid !== child?.pid && typeof c.pid === "object") {
          after = await spawnOn("w1@localhost", { module: NODES, function: "idle" });
        } else await new Promise((r) => setTimeout(r, 50));
      }
      expect(after?.node).toBe("w1@localhost");
      expect(after?.creation).toBe(2);
      await Supervisor.stop(sup);
      expect(rt.nodes()).not.toContain("w1@localhost");
    });
  }, 30_000);
});
