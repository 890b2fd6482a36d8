import {
  createRuntime,
  exit,
  isDown,
  isExit,
  monitor,
  type Pid,
  receive,
  self,
  send,
  spawn,
  spawnLink,
  TIMEOUT,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as Ets from "@trellis/ets-table";
import { describe, expect, it } from "vitest";

/** Runs `fn` in another (linked) process and returns what it returned or threw. */
async function inOther<T>(
  fn: () => T,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  const me = self();
  const tag = Symbol("result");
  spawnLink(() => {
    try {
      send(me, { tag, result: { ok: true, value: fn() } });
    } catch (error) {
      send(me, { tag, result: { ok: false, error } });
    }
  });
  const msg = await receive<{
    tag: symbol;
    result: { ok: true; value: T } | { ok: false; error: unknown };
  }>((m) => typeof m === "object" && m !== null && (m as { tag?: unknown }).tag === tag);
  return msg.result;
}

async function deniedTo(fn: () => unknown): Promise<Ets.AccessError> {
  const r = await inOther(fn);
  expect(r.ok).toBe(false);
  const error = (r as { error: unknown }).error;
  expect(error).toBeInstanceOf(Ets.AccessError);
  return error as Ets.AccessError;
}

/** A process that waits until told "stop" (or killed). */
const idle = (): Promise<unknown> => receive((m) => m === "stop");

async function mailbox(): Promise<unknown[]> {
  const out: unknown[] = [];
  for (;;) {
    const m = await receive(undefined, { timeout: 0 });
    if (m === TIMEOUT) return out;
    out.push(m);
  }
}

describe("access from another process (item 17)", () => {
  it("protected: others read, only the owner writes", () =>
    withRuntime(async () => {
      const t = Ets.create("prot");
      Ets.insert(t, ["k", 1]);
      expect(await inOther(() => Ets.lookup(t, "k"))).toEqual({ ok: true, value: [["k", 1]] });
      expect(await inOther(() => Ets.select(t, [[Ets._, [], [Ets.$_]]]))).toEqual({
        ok: true,
        value: [["k", 1]],
      });
      const err = await deniedTo(() => Ets.insert(t, ["k", 2]));
      expect(err.needed).toBe("write");
      expect(err.table).toBe("prot");
      expect(err.access).toBe("protected");
      expect(err.pid).not.toBe(self());
      expect(err.message).toMatch(/may not write the table "prot": the table is protected/);
      for (const op of [
        () => Ets.delete(t, "k"),
        () => Ets.updateCounter(t, "k", 1),
        () => Ets.take(t, "k"),
        () => Ets.deleteAllObjects(t),
        () => Ets.selectDelete(t, [[Ets._, [], [true]]]),
        () => Ets.rename(t, "x"),
        () => Ets.deleteTable(t),
      ]) {
        await deniedTo(op);
      }
      expect(Ets.lookup(t, "k")).toEqual([["k", 1]]);
    }));

  it("private: others can neither read nor write, but info works", () =>
    withRuntime(async () => {
      const t = Ets.create("priv", { access: "private" });
      Ets.insert(t, ["k", 1]);
      expect((await deniedTo(() => Ets.lookup(t, "k"))).needed).toBe("read");
      await deniedTo(() => Ets.first(t));
      await deniedTo(() => Ets.toList(t));
      await deniedTo(() => Ets.match(t, [Ets.$1, Ets._]));
      await deniedTo(() => Ets.insert(t, ["k", 2]));
      expect(await inOther(() => Ets.info(t, "size"))).toEqual({ ok: true, value: 1 });
      expect(Ets.lookup(t, "k")).toEqual([["k", 1]]);
    }));

  it("public: everyone reads and writes, and anyone may delete the table", () =>
    withRuntime(async () => {
      const t = Ets.create("pub", { access: "public" });
      expect((await inOther(() => Ets.insert(t, ["k", 1]))).ok).toBe(true);
      expect(Ets.lookup(t, "k")).toEqual([["k", 1]]);
      expect((await inOther(() => Ets.deleteTable(t))).ok).toBe(true);
      expect(Ets.info(t)).toBeUndefined();
    }));

  it("by name, too", () =>
    withRuntime(async () => {
      Ets.create("named_prot", { named: true });
      await deniedTo(() => Ets.insert("named_prot", ["k", 1]));
      expect((await inOther(() => Ets.lookup("named_prot", "k"))).ok).toBe(true);
    }));
});

describe("code outside any process", () => {
  it("reads protected and public tables and writes only public ones", async () => {
    const rt = createRuntime();
    let tables!: { prot: Ets.Table; pub: Ets.Table; priv: Ets.Table };
    await new Promise<void>((ready) => {
      rt.spawn(async () => {
        tables = {
          prot: Ets.create("prot"),
          pub: Ets.create("pub", { access: "public" }),
          priv: Ets.create("priv", { access: "private" }),
        };
        Ets.insert(tables.prot, ["k", 1]);
        ready();
        await idle();
      });
    });
    try {
      expect(Ets.lookup(tables.prot, "k")).toEqual([["k", 1]]);
      expect(() => Ets.insert(tables.prot, ["k", 2])).toThrow(
        /code outside any process may not write/,
      );
      expect(Ets.insert(tables.pub, ["k", 2])).toBe(true);
      expect(Ets.lookup(tables.pub, "k")).toEqual([["k", 2]]);
      expect(() => Ets.lookup(tables.priv, "k")).toThrow(Ets.AccessError);
      expect(Ets.info(tables.priv, "size")).toBe(0);
    } finally {
      await rt.shutdown();
    }
    // The owner died with the runtime, and its tables with it.
    expect(Ets.info(tables.prot)).toBeUndefined();
  });
});

describe("owner death (item 18)", () => {
  it("deletes the table, whatever the exit reason", () =>
    withRuntime(async () => {
      for (const reason of ["normal", "kill", "boom"]) {
        const me = self();
        const owner = spawn(async () => {
          send(me, Ets.create("mine", { named: true }));
          await idle();
        });
        const t = await receive<Ets.Table>((m) => m instanceof Ets.Table);
        expect(Ets.info(t, "owner")).toBe(owner);
        const ref = monitor(owner);
        if (reason === "normal") send(owner, "stop");
        else exit(owner, reason);
        await assertReceive((m) => isDown(m) && m.ref === ref);
        expect(Ets.info(t)).toBeUndefined();
        expect(Ets.whereis("mine")).toBeUndefined();
        expect(() => Ets.lookup(t, 1)).toThrow(Ets.NoTableError);
      }
    }));
});

describe("heir (item 19)", () => {
  it("the heir inherits the table and gets ETS-TRANSFER before the old owner's EXIT and DOWN", () =>
    withRuntime(async () => {
      trapExit(true);
      const me = self();
      const owner = spawnLink(async () => {
        const t = Ets.create("inherited", { heir: me, heirData: { why: "backup" } });
        Ets.insert(t, ["k", 1]);
        send(me, t);
        await idle();
      });
      const t = await receive<Ets.Table>((m) => m instanceof Ets.Table);
      expect(Ets.info(t, "heir")).toBe(me);
      const ref = monitor(owner);
      exit(owner, "kill");
      const msgs = await mailbox();
      expect(msgs).toHaveLength(3);
      const [transfer, second, third] = msgs;
      expect(Ets.isTransfer(transfer)).toBe(true);
      expect(transfer).toBeInstanceOf(Ets.TransferMessage);
      const tm = transfer as Ets.TransferMessage;
      expect(tm.type).toBe("ETS-TRANSFER");
      expect(tm.table).toBe(t);
      expect(tm.from).toBe(owner);
      expect(tm.data).toEqual({ why: "backup" });
      expect([second, third].some((m) => isExit(m) && m.from === owner)).toBe(true);
      expect([second, third].some((m) => isDown(m) && m.ref === ref)).toBe(true);
      // The table lives on, owned by the heir, whose heir field now names itself.
      expect(Ets.info(t, "owner")).toBe(me);
      expect(Ets.info(t, "heir")).toBe(me);
      Ets.insert(t, ["k", 2]);
      expect(Ets.lookup(t, "k")).toEqual([["k", 2]]);
    }));

  it("when the new owner dies too, the table goes", () =>
    withRuntime(async () => {
      const me = self();
      const heir = spawnLink(async () => {
        const msg = await receive(Ets.isTransfer);
        send(me, { inherited: msg.table });
        await idle();
      });
      const owner = spawnLink(async () => {
        send(me, Ets.create("t", { heir }));
        await idle();
      });
      const t = await receive<Ets.Table>((m) => m instanceof Ets.Table);
      send(owner, "stop");
      await assertReceive((m) => typeof m === "object" && m !== null && "inherited" in m);
      expect(Ets.info(t, "owner")).toBe(heir);
      const ref = monitor(heir);
      send(heir, "stop");
      await assertReceive((m) => isDown(m) && m.ref === ref);
      expect(Ets.info(t)).toBeUndefined();
    }));

  it("a dead heir or none: the table is deleted", () =>
    withRuntime(async () => {
      const me = self();
      const heir = spawn(idle);
      const owner = spawnLink(async () => {
        send(me, [Ets.create("a", { heir }), Ets.create("b")]);
        await idle();
      });
      const [a, b] = await receive<[Ets.Table, Ets.Table]>((m) => Array.isArray(m));
      exit(heir, "kill");
      const ref = monitor(owner);
      send(owner, "stop");
      await assertReceive((m) => isDown(m) && m.ref === ref);
      expect(Ets.info(a)).toBeUndefined();
      expect(Ets.info(b)).toBeUndefined();
    }));
});

describe("giveAway (item 20)", () => {
  it("hands the table over with the gift; the giver loses access to a private table", () =>
    withRuntime(async () => {
      const me = self();
      const receiver = spawnLink(async () => {
        const msg = await receive(Ets.isTransfer);
        send(me, { got: msg });
        await idle();
      });
      const t = Ets.create("gift", { access: "private" });
      Ets.insert(t, ["k", 1]);
      expect(Ets.giveAway(t, receiver, "present")).toBe(true);
      const { got } = await assertReceive<{ got: Ets.TransferMessage }>(
        (m) => typeof m === "object" && m !== null && "got" in m,
      );
      expect(got.table).toBe(t);
      expect(got.from).toBe(me);
      expect(got.data).toBe("present");
      expect(Ets.info(t, "owner")).toBe(receiver);
      expect(() => Ets.lookup(t, "k")).toThrow(Ets.AccessError);
      // The new owner's death now deletes it; the giver's does not.
      const ref = monitor(receiver);
      send(receiver, "stop");
      await assertReceive((m) => isDown(m) && m.ref === ref);
      expect(Ets.info(t)).toBeUndefined();
    }));

  it("refuses self, a dead pid, a non-pid, a deleted table, and a non-owner", () =>
    withRuntime(async () => {
      const t = Ets.create("t", { access: "public" });
      expect(() => Ets.giveAway(t, self(), 1)).toThrow(/already owns/);
      const dead = spawn(() => {});
      await receive(undefined, { timeout: 10 });
      expect(() => Ets.giveAway(t, dead, 1)).toThrow(/is not a live process/);
      expect(() => Ets.giveAway(t, "someone" as unknown as Pid, 1)).toThrow(/expected a pid/);
      const other = spawnLink(idle);
      const err = await deniedTo(() => Ets.giveAway(t, other, 1));
      expect(err.needed).toBe("owner");
      Ets.deleteTable(t);
      expect(() => Ets.giveAway(t, other, 1)).toThrow(Ets.NoTableError);
      await refuteReceive(Ets.isTransfer);
    }));
});

describe("setOptions (item 21)", () => {
  it("changes the heir and the access mode", () =>
    withRuntime(async () => {
      const t = Ets.create("t");
      const heir = spawnLink(idle);
      expect(Ets.setOptions(t, { heir, heirData: 7 })).toBe(true);
      expect(Ets.info(t, "heir")).toBe(heir);
      expect(Ets.setOptions(t, { heir: "none" })).toBe(true);
      expect(Ets.info(t, "heir")).toBe("none");
      Ets.setOptions(t, { access: "public" });
      expect(Ets.info(t, "access")).toBe("public");
      expect((await inOther(() => Ets.insert(t, ["k", 1]))).ok).toBe(true);
      Ets.setOptions(t, { heir: self() });
      expect(Ets.info(t, "heir")).toBe(self());
    }));

  it("reads of integer keys follow access changes and deletion", () =>
    withRuntime(async () => {
      for (const type of ["set", "bag", "duplicate_bag"] as const) {
        const t = Ets.create<[number, string]>("ints", { type, access: "public" });
        Ets.insert(t, [1, "a"]);
        const read = () => Ets.lookup(t, 1);
        expect(await inOther(read)).toEqual({ ok: true, value: [[1, "a"]] });
        Ets.setOptions(t, { access: "private" });
        const denied = await deniedTo(read);
        expect(denied.message).toMatch(/Ets\.lookup/);
        expect(read()).toEqual([[1, "a"]]);
        Ets.setOptions(t, { access: "protected" });
        expect(await inOther(read)).toEqual({ ok: true, value: [[1, "a"]] });
        Ets.deleteTable(t);
        expect(read).toThrow(Ets.NoTableError);
        const after = await inOther(read);
        expect(after.ok).toBe(false);
        expect((after as { error: unknown }).error).toBeInstanceOf(Ets.NoTableError);
      }
    }));

  it("a heir that is already dead counts as none", () =>
    withRuntime(async () => {
      const t = Ets.create("t");
      const dead = spawn(() => {});
      await receive(undefined, { timeout: 10 });
      Ets.setOptions(t, { heir: dead, heirData: 1 });
      expect(Ets.info(t, "heir")).toBe("none");
    }));

  it("only the owner may, and malformed options change nothing", () =>
    withRuntime(async () => {
      const t = Ets.create("t", { access: "public" });
      await deniedTo(() => Ets.setOptions(t, { access: "private" }));
      expect(() => Ets.setOptions(t, { protection: "private" } as never)).toThrow(
        /unknown option "protection"/,
      );
      expect(() => Ets.setOptions(t, { access: "secret" } as never)).toThrow(
        /access must be one of/,
      );
      expect(() => Ets.setOptions(t, { heir: 42 } as never)).toThrow(/heir must be a pid/);
      expect(() => Ets.setOptions(t, { heirData: 1 })).toThrow(/heirData goes with heir/);
      expect(() => Ets.setOptions(t, null as never)).toThrow(/options must be an object/);
      expect(Ets.info(t, "access")).toBe("public");
      expect(Ets.info(t, "heir")).toBe("none");
    }));
});

describe("a handle gives no way around access rights (issue #16, item 5)", () => {
  it("setting $, $.access or $.owner on a handle changes nothing", () =>
    withRuntime(async () => {
      const t = Ets.create<[string, number]>("secret", { access: "private", named: true });
      Ets.insert(t, ["k", 1]);
      const found = Ets.whereis("secret");
      expect(found).toBeDefined();
      const attack = (): unknown => {
        const h = found as unknown as Record<string, unknown>;
        expect(h["$"]).toBeUndefined();
        h["$"] = { access: "public", owner: self(), alive: true };
        return Ets.lookup(found as Ets.Table<[string, number]>, "k");
      };
      await deniedTo(attack);
      expect(Ets.info(t, "access")).toBe("private");
      const chunk = Ets.select(t, [[Ets._, [], [Ets.$_]]], 1);
      expect(Object.keys(chunk === Ets.END_OF_TABLE ? {} : chunk[1])).toEqual([]);
    }));
});
