// Task.shutdown and Task.ignore (CONFORMANCE §6 items 9-11), and cancellation.
import {
  abortSignal,
  downFor,
  exit,
  isExit,
  receive,
  self,
  send,
  sleep,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as Task from "@trellis/task";
import { describe, expect, it } from "vitest";
import { forever, links, monitored, queued } from "./support.js";

/** A task that traps exits and ignores the shutdown signal. */
function stubborn(): Promise<never> {
  trapExit(true);
  return forever();
}

describe("Task.shutdown(task, ms) (item 9)", () => {
  it("a queued reply wins, even with the DOWN queued too", () =>
    withRuntime(async () => {
      const task = Task.async(() => "done");
      await sleep(1);
      expect(queued()).toBe(2);
      expect(await Task.shutdown(task)).toEqual({ type: "ok", value: "done" });
      expect(queued()).toBe(0);
      expect(monitored()).toEqual([]);
    }));

  it("a running task exits shutdown: null, unlinked, nothing left behind", () =>
    withRuntime(async () => {
      const task = Task.async(forever);
      expect(await Task.shutdown(task)).toBeNull();
      expect(links()).toEqual([]);
      expect(monitored()).toEqual([]);
      await refuteReceive();
    }));

  it("a task that had exited normal: { exit: normal }", () =>
    withRuntime(async () => {
      const task = Task.async(() => exit("normal"));
      await sleep(1);
      expect(await Task.shutdown(task)).toEqual({ type: "exit", reason: "normal" });
      expect(queued()).toBe(0);
    }));

  it("a task that had crashed: { exit: reason } (the owner traps exits to survive)", () =>
    withRuntime(async () => {
      trapExit(true);
      const boom = new Error("boom");
      const task = Task.async(() => {
        throw boom;
      });
      await sleep(1);
      expect(await Task.shutdown(task)).toEqual({ type: "exit", reason: boom });
      await receive(isExit);
      expect(queued()).toBe(0);
    }));

  it("a task killed by someone else: { exit: killed }", () =>
    withRuntime(async () => {
      trapExit(true);
      const task = Task.async(forever);
      exit(task.pid as never, "kill");
      expect(await Task.shutdown(task)).toEqual({ type: "exit", reason: "killed" });
      await receive(isExit);
    }));

  it("a trapping task that does not exit in time is killed: { exit: killed }", () =>
    withRuntime(async ({ clock }) => {
      const task = Task.async(stubborn);
      await sleep(1);
      expect(await Task.shutdown(task, 100)).toEqual({ type: "exit", reason: "killed" });
      expect(clock.now()).toBe(101);
      expect(monitored()).toEqual([]);
      expect(queued()).toBe(0);
    }));

  it("a trapping task may still reply while it shuts down", () =>
    withRuntime(async () => {
      const task = Task.async(async () => {
        trapExit(true);
        await receive(isExit);
        await sleep(50);
        return "finished my work";
      });
      await sleep(1);
      expect(await Task.shutdown(task, 1000)).toEqual({ type: "ok", value: "finished my work" });
      expect(queued()).toBe(0);
    }));

  it("a trapping task that then exits shutdown on its own: null", () =>
    withRuntime(async () => {
      const task = Task.async(async () => {
        trapExit(true);
        const msg = await receive(isExit);
        exit(msg.reason);
      });
      await sleep(1);
      expect(await Task.shutdown(task, 1000)).toBeNull();
    }));

  it("a task whose DOWN was already consumed: { exit: noproc }", () =>
    withRuntime(async () => {
      const task = Task.async(() => exit("normal"));
      await receive(downFor(task.ref));
      expect(await Task.shutdown(task)).toEqual({ type: "exit", reason: "noproc" });
    }));

  it("Infinity waits as long as it takes; a bad value is rejected", () =>
    withRuntime(async () => {
      const task = Task.async(forever);
      await expect(Task.shutdown(task, -1)).rejects.toMatchObject({
        option: "shutdown",
        value: -1,
      });
      await expect(Task.shutdown(task, "kill" as never)).rejects.toBeInstanceOf(
        Task.TaskOptionError,
      );
      expect(await Task.shutdown(task, Number.POSITIVE_INFINITY)).toBeNull();
    }));

  it("aborts the task's AbortSignal, so its I/O stops (issue item 6)", () =>
    withRuntime(async () => {
      const me = self();
      const task = Task.async(async () => {
        const signal = abortSignal();
        signal.addEventListener("abort", () => send(me, { aborted: signal.reason }));
        await forever();
      });
      await sleep(1);
      expect(await Task.shutdown(task)).toBeNull();
      const { aborted } = await assertReceive<{ aborted: { reason: unknown } }>();
      expect(aborted.reason).toBe("shutdown");
    }));
});

describe('Task.shutdown(task, "brutal_kill") (item 10)', () => {
  it("a running task is killed: null", () =>
    withRuntime(async () => {
      const task = Task.async(stubborn);
      expect(await Task.shutdown(task, "brutal_kill")).toBeNull();
      expect(links()).toEqual([]);
      expect(queued()).toBe(0);
    }));

  it("a task that had exited shutdown: { exit: shutdown }", () =>
    withRuntime(async () => {
      trapExit(true);
      const task = Task.async(() => exit("shutdown"));
      await sleep(1);
      expect(await Task.shutdown(task, "brutal_kill")).toEqual({
        type: "exit",
        reason: "shutdown",
      });
      await receive(isExit);
    }));

  it("a queued reply wins; a normal exit is { exit: normal }", () =>
    withRuntime(async () => {
      const a = Task.async(() => 1);
      await sleep(1);
      expect(await Task.shutdown(a, "brutal_kill")).toEqual({ type: "ok", value: 1 });
      const b = Task.async(() => exit("normal"));
      await sleep(1);
      expect(await Task.shutdown(b, "brutal_kill")).toEqual({ type: "exit", reason: "normal" });
      expect(queued()).toBe(0);
    }));
});

describe("Task.ignore (item 11)", () => {
  it("a task that has replied: ok", () =>
    withRuntime(async () => {
      const task = Task.async(() => "r");
      await sleep(1);
      expect(await Task.ignore(task)).toEqual({ type: "ok", value: "r" });
      expect(queued()).toBe(0);
      expect(monitored()).toEqual([]);
    }));

  it("a task that has exited: exit", () =>
    withRuntime(async () => {
      const task = Task.async(() => exit("normal"));
      await sleep(1);
      expect(await Task.ignore(task)).toEqual({ type: "exit", reason: "normal" });
      expect(queued()).toBe(0);
    }));

  it("a task whose result was taken: null", () =>
    withRuntime(async () => {
      const task = Task.async(() => 1);
      await Task.await(task);
      expect(await Task.ignore(task)).toBeNull();
    }));

  it("a running task: null; it runs on unlinked, its reply is discarded, await times out", () =>
    withRuntime(async () => {
      const me = self();
      const task = Task.async(async () => {
        await sleep(100);
        send(me, "still ran");
        return "discarded";
      });
      expect(await Task.ignore(task)).toBeNull();
      expect(links()).not.toContain(task.pid);
      expect(monitored()).toEqual([]);
      await assertReceive((m) => m === "still ran", { timeout: 200 });
      await sleep(10);
      expect(queued()).toBe(0);
      await expect(Task.await(task, 0)).rejects.toBeInstanceOf(Task.TaskTimeoutError);
    }));

  it("a later failure is discarded too: the owner does not die with it", () =>
    withRuntime(async () => {
      const task = Task.async(async () => {
        await sleep(100);
        throw new Error("nobody cares");
      });
      expect(await Task.ignore(task)).toBeNull();
      await sleep(200);
      await refuteReceive();
    }));
});
