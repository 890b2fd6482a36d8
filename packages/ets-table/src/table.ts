/**
 * Tables: creation, ownership, access control and the key-based operations.
 *
 * @module
 */
import {
  addExitHook,
  BadArgumentError,
  currentRuntime,
  formatReason,
  inProcess,
  NotInProcessError,
  Pid,
  type Runtime,
  self,
  type Term,
} from "@trellis/core";
import { AccessError, type AccessNeeded, NoTableError } from "./errors.js";
import { BTree } from "./internal/btree.js";
import { HashStore } from "./internal/hash-store.js";
import { type IntTable, isInt32 } from "./internal/int-table.js";
import { checkTerm, quickTerm, show } from "./internal/keys.js";
import { END, MISSING, type Obj, type Store } from "./internal/store.js";
import { TransferMessage } from "./messages.js";

/**
 * A row: a tuple of terms, written as an array (`["user", 42, "ann"]` is Erlang's
 * `{user, 42, <<"ann">>}`).
 *
 * @example
 * ```ts
 * import type { Tuple } from "@trellis/ets-table";
 * const row: Tuple = ["user", 42, { role: "admin" }];
 * ```
 * @since 0.1.0
 * @category Tables
 */
export type Tuple = readonly Term[];

/**
 * How a table treats keys:
 *
 * - `"set"` (the default): one object per key; keys compare with `equals` (`1n` and `1` are
 *   two keys); traversal order is unspecified.
 * - `"ordered_set"`: one object per key, kept in term order (`compare`), so `1n` and `1` are
 *   one key; traversal, `toList` and `foldl` run in ascending order.
 * - `"bag"`: several objects per key, but identical objects are stored once.
 * - `"duplicate_bag"`: several objects per key, identical ones included, in insertion order.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const type: Ets.TableType = "ordered_set";
 * Ets.create("events", { type });
 * ```
 * @since 0.1.0
 * @category Tables
 */
export type TableType = "set" | "ordered_set" | "bag" | "duplicate_bag";

/**
 * Who may use a table: `"protected"` (the default: every process reads, only the owner
 * writes), `"public"` (every process reads and writes), `"private"` (only the owner reads or
 * writes). Code outside any process counts as a process that is not the owner.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const access: Ets.Access = "public";
 * Ets.create("counters", { access });
 * ```
 * @since 0.1.0
 * @category Tables
 */
export type Access = "public" | "protected" | "private";

/**
 * Whether a table holds one object per key (`"set"`: set and ordered_set) or several
 * (`"bag"`: bag and duplicate_bag). Part of a {@link Table}'s type so that
 * {@link lookupElement} can return one element or a list.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const tags: Ets.Table<[tag: string, post: number], string, "bag"> = Ets.create("tags", { type: "bag" });
 * ```
 * @since 0.1.0
 * @category Tables
 */
export type TableKind = "set" | "bag";

/**
 * Options of {@link create}.
 *
 * @typeParam P - the key position (a number literal when given)
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const options: Ets.TableOptions = { type: "ordered_set", access: "public", named: true };
 * Ets.create("prices", options);
 * ```
 * @since 0.1.0
 * @category Tables
 */
export interface TableOptions<P extends number = number> {
  /** The table type. Default `"set"`. */
  readonly type?: TableType;
  /** Who may read and write. Default `"protected"`. */
  readonly access?: Access;
  /**
   * Register the table under its name in the caller's runtime, so that every function
   * accepts the name in place of the table and {@link whereis} finds it. Default `false`.
   */
  readonly named?: boolean;
  /** The 0-based index of the key in each row. Default `0` (Erlang's `{keypos, 1}`). */
  readonly keyPos?: P;
  /** The process that inherits the table when the owner exits. Default `"none"`. */
  readonly heir?: Pid | "none";
  /** What the heir receives in its {@link TransferMessage}. Default `undefined`. */
  readonly heirData?: unknown;
}

/**
 * What {@link info} reports about a table.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const info: Ets.TableInfo | undefined = Ets.info(Ets.create("t"));
 * info?.size; // 0
 * ```
 * @since 0.1.0
 * @category Tables
 */
export interface TableInfo {
  /** A number unique among the tables of this package copy. */
  readonly id: number;
  /** The table's name. */
  readonly name: string;
  /** Whether the table is registered under its name. */
  readonly named: boolean;
  /** The table type. */
  readonly type: TableType;
  /** The access mode (Erlang's `protection`). */
  readonly access: Access;
  /** The 0-based key position. */
  readonly keyPos: number;
  /** The number of objects. */
  readonly size: number;
  /**
   * An estimate of the bytes the table uses: its structure plus the rows' own arrays (not
   * the values they point to, which are shared, not copied). Erlang reports words.
   */
  readonly memory: number;
  /** The owner. */
  readonly owner: Pid;
  /** The heir, or `"none"`. */
  readonly heir: Pid | "none";
}

/** @internal The mutable state of a table. */
export interface TableState {
  readonly id: number;
  name: string;
  readonly named: boolean;
  readonly type: TableType;
  access: Access;
  readonly keyPos: number;
  owner: Pid;
  heir: Pid | undefined;
  heirData: unknown;
  readonly rt: Runtime;
  store: Store;
  /**
   * The integer table of a live set, bag or duplicate_bag that every process may read (public
   * or protected), else `undefined`: `lookup` of an integer key needs only this (kept by
   * `create`, `setOptions` and `destroy`).
   */
  readInts: IntTable | undefined;
  alive: boolean;
  unhook: () => void;
  readonly table: Table<Tuple, Term, TableKind>;
}

let nextId = 1;

let readState: (table: Table<Tuple, Term, TableKind>) => TableState;
let tryState: (value: unknown) => TableState | undefined;

/** @internal The state behind a table handle: for this package's own modules only. */
export function stateOf(table: Table<Tuple, Term, TableKind>): TableState {
  return readState(table);
}

/**
 * A table handle, as returned by {@link create} (Erlang's table identifier). Every function
 * of this package takes it (or, for a named table, its name) as its first argument.
 *
 * The handle is an ordinary object, not a term: to put a table in a message, send the handle;
 * to store a reference to it in another table, store its name.
 *
 * @typeParam Row - the row type, a tuple of terms
 * @typeParam Key - the key type (the element at the key position)
 * @typeParam Kind - `"set"` for set and ordered_set tables, `"bag"` for bags
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const users = Ets.create<[id: number, name: string]>("users");
 * Ets.insert(users, [1, "ann"]);
 * Ets.lookup(users, 1); // [[1, "ann"]]
 * ```
 * @since 0.1.0
 * @category Tables
 */
export class Table<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = "set",
> {
  /** Private: a handle gives no way around the table's access rights (see `stateOf`). */
  readonly #state: TableState;
  /** @internal Phantom: the row type. */
  declare readonly $row: Row;
  /** @internal Phantom: the key type. */
  declare readonly $key: Key;
  /** @internal Phantom: set or bag. */
  declare readonly $kind: Kind;

  /** @internal Tables are made by {@link create}. */
  constructor(state: Omit<TableState, "table">) {
    this.#state = { ...state, table: this as unknown as Table<Tuple, Term, TableKind> };
  }

  static {
    readState = (table) => table.#state;
    // A private brand check, not `instanceof`: it runs no code of the value's author (no
    // Proxy trap), and it stays a map check plus a load on every Node version. `instanceof
    // Table` cost as much as the rest of a lookup on Node 24 (core's classes define
    // `Symbol.hasInstance`, which takes V8's `instanceof` off its fast path).
    tryState = (value) =>
      typeof value === "object" && value !== null && #state in value
        ? (value as Table<Tuple, Term, TableKind>).#state
        : undefined;
  }

  /** The table's current name (see {@link rename}). */
  get name(): string {
    return this.#state.name;
  }

  /** A number unique among the tables of this package copy. */
  get id(): number {
    return this.#state.id;
  }

  /**
   * A readable form, `#Table<name.id>`.
   *
   * @returns the text
   */
  toString(): string {
    return `#Table<${this.#state.name}.${this.#state.id}>`;
  }
}
Object.defineProperty(Table.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value(this: Table) {
    return this.toString();
  },
});

/**
 * A table or, for a named table, its name.
 *
 * @typeParam Row - the row type
 * @typeParam Key - the key type
 * @typeParam Kind - set or bag
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * function size(table: Ets.TableRef): number {
 *   return Ets.info(table, "size") ?? 0;
 * }
 * ```
 * @since 0.1.0
 * @category Tables
 */
export type TableRef<
  Row extends Tuple = Tuple,
  Key extends Term = Term,
  Kind extends TableKind = TableKind,
> = Table<Row, Key, Kind> | string;

/**
 * The 0-based positions of a row type: `0 | 1` for `[string, number]`, `number` for a row
 * type of unknown length.
 *
 * @typeParam Row - the row type
 * @example
 * ```ts
 * import type { Position } from "@trellis/ets-table";
 * const pos: Position<[string, number]> = 1; // 0 | 1
 * ```
 * @since 0.1.0
 * @category Tables
 */
export type Position<Row extends Tuple> = number extends Row["length"]
  ? number
  : Exclude<Partial<Row>["length"], Row["length"]> & number;

/**
 * The sentinel that traversal returns past the last key (Erlang's `'$end_of_table'`), and
 * `select` with a limit when there is nothing (more) to return. It is a symbol, so it can
 * never be confused with a key.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create("t");
 * Ets.first(t) === Ets.END_OF_TABLE; // true
 * ```
 * @since 0.1.0
 * @category Traversal
 */
export const END_OF_TABLE: unique symbol = Symbol.for("trellis.ets.end_of_table");

// -------------------------------------------------------------------------------------------
// Names, resolution and access

const registries = new WeakMap<Runtime, Map<string, TableState>>();
/** Every live table of each runtime, named or not, for {@link all}. */
const everyTable = new WeakMap<Runtime, Set<TableState>>();

function registry(rt: Runtime): Map<string, TableState> {
  let m = registries.get(rt);
  if (m === undefined) registries.set(rt, (m = new Map()));
  return m;
}

/**
 * The calling process, or `undefined` outside process code (or in a dead one). One lookup of
 * the current process (`self()`), not two (`inProcess()` then `self()`): `self()` throws only
 * where there is no live caller, which is the path where the access check fails anyway.
 */
function caller(): Pid | undefined {
  try {
    return self();
  } catch {
    return undefined;
  }
}

/**
 * @internal The live state behind a table or a name; throws if there is none.
 *
 * The hot paths (`resolve`, `readable`, `writable`, `checkKey`) are a few bytes of bytecode
 * each, with the rest in functions of their own: V8 inlines every operation's checks and the
 * store's method into the caller's loop only while the sum of the inlined bytecode stays
 * under its budget, and a lookup whose store call is left out of line costs about twice as
 * much over a large table (ADR 0004, "Session 5: ETS and Registry").
 */
export function resolve(t: unknown, op: string): TableState {
  const st = tryState(t);
  if (st?.alive) return st;
  return resolveOther(t, op, st);
}

/** `resolve` for a name, a dead table or something else. */
function resolveOther(t: unknown, op: string, st: TableState | undefined): TableState {
  if (st !== undefined) throw new NoTableError(`Ets.${op}`, st.name, false);
  if (typeof t === "string") {
    const s = registries.get(currentRuntime())?.get(t);
    if (s === undefined) throw new NoTableError(`Ets.${op}`, t, true);
    return s;
  }
  throw new BadArgumentError(
    `Ets.${op}: expected a table (from Ets.create) or the name of a named table, got ${formatReason(t)}`,
  );
}

function denied(
  s: TableState,
  op: string,
  needed: AccessNeeded,
  pid: Pid | undefined,
): AccessError {
  return new AccessError(`Ets.${op}`, s.name, pid, needed, s.access, s.owner);
}

/** @internal A table the caller may read. */
export function readable(t: unknown, op: string): TableState {
  const s = resolve(t, op);
  if (s.access === "private") ownerOnly(s, op, "read");
  return s;
}

/** @internal A table the caller may write. */
export function writable(t: unknown, op: string): TableState {
  const s = resolve(t, op);
  if (s.access !== "public") ownerOnly(s, op, "write");
  return s;
}

/** Throws unless the caller is the table's owner. */
function ownerOnly(s: TableState, op: string, needed: AccessNeeded): void {
  const pid = caller();
  if (pid !== s.owner) throw denied(s, op, needed, pid);
}

function owned(t: unknown, op: string): TableState {
  const s = resolve(t, op);
  const pid = caller();
  if (pid !== s.owner) throw denied(s, op, "owner", pid);
  return s;
}

/** @internal Checks a row and returns its key. */
export function checkRow(s: TableState, row: unknown, op: string, what = "the row"): unknown {
  if (!Array.isArray(row)) {
    throw new BadArgumentError(`Ets.${op}: ${what} must be an array (a tuple), got ${show(row)}`);
  }
  const kp = s.keyPos;
  if (row.length <= kp) {
    throw new BadArgumentError(
      `Ets.${op}: ${what} ${show(row)} has ${row.length} element(s), but the table "${s.name}" has its key at position ${kp} (0-based), so a row needs at least ${kp + 1}`,
    );
  }
  for (let i = 0; i < row.length; i++) {
    const v: unknown = row[i];
    const ty = typeof v;
    if (ty === "number" || ty === "string" || ty === "boolean") continue;
    // The message is built only for a value the quick check does not accept at once: a
    // tuple key or element costs no string per operation.
    if (!quickTerm(v, 0)) checkTerm(v, `Ets.${op}: element ${i} of ${what}`);
  }
  return row[kp];
}

/** @internal Checks a key. */
export function checkKey(key: unknown, op: string): void {
  const ty = typeof key;
  if (ty !== "number" && ty !== "string") checkOtherKey(key, op);
}

/** `checkKey` for a key that is not a number or a string. */
function checkOtherKey(key: unknown, op: string): void {
  if (!quickTerm(key, 0)) checkTerm(key, `Ets.${op}: the key`);
}

/** Replaces the object under an existing key of a set or ordered_set, keeping the key. */
function storeReplace(store: Store, key: unknown, obj: Obj): void {
  if (store.ordered) {
    const tree = store as BTree;
    tree.replace(key, obj);
  } else {
    const hash = store as HashStore;
    if (isInt32(key)) hash.ints.insert(key, obj);
    else hash.insert(key, obj);
  }
}

/**
 * The object under `key` of a set or ordered_set: one monomorphic call site per store class
 * (see `lookup`).
 */
function getOne(store: Store, key: unknown): Obj | undefined {
  if (store.ordered) {
    const tree = store as BTree;
    return tree.get(key);
  }
  const hash = store as HashStore;
  return isInt32(key) ? hash.ints.get(key) : hash.get(key);
}

/** See `TableState.readInts`. */
function readIntsOf(s: TableState): IntTable | undefined {
  if (!s.alive || s.access === "private" || s.store.ordered) return undefined;
  return (s.store as HashStore).ints;
}

function isBag(s: TableState): boolean {
  return s.type === "bag" || s.type === "duplicate_bag";
}

// -------------------------------------------------------------------------------------------
// Ownership

function destroy(s: TableState): void {
  if (!s.alive) return;
  s.alive = false;
  s.readInts = undefined;
  everyTable.get(s.rt)?.delete(s);
  s.unhook();
  s.store = s.type === "ordered_set" ? new BTree() : new HashStore("set");
  if (s.named) {
    const reg = registries.get(s.rt);
    if (reg?.get(s.name) === s) reg.delete(s.name);
  }
}

/** Watches `owner`: when it exits, the heir (if alive) inherits the table, else it goes. */
function watch(s: TableState, owner: Pid): void {
  s.unhook = addExitHook(owner, () => {
    if (!s.alive || s.owner !== owner) return;
    const heir = s.heir;
    if (heir !== undefined && heir !== owner && s.rt.isAlive(heir)) {
      s.owner = heir;
      // As in Erlang, the heir field now names the new owner.
      s.heir = heir;
      watch(s, heir);
      // The exit hook runs before the old owner's links and monitors fire, so this message
      // is in the heir's mailbox before any EXIT or DOWN from the old owner.
      s.rt.send(heir, new TransferMessage(s.table, owner, s.heirData));
      return;
    }
    destroy(s);
  });
}

const OPTION_KEYS = new Set(["type", "access", "named", "keyPos", "heir", "heirData"]);
const TYPES: readonly TableType[] = ["set", "ordered_set", "bag", "duplicate_bag"];
const ACCESSES: readonly Access[] = ["public", "protected", "private"];

function checkHeir(op: string, heir: unknown): Pid | "none" {
  if (heir === "none" || Pid.is(heir)) return heir;
  throw new BadArgumentError(`Ets.${op}: heir must be a pid or "none", got ${formatReason(heir)}`);
}

/**
 * Creates a table owned by the calling process (Erlang's `ets:new/2`; `new` is reserved in
 * JavaScript). The table lives until it is deleted with {@link deleteTable} or its owner
 * exits; then, if an heir is set and alive, the heir inherits it instead.
 *
 * Without `named`, several tables may share a name; with it, the name must be free in the
 * caller's runtime, and every function accepts it in place of the table.
 *
 * Give the row type as a type argument; with a `keyPos` other than 0, give it as the second
 * type argument too (`Ets.create<[string, number], 1>("t", { keyPos: 1 })`).
 *
 * @param name - the table's name
 * @param options - type, access, named, keyPos, heir (see {@link TableOptions})
 * @returns the table
 * @throws {NotInProcessError} outside process code: a table needs an owner
 * @throws {BadArgumentError} for an unknown or invalid option, or a taken name with `named`
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const sessions = Ets.create<[token: string, user: number]>("sessions", {
 *   type: "set",
 *   access: "public",
 *   named: true,
 * });
 * Ets.insert("sessions", ["abc", 42]);
 * ```
 * @since 0.1.0
 * @category Tables
 */
export function create<Row extends Tuple = Tuple, const P extends number = 0>(
  name: string,
  options?: TableOptions<P> & { readonly type?: "set" | "ordered_set" },
): Table<Row, Row[P], "set">;
export function create<Row extends Tuple = Tuple, const P extends number = 0>(
  name: string,
  options: TableOptions<P> & { readonly type: "bag" | "duplicate_bag" },
): Table<Row, Row[P], "bag">;
export function create<Row extends Tuple = Tuple, const P extends number = 0>(
  name: string,
  options: TableOptions<P>,
): Table<Row, Row[P], TableKind>;
export function create(name: string, options: TableOptions = {}): Table<Tuple, Term, TableKind> {
  if (!inProcess()) throw new NotInProcessError("Ets.create");
  if (typeof name !== "string") {
    throw new BadArgumentError(`Ets.create: the name must be a string, got ${formatReason(name)}`);
  }
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(
      `Ets.create: options must be an object, got ${formatReason(options)}`,
    );
  }
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.has(k)) {
      throw new BadArgumentError(
        `Ets.create: unknown option "${k}" (the options are ${[...OPTION_KEYS].join(", ")})`,
      );
    }
  }
  const type = options.type ?? "set";
  if (!TYPES.includes(type)) {
    throw new BadArgumentError(
      `Ets.create: type must be one of ${TYPES.join(", ")}, got ${formatReason(type)}`,
    );
  }
  const access = options.access ?? "protected";
  if (!ACCESSES.includes(access)) {
    throw new BadArgumentError(
      `Ets.create: access must be one of ${ACCESSES.join(", ")}, got ${formatReason(access)}`,
    );
  }
  const named = options.named ?? false;
  if (typeof named !== "boolean") {
    throw new BadArgumentError(`Ets.create: named must be a boolean, got ${formatReason(named)}`);
  }
  const keyPos = options.keyPos ?? 0;
  if (!Number.isInteger(keyPos) || keyPos < 0 || keyPos >= 2 ** 32 - 1) {
    throw new BadArgumentError(
      `Ets.create: keyPos must be an integer from 0 to 2^32 - 2 (0-based: 0 is the first element; a row is an array), got ${formatReason(keyPos)}`,
    );
  }
  const heir = checkHeir("create", options.heir ?? "none");
  const rt = currentRuntime();
  const reg = registry(rt);
  if (named && reg.has(name)) {
    throw new BadArgumentError(
      `Ets.create: a named table "${name}" already exists in this runtime (pick another name, or delete that table first)`,
    );
  }
  const owner = self();
  const table = new Table<Tuple, Term, TableKind>({
    id: nextId++,
    name,
    named,
    type,
    access,
    keyPos,
    owner,
    heir: heir === "none" || !rt.isAlive(heir) ? undefined : heir,
    heirData: options.heirData,
    rt,
    store: type === "ordered_set" ? new BTree() : new HashStore(type),
    readInts: undefined,
    alive: true,
    unhook: () => {},
  });
  const s = stateOf(table);
  s.readInts = readIntsOf(s);
  watch(s, owner);
  if (named) reg.set(name, s);
  let tables = everyTable.get(rt);
  if (tables === undefined) everyTable.set(rt, (tables = new Set()));
  tables.add(s);
  return table;
}

/**
 * Every live table of a runtime, oldest first (Erlang's `ets:all/0`): the calling process's
 * runtime, the default runtime outside process code, or `runtime`. Introspection tools such
 * as the observer use it; reading a table's rows still obeys its access.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * for (const t of Ets.all()) console.log(Ets.info(t)?.name, Ets.info(t)?.size);
 * ```
 * @since 0.1.0
 * @category Tables
 */
export function all(runtime?: Runtime): Table<Tuple, Term, TableKind>[] {
  const out: Table<Tuple, Term, TableKind>[] = [];
  for (const s of everyTable.get(runtime ?? currentRuntime()) ?? []) out.push(s.table);
  return out;
}

/**
 * The named table registered under `name` in the caller's runtime (Erlang's
 * `ets:whereis/1`), or `undefined`.
 *
 * @param name - the name
 * @returns the table, or `undefined`
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.create("config", { named: true });
 * Ets.whereis("config")?.name; // "config"
 * ```
 * @since 0.1.0
 * @category Tables
 */
export function whereis(name: string): Table<Tuple, Term, TableKind> | undefined {
  return registries.get(currentRuntime())?.get(name)?.table;
}

/**
 * What a table is (Erlang's `ets:info/1,2`), or `undefined` once it has been deleted. Any
 * process may call it, also on a private table. With an item, returns that item only.
 *
 * @param table - the table or its name
 * @param item - one field of {@link TableInfo}
 * @returns the information, or `undefined` for a deleted table (or unknown name)
 * @throws {BadArgumentError} for an unknown item
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create("t", { type: "ordered_set" });
 * Ets.info(t)?.type; // "ordered_set"
 * Ets.info(t, "size"); // 0
 * Ets.deleteTable(t);
 * Ets.info(t); // undefined
 * ```
 * @since 0.1.0
 * @category Tables
 */
export function info<I extends keyof TableInfo>(table: TableRef, item: I): TableInfo[I] | undefined;
/**
 * Everything {@link info} can tell about a table, or `undefined` once it has been deleted.
 *
 * @param table - the table or its name
 * @returns the information, or `undefined`
 */
export function info(table: TableRef): TableInfo | undefined;
export function info(table: TableRef, item?: keyof TableInfo): unknown {
  let s: TableState | undefined;
  const st = tryState(table);
  if (st !== undefined) s = st.alive ? st : undefined;
  else if (typeof table === "string") s = registries.get(currentRuntime())?.get(table);
  else resolve(table, "info");
  if (item !== undefined && !INFO_ITEMS.has(item)) {
    throw new BadArgumentError(
      `Ets.info: unknown item ${formatReason(item)} (the items are ${[...INFO_ITEMS].join(", ")})`,
    );
  }
  if (s === undefined) return undefined;
  if (item === "memory") return memory(s);
  const all: TableInfo = {
    id: s.id,
    name: s.name,
    named: s.named,
    type: s.type,
    access: s.access,
    keyPos: s.keyPos,
    size: s.store.size,
    memory: item === undefined ? memory(s) : 0,
    owner: s.owner,
    heir: s.heir ?? "none",
  };
  return item === undefined ? all : all[item];
}

const INFO_ITEMS = new Set<string>([
  "id",
  "name",
  "named",
  "type",
  "access",
  "keyPos",
  "size",
  "memory",
  "owner",
  "heir",
]);

/** Estimated bytes: the structure plus the rows' arrays (sampled on large tables). */
function memory(s: TableState): number {
  const store = s.store;
  const n = store.size;
  let sampled = 0;
  let bytes = 0;
  const cursor = store.cursor(false);
  for (let o = cursor.next(); o !== undefined && sampled < 1000; o = cursor.next()) {
    bytes += 32 + 4 * o.length;
    sampled++;
  }
  const rows = sampled === 0 ? 0 : (bytes / sampled) * n;
  return Math.round(160 + store.structureBytes() + rows);
}

/**
 * Renames a table (Erlang's `ets:rename/2`). A named table is registered under the new
 * name (which must be free) and no longer found under the old one. Needs write access.
 *
 * @param table - the table or its name
 * @param name - the new name
 * @returns the new name
 * @throws {BadArgumentError} if the table is named and `name` is taken (also by itself)
 * @throws {AccessError} without write access
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.create("old", { named: true });
 * Ets.rename("old", "new");
 * Ets.whereis("old"); // undefined
 * ```
 * @since 0.1.0
 * @category Tables
 */
export function rename(table: TableRef, name: string): string {
  const s = writable(table, "rename");
  if (typeof name !== "string") {
    throw new BadArgumentError(
      `Ets.rename: the new name must be a string, got ${formatReason(name)}`,
    );
  }
  if (s.named) {
    const reg = registry(s.rt);
    if (reg.has(name)) {
      throw new BadArgumentError(
        `Ets.rename: a named table "${name}" already exists in this runtime`,
      );
    }
    reg.delete(s.name);
    reg.set(name, s);
  }
  s.name = name;
  return name;
}

/**
 * Deletes a table (Erlang's `ets:delete/1`): its objects are dropped, a named table's name
 * is freed, and every later use of it throws a {@link NoTableError} while {@link info}
 * returns `undefined`. Needs write access: the owner, or anyone for a public table.
 *
 * @param table - the table or its name
 * @returns `true`
 * @throws {AccessError} without write access
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create("scratch");
 * Ets.deleteTable(t);
 * Ets.info(t); // undefined
 * ```
 * @since 0.1.0
 * @category Tables
 */
export function deleteTable(table: TableRef): true {
  destroy(writable(table, "deleteTable"));
  return true;
}

/**
 * Makes `pid` the owner of a table (Erlang's `ets:give_away/3`). The new owner receives a
 * {@link TransferMessage} with `gift` as its `data`; the giver is then an ordinary process
 * (it loses access to a private table). Only the owner may give a table away.
 *
 * @param table - the table or its name
 * @param pid - a live process of the same runtime, not the owner itself
 * @param gift - what the receiver gets in the message
 * @returns `true`
 * @throws {AccessError} if the caller is not the owner
 * @throws {BadArgumentError} if `pid` is not a pid, is the owner, or is not alive
 * @example
 * ```ts
 * import { spawn, receive } from "@trellis/core";
 * import * as Ets from "@trellis/ets-table";
 * const keeper = spawn(async () => {
 *   const msg = await receive(Ets.isTransfer);
 *   // msg.table is ours now, msg.data is "welcome"
 * });
 * Ets.giveAway(Ets.create("t"), keeper, "welcome");
 * ```
 * @since 0.1.0
 * @category Ownership
 */
export function giveAway(table: TableRef, pid: Pid, gift: unknown): true {
  const s = owned(table, "giveAway");
  if (!Pid.is(pid)) {
    throw new BadArgumentError(
      `Ets.giveAway: expected a pid to give the table to, got ${formatReason(pid)}`,
    );
  }
  if (pid === s.owner) {
    throw new BadArgumentError(`Ets.giveAway: ${pid} already owns the table "${s.name}"`);
  }
  if (!s.rt.isAlive(pid)) {
    throw new BadArgumentError(
      `Ets.giveAway: ${pid} is not a live process of the table's runtime, so it cannot take the table "${s.name}"`,
    );
  }
  const from = s.owner;
  s.unhook();
  s.owner = pid;
  watch(s, pid);
  s.rt.send(pid, new TransferMessage(s.table, from, gift));
  return true;
}

/**
 * Options of {@link setOptions} (Erlang's `ets:setopts/2`).
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const change: Ets.SetOptions = { access: "public", heir: "none" };
 * Ets.setOptions(Ets.create("t"), change);
 * ```
 * @since 0.1.0
 * @category Ownership
 */
export interface SetOptions {
  /** The new heir, or `"none"`. A pid that is not alive counts as `"none"`. */
  readonly heir?: Pid | "none";
  /** The heir data (with `heir`). */
  readonly heirData?: unknown;
  /** The new access mode (Erlang's `protection`). */
  readonly access?: Access;
}

/**
 * Changes a table's heir or access mode (Erlang's `ets:setopts/2`). Only the owner may.
 *
 * @param table - the table or its name
 * @param options - `heir` (+ `heirData`) and/or `access`
 * @returns `true`
 * @throws {AccessError} if the caller is not the owner
 * @throws {BadArgumentError} for an unknown option or an invalid value (nothing changes)
 * @example
 * ```ts
 * import { self } from "@trellis/core";
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create("t");
 * Ets.setOptions(t, { access: "public", heir: self(), heirData: "backup" });
 * ```
 * @since 0.1.0
 * @category Ownership
 */
export function setOptions(table: TableRef, options: SetOptions): true {
  const s = owned(table, "setOptions");
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(
      `Ets.setOptions: options must be an object, got ${formatReason(options)}`,
    );
  }
  for (const k of Object.keys(options)) {
    if (k !== "heir" && k !== "heirData" && k !== "access") {
      throw new BadArgumentError(
        `Ets.setOptions: unknown option "${k}" (the options are heir, heirData, access)`,
      );
    }
  }
  if ("heirData" in options && !("heir" in options)) {
    throw new BadArgumentError("Ets.setOptions: heirData goes with heir; give both");
  }
  const heir = "heir" in options ? checkHeir("setOptions", options.heir) : undefined;
  const access = options.access;
  if (access !== undefined && !ACCESSES.includes(access)) {
    throw new BadArgumentError(
      `Ets.setOptions: access must be one of ${ACCESSES.join(", ")}, got ${formatReason(access)}`,
    );
  }
  if (heir !== undefined) {
    s.heir = heir === "none" || !s.rt.isAlive(heir) ? undefined : heir;
    s.heirData = s.heir === undefined ? undefined : options.heirData;
  }
  if (access !== undefined) {
    s.access = access;
    s.readInts = readIntsOf(s);
  }
  return true;
}

// -------------------------------------------------------------------------------------------
// Writing

/**
 * Inserts one row (Erlang's `ets:insert/2` with one object). In a set or ordered_set it
 * replaces the object with the same key; a bag adds it unless an identical object is
 * there; a duplicate_bag always adds it. To insert several rows at once, use
 * {@link insertMany}: an array of arrays given here is one row.
 *
 * Rows are stored as they are, not copied: do not mutate a row after inserting it.
 *
 * @param table - the table or its name
 * @param row - an array of terms with at least `keyPos + 1` elements
 * @returns `true`
 * @throws {BadArgumentError} if `row` is not an array of terms or is too short (the table is unchanged)
 * @throws {AccessError} without write access
 * @throws {NoTableError} if the table was deleted
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number]>("t");
 * Ets.insert(t, ["a", 1]);
 * Ets.insert(t, ["a", 2]); // replaces ["a", 1]
 * ```
 * @since 0.1.0
 * @category Writing
 */
export function insert<Row extends Tuple = Tuple, Key extends Term = Row[0]>(
  table: TableRef<Row, Key>,
  row: NoInfer<Row>,
): true {
  const s = writable(table, "insert");
  const key = checkRow(s, row, "insert");
  // As in `lookup`: one monomorphic call site per store class and kind of key.
  const store = s.store;
  if (store.ordered) {
    const tree = store as BTree;
    tree.insert(key, row);
  } else {
    const hash = store as HashStore;
    if (isInt32(key)) hash.ints.insert(key, row);
    else hash.insert(key, row);
  }
  return true;
}

function checkRows(s: TableState, rows: unknown, op: string): unknown[] {
  if (!Array.isArray(rows)) {
    throw new BadArgumentError(`Ets.${op}: expected an array of rows, got ${formatReason(rows)}`);
  }
  const keys = new Array<unknown>(rows.length);
  for (let i = 0; i < rows.length; i++) keys[i] = checkRow(s, rows[i], op, `row ${i}`);
  return keys;
}

/**
 * Inserts several rows atomically (Erlang's `ets:insert/2` with a list): all of them, or —
 * if any row is invalid — none. Later rows win over earlier ones with the same key in a set.
 *
 * @param table - the table or its name
 * @param rows - the rows
 * @returns `true`
 * @throws {BadArgumentError} if any row is invalid (nothing is inserted)
 * @throws {AccessError} without write access
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number]>("t");
 * Ets.insertMany(t, [["a", 1], ["b", 2]]);
 * ```
 * @since 0.1.0
 * @category Writing
 */
export function insertMany<Row extends Tuple = Tuple, Key extends Term = Row[0]>(
  table: TableRef<Row, Key>,
  rows: readonly NoInfer<Row>[],
): true {
  const s = writable(table, "insertMany");
  const keys = checkRows(s, rows, "insertMany");
  const store = s.store;
  for (let i = 0; i < rows.length; i++) store.insert(keys[i], rows[i] as Obj);
  return true;
}

/**
 * Inserts a row only if its key is not in the table yet (Erlang's `ets:insert_new/2`).
 *
 * @param table - the table or its name
 * @param row - the row
 * @returns `true` if inserted, `false` if the key was there (the table is unchanged)
 * @throws {BadArgumentError} if `row` is invalid
 * @throws {AccessError} without write access
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number]>("t");
 * Ets.insertNew(t, ["a", 1]); // true
 * Ets.insertNew(t, ["a", 2]); // false
 * ```
 * @since 0.1.0
 * @category Writing
 */
export function insertNew<Row extends Tuple = Tuple, Key extends Term = Row[0]>(
  table: TableRef<Row, Key>,
  row: NoInfer<Row>,
): boolean {
  const s = writable(table, "insertNew");
  const key = checkRow(s, row, "insertNew");
  if (s.store.has(key)) return false;
  s.store.insert(key, row);
  return true;
}

/**
 * Inserts several rows if none of their keys is in the table (Erlang's `ets:insert_new/2`
 * with a list): all or nothing.
 *
 * @param table - the table or its name
 * @param rows - the rows
 * @returns `true` if all were inserted, `false` if any key was there (nothing is inserted)
 * @throws {BadArgumentError} if any row is invalid
 * @throws {AccessError} without write access
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number]>("t");
 * Ets.insert(t, ["b", 0]);
 * Ets.insertNewMany(t, [["a", 1], ["b", 2]]); // false, and "a" was not inserted
 * ```
 * @since 0.1.0
 * @category Writing
 */
export function insertNewMany<Row extends Tuple = Tuple, Key extends Term = Row[0]>(
  table: TableRef<Row, Key>,
  rows: readonly NoInfer<Row>[],
): boolean {
  const s = writable(table, "insertNewMany");
  const keys = checkRows(s, rows, "insertNewMany");
  const store = s.store;
  for (const k of keys) if (store.has(k)) return false;
  for (let i = 0; i < rows.length; i++) store.insert(keys[i], rows[i] as Obj);
  return true;
}

/**
 * One counter update of {@link updateCounter}: an increment of the element after the key,
 * `[pos, incr]`, or `[pos, incr, threshold, setValue]` (when the result passes
 * `threshold` — above it for `incr >= 0`, below it for `incr < 0` — the element becomes
 * `setValue`). Positions are 0-based.
 *
 * @typeParam N - `number` or `bigint`
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const ops: Ets.CounterOp[] = [1, [1, 5], [2, 1, 10, 0]];
 * ```
 * @since 0.1.0
 * @category Writing
 */
export type CounterOp<N extends number | bigint = number> =
  | N
  | readonly [pos: number, incr: N]
  | readonly [pos: number, incr: N, threshold: N, setValue: N];

/**
 * Options of {@link updateCounter}.
 *
 * @typeParam Row - the row type
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number]>("hits");
 * Ets.updateCounter(t, "/", 1, { default: ["/", 0] }); // 1
 * ```
 * @since 0.1.0
 * @category Writing
 */
export interface UpdateCounterOptions<Row extends Tuple = Tuple> {
  /**
   * The row to insert first when the key is missing (its key element is replaced by the
   * key). Without it, a missing key is an error.
   */
  readonly default?: Row;
}

type ParsedOp = [
  pos: number,
  incr: number | bigint,
  thr: number | bigint | undefined,
  set: number | bigint | undefined,
];

function isInt(v: unknown): v is number | bigint {
  return typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v));
}

function parseCounterOps(s: TableState, op: unknown): { ops: ParsedOp[]; list: boolean } {
  const where = "Ets.updateCounter";
  const one = (o: unknown): ParsedOp => {
    if (isInt(o)) return [s.keyPos + 1, o, undefined, undefined];
    if (Array.isArray(o) && (o.length === 2 || o.length === 4)) {
      const [pos, incr, thr, set] = o as unknown[];
      if (!Number.isInteger(pos)) {
        throw new BadArgumentError(
          `${where}: the position ${formatReason(pos)} must be an integer (0-based)`,
        );
      }
      if (!isInt(incr)) {
        throw new BadArgumentError(
          `${where}: the increment ${formatReason(incr)} must be an integer (number or bigint)`,
        );
      }
      if (o.length === 4 && (!isInt(thr) || !isInt(set))) {
        throw new BadArgumentError(
          `${where}: the threshold and the set value must be integers, got ${formatReason(thr)} and ${formatReason(set)}`,
        );
      }
      return [
        pos as number,
        incr,
        thr as number | bigint | undefined,
        set as number | bigint | undefined,
      ];
    }
    throw new BadArgumentError(
      `${where}: an update is an integer increment, [pos, incr] or [pos, incr, threshold, setValue], got ${show(o)}`,
    );
  };
  if (Array.isArray(op) && (op.length === 0 || Array.isArray(op[0]))) {
    return { ops: op.map(one), list: true };
  }
  return { ops: [one(op)], list: false };
}

/**
 * Updates counters in the object under `key` and returns the new values (Erlang's
 * `ets:update_counter/3,4`), atomically. `op` is an increment of the element after the key,
 * a `[pos, incr]` or `[pos, incr, threshold, setValue]` update, or an array of updates
 * (which returns an array of results, in order). A counter keeps its type: a `number`
 * counter takes `number` increments, a `bigint` one `bigint` increments.
 *
 * Only for set and ordered_set tables.
 *
 * @param table - the table or its name
 * @param key - the key
 * @param op - the update(s), see {@link CounterOp}
 * @param options - `default`: the row to insert first if the key is missing
 * @returns the new value, or an array of them for an array of updates
 * @throws {BadArgumentError} if the key is missing (without `default`), a position is the
 *   key's or out of range, an element is not an integer, or the table is a bag (the table
 *   is unchanged)
 * @throws {AccessError} without write access
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const hits = Ets.create<[page: string, count: number, bytes: number]>("hits");
 * Ets.updateCounter(hits, "/", 1, { default: ["/", 0, 0] }); // 1
 * Ets.updateCounter(hits, "/", [[1, 1], [2, 512]]); // [2, 512]
 * Ets.updateCounter(hits, "/", [1, 10, 5, 0]); // 0: 12 passed the threshold 5
 * ```
 * @since 0.1.0
 * @category Writing
 */
export function updateCounter<Row extends Tuple = Tuple, Key extends Term = Row[0]>(
  table: TableRef<Row, Key, "set">,
  key: NoInfer<Key>,
  op: CounterOp<number>,
  options?: UpdateCounterOptions<NoInfer<Row>>,
): number;
export function updateCounter<Row extends Tuple = Tuple, Key extends Term = Row[0]>(
  table: TableRef<Row, Key, "set">,
  key: NoInfer<Key>,
  op: CounterOp<bigint>,
  options?: UpdateCounterOptions<NoInfer<Row>>,
): bigint;
export function updateCounter<Row extends Tuple = Tuple, Key extends Term = Row[0]>(
  table: TableRef<Row, Key, "set">,
  key: NoInfer<Key>,
  ops: readonly Exclude<CounterOp<number>, number>[],
  options?: UpdateCounterOptions<NoInfer<Row>>,
): number[];
export function updateCounter<Row extends Tuple = Tuple, Key extends Term = Row[0]>(
  table: TableRef<Row, Key, "set">,
  key: NoInfer<Key>,
  ops: readonly Exclude<CounterOp<bigint>, bigint>[],
  options?: UpdateCounterOptions<NoInfer<Row>>,
): bigint[];
export function updateCounter(
  table: TableRef,
  key: Term,
  op: unknown,
  options: UpdateCounterOptions = {},
): unknown {
  const s = writable(table, "updateCounter");
  if (isBag(s)) {
    throw new BadArgumentError(
      `Ets.updateCounter: the table "${s.name}" is a ${s.type}; counters need a set or ordered_set`,
    );
  }
  checkKey(key, "updateCounter");
  if (typeof op === "number") {
    // The common case, a plain increment of an existing number counter, without the
    // general machinery (anything unusual falls through to it and its errors).
    const row = getOne(s.store, key);
    const pos = s.keyPos + 1;
    if (row !== undefined && pos < row.length && Number.isInteger(op)) {
      const cur = row[pos];
      if (typeof cur === "number" && Number.isInteger(cur)) {
        const next = row.slice();
        const v = cur + op;
        next[pos] = v;
        storeReplace(s.store, next[s.keyPos], next);
        return v;
      }
    }
  }
  const { ops, list } = parseCounterOps(s, op);
  const store = s.store;
  let row = store.get(key);
  let fresh = false;
  if (row === undefined) {
    const dflt = options.default;
    if (dflt === undefined) {
      throw new BadArgumentError(
        `Ets.updateCounter: no object with the key ${show(key)} in the table "${s.name}" (pass { default: row } to insert one first)`,
      );
    }
    checkRow(s, dflt, "updateCounter", "the default row");
    row = dflt;
    fresh = true;
  }
  const next = row.slice();
  if (fresh) next[s.keyPos] = key;
  const results: (number | bigint)[] = [];
  for (const [pos, incr, thr, set] of ops) {
    if (pos === s.keyPos || pos < 0 || pos >= next.length) {
      throw new BadArgumentError(
        `Ets.updateCounter: position ${pos} ${pos === s.keyPos ? "is the key" : `is outside the row (0..${next.length - 1})`}`,
      );
    }
    const cur: unknown = next[pos];
    if (!isInt(cur)) {
      throw new BadArgumentError(
        `Ets.updateCounter: the element at position ${pos} is ${show(cur)}, not an integer`,
      );
    }
    if (
      typeof cur !== typeof incr ||
      (thr !== undefined && (typeof thr !== typeof cur || typeof set !== typeof cur))
    ) {
      throw new BadArgumentError(
        `Ets.updateCounter: the counter at position ${pos} is a ${typeof cur}; give the increment${thr === undefined ? "" : ", threshold and set value"} as ${typeof cur === "bigint" ? "bigints" : "numbers"}`,
      );
    }
    let v = (cur as number) + (incr as number);
    if (thr !== undefined) {
      if ((incr >= 0 && v > (thr as number)) || (incr < 0 && v < (thr as number)))
        v = set as number;
    }
    next[pos] = v;
    results.push(v);
  }
  // The stored key stays (on an ordered_set, `1n` updates the object stored under `1`).
  if (fresh) store.insert(next[s.keyPos], next);
  else storeReplace(store, next[s.keyPos], next);
  return list ? results : results[0];
}

/**
 * One element update of {@link updateElement}: `[pos, value]`, 0-based.
 *
 * @typeParam Row - the row type
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const update: Ets.ElementUpdate<[id: number, name: string]> = [1, "ann"];
 * ```
 * @since 0.1.0
 * @category Writing
 */
export type ElementUpdate<Row extends Tuple = Tuple> = {
  [P in Position<Row>]: readonly [pos: P, value: Row[P]];
}[Position<Row>];

/**
 * Replaces elements of the object under `key` (Erlang's `ets:update_element/3`),
 * atomically: one `[pos, value]` or an array of them. Only for set and ordered_set tables.
 *
 * @param table - the table or its name
 * @param key - the key
 * @param update - `[pos, value]` or an array of them
 * @returns `true`, or `false` if the key is missing
 * @throws {BadArgumentError} if a position is the key's or out of range, or the table is a bag
 * @throws {AccessError} without write access
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[id: number, name: string, age: number]>("t");
 * Ets.insert(t, [1, "ann", 30]);
 * Ets.updateElement(t, 1, [2, 31]); // true
 * Ets.updateElement(t, 1, [[1, "Ann"], [2, 32]]); // true
 * ```
 * @since 0.1.0
 * @category Writing
 */
export function updateElement<Row extends Tuple = Tuple, Key extends Term = Row[0]>(
  table: TableRef<Row, Key, "set">,
  key: NoInfer<Key>,
  update: ElementUpdate<NoInfer<Row>> | readonly ElementUpdate<NoInfer<Row>>[],
): boolean {
  const s = writable(table, "updateElement");
  if (isBag(s)) {
    throw new BadArgumentError(
      `Ets.updateElement: the table "${s.name}" is a ${s.type}; it needs a set or ordered_set`,
    );
  }
  checkKey(key, "updateElement");
  const u = update as unknown;
  if (!Array.isArray(u)) {
    throw new BadArgumentError(
      `Ets.updateElement: an update is [pos, value] or an array of them, got ${formatReason(u)}`,
    );
  }
  const updates: unknown[] = u.length === 0 || Array.isArray(u[0]) ? u : [u];
  const store = s.store;
  const row = store.get(key);
  if (row === undefined) return false;
  const next = row.slice();
  for (const one of updates) {
    if (!Array.isArray(one) || one.length !== 2) {
      throw new BadArgumentError(
        `Ets.updateElement: an update is [pos, value], got ${formatReason(one)}`,
      );
    }
    const [pos, value] = one as [unknown, unknown];
    if (typeof pos !== "number" || !Number.isInteger(pos) || pos < 0 || pos >= next.length) {
      throw new BadArgumentError(
        `Ets.updateElement: position ${formatReason(pos)} is outside the row (0..${next.length - 1}, 0-based)`,
      );
    }
    if (pos === s.keyPos)
      throw new BadArgumentError(
        `Ets.updateElement: position ${pos} is the key; it cannot be updated`,
      );
    checkTerm(value, `Ets.updateElement: the value for position ${pos}`);
    next[pos] = value;
  }
  storeReplace(store, next[s.keyPos], next);
  return true;
}

/**
 * Deletes the objects under `key` (Erlang's `ets:delete/2`). It is exported as `delete`
 * (`Ets.delete(table, key)`); to delete a whole table use {@link deleteTable}.
 *
 * @param table - the table or its name
 * @param key - the key
 * @returns `true`, also when the key was missing
 * @throws {AccessError} without write access
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number]>("t");
 * Ets.insert(t, ["a", 1]);
 * Ets.delete(t, "a"); // true
 * ```
 * @since 0.1.0
 * @category Writing
 */
export function deleteKey<Row extends Tuple = Tuple, Key extends Term = Row[0]>(
  table: TableRef<Row, Key>,
  key: NoInfer<Key>,
): true {
  const s = writable(table, "delete");
  checkKey(key, "delete");
  s.store.remove(key, false);
  return true;
}

/**
 * Deletes exactly this object (Erlang's `ets:delete_object/2`): the object in the table
 * must equal `row` as a whole (`equals`). In a duplicate_bag every copy goes.
 *
 * @param table - the table or its name
 * @param row - the object
 * @returns `true`
 * @throws {BadArgumentError} if `row` is not a valid row
 * @throws {AccessError} without write access
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number]>("t", { type: "bag" });
 * Ets.insertMany(t, [["a", 1], ["a", 2]]);
 * Ets.deleteObject(t, ["a", 1]);
 * Ets.lookup(t, "a"); // [["a", 2]]
 * ```
 * @since 0.1.0
 * @category Writing
 */
export function deleteObject<Row extends Tuple = Tuple, Key extends Term = Row[0]>(
  table: TableRef<Row, Key, TableKind>,
  row: NoInfer<Row>,
): true {
  const s = writable(table, "deleteObject");
  s.store.removeObject(checkRow(s, row, "deleteObject"), row);
  return true;
}

/**
 * Deletes every object (Erlang's `ets:delete_all_objects/1`); the table stays.
 *
 * @param table - the table or its name
 * @returns `true`
 * @throws {AccessError} without write access
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create("t");
 * Ets.deleteAllObjects(t);
 * Ets.info(t, "size"); // 0
 * ```
 * @since 0.1.0
 * @category Writing
 */
export function deleteAllObjects(table: TableRef): true {
  writable(table, "deleteAllObjects").store.clear();
  return true;
}

/**
 * Removes and returns the objects under `key` (Erlang's `ets:take/2`).
 *
 * @param table - the table or its name
 * @param key - the key
 * @returns the objects that were there (`[]` if none)
 * @throws {AccessError} without write access
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const jobs = Ets.create<[id: number, job: string]>("jobs");
 * Ets.insert(jobs, [1, "send mail"]);
 * Ets.take(jobs, 1); // [[1, "send mail"]]
 * Ets.take(jobs, 1); // []
 * ```
 * @since 0.1.0
 * @category Writing
 */
export function take<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(table: TableRef<Row, Key, Kind>, key: NoInfer<Key>): Row[] {
  const s = writable(table, "take");
  checkKey(key, "take");
  return s.store.remove(key, true) as unknown as Row[];
}

// -------------------------------------------------------------------------------------------
// Reading

/**
 * The objects under `key` (Erlang's `ets:lookup/2`): `[]` if there are none, one for a set
 * or ordered_set, any number for a bag. On an ordered_set the key is found by term order,
 * so `1n` finds the object stored under `1`.
 *
 * The rows are the stored arrays themselves: do not mutate them.
 *
 * @param table - the table or its name
 * @param key - the key
 * @returns the objects
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number]>("t");
 * Ets.insert(t, ["a", 1]);
 * Ets.lookup(t, "a"); // [["a", 1]]
 * Ets.lookup(t, "b"); // []
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function lookup<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(table: TableRef<Row, Key, Kind>, key: NoInfer<Key>): Row[] {
  // The common case in the fewest loads: an integer key of a hash table anyone may read.
  const ints = tryState(table)?.readInts;
  if (ints !== undefined && isInt32(key)) return ints.lookup(key) as unknown as Row[];
  const s = readable(table, "lookup");
  checkKey(key, "lookup");
  const store = s.store;
  if (store.ordered) {
    // Its own variable: V8 shares one feedback slot between loads of the same property from
    // the same variable, and a `lookup` load seeing both store classes is not inlined.
    const tree = store as BTree;
    return tree.lookup(key) as unknown as Row[];
  }
  const hash = store as HashStore;
  // An integer key goes straight to the integer table: a short chain of small calls that V8
  // inlines into the caller (see `resolve`).
  if (isInt32(key)) return hash.ints.lookup(key) as unknown as Row[];
  return hash.lookup(key) as unknown as Row[];
}

/**
 * The element at `pos` (0-based) of the object under `key` (Erlang's
 * `ets:lookup_element/3`, whose positions are 1-based); on a bag, an array with that
 * element of each object. With a fourth argument (OTP 26's `ets:lookup_element/4`), a
 * missing key returns that default instead of throwing; an object without an element at
 * `pos` still throws.
 *
 * On a set or ordered_set it reads the one object in place: unlike {@link lookup}, it
 * allocates nothing.
 *
 * @param table - the table or its name
 * @param key - the key
 * @param pos - the 0-based position
 * @returns the element (set, ordered_set) or the elements (bags)
 * @throws {BadArgumentError} if the key is missing or an object has no element at `pos`
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[id: number, name: string]>("t");
 * Ets.insert(t, [1, "ann"]);
 * Ets.lookupElement(t, 1, 1); // "ann"
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function lookupElement<Row extends Tuple, Key extends Term, P extends Position<Row>>(
  table: Table<Row, Key, "bag">,
  key: NoInfer<Key>,
  pos: P,
): Row[P][];
export function lookupElement<Row extends Tuple, Key extends Term, P extends Position<Row>>(
  table: Table<Row, Key, "set">,
  key: NoInfer<Key>,
  pos: P,
): Row[P];
export function lookupElement<Row extends Tuple>(
  table: TableRef<Row, Term, TableKind>,
  key: Term,
  pos: number extends Row["length"] ? number : never,
): Term;
/**
 * {@link lookupElement} with a default (OTP 26's `ets:lookup_element/4`): the element at `pos`
 * (0-based) of the object under `key`, or of each object on a bag; `dflt` when there is no
 * object under `key`. A present object without an element at `pos` still throws.
 *
 * @param table - the table or its name
 * @param key - the key
 * @param pos - the 0-based position
 * @param dflt - what to return when there is no object under `key` (any value, also
 *   `undefined`)
 * @returns the element (set, ordered_set) or the elements (bags), or `dflt`
 * @throws {BadArgumentError} if an object under `key` has no element at `pos`
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[id: number, name: string]>("t");
 * Ets.insert(t, [1, "ann"]);
 * Ets.lookupElement(t, 2, 1, null); // null
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function lookupElement<Row extends Tuple, Key extends Term, P extends Position<Row>, D>(
  table: Table<Row, Key, "bag">,
  key: NoInfer<Key>,
  pos: P,
  dflt: D,
): Row[P][] | D;
export function lookupElement<Row extends Tuple, Key extends Term, P extends Position<Row>, D>(
  table: Table<Row, Key, "set">,
  key: NoInfer<Key>,
  pos: P,
  dflt: D,
): Row[P] | D;
export function lookupElement<Row extends Tuple, D>(
  table: TableRef<Row, Term, TableKind>,
  key: Term,
  pos: number extends Row["length"] ? number : never,
  dflt: D,
): Term | D;
export function lookupElement(table: TableRef, key: Term, pos: number, dflt?: unknown): unknown {
  // Whether a default was passed at all: `undefined` is a valid default.
  // biome-ignore lint/complexity/noArguments: the count of arguments is the API (OTP's /3 and /4)
  const hasDefault = arguments.length > 3;
  const s = readable(table, "lookupElement");
  checkKey(key, "lookupElement");
  if (typeof pos !== "number" || !Number.isInteger(pos) || pos < 0) {
    throw new BadArgumentError(
      `Ets.lookupElement: the position must be a non-negative integer (0-based), got ${formatReason(pos)}`,
    );
  }
  if (!isBag(s)) {
    // One object at most: read it in place, no list.
    const o = getOne(s.store, key);
    if (o === undefined) return missingElement(s, key, hasDefault, dflt);
    if (pos >= o.length) throw noElement(o, pos);
    return o[pos];
  }
  const objs = s.store.lookup(key);
  if (objs.length === 0) return missingElement(s, key, hasDefault, dflt);
  for (const o of objs) if (pos >= o.length) throw noElement(o, pos);
  return objs.map((o) => o[pos]);
}

/** `lookupElement` on a missing key: the default if one was given, else the error. */
function missingElement(s: TableState, key: unknown, hasDefault: boolean, dflt: unknown): unknown {
  if (hasDefault) return dflt;
  throw new BadArgumentError(
    `Ets.lookupElement: no object with the key ${show(key)} in the table "${s.name}"`,
  );
}

function noElement(o: Obj, pos: number): BadArgumentError {
  return new BadArgumentError(
    `Ets.lookupElement: the object ${show(o)} has no element at position ${pos} (0-based)`,
  );
}

/**
 * Whether there is an object under `key` (Erlang's `ets:member/2`).
 *
 * @param table - the table or its name
 * @param key - the key
 * @returns `true` if the key is present
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create("t");
 * Ets.member(t, "a"); // false
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function member<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(table: TableRef<Row, Key, Kind>, key: NoInfer<Key>): boolean {
  const s = readable(table, "member");
  checkKey(key, "member");
  return s.store.has(key);
}

/**
 * Every object (Erlang's `ets:tab2list/1`): in term order on an ordered_set, in an
 * unspecified order otherwise.
 *
 * @param table - the table or its name
 * @returns the objects
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[number]>("t", { type: "ordered_set" });
 * Ets.insertMany(t, [[3], [1], [2]]);
 * Ets.toList(t); // [[1], [2], [3]]
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function toList<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(table: TableRef<Row, Key, Kind>): Row[] {
  const s = readable(table, "toList");
  const out = new Array<Row>(s.store.size);
  let i = 0;
  s.store.scan((o) => {
    out[i++] = o as unknown as Row;
  });
  return out;
}

/**
 * Folds over every object (Erlang's `ets:foldl/3`): `fn(row, acc)` for each, in term order
 * on an ordered_set. `fn` may change the table: objects it deletes are not visited later,
 * and on an ordered_set the fold carries on after the last key it saw.
 *
 * @param table - the table or its name
 * @param fn - called with each object and the accumulator; returns the new accumulator
 * @param acc - the initial accumulator
 * @returns the final accumulator
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number]>("t");
 * Ets.insertMany(t, [["a", 1], ["b", 2]]);
 * Ets.foldl(t, ([, n], sum) => sum + n, 0); // 3
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function foldl<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
  Acc = unknown,
>(table: TableRef<Row, Key, Kind>, fn: (row: Row, acc: Acc) => Acc, acc: Acc): Acc {
  const s = readable(table, "foldl");
  return fold(s, fn, acc, false);
}

/**
 * As {@link foldl}, but in descending term order on an ordered_set (Erlang's
 * `ets:foldr/3`); on other tables in the same unspecified order as `foldl`.
 *
 * @param table - the table or its name
 * @param fn - called with each object and the accumulator
 * @param acc - the initial accumulator
 * @returns the final accumulator
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[number]>("t", { type: "ordered_set" });
 * Ets.insertMany(t, [[1], [2], [3]]);
 * Ets.foldr(t, ([n], list: number[]) => [...list, n], []); // [3, 2, 1]
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function foldr<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
  Acc = unknown,
>(table: TableRef<Row, Key, Kind>, fn: (row: Row, acc: Acc) => Acc, acc: Acc): Acc {
  const s = readable(table, "foldr");
  return fold(s, fn, acc, s.store.ordered);
}

function fold<Row, Acc>(
  s: TableState,
  fn: (row: Row, acc: Acc) => Acc,
  acc: Acc,
  reverse: boolean,
): Acc {
  if (typeof fn !== "function") {
    throw new BadArgumentError(`Ets.fold: expected a function, got ${formatReason(fn)}`);
  }
  const cursor = s.store.cursor(reverse);
  for (let o = cursor.next(); o !== undefined; o = cursor.next()) {
    acc = fn(o as unknown as Row, acc);
    if (!s.alive) throw new NoTableError("Ets.fold", s.name, false);
  }
  return acc;
}

// -------------------------------------------------------------------------------------------
// Traversal

function traversed<Key>(
  s: TableState,
  k: unknown,
  key: unknown,
  op: string,
): Key | typeof END_OF_TABLE {
  if (k === END) return END_OF_TABLE;
  if (k === MISSING) {
    throw new BadArgumentError(
      `Ets.${op}: the key ${show(key)} is not in the ${s.type} "${s.name}" (only an ordered_set can continue from a missing key)`,
    );
  }
  return k as Key;
}

/**
 * The first key (Erlang's `ets:first/1`): the smallest on an ordered_set, some key on
 * other tables; {@link END_OF_TABLE} on an empty table.
 *
 * @param table - the table or its name
 * @returns a key or `END_OF_TABLE`
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[number]>("t", { type: "ordered_set" });
 * Ets.insertMany(t, [[2], [1]]);
 * for (let k = Ets.first(t); k !== Ets.END_OF_TABLE; k = Ets.next(t, k)) console.log(k); // 1, 2
 * ```
 * @since 0.1.0
 * @category Traversal
 */
export function first<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(table: TableRef<Row, Key, Kind>): Key | typeof END_OF_TABLE {
  const s = readable(table, "first");
  return traversed(s, s.store.first(), undefined, "first");
}

/**
 * The key after `key` (Erlang's `ets:next/2`), or {@link END_OF_TABLE}. On an ordered_set
 * it is the next greater key in term order, and `key` need not be present. On other tables
 * the order is unspecified and `key` must be present.
 *
 * @param table - the table or its name
 * @param key - a key
 * @returns the next key or `END_OF_TABLE`
 * @throws {BadArgumentError} on a set or bag if `key` is not present
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[number]>("t", { type: "ordered_set" });
 * Ets.insertMany(t, [[10], [20]]);
 * Ets.next(t, 15); // 20
 * ```
 * @since 0.1.0
 * @category Traversal
 */
export function next<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(table: TableRef<Row, Key, Kind>, key: NoInfer<Key>): Key | typeof END_OF_TABLE {
  const s = readable(table, "next");
  checkKey(key, "next");
  const store = s.store;
  if (store.ordered) {
    const tree = store as BTree;
    return traversed(s, tree.next(key), key, "next");
  }
  return traversed(s, store.next(key), key, "next");
}

/**
 * The last key (Erlang's `ets:last/1`): the largest on an ordered_set; on other tables the
 * same as {@link first}.
 *
 * @param table - the table or its name
 * @returns a key or `END_OF_TABLE`
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[number]>("t", { type: "ordered_set" });
 * Ets.insertMany(t, [[2], [1]]);
 * Ets.last(t); // 2
 * ```
 * @since 0.1.0
 * @category Traversal
 */
export function last<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(table: TableRef<Row, Key, Kind>): Key | typeof END_OF_TABLE {
  const s = readable(table, "last");
  return traversed(s, s.store.last(), undefined, "last");
}

/**
 * The key before `key` (Erlang's `ets:prev/2`): the next smaller key on an ordered_set
 * (`key` need not be present); on other tables the same as {@link next}.
 *
 * @param table - the table or its name
 * @param key - a key
 * @returns the previous key or `END_OF_TABLE`
 * @throws {BadArgumentError} on a set or bag if `key` is not present
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[number]>("t", { type: "ordered_set" });
 * Ets.insertMany(t, [[10], [20]]);
 * Ets.prev(t, 15); // 10
 * ```
 * @since 0.1.0
 * @category Traversal
 */
export function prev<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(table: TableRef<Row, Key, Kind>, key: NoInfer<Key>): Key | typeof END_OF_TABLE {
  const s = readable(table, "prev");
  checkKey(key, "prev");
  return traversed(s, s.store.prev(key), key, "prev");
}
