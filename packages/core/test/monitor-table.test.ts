// MonitorTable (one inline entry, a Map beyond) behaves as a Map<Ref, Monitor> in insertion
// order, and monitors built on it keep their observable behaviour (ADR 0004, session 3).
import {
  createRuntime,
  demonitor,
  downFor,
  exit,
  isDown,
  monitor,
  type Pid,
  Ref,
  receive,
  self,
  spawn,
  TIMEOUT,
} from "@trellis/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addWatcher,
  deleteWatcher,
  MonitorTable,
  removeWatcher,
  setWatcher,
  WATCHED,
  type Watchers,
  watcherValues,
} from "../src/runtime/monitor-table.js";
import type { Monitor } from "../src/runtime/proc.js";

const target = createRuntime().spawn(() => {});
const refs = Array.from({ length: 6 }, (_, i) => new Ref("nonode@nohost", i + 1, 1));
const entry = (ref: Ref, tag: number): Monitor =>
  ({
    ref,
    watcher: undefined,
    watcherPid: undefined,
    target,
    name: String(tag),
    callback: undefined,
  }) as Monitor;

type Op = { set: number; tag: number } | { del: number };

describe("MonitorTable", () => {
  it("matches a Map in every get, delete, size and insertion order (model check)", () => {
    const op = fc.oneof(
      fc.record({ set: fc.nat(5), tag: fc.nat(100) }),
      fc.record({ del: fc.nat(5) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops: Op[]) => {
        const t = new MonitorTable();
        const m = new Map<Ref, Monitor>();
        for (const o of ops) {
          if ("set" in o) {
            const e = entry(refs[o.set] as Ref, o.tag);
            t.set(e.ref, e);
            m.set(e.ref, e);
          } else {
            expect(t.delete(refs[o.del] as Ref)).toBe(m.delete(refs[o.del] as Ref));
          }
          expect(t.size).toBe(m.size);
          expect(t.values()).toEqual([...m.values()]);
          expect([...t]).toEqual([...m]);
          const only = t.only();
          if (only !== undefined) expect([...m.values()]).toEqual([only]);
          for (const r of refs) expect(t.get(r)).toBe(m.get(r));
        }
      }),
    );
  });

  it("values() is a snapshot: deleting while iterating visits every entry", () => {
    const t = new MonitorTable();
    for (let i = 0; i < 3; i++) t.set(refs[i] as Ref, entry(refs[i] as Ref, i));
    const seen: string[] = [];
    for (const e of t.values()) {
      seen.push(e.name as string);
      t.delete(e.ref);
    }
    expect(seen).toEqual(["0", "1", "2"]);
    expect(t.size).toBe(0);
  });
});

type WOp =
  | { add: number; tag: number }
  | { set: number; tag: number }
  | { del: number }
  | { rm: number };

describe("Watchers (one record inline, a table beyond)", () => {
  it("matches a Map in every add, set, delete, remove and insertion order (model check)", () => {
    const op = fc.oneof(
      fc.record({ add: fc.nat(5), tag: fc.nat(100) }),
      fc.record({ set: fc.nat(5), tag: fc.nat(100) }),
      fc.record({ del: fc.nat(5) }),
      fc.record({ rm: fc.nat(5) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops: WOp[]) => {
        const t: { watchers: Watchers } = { watchers: undefined };
        const m = new Map<Ref, Monitor>();
        for (const o of ops) {
          if ("add" in o) {
            const ref = refs[o.add] as Ref;
            if (m.has(ref)) continue; // add takes fresh references only
            const e = entry(ref, o.tag);
            addWatcher(t, e);
            m.set(ref, e);
          } else if ("set" in o) {
            const e = entry(refs[o.set] as Ref, o.tag);
            setWatcher(t, e.ref, e);
            m.set(e.ref, e);
          } else if ("del" in o) {
            const ref = refs[o.del] as Ref;
            expect(deleteWatcher(t, ref)).toBe(m.delete(ref));
          } else {
            // removing by record: the record in the table, or a stranger with the same ref
            const ref = refs[o.rm] as Ref;
            const held = m.get(ref);
            expect(removeWatcher(t, entry(ref, -1))).toBe(false);
            expect(removeWatcher(t, held ?? entry(ref, -2))).toBe(held !== undefined);
            m.delete(ref);
          }
          expect(watcherValues(t.watchers)).toEqual([...m.values()]);
          // one watcher sits inline, with no table
          if (m.size === 1 && !(t.watchers instanceof MonitorTable)) {
            expect(t.watchers).toBe([...m.values()][0]);
          }
          if (m.size === 0 && !(t.watchers instanceof MonitorTable)) {
            expect(t.watchers).toBeUndefined();
          }
        }
      }),
    );
  });

  it("a single watcher takes no table; the second makes one in watching order", () => {
    const t: { watchers: Watchers } = { watchers: undefined };
    const a = entry(refs[0] as Ref, 0);
    const b = entry(refs[1] as Ref, 1);
    addWatcher(t, a);
    expect(t.watchers).toBe(a);
    addWatcher(t, b);
    expect(t.watchers).toBeInstanceOf(MonitorTable);
    expect(watcherValues(t.watchers)).toEqual([a, b]);
    expect(new MonitorTable(WATCHED).size).toBe(0);
  });
});

describe("monitors over the inline slot", () => {
  it("one watcher, then a second, then the first leaves: only the second gets the DOWN", async () => {
    const rt = createRuntime();
    await rt.run(async () => {
      const pid: Pid = spawn(() => receive());
      const first = monitor(pid);
      expect(rt.processInfo(pid)?.monitoredBy).toEqual([self()]);
      const second = monitor(pid);
      expect(rt.processInfo(pid)?.monitoredBy).toEqual([self(), self()]);
      expect(demonitor(first)).toBe(true);
      expect(rt.processInfo(pid)?.monitoredBy).toEqual([self()]);
      exit(pid, "bye");
      const down = await receive((m) => isDown(m));
      expect(isDown(down) && down.ref).toBe(second);
      expect(await receive((m) => isDown(m), { timeout: 0 })).toBe(TIMEOUT);
    });
    await rt.shutdown();
  });

  it("two monitors on one process: demonitoring the first keeps the second, which fires", async () => {
    const rt = createRuntime();
    await rt.run(async () => {
      const pid: Pid = spawn(() => receive());
      const first = monitor(pid);
      const second = monitor(pid);
      const third = monitor(pid);
      expect(rt.processInfo(pid)?.monitoredBy.length).toBe(3);
      expect(demonitor(first)).toBe(true);
      expect(demonitor(first)).toBe(false);
      expect(rt.processInfo(pid)?.monitoredBy.length).toBe(2);
      exit(pid, "bye");
      expect((await receive(downFor(second))).reason).toBe("bye");
      expect((await receive(downFor(third))).reason).toBe("bye");
      expect(await receive((m) => isDown(m), { timeout: 0 })).toBe(TIMEOUT);
    });
    await rt.shutdown();
  });

  it("a process's own monitors are listed in the order they were made", async () => {
    const rt = createRuntime();
    await rt.run(async () => {
      const a = spawn(() => receive());
      const b = spawn(() => receive());
      const ra = monitor(a);
      const rb = monitor(b);
      const info = rt.processInfo(a);
      expect(info?.monitoredBy.length).toBe(1);
      const mine = rt.processInfo(self())?.monitors;
      expect(mine).toEqual([
        { ref: ra, pid: a },
        { ref: rb, pid: b },
      ]);
      demonitor(ra);
      exit(b, "kill");
      expect((await receive(downFor(rb))).reason).toBe("killed");
      exit(a, "kill");
    });
    await rt.shutdown();
  });
});
