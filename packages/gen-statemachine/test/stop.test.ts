// Stopping: stopAndReply (item 7), bad results (item 8), stop/3 (item 20), terminate, crash
// reports, the parent's exit signal.
import {
  CallError,
  CallTimeoutError,
  exit,
  isExit,
  NoProcessError,
  receive,
  self,
  send,
  sleep,
  spawnLink,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { expect, describe as group, test } from "vitest";
import { type AnyTypes, exitReason, keep, scripted } from "./support.js";

const { ok, keepStateAndData, stopAndReply, stop } = GenStateMachine.Result;
const { reply, postpone } = GenStateMachine.Action;

group("stopAndReply (item 7)", () => {
  test("every reply is sent before the machine exits, then the link gets the EXIT", () =>
    withRuntime(async () => {
      trapExit(true);
      const me = self();
      let first: GenStateMachine.ReplyTo | undefined;
      const def = scripted(
        [],
        (event) => {
          if (event.type === "call" && event.content === "wait") {
            first = event.from;
            return keepStateAndData();
          }
          if (event.type === "call") {
            return stopAndReply("done", [
              reply(first as GenStateMachine.ReplyTo, "reply1"),
              reply(event.from, "reply2"),
            ]);
          }
          return keep(event);
        },
        { terminate: (reason) => send(me, { terminating: reason }) },
      );
      const m = await GenStateMachine.startLink(def, "s");
      const p1 = GenStateMachine.call(m, "wait");
      const p2 = GenStateMachine.call(m, "stop");
      expect(await p1).toBe("reply1");
      expect(await p2).toBe("reply2");
      expect(await receive()).toEqual({ terminating: "done" });
      expect(await exitReason(m)).toBe("done");
    }));

  test("a single reply action; bad replies exit with bad_reply_action_from_state_function", () =>
    withRuntime(async () => {
      trapExit(true);
      const ok1 = scripted([], (event) =>
        event.type === "call" ? stopAndReply("normal", reply(event.from, "bye")) : keep(event),
      );
      const a = await GenStateMachine.startLink(ok1, "s");
      expect(await GenStateMachine.call(a, "x")).toBe("bye");
      expect(await exitReason(a)).toBe("normal");
      const badReply = { type: "postpone" };
      const bad = scripted([], () =>
        stopAndReply("normal", badReply as unknown as GenStateMachine.ReplyAction),
      );
      const b = await GenStateMachine.startLink(bad, "s");
      GenStateMachine.cast(b, "x");
      expect(await exitReason(b)).toEqual({ bad_reply_action_from_state_function: badReply });
    }));
});

group("bad results (item 8)", () => {
  test("a bad return exits with { bad_return_from_state_function: value }; the caller sees it", () =>
    withRuntime(async () => {
      trapExit(true);
      for (const value of [
        42,
        "keepStateAndData",
        { type: "next_state", state: "a", data: 1 },
        { type: "nextState", state: "a" },
        { type: "keepState" },
        { type: "repeatState" },
      ]) {
        const def = scripted([], () => value as GenStateMachine.HandlerResult<AnyTypes>);
        const m = await GenStateMachine.startLink(def, "s");
        const err = await GenStateMachine.call(m, "x").catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CallError);
        expect((err as CallError).reason).toEqual({ bad_return_from_state_function: value });
        expect((err as CallError).operation.module).toBe("GenStateMachine");
        expect(await exitReason(m)).toEqual({ bad_return_from_state_function: value });
      }
    }));

  test("a bad action exits with { bad_action_from_state_function: action }", () =>
    withRuntime(async () => {
      trapExit(true);
      const def = scripted([], (event) =>
        event.type === "call"
          ? keepStateAndData([reply(event.from, "sent first"), { type: "fly" } as never])
          : keep(event),
      );
      const m = await GenStateMachine.startLink(def, "s");
      // actions run in order: the reply before the bad action went out
      expect(await GenStateMachine.call(m, "x")).toBe("sent first");
      expect(await exitReason(m)).toEqual({ bad_action_from_state_function: { type: "fly" } });
    }));

  test("a throw exits with the error; terminate runs with the state and data", () =>
    withRuntime(async () => {
      trapExit(true);
      const me = self();
      const boom = new Error("boom");
      const def = scripted(
        [],
        (event) => {
          if (event.type === "cast") throw boom;
          if (event.type === "info") exit({ shutdown: "asked" });
          return keep(event);
        },
        {
          init: () => ok("s", { n: 1 }),
          terminate: (reason, state, data) => send(me, { reason, state, data }),
        },
      );
      const a = await GenStateMachine.startLink(def);
      GenStateMachine.cast(a, "x");
      expect(await receive()).toEqual({ reason: boom, state: "s", data: { n: 1 } });
      expect(await exitReason(a)).toBe(boom);
      const b = await GenStateMachine.startLink(def);
      send(b, "exit please");
      expect(await receive()).toEqual({
        reason: { shutdown: "asked" },
        state: "s",
        data: { n: 1 },
      });
      expect(await exitReason(b)).toEqual({ shutdown: "asked" });
    }));

  test("crash reports show the reason, state, data and last event; quiet reasons are not reported", () =>
    withRuntime(async ({ logs }) => {
      trapExit(true);
      const def = scripted(
        [],
        (event) => {
          if (event.type === "cast" && event.content === "crash") throw new Error("kaput");
          if (event.type === "cast") return stop({ shutdown: "fine" });
          return keep(event);
        },
        { init: () => ok(["room", 1], { secret: "s3cr3t", n: 2 }) },
      );
      const a = await GenStateMachine.startLink(def);
      GenStateMachine.cast(a, "crash");
      await exitReason(a);
      const report = logs.find((r) => r["behaviour"] === "GenStateMachine" && r.kind === "error");
      expect(report).toBeDefined();
      expect(report?.kind).toBe("error");
      expect(report?.reason).toBeInstanceOf(Error);
      expect(report?.["state"]).toEqual(["room", 1]);
      expect(report?.["data"]).toEqual({ secret: "s3cr3t", n: 2 });
      expect(report?.["lastEvent"]).toMatchObject({ type: "cast", content: "crash" });
      expect(report?.message).toMatch(/kaput.*last event: cast crash/);
      const before = logs.length;
      const b = await GenStateMachine.startLink(def);
      GenStateMachine.cast(b, "quiet");
      expect(await exitReason(b)).toEqual({ shutdown: "fine" });
      expect(logs.length).toBe(before);
    }));

  test("formatStatus shapes crash reports", () =>
    withRuntime(async ({ logs }) => {
      trapExit(true);
      interface T {
        state: "s";
        data: { secret: string };
        casts: "crash";
      }
      const def = GenStateMachine.define({
        types: {} as T,
        callbackMode: "stateFunctions",
        init: (_: undefined) => ok("s", { secret: "hunter2" }),
        states: {
          s: () => {
            throw new Error("x");
          },
        },
        formatStatus: (status) => ({ ...status, data: { secret: "***" } }),
      });
      const m = await GenStateMachine.startLink(def);
      GenStateMachine.cast(m, "crash");
      await exitReason(m);
      const report = logs.find((r) => r["behaviour"] === "GenStateMachine" && r.kind === "error");
      expect(report?.["data"]).toEqual({ secret: "***" });
    }));
});

group("stop(server, reason, timeout) (item 20)", () => {
  test("calls terminate(reason, state, data) and resolves; stopping again is noproc", () =>
    withRuntime(async () => {
      const me = self();
      const def = scripted([], keep, {
        init: () => ok("s", 7),
        terminate: (reason, state, data) => send(me, { reason, state, data }),
      });
      const m = await GenStateMachine.start(def);
      await GenStateMachine.stop(m);
      expect(await receive()).toEqual({ reason: "normal", state: "s", data: 7 });
      const err = await GenStateMachine.stop(m).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NoProcessError);
      expect((err as NoProcessError).operation).toEqual({
        module: "GenStateMachine",
        function: "stop",
        args: [m, "normal", Infinity],
      });
    }));

  test("{ shutdown: x } reaches a linked process as its EXIT reason, quietly", () =>
    withRuntime(async ({ logs }) => {
      trapExit(true);
      const m = await GenStateMachine.startLink(scripted([], keep), "s");
      await GenStateMachine.stop(m, { shutdown: "maintenance" }, 1000);
      expect(await exitReason(m)).toEqual({ shutdown: "maintenance" });
      expect(logs).toEqual([]);
    }));

  test("after the messages already in the mailbox; a timeout rejects but the stop goes on", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const me = self();
      const def = scripted(seen, keep, {
        terminate: async () => {
          await sleep(5000);
          send(me, "terminated");
        },
      });
      const m = await GenStateMachine.start(def, "s");
      GenStateMachine.cast(m, "before");
      const err = await GenStateMachine.stop(m, "normal", 100).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallTimeoutError);
      expect(seen).toEqual(['s cast "before"']);
      expect(await receive()).toBe("terminated");
    }));

  test("a terminate that throws: the machine exits with its error and stop rejects with it", () =>
    withRuntime(async () => {
      const oops = new Error("oops");
      const def = scripted([], keep, {
        terminate: () => {
          throw oops;
        },
      });
      const m = await GenStateMachine.start(def, "s");
      const err = await GenStateMachine.stop(m).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallError);
      expect((err as CallError).reason).toBe(oops);
    }));

  test("stop with a bad timeout rejects and leaves the machine running", () =>
    withRuntime(async () => {
      const m = await GenStateMachine.start(scripted([], keep), "s");
      await expect(GenStateMachine.stop(m, "normal", -1)).rejects.toThrow(/time/);
      expect(await GenStateMachine.call(m, "x")).toBe("ok");
      await GenStateMachine.stop(m);
    }));
});

group("the parent", () => {
  test("a trapping machine runs terminate on its parent's exit signal, after queued messages", () =>
    withRuntime(async () => {
      const me = self();
      const seen: string[] = [];
      const def = scripted(seen, keep, {
        init: () => {
          trapExit(true);
          return ok("s", null);
        },
        terminate: (reason) => send(me, { terminated: reason, seen: [...seen] }),
      });
      const parent = spawnLink(async () => {
        const m = await GenStateMachine.startLink(def);
        GenStateMachine.cast(m, "queued");
        exit("shutdown");
      });
      void parent;
      trapExit(true);
      const msg = await assertReceive((x) => !isExit(x));
      expect(msg).toEqual({ terminated: "shutdown", seen: ['s cast "queued"'] });
      await assertReceive(isExit);
    }));

  test("a non-trapping machine dies with its parent without terminate", () =>
    withRuntime(async () => {
      const me = self();
      const def = scripted([], keep, { terminate: () => send(me, "terminate ran") });
      trapExit(true);
      spawnLink(async () => {
        await GenStateMachine.startLink(def, "s");
        exit("shutdown");
      });
      await assertReceive(isExit);
      await refuteReceive((m) => m === "terminate ran");
    }));
});

group("postponed calls at exit", () => {
  test("a caller whose call was postponed gets the exit reason", () =>
    withRuntime(async () => {
      const def = scripted([], (event) => {
        if (event.type === "call") return keepStateAndData(postpone());
        return stop("closing");
      });
      const m = await GenStateMachine.start(def, "s");
      const pending = GenStateMachine.call(m, "x");
      GenStateMachine.cast(m, "close");
      const err = await pending.catch((e: unknown) => e);
      expect((err as CallError).reason).toBe("closing");
    }));
});
