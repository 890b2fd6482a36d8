// Dispatch and listeners: CONFORMANCE §9 items 14 and 16.
import {
  BadArgumentError,
  ExitError,
  exit,
  type Pid,
  receive,
  self,
  send,
  spawn,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as Registry from "@trellis/registry";
import { describe, expect, it } from "vitest";
import { holder, settle } from "./support.js";

describe("dispatch (item 14)", () => {
  it("calls fn with the [pid, value] entries, in the caller, and never with an empty list", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink<string, number>({ keys: "unique" });
      const calls: Registry.Entry<number>[][] = [];
      expect(Registry.dispatch(reg, "k", (e) => void calls.push(e))).toBeUndefined();
      expect(calls).toEqual([]);
      Registry.register(reg, "k", 1);
      const caller = self();
      Registry.dispatch(reg, "k", (e) => {
        expect(self()).toBe(caller); // runs in the caller, not in a partition
        calls.push(e);
      });
      expect(calls).toEqual([[[self(), 1]]]);
      expect(() => Registry.dispatch(reg, "k", "fn" as unknown as () => void)).toThrow(
        BadArgumentError,
      );
    }));

  it("a duplicate registry gives fn all the subscribers (serial, several partitions)", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink<string, number>({ keys: "duplicate", partitions: 4 });
      const subs = Array.from({ length: 10 }, (_, i) =>
        holder(() => void Registry.register(reg, "t", i)),
      );
      await settle();
      let batches = 0;
      const seen: number[] = [];
      Registry.dispatch(reg, "t", (entries) => {
        batches++;
        for (const [, v] of entries) seen.push(v);
      });
      expect(batches).toBe(1);
      expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      for (const p of subs) send(p, "stop");
    }));

  it("parallel: one process per partition with entries, the promise settles when all are done", () =>
    withRuntime(async () => {
      const test = self();
      const reg = await Registry.startLink<string, number>({ keys: "duplicate", partitions: 4 });
      const subs = Array.from({ length: 12 }, (_, i) =>
        holder(() => void Registry.register(reg, "t", i)),
      );
      await settle();
      const runners = new Set<Pid>();
      const seen: number[] = [];
      await Registry.dispatch(
        reg,
        "t",
        (entries) => {
          expect(entries.length).toBeGreaterThan(0);
          runners.add(self());
          for (const [, v] of entries) seen.push(v);
        },
        { parallel: true },
      );
      expect(seen).toHaveLength(12);
      expect(runners.has(test)).toBe(false);
      expect(runners.size).toBeGreaterThan(1);
      expect(runners.size).toBeLessThanOrEqual(4);
      await Registry.dispatch(reg, "none", () => expect.fail("not called"), { parallel: true });
      for (const p of subs) send(p, "stop");
    }));

  it("parallel rejects with the reason when fn crashes; runs in the caller for unique registries", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink<string, number>({ keys: "duplicate", partitions: 2 });
      const subs = Array.from({ length: 6 }, (_, i) =>
        holder(() => void Registry.register(reg, "t", i)),
      );
      await settle();
      const err = await Registry.dispatch(
        reg,
        "t",
        () => {
          throw new Error("boom");
        },
        { parallel: true },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ExitError);
      const uniq = await Registry.startLink<string, number>({ keys: "unique" });
      Registry.register(uniq, "k", 1);
      let runner: Pid | undefined;
      await Registry.dispatch(uniq, "k", () => void (runner = self()), { parallel: true });
      expect(runner).toBe(self());
      for (const p of subs) send(p, "stop");
    }));
});

describe("listeners (item 16)", () => {
  it("get register and explicit unregister events, but nothing when a process dies", () =>
    withRuntime(async () => {
      const test = self();
      const listener = spawn(async () => {
        for (;;) send(test, { forwarded: await receive() });
      });
      const reg = await Registry.startLink<string, number>({
        keys: "duplicate",
        name: "events",
        listeners: [listener],
      });
      const fwd = (m: unknown): m is { forwarded: unknown } =>
        typeof m === "object" && m !== null && "forwarded" in m;
      Registry.register(reg, "k", 1);
      const r = (await assertReceive(fwd)).forwarded;
      expect(Registry.isRegister(r)).toBe(true);
      expect(Registry.isUnregister(r)).toBe(false);
      expect(r).toMatchObject({
        type: "register",
        registry: "events",
        key: "k",
        pid: test,
        value: 1,
      });
      Registry.unregister(reg, "k");
      const u = (await assertReceive(fwd)).forwarded;
      expect(Registry.isUnregister(u)).toBe(true);
      expect(u).toMatchObject({ type: "unregister", registry: "events", key: "k", pid: test });
      trapExit(true);
      const p = holder(() => void Registry.register(reg, "d", 2));
      expect(Registry.isRegister((await assertReceive(fwd)).forwarded)).toBe(true);
      exit(p, "kill");
      await refuteReceive(fwd, { timeout: 100 });
      exit(listener, "kill");
    }));
});
