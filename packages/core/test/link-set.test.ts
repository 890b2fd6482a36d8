// LinkSet (one inline entry, a Set beyond) behaves as a Set<Pid> in insertion order, and
// links built on it keep their observable behaviour (ADR 0004, session 4).
import {
  createRuntime,
  type ExitMessage,
  exit,
  isExit,
  link,
  type Pid,
  receive,
  self,
  spawn,
  spawnLink,
  TIMEOUT,
  trapExit,
  unlink,
} from "@trellis/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LinkSet } from "../src/runtime/link-set.js";

const rt0 = createRuntime();
const pids: Pid[] = Array.from({ length: 6 }, () => rt0.spawn(() => {}));

type Op = { add: number } | { del: number };

describe("LinkSet", () => {
  it("matches a Set in every has, add, delete, size and insertion order (model check)", () => {
    const op = fc.oneof(fc.record({ add: fc.nat(5) }), fc.record({ del: fc.nat(5) }));
    fc.assert(
      fc.property(
        fc.option(fc.nat(5), { nil: undefined }),
        fc.array(op, { maxLength: 40 }),
        (first, ops: Op[]) => {
          const firstPid = first === undefined ? undefined : (pids[first] as Pid);
          const t = new LinkSet(firstPid);
          const m = new Set<Pid>(firstPid === undefined ? [] : [firstPid]);
          for (const o of ops) {
            if ("add" in o) {
              expect(t.add(pids[o.add] as Pid)).toBe(t);
              m.add(pids[o.add] as Pid);
            } else {
              expect(t.delete(pids[o.del] as Pid)).toBe(m.delete(pids[o.del] as Pid));
            }
            expect(t.size).toBe(m.size);
            expect(t.values()).toEqual([...m]);
            expect([...t]).toEqual([...m]);
            const only = t.only();
            if (only !== undefined) expect([...m]).toEqual([only]);
            for (const p of pids) expect(t.has(p)).toBe(m.has(p));
          }
        },
      ),
    );
  });

  it("values() is a snapshot: deleting while iterating visits every link", () => {
    const t = new LinkSet();
    for (let i = 0; i < 3; i++) t.add(pids[i] as Pid);
    const seen: Pid[] = [];
    for (const p of t.values()) {
      seen.push(p);
      t.delete(p);
    }
    expect(seen).toEqual(pids.slice(0, 3));
    expect(t.size).toBe(0);
    const one = new LinkSet(pids[0]);
    const snap = one.values();
    one.delete(pids[0] as Pid);
    expect(snap).toEqual([pids[0]]);
  });
});

describe("links over the inline slot", () => {
  it("a child linked at spawn, then more links: every link gets the exit signal, in order", async () => {
    const rt = createRuntime();
    await rt.run(async () => {
      trapExit(true);
      const me = self();
      const child = spawnLink(() => receive());
      const other = spawn(async () => {
        trapExit(true);
        const m = await receive(isExit);
        exit(me, { other: (m as ExitMessage).reason });
      });
      const third = spawn(() => receive());
      link(other); // me: [child, other]
      expect(rt.processInfo(child)?.links).toEqual([me]);
      expect(rt.processInfo(me)?.links).toEqual([child, other]);
      unlink(other);
      expect(rt.processInfo(me)?.links).toEqual([child]);
      link(other);
      link(third);
      expect(rt.processInfo(me)?.links).toEqual([child, other, third]);
      exit(child, "bye");
      const m = await receive(isExit);
      expect(m.from).toBe(child);
      expect(m.reason).toBe("bye");
      expect(rt.processInfo(me)?.links).toEqual([other, third]);
      exit(third, "kill");
      const k = await receive(isExit);
      expect([k.from, k.reason]).toEqual([third, "killed"]);
      expect(rt.processInfo(me)?.links).toEqual([other]);
      unlink(other);
      exit(other, "kill");
      expect(await receive(isExit, { timeout: 0 })).toBe(TIMEOUT);
    });
    await rt.shutdown();
  });

  it("a process with one link that dies takes its linked partner down, and the partner's Set shrinks", async () => {
    const rt = createRuntime();
    await rt.run(async () => {
      trapExit(true);
      const a = spawnLink(() => receive());
      const b = spawnLink(() => receive());
      expect(rt.processInfo(self())?.links).toEqual([a, b]);
      exit(a, "boom");
      expect((await receive(isExit)).from).toBe(a);
      expect(rt.processInfo(self())?.links).toEqual([b]);
      expect(rt.processInfo(b)?.links).toEqual([self()]);
      exit(b, "kill");
      expect((await receive(isExit)).reason).toBe("killed");
      expect(rt.processInfo(self())?.links).toEqual([]);
    });
    await rt.shutdown();
  });
});
