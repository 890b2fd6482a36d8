// Starting a server: CONFORMANCE §2 items 1-8 and the handleContinue-after-init part of 16.
import {
  AlreadyStartedError,
  BadArgumentError,
  ExitError,
  exit,
  InitError,
  isAlive,
  isDown,
  isExit,
  NotInProcessError,
  type Pid,
  self,
  send,
  sleep,
  trapExit,
  via,
  whereis,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";
import { event, mapRegistry } from "./support.js";

const { ok, ignore, error, stop, reply, noreply } = GenServer.Result;

/** A server that answers "get" with its state and tells `test` when it terminates. */
const Holder = GenServer.define({
  init: (arg: { test: Pid; value: number }) => ok(arg),
  handleCall: (_request: GenServer.Request<"get", number>, _from, state) =>
    reply(state.value, state),
  terminate(reason, state) {
    send(state.test, { event: "terminate", reason });
  },
});

describe("start and startLink", () => {
  it("startLink links the server to the caller; start does not (item 1)", () =>
    withRuntime(async ({ runtime }) => {
      const linked = await GenServer.startLink(Holder, { test: self(), value: 1 });
      const unlinked = await GenServer.start(Holder, { test: self(), value: 2 });
      expect(runtime.processInfo(self())?.links).toContain(linked);
      expect(runtime.processInfo(self())?.links).not.toContain(unlinked);
      expect(await GenServer.call(linked, "get")).toBe(1);
      expect(await GenServer.call(unlinked, "get")).toBe(2);
      expect(runtime.processInfo(linked)?.behaviour).toBe("GenServer");
      await GenServer.stop(unlinked);
    }));

  it("init returning ok resolves with the pid; the state is what init returned (item 2)", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Holder, { test: self(), value: 42 });
      expect(isAlive(pid)).toBe(true);
      expect(await GenServer.call(pid, "get")).toBe(42);
    }));

  it("an async init is awaited before the start resolves", () =>
    withRuntime(async ({ clock }) => {
      const Slow = GenServer.define({
        async init(n: number) {
          await sleep(250);
          return ok(n * 2);
        },
        handleCall: (_r: GenServer.Request<"get", number>, _f, n) => reply(n, n),
      });
      const pid = await GenServer.startLink(Slow, 21);
      expect(clock.now()).toBe(250);
      expect(await GenServer.call(pid, "get")).toBe(42);
    }));

  it("init returning ignore resolves with 'ignore'; the process exits normal (item 2)", () =>
    withRuntime(async ({ runtime }) => {
      trapExit(true);
      const Ignoring = GenServer.define({
        init: () => {
          send(self(), "unused");
          return ignore();
        },
      });
      const before = runtime.processInfo(self())?.links.length;
      expect(await GenServer.startLink(Ignoring)).toBe("ignore");
      expect(runtime.processInfo(self())?.links.length).toBe(before);
      // OTP 26: the starter gets the result, not an exit signal
      await refuteReceive(isExit);
    }));

  it("init returning stop rejects with InitError(reason), no terminate (item 3)", () =>
    withRuntime(async () => {
      trapExit(true);
      let terminated = false;
      const Stopping = GenServer.define({
        init: (reason: unknown) => stop(reason),
        terminate() {
          terminated = true;
        },
      });
      for (const reason of ["normal", "shutdown", "bad_config"]) {
        const err = await GenServer.startLink(Stopping, reason).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InitError);
        expect((err as InitError).reason).toBe(reason);
      }
      expect(terminated).toBe(false);
      await refuteReceive(isExit);
    }));

  it("init returning error rejects with InitError(reason) (item 4)", () =>
    withRuntime(async () => {
      const Failing = GenServer.define({ init: () => error({ missing: "config" }) });
      const err = await GenServer.start(Failing).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InitError);
      expect((err as InitError).reason).toEqual({ missing: "config" });
    }));

  it("init returning an invalid value rejects with { bad_return_value } (item 5)", () =>
    withRuntime(async () => {
      const Bad = GenServer.define({
        init: (v: unknown) => v as GenServer.Result.InitResult<number>,
      });
      for (const value of [42, "ok", null, { type: "reply", reply: 1, state: 1 }, { ok: 1 }]) {
        const err = await GenServer.start(Bad, value).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InitError);
        expect((err as InitError).reason).toEqual({ bad_return_value: value });
      }
      const both = await GenServer.start(Bad, ok(1, { continue: 1, timeout: 5 } as never)).catch(
        (e: unknown) => e,
      );
      expect((both as InitError).reason).toHaveProperty("bad_return_value");
    }));

  it("init throwing an Error rejects with InitError whose reason is the error (item 6)", () =>
    withRuntime(async ({ logs }) => {
      const boom = new Error("boom");
      const Throwing = GenServer.define({
        init: (): GenServer.Result.InitResult<number> => {
          throw boom;
        },
      });
      const err = await GenServer.start(Throwing).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InitError);
      expect((err as InitError).reason).toBe(boom);
      expect(logs.some((r) => r.reason === boom)).toBe(true);
    }));

  it("init exiting (exit(reason)) rejects with InitError(reason) (item 6)", () =>
    withRuntime(async () => {
      const Exiting = GenServer.define({
        async init() {
          await sleep(1);
          exit({ shutdown: "no_db" });
          return ok(0);
        },
      });
      const err = await GenServer.start(Exiting).catch((e: unknown) => e);
      expect((err as InitError).reason).toEqual({ shutdown: "no_db" });
      const Thrown = GenServer.define({
        init: (): GenServer.Result.InitResult<number> => {
          throw new ExitError("bye");
        },
      });
      expect(((await GenServer.start(Thrown).catch((e: unknown) => e)) as InitError).reason).toBe(
        "bye",
      );
    }));

  it("the start timeout rejects with reason 'timeout' and kills the process (item 7)", () =>
    withRuntime(async ({ clock, runtime }) => {
      const Sleepy = GenServer.define({
        async init() {
          await sleep(10_000);
          return ok(0);
        },
      });
      const err = await GenServer.startLink(Sleepy, undefined, { timeout: 500 }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InitError);
      expect((err as InitError).reason).toBe("timeout");
      expect(clock.now()).toBe(500);
      expect(runtime.processes()).toEqual([self()]);
      // a fast init within the timeout is fine
      const fast = await GenServer.startLink(Holder, { test: self(), value: 1 }, { timeout: 500 });
      expect(await GenServer.call(fast, "get")).toBe(1);
    }));

  it("registers a local name, and a taken name rejects with the holder's pid (item 8)", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Holder, { test: self(), value: 7 }, { name: "holder" });
      expect(whereis("holder")).toBe(pid);
      expect(await GenServer.call("holder", "get")).toBe(7);
      const err = await GenServer.startLink(
        Holder,
        { test: self(), value: 8 },
        { name: "holder" },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AlreadyStartedError);
      expect((err as AlreadyStartedError).pid).toBe(pid);
      // the loser's init never ran, and nothing of it is left
      await refuteReceive(event("terminate"));
      await GenServer.stop("holder");
      expect(whereis("holder")).toBeUndefined();
    }));

  it("registers a via name, and a taken via name rejects with the holder's pid (item 8)", () =>
    withRuntime(async () => {
      const registry = mapRegistry();
      const name = via(registry, "holder");
      const pid = await GenServer.start(Holder, { test: self(), value: 3 }, { name });
      expect(registry.table.get("holder")).toBe(pid);
      expect(await GenServer.call(name, "get")).toBe(3);
      const err = await GenServer.start(Holder, { test: self(), value: 4 }, { name }).catch(
        (e: unknown) => e,
      );
      expect((err as AlreadyStartedError).pid).toBe(pid);
      await GenServer.stop(name);
      expect(registry.table.has("holder")).toBe(false);
    }));

  it("name: undefined means no name; an invalid name is a BadArgumentError (item 8)", () =>
    withRuntime(async ({ runtime }) => {
      const pid = await GenServer.startLink(
        Holder,
        { test: self(), value: 1 },
        { name: undefined },
      );
      expect(runtime.processInfo(pid)?.registeredName).toBeUndefined();
      for (const name of ["", "undefined", 42, { key: "no registry" }]) {
        const err = await GenServer.startLink(
          Holder,
          { test: self(), value: 1 },
          {
            name: name as string,
          },
        ).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(BadArgumentError);
        expect((err as Error).message).toMatch(/name/);
      }
    }));

  it("rejects a bad start timeout, a non-definition and startLink outside a process", async () => {
    await withRuntime(async () => {
      const err = await GenServer.startLink(
        Holder,
        { test: self(), value: 1 },
        {
          timeout: -1,
        },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadArgumentError);
      const notDef = await GenServer.start({ callbacks: { init: () => ok(1) } } as never).catch(
        (e: unknown) => e,
      );
      expect(notDef).toBeInstanceOf(BadArgumentError);
      expect((notDef as Error).message).toMatch(/GenServer\.define/);
    });
    const outside = await GenServer.startLink(Holder, { test: undefined as never, value: 1 }).catch(
      (e: unknown) => e,
    );
    expect(outside).toBeInstanceOf(NotInProcessError);
  });

  it("handleContinue from init runs before messages init sent itself (item 16)", () =>
    withRuntime(async () => {
      const Warm = GenServer.define({
        init(test: Pid) {
          send(self(), "queued-during-init");
          return ok({ test, seen: [] as string[] }, { continue: "warm-up" });
        },
        handleContinue: (arg: string, state) => noreply({ ...state, seen: [...state.seen, arg] }),
        handleInfo(msg, state) {
          const seen = [...state.seen, String(msg)];
          send(state.test, { event: "seen", seen });
          return noreply({ ...state, seen });
        },
      });
      await GenServer.startLink(Warm, self());
      const { seen } = await assertReceive(event<{ seen: string[] }>("seen"));
      expect(seen).toEqual(["warm-up", "queued-during-init"]);
    }));

  it("a call made right after start waits for the continue from init", () =>
    withRuntime(async ({ clock }) => {
      const Loading = GenServer.define({
        init: () => ok("empty", { continue: "load" }),
        async handleContinue(_arg: "load", _state) {
          await sleep(300);
          return noreply("loaded");
        },
        handleCall: (_r: GenServer.Request<"get", string>, _f, s) => reply(s, s),
      });
      const pid = await GenServer.startLink(Loading);
      expect(clock.now()).toBe(0);
      expect(await GenServer.call(pid, "get")).toBe("loaded");
      expect(clock.now()).toBe(300);
    }));

  it("a failing start under startLink does not kill a non-trapping caller", () =>
    withRuntime(async () => {
      const Crashing = GenServer.define({
        init: (): GenServer.Result.InitResult<number> => {
          throw new Error("init failed");
        },
      });
      await expect(GenServer.startLink(Crashing)).rejects.toBeInstanceOf(InitError);
      await refuteReceive(isDown);
      expect(isAlive(self())).toBe(true);
    }));
});
