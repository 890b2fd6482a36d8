// Agent: CONFORMANCE §8.
import * as Agent from "@trellis/agent";
import {
  AlreadyStartedError,
  BadArgumentError,
  CallError,
  CallTimeoutError,
  InitError,
  isAlive,
  isDown,
  isExit,
  monitor,
  NoProcessError,
  type Pid,
  Sys,
  self,
  send,
  sleep,
  spawn,
  trapExit,
  whereis,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";

describe("start and startLink", () => {
  it("startLink runs fn inside the agent, links it, and its result is the state (item 1)", () =>
    withRuntime(async ({ runtime }) => {
      let ranIn: Pid | undefined;
      const agent = await Agent.startLink(() => {
        ranIn = self();
        return { hits: 0 };
      });
      expect(ranIn).toBe(agent);
      expect(runtime.processInfo(self())?.links).toContain(agent);
      expect(await Agent.get(agent, (s) => s.hits)).toBe(0);
    }));

  it("start does not link (item 1)", () =>
    withRuntime(async ({ runtime }) => {
      const agent = await Agent.start(() => 1);
      expect(runtime.processInfo(self())?.links).not.toContain(agent);
      await Agent.stop(agent);
    }));

  it("an async initial function is awaited", () =>
    withRuntime(async ({ clock }) => {
      const agent = await Agent.startLink(async () => {
        await sleep(100);
        return "ready";
      });
      expect(clock.now()).toBe(100);
      expect(await Agent.get(agent, (s) => s)).toBe("ready");
    }));

  it("registers a name; a taken name rejects with the holder; stop frees it (item 2)", () =>
    withRuntime(async () => {
      const agent = await Agent.start(() => [] as string[], { name: "list" });
      expect(whereis("list")).toBe(agent);
      await Agent.update("list", (list: string[]) => [...list, "a"]);
      expect(await Agent.get("list", (list: string[]) => list)).toEqual(["a"]);
      const err = await Agent.start(() => [], { name: "list" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AlreadyStartedError);
      expect((err as AlreadyStartedError).pid).toBe(agent);
      await Agent.stop("list");
      expect(whereis("list")).toBeUndefined();
      expect(isAlive(agent)).toBe(false);
    }));

  it("a throwing start function rejects with InitError carrying the error (item 10)", () =>
    withRuntime(async () => {
      const boom = new Error("no state for you");
      const err = await Agent.start(() => {
        throw boom;
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InitError);
      expect((err as InitError).reason).toBe(boom);
      const rejected = await Agent.startLink(() => Promise.reject(boom)).catch((e: unknown) => e);
      expect((rejected as InitError).reason).toBe(boom);
    }));

  it("the start timeout applies to the initial function", () =>
    withRuntime(async () => {
      const err = await Agent.startLink(
        async () => {
          await sleep(1000);
          return 0;
        },
        { timeout: 10 },
      ).catch((e: unknown) => e);
      expect((err as InitError).reason).toBe("timeout");
    }));

  it("rejects a start 'function' that is not a function", () =>
    withRuntime(async () => {
      await expect(Agent.start(42 as never)).rejects.toBeInstanceOf(BadArgumentError);
    }));
});

describe("get, update, getAndUpdate, cast", () => {
  it("get returns fn(state) and leaves the state (item 3)", () =>
    withRuntime(async () => {
      const agent = await Agent.startLink(() => ({ a: 1, b: 2 }));
      expect(await Agent.get(agent, (s) => s.a + s.b)).toBe(3);
      expect(await Agent.get(agent, (s) => s)).toEqual({ a: 1, b: 2 });
    }));

  it("get runs fn inside the agent", () =>
    withRuntime(async () => {
      const agent = await Agent.startLink(() => 0);
      expect(await Agent.get(agent, () => self())).toBe(agent);
    }));

  it("update sets the state to fn(state) before it resolves (item 4)", () =>
    withRuntime(async () => {
      const agent = await Agent.startLink(() => 1);
      expect(await Agent.update(agent, (n) => n * 10)).toBeUndefined();
      expect(await Agent.get(agent, (n) => n)).toBe(10);
    }));

  it("cast returns at once; a later get from the same client sees it (items 4, 7)", () =>
    withRuntime(async () => {
      const agent = await Agent.startLink(() => [] as number[]);
      for (let i = 0; i < 5; i++) {
        expect(Agent.cast(agent, (list) => [...list, i])).toBeUndefined();
      }
      expect(await Agent.get(agent, (list) => list)).toEqual([0, 1, 2, 3, 4]);
    }));

  it("getAndUpdate replies with the first element and keeps the second (item 5)", () =>
    withRuntime(async () => {
      const agent = await Agent.startLink(() => ["a", "b", "c"]);
      const head = await Agent.getAndUpdate(agent, ([first, ...rest]) => [first, rest]);
      expect(head).toBe("a");
      expect(await Agent.get(agent, (list) => list)).toEqual(["b", "c"]);
    }));

  it("getAndUpdate with a result that is not a pair stops the agent", () =>
    withRuntime(async () => {
      const agent = await Agent.start(() => 0);
      const err = await Agent.getAndUpdate(agent, () => 5 as never).catch((e: unknown) => e);
      expect((err as CallError).reason).toEqual({ bad_return_value: 5 });
      expect(isAlive(agent)).toBe(false);
    }));

  it("async functions are awaited inside the agent, one at a time", () =>
    withRuntime(async ({ clock }) => {
      const agent = await Agent.startLink(() => 0);
      const slow = Agent.update(agent, async (n) => {
        await sleep(100);
        return n + 1;
      });
      // queued behind the slow update
      expect(await Agent.get(agent, async (n) => n)).toBe(1);
      await slow;
      expect(clock.now()).toBe(100);
      Agent.cast(agent, async (n) => n + 1);
      expect(await Agent.getAndUpdate(agent, async (n) => [n, n * 2] as const)).toBe(2);
      expect(await Agent.get(agent, (n) => n)).toBe(4);
    }));

  it("rejects functions that are not functions", () =>
    withRuntime(async () => {
      const agent = await Agent.startLink(() => 0);
      await expect(Agent.get(agent, 1 as never)).rejects.toBeInstanceOf(BadArgumentError);
      await expect(Agent.update(agent, null as never)).rejects.toBeInstanceOf(BadArgumentError);
      expect(() => Agent.cast(agent, "x" as never)).toThrow(BadArgumentError);
      expect(await Agent.get(agent, (n) => n)).toBe(0);
    }));
});

describe("errors", () => {
  it("stop, then calls reject with noproc named GenServer.call (item 8)", () =>
    withRuntime(async () => {
      const agent = await Agent.start(() => 0);
      expect(await Agent.stop(agent)).toBeUndefined();
      const fn = (n: number) => n;
      const err = await Agent.get(agent, fn).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NoProcessError);
      expect((err as NoProcessError).operation).toEqual({
        module: "GenServer",
        function: "call",
        args: [agent, { type: "get", fn }, 5000],
      });
      await expect(Agent.stop(agent)).rejects.toBeInstanceOf(NoProcessError);
      expect(Agent.cast(agent, (n) => n)).toBeUndefined();
    }));

  it("a timeout rejects with CallTimeoutError named GenServer.call, no late reply (item 9)", () =>
    withRuntime(async ({ clock }) => {
      const agent = await Agent.startLink(() => 0);
      const fn = async (n: number) => {
        await sleep(1000);
        return n;
      };
      const err = await Agent.get(agent, fn, 100).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallTimeoutError);
      expect((err as CallTimeoutError).operation).toEqual({
        module: "GenServer",
        function: "call",
        args: [agent, { type: "get", fn }, 100],
      });
      expect(clock.now()).toBe(100);
      // the agent is still running; the late reply does not reach us
      expect(await Agent.get(agent, (n) => n + 1, { timeout: 5000 })).toBe(1);
      await refuteReceive();
      await expect(Agent.update(agent, fn, { timeout: 10 })).rejects.toBeInstanceOf(
        CallTimeoutError,
      );
    }));

  it("a throwing function crashes the agent and the caller gets the error (item 10)", () =>
    withRuntime(async ({ logs }) => {
      trapExit(true);
      const agent = await Agent.startLink(() => 0);
      const boom = new Error("bad update");
      const err = await Agent.update(agent, () => {
        throw boom;
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallError);
      expect((err as CallError).reason).toBe(boom);
      const exited = await assertReceive(isExit);
      expect(isExit(exited) && [exited.from, exited.reason]).toEqual([agent, boom]);
      expect(logs.some((r) => r.reason === boom)).toBe(true);
    }));

  it("a throwing cast function crashes the agent too", () =>
    withRuntime(async () => {
      const agent = await Agent.start(() => 0);
      const ref = monitor(agent);
      Agent.cast(agent, () => {
        throw new Error("bad cast");
      });
      const down = await assertReceive((m) => isDown(m) && m.ref === ref);
      expect(isDown(down) && (down.reason as Error).message).toBe("bad cast");
    }));

  it("stop with a reason and a timeout", () =>
    withRuntime(async () => {
      trapExit(true);
      const agent = await Agent.startLink(() => 0);
      await Agent.stop(agent, "shutdown", 1000);
      const exited = await assertReceive(isExit);
      expect(isExit(exited) && exited.reason).toBe("shutdown");
      const other = await Agent.startLink(() => 0);
      await expect(Agent.stop(other, "normal", -5)).rejects.toBeInstanceOf(BadArgumentError);
      expect(isAlive(other)).toBe(true);
    }));
});

describe("as a process", () => {
  it("Sys.getState and Sys.replaceState work on an agent", () =>
    withRuntime(async () => {
      const agent = await Agent.startLink(() => ({ n: 1 }));
      expect(await Sys.getState(agent)).toEqual({ n: 1 });
      await Sys.replaceState(agent, () => ({ n: 2 }));
      expect(await Agent.get(agent, (s) => s.n)).toBe(2);
    }));

  it("is a GenServer: GenServer.stop and untyped calls work on it", () =>
    withRuntime(async () => {
      const agent = await Agent.start(() => "x");
      expect(await GenServer.call(agent, { type: "get", fn: (s: string) => s.toUpperCase() })).toBe(
        "X",
      );
      await GenServer.stop(agent);
      expect(isAlive(agent)).toBe(false);
    }));

  it("serves concurrent clients one request at a time", () =>
    withRuntime(async () => {
      const agent = await Agent.startLink(() => 0);
      const test = self();
      for (let i = 0; i < 10; i++) {
        spawn(async () => {
          for (let j = 0; j < 10; j++) await Agent.update(agent, (n) => n + 1);
          send(test, "done");
        });
      }
      for (let i = 0; i < 10; i++) await assertReceive((m) => m === "done");
      expect(await Agent.get(agent, (n) => n)).toBe(100);
    }));
});

describe("childSpec", () => {
  it("defaults to id 'Agent' and a start that links (item 11)", () =>
    withRuntime(async ({ runtime }) => {
      const spec = Agent.childSpec(() => 5);
      expect(spec.id).toBe("Agent");
      expect(spec.type).toBe("worker");
      expect("restart" in spec).toBe(false);
      const pid = await spec.start();
      expect(runtime.processInfo(self())?.links).toContain(pid);
      expect(await Agent.get(pid as Pid, (n) => n)).toBe(5);
    }));

  it("takes overrides and start options (item 11)", () =>
    withRuntime(async () => {
      const spec = Agent.childSpec(() => 0, {
        id: "counter",
        restart: "transient",
        shutdown: 1000,
        name: "counter",
      });
      expect(spec).toMatchObject({ id: "counter", restart: "transient", shutdown: 1000 });
      const pid = await spec.start();
      expect(whereis("counter")).toBe(pid);
      expect(() => Agent.childSpec("nope" as never)).toThrow(BadArgumentError);
    }));
});

describe("Agent.named (issue #15 item 13)", () => {
  it("reaches the agent registered under the name; bad names are rejected", () =>
    withRuntime(async () => {
      await Agent.startLink(() => new Map([["hits", 2]]), { name: "cache" });
      const cache = Agent.named<Map<string, number>>("cache");
      expect(cache).toBe("cache");
      expect(await Agent.get(cache, (m) => m.get("hits"))).toBe(2);
      await Agent.update(cache, (m) => new Map([...m, ["hits", 3]]));
      expect(await Agent.get(cache, (m) => m.get("hits"))).toBe(3);
      expect(() => Agent.named("")).toThrow(BadArgumentError);
      expect(() => Agent.named(42 as never)).toThrow(BadArgumentError);
    }));
});
