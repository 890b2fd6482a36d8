// Task.asyncStream (CONFORMANCE §6 items 15-20).
import { availableParallelism } from "node:os";
import {
  type DownMessage,
  downFor,
  exit,
  isAlive,
  type Pid,
  receive,
  self,
  send,
  sleep,
  spawn,
  spawnMonitor,
  TIMEOUT,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as Task from "@trellis/task";
import { describe, expect, it } from "vitest";
import { forever, links, monitored, queued } from "./support.js";

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of stream) out.push(x);
  return out;
}

const sleepThenReturn = async (ms: number): Promise<number> => {
  await sleep(ms);
  return ms;
};

const ok = <T>(value: T) => ({ type: "ok", value });

describe("ordering (item 15)", () => {
  it("comes out in input order by default, even when later tasks finish first", () =>
    withRuntime(async ({ clock }) => {
      const stream = Task.asyncStream([30, 10, 20], sleepThenReturn, { maxConcurrency: 3 });
      expect(await collect(stream)).toEqual([ok(30), ok(10), ok(20)]);
      expect(clock.now()).toBe(30);
    }));

  it("comes out in completion order with ordered: false", () =>
    withRuntime(async () => {
      const stream = Task.asyncStream([30, 10, 20], sleepThenReturn, {
        maxConcurrency: 3,
        ordered: false,
      });
      expect(await collect(stream)).toEqual([ok(10), ok(20), ok(30)]);
    }));

  it("with maxConcurrency 1, even unordered results follow input order", () =>
    withRuntime(async ({ clock }) => {
      const stream = Task.asyncStream([30, 10, 20], sleepThenReturn, {
        maxConcurrency: 1,
        ordered: false,
      });
      expect(await collect(stream)).toEqual([ok(30), ok(10), ok(20)]);
      expect(clock.now()).toBe(60);
    }));

  it("runs at most maxConcurrency tasks at a time (default: the number of cores)", () =>
    withRuntime(async () => {
      let running = 0;
      let peak = 0;
      const work = async (): Promise<void> => {
        peak = Math.max(peak, ++running);
        await sleep(10);
        running--;
      };
      await collect(
        Task.asyncStream(
          Array.from({ length: 20 }, (_, i) => i),
          work,
          { maxConcurrency: 4 },
        ),
      );
      expect(peak).toBe(4);
      peak = 0;
      await collect(
        Task.asyncStream(
          Array.from({ length: 40 }, (_, i) => i),
          work,
        ),
      );
      expect(peak).toBe(Math.min(40, availableParallelism()));
    }));

  it("accepts an async iterable, and a string", () =>
    withRuntime(async () => {
      async function* numbers(): AsyncGenerator<number> {
        for (let i = 1; i <= 3; i++) {
          await sleep(5);
          yield i;
        }
      }
      expect(await collect(Task.asyncStream(numbers(), (n) => n * 2))).toEqual([
        ok(2),
        ok(4),
        ok(6),
      ]);
      expect(await collect(Task.asyncStream("ab", (c) => c.toUpperCase()))).toEqual([
        ok("A"),
        ok("B"),
      ]);
    }));
});

describe("elements (item 16)", () => {
  it("a crash is an exit element when the consumer traps exits", () =>
    withRuntime(async () => {
      trapExit(true);
      const boom = new Error("three");
      const stream = Task.asyncStream([1, 2, 3, 4], (n) => {
        if (n === 3) throw boom;
        return n;
      });
      expect(await collect(stream)).toEqual([ok(1), ok(2), { type: "exit", reason: boom }, ok(4)]);
      // the task's EXIT has been consumed along with its DOWN
      expect(queued()).toBe(0);
      expect(links()).toEqual([]);
      expect(monitored()).toEqual([]);
    }));

  it("zipInputOnExit adds the input to exit elements", () =>
    withRuntime(async () => {
      trapExit(true);
      const stream = Task.asyncStream(["a", "b"], (s) => (s === "b" ? exit("bad") : s), {
        zipInputOnExit: true,
      });
      expect(await collect(stream)).toEqual([ok("a"), { type: "exit", reason: "bad", input: "b" }]);
    }));

  it("a task exiting normal before replying is an exit element even without trapping", () =>
    withRuntime(async () => {
      const stream = Task.asyncStream([1, 2], (n) => (n === 1 ? exit("normal") : n));
      expect(await collect(stream)).toEqual([{ type: "exit", reason: "normal" }, ok(2)]);
      expect(queued()).toBe(0);
    }));

  it("without trapping, a crash takes the consumer down with the same reason", () =>
    withRuntime(async () => {
      const boom = new Error("boom");
      const [, ref] = spawnMonitor(async () => {
        for await (const _ of Task.asyncStream([1], () => {
          throw boom;
        })) {
          // never reached
        }
      });
      const down = await assertReceive<DownMessage>(downFor(ref));
      expect(down.reason).toBe(boom);
    }));
});

describe("per-task timeout (item 17)", () => {
  it('onTimeout "exit" (default, 5000 ms): the iteration rejects, nothing is left', () =>
    withRuntime(async ({ clock }) => {
      const stream = Task.asyncStream([100, 6000, 200], sleepThenReturn, { maxConcurrency: 3 });
      const seen: unknown[] = [];
      const err = await (async () => {
        for await (const r of stream) seen.push(r);
      })().catch((e: unknown) => e);
      expect(seen).toEqual([ok(100)]);
      expect(clock.now()).toBe(5000);
      expect(err).toBeInstanceOf(Task.TaskTimeoutError);
      expect(err).toMatchObject({
        reason: "timeout",
        operation: { module: "Task", function: "asyncStream", args: [5000] },
      });
      expect(links()).toEqual([]);
      expect(monitored()).toEqual([]);
      await sleep(2000);
      expect(queued()).toBe(0);
    }));

  it("uncaught, the timeout crashes the consumer", () =>
    withRuntime(async () => {
      const [, ref] = spawnMonitor(async () => {
        for await (const _ of Task.asyncStream([1], () => forever(), { timeout: 50 })) {
          // never reached
        }
      });
      const down = await assertReceive<DownMessage>(downFor(ref));
      expect(down.reason).toBeInstanceOf(Task.TaskTimeoutError);
    }));

  it('onTimeout "kill_task": the late task is killed and its element is { exit: timeout }', () =>
    withRuntime(async ({ clock }) => {
      const started: Pid[] = [];
      const stream = Task.asyncStream(
        [10, 500, 20],
        async (ms) => {
          started.push(self());
          return sleepThenReturn(ms);
        },
        { timeout: 100, onTimeout: "kill_task", maxConcurrency: 3 },
      );
      expect(await collect(stream)).toEqual([ok(10), { type: "exit", reason: "timeout" }, ok(20)]);
      expect(clock.now()).toBe(100);
      expect(started.map(isAlive)).toEqual([false, false, false]);
      expect(queued()).toBe(0);
    }));

  it("with zipInputOnExit, the timeout element carries the input", () =>
    withRuntime(async () => {
      const stream = Task.asyncStream([500], sleepThenReturn, {
        timeout: 100,
        onTimeout: "kill_task",
        zipInputOnExit: true,
      });
      expect(await collect(stream)).toEqual([{ type: "exit", reason: "timeout", input: 500 }]);
    }));

  it("the timeout counts from each task's start", () =>
    withRuntime(async ({ clock }) => {
      // one at a time: each task takes 80 ms of its own 100, 240 ms in all
      const stream = Task.asyncStream([80, 80, 80], sleepThenReturn, {
        timeout: 100,
        maxConcurrency: 1,
      });
      expect(await collect(stream)).toEqual([ok(80), ok(80), ok(80)]);
      expect(clock.now()).toBe(240);
    }));
});

describe("stopping early (item 18)", () => {
  it("break kills the unused tasks and leaves no link, monitor or message", () =>
    withRuntime(async () => {
      const started: Pid[] = [];
      const stream = Task.asyncStream(
        [1, 2, 3, 4, 5],
        async (n) => {
          started.push(self());
          if (n > 1) await forever();
          return n;
        },
        { maxConcurrency: 5 },
      );
      for await (const r of stream) {
        expect(r).toEqual(ok(1));
        break;
      }
      expect(started).toHaveLength(5);
      expect(started.map(isAlive)).toEqual([false, false, false, false, false]);
      expect(links()).toEqual([]);
      expect(monitored()).toEqual([]);
      expect(queued()).toBe(0);
    }));

  it("finished-but-undelivered results are dropped without leaking messages, also when trapping", () =>
    withRuntime(async () => {
      trapExit(true);
      // ordered: 2..5 finish before 1, so their replies are waiting when we stop
      const stream = Task.asyncStream([50, 1, 2, 3, 4], sleepThenReturn, { maxConcurrency: 5 });
      for await (const r of stream) {
        expect(r).toEqual(ok(50));
        break;
      }
      await sleep(100);
      expect(queued()).toBe(0);
      expect(links()).toEqual([]);
      expect(monitored()).toEqual([]);
    }));

  it("a throw in the loop body stops the tasks too, and closes the input", () =>
    withRuntime(async () => {
      let closed = false;
      function* inputs(): Generator<number> {
        try {
          for (let i = 0; ; i++) yield i;
        } finally {
          closed = true;
        }
      }
      const started: Pid[] = [];
      const oops = new Error("consumer bug");
      const err = await (async () => {
        const stream = Task.asyncStream(
          inputs(),
          async (n) => {
            started.push(self());
            if (n > 0) await forever();
            return n;
          },
          { maxConcurrency: 3 },
        );
        for await (const _ of stream) throw oops;
      })().catch((e: unknown) => e);
      expect(err).toBe(oops);
      expect(closed).toBe(true);
      expect(started).toHaveLength(3); // no task is started once the loop has stopped
      expect(started.map(isAlive)).toEqual([false, false, false]);
      expect(links()).toEqual([]);
      expect(monitored()).toEqual([]);
      expect(queued()).toBe(0);
    }));

  it("closes an input generator when stopped, and pulls inputs only as needed", () =>
    withRuntime(async () => {
      let pulled = 0;
      let closed = false;
      function* inputs(): Generator<number> {
        try {
          for (let i = 0; ; i++) {
            pulled++;
            yield i;
          }
        } finally {
          closed = true;
        }
      }
      let count = 0;
      for await (const r of Task.asyncStream(inputs(), (n) => n, { maxConcurrency: 2 })) {
        expect(r).toEqual(ok(count));
        if (++count === 3) break;
      }
      expect(closed).toBe(true);
      expect(pulled).toBeLessThanOrEqual(5);
      expect(queued()).toBe(0);
    }));
});

describe("races and misuse", () => {
  it("a reply sent in the instant the task's time runs out wins", () =>
    withRuntime(async () => {
      // The first task starts, and arms its own timer, while the consumer pulls the next
      // input; both timers are then due at 100, the task's first.
      async function* inputs(): AsyncGenerator<number> {
        yield 100;
        await sleep(1);
        yield 1;
      }
      // the task's result is the very promise its timer resolves: it replies at once
      const stream = Task.asyncStream(inputs(), (ms) => receive(() => false, { timeout: ms }), {
        timeout: 100,
        maxConcurrency: 2,
      });
      expect(await collect(stream)).toEqual([ok(TIMEOUT), ok(TIMEOUT)]);
      expect(queued()).toBe(0);
    }));

  it("stopping while finished tasks' messages are still queued removes them all", () =>
    withRuntime(async () => {
      trapExit(true);
      for await (const r of Task.asyncStream([1, 2, 3], (n) => n, { maxConcurrency: 3 })) {
        expect(r).toEqual(ok(1));
        break;
      }
      expect(queued()).toBe(0); // replies, DOWNs and EXITs of tasks 2 and 3
      expect(links()).toEqual([]);
    }));

  it("next() while the previous one is pending is refused; return() before next() is fine", () =>
    withRuntime(async () => {
      const it = Task.asyncStream([10], sleepThenReturn)[Symbol.asyncIterator]();
      const first = it.next();
      await expect(it.next()).rejects.toThrow(/previous next\(\) is still pending/);
      expect(await first).toEqual({ done: false, value: ok(10) });
      await it.return?.();
      const unused = Task.asyncStream([1], (n) => n)[Symbol.asyncIterator]();
      expect(await unused.return?.()).toEqual({ done: true, value: undefined });
      expect(await unused.next()).toEqual({ done: true, value: undefined });
    }));
});

describe("option validation (item 19)", () => {
  it("rejects bad options at once, with the option and the value", () =>
    withRuntime(() => {
      const f = (n: number) => n;
      const cases: [Task.AsyncStreamOptions, string, unknown, string][] = [
        [{ maxConcurrency: 0 }, "maxConcurrency", 0, "an integer >= 1"],
        [{ maxConcurrency: 1.5 }, "maxConcurrency", 1.5, "an integer >= 1"],
        [{ onTimeout: "kill" as never }, "onTimeout", "kill", '"exit" or "kill_task"'],
        [{ timeout: -1 }, "timeout", -1, "a number of milliseconds >= 0, or Infinity"],
        [{ timeout: "soon" as never }, "timeout", "soon", "a number of milliseconds"],
        [{ ordered: "yes" as never }, "ordered", "yes", "true or false"],
      ];
      for (const [options, option, value, text] of cases) {
        let err: unknown;
        try {
          Task.asyncStream([1], f, options);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(Task.TaskOptionError);
        expect(err).toMatchObject({ option, value });
        expect((err as Error).message).toContain(`Task.asyncStream: ${option} must be ${text}`);
      }
      expect(() => Task.asyncStream([1], f, { zipInputOnExit: 1 as never })).toThrow(
        /zipInputOnExit must be true or false, got 1/,
      );
      expect(() => Task.asyncStream([1], f, null as never)).toThrow(Task.TaskOptionError);
      expect(() => Task.asyncStream(42 as never, f)).toThrow(/expected an iterable/);
      expect(() => Task.asyncStream([1], "f" as never)).toThrow(/expected a function/);
    }));
});

describe("laziness (item 20)", () => {
  it("runs nothing until it is iterated", () =>
    withRuntime(async ({ runtime }) => {
      let calls = 0;
      const before = runtime.processes().length;
      const stream = Task.asyncStream([1, 2, 3], (n) => {
        calls++;
        return n;
      });
      await sleep(10);
      expect(calls).toBe(0);
      expect(runtime.processes().length).toBe(before);
      expect(await collect(stream)).toHaveLength(3);
      expect(calls).toBe(3);
      // each iteration is a new run
      expect(await collect(stream)).toHaveLength(3);
      expect(calls).toBe(6);
    }));

  it("can be consumed by another process", () =>
    withRuntime(async () => {
      const me = self();
      const stream = Task.asyncStream([1, 2, 3], (n) => n * 10);
      const [consumer, ref] = spawnMonitor(async () => {
        send(me, await collect(stream));
      });
      expect(await assertReceive()).toEqual([ok(10), ok(20), ok(30)]);
      await receive(downFor(ref));
      expect(isAlive(consumer)).toBe(false);
      await refuteReceive();
    }));

  it("an iteration belongs to the process that started it", () =>
    withRuntime(async () => {
      const me = self();
      const it = Task.asyncStream([1, 2], (n) => n)[Symbol.asyncIterator]();
      expect(await it.next()).toEqual({ done: false, value: ok(1) });
      spawn(async () => {
        const r = await it.next().then(
          (v) => ({ resolved: v }),
          (e: unknown) => ({ rejected: String(e) }),
        );
        send(me, r);
      });
      expect(await assertReceive((m) => m instanceof Object && "rejected" in m)).toMatchObject({
        rejected: expect.stringMatching(/this iteration belongs to/),
      });
      await it.return?.();
      expect(await it.next()).toEqual({ done: true, value: undefined });
      expect(queued()).toBe(0);
    }));
});
