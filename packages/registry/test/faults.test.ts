// Exits and crashes: CONFORMANCE §9 items 9 and 20, and processes killed mid-registration.
import {
  BadArgumentError,
  downFor,
  exit,
  isAlive,
  isExit,
  monitor,
  type Pid,
  receive,
  Sys,
  self,
  send,
  sleep,
  spawn,
  trapExit,
} from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as Registry from "@trellis/registry";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, it } from "vitest";
import { holder, partitions, settle } from "./support.js";

describe("cleanup when a registered process exits (item 9)", () => {
  for (const reason of ["normal", "shutdown", "kill", "crash"] as const) {
    it(`removes its entries in every kind of registry (${reason})`, () =>
      withRuntime(async () => {
        for (const keys of ["unique", "duplicate", { duplicate: "key" }] as const) {
          const reg = await Registry.startLink({ keys, partitions: 3 });
          const p = spawn(async () => {
            for (let i = 0; i < 5; i++) Registry.register(reg, `k${i}`, i);
            const m = await receive();
            if (m === "crash") throw new Error("boom");
            exit(m);
          });
          await settle();
          expect(Registry.count(reg)).toBe(5);
          if (reason === "kill") exit(p, "kill");
          else send(p, reason);
          await settle();
          expect(isAlive(p)).toBe(false);
          expect(Registry.count(reg)).toBe(0);
          expect(Registry.keys(reg, p)).toEqual([]);
          expect(Registry.lookup(reg, "k0")).toEqual([]);
        }
      }));
  }

  it("a unique key whose holder died can be registered at once, while cleanup is pending", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "unique", partitions: 2 });
      const parts = await partitions(reg.pid);
      const p = holder(() => void Registry.register(reg, "k", "old"));
      await settle();
      for (const part of parts) await Sys.suspend(part); // the cleanup is delayed
      trapExit(true);
      exit(p, "kill");
      await assertReceive((m) => isExit(m) && m.from === p);
      // The dead holder may still show in keys (not in a unique lookup)...
      expect(Registry.keys(reg, p)).toEqual(["k"]);
      expect(Registry.lookup(reg, "k")).toEqual([]);
      // ...but the key is free.
      expect(Registry.register(reg, "k", "new")).toMatchObject({ type: "ok" });
      for (const part of parts) await Sys.resume(part);
      await settle();
      // The late cleanup of the dead holder does not remove the new entry.
      expect(Registry.lookup(reg, "k")).toEqual([[self(), "new"]]);
      expect(Registry.keys(reg, p)).toEqual([]);
      expect(Registry.count(reg)).toBe(1);
    }));

  it("processes killed in the middle of registering leave nothing behind", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "duplicate", partitions: 4 });
      const pids: Pid[] = [];
      // Few processes: see the report on core's lost wake-ups when many runnable processes are killed.
      for (let i = 0; i < 4; i++) {
        pids.push(
          spawn(async () => {
            for (let k = 0; k < 10; k++) {
              Registry.register(reg, `topic${k % 3}`, i);
              await sleep(0);
            }
            await receive();
          }),
        );
      }
      await sleep(0);
      await sleep(0);
      expect(Registry.count(reg)).toBeGreaterThan(0);
      for (const p of pids) exit(p, "kill");
      await settle();
      expect(Registry.count(reg)).toBe(0);
      for (const k of ["topic0", "topic1", "topic2"]) expect(Registry.lookup(reg, k)).toEqual([]);
    }));
});

describe("a partition that crashes takes its processes with it (item 20)", () => {
  it("linked registered processes exit with killed; the partition restarts empty", () =>
    withRuntime(async () => {
      trapExit(true);
      const reg = await Registry.startLink({ keys: "unique", partitions: 1 });
      const [partition] = (await partitions(reg.pid)) as [Pid];
      const victim = spawn(async () => {
        Registry.register(reg, "v", 1);
        await receive();
      });
      // a trapping process gets the EXIT instead of dying
      Registry.register(reg, "me", 2);
      await settle();
      const mon = spawn(async () => {
        trapExit(false);
        await receive();
      });
      void mon;
      exit(partition, "kill");
      const msg = await assertReceive((m) => isExit(m) && m.from === partition);
      expect(isExit(msg) && msg.reason).toBe("killed");
      await settle();
      expect(isAlive(victim)).toBe(false);
      const [restarted] = await partitions(reg.pid);
      expect(restarted).not.toBe(partition);
      expect(Registry.count(reg)).toBe(0);
      expect(Registry.register(reg, "v", 3).type).toBe("ok");
      exit(mon, "kill");
    }));

  it("a registered process sees the killed reason through its link", () =>
    withRuntime(async () => {
      const test = self();
      const reg = await Registry.startLink({ keys: "duplicate", partitions: 1 });
      const [partition] = (await partitions(reg.pid)) as [Pid];
      spawn(async () => {
        trapExit(true);
        Registry.register(reg, "k", 1);
        send(test, "registered");
        const m = await receive(isExit);
        send(test, { reason: m.reason });
      });
      await assertReceive((m) => m === "registered");
      exit(partition, "kill");
      expect(await assertReceive((m): m is { reason: unknown } => typeof m === "object")).toEqual({
        reason: "killed",
      });
    }));
});

// Checked on the BEAM (Elixir 1.14): with `keys: :unique, partitions: 4` and 8 registrants,
// killing one partition kills every registrant (:killed for those linked to it, :shutdown
// for the others), and `count` is 0 afterwards; with `keys: :duplicate` the registrants
// linked to the other partitions live on. `Supervisor.stop` of a registry stops its
// registrants with :shutdown.
describe("unique registries with several partitions restart them together", () => {
  it("a partition crash takes down every registrant, and no live process loses its name", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "unique", partitions: 4 });
      const before = await partitions(reg.pid);
      const pids: Pid[] = [];
      for (let i = 0; i < 16; i++) {
        pids.push(
          spawn(async () => {
            Registry.register(reg, `k${i}`, i);
            await receive();
          }),
        );
      }
      const refs = pids.map((p) => monitor(p));
      await settle();
      expect(Registry.count(reg)).toBe(16);
      exit(before[0] as Pid, "kill");
      const reasons = [];
      for (const ref of refs) reasons.push((await assertReceive(downFor(ref))).reason);
      // every registrant is gone, through whichever partition it was linked to
      expect(reasons.every((r) => r === "killed" || r === "shutdown")).toBe(true);
      expect(reasons).toContain("shutdown");
      await settle();
      const after = await partitions(reg.pid);
      expect(after.every((p, i) => p !== before[i])).toBe(true);
      expect(Registry.count(reg)).toBe(0);
      for (let i = 0; i < 16; i++) expect(Registry.lookup(reg, `k${i}`)).toEqual([]);
    }));

  it("a duplicate registry restarts only the crashed partition", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "duplicate", partitions: 4 });
      const before = await partitions(reg.pid);
      const pids: Pid[] = [];
      for (let i = 0; i < 16; i++) {
        pids.push(
          spawn(async () => {
            Registry.register(reg, "topic", i);
            await receive();
          }),
        );
      }
      await settle();
      exit(before[0] as Pid, "kill");
      await settle();
      const after = await partitions(reg.pid);
      expect(after[0]).not.toBe(before[0]);
      expect(after.slice(1)).toEqual(before.slice(1));
      const alive = pids.filter((p) => isAlive(p));
      expect(alive.length).toBeGreaterThan(0);
      expect(Registry.count(reg)).toBe(alive.length);
      for (const p of alive) exit(p, "kill");
    }));
});

describe("stopping a registry", () => {
  it("stops its registrants with shutdown and reports no crash", () =>
    withRuntime(async ({ logs }) => {
      const reg = await Registry.start({ keys: "unique", partitions: 2 });
      const pids: Pid[] = [];
      for (let i = 0; i < 6; i++) {
        pids.push(
          spawn(async () => {
            Registry.register(reg, `w${i}`, i);
            await receive();
          }),
        );
      }
      const refs = pids.map((p) => monitor(p));
      await settle();
      await Supervisor.stop(reg.pid);
      for (const ref of refs) expect((await assertReceive(downFor(ref))).reason).toBe("shutdown");
      expect(logs.filter((r) => r.kind === "crash")).toEqual([]);
    }));
});

describe("recognising a registry handle", () => {
  it("uses a private brand: a Proxy of a handle, or a lookalike, is refused with a typed error", () =>
    withRuntime(async () => {
      const reg = await Registry.start<string, number>({ keys: "unique" });
      const proxy = new Proxy(reg, {});
      expect(() => Registry.lookup(proxy, "a")).toThrow(BadArgumentError);
      expect(() => Registry.register(proxy, "a", 1)).toThrow(/expected a registry/);
      expect(() => Registry.via(proxy, "a")).toThrow(BadArgumentError);
      const lookalike = Object.create(Registry.RegistryHandle.prototype) as typeof reg;
      expect(() => Registry.lookup(lookalike, "a")).toThrow(/expected a registry/);
      expect(Registry.lookup(reg, "a")).toEqual([]);
      await Supervisor.stop(reg.pid);
    }));
});
