import { BadArgumentError, type Pid, self } from "@trellis/core";
import { describe, expect, it } from "vitest";
import {
  getLocalMembers,
  getMembers,
  join,
  leave,
  startGroups,
  startWorkers,
  stopWorkerNode,
  whichGroups,
} from "../src/index.js";
import { mainRuntime, NODES } from "./support.js";

/** Polls `check` every 20 ms until it holds, for at most `ms`. */
async function eventually(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("pg groups across worker nodes", () => {
  it("members joined on each node are seen from every node, and leave with their node", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      await startGroups();
      const group = await startWorkers({
        count: 2,
        module: NODES,
        start: "startPgAndJoin",
        args: ["crew"],
      });
      await join("crew", self());
      expect(getLocalMembers("crew")).toEqual([self()]);
      await eventually(() => getMembers("crew").length === 3);
      const nodes = getMembers("crew").map((p: Pid) => p.node);
      expect(nodes.sort()).toEqual(["main@localhost", ...group.nodes].sort());
      expect(whichGroups()).toEqual(["crew"]);
      await stopWorkerNode(group.workers[0] as never);
      await eventually(() => getMembers("crew").length === 2);
      expect(getMembers("crew").some((p) => p.node === group.nodes[0])).toBe(false);
      await leave("crew", self());
      expect(getLocalMembers("crew")).toEqual([]);
      await eventually(() => getMembers("crew").length === 1);
    });
  }, 30_000);

  it("rejects a pid of another node, and reads without a scope", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      expect(() => getMembers("x")).toThrow(BadArgumentError);
      await startGroups();
      const group = await startWorkers({
        count: 1,
        module: NODES,
        start: "startPgAndJoin",
        args: ["g"],
      });
      await eventually(() => getMembers("g").length === 1);
      const remote = getMembers("g")[0] as Pid;
      expect(remote.node).toBe(group.nodes[0]);
      await expect(join("g", remote)).rejects.toBeInstanceOf(BadArgumentError);
    });
  }, 30_000);
});
