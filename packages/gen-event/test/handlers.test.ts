// CONFORMANCE §11 items 2 (addHandler and init results), 3 (duplicates), 4 (whichHandlers
// order), 11 (deleteHandler), 12 (swapping) and 17 (Sys.getState), plus bad input.
import { BadArgumentError, InitError, NoProcessError, Sys, self } from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenEvent from "@trellis/gen-event";
import { describe, expect, it } from "vitest";
import {
  Counter,
  Other,
  Picky,
  Recorder,
  type RecorderEvent,
  type RecorderState,
  reportOf,
} from "./support.js";

describe("addHandler (item 2)", () => {
  it("installs the handler when init returns ok, with init's state", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<string>();
      await GenEvent.addHandler(m, Recorder, { to: self(), tag: "a" });
      const init = await assertReceive(reportOf("a", "init"));
      expect(init.value).toEqual({ to: self(), tag: "a" });
      expect(await GenEvent.whichHandlers(m)).toEqual([Recorder]);
      await GenEvent.addHandler(m, Picky, "ok");
      expect(await GenEvent.whichHandlers(m)).toEqual([Picky, Recorder]);
    }));

  it("an error result is passed back (HandlerInitError with its reason) and nothing is installed", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink();
      const err = await GenEvent.addHandler(m, Picky, "error").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GenEvent.HandlerInitError);
      expect(err).toBeInstanceOf(InitError);
      expect(GenEvent.HandlerInitError.is(err)).toBe(true);
      expect((err as GenEvent.HandlerInitError).reason).toBe("no way");
      expect((err as GenEvent.HandlerInitError).result).toEqual({
        type: "error",
        reason: "no way",
      });
      expect((err as GenEvent.HandlerInitError).handler).toBe(Picky);
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
    }));

  it("any other return value is passed back unchanged, and nothing is installed", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink();
      const err = (await GenEvent.addHandler(m, Picky, "other").catch(
        (e: unknown) => e,
      )) as GenEvent.HandlerInitError;
      expect(err.result).toEqual({ unexpected: true });
      expect(err.reason).toEqual({ unexpected: true });
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
    }));

  it("a throwing init is passed back as { EXIT: error } and nothing is installed", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink();
      const err = (await GenEvent.addHandler(m, Picky, "throw").catch(
        (e: unknown) => e,
      )) as GenEvent.HandlerInitError;
      const result = err.result as { EXIT: Error };
      expect(result.EXIT).toBeInstanceOf(Error);
      expect(result.EXIT.message).toBe("init blew up");
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
    }));

  it("an async init works like a synchronous one", () =>
    withRuntime(async () => {
      const Async = GenEvent.defineHandler({
        init: async (n: number) =>
          n > 0 ? GenEvent.Result.ok(n) : GenEvent.Result.error("not positive"),
        handleCall: async (_request: "get", n) => GenEvent.Result.reply(n, n),
      });
      const m = await GenEvent.startLink();
      await GenEvent.addHandler(m, Async, 3);
      expect(await GenEvent.call(m, Async, "get")).toBe(3);
      await expect(GenEvent.addHandler(m, { handler: Async, id: 2 }, -1)).rejects.toMatchObject({
        reason: "not positive",
      });
    }));

  it("a handler is its definition or its definition plus an id", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<string>();
      await GenEvent.addHandler(m, { handler: Recorder, id: "x" }, { to: self(), tag: "x" });
      await GenEvent.addHandler(
        m,
        { handler: Recorder, id: ["tuple", 1] },
        { to: self(), tag: "t" },
      );
      await GenEvent.addHandler(m, Recorder, { to: self(), tag: "plain" });
      expect(await GenEvent.whichHandlers(m)).toEqual([
        Recorder,
        { handler: Recorder, id: ["tuple", 1] },
        { handler: Recorder, id: "x" },
      ]);
      // ids compare as terms
      GenEvent.notify(m, "e");
      expect(await GenEvent.deleteHandler(m, { handler: Recorder, id: ["tuple", 1] })).toBe(
        "t done",
      );
      expect(await GenEvent.deleteHandler(m, { handler: Recorder, id: "x" })).toBe("x done");
      expect(await GenEvent.whichHandlers(m)).toEqual([Recorder]);
    }));
});

describe("duplicates (item 3) and whichHandlers order (item 4)", () => {
  it("accepts the same plain definition twice: both are listed and both get events", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<string>();
      await GenEvent.addHandler(m, Recorder, { to: self(), tag: "one" });
      await GenEvent.addHandler(m, Recorder, { to: self(), tag: "two" });
      expect(await GenEvent.whichHandlers(m)).toEqual([Recorder, Recorder]);
      await GenEvent.syncNotify(m, "hi");
      await assertReceive(reportOf("two", "event"));
      await assertReceive(reportOf("one", "event"));
      // the plain definition names the most recent one
      expect(await GenEvent.deleteHandler(m, Recorder)).toBe("two done");
      expect(await GenEvent.deleteHandler(m, Recorder)).toBe("one done");
    }));

  it("lists the most recently added handler first", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<string>();
      await GenEvent.addHandler(m, Counter);
      await GenEvent.addHandler(m, { handler: Recorder, id: self() }, { to: self(), tag: "r" });
      await GenEvent.addHandler(m, Picky, "ok");
      expect(await GenEvent.whichHandlers(m)).toEqual([
        Picky,
        { handler: Recorder, id: self() },
        Counter,
      ]);
    }));

  it("whichHandlers of a dead manager rejects with NoProcessError", () =>
    withRuntime(async () => {
      const m = await GenEvent.start();
      await GenEvent.stop(m);
      await expect(GenEvent.whichHandlers(m)).rejects.toBeInstanceOf(NoProcessError);
    }));
});

describe("deleteHandler (item 11)", () => {
  it("runs terminate(args, state) and returns its result", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<string>();
      await GenEvent.addHandler(m, Recorder, { to: self(), tag: "d" });
      await GenEvent.syncNotify(m, "seen-it");
      expect(await GenEvent.deleteHandler(m, Recorder, "please go")).toBe("d done");
      const t = await assertReceive(reportOf("d", "terminate"));
      expect(t.value).toBe("please go");
      expect(t.state).toEqual(["seen-it"]);
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
    }));

  it("returns undefined without terminate, and { EXIT } when terminate throws", () =>
    withRuntime(async () => {
      const Throws = GenEvent.defineHandler({
        init: () => GenEvent.Result.ok(0),
        terminate: () => {
          throw new Error("terminate failed");
        },
      });
      const m = await GenEvent.startLink();
      await GenEvent.addHandler(m, Counter);
      await GenEvent.addHandler(m, Throws);
      expect(await GenEvent.deleteHandler(m, Counter)).toBeUndefined();
      const res = (await GenEvent.deleteHandler(m, Throws)) as { EXIT: Error };
      expect(res.EXIT.message).toBe("terminate failed");
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
    }));

  it("a handler that is not installed rejects with HandlerNotFoundError (module_not_found)", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink();
      await GenEvent.addHandler(m, { handler: Counter, id: 1 });
      const err = await GenEvent.deleteHandler(m, Counter).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GenEvent.HandlerNotFoundError);
      expect((err as GenEvent.HandlerNotFoundError).reason).toBe("module_not_found");
      expect((err as GenEvent.HandlerNotFoundError).handler).toBe(Counter);
      await expect(GenEvent.deleteHandler(m, { handler: Counter, id: 2 })).rejects.toMatchObject({
        reason: "module_not_found",
      });
      expect(await GenEvent.whichHandlers(m)).toEqual([{ handler: Counter, id: 1 }]);
    }));
});

describe("swapping (item 12)", () => {
  it("swapHandler: the old terminate's result reaches the new init as { args, result }", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<string>();
      await GenEvent.addHandler(m, Counter);
      await GenEvent.addHandler(m, Recorder, { to: self(), tag: "old" });
      await GenEvent.swapHandler(m, Recorder, Other, {
        terminateArgs: "bye",
        initArgs: { to: self(), tag: "new" },
      });
      expect((await assertReceive(reportOf("old", "terminate"))).value).toBe("bye");
      const init = await assertReceive(reportOf("new", "init"));
      expect(init.value).toEqual({ args: { to: self(), tag: "new" }, result: "old done" });
      expect(await GenEvent.whichHandlers(m)).toEqual([Other, Counter]);
    }));

  it("swapHandler puts the new handler first in the list", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<string>();
      await GenEvent.addHandler(m, Recorder, { to: self(), tag: "old" });
      await GenEvent.addHandler(m, Counter);
      await GenEvent.swapHandler(
        m,
        Recorder,
        { handler: Other, id: 9 },
        {
          initArgs: { to: self(), tag: "new" },
        },
      );
      expect(await GenEvent.whichHandlers(m)).toEqual([{ handler: Other, id: 9 }, Counter]);
    }));

  it("swapHandler from a handler that is not installed rejects with non_existing and changes nothing", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<string>();
      await GenEvent.addHandler(m, Counter);
      const err = await GenEvent.swapHandler(m, Recorder, Other, {
        initArgs: { to: self(), tag: "never" },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GenEvent.HandlerNotFoundError);
      expect((err as GenEvent.HandlerNotFoundError).reason).toBe("non_existing");
      expect((err as GenEvent.HandlerNotFoundError).handler).toBe(Recorder);
      await refuteReceive(reportOf("never", "init"));
      expect(await GenEvent.whichHandlers(m)).toEqual([Counter]);
    }));

  it("swapHandler whose new init fails rejects with HandlerInitError; the old handler is gone", () =>
    withRuntime(async () => {
      const Refuses = GenEvent.defineHandler({
        init: (_: GenEvent.SwapInit<unknown>) => GenEvent.Result.error("refused"),
      });
      const m = await GenEvent.startLink<string>();
      await GenEvent.addHandler(m, Recorder, { to: self(), tag: "old" });
      const err = await GenEvent.swapHandler(m, Recorder, Refuses).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GenEvent.HandlerInitError);
      expect((err as GenEvent.HandlerInitError).handler).toBe(Refuses);
      expect((err as GenEvent.HandlerInitError).reason).toBe("refused");
      expect((await assertReceive(reportOf("old", "terminate"))).value).toBeUndefined();
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
    }));

  it("a handleEvent result swap_handler swaps in place, handing over terminate's result", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<RecorderEvent>();
      await GenEvent.addHandler(m, Counter);
      await GenEvent.addHandler(m, Recorder, { to: self(), tag: "r" });
      await GenEvent.addHandler(m, Picky, "ok");
      await GenEvent.syncNotify(m, { type: "swap", to: Other, initArgs: { to: self(), tag: "o" } });
      expect((await assertReceive(reportOf("r", "terminate"))).value).toBe("swapping");
      expect((await assertReceive(reportOf("o", "init"))).value).toEqual({
        args: { to: self(), tag: "o" },
        result: "r done",
      });
      expect(await GenEvent.whichHandlers(m)).toEqual([Picky, Other, Counter]);
      // the new handler receives the next events
      await GenEvent.syncNotify(m, "after");
      expect((await assertReceive(reportOf("o", "event"))).value).toBe("after");
    }));

  it("a handleEvent swap whose new init fails removes the handler and logs an error", () =>
    withRuntime(async ({ logs }) => {
      const m = await GenEvent.startLink<RecorderEvent>();
      await GenEvent.addHandler(m, Recorder, { to: self(), tag: "r" });
      await GenEvent.syncNotify(m, { type: "swap", to: Picky, initArgs: "ignored" });
      await assertReceive(reportOf("r", "terminate"));
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
      expect(logs.some((r) => r.kind === "error" && r.handler === Picky)).toBe(true);
    }));
});

describe("Sys.getState and Sys.replaceState (item 17)", () => {
  it("lists every handler with its id and state, newest first", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<string>();
      await GenEvent.addHandler(m, Counter);
      await GenEvent.addHandler(m, { handler: Counter, id: "second" });
      GenEvent.notify(m, "a");
      GenEvent.notify(m, "b");
      const state = (await Sys.getState(m)) as GenEvent.HandlerState[];
      expect(state).toEqual([
        { handler: Counter, id: "second", state: 2 },
        { handler: Counter, id: undefined, state: 2 },
      ]);
      const status = await Sys.getStatus(m);
      expect(status.behaviour).toBe("GenEvent");
      expect(status.state).toEqual(state);
    }));

  it("replaceState applies the function to each handler's entry", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<string>();
      await GenEvent.addHandler(m, Counter);
      await GenEvent.addHandler(m, { handler: Counter, id: 1 });
      await GenEvent.syncNotify(m, "x");
      const replaced = await Sys.replaceState(m, (entry) => {
        const e = entry as GenEvent.HandlerState;
        if (e.id === 1) throw new Error("leave this one");
        return { ...e, state: 100 };
      });
      expect(replaced).toEqual([
        { handler: Counter, id: 1, state: 1 },
        { handler: Counter, id: undefined, state: 100 },
      ]);
      await GenEvent.syncNotify(m, "y");
      expect(((await Sys.getState(m)) as GenEvent.HandlerState[]).map((e) => e.state)).toEqual([
        2, 101,
      ]);
    }));
});

describe("bad input", () => {
  it("adding a non-handler rejects with BadArgumentError", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink();
      const fake = { name: "Fake", init: () => GenEvent.Result.ok(0) };
      await expect(GenEvent.addHandler(m, fake as never)).rejects.toBeInstanceOf(BadArgumentError);
      await expect(GenEvent.addHandler(m, { handler: fake } as never)).rejects.toBeInstanceOf(
        BadArgumentError,
      );
      await expect(
        GenEvent.addHandler(m, { handler: Counter, id: () => 1 } as never),
      ).rejects.toBeInstanceOf(BadArgumentError);
      await expect(GenEvent.deleteHandler(m, "Counter" as never)).rejects.toBeInstanceOf(
        BadArgumentError,
      );
      await expect(GenEvent.addHandler({} as never, Counter)).rejects.toBeInstanceOf(
        BadArgumentError,
      );
    }));

  it("defineHandler checks its callbacks", () => {
    expect(() => GenEvent.defineHandler({} as never)).toThrow(BadArgumentError);
    expect(() =>
      GenEvent.defineHandler({ init: () => GenEvent.Result.ok(0), handleEvent: 3 as never }),
    ).toThrow(BadArgumentError);
    expect(() =>
      GenEvent.defineHandler({ init: () => GenEvent.Result.ok(0) }, { name: "" }),
    ).toThrow(BadArgumentError);
  });

  it("adding to a dead manager rejects with NoProcessError", () =>
    withRuntime(async () => {
      const m = await GenEvent.start();
      await GenEvent.stop(m);
      await expect(GenEvent.addHandler(m, Counter)).rejects.toBeInstanceOf(NoProcessError);
      await expect(GenEvent.addHandler("nobody", Counter)).rejects.toBeInstanceOf(NoProcessError);
    }));

  it("the handler's state type is its own: a definition is usable in many managers", () =>
    withRuntime(async () => {
      const a = await GenEvent.startLink<string>();
      const b = await GenEvent.startLink<string>();
      await GenEvent.addHandler(a, Recorder, { to: self(), tag: "a" });
      await GenEvent.addHandler(b, Recorder, { to: self(), tag: "b" });
      await GenEvent.syncNotify(a, "only-a");
      const seenB = await GenEvent.call(b, Recorder, "seen");
      const seenA = await GenEvent.call(a, Recorder, "seen");
      expect(seenA).toEqual(["only-a"]);
      expect(seenB).toEqual([]);
      const entries = (await Sys.getState(a)) as { state: RecorderState }[];
      expect(entries[0]?.state.tag).toBe("a");
    }));
});
