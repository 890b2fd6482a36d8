// CONFORMANCE §11 items 1 (start, names, stop) and 16 (stop terminates every handler), plus
// childSpec and the parent's exit.
import {
  AlreadyStartedError,
  BadArgumentError,
  CallTimeoutError,
  downFor,
  exit,
  exitFrom,
  isAlive,
  isExit,
  monitor,
  NoProcessError,
  type Pid,
  receive,
  self,
  send,
  spawn,
  trapExit,
  via,
  whereis,
} from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as GenEvent from "@trellis/gen-event";
import { describe, expect, it } from "vitest";
import { Counter, mapRegistry, Recorder, reportOf } from "./support.js";

describe("start and startLink (item 1)", () => {
  it("starts an unnamed manager with no handlers", () =>
    withRuntime(async () => {
      const m = await GenEvent.start();
      expect(isAlive(m)).toBe(true);
      expect(await GenEvent.whichHandlers(m)).toEqual([]);
      await GenEvent.stop(m);
      expect(isAlive(m)).toBe(false);
    }));

  it("registers a local name, and a taken name rejects with AlreadyStartedError carrying the holder", () =>
    withRuntime(async () => {
      const m = await GenEvent.startLink({ name: "events" });
      expect(whereis("events")).toBe(m);
      const err = await GenEvent.start({ name: "events" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AlreadyStartedError);
      expect((err as AlreadyStartedError).pid).toBe(m);
      // the manager works by name
      await GenEvent.addHandler("events", Counter);
      GenEvent.notify("events", "x");
      await GenEvent.syncNotify("events", "y");
      expect(await GenEvent.whichHandlers("events")).toEqual([Counter]);
      await GenEvent.stop("events");
      expect(whereis("events")).toBeUndefined();
    }));

  it("registers a via name, and a taken via name rejects with AlreadyStartedError", () =>
    withRuntime(async () => {
      const registry = mapRegistry();
      const name = via(registry, "audit");
      const m = await GenEvent.startLink<string>({ name });
      expect(registry.names.get("audit")).toBe(m);
      const err = await GenEvent.startLink({ name }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AlreadyStartedError);
      expect((err as AlreadyStartedError).pid).toBe(m);
      await GenEvent.addHandler(name, Recorder, { to: self(), tag: "v" });
      GenEvent.notify(GenEvent.named<string>(name), "via");
      expect((await assertReceive(reportOf("v", "event"))).value).toBe("via");
      await GenEvent.stop(name);
      expect(registry.names.has("audit")).toBe(false);
    }));

  it("rejects bad options with a BadArgumentError", () =>
    withRuntime(async () => {
      await expect(GenEvent.start({ name: "" })).rejects.toBeInstanceOf(BadArgumentError);
      await expect(GenEvent.start(42 as never)).rejects.toBeInstanceOf(BadArgumentError);
      expect(() => GenEvent.named(7 as never)).toThrow(BadArgumentError);
    }));

  it("startLink links the manager to the caller", () =>
    withRuntime(async () => {
      trapExit(true);
      const m = await GenEvent.startLink();
      exit(m, "kill");
      expect((await receive(exitFrom(m))).reason).toBe("killed");
    }));

  it("startLink outside process code rejects with NotInProcessError", async () => {
    await expect(GenEvent.startLink()).rejects.toMatchObject({ code: "not_in_process" });
  });
});

describe("stop (items 1 and 16)", () => {
  it("stop(m) returns once the manager has exited normally", () =>
    withRuntime(async () => {
      const m = await GenEvent.start();
      const ref = monitor(m);
      await GenEvent.stop(m);
      expect(isAlive(m)).toBe(false);
      expect((await receive(downFor(ref))).reason).toBe("normal");
    }));

  it("stop(m, 'shutdown') makes it exit with shutdown: a linked trapping caller gets EXIT shutdown", () =>
    withRuntime(async () => {
      trapExit(true);
      const m = await GenEvent.startLink();
      await GenEvent.stop(m, "shutdown", 1000);
      const msg = await assertReceive(exitFrom(m));
      expect(msg.reason).toBe("shutdown");
    }));

  it("stop with another reason exits with it and logs it as a crash", () =>
    withRuntime(async ({ logs }) => {
      trapExit(true);
      const m = await GenEvent.startLink();
      const reason = { custom: "reason" };
      await GenEvent.stop(m, reason);
      expect((await assertReceive(exitFrom(m))).reason).toBe(reason);
      expect(logs.some((r) => r.kind === "crash" && r.pid === m)).toBe(true);
    }));

  it("stop of a dead or unknown manager rejects with NoProcessError", () =>
    withRuntime(async () => {
      const m = await GenEvent.start();
      await GenEvent.stop(m);
      await expect(GenEvent.stop(m)).rejects.toBeInstanceOf(NoProcessError);
      await expect(GenEvent.stop("nobody")).rejects.toBeInstanceOf(NoProcessError);
      await expect(GenEvent.stop(42 as never)).rejects.toBeInstanceOf(BadArgumentError);
    }));

  it("stop times out with CallTimeoutError while a handler's terminate is still running", () =>
    withRuntime(async () => {
      let release = (): void => {};
      const Slow = GenEvent.defineHandler({
        init: () => GenEvent.Result.ok(null),
        terminate: () =>
          new Promise<void>((resolve) => {
            release = resolve;
          }),
      });
      const m = await GenEvent.start();
      await GenEvent.addHandler(m, Slow);
      const ref = monitor(m);
      await expect(GenEvent.stop(m, "normal", 100)).rejects.toBeInstanceOf(CallTimeoutError);
      expect(isAlive(m)).toBe(true);
      release();
      expect((await receive(downFor(ref))).reason).toBe("normal");
    }));

  it("calls terminate('stop') on every handler, in order, and supervisors get 'shutdown' (item 16)", () =>
    withRuntime(async () => {
      trapExit(true);
      const m = await GenEvent.startLink<string>();
      await GenEvent.addHandler(m, Recorder, { to: self(), tag: "a" });
      await GenEvent.addSupHandler(m, { handler: Recorder, id: 2 }, { to: self(), tag: "b" });
      await GenEvent.stop(m);
      const first = await assertReceive(reportOf("b", "terminate"));
      const second = await assertReceive(reportOf("a", "terminate"));
      expect([first.value, second.value]).toEqual(["stop", "stop"]);
      const exitMsg = await assertReceive(GenEvent.isHandlerExit);
      expect(exitMsg.reason).toBe("shutdown");
      expect(exitMsg.handler).toEqual({ handler: Recorder, id: 2 });
      expect(exitMsg.manager).toBe(m);
      // the test process is the parent and a supervising process: it keeps its link and
      // gets the manager's EXIT (normal, since it traps exits)
      expect((await assertReceive(exitFrom(m))).reason).toBe("normal");
    }));

  it("a supervising process other than the parent is unlinked first: it gets HandlerExit shutdown, no EXIT", () =>
    withRuntime(async () => {
      const test = self();
      const m = await GenEvent.start<string>();
      const sup = spawn(async () => {
        trapExit(true);
        await GenEvent.addSupHandler(m, Recorder, { to: test, tag: "s" });
        send(test, "added");
        const exitMsg = await receive(GenEvent.isHandlerExit);
        send(test, { got: exitMsg.reason });
        const more = await receive(isExit, { timeout: 1000 });
        send(test, { more });
      });
      await assertReceive((msg) => msg === "added");
      await GenEvent.stop(m);
      expect(
        await assertReceive((msg) => typeof msg === "object" && msg !== null && "got" in msg),
      ).toEqual({
        got: "shutdown",
      });
      const { more } = await assertReceive<{ more: unknown }>(
        (msg) => typeof msg === "object" && msg !== null && "more" in msg,
        { timeout: 2000 },
      );
      expect(isExit(more)).toBe(false);
      expect(isAlive(sup)).toBe(false);
    }));
});

describe("the parent's exit", () => {
  it("a linked manager stops when its parent exits: handlers get terminate('stop')", () =>
    withRuntime(async () => {
      const test = self();
      let manager: Pid | undefined;
      const parent = spawn(async () => {
        manager = await GenEvent.startLink<string>();
        await GenEvent.addHandler(manager, Recorder, { to: test, tag: "p" });
        send(test, "ready");
        await receive((msg) => msg === "never");
      });
      await assertReceive((msg) => msg === "ready");
      const ref = monitor(manager as Pid);
      exit(parent, "shutdown");
      expect((await assertReceive(reportOf("p", "terminate"))).value).toBe("stop");
      expect((await receive(downFor(ref))).reason).toBe("shutdown");
    }));

  it("an unlinked manager treats an exit signal from its starter as an ordinary EXIT and keeps running", () =>
    withRuntime(async () => {
      trapExit(true);
      const m = await GenEvent.start<string>();
      await GenEvent.addSupHandler(m, Recorder, { to: self(), tag: "mine" });
      await GenEvent.addHandler(m, Counter);
      exit(m, "go-away");
      const t = await assertReceive(reportOf("mine", "terminate"));
      expect(t.value).toEqual({ stop: "go-away" });
      expect(isAlive(m)).toBe(true);
      expect(await GenEvent.whichHandlers(m)).toEqual([Counter]);
      await GenEvent.stop(m);
      // as in Erlang, the link made by addSupHandler outlives the handler, and stop only
      // unlinks the supervisors of the handlers still installed: the EXIT arrives
      expect((await assertReceive(exitFrom(m))).reason).toBe("normal");
    }));
});

describe("childSpec", () => {
  it("builds a worker spec whose start links a manager to the caller", () =>
    withRuntime(async () => {
      const spec = GenEvent.childSpec({ name: "bus", restart: "transient", shutdown: 1000 });
      expect(spec).toMatchObject({
        id: "bus",
        restart: "transient",
        shutdown: 1000,
        type: "worker",
      });
      expect(GenEvent.childSpec().id).toBe("GenEvent");
      expect(GenEvent.childSpec({ id: "custom" }).id).toBe("custom");
      trapExit(true);
      const pid = (await spec.start()) as Pid;
      expect(whereis("bus")).toBe(pid);
      exit(pid, "shutdown");
      expect((await receive(exitFrom(pid))).reason).toBe("shutdown");
    }));

  it("rejects bad restart and shutdown values", () => {
    expect(() => GenEvent.childSpec({ restart: "sometimes" as never })).toThrow(BadArgumentError);
    expect(() => GenEvent.childSpec({ shutdown: -1 })).toThrow(BadArgumentError);
    expect(() => GenEvent.childSpec({ name: 3 as never })).toThrow(BadArgumentError);
  });
});
