import { isExit, type LogReport, trapExit } from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as Task from "@trellis/task";
import { expect, test } from "vitest";
import { after, failing, fetchPartialProfile, fetchProfile } from "../src/aggregator.js";
import { main } from "../src/main.js";

test("awaitMany runs the lookups in parallel and keeps their order", () =>
  withRuntime(async ({ clock }) => {
    const profile = await fetchProfile("bo", {
      a: after(300, "A"),
      b: after(100, "B"),
      c: after(200, "C"),
    });
    expect(profile).toEqual({ a: "A of bo", b: "B of bo", c: "C of bo" });
    expect(clock.now()).toBe(300); // the slowest one, not the sum
  }));

test("with linked tasks, a slow backend fails the whole profile", () =>
  withRuntime(async () => {
    const slow = fetchProfile("bo", { a: after(10, "A"), b: after(10_000, "B") }, 1000);
    await expect(slow).rejects.toBeInstanceOf(Task.TaskTimeoutError);
  }));

test("with linked tasks, a crashing backend crashes the caller", () =>
  withRuntime(async () => {
    trapExit(true);
    await expect(fetchProfile("bo", { a: failing(10, "boom") })).rejects.toBeInstanceOf(
      Task.TaskExitError,
    );
    const exit = await assertReceive(isExit);
    expect((exit.reason as Error).message).toBe("boom");
  }));

test("asyncNolink + yieldMany gives a partial profile at the deadline and kills the slow task", () =>
  withRuntime(async ({ clock }) => {
    const sup = await Task.Supervisor.startLink({});
    const partial = await fetchPartialProfile(
      sup,
      "bo",
      { fast: after(50, "fast"), slow: after(60_000, "slow"), broken: failing(20, "down") },
      500,
    );
    expect(partial.sections).toEqual({ fast: "fast of bo" });
    expect(partial.missing).toEqual({ slow: "timed out", broken: "crashed: Error: down" });
    expect(clock.now()).toBe(500);
    expect(await Task.Supervisor.children(sup)).toEqual([]);
  }));

test("main prints the full and the partial profile", async () => {
  const lines: string[] = [];
  const reports: LogReport[] = [];
  await main((line) => lines.push(line), { logger: { log: (r) => void reports.push(r) } });
  expect(lines).toEqual([
    'full profile: {"account":"account of ada","orders":"orders of ada","prefs":"prefs of ada"}',
    'partial profile: {"account":"account of ada"}',
    "missing orders: timed out",
    "missing prefs: crashed: Error: prefs service is down",
    "tasks still running: 0",
  ]);
  // the failed lookup is reported (the crash, then the supervisor's child_terminated), and so
  // is the lookup killed when the deadline passed
  const errors = reports.filter((r) => r.kind === "error" || r.kind === "crash");
  expect(errors.map((r) => (r.reason instanceof Error ? r.reason.message : r.reason))).toEqual([
    "prefs service is down",
    "prefs service is down",
    "killed",
  ]);
});
