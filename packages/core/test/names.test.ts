import {
  BadArgumentError,
  downFor,
  exit,
  monitor,
  type Pid,
  receive,
  register,
  registered,
  self,
  send,
  sleep,
  spawn,
  TrellisError,
  unregister,
  whereis,
} from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

const waitForever = (): Promise<unknown> => receive(() => false);

function badarg(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(BadArgumentError);
  expect(TrellisError.is(caught, "badarg")).toBe(true);
  expect((caught as Error).message).toMatch(pattern);
}

describe("register / whereis / unregister / registered (item 22)", () => {
  it("registers a pid, finds it, lists it and removes it", () =>
    withRuntime(async ({ runtime }) => {
      const pid = spawn(waitForever);
      expect(registered()).toEqual([]);
      register("worker", pid);
      expect(whereis("worker")).toBe(pid);
      expect(runtime.whereis("worker")).toBe(pid);
      expect(registered()).toEqual(["worker"]);
      register("me", self());
      expect(registered().sort()).toEqual(["me", "worker"]);
      unregister("worker");
      expect(whereis("worker")).toBeUndefined();
      expect(registered()).toEqual(["me"]);
      expect(runtime.processInfo(pid)?.registeredName).toBeUndefined();
      // the pid may take a name again after unregistering
      register("worker2", pid);
      expect(whereis("worker2")).toBe(pid);
      exit(pid, "kill");
    }));

  it("a registered name can be used to send", () =>
    withRuntime(async () => {
      register("inbox", self());
      send("inbox", "hello by name");
      expect(await receive()).toBe("hello by name");
    }));

  it("whereis of an unknown name is undefined", () =>
    withRuntime(async () => {
      expect(whereis("nobody")).toBeUndefined();
    }));

  it("rejects a name that is already taken", () =>
    withRuntime(async () => {
      const a = spawn(waitForever);
      const b = spawn(waitForever);
      register("taken", a);
      badarg(() => register("taken", b), /already registered to/);
      badarg(() => register("taken", a), /already registered/);
      expect(whereis("taken")).toBe(a);
      exit(a, "kill");
      exit(b, "kill");
    }));

  it("rejects a pid that already has a name", () =>
    withRuntime(async ({ runtime }) => {
      const a = spawn(waitForever);
      register("first", a);
      badarg(() => register("second", a), /already registered as "first"/);
      expect(whereis("second")).toBeUndefined();
      expect(runtime.processInfo(a)?.registeredName).toBe("first");
      exit(a, "kill");
    }));

  it("rejects a dead pid", () =>
    withRuntime(async () => {
      const dead = spawn(() => undefined);
      await sleep(1);
      badarg(() => register("ghost", dead), /not a live process/);
      expect(whereis("ghost")).toBeUndefined();
    }));

  it('rejects "undefined", the empty string and non-strings as names', () =>
    withRuntime(async () => {
      const me = self();
      badarg(() => register("undefined", me), /"undefined"/);
      badarg(() => register("", me), /non-empty/);
      badarg(() => register(42 as unknown as string, me), /non-empty string/);
      badarg(() => register(undefined as unknown as string, me), /non-empty string/);
      badarg(() => register({ name: "x" } as unknown as string, me), /non-empty string/);
      expect(registered()).toEqual([]);
    }));

  it("rejects a pid argument that is not a pid", () =>
    withRuntime(async () => {
      badarg(() => register("x", "not a pid" as unknown as Pid), /expected a pid/);
    }));
});

describe("names and process death (item 23)", () => {
  it("a name is freed when its process exits", () =>
    withRuntime(async () => {
      const pid = spawn(async () => {
        await receive((m) => m === "stop");
      });
      register("short_lived", pid);
      const ref = monitor(pid);
      send("short_lived", "stop");
      await assertReceive(downFor(ref));
      expect(whereis("short_lived")).toBeUndefined();
      expect(registered()).toEqual([]);
      expect(() => send("short_lived", "x")).toThrow(BadArgumentError);
      // and is free for another process
      const next = spawn(waitForever);
      register("short_lived", next);
      expect(whereis("short_lived")).toBe(next);
      exit(next, "kill");
    }));

  it("a name is freed when its process is killed", () =>
    withRuntime(async () => {
      const pid = spawn(waitForever);
      register("victim", pid);
      exit(pid, "kill");
      expect(whereis("victim")).toBeUndefined();
    }));

  it("a process can register itself and the name goes with it", () =>
    withRuntime(async () => {
      const me = self();
      const pid = spawn(async () => {
        register("selfnamed", self());
        send(me, whereis("selfnamed"));
        await receive((m) => m === "stop");
      });
      expect(await receive()).toBe(pid);
      send("selfnamed", "stop");
      await sleep(1);
      expect(whereis("selfnamed")).toBeUndefined();
    }));

  it("unregistering a name that is not registered is an error", () =>
    withRuntime(async () => {
      badarg(() => unregister("never_registered"), /no process is registered as/);
      const pid = spawn(waitForever);
      register("once", pid);
      unregister("once");
      badarg(() => unregister("once"), /"once"/);
      exit(pid, "kill");
    }));
});

describe("registeredName (item 24)", () => {
  it("is the name, undefined for an unnamed process, and info is undefined for a dead one", () =>
    withRuntime(async ({ runtime }) => {
      const named = spawn(waitForever);
      const unnamed = spawn(waitForever);
      register("named", named);
      expect(runtime.processInfo(named)?.registeredName).toBe("named");
      const info = runtime.processInfo(unnamed);
      expect(info).toBeDefined();
      expect(info?.registeredName).toBeUndefined();
      exit(named, "kill");
      exit(unnamed, "kill");
      expect(runtime.processInfo(named)).toBeUndefined();
      expect(runtime.processInfo(unnamed)).toBeUndefined();
    }));
});

describe("whereis with any destination", () => {
  it("returns a pid as it is (alive or not), looks names up, rejects anything else", () =>
    withRuntime(async () => {
      const pid = spawn(() => receive());
      expect(whereis(pid)).toBe(pid);
      exit(pid, "kill");
      expect(whereis(pid)).toBe(pid);
      register("me", self());
      expect(whereis("me")).toBe(self());
      expect(() => whereis(42 as unknown as string)).toThrow(BadArgumentError);
    }));
});
