// CONFORMANCE §11 item 6 (call and its error results), and items 8–10 through call.
import {
  BadArgumentError,
  CallError,
  CallTimeoutError,
  isAlive,
  NoProcessError,
  self,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenEvent from "@trellis/gen-event";
import { describe, expect, it } from "vitest";
import { Counter, Other, Recorder, type RecorderEvent, reportOf } from "./support.js";

const { ok, reply } = GenEvent.Result;

async function withRecorder(tag = "r"): Promise<GenEvent.Manager<RecorderEvent>> {
  const m = await GenEvent.startLink<RecorderEvent>();
  await GenEvent.addHandler(m, Recorder, { to: self(), tag });
  await assertReceive(reportOf(tag, "init"));
  return m;
}

describe("call (item 6)", () => {
  it("resolves with the handler's reply", () =>
    withRuntime(async () => {
      const m = await withRecorder();
      await GenEvent.syncNotify(m, "one");
      expect(await GenEvent.call(m, Recorder, "seen")).toEqual(["one"]);
      expect(await GenEvent.call(m, Recorder, "seen", { timeout: 100 })).toEqual(["one"]);
      expect(await GenEvent.call(m, Recorder, "seen", Number.POSITIVE_INFINITY)).toEqual(["one"]);
    }));

  it("reaches the handler with the given id", () =>
    withRuntime(async () => {
      const Named = GenEvent.defineHandler({
        init: (name: string) => ok(name),
        handleCall: (_: "name", name) => reply(name, name),
      });
      const m = await GenEvent.startLink();
      await GenEvent.addHandler(m, { handler: Named, id: 1 }, "first");
      await GenEvent.addHandler(m, { handler: Named, id: 2 }, "second");
      await GenEvent.addHandler(m, Named, "plain");
      expect(await GenEvent.call(m, { handler: Named, id: 1 }, "name")).toBe("first");
      expect(await GenEvent.call(m, { handler: Named, id: 2 }, "name")).toBe("second");
      expect(await GenEvent.call(m, Named, "name")).toBe("plain");
    }));

  it("an unknown handler rejects with HandlerNotFoundError (bad_module)", () =>
    withRuntime(async () => {
      const m = await withRecorder();
      const err = await GenEvent.call(m, { handler: Recorder, id: 1 }, "seen").catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(GenEvent.HandlerNotFoundError);
      expect(err).toBeInstanceOf(CallError);
      expect(GenEvent.HandlerNotFoundError.is(err)).toBe(true);
      expect((err as GenEvent.HandlerNotFoundError).reason).toBe("bad_module");
      expect((err as GenEvent.HandlerNotFoundError).operation).toMatchObject({
        module: "GenEvent",
        function: "call",
      });
      expect((err as Error).message).toContain("no handler {Recorder, 1} is installed");
      expect(await GenEvent.whichHandlers(m)).toEqual([Recorder]);
    }));

  it("a dead manager rejects with NoProcessError carrying the call", () =>
    withRuntime(async () => {
      const m = await GenEvent.start<string>();
      await GenEvent.stop(m);
      const err = (await GenEvent.call(m, Recorder, "seen").catch(
        (e: unknown) => e,
      )) as NoProcessError;
      expect(err).toBeInstanceOf(NoProcessError);
      expect(err.operation).toEqual({
        module: "GenEvent",
        function: "call",
        args: [m, Recorder, "seen", 5000],
      });
      await expect(GenEvent.call("nobody", Recorder, "seen")).rejects.toBeInstanceOf(
        NoProcessError,
      );
    }));

  it("no reply within the timeout rejects with CallTimeoutError; the late reply is dropped", () =>
    withRuntime(async () => {
      let release = (): void => {};
      const Slow = GenEvent.defineHandler({
        init: () => ok(0),
        handleCall: (_: "slow", n) =>
          new Promise<GenEvent.ReplyResult<number, string>>((resolve) => {
            release = () => resolve(reply("late", n));
          }),
      });
      const m = await GenEvent.startLink();
      await GenEvent.addHandler(m, Slow);
      const err = await GenEvent.call(m, Slow, "slow", 1000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallTimeoutError);
      release();
      expect(await GenEvent.whichHandlers(m)).toEqual([Slow]);
      await refuteReceive();
    }));

  it("bad timeouts and handlers reject with BadArgumentError", () =>
    withRuntime(async () => {
      const m = await withRecorder();
      await expect(GenEvent.call(m, Recorder, "seen", -1)).rejects.toBeInstanceOf(BadArgumentError);
      await expect(GenEvent.call(m, Recorder, "seen", Number.NaN)).rejects.toBeInstanceOf(
        BadArgumentError,
      );
      await expect(GenEvent.call(m, Recorder, "seen", "soon" as never)).rejects.toBeInstanceOf(
        BadArgumentError,
      );
      await expect(GenEvent.call(m, null as never, "seen")).rejects.toBeInstanceOf(
        BadArgumentError,
      );
    }));

  it("a crash rejects with HandlerCallError ({ EXIT }) and removes the handler (item 8)", () =>
    withRuntime(async () => {
      const m = await withRecorder();
      await GenEvent.addHandler(m, Counter);
      const err = await GenEvent.call(m, Recorder, "crash").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GenEvent.HandlerCallError);
      expect(GenEvent.HandlerCallError.is(err)).toBe(true);
      const reason = (err as GenEvent.HandlerCallError).reason as { EXIT: Error };
      expect(reason.EXIT.message).toBe("r crashed in a call");
      expect((await assertReceive(reportOf("r", "terminate"))).value).toEqual({ error: reason });
      expect(await GenEvent.whichHandlers(m)).toEqual([Counter]);
      expect(isAlive(m)).toBe(true);
    }));

  it("an invalid return V rejects with HandlerCallError (reason V) and removes the handler (item 9)", () =>
    withRuntime(async () => {
      const m = await withRecorder();
      const err = (await GenEvent.call(m, Recorder, "bad").catch(
        (e: unknown) => e,
      )) as GenEvent.HandlerCallError;
      expect(err).toBeInstanceOf(GenEvent.HandlerCallError);
      expect(err.reason).toBe(42);
      expect(err.handler).toBe(Recorder);
      expect((await assertReceive(reportOf("r", "terminate"))).value).toEqual({ error: 42 });
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
    }));

  it("a handler without handleCall crashes on a call and is removed", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink();
      await GenEvent.addHandler(m, Counter);
      const err = (await GenEvent.call(
        m,
        Counter as GenEvent.Handler<unknown, undefined, "x">,
        "x",
      ).catch((e: unknown) => e)) as GenEvent.HandlerCallError;
      expect(err).toBeInstanceOf(GenEvent.HandlerCallError);
      expect((err.reason as { EXIT: Error }).EXIT.message).toContain("no handleCall");
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
    }));

  it("an async handleCall that rejects is a crash too", () =>
    withRuntime(async () => {
      const Rejects = GenEvent.defineHandler({
        init: () => ok(0),
        handleCall: async (_: "boom"): Promise<GenEvent.ReplyResult<number, number>> => {
          throw new Error("async boom");
        },
      });
      const m = await GenEvent.startLink();
      await GenEvent.addHandler(m, Rejects);
      const err = (await GenEvent.call(m, Rejects, "boom").catch(
        (e: unknown) => e,
      )) as GenEvent.HandlerCallError;
      expect((err.reason as { EXIT: Error }).EXIT.message).toBe("async boom");
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
    }));
});

describe("results of handleCall (items 10 and 12)", () => {
  it("remove_handler with a reply: the caller gets the reply, terminate('remove_handler') runs", () =>
    withRuntime(async () => {
      const m = await withRecorder();
      expect(await GenEvent.call(m, Recorder, "remove")).toEqual(["bye"]);
      expect((await assertReceive(reportOf("r", "terminate"))).value).toBe("remove_handler");
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
    }));

  it("swap_handler with a reply: the caller gets the reply, the new handler takes the old one's place", () =>
    withRuntime(async () => {
      const m = await withRecorder();
      await GenEvent.addHandler(m, Counter);
      expect(await GenEvent.call(m, Recorder, "swap")).toEqual(["swapped"]);
      expect((await assertReceive(reportOf("r", "terminate"))).value).toBe("swapping");
      expect((await assertReceive(reportOf("r'", "init"))).value).toEqual({
        args: { to: self(), tag: "r'" },
        result: "r done",
      });
      expect(await GenEvent.whichHandlers(m)).toEqual([Counter, Other]);
    }));
});
