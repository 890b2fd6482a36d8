/**
 * Patterns and match specifications: the tokens (`_`, `$1`…, `$_`, `$$`), guard and body
 * expressions, the converter from Erlang-shaped specs, and the compiler the table
 * operations use.
 *
 * @module
 */
import {
  BadArgumentError,
  formatReason,
  inProcess,
  Pid,
  Ref,
  self,
  type Term,
} from "@trellis/core";
import { checkTerm, keyCompare, keyEquals, show as showTerm } from "./internal/keys.js";

const TOKEN = Symbol.for("trellis.ets.match-token");

/**
 * A match variable, Erlang's `'$1'`, `'$2'`…: in a pattern it binds the value at its place
 * (a second occurrence must be equal); in guards and bodies it stands for that value.
 * Use the constants {@link $1}…{@link $9} or {@link variable} for any number.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.$1.index; // 1
 * Ets.variable(12).index; // 12
 * ```
 * @since 0.1.0
 * @category Matching
 */
export class MatchVariable {
  /** The variable's number: `$1` is 1. Bindings are reported in this order. */
  readonly index: number;
  /** @internal */
  constructor(index: number) {
    this.index = index;
  }
  /** @returns `"$1"`, `"$2"`… */
  toString(): string {
    return `$${this.index}`;
  }
}
Object.defineProperty(MatchVariable.prototype, TOKEN, { value: "var" });

/**
 * The wildcard, Erlang's `'_'`: matches anything and binds nothing. Only valid in patterns.
 * Its one instance is {@link _}.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * String(Ets._); // "_"
 * ```
 * @since 0.1.0
 * @category Matching
 */
export class Wildcard {
  /** Always `"_"`. */
  readonly kind: "_" = "_";
  /** @returns `"_"` */
  toString(): string {
    return "_";
  }
}
Object.defineProperty(Wildcard.prototype, TOKEN, { value: "_" });

/**
 * A body term that stands for the match as a whole: {@link $_} (Erlang's `'$_'`, the
 * whole object) or {@link $$} (Erlang's `'$$'`, the list of bound variables in order).
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.$_.kind; // "$_"
 * ```
 * @since 0.1.0
 * @category Matching
 */
export class MatchResult<K extends "$_" | "$$" = "$_" | "$$"> {
  /** `"$_"` for the whole object, `"$$"` for all bindings. */
  readonly kind: K;
  /** @internal */
  constructor(kind: K) {
    this.kind = kind;
  }
  /** @returns `"$_"` or `"$$"` */
  toString(): string {
    return this.kind;
  }
}
Object.defineProperty(MatchResult.prototype, TOKEN, { value: "result" });

/**
 * The functions a guard or body may call, by their Erlang names (the typed form uses them
 * as they are; {@link fromErlangMatchSpec} converts the rest):
 *
 * | group | functions |
 * | --- | --- |
 * | comparison (term order) | `>`, `>=`, `<`, `=<`, `==`, `/=` (loose, `1n == 1`), `=:=`, `=/=` (exact) |
 * | boolean | `not`, `and`, `or`, `xor`, `andalso`, `orelse` |
 * | arithmetic | `+`, `-` (also unary), `*`, `/`, `div`, `rem`, `abs`, `trunc`, `round`, `float`, `min`, `max`, `band`, `bor`, `bxor`, `bnot`, `bsl`, `bsr` |
 * | type tests | `is_atom` (boolean, `null`, `undefined`), `is_boolean`, `is_number`, `is_integer`, `is_float`, `is_binary` (string), `is_tuple` (array), `is_map` (plain object), `is_pid`, `is_reference` |
 * | tuples and maps | `at(tuple, index)` (0-based, Erlang's `element(index + 1, tuple)`), `tuple_size`, `size`, `map_size`, `map_get(key, map)`, `is_map_key(key, map)`, `byte_size` |
 * | process | `self()` |
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const fn: Ets.GuardFunction = "is_integer";
 * Ets.expr(fn, Ets.$1);
 * ```
 * @since 0.1.0
 * @category Matching
 */
export type GuardFunction =
  | ">"
  | ">="
  | "<"
  | "=<"
  | "=="
  | "/="
  | "=:="
  | "=/="
  | "not"
  | "and"
  | "or"
  | "xor"
  | "andalso"
  | "orelse"
  | "+"
  | "-"
  | "*"
  | "/"
  | "div"
  | "rem"
  | "abs"
  | "trunc"
  | "round"
  | "float"
  | "min"
  | "max"
  | "band"
  | "bor"
  | "bxor"
  | "bnot"
  | "bsl"
  | "bsr"
  | "is_atom"
  | "is_boolean"
  | "is_number"
  | "is_integer"
  | "is_float"
  | "is_binary"
  | "is_tuple"
  | "is_map"
  | "is_pid"
  | "is_reference"
  | "at"
  | "tuple_size"
  | "size"
  | "map_size"
  | "map_get"
  | "is_map_key"
  | "byte_size"
  | "self";

/**
 * A call in a guard or a body, made with {@link expr}: Erlang's `{Function, Arg…}`.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const g = Ets.expr(">", Ets.$2, 10);
 * g.fn; // ">"
 * ```
 * @since 0.1.0
 * @category Matching
 */
export class MatchCall {
  /** The function. */
  readonly fn: GuardFunction;
  /** Its arguments. */
  readonly args: readonly Expr[];
  /** @internal */
  constructor(fn: GuardFunction, args: readonly Expr[]) {
    this.fn = fn;
    this.args = args;
  }
  /** @returns the call in Erlang-like text, e.g. `{'>', $2, 10}` */
  toString(): string {
    return `{'${this.fn}'${this.args.map((a) => `, ${show(a)}`).join("")}}`;
  }
}
Object.defineProperty(MatchCall.prototype, TOKEN, { value: "call" });

/**
 * A pattern for rows of type `T`: the same shape as the value, where any part may be the
 * wildcard {@link _} or a {@link MatchVariable}. An array matches an array of the same
 * length element by element; a plain object matches a plain object that has (at least) its
 * keys, with matching values (as Erlang's map patterns); anything else matches an equal
 * term (`equals`, Erlang's `=:=`).
 *
 * @typeParam T - the type the pattern matches
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const p: Ets.Pattern<[string, number, { tag: string }]> = [Ets.$1, Ets._, { tag: "x" }];
 * ```
 * @since 0.1.0
 * @category Matching
 */
export type Pattern<T = Term> =
  | Wildcard
  | MatchVariable
  | ([Term] extends [T] ? AnyPattern : ShapedPattern<T>);

/**
 * A pattern for any term (the form {@link Pattern} takes for rows of unknown shape).
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const p: Ets.AnyPattern = ["user", Ets.$1, Ets._];
 * ```
 * @since 0.1.0
 * @category Matching
 */
export type AnyPattern =
  | Wildcard
  | MatchVariable
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Pid
  | Ref
  | readonly AnyPattern[]
  | { readonly [key: string]: AnyPattern };

/**
 * A pattern following the shape of `T` (see {@link Pattern}).
 *
 * @typeParam T - the type the pattern matches
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const p: Ets.ShapedPattern<[string, number]> = ["ann", Ets.$1];
 * ```
 * @since 0.1.0
 * @category Matching
 */
export type ShapedPattern<T> = T extends Pid | Ref
  ? T
  : T extends readonly unknown[]
    ? { readonly [I in keyof T]: Pattern<T[I]> }
    : T extends object
      ? { readonly [K in keyof T]?: Pattern<T[K]> }
      : T;

/**
 * A guard or body expression: a constant term, a {@link MatchVariable} bound in the head,
 * {@link $_} or {@link $$}, a call made with {@link expr}, or an array or plain object of
 * expressions (constructed, as Erlang's `{{…}}` and `#{…}` in a body).
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const body: Ets.Expr = { name: Ets.$1, next: Ets.expr("+", Ets.$2, 1) };
 * ```
 * @since 0.1.0
 * @category Matching
 */
export type Expr =
  | Term
  | MatchVariable
  | MatchResult
  | MatchCall
  | readonly Expr[]
  | { readonly [key: string]: Expr };

/**
 * One clause of a match specification, Erlang's `{Head, Guards, Body}`: an object matching
 * `head` whose guards all evaluate to `true` produces the value of the last body
 * expression.
 *
 * @typeParam Row - the table's row type
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const clause: Ets.MatchClause<[string, number]> = [[Ets.$1, Ets.$2], [Ets.expr(">", Ets.$2, 0)], [Ets.$1]];
 * ```
 * @since 0.1.0
 * @category Matching
 */
export type MatchClause<Row = readonly Term[]> = readonly [
  head: Pattern<Row>,
  guards: readonly Expr[],
  body: readonly Expr[],
];

/**
 * A match specification: clauses tried in order for each object; the first that matches
 * gives the result for that object.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * // ets:select(T, [{{'$1', '$2'}, [{'>', '$2', 10}], ['$1']}])
 * const spec: Ets.MatchSpec<[string, number]> = [
 *   [[Ets.$1, Ets.$2], [Ets.expr(">", Ets.$2, 10)], [Ets.$1]],
 * ];
 * ```
 * @typeParam Row - the table's row type
 * @since 0.1.0
 * @category Matching
 */
export type MatchSpec<Row = readonly Term[]> = readonly MatchClause<Row>[];

/**
 * The wildcard (Erlang's `'_'`).
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.match(Ets.create("t"), [Ets.$1, Ets._]);
 * ```
 * @since 0.1.0
 * @category Matching
 */
export const _: Wildcard = new Wildcard();

/**
 * In a body: the whole matched object (Erlang's `'$_'`).
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const all: Ets.MatchSpec = [[Ets._, [], [Ets.$_]]];
 * ```
 * @since 0.1.0
 * @category Matching
 */
export const $_: MatchResult<"$_"> = new MatchResult("$_");

/**
 * In a body: the values of all variables bound in the head, by variable number (Erlang's
 * `'$$'`).
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * const pairs: Ets.MatchSpec = [[[Ets.$2, Ets.$1], [], [Ets.$$]]];
 * ```
 * @since 0.1.0
 * @category Matching
 */
export const $$: MatchResult<"$$"> = new MatchResult("$$");

const variables: MatchVariable[] = [];

/**
 * The match variable number `n` (Erlang's `'$n'`); the same object every time.
 *
 * @param n - a non-negative integer
 * @returns the variable
 * @throws {BadArgumentError} if `n` is not a non-negative integer
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.variable(1) === Ets.$1; // true
 * ```
 * @since 0.1.0
 * @category Matching
 */
export function variable(n: number): MatchVariable {
  if (!Number.isInteger(n) || n < 0 || n > 100_000_000) {
    throw new BadArgumentError(
      `Ets.variable: a variable number must be an integer from 0 to 100000000, got ${formatReason(n)}`,
    );
  }
  let v = variables[n];
  if (v === undefined) variables[n] = v = new MatchVariable(n);
  return v;
}

/**
 * Match variable `$0`.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.$0.index; // 0
 * ```
 * @since 0.1.0
 * @category Matching
 */
export const $0: MatchVariable = variable(0);
/**
 * Match variable `$1`.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.match(Ets.create("t"), [Ets.$1, Ets._]); // the keys
 * ```
 * @since 0.1.0
 * @category Matching
 */
export const $1: MatchVariable = variable(1);
/**
 * Match variable `$2`.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.match(Ets.create("t"), [Ets.$1, Ets.$2]); // [key, value] pairs
 * ```
 * @since 0.1.0
 * @category Matching
 */
export const $2: MatchVariable = variable(2);
/**
 * Match variable `$3`.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.$3.index; // 3
 * ```
 * @since 0.1.0
 * @category Matching
 */
export const $3: MatchVariable = variable(3);
/**
 * Match variable `$4`.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.$4.index; // 4
 * ```
 * @since 0.1.0
 * @category Matching
 */
export const $4: MatchVariable = variable(4);
/**
 * Match variable `$5`.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.$5.index; // 5
 * ```
 * @since 0.1.0
 * @category Matching
 */
export const $5: MatchVariable = variable(5);
/**
 * Match variable `$6`.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.$6.index; // 6
 * ```
 * @since 0.1.0
 * @category Matching
 */
export const $6: MatchVariable = variable(6);
/**
 * Match variable `$7`.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.$7.index; // 7
 * ```
 * @since 0.1.0
 * @category Matching
 */
export const $7: MatchVariable = variable(7);
/**
 * Match variable `$8`.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.$8.index; // 8
 * ```
 * @since 0.1.0
 * @category Matching
 */
export const $8: MatchVariable = variable(8);
/**
 * Match variable `$9`.
 *
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.$9.index; // 9
 * ```
 * @since 0.1.0
 * @category Matching
 */
export const $9: MatchVariable = variable(9);

interface FnInfo {
  /** Allowed argument counts. */
  readonly arity: readonly number[];
  /** Strict evaluation of evaluated arguments; throws when the call fails. */
  readonly run?: (a: unknown, b: unknown, n: number) => unknown;
}

function num(v: unknown, fn: string): number | bigint {
  if (typeof v === "number" || typeof v === "bigint") return v;
  throw new Error(`${fn}: ${showTerm(v)} is not a number`);
}

function int(v: unknown, fn: string): number | bigint {
  if (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v))) return v;
  throw new Error(`${fn}: ${showTerm(v)} is not an integer`);
}

/** Two numbers of one kind: two bigints stay bigints, anything mixed becomes numbers. */
function pair(a: unknown, b: unknown, fn: string): [number, number] | [bigint, bigint] {
  const x = num(a, fn);
  const y = num(b, fn);
  if (typeof x === "bigint" && typeof y === "bigint") return [x, y];
  return [Number(x), Number(y)];
}

function intPair(a: unknown, b: unknown, fn: string): [bigint, bigint, boolean] {
  const x = int(a, fn);
  const y = int(b, fn);
  return [BigInt(x), BigInt(y), typeof x === "bigint" || typeof y === "bigint"];
}

function bool(v: unknown, fn: string): boolean {
  if (typeof v === "boolean") return v;
  throw new Error(`${fn}: ${showTerm(v)} is not a boolean`);
}

function tuple(v: unknown, fn: string): readonly unknown[] {
  if (Array.isArray(v)) return v;
  throw new Error(`${fn}: ${showTerm(v)} is not a tuple (array)`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function map(v: unknown, fn: string): Record<string, unknown> {
  if (isPlainObject(v)) return v;
  throw new Error(`${fn}: ${showTerm(v)} is not a map (plain object)`);
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function bits(fn: string, f: (a: bigint, b: bigint) => bigint): FnInfo {
  return {
    arity: [2],
    run: (a, b) => {
      const [x, y, big] = intPair(a, b, fn);
      const r = f(x, y);
      return big ? r : Number(r);
    },
  };
}

const FUNCTIONS: Readonly<Record<GuardFunction, FnInfo>> = {
  ">": { arity: [2], run: (a, b) => keyCompare(a, b) > 0 },
  ">=": { arity: [2], run: (a, b) => keyCompare(a, b) >= 0 },
  "<": { arity: [2], run: (a, b) => keyCompare(a, b) < 0 },
  "=<": { arity: [2], run: (a, b) => keyCompare(a, b) <= 0 },
  "==": { arity: [2], run: (a, b) => keyCompare(a, b) === 0 },
  "/=": { arity: [2], run: (a, b) => keyCompare(a, b) !== 0 },
  "=:=": { arity: [2], run: (a, b) => keyEquals(a, b) },
  "=/=": { arity: [2], run: (a, b) => !keyEquals(a, b) },
  not: { arity: [1], run: (a) => !bool(a, "not") },
  and: { arity: [2], run: (a, b) => bool(a, "and") && bool(b, "and") },
  or: { arity: [2], run: (a, b) => bool(a, "or") || bool(b, "or") },
  xor: { arity: [2], run: (a, b) => bool(a, "xor") !== bool(b, "xor") },
  andalso: { arity: [2] },
  orelse: { arity: [2] },
  "+": {
    arity: [1, 2],
    run: (a, b, n) => {
      if (n === 1) return num(a, "+");
      const [x, y] = pair(a, b, "+");
      return (x as number) + (y as number);
    },
  },
  "-": {
    arity: [1, 2],
    run: (a, b, n) => {
      if (n === 1) return -num(a, "-");
      const [x, y] = pair(a, b, "-");
      return (x as number) - (y as number);
    },
  },
  "*": {
    arity: [2],
    run: (a, b) => {
      const [x, y] = pair(a, b, "*");
      return (x as number) * (y as number);
    },
  },
  "/": {
    arity: [2],
    run: (a, b) => {
      const y = Number(num(b, "/"));
      if (y === 0) throw new Error("/: division by zero");
      return Number(num(a, "/")) / y;
    },
  },
  div: {
    arity: [2],
    run: (a, b) => {
      const [x, y, big] = intPair(a, b, "div");
      if (y === 0n) throw new Error("div: division by zero");
      return big ? x / y : Number(x / y);
    },
  },
  rem: {
    arity: [2],
    run: (a, b) => {
      const [x, y, big] = intPair(a, b, "rem");
      if (y === 0n) throw new Error("rem: division by zero");
      return big ? x % y : Number(x % y);
    },
  },
  abs: {
    arity: [1],
    run: (a) => {
      const x = num(a, "abs");
      return typeof x === "bigint" ? (x < 0n ? -x : x) : Math.abs(x);
    },
  },
  trunc: {
    arity: [1],
    run: (a) => {
      const x = num(a, "trunc");
      return typeof x === "bigint" ? x : Math.trunc(x);
    },
  },
  round: {
    arity: [1],
    run: (a) => {
      const x = num(a, "round");
      // Erlang rounds halves away from zero.
      return typeof x === "bigint" ? x : Math.sign(x) * Math.round(Math.abs(x));
    },
  },
  float: { arity: [1], run: (a) => Number(num(a, "float")) },
  min: { arity: [2], run: (a, b) => (keyCompare(a, b) <= 0 ? a : b) },
  max: { arity: [2], run: (a, b) => (keyCompare(a, b) >= 0 ? a : b) },
  band: bits("band", (x, y) => x & y),
  bor: bits("bor", (x, y) => x | y),
  bxor: bits("bxor", (x, y) => x ^ y),
  bsl: bits("bsl", (x, y) => x << y),
  bsr: bits("bsr", (x, y) => x >> y),
  bnot: {
    arity: [1],
    run: (a) => {
      const x = int(a, "bnot");
      return typeof x === "bigint" ? ~x : Number(~BigInt(x));
    },
  },
  is_atom: {
    arity: [1],
    run: (a) => typeof a === "boolean" || a === null || a === undefined,
  },
  is_boolean: { arity: [1], run: (a) => typeof a === "boolean" },
  is_number: { arity: [1], run: (a) => typeof a === "number" || typeof a === "bigint" },
  is_integer: {
    arity: [1],
    run: (a) => typeof a === "bigint" || (typeof a === "number" && Number.isInteger(a)),
  },
  is_float: { arity: [1], run: (a) => typeof a === "number" && !Number.isInteger(a) },
  is_binary: { arity: [1], run: (a) => typeof a === "string" },
  is_tuple: { arity: [1], run: (a) => Array.isArray(a) },
  is_map: { arity: [1], run: (a) => isPlainObject(a) },
  is_pid: { arity: [1], run: (a) => Pid.is(a) },
  is_reference: { arity: [1], run: (a) => Ref.is(a) },
  at: {
    arity: [2],
    run: (t, i) => {
      const a = tuple(t, "at");
      if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= a.length) {
        throw new Error(`at: no element at ${showTerm(i)}`);
      }
      return a[i];
    },
  },
  tuple_size: { arity: [1], run: (a) => tuple(a, "tuple_size").length },
  size: {
    arity: [1],
    run: (a) => (typeof a === "string" ? utf8Length(a) : tuple(a, "size").length),
  },
  map_size: { arity: [1], run: (a) => Object.keys(map(a, "map_size")).length },
  map_get: {
    arity: [2],
    run: (k, m) => {
      const o = map(m, "map_get");
      if (typeof k !== "string" || !Object.hasOwn(o, k)) {
        throw new Error(`map_get: no key ${showTerm(k)}`);
      }
      return o[k];
    },
  },
  is_map_key: {
    arity: [2],
    run: (k, m) => typeof k === "string" && Object.hasOwn(map(m, "is_map_key"), k),
  },
  byte_size: {
    arity: [1],
    run: (a) => {
      if (typeof a !== "string") throw new Error(`byte_size: ${showTerm(a)} is not a string`);
      return utf8Length(a);
    },
  },
  self: {
    arity: [0],
    run: () => {
      if (!inProcess()) throw new Error("self: not in a process");
      return self();
    },
  },
};

/**
 * A call for a guard or a body (Erlang's `{Function, Arg…}` tuple in a match spec).
 *
 * @param fn - the function, by its Erlang name (see {@link GuardFunction})
 * @param args - its arguments: constants, variables, `$_`, `$$`, other calls
 * @returns the call
 * @throws {BadArgumentError} for an unknown function or a wrong number of arguments
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * // {'andalso', {'>=', '$1', 10}, {'<', '$1', 20}}
 * Ets.expr("andalso", Ets.expr(">=", Ets.$1, 10), Ets.expr("<", Ets.$1, 20));
 * ```
 * @since 0.1.0
 * @category Matching
 */
export function expr(fn: GuardFunction, ...args: Expr[]): MatchCall {
  checkCall(fn, args.length, "Ets.expr");
  return new MatchCall(fn, args);
}

function checkCall(fn: unknown, n: number, op: string): asserts fn is GuardFunction {
  const info =
    typeof fn === "string" && Object.hasOwn(FUNCTIONS, fn)
      ? FUNCTIONS[fn as GuardFunction]
      : undefined;
  if (info === undefined) {
    throw new BadArgumentError(
      `${op}: ${showTerm(fn)} is not a function a match spec may call (see GuardFunction for the list)`,
    );
  }
  if (!info.arity.includes(n)) {
    throw new BadArgumentError(
      `${op}: ${String(fn)} takes ${info.arity.join(" or ")} argument(s), got ${n}`,
    );
  }
}

// -------------------------------------------------------------------------------------------
// Token tests

function tokenKind(v: unknown): string | undefined {
  return typeof v === "object" && v !== null && TOKEN in v
    ? ((v as Record<symbol, string>)[TOKEN] as string)
    : undefined;
}

/** Whether a pattern or expression contains no tokens (a plain term). */
function isGround(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return true;
  if (tokenKind(v) !== undefined) return false;
  if (Array.isArray(v)) {
    for (const e of v) if (!isGround(e)) return false;
    return true;
  }
  if (isPlainObject(v)) {
    for (const k of Object.keys(v)) if (!isGround(v[k])) return false;
  }
  return true;
}

function show(v: unknown, depth = 0): string {
  try {
    if (tokenKind(v) !== undefined) return String(v);
    if (Array.isArray(v)) {
      if (depth >= 8) return "[…]";
      const more = v.length > 100 ? `, …${v.length - 100} more` : "";
      return `[${v
        .slice(0, 100)
        .map((x) => show(x, depth + 1))
        .join(", ")}${more}]`;
    }
  } catch {
    // a hostile value: showTerm falls back safely
  }
  return showTerm(v);
}

// -------------------------------------------------------------------------------------------
// Compilation

/** Bindings of one match, indexed by variable number. */
type Bindings = unknown[];

type Matcher = (v: unknown, b: Bindings) => boolean;
type Evaluator = (obj: readonly unknown[], b: Bindings) => unknown;

/** @internal Where in term order the keys an object must have lie, to narrow a scan. */
export type KeyConstraint =
  | { readonly kind: "all" }
  | { readonly kind: "exact"; readonly key: unknown }
  | {
      readonly kind: "range";
      readonly lower: (k: unknown) => number;
      readonly upper: (k: unknown) => number;
    };

/** @internal One compiled clause. */
interface Clause {
  readonly match: Matcher;
  readonly guards: readonly Evaluator[];
  readonly body: readonly Evaluator[];
  readonly nvars: number;
  readonly keys: KeyConstraint;
}

/** @internal A value that says "this clause did not match". */
export const NO_MATCH: unique symbol = Symbol("no match");

/** @internal A compiled match specification. */
export class CompiledSpec {
  readonly clauses: readonly Clause[];
  /** The keys the whole spec can match. */
  readonly keys: KeyConstraint | { readonly kind: "keys"; readonly keys: readonly unknown[] };
  private readonly bindings: Bindings[];
  private readonly op: string;

  constructor(clauses: Clause[], ordered: boolean, op: string) {
    this.clauses = clauses;
    this.op = op;
    this.bindings = clauses.map((c) => new Array<unknown>(c.nvars));
    if (clauses.length === 1) this.keys = (clauses[0] as Clause).keys;
    else if (clauses.length > 1 && clauses.every((c) => c.keys.kind === "exact")) {
      const keys = clauses.map((c) => (c.keys as { key: unknown }).key);
      if (ordered) keys.sort(keyCompare);
      const unique: unknown[] = [];
      for (const k of keys) {
        const dup = unique.some((u) => (ordered ? keyCompare(u, k) === 0 : keyEquals(u, k)));
        if (!dup) unique.push(k);
      }
      this.keys = { kind: "keys", keys: unique };
    } else this.keys = { kind: "all" };
  }

  /** The result for `obj`, or {@link NO_MATCH}. Body failures throw a BadArgumentError. */
  run(obj: readonly unknown[]): unknown {
    const clauses = this.clauses;
    for (let c = 0; c < clauses.length; c++) {
      const clause = clauses[c] as Clause;
      const b = this.bindings[c] as Bindings;
      if (!clause.match(obj, b)) continue;
      if (!passes(clause.guards, obj, b)) continue;
      const body = clause.body;
      try {
        let result: unknown;
        for (let i = 0; i < body.length; i++) result = (body[i] as Evaluator)(obj, b);
        return result;
      } catch (e) {
        throw new BadArgumentError(
          `${this.op}: a match spec body failed on the object ${showTerm(obj)}: ${e instanceof Error ? e.message : formatReason(e)}`,
          { cause: e },
        );
      }
    }
    return NO_MATCH;
  }

  /** Whether the spec's result for `obj` is exactly `true` (select_count, select_delete). */
  isTrue(obj: readonly unknown[]): boolean {
    const clauses = this.clauses;
    for (let c = 0; c < clauses.length; c++) {
      const clause = clauses[c] as Clause;
      const b = this.bindings[c] as Bindings;
      if (!clause.match(obj, b)) continue;
      if (!passes(clause.guards, obj, b)) continue;
      try {
        let result: unknown;
        for (let i = 0; i < clause.body.length; i++) result = (clause.body[i] as Evaluator)(obj, b);
        return result === true;
      } catch {
        return false;
      }
    }
    return false;
  }
}

function passes(guards: readonly Evaluator[], obj: readonly unknown[], b: Bindings): boolean {
  for (let g = 0; g < guards.length; g++) {
    try {
      if ((guards[g] as Evaluator)(obj, b) !== true) return false;
    } catch {
      // A guard that fails is false, as in Erlang.
      return false;
    }
  }
  return true;
}

interface CompileState {
  readonly op: string;
  /** Variables bound so far while compiling the head. */
  readonly bound: Set<number>;
  maxVar: number;
}

function bad(op: string, what: string): BadArgumentError {
  return new BadArgumentError(`${op}: malformed match spec: ${what}`);
}

function compilePattern(p: unknown, st: CompileState, where: string): Matcher {
  const kind = tokenKind(p);
  if (kind === "_") return () => true;
  if (kind === "var") {
    const n = (p as MatchVariable).index;
    if (st.bound.has(n)) return (v, b) => keyEquals(b[n], v);
    st.bound.add(n);
    if (n > st.maxVar) st.maxVar = n;
    return (v, b) => {
      b[n] = v;
      return true;
    };
  }
  if (kind !== undefined) {
    throw bad(
      st.op,
      `${String(p)} at ${where} can only be used in a guard or a body, not in a pattern`,
    );
  }
  if (Array.isArray(p)) {
    const len = p.length;
    const subs: { i: number; m: Matcher }[] = [];
    for (let i = 0; i < len; i++) {
      if (tokenKind(p[i]) === "_") continue;
      subs.push({ i, m: compilePattern(p[i], st, `${where}[${i}]`) });
    }
    const idx = subs.map((s) => s.i);
    const ms = subs.map((s) => s.m);
    const n = ms.length;
    if (n === 1) {
      const i0 = idx[0] as number;
      const m0 = ms[0] as Matcher;
      return (v, b) => Array.isArray(v) && v.length === len && m0(v[i0], b);
    }
    if (n === 2) {
      const i0 = idx[0] as number;
      const m0 = ms[0] as Matcher;
      const i1 = idx[1] as number;
      const m1 = ms[1] as Matcher;
      return (v, b) => Array.isArray(v) && v.length === len && m0(v[i0], b) && m1(v[i1], b);
    }
    return (v, b) => {
      if (!Array.isArray(v) || v.length !== len) return false;
      for (let j = 0; j < n; j++) if (!(ms[j] as Matcher)(v[idx[j] as number], b)) return false;
      return true;
    };
  }
  if (isPlainObject(p)) {
    const keys = Object.keys(p);
    const ms = keys.map((k) => compilePattern(p[k], st, `${where}.${k}`));
    return (v, b) => {
      if (!isPlainObject(v)) return false;
      for (let j = 0; j < keys.length; j++) {
        const k = keys[j] as string;
        if (!Object.hasOwn(v, k) || !(ms[j] as Matcher)(v[k], b)) return false;
      }
      return true;
    };
  }
  checkTerm(p, `${st.op}: the pattern part at ${where}`);
  if (typeof p === "number" || typeof p === "string") {
    if (Number.isNaN(p)) return (v) => typeof v === "number" && Number.isNaN(v);
    return (v) => v === p;
  }
  return (v) => keyEquals(v, p);
}

function compileExpr(e: unknown, st: CompileState, where: string): Evaluator {
  const kind = tokenKind(e);
  if (kind === "var") {
    const n = (e as MatchVariable).index;
    if (!st.bound.has(n)) {
      throw bad(st.op, `the variable ${String(e)} at ${where} is not bound in the head`);
    }
    return (_o, b) => b[n];
  }
  if (kind === "result") {
    if ((e as MatchResult).kind === "$_") return (o) => o;
    const vars = [...st.bound].sort((x, y) => x - y);
    return (_o, b) => vars.map((n) => b[n]);
  }
  if (kind === "_") throw bad(st.op, `_ at ${where} can only be used in a pattern`);
  if (kind === "call") {
    const call = e as MatchCall;
    checkCall(call.fn, call.args.length, st.op);
    const args = call.args.map((a, i) => compileExpr(a, st, `${where}.args[${i}]`));
    if (call.fn === "andalso") {
      const [x, y] = args as [Evaluator, Evaluator];
      return (o, b) => bool(x(o, b), "andalso") && y(o, b);
    }
    if (call.fn === "orelse") {
      const [x, y] = args as [Evaluator, Evaluator];
      return (o, b) => bool(x(o, b), "orelse") || y(o, b);
    }
    const run = FUNCTIONS[call.fn].run as (a: unknown, b: unknown, n: number) => unknown;
    const n = args.length;
    if (n === 0) return () => run(undefined, undefined, 0);
    const a0 = args[0] as Evaluator;
    if (n === 1) return (o, b) => run(a0(o, b), undefined, 1);
    const a1 = args[1] as Evaluator;
    return (o, b) => run(a0(o, b), a1(o, b), 2);
  }
  if (kind !== undefined) throw bad(st.op, `unexpected ${String(e)} at ${where}`);
  if (isGround(e)) {
    checkTerm(e, `${st.op}: the constant at ${where}`);
    return () => e;
  }
  if (Array.isArray(e)) {
    const parts = e.map((x, i) => compileExpr(x, st, `${where}[${i}]`));
    return (o, b) => parts.map((p) => p(o, b));
  }
  if (isPlainObject(e)) {
    const keys = Object.keys(e);
    const parts = keys.map((k) => compileExpr(e[k], st, `${where}.${k}`));
    return (o, b) => {
      const out: Record<string, unknown> = {};
      for (let j = 0; j < keys.length; j++) out[keys[j] as string] = (parts[j] as Evaluator)(o, b);
      return out;
    };
  }
  checkTerm(e, `${st.op}: the expression at ${where}`);
  return () => e;
}

/** The variable (if any) at the key position of a head. */
function keyConstraint(head: unknown, keyPos: number, guards: readonly unknown[]): KeyConstraint {
  if (!Array.isArray(head) || head.length <= keyPos) return { kind: "all" };
  const k: unknown = head[keyPos];
  if (isGround(k)) return { kind: "exact", key: k };
  if (Array.isArray(k)) {
    // A tuple key whose first elements are bound: the keys of that length with that prefix.
    let m = 0;
    while (m < k.length && isGround(k[m])) m++;
    if (m === 0) return { kind: "all" };
    const len = k.length;
    const prefix = k.slice(0, m);
    const fn = (key: unknown): number => {
      if (!Array.isArray(key)) return keyCompare(key, prefix);
      if (key.length !== len) return key.length < len ? -1 : 1;
      for (let i = 0; i < m; i++) {
        const c = keyCompare(key[i], prefix[i]);
        if (c !== 0) return c;
      }
      return 0;
    };
    return { kind: "range", lower: fn, upper: fn };
  }
  if (tokenKind(k) !== "var") return { kind: "all" };
  const n = (k as MatchVariable).index;
  let lo: { v: unknown; incl: boolean } | undefined;
  let hi: { v: unknown; incl: boolean } | undefined;
  const tighten = (side: "lo" | "hi", v: unknown, incl: boolean): void => {
    if (side === "lo") {
      const c = lo === undefined ? 1 : keyCompare(v, lo.v);
      if (c > 0 || (c === 0 && !incl)) lo = { v, incl };
    } else {
      const c = hi === undefined ? -1 : keyCompare(v, hi.v);
      if (c < 0 || (c === 0 && !incl)) hi = { v, incl };
    }
  };
  const visit = (g: unknown): void => {
    if (tokenKind(g) !== "call") return;
    const { fn, args } = g as MatchCall;
    if ((fn === "andalso" || fn === "and") && args.length === 2) {
      visit(args[0]);
      visit(args[1]);
      return;
    }
    if (args.length !== 2) return;
    const [a, b] = args;
    let op: string = fn;
    let c: unknown;
    if (tokenKind(a) === "var" && (a as MatchVariable).index === n && isGround(b)) c = b;
    else if (tokenKind(b) === "var" && (b as MatchVariable).index === n && isGround(a)) {
      c = a;
      op = { ">": "<", ">=": "=<", "<": ">", "=<": ">=" }[fn as string] ?? fn;
    } else return;
    if (op === ">" || op === ">=") tighten("lo", c, op === ">=");
    else if (op === "<" || op === "=<") tighten("hi", c, op === "=<");
    else if (op === "==" || op === "=:=") {
      tighten("lo", c, true);
      tighten("hi", c, true);
    }
  };
  for (const g of guards) visit(g);
  if (lo === undefined && hi === undefined) return { kind: "all" };
  const l = lo as { v: unknown; incl: boolean } | undefined;
  const h = hi as { v: unknown; incl: boolean } | undefined;
  const lower =
    l === undefined
      ? () => 0
      : l.incl
        ? (key: unknown) => (keyCompare(key, l.v) < 0 ? -1 : 0)
        : (key: unknown) => (keyCompare(key, l.v) <= 0 ? -1 : 0);
  const upper =
    h === undefined
      ? () => 0
      : h.incl
        ? (key: unknown) => (keyCompare(key, h.v) > 0 ? 1 : 0)
        : (key: unknown) => (keyCompare(key, h.v) >= 0 ? 1 : 0);
  return { kind: "range", lower, upper };
}

const RANGE_OPS = new Set([">", ">=", "<", "=<", "=="]);

/**
 * Whether guard `g` holds for every key in the range {@link keyConstraint} derived for the
 * key variable `$n` (a comparison of `$n` with a constant, or a conjunction of those), so a
 * range scan need not evaluate it.
 */
function impliedByRange(g: unknown, n: number): boolean {
  if (tokenKind(g) !== "call") return false;
  const { fn, args } = g as MatchCall;
  if (args.length !== 2) return false;
  const [a, b] = args;
  if (fn === "andalso" || fn === "and") return impliedByRange(a, n) && impliedByRange(b, n);
  if (!RANGE_OPS.has(fn)) return false;
  const isKey = (x: unknown): boolean => tokenKind(x) === "var" && (x as MatchVariable).index === n;
  return (isKey(a) && isGround(b)) || (isKey(b) && isGround(a));
}

/**
 * Compiles a match spec for a table with the given key position.
 *
 * @internal
 */
export function compileSpec(
  spec: unknown,
  keyPos: number,
  ordered: boolean,
  op: string,
): CompiledSpec {
  // a cyclic or too deeply nested pattern is bad input, not a RangeError
  return tooDeep(op, () => compileSpecChecked(spec, keyPos, ordered, op));
}

function compileSpecChecked(
  spec: unknown,
  keyPos: number,
  ordered: boolean,
  op: string,
): CompiledSpec {
  if (!Array.isArray(spec)) {
    throw bad(op, `a match spec is an array of [head, guards, body] clauses, got ${show(spec)}`);
  }
  const clauses: Clause[] = [];
  spec.forEach((clause: unknown, i: number) => {
    if (!Array.isArray(clause) || clause.length !== 3) {
      throw bad(op, `clause ${i} must be [head, guards, body], got ${show(clause)}`);
    }
    const [head, guards, body] = clause as [unknown, unknown, unknown];
    if (!Array.isArray(guards)) throw bad(op, `the guards of clause ${i} must be an array`);
    if (!Array.isArray(body) || body.length === 0) {
      throw bad(op, `the body of clause ${i} must be a non-empty array of expressions`);
    }
    const st: CompileState = { op, bound: new Set(), maxVar: -1 };
    const match = compilePattern(head, st, `clause ${i} head`);
    const gs = guards.map((g: unknown, j: number) => compileExpr(g, st, `clause ${i} guard ${j}`));
    const bs = body.map((x: unknown, j: number) => compileExpr(x, st, `clause ${i} body ${j}`));
    const keys = keyConstraint(head, keyPos, guards);
    let kept = gs;
    if (ordered && spec.length === 1 && keys.kind === "range" && Array.isArray(head)) {
      // The range scan visits only keys for which these guards hold.
      const k: unknown = head[keyPos];
      if (tokenKind(k) === "var") {
        const n = (k as MatchVariable).index;
        kept = gs.filter((_g, j) => !impliedByRange(guards[j], n));
      }
    }
    clauses.push({ match, guards: kept, body: bs, nvars: st.maxVar + 1, keys });
  });
  return new CompiledSpec(clauses, ordered, op);
}

// -------------------------------------------------------------------------------------------
// Erlang-shaped specs

/**
 * Converts a match spec written the Erlang way, with strings for atoms, into the typed
 * form: `"_"` becomes {@link _}, `"$1"`… become variables, `"$_"` and `"$$"` the special
 * results; in guards and bodies an array whose first element names a function is a call
 * (`[">", "$1", 1]`), `["const", X]` is the constant `X`, and `[[…]]` (an array holding
 * one array, Erlang's `{{…}}`) constructs a tuple. `["element", N, T]` becomes
 * `at(T, N - 1)`. Every other value is kept as it is.
 *
 * Use it to paste a spec from Erlang or Elixir (or from `ets:fun2ms`); in new code prefer the
 * typed form, where no string is ever mistaken for a variable.
 *
 * @typeParam Row - the row type to give the result (not checked: the spec is data)
 * @param spec - an Erlang-shaped spec: `[[head, guards, body], …]`
 * @returns the typed spec
 * @throws {BadArgumentError} if `spec` is malformed
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * // [{{'$1', '$2'}, [{'>', '$2', 10}], ['$1']}]
 * const spec = Ets.fromErlangMatchSpec([[["$1", "$2"], [[">", "$2", 10]], ["$1"]]]);
 * ```
 * @since 0.1.0
 * @category Matching
 */
export function fromErlangMatchSpec<Row extends readonly Term[] = readonly Term[]>(
  spec: unknown,
): MatchSpec<Row> {
  const op = "Ets.fromErlangMatchSpec";
  if (!Array.isArray(spec)) throw bad(op, `expected an array of clauses, got ${show(spec)}`);
  return tooDeep(op, () => convertSpec<Row>(spec, op));
}

function convertSpec<Row extends readonly Term[]>(spec: unknown[], op: string): MatchSpec<Row> {
  return spec.map((clause: unknown, i: number) => {
    if (!Array.isArray(clause) || clause.length !== 3) {
      throw bad(op, `clause ${i} must be [head, guards, body], got ${show(clause)}`);
    }
    const [head, guards, body] = clause as [unknown, unknown, unknown];
    if (!Array.isArray(guards) || !Array.isArray(body)) {
      throw bad(op, `the guards and the body of clause ${i} must be arrays`);
    }
    return [
      erlangPattern(head),
      guards.map((g: unknown) => erlangExpr(g, op)),
      body.map((b: unknown) => erlangExpr(b, op)),
    ] as unknown as MatchClause<Row>;
  });
}

/**
 * Converts an Erlang-shaped pattern (for `match`, `matchObject`, `matchDelete`) into the
 * typed form: `"_"` becomes {@link _} and `"$1"`… become variables, at any depth.
 *
 * @typeParam Row - the row type to give the result (not checked: the pattern is data)
 * @param pattern - an Erlang-shaped pattern, e.g. `["$1", "_", "$2"]`
 * @returns the typed pattern
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.fromErlangPattern(["$1", "_"]); // [Ets.$1, Ets._]
 * ```
 * @since 0.1.0
 * @category Matching
 */
export function fromErlangPattern<Row extends readonly Term[] = readonly Term[]>(
  pattern: unknown,
): Pattern<Row> {
  return tooDeep("Ets.fromErlangPattern", () => erlangPattern(pattern)) as Pattern<Row>;
}

/** A structure too deep for the stack is bad input, not a RangeError. */
function tooDeep<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) throw bad(op, "the value is nested too deep");
    throw e;
  }
}

const VAR_NAME = /^\$(0|[1-9][0-9]{0,8})$/;

function erlangAtom(s: string): unknown {
  if (s === "_") return _;
  if (s === "$_") return $_;
  if (s === "$$") return $$;
  const m = VAR_NAME.exec(s);
  return m === null ? s : variable(Number(m[1]));
}

function erlangPattern(p: unknown): unknown {
  if (typeof p === "string") {
    const t = erlangAtom(p);
    return t === $_ || t === $$ ? p : t;
  }
  if (Array.isArray(p)) return p.map(erlangPattern);
  if (isPlainObject(p)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(p)) out[k] = erlangPattern(p[k]);
    return out;
  }
  return p;
}

function erlangExpr(e: unknown, op: string): unknown {
  if (typeof e === "string") {
    const t = erlangAtom(e);
    return t === _ ? e : t;
  }
  if (Array.isArray(e)) {
    if (e.length === 1 && Array.isArray(e[0])) {
      return (e[0] as unknown[]).map((x) => erlangExpr(x, op));
    }
    const [fn, ...args] = e as unknown[];
    if (fn === "const" && args.length === 1) return args[0];
    if (fn === "element" && args.length === 2) {
      const n = args[0];
      const idx =
        typeof n === "number" ? n - 1 : new MatchCall("-", [erlangExpr(n, op) as Expr, 1]);
      return new MatchCall("at", [erlangExpr(args[1], op) as Expr, idx]);
    }
    checkCall(fn, args.length, op);
    return new MatchCall(
      fn,
      args.map((a) => erlangExpr(a, op) as Expr),
    );
  }
  if (isPlainObject(e)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(e)) out[k] = erlangExpr(e[k], op);
    return out;
  }
  return e;
}
