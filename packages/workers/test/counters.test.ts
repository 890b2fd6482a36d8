import { BadArgumentError, self } from "@trellis/core";
import { describe, expect, it } from "vitest";
import { SharedCounters, spawnOn, startWorkers } from "../src/index.js";
import { expectReceive, has, mainRuntime, NODES } from "./support.js";

describe("SharedCounters", () => {
  it("is shared memory across worker nodes: concurrent adds are all counted", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const group = await startWorkers({ count: 2, module: NODES });
      const counters = SharedCounters.create(2);
      for (const node of group.nodes)
        await spawnOn(node, { module: NODES, function: "bump", args: [counters, 100_000, self()] });
      for (let i = 0; i < 100_000; i++) counters.add(1, 1);
      await expectReceive(has("bumped"));
      await expectReceive(has("bumped"));
      expect(counters.get(1)).toBe(300_000n);
      expect(counters.get(2)).toBe(0n);
    });
  }, 30_000);

  it("has Erlang's counters and atomics operations, 1-based, wrapping at 64 bits", () => {
    const c = SharedCounters.create(3);
    expect(c.size).toBe(3);
    c.add(1, 5);
    c.sub(1, 7n);
    expect(c.get(1)).toBe(-2n);
    expect(c.addGet(2, 10)).toBe(10n);
    c.put(3, 2n ** 63n - 1n);
    c.add(3, 1);
    expect(c.get(3)).toBe(-(2n ** 63n));
    expect(c.exchange(2, 1)).toBe(10n);
    expect(c.compareExchange(2, 1, 2)).toBe(true);
    expect(c.compareExchange(2, 1, 3)).toBe(false);
    expect(c.get(2)).toBe(2n);
    expect(() => c.get(0)).toThrow(BadArgumentError);
    expect(() => c.get(4)).toThrow(BadArgumentError);
    expect(() => c.add(1, 1.5)).toThrow(BadArgumentError);
    expect(() => SharedCounters.create(0)).toThrow(BadArgumentError);
    expect(() => SharedCounters.create(Number.NaN)).toThrow(BadArgumentError);
  });
});
