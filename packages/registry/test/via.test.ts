// Via names: CONFORMANCE §9 items 18 and 19.
import {
  AlreadyStartedError,
  BadArgumentError,
  exit,
  InitError,
  isAlive,
  NoProcessError,
  type Pid,
  send,
  sleep,
  trapExit,
} from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import * as Registry from "@trellis/registry";
import { describe, expect, it } from "vitest";

const { ok, reply, noreply } = GenServer.Result;

/** A server that answers "get" with its state. */
const Holder = GenServer.define({
  init: (value: number) => ok(value),
  handleCall: (_request: GenServer.Request<"get", number>, _from, state) => reply(state, state),
  handleInfo: (msg: unknown, state) => noreply(msg === "hello" ? 100 : state),
});

describe("via names (item 18)", () => {
  it("GenServer.start with a via name registers the server with value null", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink<string, number | null>({ keys: "unique", name: "r" });
      const name = Registry.via(reg, "acct");
      const pid = await GenServer.startLink(Holder, 7, { name });
      expect(Registry.lookup(reg, "acct")).toEqual([[pid, null]]);
      expect(GenServer.whereis(name)).toBe(pid);
      expect(await GenServer.call(name, "get")).toBe(7);
      // by name as well as by handle
      expect(await GenServer.call(Registry.via("r", "acct"), "get")).toBe(7);
    }));

  it("uses the value given to via", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink<string, string>({ keys: "unique" });
      const pid = await GenServer.startLink(Holder, 1, { name: Registry.via(reg, "a", "meta") });
      expect(Registry.lookup(reg, "a")).toEqual([[pid, "meta"]]);
    }));

  it("a taken name gives AlreadyStartedError with the holder", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "unique" });
      const first = await GenServer.startLink(Holder, 1, { name: Registry.via(reg, "x") });
      const err = await GenServer.startLink(Holder, 2, { name: Registry.via(reg, "x") }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AlreadyStartedError);
      expect((err as AlreadyStartedError).pid).toBe(first);
      expect(Registry.count(reg)).toBe(1);
    }));

  it("a missing name: whereis is undefined, send throws, call gives NoProcessError", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "unique" });
      const name = Registry.via(reg, "nobody");
      expect(GenServer.whereis(name)).toBeUndefined();
      expect(() => send(name, "hi")).toThrow(BadArgumentError);
      await expect(GenServer.call(name, "get")).rejects.toBeInstanceOf(NoProcessError);
    }));

  it("send to a via name delivers to the holder", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "unique" });
      const pid = await GenServer.startLink(Holder, 1, { name: Registry.via(reg, ["k", 1]) });
      send(Registry.via(reg, ["k", 1]), "hello");
      expect(await GenServer.call(pid, "get")).toBe(100);
    }));

  it("the name is freed when the process dies, for any reason", () =>
    withRuntime(async () => {
      trapExit(true);
      const reg = await Registry.startLink({ keys: "unique" });
      const name = Registry.via(reg, "svc");
      for (const reason of ["normal", "shutdown", "kill", new Error("boom")] as const) {
        const pid = await GenServer.start(Holder, 1, { name });
        exit(pid, reason === "normal" ? "kill" : reason);
        expect(isAlive(pid)).toBe(false);
        // Free at once, even before the partition has cleaned up.
        expect(GenServer.whereis(name)).toBeUndefined();
        const again: Pid = await GenServer.start(Holder, 2, { name });
        expect(GenServer.whereis(name)).toBe(again);
        await GenServer.stop(again);
      }
      await sleep(0);
      expect(Registry.count(reg)).toBe(0);
    }));
});

describe("via errors (item 19)", () => {
  it("via on a duplicate registry is a UniqueOnlyError", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "duplicate", name: "dups" });
      expect(() => Registry.via(reg, "x")).toThrow(Registry.UniqueOnlyError);
      expect(() => Registry.via("dups", "x")).toThrow(/not supported for duplicate registries/);
    }));

  it("an unknown registry name is an UnknownRegistryError when the name is used", () =>
    withRuntime(async () => {
      const name = Registry.via("no_such_registry", "x");
      expect(() => GenServer.whereis(name)).toThrow(Registry.UnknownRegistryError);
      const err = await GenServer.start(Holder, 1, { name }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InitError);
      expect((err as InitError).reason).toBeInstanceOf(Registry.UnknownRegistryError);
    }));
});
