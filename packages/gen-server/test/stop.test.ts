// Stopping: stop results, crashes, invalid results and GenServer.stop (CONFORMANCE §2 items
// 17-21, 28).
import {
  BadArgumentError,
  CallError,
  CallingSelfError,
  CallTimeoutError,
  exit,
  isAlive,
  isDown,
  isExit,
  monitor,
  NoProcessError,
  type Pid,
  self,
  send,
  sleep,
  trapExit,
  via,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";
import { event, mapRegistry } from "./support.js";

const { ok, reply, noreply, stop, stopReply } = GenServer.Result;

type Order =
  | { type: "stop-reply"; reason: unknown }
  | { type: "stop"; reason: unknown }
  | { type: "throw"; error: unknown }
  | { type: "exit"; reason: unknown }
  | { type: "return"; value: unknown }
  | { type: "stop-self" }
  | { type: "ping" };

interface State {
  readonly test: Pid;
  readonly terminateMs: number;
  readonly terminateThrows?: Error;
}

/** A server that does what it is told and reports its terminate to the test process. */
const Obedient = GenServer.define({
  init: (state: State) => ok(state),
  async handleCall(order: GenServer.Request<Order, unknown>, _from, state) {
    switch (order.type) {
      case "stop-reply":
        return stopReply(order.reason, "bye", state);
      case "stop":
        return stop(order.reason, state);
      case "throw":
        throw order.error;
      case "exit":
        return exit(order.reason);
      case "return":
        return order.value as GenServer.Result.CallResult<unknown, State>;
      case "stop-self":
        return reply(await GenServer.stop(self()).catch((e: unknown) => e), state);
      case "ping":
        return reply("pong", state);
    }
  },
  handleCast(order: Order, state) {
    if (order.type === "throw") throw order.error;
    return noreply(state);
  },
  async terminate(reason, state) {
    send(state.test, { event: "terminating", reason });
    if (state.terminateMs > 0) await sleep(state.terminateMs);
    if (state.terminateThrows !== undefined) throw state.terminateThrows;
    send(state.test, { event: "terminated", reason });
  },
});

const terminated = event<{ reason: unknown }>("terminated");

describe("stop results", () => {
  it("stopReply runs terminate first, then replies, then exits (item 17)", () =>
    withRuntime(async ({ clock }) => {
      const pid = await GenServer.start(Obedient, { test: self(), terminateMs: 500 });
      const ref = monitor(pid);
      expect(await GenServer.call(pid, { type: "stop-reply", reason: "normal" })).toBe("bye");
      // the caller stayed blocked while terminate ran
      expect(clock.now()).toBe(500);
      expect((await assertReceive(terminated, { timeout: 0 })).reason).toBe("normal");
      const down = await assertReceive((m) => isDown(m) && m.ref === ref);
      expect(isDown(down) && down.reason).toBe("normal");
    }));

  it("stopReply replies even when terminate throws; the exit reason is terminate's error", () =>
    withRuntime(async () => {
      const oops = new Error("terminate failed");
      const pid = await GenServer.start(Obedient, {
        test: self(),
        terminateMs: 0,
        terminateThrows: oops,
      });
      const ref = monitor(pid);
      expect(await GenServer.call(pid, { type: "stop-reply", reason: "normal" })).toBe("bye");
      const down = await assertReceive((m) => isDown(m) && m.ref === ref);
      expect(isDown(down) && down.reason).toBe(oops);
    }));

  it("stop without a reply: terminate runs, the caller gets a CallError with the reason (item 18)", () =>
    withRuntime(async () => {
      trapExit(true);
      const pid = await GenServer.startLink(Obedient, { test: self(), terminateMs: 0 });
      const err = await GenServer.call(pid, { type: "stop", reason: "boom" }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CallError);
      expect((err as CallError).reason).toBe("boom");
      expect((await assertReceive(terminated)).reason).toBe("boom");
      const exited = await assertReceive(isExit);
      expect(isExit(exited) && [exited.from, exited.reason]).toEqual([pid, "boom"]);
    }));

  it("stop with reason normal: the caller still gets a CallError (item 18)", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Obedient, { test: self(), terminateMs: 0 });
      const err = await GenServer.call(pid, { type: "stop", reason: "normal" }).catch(
        (e: unknown) => e,
      );
      expect((err as CallError).reason).toBe("normal");
      await assertReceive(terminated);
    }));

  it("a throwing callback: terminate(error), exit with the error, the caller gets it (item 19)", () =>
    withRuntime(async ({ logs }) => {
      trapExit(true);
      const boom = new TypeError("boom");
      const pid = await GenServer.startLink(Obedient, { test: self(), terminateMs: 0 });
      const err = await GenServer.call(pid, { type: "throw", error: boom }).catch(
        (e: unknown) => e,
      );
      expect((err as CallError).reason).toBe(boom);
      expect((await assertReceive(terminated)).reason).toBe(boom);
      const exited = await assertReceive(isExit);
      expect(isExit(exited) && exited.reason).toBe(boom);
      expect(logs.filter((r) => r.reason === boom).length).toBeGreaterThan(0);
    }));

  it("throwing a non-Error value exits with { nocatch: value } (item 19)", () =>
    withRuntime(async () => {
      const pid = await GenServer.start(Obedient, { test: self(), terminateMs: 0 });
      const ref = monitor(pid);
      GenServer.cast(pid, { type: "throw", error: "just a string" });
      expect((await assertReceive(terminated)).reason).toEqual({ nocatch: "just a string" });
      const down = await assertReceive((m) => isDown(m) && m.ref === ref);
      expect(isDown(down) && down.reason).toEqual({ nocatch: "just a string" });
    }));

  it("exit('shutdown') and exit({ shutdown }) in a callback stop quietly (item 20)", () =>
    withRuntime(async ({ logs }) => {
      trapExit(true);
      for (const reason of ["shutdown", { shutdown: "done" }]) {
        const pid = await GenServer.startLink(Obedient, { test: self(), terminateMs: 0 });
        const err = await GenServer.call(pid, { type: "exit", reason }).catch((e: unknown) => e);
        expect((err as CallError).reason).toEqual(reason);
        expect((await assertReceive(terminated)).reason).toEqual(reason);
        const exited = await assertReceive(isExit);
        expect(isExit(exited) && exited.reason).toEqual(reason);
      }
      expect(logs).toEqual([]);
    }));

  it("an invalid result exits with { bad_return_value }, terminate included (item 21)", () =>
    withRuntime(async () => {
      const invalid = [
        42,
        undefined,
        { type: "reply", reply: 1 },
        { type: "ok", state: 1 },
        { type: "noreply", state: 1, timeout: -5 },
        { type: "noreply", state: 1, timeout: 5, continue: "x" },
        { type: "noreply", state: 1, hibernate: "yes" },
        { type: "stop", reason: "normal" },
      ];
      for (const value of invalid) {
        const pid = await GenServer.start(Obedient, { test: self(), terminateMs: 0 });
        const err = await GenServer.call(pid, { type: "return", value }).catch((e: unknown) => e);
        expect((err as CallError).reason).toEqual({ bad_return_value: value });
        expect((await assertReceive(terminated)).reason).toEqual({ bad_return_value: value });
        expect(isAlive(pid)).toBe(false);
      }
    }));

  it("a cast returning a reply is invalid too (item 21)", () =>
    withRuntime(async () => {
      const Bad = GenServer.define({
        init: (test: Pid) => ok(test),
        handleCast: (_r: "go", test) =>
          ({ type: "reply", reply: 1, state: test }) as unknown as GenServer.Result.CastResult<Pid>,
        terminate(reason, test) {
          send(test, { event: "terminated", reason });
        },
      });
      const pid = await GenServer.start(Bad, self());
      GenServer.cast(pid, "go");
      expect((await assertReceive(terminated)).reason).toEqual({
        bad_return_value: { type: "reply", reply: 1, state: self() },
      });
    }));
});

describe("synchronous throws", () => {
  it("from handleInfo, handleContinue and terminate are crashes too (item 19)", () =>
    withRuntime(async () => {
      const oops = new Error("sync");
      const cleanup = new Error("terminate threw");
      const Thrower = GenServer.define({
        init: (test: Pid) => ok(test),
        handleInfo(message, test): GenServer.Result.CastResult<Pid, "throw"> {
          if (message === "continue") return noreply(test, { continue: "throw" });
          throw oops;
        },
        handleContinue(_arg: "throw", _test): GenServer.Result.CastResult<Pid> {
          throw oops;
        },
        terminate(reason, test) {
          send(test, { event: "terminated", reason });
          throw cleanup;
        },
      });
      for (const message of ["throw", "continue"]) {
        const pid = await GenServer.start(Thrower, self());
        const ref = monitor(pid);
        send(pid, message);
        expect((await assertReceive(terminated)).reason).toBe(oops);
        // terminate threw: its error is the exit reason
        const down = await assertReceive((m) => isDown(m) && m.ref === ref);
        expect(isDown(down) && down.reason).toBe(cleanup);
      }
    }));
});

describe("GenServer.stop", () => {
  it("runs terminate(normal) and resolves once the server has exited (item 28)", () =>
    withRuntime(async ({ clock }) => {
      const pid = await GenServer.start(Obedient, { test: self(), terminateMs: 200 });
      await expect(GenServer.stop(pid)).resolves.toBeUndefined();
      expect(clock.now()).toBe(200);
      expect(isAlive(pid)).toBe(false);
      expect((await assertReceive(terminated, { timeout: 0 })).reason).toBe("normal");
    }));

  it("passes the reason to terminate and to links; works by name and via name (item 28)", () =>
    withRuntime(async () => {
      trapExit(true);
      const pid = await GenServer.startLink(
        Obedient,
        { test: self(), terminateMs: 0 },
        { name: "obedient" },
      );
      await GenServer.stop("obedient", { shutdown: "maintenance" });
      expect((await assertReceive(terminated)).reason).toEqual({ shutdown: "maintenance" });
      const exited = await assertReceive(isExit);
      expect(isExit(exited) && [exited.from, exited.reason]).toEqual([
        pid,
        { shutdown: "maintenance" },
      ]);
      const name = via(mapRegistry(), "obedient");
      await GenServer.start(Obedient, { test: self(), terminateMs: 0 }, { name });
      await GenServer.stop(name, "shutdown", 1000);
      expect((await assertReceive(terminated)).reason).toBe("shutdown");
    }));

  it("handles the messages already queued first", () =>
    withRuntime(async () => {
      const pid = await GenServer.start(Obedient, { test: self(), terminateMs: 0 });
      const calls = [1, 2, 3].map(() => GenServer.call(pid, { type: "ping" }));
      await GenServer.stop(pid);
      expect(await Promise.all(calls)).toEqual(["pong", "pong", "pong"]);
    }));

  it("rejects with NoProcessError for a dead server or an unknown name (item 28)", () =>
    withRuntime(async () => {
      const pid = await GenServer.start(Obedient, { test: self(), terminateMs: 0 });
      await GenServer.stop(pid);
      const err = await GenServer.stop(pid).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NoProcessError);
      expect((err as NoProcessError).operation).toEqual({
        module: "GenServer",
        function: "stop",
        args: [pid, "normal", Number.POSITIVE_INFINITY],
      });
      await expect(GenServer.stop("nobody")).rejects.toBeInstanceOf(NoProcessError);
      await expect(GenServer.stop(undefined as never)).rejects.toBeInstanceOf(NoProcessError);
    }));

  it("rejects with CallingSelfError when a server stops itself (item 28)", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Obedient, { test: self(), terminateMs: 0 });
      const err = await GenServer.call(pid, { type: "stop-self" });
      expect(err).toBeInstanceOf(CallingSelfError);
      expect((err as CallingSelfError).operation.function).toBe("stop");
      expect(isAlive(pid)).toBe(true);
    }));

  it("rejects an invalid timeout and leaves the server running (item 28)", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Obedient, { test: self(), terminateMs: 0 });
      for (const bad of [-1, Number.NaN, "1000" as unknown as number]) {
        await expect(GenServer.stop(pid, "normal", bad)).rejects.toBeInstanceOf(BadArgumentError);
      }
      expect(await GenServer.call(pid, { type: "ping" })).toBe("pong");
      await refuteReceive(event("terminating"));
    }));

  it("rejects with CallTimeoutError when terminate outlasts the timeout", () =>
    withRuntime(async ({ clock }) => {
      const pid = await GenServer.start(Obedient, { test: self(), terminateMs: 1000 });
      const err = await GenServer.stop(pid, "normal", 100).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallTimeoutError);
      expect(clock.now()).toBe(100);
      // the server finishes its stop anyway
      expect((await assertReceive(terminated, { timeout: 2000 })).reason).toBe("normal");
      expect(isAlive(pid)).toBe(false);
    }));

  it("rejects with a CallError carrying terminate's error when terminate throws", () =>
    withRuntime(async () => {
      const oops = new Error("cleanup failed");
      const pid = await GenServer.start(Obedient, {
        test: self(),
        terminateMs: 0,
        terminateThrows: oops,
      });
      const err = await GenServer.stop(pid).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallError);
      expect((err as CallError).reason).toBe(oops);
    }));

  it("stops a non-trapping linked server quietly with the default reason", () =>
    withRuntime(async ({ logs }) => {
      const pid = await GenServer.startLink(Obedient, { test: self(), terminateMs: 0 });
      await GenServer.stop(pid);
      await assertReceive(terminated);
      await refuteReceive(isExit);
      expect(logs).toEqual([]);
    }));
});
