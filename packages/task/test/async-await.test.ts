// Task.async / Task.await, owners, failures, completed, start, callers, links
// (CONFORMANCE §6 items 1-5, 12-14, 21, 22).
import {
  abortSignal,
  BadArgumentError,
  DownMessage,
  downFor,
  type ExitError,
  exit,
  getProcessData,
  isExit,
  monitor,
  NotInProcessError,
  type Pid,
  putProcessData,
  receive,
  self,
  send,
  sleep,
  spawn,
  spawnMonitor,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import * as Task from "@trellis/task";
import { describe, expect, it } from "vitest";
import { forever, links, monitored, outside, queued } from "./support.js";

describe("Task.async (item 1)", () => {
  it("returns a task owned by the caller, linked to it and monitored by it", () =>
    withRuntime(async () => {
      const task = Task.async(() => 42);
      expect(task).toBeInstanceOf(Task.Task);
      expect(task.owner).toBe(self());
      expect(task.pid).toBeDefined();
      expect(links()).toContain(task.pid);
      expect(monitored()).toContain(task.pid);
      await Task.await(task);
    }));

  it("sends the reply first, then the DOWN with reason normal", () =>
    withRuntime(async () => {
      const task = Task.async(() => "hello");
      const first = await receive();
      const second = await receive();
      expect(Task.isTaskReply(first)).toBe(true);
      expect(first).toMatchObject({ type: "task_reply", ref: task.ref, value: "hello" });
      expect(second).toBeInstanceOf(DownMessage);
      expect(second).toMatchObject({ ref: task.ref, pid: task.pid, reason: "normal" });
    }));

  it("awaits an async function's result", () =>
    withRuntime(async () => {
      const task = Task.async(async () => {
        await sleep(10);
        return { n: 1 };
      });
      expect(await Task.await(task)).toEqual({ n: 1 });
    }));

  it("needs a process to reply to", () => {
    expect(() => Task.async(() => 1)).toThrow(NotInProcessError);
  });

  it("rejects a non-function", () =>
    withRuntime(() => {
      expect(() => Task.async(42 as never)).toThrow(BadArgumentError);
    }));
});

describe("Task.await (item 2)", () => {
  it("returns the result and consumes both the reply and the DOWN", () =>
    withRuntime(async () => {
      const task = Task.async(() => 1 + 1);
      await sleep(1); // let the task finish: reply and DOWN are both queued
      expect(queued()).toBe(2);
      expect(await Task.await(task)).toBe(2);
      expect(queued()).toBe(0);
      expect(monitored()).toEqual([]);
      await refuteReceive();
    }));

  it("also when the DOWN has not arrived yet", () =>
    withRuntime(async () => {
      const task = Task.async(async () => {
        await sleep(5);
        return "late";
      });
      expect(await Task.await(task)).toBe("late");
      expect(monitored()).toEqual([]);
      await refuteReceive();
    }));

  it("rejects awaiting the same task twice", () =>
    withRuntime(async () => {
      const task = Task.async(() => 1);
      await Task.await(task);
      const err = await Task.await(task).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Task.AlreadyAwaitedError);
      expect((err as Task.AlreadyAwaitedError).task).toBe(task.pid);
      await expect(Task.yield(task, 0)).rejects.toBeInstanceOf(Task.AlreadyAwaitedError);
    }));

  it("rejects a bad timeout or a non-task", () =>
    withRuntime(async () => {
      const task = Task.async(() => 1);
      const err = await Task.await(task, -1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Task.TaskOptionError);
      expect(err).toMatchObject({ option: "timeout", value: -1 });
      expect((err as Error).message).toContain("Task.await: timeout must be");
      await expect(Task.await(task, Number.NaN)).rejects.toBeInstanceOf(Task.TaskOptionError);
      await expect(Task.await({ pid: task.pid } as never)).rejects.toBeInstanceOf(BadArgumentError);
      expect(await Task.await(task, Number.POSITIVE_INFINITY)).toBe(1);
    }));
});

describe("concurrent waits in one process", () => {
  // On the BEAM a process waits in one receive at a time; Task.await_many is the way to wait
  // for several tasks. Promise.all over Task.await is refused at once, deterministically.
  it("Promise.all over Task.await rejects at once naming Task.awaitMany, whatever has arrived", () =>
    withRuntime(async () => {
      const a = Task.async(() => "a");
      const b = Task.async(() => "b");
      await sleep(1); // both replies are in the mailbox already
      const both = Promise.all([Task.await(a), Task.await(b)]);
      const err = await both.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Task.ConcurrentWaitError);
      expect((err as Error).message).toMatch(/Task\.awaitMany/);
      expect((err as Task.ConcurrentWaitError).pid).toBe(self());
      // the first wait went on and took a's reply; b is untouched
      expect(await Task.awaitMany([b])).toEqual(["b"]);
      await expect(Task.await(a)).rejects.toBeInstanceOf(Task.AlreadyAwaitedError);
    }));

  it("also while the tasks are still running, and for yield, awaitMany and yieldMany", () =>
    withRuntime(async () => {
      const slow = (v: string) =>
        Task.async(async () => {
          await sleep(10);
          return v;
        });
      const [a, b, c] = [slow("a"), slow("b"), slow("c")];
      const first = Task.await(a);
      await expect(Task.yield(b)).rejects.toBeInstanceOf(Task.ConcurrentWaitError);
      await expect(Task.awaitMany([b, c])).rejects.toBeInstanceOf(Task.ConcurrentWaitError);
      await expect(Task.yieldMany([b, c])).rejects.toBeInstanceOf(Task.ConcurrentWaitError);
      expect(await first).toBe("a");
      // one after the other is fine
      expect(await Task.awaitMany([b, c])).toEqual(["b", "c"]);
    }));
});

describe("an await timeout (item 3)", () => {
  it("rejects with TaskTimeoutError; caught, no late reply or DOWN ever arrives", () =>
    withRuntime(async ({ clock }) => {
      const task = Task.async(async () => {
        await sleep(1000);
        return "too late";
      });
      const err = await Task.await(task, 100).catch((e: unknown) => e);
      expect(clock.now()).toBe(100);
      expect(err).toBeInstanceOf(Task.TaskTimeoutError);
      expect(err).toMatchObject({
        code: "timeout",
        reason: "timeout",
        operation: { module: "Task", function: "await", args: [task, 100] },
      });
      expect((err as ExitError).exitReason).toBe(err);
      expect(monitored()).toEqual([]);
      await sleep(2000); // the task has replied and exited meanwhile
      expect(clock.now()).toBe(2100);
      expect(queued()).toBe(0);
      await refuteReceive();
    }));

  it("a reply sent in the instant of the timeout is dropped too", () =>
    withRuntime(async () => {
      // the task's result is the promise its own timer resolves: it replies at once
      const task = Task.async(() => receive(() => false, { timeout: 100 }));
      await sleep(1); // the task arms its timer (due at 100) before the await arms its own
      await expect(Task.await(task, 99)).rejects.toBeInstanceOf(Task.TaskTimeoutError);
      expect(queued()).toBe(0);
      await sleep(10);
      expect(queued()).toBe(0);
    }));

  it("uncaught, crashes the caller, and the linked task dies with it", () =>
    withRuntime(async () => {
      const me = self();
      const [caller, callerRef] = spawnMonitor(async () => {
        const task = Task.async(forever);
        send(me, task.pid);
        await Task.await(task, 100);
      });
      const taskPid = await assertReceive<Pid>((m) => m instanceof Object && "node" in m);
      const taskRef = monitor(taskPid);
      const down = await assertReceive<DownMessage>(downFor(callerRef), { timeout: 200 });
      expect(down.pid).toBe(caller);
      expect(down.reason).toBeInstanceOf(Task.TaskTimeoutError);
      const taskDown = await assertReceive<DownMessage>(downFor(taskRef));
      expect(taskDown.reason).toBe(down.reason);
    }));
});

describe("a task that dies (item 4)", () => {
  it("exiting normal before replying: await rejects with reason normal", () =>
    withRuntime(async () => {
      trapExit(true);
      const task = Task.async(() => exit("normal"));
      const err = await Task.await(task).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Task.TaskExitError);
      expect(err).toMatchObject({
        reason: "normal",
        operation: { module: "Task", function: "await", args: [task, 5000] },
      });
      // the EXIT of a linked task stays for a process that traps exits, as in Elixir
      expect(await assertReceive(isExit)).toMatchObject({ from: task.pid, reason: "normal" });
    }));

  it("throwing an Error: the reason is the Error itself", () =>
    withRuntime(async () => {
      trapExit(true);
      const boom = new Error("boom");
      const task = Task.async(() => {
        throw boom;
      });
      const err = await Task.await(task).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Task.TaskExitError);
      expect((err as Task.TaskExitError).reason).toBe(boom);
      expect((err as Error).message).toContain("boom");
    }));

  it("throwing a non-Error: { nocatch: value }", () =>
    withRuntime(async () => {
      trapExit(true);
      const task = Task.async(() => {
        throw "oops";
      });
      await expect(Task.await(task)).rejects.toMatchObject({ reason: { nocatch: "oops" } });
    }));

  it("a rejected promise and an exit with any reason come through unchanged", () =>
    withRuntime(async () => {
      trapExit(true);
      const a = Task.async(async () => {
        await sleep(1);
        throw new TypeError("async boom");
      });
      await expect(Task.await(a)).rejects.toMatchObject({ reason: { message: "async boom" } });
      const b = Task.async(() => exit({ custom: [1, 2] }));
      await expect(Task.await(b)).rejects.toMatchObject({ reason: { custom: [1, 2] } });
    }));

  // BEAM (Elixir 1.14): `Task.start(fn -> exit(:task_boom) end)` logs "Task #PID<…> started
  // from #PID<…> terminating ** (stop) :task_boom", while a plain spawn's exit logs nothing.
  it("exit(reason) is reported once, as the task's own crash report; a quiet exit is not", () =>
    withRuntime(async ({ logs }) => {
      trapExit(true);
      const boom = Task.async(() => exit("task_boom"));
      await expect(Task.await(boom)).rejects.toMatchObject({ reason: "task_boom" });
      const quiet = Task.async(async () => {
        await sleep(1);
        exit("shutdown");
      });
      await expect(Task.await(quiet)).rejects.toMatchObject({ reason: "shutdown" });
      const started = await Task.start(async () => {
        await sleep(1);
        exit({ custom: 1 });
      });
      const ref = monitor(started);
      await assertReceive(downFor(ref));
      const crashes = logs.filter((r) => r.kind === "crash");
      expect(crashes.map((r) => [r.pid, r.reason, r.behaviour])).toEqual([
        [boom.pid, "task_boom", "Task"],
        [started, { custom: 1 }, "Task"],
      ]);
      expect(crashes[0]?.message).toMatch(/^Task <.*> started from <.*> terminating: "?task_boom/);
    }));

  it("exiting shutdown: the caller would stop quietly with { shutdown: error }", () =>
    withRuntime(async () => {
      trapExit(true);
      const task = Task.async(() => exit("shutdown"));
      const err = (await Task.await(task).catch((e: unknown) => e)) as Task.TaskExitError;
      expect(err.reason).toBe("shutdown");
      expect(err.exitReason).toEqual({ shutdown: err });
    }));
});

describe("the owner rule (item 5)", () => {
  it("await, yield, shutdown and ignore from another process reject with NotOwnerError", () =>
    withRuntime(async () => {
      const me = self();
      const task = Task.async(forever);
      spawn(async () => {
        const errors: unknown[] = [];
        for (const f of [
          () => Task.await(task),
          () => Task.yield(task, 0),
          () => Task.shutdown(task),
          () => Task.ignore(task),
          () => Task.awaitMany([task]),
          () => Task.yieldMany([task], 0),
        ]) {
          errors.push(await f().catch((e: unknown) => e));
        }
        send(me, { errors, from: self() });
      });
      const { errors, from } = await assertReceive<{ errors: unknown[]; from: Pid }>(
        (m) => typeof m === "object" && m !== null && "errors" in m,
      );
      expect(errors).toHaveLength(6);
      for (const err of errors) {
        expect(err).toBeInstanceOf(Task.NotOwnerError);
        expect(err).toMatchObject({ task: task.pid, owner: me, caller: from, code: "badarg" });
        expect((err as Error).message).toContain(
          `must be queried from its owner ${me}, but was queried from ${from}`,
        );
      }
      expect((errors[0] as Error).message).toMatch(/^Task\.await: the task <0\.\d+\.0>/);
      expect(await Task.shutdown(task, "brutal_kill")).toBeNull();
    }));
});

describe("Task.completed (item 12)", () => {
  it("has no pid, and await returns its value", () =>
    withRuntime(async () => {
      const task = Task.completed({ cached: true });
      expect(task.pid).toBeUndefined();
      expect(task.owner).toBe(self());
      expect(await Task.await(task)).toEqual({ cached: true });
      await expect(Task.await(task)).rejects.toBeInstanceOf(Task.AlreadyAwaitedError);
      expect(await Task.yield(Task.completed(1))).toEqual({ type: "ok", value: 1 });
      expect(await Task.ignore(Task.completed(2))).toEqual({ type: "ok", value: 2 });
      await expect(Task.shutdown(Task.completed(3))).rejects.toThrow(/has no process/);
      expect(await Task.awaitMany([Task.completed("a"), Task.async(() => "b")])).toEqual([
        "a",
        "b",
      ]);
      await refuteReceive();
    }));
});

describe("Task.start and Task.startLink (item 13)", () => {
  it("start works outside process code too (in the default runtime)", () =>
    withRuntime(async () => {
      let seen: unknown;
      const pid = await outside(() =>
        Task.start(() => {
          seen = Task.callers();
        }),
      );
      expect(pid.node).toBe("nonode@nohost");
      for (let i = 0; i < 3 && seen === undefined; i++) await outside(() => undefined);
      expect(seen).toEqual([]);
    }));

  it("start: an unlinked process, no reply", () =>
    withRuntime(async () => {
      const me = self();
      const pid = await Task.start(() => send(me, "ran"));
      expect(links()).not.toContain(pid);
      await assertReceive((m) => m === "ran");
      await refuteReceive();
    }));

  it("startLink: a linked process, no reply", () =>
    withRuntime(async () => {
      const me = self();
      const pid = await Task.startLink(async () => {
        await receive((m) => m === "go");
        send(me, "ran");
      });
      expect(links()).toContain(pid);
      send(pid, "go");
      await assertReceive((m) => m === "ran");
      await refuteReceive();
    }));

  it("startLink needs a process; both reject a non-function", () =>
    withRuntime(async () => {
      await expect(Task.start(1 as never)).rejects.toBeInstanceOf(BadArgumentError);
      await expect(Task.startLink(null as never)).rejects.toBeInstanceOf(BadArgumentError);
    }).then(() => expect(Task.startLink(() => 1)).rejects.toBeInstanceOf(NotInProcessError)));
});

describe("callers and ancestors (item 14)", () => {
  it("the chain is in the task's process dictionary, visible in processInfo (issue item 7)", () =>
    withRuntime(async ({ runtime }) => {
      const me = self();
      const outer = Task.async(async () => {
        const outerPid = self();
        const inner = Task.async(async () => {
          send(outerPid, "started");
          await receive((m) => m === "go");
          return null;
        });
        await receive((m) => m === "started");
        const seen = runtime.processInfo(inner.pid as Pid)?.dictionary;
        send(inner.pid as Pid, "go");
        await Task.await(inner);
        return { mine: self(), seen };
      });
      const r = await Task.await(outer);
      expect(r.seen?.["$callers"]).toEqual([r.mine, me]);
      expect(r.seen?.["$ancestors"]).toEqual([r.mine, me]);
    }));

  // BEAM (Elixir 1.14): a plain process that did Process.put(:"$callers", [test]) starts a
  // task; in the task, Process.get(:"$callers") == [that process, test].
  it("a task started by a plain process prepends it to that process's own $callers", () =>
    withRuntime(async () => {
      const me = self();
      const plain = spawn(async () => {
        putProcessData("$callers", [me]);
        const t = Task.async(() => ({ dict: getProcessData("$callers"), fn: Task.callers() }));
        send(me, { got: await Task.await(t), from: self() });
      });
      const { got, from } = await assertReceive(
        (m): m is { got: { dict: unknown; fn: Pid[] }; from: Pid } =>
          typeof m === "object" && m !== null && "got" in m,
      );
      expect(from).toBe(plain);
      expect(got.dict).toEqual([plain, me]);
      expect(got.fn).toEqual([plain, me]);
      // Task.callers reads any process's dictionary, and is empty without one
      putProcessData("$callers", [plain]);
      expect(Task.callers()).toEqual([plain]);
      putProcessData("$callers", undefined);
      expect(Task.callers()).toEqual([]);
    }));

  // BEAM: `$callers` is read when Task.async runs, not when the task starts: a caller that
  // changes its own `$callers` before the queued task runs does not change the task's.
  it("takes the caller's $callers as they were at Task.async, not at the task's start", () =>
    withRuntime(async () => {
      const me = self();
      const other = spawn(forever);
      const none = Task.async(() => Task.callers());
      putProcessData("$callers", [other]);
      const some = Task.async(() => Task.callers());
      // both run now, while the caller's $callers is [other]
      expect(await Task.await(none)).toEqual([me]);
      putProcessData("$callers", undefined);
      expect(await Task.await(some)).toEqual([me, other]);
      exit(other, "kill");
    }));

  it("keeps working after many tasks were killed (their entries are swept)", () =>
    withRuntime(async () => {
      const me = self();
      for (let batch = 0; batch < 2; batch++) {
        const tasks = Array.from({ length: 600 }, () => Task.async(forever));
        for (const t of tasks) await Task.shutdown(t, "brutal_kill");
      }
      const t = Task.async(() => Task.callers());
      expect(await Task.await(t)).toEqual([me]);
    }));

  it("a task sees the chain of its callers, nearest first", () =>
    withRuntime(async () => {
      const me = self();
      const outer = Task.async(async () => {
        const inner = Task.async(() => ({ callers: Task.callers(), ancestors: Task.ancestors() }));
        return { mine: self(), inner: await Task.await(inner), callers: Task.callers() };
      });
      const r = await Task.await(outer);
      expect(r.callers).toEqual([me]);
      expect(r.inner.callers).toEqual([r.mine, me]);
      expect(r.inner.ancestors).toEqual([r.mine, me]);
      expect(Task.callers()).toEqual([]); // the test process is no task
      expect(Task.callers(outer.pid)).toEqual([]); // a task that has returned keeps nothing
      const live = Task.async(async () => {
        send(me, "running");
        await forever();
      });
      // the task publishes its $callers when it starts running, as in Elixir
      await assertReceive((m) => m === "running");
      expect(Task.callers(live.pid)).toEqual([me]);
      expect(Task.ancestors(live.pid)).toEqual([me]);
      await Task.shutdown(live);
    }));

  it("start and startLink record the caller too", () =>
    withRuntime(async () => {
      const me = self();
      const pid = await Task.startLink(async () => {
        send(me, Task.callers());
        await forever();
      });
      expect(await assertReceive()).toEqual([me]);
      expect(Task.ancestors(pid)).toEqual([me]);
    }));
});

describe("childSpec (item 21)", () => {
  it("is temporary, with the id Task, and runs the function under a supervisor", () =>
    withRuntime(async () => {
      const me = self();
      const spec = Task.childSpec(() => send(me, "started by the supervisor"));
      expect(spec).toMatchObject({ id: "Task", restart: "temporary", shutdown: 5000 });
      expect(Task.childSpec(() => 1, { id: "x", restart: "transient" })).toMatchObject({
        id: "x",
        restart: "transient",
      });
      const sup = await Supervisor.startLink([spec], { strategy: "one_for_one" });
      await assertReceive((m) => m === "started by the supervisor");
      await sleep(1);
      // temporary: it has finished and is gone, not restarted
      expect(await Supervisor.whichChildren(sup)).toEqual([]);
    }));
});

describe("links both ways (item 22)", () => {
  it("a crashing task kills its owner with the same reason", () =>
    withRuntime(async () => {
      const boom = new Error("task crash");
      const [, ref] = spawnMonitor(async () => {
        Task.async(() => {
          throw boom;
        });
        await forever();
      });
      const down = await assertReceive<DownMessage>(downFor(ref));
      expect(down.reason).toBe(boom);
    }));

  it("a crashing owner kills its tasks with the same reason", () =>
    withRuntime(async () => {
      const me = self();
      const boom = new Error("owner crash");
      spawn(async () => {
        const task = Task.async(forever);
        send(me, { owner: self(), task: task.pid });
        await receive((m) => m === "crash");
        throw boom;
      });
      const { owner, task } = await assertReceive<{ owner: Pid; task: Pid }>();
      const ref = monitor(task);
      send(owner, "crash");
      const down = await assertReceive<DownMessage>(downFor(ref));
      expect(down.reason).toBe(boom);
    }));

  it("an owner that traps exits survives and gets the reason from await", () =>
    withRuntime(async () => {
      trapExit(true);
      const boom = new Error("trapped");
      const task = Task.async(() => {
        throw boom;
      });
      await expect(Task.await(task)).rejects.toMatchObject({ reason: boom });
      expect(await assertReceive(isExit)).toMatchObject({ from: task.pid, reason: boom });
    }));

  it("the task's AbortSignal aborts when its owner's crash kills it (issue item 6)", () =>
    withRuntime(async () => {
      const me = self();
      const owner = spawn(async () => {
        Task.async(async () => {
          abortSignal().addEventListener("abort", () => send(me, "aborted"));
          send(me, "listening");
          await forever();
        });
        await receive((m) => m === "crash");
        throw new Error("owner crash");
      });
      await assertReceive((m) => m === "listening");
      send(owner, "crash");
      await assertReceive((m) => m === "aborted");
    }));
});
