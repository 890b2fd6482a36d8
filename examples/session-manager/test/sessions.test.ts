import { downFor, monitor, receive, sleep } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { expect, test } from "vitest";
import { main } from "../src/main.js";
import {
  addToCart,
  findSession,
  IDLE_MS,
  openSession,
  sessionCount,
  startSessions,
} from "../src/sessions.js";

test("a session is started on first use and found by name afterwards", () =>
  withRuntime(async () => {
    const top = await startSessions();
    expect(findSession("ann")).toBeUndefined();
    expect(await addToCart("ann", "tea")).toEqual(["tea"]);
    const pid = findSession("ann");
    expect(pid).toBeDefined();
    expect(await openSession("ann")).toBe(pid);
    expect(await addToCart("ann", "cake")).toEqual(["tea", "cake"]);
    expect(await addToCart("ben", "milk")).toEqual(["milk"]);
    expect(await sessionCount()).toBe(2);
    await Supervisor.stop(top);
  }));

test("a session stops after the idle timeout, not before, and is not restarted", () =>
  withRuntime(async ({ clock }) => {
    const top = await startSessions();
    const pid = await openSession("ann");
    const ref = monitor(pid);
    await sleep(IDLE_MS - 1);
    await addToCart("ann", "tea"); // activity re-arms the timeout
    const down = await receive(downFor(ref));
    expect(down.reason).toBe("normal");
    expect(clock.now()).toBe(2 * IDLE_MS - 1);
    expect(findSession("ann")).toBeUndefined();
    expect(await sessionCount()).toBe(0);
    await Supervisor.stop(top);
  }));

test("the idle timeout is per session", () =>
  withRuntime(async () => {
    const top = await startSessions();
    const ann = await openSession("ann", 1000);
    const ben = await openSession("ben", 5000);
    await receive(downFor(monitor(ann)));
    expect(findSession("ben")).toBe(ben);
    expect(await openSession("ann", 1000)).not.toBe(ann); // a fresh session
    await Supervisor.stop(top);
  }));

test("main prints the run", async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  expect(lines).toEqual([
    "ann's cart: tea",
    "ben's cart: milk",
    "ann's cart: tea,cake",
    "sessions running: 2",
    "after 31 minutes: ann online, ben gone",
    "sessions running: 1",
    "ben comes back to a new, empty cart: eggs",
  ]);
});
