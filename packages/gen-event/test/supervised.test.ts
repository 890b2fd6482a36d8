// CONFORMANCE §11 items 13 (supervised handlers and their HandlerExit messages), 14
// (supervision follows a swap) and 15 (the supervising process exits).
import {
  exit,
  isAlive,
  NotInProcessError,
  type Pid,
  receive,
  self,
  send,
  spawn,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenEvent from "@trellis/gen-event";
import { describe, expect, it } from "vitest";
import { Counter, Other, Recorder, type RecorderEvent, reportOf } from "./support.js";

/** A process that adds a supervised Recorder, reports "added", then waits for orders. */
function supervisor(m: GenEvent.Manager<RecorderEvent>, tag: string): { pid: Pid } {
  const test = self();
  const pid = spawn(async () => {
    await GenEvent.addSupHandler(m, { handler: Recorder, id: tag }, { to: test, tag });
    send(test, `${tag} added`);
    for (;;) {
      const msg = await receive();
      if (GenEvent.isHandlerExit(msg)) send(test, { forwarded: msg });
      else if (msg === "stop") exit("normal");
      else if (typeof msg === "object" && msg !== null && "exitWith" in msg) {
        exit((msg as { exitWith: unknown }).exitWith);
      }
    }
  });
  return { pid };
}

describe("addSupHandler and HandlerExit messages (item 13)", () => {
  it("links the manager to the caller", () =>
    withRuntime(async ({ runtime }) => {
      const m = await GenEvent.start<RecorderEvent>();
      await GenEvent.addSupHandler(m, Counter);
      expect(runtime.processInfo(m)?.links).toContain(self());
      await GenEvent.stop(m);
    }));

  it("delete → HandlerExit 'normal'", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<RecorderEvent>();
      await GenEvent.addSupHandler(m, Recorder, { to: self(), tag: "s" });
      await GenEvent.deleteHandler(m, Recorder, "bye");
      const msg = await assertReceive(GenEvent.isHandlerExit);
      expect(msg).toBeInstanceOf(GenEvent.HandlerExit);
      expect(msg).toMatchObject({
        type: "gen_event_EXIT",
        manager: m,
        handler: Recorder,
        reason: "normal",
      });
    }));

  it("remove_handler from a callback → HandlerExit 'normal'", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<RecorderEvent>();
      await GenEvent.addSupHandler(m, Recorder, { to: self(), tag: "s" });
      GenEvent.notify(m, "remove");
      expect((await assertReceive(GenEvent.isHandlerExit)).reason).toBe("normal");
    }));

  it("the manager stops → HandlerExit 'shutdown'", () =>
    withRuntime(async () => {
      const m = await GenEvent.start<RecorderEvent>();
      await GenEvent.addSupHandler(m, Recorder, { to: self(), tag: "s" });
      await GenEvent.stop(m);
      expect((await assertReceive(GenEvent.isHandlerExit)).reason).toBe("shutdown");
    }));

  it("a crash → HandlerExit { EXIT: error }", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<RecorderEvent>();
      await GenEvent.addSupHandler(m, Recorder, { to: self(), tag: "s" });
      GenEvent.notify(m, "crash");
      const msg = await assertReceive(GenEvent.isHandlerExit);
      expect((msg.reason as { EXIT: Error }).EXIT.message).toBe("s crashed");
    }));

  it("a crash in a call → HandlerExit { EXIT: error }, as the caller gets its error", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<RecorderEvent>();
      await GenEvent.addSupHandler(m, Recorder, { to: self(), tag: "s" });
      const err = (await GenEvent.call(m, Recorder, "crash").catch(
        (e: unknown) => e,
      )) as GenEvent.HandlerCallError;
      expect((await assertReceive(GenEvent.isHandlerExit)).reason).toBe(err.reason);
    }));

  it("an invalid return → HandlerExit with the bad value", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<RecorderEvent>();
      await GenEvent.addSupHandler(m, Recorder, { to: self(), tag: "s" });
      send(m, "bad");
      expect((await assertReceive(GenEvent.isHandlerExit)).reason).toBe("garbage");
    }));

  it("handlers added with addHandler send no HandlerExit", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<RecorderEvent>();
      await GenEvent.addHandler(m, Recorder, { to: self(), tag: "plain" });
      await GenEvent.deleteHandler(m, Recorder);
      await refuteReceive(GenEvent.isHandlerExit);
    }));

  it("HandlerExit arrives whether or not the supervisor traps exits, and is never user data", () =>
    withRuntime(async () => {
      trapExit(false);
      expect(
        GenEvent.isHandlerExit({ type: "gen_event_EXIT", handler: Counter, reason: "normal" }),
      ).toBe(false);
      const m = await GenEvent.startLink<RecorderEvent>();
      await GenEvent.addSupHandler(m, Counter);
      await GenEvent.deleteHandler(m, Counter);
      expect((await assertReceive(GenEvent.isHandlerExit)).handler).toBe(Counter);
    }));

  it("addSupHandler outside process code rejects with NotInProcessError", async () => {
    await expect(GenEvent.addSupHandler("events", Counter)).rejects.toBeInstanceOf(
      NotInProcessError,
    );
    await expect(GenEvent.swapSupHandler("events", Counter, Other)).rejects.toBeInstanceOf(
      NotInProcessError,
    );
  });
});

describe("supervision follows a swap (item 14)", () => {
  it("a supervised handler swapped by an event: deleting the new one tells the original supervisor 'normal'", () =>
    withRuntime(async () => {
      const m = await GenEvent.start<RecorderEvent>();
      const sup = supervisor(m, "s");
      await assertReceive((x) => x === "s added");
      await GenEvent.syncNotify(m, { type: "swap", to: Other, initArgs: { to: self(), tag: "o" } });
      const swapped = await assertReceive<{ forwarded: GenEvent.HandlerExit }>(
        (x) => typeof x === "object" && x !== null && "forwarded" in x,
      );
      expect(swapped.forwarded.handler).toEqual({ handler: Recorder, id: "s" });
      expect(swapped.forwarded.reason).toEqual({ swapped: Other, supervisor: sup.pid });
      await GenEvent.deleteHandler(m, Other);
      const deleted = await assertReceive<{ forwarded: GenEvent.HandlerExit }>(
        (x) => typeof x === "object" && x !== null && "forwarded" in x,
      );
      expect(deleted.forwarded.handler).toBe(Other);
      expect(deleted.forwarded.reason).toBe("normal");
      send(sup.pid, "stop");
      await GenEvent.stop(m);
    }));

  it("a supervised handler swapped by a call keeps its supervisor", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<RecorderEvent>();
      await GenEvent.addSupHandler(m, Recorder, { to: self(), tag: "r" });
      await GenEvent.call(m, Recorder, "swap");
      expect((await assertReceive(GenEvent.isHandlerExit)).reason).toEqual({
        swapped: Other,
        supervisor: self(),
      });
      GenEvent.notify(m, "crash");
      const msg = await assertReceive(GenEvent.isHandlerExit);
      expect(msg.handler).toBe(Other);
      expect(msg.reason).toMatchObject({ EXIT: expect.any(Error) });
    }));

  it("swapHandler keeps the supervisor of the old handler", () =>
    withRuntime(async () => {
      const m = await GenEvent.start<RecorderEvent>();
      const sup = supervisor(m, "s");
      await assertReceive((x) => x === "s added");
      await GenEvent.swapHandler(m, { handler: Recorder, id: "s" }, Other, {
        initArgs: { to: self(), tag: "o" },
      });
      const swapped = await assertReceive<{ forwarded: GenEvent.HandlerExit }>(
        (x) => typeof x === "object" && x !== null && "forwarded" in x,
      );
      expect(swapped.forwarded.reason).toEqual({ swapped: Other, supervisor: sup.pid });
      await GenEvent.deleteHandler(m, Other);
      const deleted = await assertReceive<{ forwarded: GenEvent.HandlerExit }>(
        (x) => typeof x === "object" && x !== null && "forwarded" in x,
      );
      expect(deleted.forwarded.reason).toBe("normal");
      send(sup.pid, "stop");
      await GenEvent.stop(m);
    }));

  it("swapSupHandler moves supervision to the caller; the old supervisor learns who took over", () =>
    withRuntime(async () => {
      const m = await GenEvent.start<RecorderEvent>();
      const sup = supervisor(m, "s");
      await assertReceive((x) => x === "s added");
      await GenEvent.swapSupHandler(m, { handler: Recorder, id: "s" }, Other, {
        terminateArgs: "handing over",
        initArgs: { to: self(), tag: "o" },
      });
      expect((await assertReceive(reportOf("s", "terminate"))).value).toBe("handing over");
      const old = await assertReceive<{ forwarded: GenEvent.HandlerExit }>(
        (x) => typeof x === "object" && x !== null && "forwarded" in x,
      );
      expect(old.forwarded.reason).toEqual({ swapped: Other, supervisor: self() });
      await GenEvent.deleteHandler(m, Other);
      const mine = await assertReceive(GenEvent.isHandlerExit);
      expect(mine).toMatchObject({ handler: Other, reason: "normal" });
      send(sup.pid, "stop");
      await GenEvent.stop(m);
    }));
});

describe("the supervising process exits (item 15)", () => {
  it("its handlers are removed with terminate({ stop: reason }); the manager and other handlers carry on", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<RecorderEvent>();
      await GenEvent.addHandler(m, Recorder, { to: self(), tag: "stays" });
      const sup = supervisor(m, "goes");
      await assertReceive((x) => x === "goes added");
      send(sup.pid, { exitWith: "boom" });
      expect((await assertReceive(reportOf("goes", "terminate"))).value).toEqual({ stop: "boom" });
      // the remaining handlers see the EXIT in handleInfo
      const info = await assertReceive(reportOf("stays", "info"));
      expect(info.value).toMatchObject({ type: "EXIT", from: sup.pid, reason: "boom" });
      expect(isAlive(m)).toBe(true);
      expect(await GenEvent.whichHandlers(m)).toEqual([Recorder]);
    }));

  it("a normal exit removes its handlers too", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<RecorderEvent>();
      const sup = supervisor(m, "s");
      await assertReceive((x) => x === "s added");
      send(sup.pid, "stop");
      expect((await assertReceive(reportOf("s", "terminate"))).value).toEqual({ stop: "normal" });
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
    }));

  it("an exit signal sent to the manager by the supervising process does the same, and it gets 'shutdown'", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<RecorderEvent>();
      const test = self();
      const sup = spawn(async () => {
        await GenEvent.addSupHandler(m, { handler: Recorder, id: 1 }, { to: test, tag: "one" });
        await GenEvent.addSupHandler(m, { handler: Recorder, id: 2 }, { to: test, tag: "two" });
        await GenEvent.addHandler(m, Counter);
        exit(m, "drop-mine");
        const a = await receive(GenEvent.isHandlerExit);
        const b = await receive(GenEvent.isHandlerExit);
        send(test, { reasons: [a.reason, b.reason] });
        await receive((x) => x === "never");
      });
      expect((await assertReceive(reportOf("two", "terminate"))).value).toEqual({
        stop: "drop-mine",
      });
      expect((await assertReceive(reportOf("one", "terminate"))).value).toEqual({
        stop: "drop-mine",
      });
      expect(
        await assertReceive((x) => typeof x === "object" && x !== null && "reasons" in x),
      ).toEqual({ reasons: ["shutdown", "shutdown"] });
      expect(await GenEvent.whichHandlers(m)).toEqual([Counter]);
      expect(isAlive(m)).toBe(true);
      exit(sup, "kill");
    }));

  it("a supervisor that is already dead: its handler is installed, then removed with { stop: 'noproc' }", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink<RecorderEvent>();
      const test = self();
      const done = spawn(async () => {
        const p = GenEvent.addSupHandler(m, Recorder, { to: test, tag: "late" });
        exit(self(), "gone"); // dies at once, before the manager links to it
        await p;
      });
      expect((await assertReceive(reportOf("late", "terminate"))).value).toEqual({
        stop: "noproc",
      });
      expect(isAlive(done)).toBe(false);
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
    }));
});
