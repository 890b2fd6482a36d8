// Type tests: a task's result type flows from its function to await, yield and the streams.
import type { ChildSpec, Pid } from "@trellis/core";
import * as Task from "@trellis/task";
import { describe, expectTypeOf, it } from "vitest";

describe("Task", () => {
  it("infers the result type from the function, sync or async", () => {
    expectTypeOf(Task.async(() => 1)).toEqualTypeOf<Task.Task<number>>();
    expectTypeOf(Task.async(async () => "s")).toEqualTypeOf<Task.Task<string>>();
    expectTypeOf(Task.completed({ a: 1 })).toEqualTypeOf<Task.Task<{ a: number }>>();
    expectTypeOf<Task.ResultOf<Task.Task<boolean>>>().toEqualTypeOf<boolean>();
  });

  it("await returns the task's result type", () => {
    const t = Task.async(async () => ({ id: 1, name: "ada" }));
    expectTypeOf(Task.await(t)).toEqualTypeOf<Promise<{ id: number; name: string }>>();
    expectTypeOf(Task.await(t, 1000)).toEqualTypeOf<Promise<{ id: number; name: string }>>();
    // @ts-expect-error the timeout is a number
    void Task.await(t, "1s");
    // @ts-expect-error only tasks can be awaited
    void Task.await(Promise.resolve(1));
  });

  it("awaitMany keeps each position's type", () => {
    const a = Task.async(() => 1);
    const b = Task.async(() => "two");
    expectTypeOf(Task.awaitMany([a, b])).toEqualTypeOf<Promise<[number, string]>>();
    const many = [a, a, a];
    expectTypeOf(Task.awaitMany(many)).toEqualTypeOf<Promise<number[]>>();
    expectTypeOf(Task.awaitMany([])).toEqualTypeOf<Promise<[]>>();
  });

  it("yield, shutdown and ignore return a result or null", () => {
    const t = Task.async(() => 1);
    expectTypeOf(Task.yield(t)).toEqualTypeOf<Promise<Task.TaskResult<number> | null>>();
    expectTypeOf(Task.shutdown(t, "brutal_kill")).toEqualTypeOf<
      Promise<Task.TaskResult<number> | null>
    >();
    expectTypeOf(Task.ignore(t)).toEqualTypeOf<Promise<Task.TaskResult<number> | null>>();
    // @ts-expect-error "kill" is not a shutdown
    void Task.shutdown(t, "kill");
    const r = null as unknown as Task.TaskResult<number>;
    if (r.type === "ok") expectTypeOf(r.value).toEqualTypeOf<number>();
    else expectTypeOf(r.reason).toEqualTypeOf<unknown>();
  });

  it("yieldMany pairs each task with its result", () => {
    const a = Task.async(() => 1);
    const b = Task.async(() => "two");
    expectTypeOf(Task.yieldMany([a, b], { limit: 1, onTimeout: "kill_task" })).toEqualTypeOf<
      Promise<
        [
          [Task.Task<number>, Task.TaskResult<number> | null],
          [Task.Task<string>, Task.TaskResult<string> | null],
        ]
      >
    >();
    // @ts-expect-error onTimeout is "nothing", "ignore" or "kill_task"
    void Task.yieldMany([a], { onTimeout: "kill" });
  });

  it("start, startLink and childSpec", () => {
    expectTypeOf(Task.start(() => {})).toEqualTypeOf<Promise<Pid>>();
    expectTypeOf(Task.startLink(async () => {})).toEqualTypeOf<Promise<Pid>>();
    expectTypeOf(Task.childSpec(() => {}, { restart: "transient" })).toEqualTypeOf<ChildSpec>();
    expectTypeOf(Task.callers()).toEqualTypeOf<Pid[]>();
  });

  it("asyncStream elements carry the result and input types", () => {
    const s = Task.asyncStream([1, 2, 3], async (n) => String(n), { ordered: false });
    expectTypeOf(s).toEqualTypeOf<AsyncIterable<Task.StreamResult<string, number>>>();
    const r = null as unknown as Task.StreamResult<string, number>;
    if (r.type === "ok") expectTypeOf(r.value).toEqualTypeOf<string>();
    else expectTypeOf(r.input).toEqualTypeOf<number | undefined>();
    // @ts-expect-error onTimeout is "exit" or "kill_task"
    void Task.asyncStream([1], (n) => n, { onTimeout: "kill" });
    // @ts-expect-error the function takes an input of the iterable's type
    void Task.asyncStream([1], (s: string) => s);
  });
});

describe("Task.Supervisor", () => {
  it("async and asyncNolink resolve with a typed task", () => {
    expectTypeOf(Task.Supervisor.async("sup", () => 1)).toEqualTypeOf<Promise<Task.Task<number>>>();
    expectTypeOf(Task.Supervisor.asyncNolink("sup", async () => [1])).toEqualTypeOf<
      Promise<Task.Task<number[]>>
    >();
  });

  it("startChild, children and the streams", () => {
    expectTypeOf(Task.Supervisor.startLink({ maxChildren: 10 })).toEqualTypeOf<Promise<Pid>>();
    expectTypeOf(
      Task.Supervisor.startChild("sup", () => {}, { restart: "permanent" }),
    ).toEqualTypeOf<Promise<Pid>>();
    expectTypeOf(Task.Supervisor.children("sup")).toEqualTypeOf<Promise<Pid[]>>();
    expectTypeOf(
      Task.Supervisor.asyncStreamNolink("sup", ["a"], (s) => s.length, { shutdown: "brutal_kill" }),
    ).toEqualTypeOf<AsyncIterable<Task.StreamResult<number, string>>>();
    // @ts-expect-error shutdown is milliseconds or "brutal_kill"
    void Task.Supervisor.async("sup", () => 1, { shutdown: "soft" });
  });
});
