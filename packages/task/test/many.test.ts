// Task.awaitMany, Task.yield, Task.yieldMany (CONFORMANCE §6 items 6-8).
import {
  type DownMessage,
  downFor,
  exit,
  isExit,
  receive,
  self,
  send,
  sleep,
  spawnMonitor,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as Task from "@trellis/task";
import { describe, expect, it } from "vitest";
import { forever, links, monitored, queued } from "./support.js";

const after =
  <T>(ms: number, value: T) =>
  async (): Promise<T> => {
    await sleep(ms);
    return value;
  };

describe("Task.awaitMany (item 6)", () => {
  it("returns the results in input order, whatever order they arrive in", () =>
    withRuntime(async () => {
      const tasks = [
        Task.async(after(30, "a")),
        Task.async(after(10, "b")),
        Task.async(after(20, "c")),
      ];
      expect(await Task.awaitMany(tasks)).toEqual(["a", "b", "c"]);
      expect(monitored()).toEqual([]);
      expect(queued()).toBe(0);
    }));

  it("[] gives []", () =>
    withRuntime(async () => {
      expect(await Task.awaitMany([])).toEqual([]);
    }));

  it("leaves messages that belong to no task in the mailbox", () =>
    withRuntime(async () => {
      send(self(), "before");
      const tasks = [Task.async(() => 1), Task.async(() => 2)];
      send(self(), "after");
      expect(await Task.awaitMany(tasks)).toEqual([1, 2]);
      expect(await receive()).toBe("before");
      expect(await receive()).toBe("after");
      await refuteReceive();
    }));

  it("fails at once when any task exits, and leaves no monitor behind", () =>
    withRuntime(async ({ clock }) => {
      trapExit(true);
      const slow = Task.async(after(1000, "slow"));
      const dies = Task.async(async () => {
        await sleep(10);
        exit("normal");
      });
      const tasks = [slow, dies];
      const err = await Task.awaitMany(tasks).catch((e: unknown) => e);
      expect(clock.now()).toBe(10);
      expect(err).toBeInstanceOf(Task.TaskExitError);
      expect(err).toMatchObject({
        reason: "normal",
        operation: { module: "Task", function: "awaitMany", args: [tasks, 5000] },
      });
      expect(monitored()).toEqual([]);
      await receive(isExit); // the EXIT of the dead task (we trap exits)
      await sleep(2000); // the slow task replies meanwhile: dropped
      await receive(isExit);
      expect(queued()).toBe(0);
    }));

  it("times out as a whole, with TaskTimeoutError, and leaves nothing behind", () =>
    withRuntime(async ({ clock }) => {
      const tasks = [Task.async(after(10, 1)), Task.async(after(500, 2))];
      const err = await Task.awaitMany(tasks, 100).catch((e: unknown) => e);
      expect(clock.now()).toBe(100);
      expect(err).toBeInstanceOf(Task.TaskTimeoutError);
      expect(err).toMatchObject({ operation: { function: "awaitMany", args: [tasks, 100] } });
      expect(monitored()).toEqual([]);
      await sleep(1000);
      expect(queued()).toBe(0);
    }));

  it("checks every task before waiting", () =>
    withRuntime(async () => {
      const t = Task.async(() => 1);
      await expect(Task.awaitMany([t, "x" as never])).rejects.toThrow(/expected a task/);
      await expect(Task.awaitMany("x" as never)).rejects.toThrow(/expected an array/);
      await expect(Task.awaitMany([t], -5)).rejects.toBeInstanceOf(Task.TaskOptionError);
      expect(await Task.awaitMany([t, t, t])).toEqual([1, 1, 1]);
    }));
});

describe("Task.yield (item 7)", () => {
  it("returns ok with the reply", () =>
    withRuntime(async () => {
      const task = Task.async(() => "yes");
      expect(await Task.yield(task)).toEqual({ type: "ok", value: "yes" });
      expect(monitored()).toEqual([]);
      await refuteReceive();
    }));

  it("returns null on timeout and keeps the monitor, so it can be called again", () =>
    withRuntime(async ({ clock }) => {
      const task = Task.async(after(250, "eventually"));
      expect(await Task.yield(task, 100)).toBeNull();
      expect(clock.now()).toBe(100);
      expect(monitored()).toContain(task.pid);
      expect(await Task.yield(task, 100)).toBeNull();
      expect(await Task.yield(task, 100)).toEqual({ type: "ok", value: "eventually" });
      expect(clock.now()).toBe(250);
      expect(monitored()).toEqual([]);
    }));

  it("returns exit with the reason when the task exited", () =>
    withRuntime(async () => {
      const task = Task.async(() => exit("normal"));
      expect(await Task.yield(task)).toEqual({ type: "exit", reason: "normal" });
      trapExit(true);
      const boom = new Error("boom");
      const crashing = Task.async(() => {
        throw boom;
      });
      expect(await Task.yield(crashing)).toEqual({ type: "exit", reason: boom });
    }));

  it("with both the reply and the DOWN queued: ok, and the DOWN is flushed", () =>
    withRuntime(async () => {
      const task = Task.async(() => 7);
      await sleep(1);
      expect(queued()).toBe(2);
      expect(await Task.yield(task, 0)).toEqual({ type: "ok", value: 7 });
      expect(queued()).toBe(0);
    }));
});

describe("Task.yieldMany (item 8)", () => {
  it("returns [task, result] pairs in input order: ok, exit or null", () =>
    withRuntime(async ({ clock }) => {
      const slow = Task.async(after(1000, "slow"));
      const fast = Task.async(after(10, "fast"));
      const quits = Task.async(async () => {
        await sleep(20);
        exit("normal");
      });
      const pairs = await Task.yieldMany([slow, fast, quits], 100);
      expect(clock.now()).toBe(100);
      expect(pairs).toEqual([
        [slow, null],
        [fast, { type: "ok", value: "fast" }],
        [quits, { type: "exit", reason: "normal" }],
      ]);
      // nothing done to the slow one: it can still be awaited
      expect(await Task.await(slow)).toBe("slow");
      expect(queued()).toBe(0);
    }));

  it("limit: returns as soon as that many have finished, the others untouched", () =>
    withRuntime(async ({ clock }) => {
      const a = Task.async(after(30, "a"));
      const b = Task.async(after(10, "b"));
      const c = Task.async(after(20, "c"));
      const pairs = await Task.yieldMany([a, b, c], { limit: 2 });
      expect(clock.now()).toBe(20);
      expect(pairs.map(([, r]) => r)).toEqual([
        null,
        { type: "ok", value: "b" },
        { type: "ok", value: "c" },
      ]);
      expect(await Task.await(a)).toBe("a");
    }));

  it('onTimeout "ignore": late tasks run on unlinked, their results discarded', () =>
    withRuntime(async () => {
      const late = Task.async(after(500, "late"));
      const pairs = await Task.yieldMany([late], { timeout: 100, onTimeout: "ignore" });
      expect(pairs).toEqual([[late, null]]);
      expect(links()).not.toContain(late.pid);
      expect(monitored()).toEqual([]);
      await sleep(1000);
      expect(queued()).toBe(0);
    }));

  it('onTimeout "kill_task": late tasks are killed', () =>
    withRuntime(async () => {
      const me = self();
      const late = Task.async(async () => {
        send(me, "started");
        await forever();
      });
      await assertReceive((m) => m === "started");
      const pairs = await Task.yieldMany([late], { timeout: 100, onTimeout: "kill_task" });
      expect(pairs).toEqual([[late, null]]);
      expect(links()).toEqual([]);
      expect(monitored()).toEqual([]);
      expect(queued()).toBe(0);
    }));

  it("the limit is reached before the timeout: onTimeout is not applied", () =>
    withRuntime(async () => {
      const fast = Task.async(() => 1);
      const slow = Task.async(after(1000, 2));
      const pairs = await Task.yieldMany([fast, slow], {
        timeout: 100,
        limit: 1,
        onTimeout: "kill_task",
      });
      expect(pairs[1]).toEqual([slow, null]);
      expect(await Task.await(slow)).toBe(2);
    }));

  it("rejects bad options with TaskOptionError", () =>
    withRuntime(async () => {
      const t = Task.async(() => 1);
      await expect(Task.yieldMany([t], { limit: 0 })).rejects.toMatchObject({
        option: "limit",
        value: 0,
      });
      await expect(Task.yieldMany([t], { onTimeout: "kill" as never })).rejects.toMatchObject({
        option: "onTimeout",
        value: "kill",
      });
      await expect(Task.yieldMany([t], { timeout: -1 })).rejects.toMatchObject({
        option: "timeout",
      });
      expect(await Task.yieldMany([t], 0)).toEqual([[t, { type: "ok", value: 1 }]]);
      expect(await Task.yieldMany([])).toEqual([]);
      await expect(Task.yieldMany([t], null as never)).rejects.toMatchObject({ option: "options" });
      await expect(Task.yieldMany("t" as never)).rejects.toThrow(/expected an array/);
      const u = Task.async(() => 2);
      const done = Task.completed(3);
      expect(await Task.yieldMany([u, done, u, u])).toEqual([
        [u, { type: "ok", value: 2 }],
        [done, { type: "ok", value: 3 }],
        [u, { type: "ok", value: 2 }],
        [u, { type: "ok", value: 2 }],
      ]);
    }));

  it("an exit element appears only if the owner survives the crash", () =>
    withRuntime(async () => {
      const me = self();
      const boom = new Error("boom");
      const [, ref] = spawnMonitor(async () => {
        const t = Task.async(() => {
          throw boom;
        });
        send(me, await Task.yieldMany([t]));
      });
      const down = await assertReceive<DownMessage>(downFor(ref));
      expect(down.reason).toBe(boom);
      await refuteReceive();
    }));
});
