/**
 * Matching and selecting: `match`, `matchObject`, `select` (with limits and continuations),
 * `selectCount`, `selectDelete`, `selectReplace`, `matchDelete`.
 *
 * @module
 */
import { BadArgumentError, formatReason, type Term } from "@trellis/core";
import { NoTableError } from "./errors.js";
import { BTree } from "./internal/btree.js";
import { keyEquals, show } from "./internal/keys.js";
import type { Cursor, Obj } from "./internal/store.js";
import {
  $_,
  $$,
  type CompiledSpec,
  compileSpec,
  type Expr,
  type MatchCall,
  type MatchResult,
  type MatchSpec,
  type MatchVariable,
  NO_MATCH,
  type Pattern,
} from "./match.js";
import {
  END_OF_TABLE,
  readable,
  type TableKind,
  type TableRef,
  type TableState,
  type Tuple,
  writable,
} from "./table.js";

/**
 * The type of the value a body expression produces for rows of type `Row`: the row for
 * `$_`, an array of terms for `$$`, the constant's own type for a constant, and `Term` for a
 * variable or a call.
 *
 * @typeParam E - the expression
 * @typeParam Row - the row type
 * @example
 * ```ts
 * import type * as Ets from "@trellis/ets-table";
 * type Whole = Ets.ResultOf<typeof Ets.$_, [string, number]>; // [string, number]
 * ```
 * @since 0.1.0
 * @category Matching
 */
export type ResultOf<E, Row> = [Expr] extends [E]
  ? Term
  : E extends MatchResult<"$_">
    ? Row
    : E extends MatchResult<"$$">
      ? Term[]
      : E extends MatchVariable | MatchCall | MatchResult
        ? Term
        : E extends readonly unknown[]
          ? number extends E["length"]
            ? Term[]
            : { -readonly [I in keyof E]: ResultOf<E[I], Row> }
          : E extends Term
            ? E
            : Term;

/**
 * The type of what a match spec returns per object: the {@link ResultOf} of the last body
 * expression of each clause.
 *
 * @typeParam S - the spec
 * @typeParam Row - the row type
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const spec = [[[Ets.$1, Ets._], [], [Ets.$1]]] as const;
 * type Names = Ets.SelectResult<typeof spec, [string, number]>; // Term
 * ```
 * @since 0.1.0
 * @category Matching
 */
export type SelectResult<S, Row> = S extends readonly (infer C)[]
  ? C extends readonly [unknown, unknown, infer B]
    ? B extends readonly [...unknown[], infer L]
      ? ResultOf<L, Row>
      : B extends readonly (infer E)[]
        ? ResultOf<E, Row>
        : Term
    : Term
  : Term;

/**
 * One chunk of a select (or match) with a limit: the results and the continuation that
 * gives the next chunk.
 *
 * @typeParam R - the result type
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[number]>("t");
 * const chunk = Ets.select(t, [[Ets._, [], [Ets.$_]]], 10);
 * if (chunk !== Ets.END_OF_TABLE) {
 *   const [rows, more] = chunk;
 * }
 * ```
 * @since 0.1.0
 * @category Matching
 */
export type Chunk<R> = readonly [results: R[], continuation: Continuation<R>];

interface ContState {
  readonly table: TableState;
  readonly spec: CompiledSpec;
  readonly limit: number;
  readonly cursor: Cursor;
  readonly op: string;
  done: boolean;
}

let readCont: (cont: Continuation<unknown>) => ContState;
/** Set by `Continuation`'s static block: the continuation's chunk, read once and kept. */
let chunkOf: (cont: Continuation<unknown>, read: () => unknown) => unknown;

/**
 * Where a select with a limit stopped (Erlang's continuation): pass it to {@link select}
 * (or {@link match}, {@link matchObject}) to get the next chunk. Like ETS without
 * `safe_fixtable`, changes to the table between chunks may or may not be seen, but no
 * object is returned twice.
 *
 * A continuation is a value, as in Erlang: resuming the same one again returns the same
 * chunk (and the same next continuation), for every table type. The chunk is read from the
 * table the first time the continuation is resumed and kept for later resumptions.
 *
 * @typeParam R - the result type
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[number]>("t", { type: "ordered_set" });
 * Ets.insertMany(t, [[1], [2], [3]]);
 * let chunk = Ets.select(t, [[Ets._, [], [Ets.$_]]], 2);
 * while (chunk !== Ets.END_OF_TABLE) {
 *   const [rows, cont] = chunk;
 *   console.log(rows); // [[1], [2]], then [[3]]
 *   chunk = Ets.select(cont);
 * }
 * ```
 * @since 0.1.0
 * @category Matching
 */
export class Continuation<R = Term> {
  /** Private: a continuation gives no way to the table behind it. */
  readonly #state: ContState;
  /** The chunk this continuation leads to, once read (a bookmark, not a cursor). */
  #next: unknown = undefined;
  /** @internal Phantom: the result type. */
  declare readonly $result: R;
  /** @internal */
  constructor(state: ContState) {
    this.#state = state;
  }

  static {
    readCont = (cont) => cont.#state;
    chunkOf = (cont, read) => {
      if (cont.#next === undefined) cont.#next = read();
      return cont.#next;
    };
  }
}

function compile(s: TableState, spec: unknown, op: string): CompiledSpec {
  return compileSpec(spec, s.keyPos, s.store.ordered, `Ets.${op}`);
}

/** Visits the objects that can match `spec`: all of them, or the narrowed set. */
function candidates(s: TableState, spec: CompiledSpec, visit: (obj: Obj) => void): void {
  const store = s.store;
  const k = spec.keys;
  switch (k.kind) {
    case "exact":
      for (const o of store.lookup(k.key)) visit(o);
      return;
    case "keys":
      for (const key of k.keys) for (const o of store.lookup(key)) visit(o);
      return;
    case "range":
      if (store instanceof BTree) store.scanRange(k, visit);
      else store.scan(visit);
      return;
    default:
      store.scan(visit);
  }
}

function candidateCursor(s: TableState, spec: CompiledSpec): Cursor {
  const store = s.store;
  const k = spec.keys;
  if (k.kind === "exact" || k.kind === "keys") {
    const objs: Obj[] = [];
    candidates(s, spec, (o) => objs.push(o));
    let i = 0;
    return { next: () => objs[i++] };
  }
  if (k.kind === "range" && store instanceof BTree) return store.cursor(false, k);
  return store.cursor(false);
}

function runAll(s: TableState, spec: CompiledSpec): unknown[] {
  const out: unknown[] = [];
  candidates(s, spec, (o) => {
    const r = spec.run(o);
    if (r !== NO_MATCH) out.push(r);
  });
  return out;
}

function checkLimit(limit: unknown, op: string): number {
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1) {
    throw new BadArgumentError(
      `Ets.${op}: the limit must be a positive integer, got ${formatReason(limit)}`,
    );
  }
  return limit;
}

function startChunks(s: TableState, spec: CompiledSpec, limit: number, op: string): unknown {
  const state: ContState = {
    table: s,
    spec,
    limit,
    cursor: candidateCursor(s, spec),
    op,
    done: false,
  };
  return nextChunk(state);
}

function nextChunk(state: ContState): unknown {
  if (state.done) return END_OF_TABLE;
  const results: unknown[] = [];
  const { cursor, spec, limit } = state;
  while (results.length < limit) {
    const o = cursor.next();
    if (o === undefined) {
      state.done = true;
      break;
    }
    const r = spec.run(o);
    if (r !== NO_MATCH) results.push(r);
  }
  if (results.length === 0) return END_OF_TABLE;
  return [results, new Continuation(state)];
}

function resume(cont: Continuation<unknown>, op: string): unknown {
  const state = readCont(cont as Continuation<unknown>);
  const s = state.table;
  if (!s.alive) throw new NoTableError(`Ets.${op}`, s.name, false);
  readable(s.table, op);
  // The shared cursor only ever moves forward: each continuation reads its chunk once, in
  // order (the next continuation exists only after this one was read), and keeps it.
  return chunkOf(cont, () => nextChunk(state));
}

function isContinuation(v: unknown): v is Continuation<unknown> {
  return v instanceof Continuation;
}

/**
 * Runs a match specification over the table (Erlang's `ets:select/1,2,3`) and returns the
 * results of the objects it matches, in table order. Each clause `[head, guards, body]` is
 * tried in turn; the first whose head matches and whose guards are all `true` gives the
 * result: the value of its last body expression.
 *
 * On an ordered_set, a head whose key is bound (a constant), bound as a prefix of a tuple
 * key (`[["user", Ets._], …]`), or a variable bounded by comparison guards (`>`, `>=`,
 * `<`, `=<`, `==`, `=:=` with constants, also under `andalso`) scans only that range of
 * keys; on any table a bound key is looked up directly.
 *
 * - With a `limit`, returns the first chunk of at most `limit` results and a
 *   {@link Continuation}, or {@link END_OF_TABLE} if nothing matches.
 * - With a continuation alone, returns the next chunk, or `END_OF_TABLE`.
 *
 * @param table - the table or its name
 * @param spec - the match specification (see {@link MatchSpec}; {@link fromErlangMatchSpec}
 *   converts an Erlang-shaped one)
 * @param limit - the chunk size
 * @returns the results, or a chunk
 * @throws {BadArgumentError} for a malformed spec, or a body that fails on an object
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const users = Ets.create<[id: number, name: string, age: number]>("users");
 * Ets.insertMany(users, [[1, "ann", 31], [2, "bob", 17]]);
 * // ets:select(Users, [{{'$1', '$2', '$3'}, [{'>=', '$3', 18}], ['$2']}])
 * Ets.select(users, [[[Ets.$1, Ets.$2, Ets.$3], [Ets.expr(">=", Ets.$3, 18)], [Ets.$2]]]); // ["ann"]
 * ```
 * @since 0.1.0
 * @category Matching
 */
export function select<
  Row extends Tuple,
  Key extends Term,
  Kind extends TableKind,
  const S extends MatchSpec<Row>,
>(
  table: TableRef<Row, Key, Kind>,
  spec: S,
  limit: number,
): Chunk<SelectResult<S, Row>> | typeof END_OF_TABLE;
export function select<
  Row extends Tuple,
  Key extends Term,
  Kind extends TableKind,
  const S extends MatchSpec<Row>,
>(table: TableRef<Row, Key, Kind>, spec: S): SelectResult<S, Row>[];
/**
 * The next chunk of a select with a limit, from its {@link Continuation}, or
 * {@link END_OF_TABLE} when there is no more.
 *
 * @param continuation - from the previous chunk
 * @returns the next chunk, or `END_OF_TABLE`
 */
export function select<R>(continuation: Continuation<R>): Chunk<R> | typeof END_OF_TABLE;
export function select(table: unknown, spec?: unknown, limit?: unknown): unknown {
  if (spec === undefined && isContinuation(table)) return resume(table, "select");
  const s = readable(table, "select");
  const c = compile(s, spec, "select");
  if (limit === undefined) return runAll(s, c);
  return startChunks(s, c, checkLimit(limit, "select"), "select");
}

/**
 * The bindings of the pattern's variables for each matching object (Erlang's
 * `ets:match/1,2,3`): per object, an array of the values of `$1`, `$2`… in variable order.
 * With a limit or a continuation it works in chunks, as {@link select}.
 *
 * @param table - the table or its name
 * @param pattern - the pattern (see {@link Pattern})
 * @param limit - the chunk size
 * @returns the bindings, or a chunk
 * @throws {BadArgumentError} for a malformed pattern
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number, string]>("t");
 * Ets.insertMany(t, [["a", 1, "x"], ["b", 2, "y"]]);
 * Ets.match(t, [Ets.$2, Ets.$1, Ets._]); // [[1, "a"], [2, "b"]] (in some order)
 * ```
 * @since 0.1.0
 * @category Matching
 */
export function match<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(
  table: TableRef<Row, Key, Kind>,
  pattern: NoInfer<Pattern<Row>>,
  limit: number,
): Chunk<Term[]> | typeof END_OF_TABLE;
export function match<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(table: TableRef<Row, Key, Kind>, pattern: NoInfer<Pattern<Row>>): Term[][];
/**
 * The next chunk of a match with a limit, from its {@link Continuation}, or
 * {@link END_OF_TABLE} when there is no more.
 *
 * @param continuation - from the previous chunk
 * @returns the next chunk, or `END_OF_TABLE`
 */
export function match(continuation: Continuation<Term[]>): Chunk<Term[]> | typeof END_OF_TABLE;
export function match(table: unknown, pattern?: unknown, limit?: unknown): unknown {
  if (pattern === undefined && isContinuation(table)) return resume(table, "match");
  const s = readable(table, "match");
  const c = compile(s, [[pattern, [], [$$]]], "match");
  if (limit === undefined) return runAll(s, c);
  return startChunks(s, c, checkLimit(limit, "match"), "match");
}

/**
 * The objects matching the pattern (Erlang's `ets:match_object/1,2,3`). With a limit or a
 * continuation it works in chunks, as {@link select}.
 *
 * @param table - the table or its name
 * @param pattern - the pattern (see {@link Pattern})
 * @param limit - the chunk size
 * @returns the objects, or a chunk
 * @throws {BadArgumentError} for a malformed pattern
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number]>("t", { type: "bag" });
 * Ets.insertMany(t, [["a", 1], ["a", 2], ["b", 1]]);
 * Ets.matchObject(t, [Ets._, 1]); // [["a", 1], ["b", 1]] (in some order)
 * ```
 * @since 0.1.0
 * @category Matching
 */
export function matchObject<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(
  table: TableRef<Row, Key, Kind>,
  pattern: NoInfer<Pattern<Row>>,
  limit: number,
): Chunk<Row> | typeof END_OF_TABLE;
export function matchObject<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(table: TableRef<Row, Key, Kind>, pattern: NoInfer<Pattern<Row>>): Row[];
/**
 * The next chunk of a matchObject with a limit, from its {@link Continuation}, or
 * {@link END_OF_TABLE} when there is no more.
 *
 * @param continuation - from the previous chunk
 * @returns the next chunk, or `END_OF_TABLE`
 */
export function matchObject<R>(continuation: Continuation<R>): Chunk<R> | typeof END_OF_TABLE;
export function matchObject(table: unknown, pattern?: unknown, limit?: unknown): unknown {
  if (pattern === undefined && isContinuation(table)) return resume(table, "matchObject");
  const s = readable(table, "matchObject");
  const c = compile(s, [[pattern, [], [$_]]], "matchObject");
  if (limit === undefined) return runAll(s, c);
  return startChunks(s, c, checkLimit(limit, "matchObject"), "matchObject");
}

/**
 * The number of objects for which the match spec returns `true` (Erlang's
 * `ets:select_count/2`).
 *
 * @param table - the table or its name
 * @param spec - the match specification; its bodies should return `true` for what to count
 * @returns the count
 * @throws {BadArgumentError} for a malformed spec
 * @throws {AccessError} on a private table of another process
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number]>("t");
 * Ets.insertMany(t, [["a", 1], ["b", 5]]);
 * Ets.selectCount(t, [[[Ets._, Ets.$1], [Ets.expr(">", Ets.$1, 2)], [true]]]); // 1
 * ```
 * @since 0.1.0
 * @category Matching
 */
export function selectCount<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(table: TableRef<Row, Key, Kind>, spec: NoInfer<MatchSpec<Row>>): number {
  const s = readable(table, "selectCount");
  const c = compile(s, spec, "selectCount");
  let n = 0;
  candidates(s, c, (o) => {
    if (c.isTrue(o)) n++;
  });
  return n;
}

function deleteWhere(s: TableState, c: CompiledSpec): number {
  const doomed: Obj[] = [];
  candidates(s, c, (o) => {
    if (c.isTrue(o)) doomed.push(o);
  });
  const store = s.store;
  const kp = s.keyPos;
  for (const o of doomed) store.removeObject(o[kp], o);
  return doomed.length;
}

/**
 * Deletes the objects for which the match spec returns `true` and returns how many
 * (Erlang's `ets:select_delete/2`).
 *
 * @param table - the table or its name
 * @param spec - the match specification; its bodies should return `true` for what to delete
 * @returns the number of objects deleted
 * @throws {BadArgumentError} for a malformed spec
 * @throws {AccessError} without write access
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number]>("t");
 * Ets.insertMany(t, [["a", 1], ["b", 5]]);
 * Ets.selectDelete(t, [[[Ets._, Ets.$1], [Ets.expr("<", Ets.$1, 2)], [true]]]); // 1
 * ```
 * @since 0.1.0
 * @category Matching
 */
export function selectDelete<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(table: TableRef<Row, Key, Kind>, spec: NoInfer<MatchSpec<Row>>): number {
  const s = writable(table, "selectDelete");
  return deleteWhere(s, compile(s, spec, "selectDelete"));
}

/**
 * Deletes the objects matching the pattern (Erlang's `ets:match_delete/2`).
 *
 * @param table - the table or its name
 * @param pattern - the pattern
 * @returns `true`
 * @throws {BadArgumentError} for a malformed pattern
 * @throws {AccessError} without write access
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, string]>("t");
 * Ets.insertMany(t, [["a", "stale"], ["b", "fresh"]]);
 * Ets.matchDelete(t, [Ets._, "stale"]);
 * ```
 * @since 0.1.0
 * @category Matching
 */
export function matchDelete<
  Row extends Tuple = Tuple,
  Key extends Term = Row[0],
  Kind extends TableKind = TableKind,
>(table: TableRef<Row, Key, Kind>, pattern: NoInfer<Pattern<Row>>): true {
  const s = writable(table, "matchDelete");
  deleteWhere(s, compile(s, [[pattern, [], [true]]], "matchDelete"));
  return true;
}

/**
 * Replaces each matching object with the spec's result (Erlang's `ets:select_replace/2`),
 * atomically, and returns how many were replaced. The result must be a row with exactly the
 * same key (`equals`). Not for bags.
 *
 * @param table - the table or its name
 * @param spec - the match specification; its bodies build the new objects
 * @returns the number of objects replaced
 * @throws {BadArgumentError} for a malformed spec, a result that is not a row with the same
 *   key, or a bag table (nothing is replaced)
 * @throws {AccessError} without write access
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const t = Ets.create<[string, number]>("t");
 * Ets.insertMany(t, [["a", 1], ["b", 5]]);
 * // double every value below 3
 * Ets.selectReplace(t, [[[Ets.$1, Ets.$2], [Ets.expr("<", Ets.$2, 3)], [[Ets.$1, Ets.expr("*", Ets.$2, 2)]]]]); // 1
 * ```
 * @since 0.1.0
 * @category Matching
 */
export function selectReplace<Row extends Tuple = Tuple, Key extends Term = Row[0]>(
  table: TableRef<Row, Key, "set">,
  spec: NoInfer<MatchSpec<Row>>,
): number {
  const s = writable(table, "selectReplace");
  if (s.type === "bag" || s.type === "duplicate_bag") {
    throw new BadArgumentError(
      `Ets.selectReplace: the table "${s.name}" is a ${s.type}; it needs a set or ordered_set`,
    );
  }
  const c = compile(s, spec, "selectReplace");
  const kp = s.keyPos;
  const replacements: Obj[] = [];
  candidates(s, c, (o) => {
    const r = c.run(o);
    if (r === NO_MATCH) return;
    if (!Array.isArray(r) || r.length <= kp || !keyEquals(r[kp], o[kp])) {
      throw new BadArgumentError(
        `Ets.selectReplace: the replacement ${show(r)} for ${show(o)} must be a row with the same key (nothing was replaced)`,
      );
    }
    replacements.push(r);
  });
  const store = s.store;
  for (const r of replacements) store.insert(r[kp], r);
  return replacements.length;
}
