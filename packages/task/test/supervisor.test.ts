// Task.Supervisor (CONFORMANCE §7 items 1-11), and tasks on another node (§6 item 9,
// noconnection).
import {
  connectInMemory,
  createRuntime,
  DownMessage,
  downFor,
  exit,
  isAlive,
  isExit,
  monitor,
  NoProcessError,
  Pid,
  receive,
  Sys,
  self,
  send,
  sleep,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as Supervisor from "@trellis/supervisor";
import * as Task from "@trellis/task";
import { describe, expect, it } from "vitest";
import { forever, info, links, monitored, outside, queued } from "./support.js";

const ok = <T>(value: T) => ({ type: "ok", value });

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of stream) out.push(x);
  return out;
}

describe("Task.Supervisor.async (item 1)", () => {
  it("the task is a child of the supervisor, linked to the caller and monitored", () =>
    withRuntime(async () => {
      const sup = await Task.Supervisor.startLink();
      const task = await Task.Supervisor.async(sup, async () => {
        await receive((m) => m === "go");
        return "result";
      });
      expect(task.owner).toBe(self());
      expect(await Task.Supervisor.children(sup)).toEqual([task.pid]);
      expect(links()).toContain(task.pid);
      expect(monitored()).toContain(task.pid);
      send(task.pid as Pid, "go");
      const first = await receive((m) => Task.isTaskReply(m) || m instanceof DownMessage);
      const second = await receive((m) => Task.isTaskReply(m) || m instanceof DownMessage);
      expect(first).toMatchObject({ type: "task_reply", ref: task.ref, value: "result" });
      expect(second).toMatchObject({ type: "DOWN", ref: task.ref, reason: "normal" });
      await sleep(1);
      expect(await Task.Supervisor.children(sup)).toEqual([]);
    }));

  it("awaits like any task", () =>
    withRuntime(async () => {
      const sup = await Task.Supervisor.startLink();
      const task = await Task.Supervisor.async(sup, () => 21 * 2);
      expect(await Task.await(task)).toBe(42);
      expect(monitored()).toEqual([]);
      await refuteReceive();
    }));

  it("a crash kills the caller through the link", () =>
    withRuntime(async () => {
      const sup = await Task.Supervisor.startLink();
      const boom = new Error("supervised crash");
      const caller = await Task.start(async () => {
        await Task.Supervisor.async(sup, () => {
          throw boom;
        });
        await forever();
      });
      const ref = monitor(caller);
      const down = await assertReceive<DownMessage>(downFor(ref));
      expect(down.reason).toBe(boom);
    }));
});

describe("the go-ahead of a supervised task", () => {
  it("a task whose owner died before it could start exits quietly", () =>
    withRuntime(async () => {
      const sup = await Task.Supervisor.startLink();
      await Sys.suspend(sup);
      const caller = await Task.start(() => Task.Supervisor.async(sup, () => "never sent"));
      await sleep(1); // its request waits in the suspended supervisor's mailbox
      exit(caller, "kill");
      await Sys.resume(sup);
      await sleep(1);
      expect(await Task.Supervisor.children(sup)).toEqual([]);
      await expect(Task.Supervisor.async(sup, 1 as never)).rejects.toMatchObject({
        option: "fn",
      });
    }));
});

describe("Task.Supervisor.asyncNolink (item 2)", () => {
  it("is not linked; a crash shows only in await (TaskExitError) or yield", () =>
    withRuntime(async () => {
      const sup = await Task.Supervisor.startLink();
      const boom = new Error("nolink crash");
      const a = await Task.Supervisor.asyncNolink(sup, async () => {
        await sleep(10);
        throw boom;
      });
      expect(links()).not.toContain(a.pid);
      expect(monitored()).toContain(a.pid);
      const err = await Task.await(a).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Task.TaskExitError);
      expect(err).toMatchObject({ reason: boom, operation: { function: "await" } });
      const b = await Task.Supervisor.asyncNolink(sup, () => {
        throw boom;
      });
      expect(await Task.yield(b)).toEqual({ type: "exit", reason: boom });
      expect(queued()).toBe(0);
    }));

  it("the caller's crash does not stop it", () =>
    withRuntime(async () => {
      const me = self();
      const sup = await Task.Supervisor.startLink();
      await Task.start(async () => {
        const t = await Task.Supervisor.asyncNolink(sup, async () => {
          await sleep(50);
          send(me, "finished anyway");
        });
        send(me, t.pid);
        throw new Error("caller crash");
      });
      const pid = await assertReceive<Pid>((m) => m instanceof Object && "node" in m);
      expect(isAlive(pid)).toBe(true);
      await assertReceive((m) => m === "finished anyway");
    }));
});

describe("Task.Supervisor.startChild (items 3, 4)", () => {
  it("starts an unlinked child that sends no reply, temporary by default", () =>
    withRuntime(async () => {
      const me = self();
      const sup = await Task.Supervisor.startLink();
      const pid = await Task.Supervisor.startChild(sup, async () => {
        send(me, "running");
        await forever();
      });
      await assertReceive((m) => m === "running");
      expect(links()).not.toContain(pid);
      expect(await Task.Supervisor.children(sup)).toEqual([pid]);
      exit(pid, "kill");
      await sleep(1);
      expect(await Task.Supervisor.children(sup)).toEqual([]);
      await refuteReceive();
    }));

  it('restart: "permanent" is restarted after exiting shutdown', () =>
    withRuntime(async () => {
      const me = self();
      const sup = await Task.Supervisor.startLink();
      const first = await Task.Supervisor.startChild(
        sup,
        async () => {
          send(me, { started: self() });
          await forever();
        },
        { restart: "permanent" },
      );
      expect(await assertReceive()).toEqual({ started: first });
      exit(first, "shutdown");
      const { started } = await assertReceive<{ started: Pid }>();
      expect(started).not.toBe(first);
      expect(await Task.Supervisor.children(sup)).toEqual([started]);
    }));

  it("works outside process code too, and checks its options", () =>
    withRuntime(async () => {
      const me = self();
      const sup = await Task.Supervisor.startLink();
      const pid = await outside(() =>
        Task.Supervisor.startChild(sup, () => send(me, { callers: Task.callers() })),
      );
      expect(Pid.is(pid)).toBe(true);
      expect(await assertReceive()).toEqual({ callers: [] });
      await expect(
        Task.Supervisor.startChild(sup, () => 1, { restart: "sometimes" as never }),
      ).rejects.toMatchObject({ option: "restart", value: "sometimes" });
      await expect(
        Task.Supervisor.startChild(sup, () => 1, { shutdown: -1 }),
      ).rejects.toMatchObject({ option: "shutdown", value: -1 });
    }));
});

describe('shutdown: "brutal_kill" (item 5)', () => {
  it("the supervisor kills such tasks when it shuts down; others exit shutdown", () =>
    withRuntime(async () => {
      trapExit(true); // the linked async task's death reaches us as a message
      const sup = await Task.Supervisor.start();
      const brutal = { shutdown: "brutal_kill" } as const;
      const a = await Task.Supervisor.async(sup, forever, brutal);
      const b = await Task.Supervisor.asyncNolink(sup, forever, brutal);
      const c = await Task.Supervisor.startChild(sup, forever, brutal);
      const d = await Task.Supervisor.asyncNolink(sup, forever);
      const cRef = monitor(c);
      await DynamicSupervisor.stop(sup);
      expect(await Task.yield(a, 0)).toEqual({ type: "exit", reason: "killed" });
      expect(await Task.yield(b, 0)).toEqual({ type: "exit", reason: "killed" });
      expect((await receive(downFor(cRef))).reason).toBe("killed");
      expect(await Task.yield(d, 0)).toEqual({ type: "exit", reason: "shutdown" });
      expect(await receive(isExit)).toMatchObject({ from: a.pid, reason: "killed" });
    }));
});

describe("maxChildren (item 6)", () => {
  it("async and asyncNolink reject with ChildError max_children", () =>
    withRuntime(async () => {
      const sup = await Task.Supervisor.startLink({ maxChildren: 1 });
      const running = await Task.Supervisor.async(sup, forever);
      const err = await Task.Supervisor.async(sup, forever).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Supervisor.ChildError);
      expect(err).toMatchObject({ reason: "max_children" });
      expect((err as Error).message).toMatch(/^Task\.Supervisor\.async: max_children/);
      await expect(Task.Supervisor.asyncNolink(sup, forever)).rejects.toMatchObject({
        reason: "max_children",
      });
      await expect(Task.Supervisor.startChild(sup, forever)).rejects.toMatchObject({
        reason: "max_children",
      });
      expect(links()).toEqual([sup, running.pid]);
      await Task.shutdown(running);
    }));
});

describe("terminateChild (item 7)", () => {
  it("stops the child, then reports not_found", () =>
    withRuntime(async () => {
      const sup = await Task.Supervisor.startLink();
      const pid = await Task.Supervisor.startChild(sup, forever);
      await Task.Supervisor.terminateChild(sup, pid);
      expect(isAlive(pid)).toBe(false);
      await expect(Task.Supervisor.terminateChild(sup, pid)).rejects.toMatchObject({
        reason: "not_found",
      });
    }));
});

describe("callers and ancestors (item 8)", () => {
  it("inside a supervised task: callers [caller], ancestors [sup, its parent]", () =>
    withRuntime(async () => {
      const me = self();
      const sup = await Task.Supervisor.startLink();
      const task = await Task.Supervisor.async(sup, () => ({
        callers: Task.callers(),
        ancestors: Task.ancestors(),
      }));
      expect(await Task.await(task)).toEqual({ callers: [me], ancestors: [sup, me] });
      const pid = await Task.Supervisor.startChild(sup, async () => {
        send(me, { callers: Task.callers(), ancestors: Task.ancestors() });
        await forever();
      });
      expect(await assertReceive()).toEqual({ callers: [me], ancestors: [sup, me] });
      expect(Task.callers(pid)).toEqual([me]);
      expect(Task.ancestors(pid)).toEqual([sup, me]);
    }));
});

describe("Task.Supervisor.asyncStream / asyncStreamNolink (items 9, 10)", () => {
  const sleepThenReturn = async (ms: number): Promise<number> => {
    await sleep(ms);
    return ms;
  };

  it("follow the same ordering and timeout rules", () =>
    withRuntime(async () => {
      const sup = await Task.Supervisor.startLink();
      expect(
        await collect(
          Task.Supervisor.asyncStream(sup, [30, 10, 20], sleepThenReturn, { maxConcurrency: 3 }),
        ),
      ).toEqual([ok(30), ok(10), ok(20)]);
      expect(
        await collect(
          Task.Supervisor.asyncStreamNolink(sup, [30, 10, 20], sleepThenReturn, {
            maxConcurrency: 3,
            ordered: false,
          }),
        ),
      ).toEqual([ok(10), ok(20), ok(30)]);
      expect(
        await collect(
          Task.Supervisor.asyncStream(sup, [10, 500], sleepThenReturn, {
            timeout: 100,
            onTimeout: "kill_task",
            zipInputOnExit: true,
          }),
        ),
      ).toEqual([ok(10), { type: "exit", reason: "timeout", input: 500 }]);
      expect(await Task.Supervisor.children(sup)).toEqual([]);
      expect(links()).toEqual([sup]);
      expect(queued()).toBe(0);
    }));

  it("the nolink stream turns a crash into an exit element without trapping", () =>
    withRuntime(async () => {
      const sup = await Task.Supervisor.startLink();
      const boom = new Error("element crash");
      const stream = Task.Supervisor.asyncStreamNolink(
        sup,
        [1, 2, 3],
        (n) => {
          if (n === 2) throw boom;
          return n;
        },
        { zipInputOnExit: true },
      );
      expect(await collect(stream)).toEqual([
        ok(1),
        { type: "exit", reason: boom, input: 2 },
        ok(3),
      ]);
      expect(queued()).toBe(0);
    }));

  for (const variant of ["asyncStream", "asyncStreamNolink"] as const) {
    it(`${variant}: after stopping early, the caller's links are exactly [sup], no message leaks`, () =>
      withRuntime(async () => {
        const sup = await Task.Supervisor.startLink();
        const stream = Task.Supervisor[variant](
          sup,
          [1, 2, 3, 4],
          async (n) => {
            if (n > 1) await forever();
            return n;
          },
          { maxConcurrency: 4 },
        );
        for await (const r of stream) {
          expect(r).toEqual(ok(1));
          break;
        }
        expect(links()).toEqual([sup]);
        expect(monitored()).toEqual([]);
        await sleep(1);
        expect(await Task.Supervisor.children(sup)).toEqual([]);
        expect(queued()).toBe(0);
      }));
  }

  it("maxChildren reached mid-stream: rejects, and cleans up links and messages", () =>
    withRuntime(async () => {
      const sup = await Task.Supervisor.startLink({ maxChildren: 2 });
      const stream = Task.Supervisor.asyncStream(sup, [1, 2, 3, 4], () => forever(), {
        maxConcurrency: 4,
      });
      const err = await collect(stream).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Supervisor.ChildError);
      expect(err).toMatchObject({ reason: "max_children" });
      expect((err as Error).message).toContain("Task.Supervisor.asyncStream");
      expect(links()).toEqual([sup]);
      expect(monitored()).toEqual([]);
      await sleep(1);
      expect(await Task.Supervisor.children(sup)).toEqual([]);
      expect(queued()).toBe(0);
    }));

  it("an invalid shutdown is rejected at once", () =>
    withRuntime(async () => {
      const sup = await Task.Supervisor.startLink();
      for (const f of [Task.Supervisor.asyncStream, Task.Supervisor.asyncStreamNolink]) {
        expect(() => f(sup, [1], (n) => n, { shutdown: -1 })).toThrow(
          /shutdown must be a number of milliseconds >= 0, Infinity, or "brutal_kill", got -1/,
        );
      }
      await expect(
        Task.Supervisor.async(sup, () => 1, { shutdown: "soft" as never }),
      ).rejects.toMatchObject({
        option: "shutdown",
        value: "soft",
      });
    }));
});

describe("an empty supervisor (item 11)", () => {
  it("has no children", () =>
    withRuntime(async () => {
      const sup = await Task.Supervisor.startLink();
      expect(await Task.Supervisor.children(sup)).toEqual([]);
      expect(await DynamicSupervisor.countChildren(sup)).toEqual({
        active: 0,
        specs: 0,
        supervisors: 0,
        workers: 0,
      });
      expect(await Supervisor.countChildren(sup)).toEqual({
        active: 0,
        specs: 0,
        supervisors: 0,
        workers: 0,
      });
    }));
});

describe("starting and naming", () => {
  it("registers a name; childSpec runs it under a Supervisor", () =>
    withRuntime(async () => {
      const app = await Supervisor.startLink([Task.Supervisor.childSpec({ name: "jobs" })], {
        strategy: "one_for_one",
      });
      // BEAM (Elixir 1.14): the id of {Task.Supervisor, name: Foo} is Foo, else Task.Supervisor
      expect(await Supervisor.whichChildren(app)).toMatchObject([
        { id: "jobs", type: "supervisor" },
      ]);
      expect(Task.Supervisor.childSpec().id).toBe("Task.Supervisor");
      await Supervisor.startChild(app, Task.Supervisor.childSpec({ name: "more_jobs" }));
      expect((await Supervisor.whichChildren(app)).map((c) => c.id).sort()).toEqual([
        "jobs",
        "more_jobs",
      ]);
      const task = await Task.Supervisor.async("jobs", () => "named");
      expect(await Task.await(task)).toBe("named");
      expect(Task.Supervisor.childSpec({ id: "other", maxChildren: 5 })).toMatchObject({
        id: "other",
        type: "supervisor",
        shutdown: Number.POSITIVE_INFINITY,
      });
    }));

  it("rejects for a supervisor that does not exist", () =>
    withRuntime(async () => {
      await expect(Task.Supervisor.async("nobody", () => 1)).rejects.toBeInstanceOf(NoProcessError);
      expect(info().links).toEqual([]);
    }));
});

describe("tasks on another node (§6 item 9: noconnection)", () => {
  it("a lost connection is { nodedown: node } for await, yield and shutdown", () =>
    withRuntime(
      async ({ runtime, clock }) => {
        trapExit(true); // the links to the remote tasks break with "noconnection"
        const other = createRuntime({ clock, node: "b@host", logger: { log: () => {} } });
        const connection = connectInMemory(runtime, other);
        try {
          const sup = await other.run(() => Task.Supervisor.start());
          const remote = await Task.Supervisor.async(sup, () => "from b");
          expect(remote.pid?.node).toBe("b@host");
          expect(await Task.await(remote)).toBe("from b");
          const tasks: Task.Task[] = [];
          for (let i = 0; i < 4; i++) tasks.push(await Task.Supervisor.async(sup, forever));
          const [a, b, c, d] = tasks as [Task.Task, Task.Task, Task.Task, Task.Task];
          connection.disconnect();
          const nodedown = { reason: { nodedown: "b@host" } };
          await expect(Task.await(a)).rejects.toMatchObject(nodedown);
          await expect(Task.yield(b, 0)).rejects.toMatchObject(nodedown);
          await expect(Task.shutdown(c)).rejects.toMatchObject({
            ...nodedown,
            operation: { function: "shutdown" },
          });
          await expect(Task.ignore(d)).rejects.toMatchObject(nodedown);
          expect(monitored()).toEqual([]);
        } finally {
          await other.shutdown();
        }
      },
      { node: "a@host" },
    ));
});
