// CONFORMANCE §11 items 5 (notify, syncNotify), 7 (messages to the manager reach handleInfo),
// 8 (a crashing handler is removed alone), 9 (an invalid return removes the handler) and 10
// (remove_handler), for events and info messages.
import {
  BadArgumentError,
  exit,
  isAlive,
  isExit,
  NoProcessError,
  self,
  send,
  sendAfter,
  spawn,
  via,
} from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as GenEvent from "@trellis/gen-event";
import { describe, expect, it } from "vitest";
import { Counter, mapRegistry, Recorder, type RecorderEvent, reportOf } from "./support.js";

const { ok } = GenEvent.Result;

async function managerWith(...tags: string[]): Promise<GenEvent.Manager<RecorderEvent>> {
  const m = await GenEvent.startLink<RecorderEvent>();
  for (const tag of tags) {
    await GenEvent.addHandler(m, { handler: Recorder, id: tag }, { to: self(), tag });
    await assertReceive(reportOf(tag, "init"));
  }
  return m;
}

describe("notify and syncNotify (item 5)", () => {
  it("every installed handler receives each event, newest handler first, in order", () =>
    withRuntime(async () => {
      const m = await managerWith("a", "b", "c");
      GenEvent.notify(m, "one");
      GenEvent.notify(m, "two");
      const order: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await assertReceive(
          (msg) =>
            typeof msg === "object" && msg !== null && (msg as { what?: unknown }).what === "event",
        );
        const { tag, value } = r as { tag: string; value: string };
        order.push(`${tag}:${value}`);
      }
      expect(order).toEqual(["c:one", "b:one", "a:one", "c:two", "b:two", "a:two"]);
    }));

  it("notify returns at once; syncNotify returns after every handler has handled the event", () =>
    withRuntime(async () => {
      const test = self();
      const Slow = GenEvent.defineHandler({
        init: () => ok(0),
        handleEvent: async (event: RecorderEvent, n) => {
          await new Promise<void>((resolve) => setImmediate(resolve));
          send(test, { slow: event });
          return ok(n + 1);
        },
      });
      const m = await managerWith("a");
      await GenEvent.addHandler(m, Slow);
      expect(GenEvent.notify(m, "async")).toBeUndefined();
      await GenEvent.syncNotify(m, "sync");
      // when syncNotify resolves, both events went through both handlers
      const seen: unknown[] = [];
      for (let i = 0; i < 4; i++) seen.push(await assertReceive(() => true, { timeout: 0 }));
      expect(seen).toEqual([
        { slow: "async" },
        { tag: "a", what: "event", value: "async" },
        { slow: "sync" },
        { tag: "a", what: "event", value: "sync" },
      ]);
    }));

  it("notify succeeds when the manager is dead, or the name unknown", () =>
    withRuntime(async () => {
      const m = await GenEvent.start<string>();
      await GenEvent.stop(m);
      expect(() => GenEvent.notify(m, "into the void")).not.toThrow();
      expect(() => GenEvent.notify("no-such-manager", "x")).not.toThrow();
      expect(() => GenEvent.notify(via(mapRegistry(), "nobody"), "x")).not.toThrow();
      expect(() => GenEvent.notify(42 as never, "x")).toThrow(BadArgumentError);
    }));

  it("syncNotify rejects with NoProcessError when the manager is dead", () =>
    withRuntime(async () => {
      const m = await GenEvent.start<string>();
      await GenEvent.stop(m);
      await expect(GenEvent.syncNotify(m, "x")).rejects.toBeInstanceOf(NoProcessError);
      await expect(GenEvent.syncNotify("no-such-manager", "x")).rejects.toBeInstanceOf(
        NoProcessError,
      );
    }));

  it("a manager with no handlers takes events and carries on", () =>
    withRuntime(async ({ logs }) => {
      const m = await GenEvent.startLink<string>();
      GenEvent.notify(m, "nobody listens");
      await GenEvent.syncNotify(m, "still nobody");
      expect(isAlive(m)).toBe(true);
      expect(logs).toEqual([]);
    }));

  it("handlers without handleEvent keep their state", () =>
    withRuntime(async () => {
      const Quiet = GenEvent.defineHandler({
        init: () => ok("unchanged"),
        handleCall: (_: "get", s) => GenEvent.Result.reply(s, s),
      });
      const m = await GenEvent.startLink<string>();
      await GenEvent.addHandler(m, Quiet);
      await GenEvent.syncNotify(m, "x");
      expect(await GenEvent.call(m, Quiet, "get")).toBe("unchanged");
    }));
});

describe("messages sent straight to the manager (item 7)", () => {
  it("reach every handler's handleInfo", () =>
    withRuntime(async () => {
      const m = await managerWith("a", "b");
      send(m, { hello: "manager" });
      expect((await assertReceive(reportOf("b", "info"))).value).toEqual({ hello: "manager" });
      expect((await assertReceive(reportOf("a", "info"))).value).toEqual({ hello: "manager" });
      sendAfter(m, "timer", 1000);
      expect((await assertReceive(reportOf("b", "info"), { timeout: 2000 })).value).toBe("timer");
    }));

  it("are discarded when there are no handlers", () =>
    withRuntime(async ({ logs }) => {
      const m = await GenEvent.startLink<string>();
      send(m, "anyone?");
      await GenEvent.syncNotify(m, "sync");
      expect(isAlive(m)).toBe(true);
      expect(logs).toEqual([]);
    }));

  it("a handler without handleInfo keeps running; the message is logged as a warning", () =>
    withRuntime(async ({ logs }) => {
      const m = await GenEvent.startLink<string>();
      await GenEvent.addHandler(m, Counter);
      send(m, "stray");
      await GenEvent.syncNotify(m, "x");
      expect(await GenEvent.whichHandlers(m)).toEqual([Counter]);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({ kind: "warning", handler: Counter, lastMessage: "stray" });
    }));

  it("the EXIT of a linked process that supervises nothing reaches handleInfo", () =>
    withRuntime(async () => {
      const m = await managerWith("a");
      const linked = spawn(async () => {
        await GenEvent.addSupHandler(m, { handler: Counter, id: "temp" });
        await GenEvent.deleteHandler(m, { handler: Counter, id: "temp" });
        exit("bye");
      });
      const info = await assertReceive(reportOf("a", "info"));
      expect(isExit(info.value)).toBe(true);
      expect(info.value).toMatchObject({ from: linked, reason: "bye" });
      expect(isAlive(m)).toBe(true);
    }));
});

describe("faulty handlers (items 8 and 9)", () => {
  it("a handler that throws in handleEvent is removed with terminate({ error: { EXIT } }); the others carry on", () =>
    withRuntime(async ({ logs }) => {
      const m = await managerWith("a", "b", "c");
      GenEvent.notify(m, "crash");
      const t = await assertReceive(reportOf("c", "terminate"));
      const reason = t.value as { error: { EXIT: Error } };
      expect(reason.error.EXIT).toBeInstanceOf(Error);
      expect(reason.error.EXIT.message).toBe("c crashed");
      // a and b also got the event, after c was removed, and throw too
      await assertReceive(reportOf("b", "terminate"));
      await assertReceive(reportOf("a", "terminate"));
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
      expect(isAlive(m)).toBe(true);
      expect(logs.filter((r) => r.kind === "error")).toHaveLength(3);
      expect(logs[0]).toMatchObject({ kind: "error", lastMessage: "crash" });
    }));

  it("only the faulty handler is removed: the next handlers still see the event", () =>
    withRuntime(async () => {
      const Fragile = GenEvent.defineHandler({
        init: () => ok(0),
        handleEvent: (event: RecorderEvent, n) => {
          if (event === "poison") throw new TypeError("cannot digest");
          return ok(n + 1);
        },
      });
      const m = await managerWith("first");
      await GenEvent.addHandler(m, Fragile);
      await GenEvent.addHandler(m, { handler: Recorder, id: "last" }, { to: self(), tag: "last" });
      await GenEvent.syncNotify(m, "poison");
      expect((await assertReceive(reportOf("last", "event"))).value).toBe("poison");
      expect((await assertReceive(reportOf("first", "event"))).value).toBe("poison");
      expect(await GenEvent.whichHandlers(m)).toEqual([
        { handler: Recorder, id: "last" },
        { handler: Recorder, id: "first" },
      ]);
    }));

  it("a handler that throws in handleInfo is removed the same way", () =>
    withRuntime(async () => {
      const m = await managerWith("a", "b");
      send(m, "crash");
      expect((await assertReceive(reportOf("b", "terminate"))).value).toMatchObject({
        error: { EXIT: expect.any(Error) },
      });
      await assertReceive(reportOf("a", "terminate"));
      expect(isAlive(m)).toBe(true);
    }));

  it("an async handleEvent that rejects is removed like a throwing one", () =>
    withRuntime(async () => {
      const test = self();
      const Rejects = GenEvent.defineHandler({
        init: () => ok(0),
        handleEvent: async (_e: RecorderEvent) => {
          await Promise.resolve();
          throw new RangeError("async failure");
        },
        terminate: (reason) => {
          send(test, { rejected: reason });
        },
      });
      const m = await managerWith("after");
      await GenEvent.addHandler(m, Rejects);
      await GenEvent.syncNotify(m, "go");
      const msg = await assertReceive<{ rejected: { error: { EXIT: Error } } }>(
        (x) => typeof x === "object" && x !== null && "rejected" in x,
      );
      expect(msg.rejected.error.EXIT).toBeInstanceOf(RangeError);
      expect((await assertReceive(reportOf("after", "event"))).value).toBe("go");
      expect(await GenEvent.whichHandlers(m)).toEqual([{ handler: Recorder, id: "after" }]);
    }));

  it("a thrown non-Error becomes { nocatch: value }", () =>
    withRuntime(async () => {
      const test = self();
      const Throws = GenEvent.defineHandler({
        init: () => ok(0),
        handleEvent: (_e: RecorderEvent): never => {
          throw "a string";
        },
        terminate: (reason) => void send(test, { reason }),
      });
      const m = await GenEvent.startLink<RecorderEvent>();
      await GenEvent.addHandler(m, Throws);
      GenEvent.notify(m, "x");
      expect(await assertReceive(() => true)).toEqual({
        reason: { error: { EXIT: { nocatch: "a string" } } },
      });
    }));

  it("a handler returning an invalid value V is removed with terminate({ error: V }) (item 9)", () =>
    withRuntime(async () => {
      const m = await managerWith("a", "b");
      await GenEvent.syncNotify(m, "bad");
      expect((await assertReceive(reportOf("b", "terminate"))).value).toEqual({ error: "garbage" });
      expect((await assertReceive(reportOf("a", "terminate"))).value).toEqual({ error: "garbage" });
      send(m, "fine");
      await GenEvent.addHandler(m, Counter);
      expect(await GenEvent.whichHandlers(m)).toEqual([Counter]);
    }));

  it("an invalid value from handleInfo removes the handler too", () =>
    withRuntime(async () => {
      const m = await managerWith("a");
      send(m, "bad");
      expect((await assertReceive(reportOf("a", "terminate"))).value).toEqual({ error: "garbage" });
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
    }));

  it("a manager whose handlers all crash keeps running and accepts new ones", () =>
    withRuntime(async () => {
      const m = await managerWith("a");
      GenEvent.notify(m, "crash");
      await assertReceive(reportOf("a", "terminate"));
      await GenEvent.addHandler(m, Counter);
      await GenEvent.syncNotify(m, "x");
      expect(await GenEvent.whichHandlers(m)).toEqual([Counter]);
    }));
});

describe("remove_handler (item 10)", () => {
  it("from handleEvent: terminate('remove_handler') runs and the handler is removed", () =>
    withRuntime(async () => {
      const m = await managerWith("a", "b");
      await GenEvent.syncNotify(m, "remove");
      expect((await assertReceive(reportOf("b", "terminate"))).value).toBe("remove_handler");
      expect((await assertReceive(reportOf("a", "terminate"))).value).toBe("remove_handler");
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
    }));

  it("from handleInfo: the same", () =>
    withRuntime(async () => {
      const m = await managerWith("a");
      await GenEvent.addHandler(m, Counter);
      send(m, "remove");
      expect((await assertReceive(reportOf("a", "terminate"))).value).toBe("remove_handler");
      await GenEvent.syncNotify(m, "x");
      expect(await GenEvent.whichHandlers(m)).toEqual([Counter]);
    }));
});

describe("async handlers", () => {
  it("events are handled one at a time, in order, even when handlers await", () =>
    withRuntime(async () => {
      const test = self();
      const Awaits = GenEvent.defineHandler({
        init: (tag: string) => ok(tag),
        handleEvent: async (event: number, tag) => {
          send(test, `${tag} start ${event}`);
          await new Promise<void>((resolve) => setImmediate(resolve));
          send(test, `${tag} end ${event}`);
          return ok(tag);
        },
      });
      const m = await GenEvent.startLink<number>();
      await GenEvent.addHandler(m, Awaits, "x");
      await GenEvent.addHandler(m, { handler: Awaits, id: 2 }, "y");
      GenEvent.notify(m, 1);
      await GenEvent.syncNotify(m, 2);
      const seen: unknown[] = [];
      for (let i = 0; i < 8; i++) seen.push(await assertReceive(() => true, { timeout: 0 }));
      expect(seen).toEqual([
        "y start 1",
        "y end 1",
        "x start 1",
        "x end 1",
        "y start 2",
        "y end 2",
        "x start 2",
        "x end 2",
      ]);
    }));
});
