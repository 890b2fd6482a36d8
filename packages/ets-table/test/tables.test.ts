import { BadArgumentError, createRuntime, NotInProcessError, self, spawnLink } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Ets from "@trellis/ets-table";
import { describe, expect, it } from "vitest";

describe("create (§10 items 1, 2)", () => {
  it("defaults to a protected, unnamed set keyed on the first element", () =>
    withRuntime(() => {
      const t = Ets.create("things");
      expect(Ets.info(t)).toEqual({
        id: t.id,
        name: "things",
        named: false,
        type: "set",
        access: "protected",
        keyPos: 0,
        size: 0,
        memory: expect.any(Number),
        owner: self(),
        heir: "none",
      });
      expect(t).toBeInstanceOf(Ets.Table);
      expect(String(t)).toBe(`#Table<things.${t.id}>`);
    }));

  it("lets two unnamed tables share a name, and neither is found by it", () =>
    withRuntime(() => {
      const a = Ets.create("same");
      const b = Ets.create("same");
      expect(a).not.toBe(b);
      Ets.insert(a, ["k", 1]);
      expect(Ets.lookup(b, "k")).toEqual([]);
      expect(Ets.whereis("same")).toBeUndefined();
      expect(() => Ets.lookup("same", "k")).toThrow(Ets.NoTableError);
    }));

  it("finds a named table by name, and refuses a second one with the same name", () =>
    withRuntime(() => {
      const t = Ets.create("config", { named: true });
      expect(Ets.whereis("config")).toBe(t);
      Ets.insert("config", ["mode", "fast"]);
      expect(Ets.lookup(t, "mode")).toEqual([["mode", "fast"]]);
      expect(() => Ets.create("config", { named: true })).toThrow(/already exists/);
      // An unnamed table may still use the name.
      expect(() => Ets.create("config")).not.toThrow();
    }));

  it("keeps names per runtime", async () => {
    const other = createRuntime();
    try {
      await withRuntime(async () => {
        Ets.create("shared", { named: true });
        const there = await other.run(() => {
          const t = Ets.create("shared", { named: true });
          return Ets.whereis("shared") === t;
        });
        expect(there).toBe(true);
      });
    } finally {
      await other.shutdown();
    }
  });

  it("needs a process to own the table", () => {
    expect(() => Ets.create("t")).toThrow(NotInProcessError);
  });

  it("rejects unknown and invalid options with a clear error", () =>
    withRuntime(() => {
      expect(() => Ets.create("t", { keypos: 1 } as never)).toThrow(/unknown option "keypos"/);
      expect(() => Ets.create("t", { type: "tree" } as never)).toThrow(/type must be one of/);
      expect(() => Ets.create("t", { access: "open" } as never)).toThrow(/access must be one of/);
      expect(() => Ets.create("t", { keyPos: -1 })).toThrow(/keyPos must be an integer from 0/);
      expect(() => Ets.create("t", { keyPos: 1.5 })).toThrow(BadArgumentError);
      expect(() => Ets.create("t", { keyPos: 1e308 })).toThrow(BadArgumentError);
      expect(() => Ets.create("t", { keyPos: 2 ** 32 - 1 })).toThrow(BadArgumentError);
      expect(() => Ets.create("t", { named: "yes" } as never)).toThrow(/named must be a boolean/);
      expect(() => Ets.create("t", { heir: "someone" } as never)).toThrow(/heir must be a pid/);
      expect(() => Ets.create(42 as never)).toThrow(/name must be a string/);
    }));

  it("accepts every table type", () =>
    withRuntime(() => {
      for (const type of ["set", "ordered_set", "bag", "duplicate_bag"] as const) {
        expect(Ets.info(Ets.create("t", { type }), "type")).toBe(type);
      }
    }));
});

describe("keyPos (item 23)", () => {
  it("makes the element at that 0-based position the key", () =>
    withRuntime(() => {
      const t = Ets.create<[string, number, string], 1>("t", { keyPos: 1 });
      Ets.insert(t, ["a", 1, "x"]);
      Ets.insert(t, ["b", 1, "y"]);
      Ets.insert(t, ["c", 2, "z"]);
      expect(Ets.lookup(t, 1)).toEqual([["b", 1, "y"]]);
      expect(Ets.info(t, "size")).toBe(2);
      expect(Ets.member(t, "a" as never)).toBe(false);
    }));

  it("rejects rows too short to have a key there", () =>
    withRuntime(() => {
      const t = Ets.create("t", { keyPos: 2 });
      expect(() => Ets.insert(t, ["a", "b"])).toThrow(
        /has 2 element\(s\), but .* key at position 2/,
      );
      expect(Ets.info(t, "size")).toBe(0);
    }));
});

describe("info (item 22) and deleteTable (item 11)", () => {
  it("reports every item, alone or together", () =>
    withRuntime(() => {
      const heir = spawnLink(() => new Promise(() => {}));
      const t = Ets.create("t", {
        type: "bag",
        access: "public",
        named: true,
        keyPos: 1,
        heir,
        heirData: "d",
      });
      Ets.insertMany(t, [
        ["x", 1],
        ["y", 1],
      ]);
      expect(Ets.info(t, "type")).toBe("bag");
      expect(Ets.info(t, "access")).toBe("public");
      expect(Ets.info(t, "keyPos")).toBe(1);
      expect(Ets.info(t, "size")).toBe(2);
      expect(Ets.info(t, "named")).toBe(true);
      expect(Ets.info(t, "owner")).toBe(self());
      expect(Ets.info(t, "heir")).toBe(heir);
      expect(Ets.info(t, "name")).toBe("t");
      expect(Ets.info("t", "memory")).toBeGreaterThan(0);
      expect(() => Ets.info(t, "bogus" as never)).toThrow(/unknown item/);
      Ets.deleteTable(t);
    }));

  it("memory grows with the rows", () =>
    withRuntime(() => {
      const t = Ets.create("t");
      const empty = Ets.info(t, "memory") as number;
      for (let i = 0; i < 5000; i++) Ets.insert(t, [i, "some value", i]);
      expect(Ets.info(t, "memory")).toBeGreaterThan(empty + 5000 * 20);
    }));

  it("after deleteTable: info is undefined and every use throws NoTableError", () =>
    withRuntime(() => {
      const t = Ets.create("gone", { named: true });
      Ets.insert(t, [1]);
      expect(Ets.deleteTable(t)).toBe(true);
      expect(Ets.info(t)).toBeUndefined();
      expect(Ets.info(t, "size")).toBeUndefined();
      expect(Ets.info("gone")).toBeUndefined();
      expect(Ets.whereis("gone")).toBeUndefined();
      expect(() => Ets.lookup(t, 1)).toThrow(Ets.NoTableError);
      expect(() => Ets.lookup(t, 1)).toThrow(/has been deleted/);
      expect(() => Ets.insert(t, [2])).toThrow(Ets.NoTableError);
      expect(() => Ets.deleteTable(t)).toThrow(Ets.NoTableError);
      expect(() => Ets.select(t, [[Ets._, [], [Ets.$_]]])).toThrow(BadArgumentError);
      // The name is free again.
      expect(() => Ets.create("gone", { named: true })).not.toThrow();
    }));

  it("rejects something that is not a table", () =>
    withRuntime(() => {
      expect(() => Ets.lookup(42 as never, 1)).toThrow(/expected a table/);
      expect(() => Ets.info({} as never)).toThrow(BadArgumentError);
    }));

  it("recognises its handles by a private brand: a Proxy of one is not a table, nor is a lookalike", () =>
    withRuntime(() => {
      const t = Ets.create<[number, string]>("branded", { access: "public" });
      Ets.insert(t, [1, "a"]);
      const proxy = new Proxy(t, {});
      expect(() => Ets.lookup(proxy, 1)).toThrow(BadArgumentError);
      expect(() => Ets.insert(proxy, [2, "b"])).toThrow(/expected a table/);
      expect(() => Ets.info(proxy)).toThrow(BadArgumentError);
      // An object made to look like a table (its prototype) is not one either.
      const lookalike = Object.create(Ets.Table.prototype) as typeof t;
      expect(() => Ets.lookup(lookalike, 1)).toThrow(/expected a table/);
      expect(Ets.lookup(t, 1)).toEqual([[1, "a"]]);
      expect(Ets.info(t, "size")).toBe(1);
    }));
});

describe("rename (item 2)", () => {
  it("moves a named table to the new name", () =>
    withRuntime(() => {
      const t = Ets.create("old", { named: true });
      expect(Ets.rename("old", "new")).toBe("new");
      expect(Ets.whereis("old")).toBeUndefined();
      expect(Ets.whereis("new")).toBe(t);
      expect(t.name).toBe("new");
      expect(() => Ets.lookup("old", 1)).toThrow(Ets.NoTableError);
    }));

  it("refuses a taken name, also the table's own", () =>
    withRuntime(() => {
      Ets.create("a", { named: true });
      Ets.create("b", { named: true });
      expect(() => Ets.rename("a", "b")).toThrow(/already exists/);
      expect(() => Ets.rename("a", "a")).toThrow(/already exists/);
    }));

  it("renames an unnamed table without registering it", () =>
    withRuntime(() => {
      const t = Ets.create("x");
      Ets.rename(t, "y");
      expect(Ets.info(t, "name")).toBe("y");
      expect(Ets.whereis("y")).toBeUndefined();
    }));
});
