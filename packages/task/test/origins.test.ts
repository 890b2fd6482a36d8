// The origins table (internal/meta.ts) is shared by every runtime of the process: a sweep
// made while one runtime starts tasks must ask each entry's own runtime whether its task
// lives (ADR 0004, session 5: a task of Task.async finds its work in its entry).
import { createRuntime, isAlive, type Pid, receive, self, send } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Task from "@trellis/task";
import { describe, expect, it } from "vitest";
import { forever } from "./support.js";

describe("the origins table across runtimes", () => {
  it("a sweep started in one runtime keeps the live tasks of another", async () => {
    const a = createRuntime();
    const b = createRuntime();
    try {
      // runtime a: an owner with one task that waits
      const owner = a.spawn(async () => {
        const me = self();
        const t = Task.async(async () => {
          send(me, "running");
          await receive((m) => m === "go");
          return Task.ancestors();
        });
        await receive((m) => m === "running");
        const check = await receive(
          (m): m is { check: Pid } => typeof m === "object" && m !== null && "check" in m,
        );
        send(check.check, {
          before: Task.ancestors(t.pid),
          owner: me,
        });
        send(t.pid as Pid, "go");
        send(check.check, { after: await Task.await(t) });
        await forever();
      });
      // runtime b: enough live tasks to sweep the table (1,024 entries or more) twice
      const many = await b
        .run(async () => {
          const tasks = Array.from({ length: 2500 }, () => Task.async(forever));
          return tasks.length;
        })
        .catch((e: unknown) => e);
      expect(many).toBe(2500);
      const seen = await a.run(async () => {
        const me = self();
        send(owner, { check: me });
        const before = await receive(
          (m): m is { before: Pid[]; owner: Pid } =>
            typeof m === "object" && m !== null && "before" in m,
        );
        const after = await receive(
          (m): m is { after: Pid[] } => typeof m === "object" && m !== null && "after" in m,
        );
        return { ...before, ...after };
      });
      expect(seen.before).toEqual([seen.owner]);
      expect(seen.after).toEqual([seen.owner]);
    } finally {
      await a.shutdown();
      await b.shutdown();
    }
  });

  // A queued task of Task.async with a plain origin is its own entry in the table until it
  // starts (ADR 0004, session 5): what it answers must not change when it starts.
  it("a queued task has the same ancestors and callers before and after it starts", () =>
    withRuntime(async () => {
      const me = self();
      const t = Task.async(async () => {
        send(me, "running");
        await receive((m) => m === "go");
        return { callers: Task.callers(), ancestors: Task.ancestors() };
      });
      const pid = t.pid as Pid;
      // not started yet: nothing in its dictionary, its origin in the table
      expect(Task.ancestors(pid)).toEqual([me]);
      expect(Task.callers(pid)).toEqual([]);
      await receive((m) => m === "running");
      expect(Task.ancestors(pid)).toEqual([me]);
      expect(Task.callers(pid)).toEqual([me]);
      send(pid, "go");
      expect(await Task.await(t)).toEqual({ callers: [me], ancestors: [me] });
    }));

  it("a task of a task that returned before it started still sees the whole chain", () =>
    withRuntime(async () => {
      const me = self();
      // the outer task starts an inner one and returns at once, before the inner one runs
      const outer = Task.async(() => {
        const inner = Task.async(() => {
          send(me, { ancestors: Task.ancestors(), callers: Task.callers() });
        });
        return { mine: self(), inner: inner.pid as Pid };
      });
      const { mine, inner } = await Task.await(outer);
      // it returned with its task still queued; that task runs now
      expect(isAlive(mine)).toBe(false);
      const seen = await receive(
        (m): m is { ancestors: Pid[]; callers: Pid[] } =>
          typeof m === "object" && m !== null && "ancestors" in m,
      );
      expect(seen).toEqual({ ancestors: [mine, me], callers: [mine, me] });
      expect(isAlive(inner)).toBe(false);
    }));
});
