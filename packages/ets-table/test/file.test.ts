import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BadArgumentError, makeRef, self } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Ets from "@trellis/ets-table";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "trellis-ets-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("tabToFile and fileToTab", () => {
  it("round-trips every kind of term and the table's options", () =>
    withRuntime(async () => {
      const path = join(dir, "round.ets");
      const t = Ets.create("everything", { type: "bag", access: "public", keyPos: 1, named: true });
      const rows = [
        ["a", 1, 1.5, -0, Number.NaN, Number.POSITIVE_INFINITY],
        ["b", 1, 2n ** 70n, -5n, true, false, null, undefined],
        ["c", ["nested", [1, { deep: [undefined] }]], { $u: 1, $m: "tricky keys" }, ""],
        ["d", "unicode ✓ \u{1F600}", { a: { b: 2 } }],
      ];
      Ets.insertMany(t, rows);
      await Ets.tabToFile(t, path);
      Ets.deleteTable(t);
      const back = await Ets.fileToTab(path);
      expect(Ets.info(back)).toMatchObject({
        name: "everything",
        type: "bag",
        access: "public",
        keyPos: 1,
        named: true,
        owner: self(),
        size: 4,
      });
      expect(Ets.whereis("everything")).toBe(back);
      const got = Ets.toList(back);
      expect(got).toHaveLength(4);
      for (const row of rows) expect(got).toContainEqual(row);
      expect(Object.is((Ets.lookup(back, 1).find((r) => r[0] === "a") as unknown[])[3], -0)).toBe(
        true,
      );
    }));

  it("keeps an ordered_set's order", () =>
    withRuntime(async () => {
      const path = join(dir, "ordered.ets");
      const t = Ets.create<[number]>("o", { type: "ordered_set" });
      for (let i = 0; i < 500; i++) Ets.insert(t, [(i * 7919) % 500]);
      await Ets.tabToFile(t, path);
      const back = await Ets.fileToTab<[number]>(path);
      expect(Ets.toList(back)).toEqual(Ets.toList(t));
    }));

  it("refuses pids and refs, before writing anything", () =>
    withRuntime(async () => {
      const path = join(dir, "pids.ets");
      const t = Ets.create("p");
      Ets.insert(t, ["me", self()]);
      await expect(Ets.tabToFile(t, path)).rejects.toThrow(/holds a pid/);
      Ets.deleteAllObjects(t);
      Ets.insert(t, ["ref", makeRef()]);
      await expect(Ets.tabToFile(t, path)).rejects.toThrow(/holds a ref/);
      await expect(readFile(path)).rejects.toThrow();
      await expect(Ets.tabToFile(t, "")).rejects.toThrow(BadArgumentError);
    }));

  it("a file that cannot be read rejects with a TableFileError (issue #16, item 7)", () =>
    withRuntime(async () => {
      const missing = Ets.fileToTab(join(dir, "no-such-file.ets"));
      await expect(missing).rejects.toBeInstanceOf(Ets.TableFileError);
      await expect(missing).rejects.toMatchObject({ problem: "unreadable" });
      await expect(Ets.fileToTab(dir)).rejects.toMatchObject({ problem: "unreadable" });
    }));

  it("refuses a foreign file, a newer version, a damaged file or bad content, loading nothing", () =>
    withRuntime(async () => {
      const good = join(dir, "good.ets");
      const t = Ets.create<[string, number]>("victim", { named: true });
      Ets.insertMany(t, [
        ["a", 1],
        ["b", 2],
      ]);
      await Ets.tabToFile(t, good);
      Ets.deleteTable(t);
      const text = await readFile(good, "utf8");
      const attempt = async (
        name: string,
        content: string,
        problem: Ets.TableFileProblem,
      ): Promise<void> => {
        const path = join(dir, name);
        await writeFile(path, content);
        const err = await Ets.fileToTab(path).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Ets.TableFileError);
        expect((err as Ets.TableFileError).problem).toBe(problem);
        expect((err as Error).message).toMatch(/nothing was loaded/);
        expect(Ets.whereis("victim")).toBeUndefined();
      };
      await attempt("foreign.ets", "hello, world\n", "not_a_table_file");
      await attempt("empty.ets", "", "not_a_table_file");
      await attempt(
        "newer.ets",
        text.replace("TRELLIS-ETS\n1\n", "TRELLIS-ETS\n2\n"),
        "unsupported_version",
      );
      await attempt("damaged.ets", text.replace('"a"', '"z"'), "checksum_mismatch");
      await attempt("truncated.ets", text.slice(0, -10), "checksum_mismatch");
      const lines = text.split("\n");
      const forge = async (
        name: string,
        body: string,
        problem: Ets.TableFileProblem,
      ): Promise<void> => {
        const { createHash } = await import("node:crypto");
        const sum = createHash("sha256").update(body).digest("hex");
        await attempt(name, `${lines[0]}\n${lines[1]}\n${sum}\n${body}`, problem);
      };
      await forge("notjson.ets", "{nope", "malformed");
      await forge("nometa.ets", JSON.stringify({ rows: [] }), "malformed");
      await forge(
        "badsize.ets",
        JSON.stringify({
          meta: {
            name: "victim",
            type: "set",
            access: "protected",
            keyPos: 0,
            named: true,
            size: 3,
          },
          rows: [["a", 1]],
        }),
        "malformed",
      );
      await forge(
        "badvalue.ets",
        JSON.stringify({
          meta: {
            name: "victim",
            type: "set",
            access: "protected",
            keyPos: 0,
            named: true,
            size: 1,
          },
          rows: [["a", { $x: 1 }]],
        }),
        "malformed",
      );
      await forge(
        "shortrow.ets",
        JSON.stringify({
          meta: {
            name: "victim",
            type: "set",
            access: "protected",
            keyPos: 2,
            named: true,
            size: 1,
          },
          rows: [["a"]],
        }),
        "malformed",
      );
      await expect(Ets.fileToTab(join(dir, "missing.ets"))).rejects.toThrow(/ENOENT/);
    }));

  it("refuses to load a named table whose name is taken", () =>
    withRuntime(async () => {
      const path = join(dir, "taken.ets");
      const t = Ets.create("taken", { named: true });
      await Ets.tabToFile(t, path);
      await expect(Ets.fileToTab(path)).rejects.toThrow(/already exists/);
    }));
});
