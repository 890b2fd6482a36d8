/**
 * The errors ETS operations throw beyond a plain `BadArgumentError`.
 *
 * @module
 */
import { BadArgumentError, type Pid } from "@trellis/core";

/**
 * What an operation needs from the calling process: to read the table, to write it, or to
 * be its owner (`giveAway`, `setOptions`).
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * function explain(err: Ets.AccessError): Ets.AccessNeeded {
 *   return err.needed; // "read", "write" or "owner"
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export type AccessNeeded = "read" | "write" | "owner";

/**
 * The calling process may not do this to the table (Erlang's `badarg` for a privacy
 * violation): a non-owner writing a `protected` table, touching a `private` one, or giving
 * away or reconfiguring a table it does not own. It names the table, the process
 * (`undefined` for code outside any process) and what was needed.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * try {
 *   Ets.insert("config", ["mode", "fast"]);
 * } catch (err) {
 *   if (err instanceof Ets.AccessError) console.log(err.needed); // "write"
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class AccessError extends BadArgumentError {
  /** The table's name. */
  readonly table: string;
  /** The calling process, or `undefined` outside process code. */
  readonly pid: Pid | undefined;
  /** What the operation needed. */
  readonly needed: AccessNeeded;
  /** The table's access mode at the time. */
  readonly access: "public" | "protected" | "private";

  /**
   * @param operation - the function that was called, e.g. `"Ets.insert"`
   * @param table - the table's name
   * @param pid - the calling process
   * @param needed - what the operation needed
   * @param access - the table's access mode
   * @param owner - the table's owner
   */
  constructor(
    operation: string,
    table: string,
    pid: Pid | undefined,
    needed: AccessNeeded,
    access: "public" | "protected" | "private",
    owner: Pid,
  ) {
    const who = pid === undefined ? "code outside any process" : `process ${pid}`;
    const rule =
      needed === "owner"
        ? `only its owner ${owner} may do that`
        : access === "private"
          ? `the table is private: only its owner ${owner} may read or write it`
          : `the table is ${access}: only its owner ${owner} may write it`;
    super(
      `${operation}: ${who} may not ${needed === "owner" ? "act as the owner of" : needed} the table "${table}": ${rule} (make it public, or do this from the owner)`,
    );
    this.table = table;
    this.pid = pid;
    this.needed = needed;
    this.access = access;
  }
}

/**
 * The table does not exist: it was deleted (explicitly, or because its owner exited
 * without an heir), or no named table has that name in this runtime.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * try {
 *   Ets.lookup("no_such_table", 1);
 * } catch (err) {
 *   err instanceof Ets.NoTableError; // true
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class NoTableError extends BadArgumentError {
  /** The table's name (or the name that was looked up). */
  readonly table: string;

  /**
   * @param operation - the function that was called
   * @param table - the table's name
   * @param named - whether the table was given by name
   */
  constructor(operation: string, table: string, named: boolean) {
    super(
      named
        ? `${operation}: no named table "${table}" exists in this runtime (create it with Ets.create("${table}", { named: true }), or check that its owner is still alive)`
        : `${operation}: the table "${table}" has been deleted (by Ets.deleteTable, or because its owner exited without an heir)`,
    );
    this.table = table;
  }
}

/**
 * Why a file could not be loaded as a table; see {@link TableFileError}.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * function damaged(err: Ets.TableFileError): boolean {
 *   return err.problem === "checksum_mismatch";
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export type TableFileProblem =
  | "unreadable"
  | "not_a_table_file"
  | "unsupported_version"
  | "checksum_mismatch"
  | "malformed";

/**
 * `fileToTab` refused a file: it cannot be read (`"unreadable"`: missing, a directory, no
 * permission; `cause` holds the system error), it is not a table file, was written by a newer format
 * version, is damaged (its checksum does not match), or its content is invalid. Nothing was
 * loaded.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * try {
 *   await Ets.fileToTab("/tmp/not-a-table.txt");
 * } catch (err) {
 *   if (err instanceof Ets.TableFileError) console.log(err.problem);
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class TableFileError extends BadArgumentError {
  /** What is wrong with the file. */
  readonly problem: TableFileProblem;
  /** The file. */
  readonly path: string;

  /**
   * @param path - the file
   * @param problem - what is wrong with it
   * @param detail - a sentence for the message
   */
  constructor(
    path: string,
    problem: TableFileProblem,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Ets.fileToTab: cannot load ${path}: ${detail}; nothing was loaded`, options);
    this.problem = problem;
    this.path = path;
  }
}
