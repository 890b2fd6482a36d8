/**
 * # @trellis/ets-table
 *
 * ETS tables for Trellis: in-memory tables of tuples, owned by a process and read and
 * written by any process directly, without a message round trip. The model and the
 * semantics are Erlang's `ets` module: set, ordered_set, bag and duplicate_bag tables;
 * public, protected and private access; named tables; owners, heirs and `giveAway`;
 * match patterns and match specifications.
 *
 * ```ts
 * import { spawn } from "@trellis/core";
 * import * as Ets from "@trellis/ets-table";
 *
 * // Inside a process (the table's owner):
 * const prices = Ets.create<[sku: string, cents: number]>("prices", { named: true });
 * Ets.insertMany(prices, [["apple", 120], ["pear", 95]]);
 *
 * // Any process reads it directly:
 * spawn(async () => {
 *   const [row] = Ets.lookup("prices", "apple"); // ["apple", 120]
 * });
 * ```
 *
 * ## Why a table instead of a process
 *
 * A GenServer serialises every read through its mailbox. A table lets many readers go
 * straight to the data while one owner writes (`protected`, the default), or lets everyone
 * write (`public`). Use a table for caches, counters, indexes and lookup data that many
 * processes read; keep a process when updates need more than one table operation to stay
 * consistent, or when the data needs behaviour (timeouts, notifications).
 *
 * ## API
 *
 * - **Tables**: {@link create} (Erlang's `new`), {@link whereis}, {@link info},
 *   {@link rename}, {@link deleteTable}.
 * - **Writing**: {@link insert}, {@link insertMany}, {@link insertNew},
 *   {@link insertNewMany}, {@link updateCounter}, {@link updateElement}, `delete`,
 *   {@link deleteObject}, {@link deleteAllObjects}, {@link take}.
 * - **Reading**: {@link lookup}, {@link lookupElement}, {@link member}, {@link toList},
 *   {@link foldl}, {@link foldr}; traversal with {@link first}, {@link next}, {@link last},
 *   {@link prev} and {@link END_OF_TABLE}.
 * - **Matching**: {@link match}, {@link matchObject}, {@link select}, {@link selectCount},
 *   {@link selectDelete}, {@link selectReplace}, {@link matchDelete}, with patterns built
 *   from {@link _}, {@link $1}…, and match specs with {@link expr}, {@link $_},
 *   {@link $$}. {@link fromErlangMatchSpec} converts a spec written the Erlang way.
 * - **Ownership**: {@link giveAway}, {@link setOptions}, {@link TransferMessage},
 *   {@link isTransfer}.
 * - **Files**: {@link tabToFile}, {@link fileToTab}.
 *
 * ## Rows, keys and positions
 *
 * A row is an array of terms (see `Term` in `@trellis/core`); the key is the element at
 * `keyPos`, **0-based** (default `0`, Erlang's `{keypos, 1}`). Positions in
 * {@link lookupElement}, {@link updateCounter} and {@link updateElement} are 0-based too.
 * A set, bag and duplicate_bag compare keys with `equals` (Erlang's `=:=`: `1n` and `1`
 * are two keys); an ordered_set with `compare` (Erlang's `==`: one key, kept in term
 * order). Rows are stored and returned as they are, not copied: do not mutate them.
 *
 * ## Ownership and supervision
 *
 * The process that creates a table owns it; when the owner exits, the table is deleted,
 * unless an heir is set: then the heir becomes the owner and gets a
 * {@link TransferMessage} before any EXIT or DOWN message of the old owner. To keep a table
 * across restarts of a worker, create it in a longer-lived process (its supervisor's
 * sibling, or the application's top process) and give it to the worker with
 * {@link giveAway}, naming the long-lived process as heir.
 *
 * ## Timeouts
 *
 * None: every operation runs synchronously in the calling process and returns at once (only
 * {@link tabToFile} and {@link fileToTab}, which do file I/O, return promises). An update is
 * atomic: other processes see a table before or after it, never in between.
 *
 * ## Access from outside processes
 *
 * Code outside any process counts as a process that is not the owner: it may read public
 * and protected tables and write public ones. Creating a table needs a process (its owner).
 *
 * ## Learn more
 *
 * The [ETS guide](../../../docs/guides/ets.md) and the ETS section of the
 * [Erlang mapping](../../../docs/erlang-mapping.md).
 *
 * @packageDocumentation
 */
export {
  AccessError,
  type AccessNeeded,
  NoTableError,
  TableFileError,
  type TableFileProblem,
} from "./errors.js";
export { fileToTab, tabToFile } from "./file.js";
export {
  _,
  $_,
  $$,
  $0,
  $1,
  $2,
  $3,
  $4,
  $5,
  $6,
  $7,
  $8,
  $9,
  type AnyPattern,
  type Expr,
  expr,
  fromErlangMatchSpec,
  fromErlangPattern,
  type GuardFunction,
  MatchCall,
  type MatchClause,
  MatchResult,
  type MatchSpec,
  MatchVariable,
  type Pattern,
  type ShapedPattern,
  variable,
  Wildcard,
} from "./match.js";
export { isTransfer, TransferMessage } from "./messages.js";
export {
  type Chunk,
  Continuation,
  match,
  matchDelete,
  matchObject,
  type ResultOf,
  type SelectResult,
  select,
  selectCount,
  selectDelete,
  selectReplace,
} from "./select.js";
export {
  type Access,
  all,
  type CounterOp,
  create,
  deleteAllObjects,
  deleteKey as delete,
  deleteObject,
  deleteTable,
  type ElementUpdate,
  END_OF_TABLE,
  first,
  foldl,
  foldr,
  giveAway,
  info,
  insert,
  insertMany,
  insertNew,
  insertNewMany,
  last,
  lookup,
  lookupElement,
  member,
  next,
  type Position,
  prev,
  rename,
  type SetOptions,
  setOptions,
  Table,
  type TableInfo,
  type TableKind,
  type TableOptions,
  type TableRef,
  type TableType,
  type Tuple,
  take,
  toList,
  type UpdateCounterOptions,
  updateCounter,
  updateElement,
  whereis,
} from "./table.js";
