import { downFor, exit, type LogReport, monitor, receive, whereis } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { expect, test } from "vitest";
import * as Counter from "../src/counter.js";
import { main } from "../src/main.js";

test("calls answer, casts are applied in order before a later call", () =>
  withRuntime(async () => {
    const counter = await Counter.startLink(0);
    expect(await Counter.increment(counter)).toBe(1);
    expect(await Counter.increment(counter)).toBe(2);
    Counter.add(counter, 40);
    expect(await Counter.get(counter)).toBe(42);
    Counter.reset(counter);
    expect(await Counter.get(counter)).toBe(0);
  }));

test("can be reached by name", () =>
  withRuntime(async () => {
    await Counter.startLink(7, "seven");
    expect(await Counter.increment(Counter.named("seven"))).toBe(8);
  }));

test("a supervised counter comes back with its initial value after a crash", () =>
  withRuntime(async () => {
    const sup = await Supervisor.startLink([Counter.childSpec("c", 3)], {
      strategy: "one_for_one",
    });
    const c = Counter.named("c");
    Counter.add(c, 100);
    expect(await Counter.get(c)).toBe(103);
    const before = whereis("c");
    if (before === undefined) throw new Error("not running");
    const ref = monitor(before);
    exit(before, "kill");
    await receive(downFor(ref));
    expect(whereis("c")).not.toBe(before);
    expect(await Counter.get(c)).toBe(3);
    await Supervisor.stop(sup);
  }));

test("main runs and prints what happens", async () => {
  const lines: string[] = [];
  const reports: LogReport[] = [];
  await main((line) => lines.push(line), { logger: { log: (r) => void reports.push(r) } });
  expect(lines).toEqual([
    "increment -> 11",
    "after add 5 -> 16",
    "after reset -> 10",
    "counter crashed (killed)",
    "restarted by the supervisor: true",
    "value after restart -> 10",
  ]);
  // the supervisor reports the crash it handled (an error report, like Erlang's child_terminated)
  expect(reports.filter((r) => r.kind === "error").map((r) => [r.childId, r.reason])).toEqual([
    ["visits", "killed"],
  ]);
});
