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
import {
  addLink,
  addNewLink,
  deleteLink,
  LinkSet,
  type Links,
  linkValues,
} from "../src/runtime/link-set.js";

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

  // Past 8 entries lookups go through an index, and deleted entries are compacted away: the
  // same model check with 60 pids, fresh pids added with addNew (as spawn does), and
  // deletes in insertion order (an owner's tasks exiting in turn) mixed with arbitrary ones.
  it("matches a Set with many entries, addNew, in-order and arbitrary deletes (model check)", () => {
    const many: Pid[] = Array.from({ length: 60 }, () => rt0.spawn(() => {}));
    type BigOp = { add: number } | { del: number } | { fresh: number } | { oldest: true };
    const op = fc.oneof(
      fc.record({ add: fc.nat(59) }),
      fc.record({ del: fc.nat(59) }),
      fc.record({ fresh: fc.nat(59) }),
      fc.record({ oldest: fc.constant(true as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops: BigOp[]) => {
        const t = new LinkSet();
        const m = new Set<Pid>();
        for (const o of ops) {
          if ("add" in o) {
            t.add(many[o.add] as Pid);
            m.add(many[o.add] as Pid);
          } else if ("fresh" in o) {
            // addNew's contract: the pid is not in the set
            const p = many[o.fresh] as Pid;
            if (!m.has(p)) {
              t.addNew(p);
              m.add(p);
            }
          } else if ("del" in o) {
            expect(t.delete(many[o.del] as Pid)).toBe(m.delete(many[o.del] as Pid));
          } else {
            const first = m.values().next();
            if (!first.done) {
              expect(t.delete(first.value)).toBe(true);
              m.delete(first.value);
            }
          }
          expect(t.size).toBe(m.size);
          expect(t.values()).toEqual([...m]);
        }
        for (const p of many) expect(t.has(p)).toBe(m.has(p));
      }),
      { numRuns: 300 },
    );
  });

  it("2,000 links made at spawn, removed in order or in reverse, 50 times: stays a Set", () => {
    const big: Pid[] = Array.from({ length: 2000 }, () => rt0.spawn(() => {}));
    const t = new LinkSet();
    for (let round = 0; round < 50; round++) {
      for (const p of big) t.addNew(p);
      expect(t.size).toBe(big.length);
      if (round % 2 === 0) for (const p of big) expect(t.delete(p)).toBe(true);
      else for (let i = big.length - 1; i >= 0; i--) expect(t.delete(big[i] as Pid)).toBe(true);
      expect(t.size).toBe(0);
      expect(t.values()).toEqual([]);
      expect(t.has(big[0] as Pid)).toBe(false);
    }
  });

  it("finds entries by pid after the deleted head part is compacted away", () => {
    const big: Pid[] = Array.from({ length: 100 }, () => rt0.spawn(() => {}));
    const t = new LinkSet();
    const m = new Set<Pid>();
    for (const p of big) {
      t.addNew(p);
      m.add(p);
    }
    // a lookup past the head builds the index (positions in the array)
    expect(t.has(big[70] as Pid)).toBe(true);
    // 60 deleted in order: the dead part outweighs the live one and is dropped
    for (let i = 0; i < 60; i++) {
      expect(t.delete(big[i] as Pid)).toBe(true);
      m.delete(big[i] as Pid);
    }
    for (const i of [75, 99, 61, 80]) {
      expect(t.delete(big[i] as Pid)).toBe(true);
      m.delete(big[i] as Pid);
      expect(t.values()).toEqual([...m]);
    }
    for (const p of big) expect(t.has(p)).toBe(m.has(p));
    t.add(big[0] as Pid);
    m.add(big[0] as Pid);
    expect(t.values()).toEqual([...m]);
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

type LOp = { add: number } | { fresh: number } | { del: number };

describe("Links (one pid inline, a LinkSet beyond)", () => {
  it("matches a Set in every add, addNew, delete and insertion order (model check)", () => {
    const op = fc.oneof(
      fc.record({ add: fc.nat(5) }),
      fc.record({ fresh: fc.nat(5) }),
      fc.record({ del: fc.nat(5) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops: LOp[]) => {
        const p: { links: Links } = { links: undefined };
        const m = new Set<Pid>();
        for (const o of ops) {
          if ("add" in o) {
            addLink(p, pids[o.add] as Pid);
            m.add(pids[o.add] as Pid);
          } else if ("fresh" in o) {
            const pid = pids[o.fresh] as Pid;
            if (m.has(pid)) continue; // addNew takes pids not linked yet only
            addNewLink(p, pid);
            m.add(pid);
          } else {
            expect(deleteLink(p, pids[o.del] as Pid)).toBe(m.delete(pids[o.del] as Pid));
          }
          expect(linkValues(p.links)).toEqual([...m]);
        }
      }),
    );
  });

  it("one link is the pid itself; a second makes a set, in linking order", () => {
    const p: { links: Links } = { links: undefined };
    addNewLink(p, pids[0] as Pid);
    expect(p.links).toBe(pids[0]);
    addLink(p, pids[0] as Pid);
    expect(p.links).toBe(pids[0]);
    addLink(p, pids[1] as Pid);
    expect(p.links).toBeInstanceOf(LinkSet);
    expect(linkValues(p.links)).toEqual([pids[0], pids[1]]);
    expect(deleteLink(p, pids[2] as Pid)).toBe(false);
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
