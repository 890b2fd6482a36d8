import { downFor, exit, type LogReport, monitor, receive } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { expect, test } from "vitest";
import { main } from "../src/main.js";
import { query, served, slotFor, startPool, workerAt } from "../src/pool.js";

test("each slot holds a worker named through the Registry; the same key reaches the same one", () =>
  withRuntime(async () => {
    const pool = await startPool(4);
    const slots = [0, 1, 2, 3].map(workerAt);
    expect(new Set(slots).size).toBe(4);
    expect(slots.every((pid) => pid !== undefined)).toBe(true);
    const slot = slotFor(["user", 7], 4);
    expect(await query(["user", 7], "a", 4)).toBe(`conn ${slot} ran "a"`);
    expect(await query(["user", 7], "b", 4)).toBe(`conn ${slot} ran "b"`);
    expect(await served(slot)).toBe(2);
    await Supervisor.stop(pool);
  }));

test("a crashed worker comes back under the same name, with fresh state, and the others are untouched", () =>
  withRuntime(async () => {
    const pool = await startPool(3);
    await query("k", "x", 3);
    const slot = slotFor("k", 3);
    const other = (slot + 1) % 3;
    const before = workerAt(slot);
    const untouched = workerAt(other);
    if (before === undefined) throw new Error("no worker");
    const ref = monitor(before);
    exit(before, "kill");
    expect((await receive(downFor(ref))).reason).toBe("killed");
    await Supervisor.whichChildren(pool); // the supervisor has handled the exit
    expect(await query("k", "y", 3)).toBe(`conn ${slot} ran "y"`);
    expect(workerAt(slot)).not.toBe(before);
    expect(await served(slot)).toBe(1);
    expect(workerAt(other)).toBe(untouched);
    await Supervisor.stop(pool);
  }));

test("main prints the run", async () => {
  const lines: string[] = [];
  const reports: LogReport[] = [];
  await main((line) => lines.push(line), { logger: { log: (r) => void reports.push(r) } });
  expect(lines).toHaveLength(8);
  expect(new Set(lines.slice(0, 3).map((line) => line.split(" ")[3])).size).toBe(3);
  expect(lines[4]).toMatch(/went down: killed$/);
  expect(lines[6]).toMatch(/is a new process: true$/);
  expect(lines[7]).toMatch(/served 1 query since its restart$/);
  // the supervisor reports the crash it handled (an error report, like Erlang's child_terminated)
  expect(reports.filter((r) => r.kind === "error").map((r) => [r.childId, r.reason])).toEqual([
    ["conn-1", "killed"],
  ]);
});
