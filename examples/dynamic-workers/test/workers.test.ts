import { whereis } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import { ChildError } from "@trellis/supervisor";
import { expect, test } from "vitest";
import { main } from "../src/main.js";
import * as Workers from "../src/workers.js";

test("workers start on demand, up to maxChildren", () =>
  withRuntime(async () => {
    const sup = await Workers.startSupervisor(2);
    expect(await Workers.running("workers")).toBe(0);
    await Workers.startWorker("workers", "a", "transient");
    await Workers.startWorker("workers", "b", "temporary");
    expect(await Workers.work("b", 4)).toBe(8);
    const err = await Workers.startWorker("workers", "c", "transient").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChildError);
    expect((err as ChildError).reason).toBe("max_children");
    expect(await DynamicSupervisor.countChildren(sup)).toEqual({
      specs: 2,
      active: 2,
      supervisors: 0,
      workers: 2,
    });
    const children = await DynamicSupervisor.whichChildren(sup);
    expect(children.map((c) => c.pid).sort()).toEqual(
      [whereis(Workers.nameOf("a")), whereis(Workers.nameOf("b"))].sort(),
    );
    expect(children.every((c) => c.id === undefined && c.type === "worker")).toBe(true);
  }));

test("a transient worker is restarted after a crash, with a fresh state", () =>
  withRuntime(async () => {
    await Workers.startSupervisor(5);
    await Workers.startWorker("workers", "a", "transient");
    const before = whereis(Workers.nameOf("a"));
    await Workers.crashAndWait("a");
    const after = whereis(Workers.nameOf("a"));
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(await Workers.work("a", 1)).toBe(2);
    expect(await Workers.running("workers")).toBe(1);
  }));

test("a transient worker that finishes normally is removed", () =>
  withRuntime(async () => {
    await Workers.startSupervisor(5);
    await Workers.startWorker("workers", "a", "transient");
    await Workers.finishAndWait("a");
    expect(whereis(Workers.nameOf("a"))).toBeUndefined();
    expect(await Workers.running("workers")).toBe(0);
  }));

test("a temporary worker is never restarted, and frees its slot", () =>
  withRuntime(async () => {
    await Workers.startSupervisor(1);
    await Workers.startWorker("workers", "t", "temporary");
    await Workers.crashAndWait("t");
    expect(whereis(Workers.nameOf("t"))).toBeUndefined();
    expect(await Workers.running("workers")).toBe(0);
    await Workers.startWorker("workers", "u", "temporary"); // room again
    expect(await Workers.running("workers")).toBe(1);
  }));

test("main runs and prints what happens", async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  expect(lines.slice(0, -1)).toEqual([
    "started a, b (transient) and c (temporary): 3 running",
    "a doubles 21 -> 42",
    "starting d: refused (max_children)",
    "a crashed: restarted as a new process: true",
    "c crashed: restarted: false",
    "b finished normally: restarted: false",
    'countChildren: {"specs":1,"active":1,"supervisors":0,"workers":1}',
  ]);
  expect(lines.at(-1)).toMatch(/^whichChildren: worker <\d+\.\d+\.\d+>$/);
});
