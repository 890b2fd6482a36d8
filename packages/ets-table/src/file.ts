/**
 * Saving a table to a file and loading it back (Erlang's `ets:tab2file/2` and
 * `ets:file2tab/1`).
 *
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { readFile, rename, unlink, writeFile } from "node:fs/promises";
import { BadArgumentError, formatReason, Pid, Ref, type Term } from "@trellis/core";
import { TableFileError } from "./errors.js";
import {
  type Access,
  create,
  insertMany,
  readable,
  type Table,
  type TableKind,
  type TableRef,
  type TableType,
  type Tuple,
} from "./table.js";

const MAGIC = "TRELLIS-ETS";
const VERSION = 1;

interface Meta {
  readonly name: string;
  readonly type: TableType;
  readonly access: Access;
  readonly keyPos: number;
  readonly named: boolean;
  readonly size: number;
}

function encode(v: unknown): unknown {
  switch (typeof v) {
    case "number":
      if (Number.isFinite(v) && !Object.is(v, -0)) return v;
      return { $n: Object.is(v, -0) ? "-0" : String(v) };
    case "string":
    case "boolean":
      return v;
    case "undefined":
      return { $u: 1 };
    case "bigint":
      return { $b: v.toString() };
    case "object": {
      if (v === null) return null;
      if (Array.isArray(v)) return v.map(encode);
      if (Pid.is(v) || Ref.is(v)) {
        throw new BadArgumentError(
          `Ets.tabToFile: the table holds ${Pid.is(v) ? "a pid" : "a ref"} (${String(v)}), which cannot be written to a file: it would mean nothing once loaded`,
        );
      }
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(o)) out[k] = encode(o[k]);
      return { $m: out };
    }
  }
  throw new BadArgumentError(`Ets.tabToFile: cannot write ${formatReason(v)}`);
}

class Malformed extends Error {}

function decode(v: unknown): Term {
  switch (typeof v) {
    case "number":
    case "string":
    case "boolean":
      return v;
    case "object": {
      if (v === null) return null;
      if (Array.isArray(v)) return v.map(decode);
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1) {
        const [k] = keys;
        const x = o[k as string];
        if (k === "$u" && x === 1) return undefined;
        if (k === "$b" && typeof x === "string" && /^-?\d+$/.test(x)) return BigInt(x);
        if (k === "$n") {
          if (x === "-0") return -0;
          if (x === "NaN") return Number.NaN;
          if (x === "Infinity") return Number.POSITIVE_INFINITY;
          if (x === "-Infinity") return Number.NEGATIVE_INFINITY;
        }
        if (k === "$m" && typeof x === "object" && x !== null && !Array.isArray(x)) {
          const m = x as Record<string, unknown>;
          const out: Record<string, Term> = {};
          for (const key of Object.keys(m)) out[key] = decode(m[key]);
          return out;
        }
      }
    }
  }
  throw new Malformed(`unexpected value ${formatReason(v)}`);
}

function checksum(body: string): string {
  return createHash("sha256").update(body, "utf8").digest("hex");
}

/**
 * Writes a table's objects and options to a file (Erlang's `ets:tab2file/2`): a versioned
 * text format with a SHA-256 checksum, written to a temporary file and renamed into place,
 * so a crash never leaves a half-written file under `path`. The objects are read at once
 * (a snapshot); the write happens asynchronously.
 *
 * Pids and refs cannot be saved (they would mean nothing once loaded).
 *
 * @param table - the table or its name
 * @param path - the file to write
 * @returns a promise that resolves when the file is in place
 * @throws {BadArgumentError} (rejects) if the table holds a pid or a ref, or the path is not a non-empty string
 * @throws {AccessError} (rejects) on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number]>("scores", { type: "ordered_set" });
 * Ets.insert(t, ["ann", 10]);
 * await Ets.tabToFile(t, "/tmp/scores.ets");
 * ```
 * @since 0.1.0
 * @category Files
 */
export async function tabToFile(table: TableRef, path: string): Promise<void> {
  const s = readable(table, "tabToFile");
  if (typeof path !== "string" || path === "") {
    throw new BadArgumentError(
      `Ets.tabToFile: the path must be a non-empty string, got ${formatReason(path)}`,
    );
  }
  const rows: unknown[] = [];
  s.store.scan((o) => rows.push(encode(o)));
  const meta: Meta = {
    name: s.name,
    type: s.type,
    access: s.access,
    keyPos: s.keyPos,
    named: s.named,
    size: rows.length,
  };
  const body = JSON.stringify({ meta, rows });
  const text = `${MAGIC}\n${VERSION}\n${checksum(body)}\n${body}`;
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  return (async () => {
    try {
      await writeFile(tmp, text, "utf8");
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw e;
    }
  })();
}

const TYPES = new Set(["set", "ordered_set", "bag", "duplicate_bag"]);
const ACCESSES = new Set(["public", "protected", "private"]);

function parseMeta(v: unknown): Meta {
  if (typeof v !== "object" || v === null) throw new Malformed("no table options");
  const m = v as Record<string, unknown>;
  if (
    typeof m["name"] !== "string" ||
    !TYPES.has(m["type"] as string) ||
    !ACCESSES.has(m["access"] as string) ||
    !Number.isInteger(m["keyPos"]) ||
    (m["keyPos"] as number) < 0 ||
    typeof m["named"] !== "boolean" ||
    !Number.isInteger(m["size"])
  ) {
    throw new Malformed("invalid table options");
  }
  return m as unknown as Meta;
}

/**
 * Creates a table from a file written by {@link tabToFile} (Erlang's `ets:file2tab/1`),
 * owned by the calling process, with the saved name, type, access, key position and
 * `named` flag. The whole file is checked (format, version, checksum, every row) before
 * the table is created, so a damaged or foreign file is refused and nothing is half-loaded.
 *
 * @param path - the file to read
 * @returns a promise of the new table
 * @throws {TableFileError} (rejects) if the file cannot be read, is not a table file, has a newer version, is
 *   damaged or invalid
 * @throws {BadArgumentError} (rejects) if the table is named and the name is taken
 * @throws {NotInProcessError} (rejects) outside process code
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const scores = await Ets.fileToTab<[string, number]>("/tmp/scores.ets");
 * Ets.lookup(scores, "ann"); // [["ann", 10]]
 * ```
 * @since 0.1.0
 * @category Files
 */
export async function fileToTab<Row extends Tuple = Tuple>(
  path: string,
): Promise<Table<Row, Term, TableKind>> {
  if (typeof path !== "string" || path === "") {
    throw new BadArgumentError(
      `Ets.fileToTab: the path must be a non-empty string, got ${formatReason(path)}`,
    );
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new TableFileError(
      path,
      "unreadable",
      `it cannot be read (${typeof code === "string" ? code : formatReason(e)})`,
      { cause: e },
    );
  }
  const nl1 = text.indexOf("\n");
  const nl2 = nl1 < 0 ? -1 : text.indexOf("\n", nl1 + 1);
  const nl3 = nl2 < 0 ? -1 : text.indexOf("\n", nl2 + 1);
  if (nl3 < 0 || text.slice(0, nl1) !== MAGIC) {
    throw new TableFileError(
      path,
      "not_a_table_file",
      "it is not a table file written by Ets.tabToFile",
    );
  }
  const version = text.slice(nl1 + 1, nl2);
  if (!/^\d+$/.test(version)) {
    throw new TableFileError(path, "not_a_table_file", "its header has no format version");
  }
  if (Number(version) !== VERSION) {
    throw new TableFileError(
      path,
      "unsupported_version",
      `it has format version ${version}, and this version of @trellis/ets-table reads version ${VERSION}`,
    );
  }
  const sum = text.slice(nl2 + 1, nl3);
  const body = text.slice(nl3 + 1);
  if (checksum(body) !== sum) {
    throw new TableFileError(
      path,
      "checksum_mismatch",
      "its checksum does not match its content (the file is damaged)",
    );
  }
  let meta: Meta;
  let rows: Tuple[];
  try {
    const parsed = JSON.parse(body) as { meta?: unknown; rows?: unknown };
    meta = parseMeta(parsed.meta);
    if (!Array.isArray(parsed.rows) || parsed.rows.length !== meta.size) {
      throw new Malformed("the rows do not match the recorded size");
    }
    rows = parsed.rows.map((r: unknown) => {
      if (!Array.isArray(r) || r.length <= meta.keyPos) throw new Malformed("a row is too short");
      return decode(r) as Tuple;
    });
  } catch (e) {
    if (e instanceof Malformed || e instanceof SyntaxError) {
      throw new TableFileError(path, "malformed", `its content is invalid (${e.message})`);
    }
    throw e;
  }
  const table = create<Row, number>(meta.name, {
    type: meta.type,
    access: meta.access,
    keyPos: meta.keyPos,
    named: meta.named,
  }) as unknown as Table<Row, Term, TableKind>;
  // The owner (the caller) may always write its own table, whatever the access mode.
  insertMany(table, rows as unknown as Row[]);
  return table;
}
