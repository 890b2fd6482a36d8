// ProcList (the runtime's live processes, linked through the processes) behaves as an
// insertion-ordered set, and the runtime's process list keeps spawn order (ADR 0004, session 4).
import { createRuntime, exit, type Pid, receive } from "@trellis/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Proc } from "../src/runtime/proc.js";
import { ProcList } from "../src/runtime/proc-list.js";

const rt0 = createRuntime();
const procs: Proc[] = Array.from(
  { length: 6 },
  () =>
    new Proc(
      rt0,
      rt0.spawn(() => {}),
    ),
);

type Op = { add: number } | { del: number };

describe("ProcList", () => {
  it("matches an insertion-ordered Set in add, delete, size and order (model check)", () => {
    const op = fc.oneof(fc.record({ add: fc.nat(5) }), fc.record({ del: fc.nat(5) }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops: Op[]) => {
        for (const p of procs) {
          p.prevLive = undefined;
          p.nextLive = undefined;
        }
        const l = new ProcList();
        const m = new Set<Proc>();
        for (const o of ops) {
          if ("add" in o) {
            const p = procs[o.add] as Proc;
            if (m.has(p)) continue; // a process is added once, at spawn
            l.add(p);
            m.add(p);
          } else {
            const p = procs[o.del] as Proc;
            expect(l.delete(p)).toBe(m.delete(p));
          }
          expect(l.size).toBe(m.size);
          expect(l.values()).toEqual([...m]);
        }
      }),
    );
  });

  it("values() is a snapshot: deleting while iterating visits every process", () => {
    const l = new ProcList();
    const ps = procs.slice(0, 3).map((p) => {
      p.prevLive = undefined;
      p.nextLive = undefined;
      return p;
    });
    for (const p of ps) l.add(p);
    const seen: Proc[] = [];
    for (const p of l.values()) {
      seen.push(p);
      l.delete(p);
    }
    expect(seen).toEqual(ps);
    expect(l.size).toBe(0);
    expect(l.values()).toEqual([]);
  });
});

describe("the runtime's processes", () => {
  it("are listed oldest first as processes come and go, and shutdown ends them all", async () => {
    const rt = createRuntime();
    const pids: Pid[] = [];
    for (let i = 0; i < 6; i++) pids.push(rt.spawn(() => receive()));
    const [a, b, c, d, e, f] = pids as [Pid, Pid, Pid, Pid, Pid, Pid];
    expect(rt.processes()).toEqual(pids);
    await rt.run(async () => {
      exit(a, "kill"); // the oldest
      exit(f, "kill"); // the newest
      exit(c, "kill"); // one in the middle
    });
    expect(rt.processes()).toEqual([b, d, e]);
    const g = rt.spawn(() => receive());
    expect(rt.processes()).toEqual([b, d, e, g]);
    await rt.shutdown();
    expect(rt.processes()).toEqual([]);
    for (const p of [b, d, e, g]) expect(rt.isAlive(p)).toBe(false);
  });
});
