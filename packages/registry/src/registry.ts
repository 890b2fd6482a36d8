/**
 * The Registry: start, register, lookup, match, dispatch, via names.
 *
 * @module
 */
import {
  addExitHook,
  BadArgumentError,
  type ChildSpec,
  currentRuntime,
  type Dest,
  ExitError,
  equals,
  formatReason,
  hash,
  inProcess,
  isAlive,
  isExit,
  link,
  type NameRegistry,
  Pid,
  type Runtime,
  self,
  send,
  startSpecial,
  type Term,
  trapExit,
  unlink,
  type ViaName,
} from "@trellis/core";
import * as Ets from "@trellis/ets-table";
import * as Supervisor from "@trellis/supervisor";
import { RegistryOptionError, UniqueOnlyError, UnknownRegistryError } from "./errors.js";
import { RegisterMessage, UnregisterMessage } from "./messages.js";

// -------------------------------------------------------------------------------------------
// Types

/**
 * How keys are held (Elixir's `:keys` option):
 *
 * - `"unique"`: one process per key (naming).
 * - `"duplicate"`: any number of entries per key, also several from one process (pub/sub).
 *   Partitioned by the registering pid (Elixir's `:duplicate` and `{:duplicate, :pid}`).
 * - `{ duplicate: "pid" }`: the same as `"duplicate"`.
 * - `{ duplicate: "key" }`: duplicate keys partitioned by key: a lookup reads one partition,
 *   `keys(registry, pid)` reads all of them (Elixir's `{:duplicate, :key}`).
 *
 * @since 0.1.0
 * @category Options
 */
export type Keys =
  | "unique"
  | "duplicate"
  | {
      /** Partition duplicate entries by the registering pid or by key. */
      readonly duplicate: "pid" | "key";
    };

/**
 * Options of {@link start}, {@link startLink} and {@link childSpec}.
 *
 * @since 0.1.0
 * @category Options
 */
export interface RegistryOptions {
  /** How keys are held. Required. */
  readonly keys: Keys;
  /**
   * Register the registry's supervisor under this name (a local name) and let every
   * function find the registry by it. Optional: without it, use the handle.
   */
  readonly name?: string;
  /** The number of partitions, an integer from 1 to 1024. Default `1`. */
  readonly partitions?: number;
  /**
   * Processes (pids or names) sent a {@link RegisterMessage} on every register and an
   * {@link UnregisterMessage} on every explicit unregister. Default none.
   */
  readonly listeners?: readonly Dest[];
  /** Initial metadata for {@link meta}: an object or a list of `[key, value]` pairs. */
  readonly meta?: Readonly<Record<string, Term>> | readonly (readonly [Term, Term])[];
  /** The runtime to start in when {@link start} is called outside process code. */
  readonly runtime?: Runtime;
}

/** The state behind a registry handle, or `undefined` for anything else. */
let handleState: (value: unknown) => RegistryState | undefined;

/**
 * A running registry (what {@link start} and {@link startLink} resolve with). It carries the
 * key and value types, so that the functions taking it check keys and values and infer
 * what they return. Every function also accepts the registry's name in its place.
 *
 * @typeParam K - the key type
 * @typeParam V - the value type
 * @example
 * ```ts
 * import * as Registry from "@trellis/registry";
 * const reg = await Registry.startLink<string, number>({ keys: "unique", name: "ids" });
 * reg.pid; // the registry's supervisor
 * Registry.register(reg, "a", 1);
 * ```
 * @since 0.1.0
 * @category Starting
 */
export class RegistryHandle<K extends Term = Term, V extends Term = Term> {
  /** The registry's supervisor. */
  readonly pid: Pid;
  /** The registry's name, if it has one. */
  readonly name: string | undefined;
  /** @internal */
  readonly $: RegistryState;
  /** The same state, behind a private brand (see `handleState`). */
  readonly #state: RegistryState;
  /** @internal Phantom: the key type. */
  declare readonly $key: K;
  /** @internal Phantom: the value type. */
  declare readonly $value: V;

  /** @internal Handles are made by {@link start} and {@link startLink}. */
  constructor(pid: Pid, state: RegistryState) {
    this.pid = pid;
    this.name = state.name;
    this.$ = state;
    this.#state = state;
  }

  static {
    // A private brand check, not `instanceof`: no code of the value's author runs (no Proxy
    // trap), and it stays a map check and a load on the lookup path.
    handleState = (value) =>
      typeof value === "object" && value !== null && #state in value
        ? (value as RegistryHandle).#state
        : undefined;
  }

  /** `"unique"` or `"duplicate"`. */
  get kind(): "unique" | "duplicate" {
    return this.$.kind;
  }

  /** The number of partitions. */
  get partitions(): number {
    return this.$.n;
  }

  /** @returns `#Registry<name>` */
  toString(): string {
    return `#Registry<${this.name ?? this.pid.toString()}>`;
  }
}

/**
 * A registry: its handle, or its name.
 *
 * @typeParam K - the key type
 * @typeParam V - the value type
 * @since 0.1.0
 * @category Starting
 */
export type RegistryRef<K extends Term = Term, V extends Term = Term> =
  | RegistryHandle<K, V>
  | string;

/**
 * What {@link register} returns: `ok` with the partition the caller is now linked to
 * (Elixir's `{:ok, owner}`), or `already_registered` with the holder of a unique key
 * (Elixir's `{:error, {:already_registered, pid}}`).
 *
 * @since 0.1.0
 * @category Registering
 */
export type RegisterResult =
  | {
      /** Registered. */
      readonly type: "ok";
      /** The partition the caller is now linked to. */
      readonly owner: Pid;
    }
  | {
      /** The unique key is taken; nothing was added. */
      readonly type: "already_registered";
      /** The process holding the key (possibly the caller). */
      readonly pid: Pid;
    };

/**
 * What {@link updateValue} returns: `ok` with the new and the old value (Elixir's
 * `{new, old}`), or `error` when the caller does not hold the key (Elixir's `:error`).
 *
 * @typeParam V - the value type
 * @since 0.1.0
 * @category Registering
 */
export type UpdateResult<V> =
  | {
      /** Updated. */
      readonly type: "ok";
      /** The new value. */
      readonly new: V;
      /** The value before. */
      readonly old: V;
    }
  | {
      /** The caller does not hold the key. */
      readonly type: "error";
    };

/**
 * What {@link meta} returns: `ok` with the value, or `error` when there is none (Elixir's
 * `{:ok, value}` / `:error`).
 *
 * @since 0.1.0
 * @category Metadata
 */
export type MetaResult =
  | {
      /** Found. */
      readonly type: "ok";
      /** The value. */
      readonly value: Term;
    }
  | {
      /** No metadata under that key. */
      readonly type: "error";
    };

/**
 * An entry as {@link lookup}, {@link match} and {@link dispatch} return it: the process and
 * its value (Elixir's `{pid, value}`).
 *
 * @typeParam V - the value type
 * @since 0.1.0
 * @category Reading
 */
export type Entry<V> = [pid: Pid, value: V];

/**
 * A row as {@link select} matches it: `[key, pid, value]` (Elixir's `{key, pid, value}`).
 *
 * @typeParam K - the key type
 * @typeParam V - the value type
 * @since 0.1.0
 * @category Reading
 */
export type Row<K extends Term = Term, V extends Term = Term> = readonly [
  key: K,
  pid: Pid,
  value: V,
];

/**
 * Options of {@link dispatch}.
 *
 * @since 0.1.0
 * @category Dispatching
 */
export interface DispatchOptions {
  /**
   * For a `"duplicate"` registry with more than one partition: run `fn` once per partition,
   * each in a process of its own, in parallel; the returned promise settles when all are
   * done. Otherwise `fn` runs in the caller. Default `false`.
   */
  readonly parallel?: boolean;
}

// -------------------------------------------------------------------------------------------
// State

type KeyRow = readonly [key: Term, pid: Pid, value: Term];
type PidRow = readonly [pid: Pid, key: Term, partition: number];
type KeyTable = Ets.Table<KeyRow, Term, Ets.TableKind>;
type PidTable = Ets.Table<PidRow, Pid, "bag">;

interface Partition {
  readonly pid: Pid;
  readonly keys: KeyTable;
  readonly pids: PidTable;
}

/** @internal What a registry is: shared by the handle, the name table and its processes. */
export interface RegistryState {
  readonly kind: "unique" | "duplicate";
  /** For duplicate registries: whether entries are partitioned by pid (default) or key. */
  readonly byKey: boolean;
  readonly n: number;
  readonly name: string | undefined;
  readonly listeners: readonly Dest[];
  readonly initialMeta: readonly (readonly [Term, Term])[];
  readonly parts: (Partition | undefined)[];
  meta: Ets.Table<readonly [Term, Term], Term, "set"> | undefined;
  alive: boolean;
  runtime: Runtime | undefined;
  handle: RegistryHandle | undefined;
}

const names = new WeakMap<Runtime, Map<string, RegistryState>>();

function stateOf(registry: unknown, op: string): RegistryState {
  let st = handleState(registry);
  if (st !== undefined) {
    if (!st.alive) throw new UnknownRegistryError(op, registry);
    return st;
  }
  if (typeof registry === "string") st = names.get(currentRuntime())?.get(registry);
  else {
    throw new BadArgumentError(
      `Registry.${op}: expected a registry (its handle or its name), got ${formatReason(registry)}`,
    );
  }
  if (st === undefined || !st.alive) throw new UnknownRegistryError(op, registry);
  return st;
}

/** The pid holding `key` in a unique registry's partition `p`, dead or alive, read in place. */
function heldBy(p: Partition, key: Term): Pid | undefined {
  return Ets.lookupElement(uniqueKeys(p), key, 1, undefined);
}

/** A unique registry's key table: a set. */
function uniqueKeys(p: Partition): Ets.Table<KeyRow, Term, "set"> {
  return p.keys as Ets.Table<KeyRow, Term, "set">;
}

/** What listener events carry as the registry: its name, or the handle. */
function refOf(st: RegistryState): RegistryRef {
  return st.name ?? (st.handle as RegistryHandle);
}

function slot(term: unknown, n: number): number {
  return (hash(term as Term) >>> 0) % n;
}

function part(st: RegistryState, i: number, op: string): Partition {
  const p = st.parts[i];
  if (p === undefined) {
    throw new UnknownRegistryError(op, st.name ?? st.handle);
  }
  return p;
}

/** The partition holding the key rows of `key` registered by `pid`. */
function keyIndex(st: RegistryState, key: unknown, pid: Pid): number {
  if (st.n === 1) return 0;
  return st.kind === "duplicate" && !st.byKey ? slot(pid, st.n) : slot(key, st.n);
}

/** The partition `pid` is linked to (and holding its pid rows) for `key`. */
function pidIndex(st: RegistryState, key: unknown, pid: Pid): number {
  if (st.n === 1) return 0;
  return st.kind === "duplicate" && st.byKey ? slot(key, st.n) : slot(pid, st.n);
}

/** The key tables a read of `key` must look at. */
function keyTablesFor(st: RegistryState, key: unknown): KeyTable[] {
  if (st.n === 1 || st.kind === "unique" || st.byKey) {
    const p = st.parts[st.n === 1 ? 0 : slot(key, st.n)];
    return p === undefined ? [] : [p.keys];
  }
  const out: KeyTable[] = [];
  for (const p of st.parts) if (p !== undefined) out.push(p.keys);
  return out;
}

function allKeyTables(st: RegistryState): KeyTable[] {
  const out: KeyTable[] = [];
  for (const p of st.parts) if (p !== undefined) out.push(p.keys);
  return out;
}

function samePid(a: Pid, b: Pid): boolean {
  return a === b || equals(a, b);
}

function notify(st: RegistryState, msg: unknown): void {
  for (const l of st.listeners) send(l, msg);
}

// -------------------------------------------------------------------------------------------
// Options

function parseKeys(keys: unknown): { kind: "unique" | "duplicate"; byKey: boolean } {
  if (keys === "unique") return { kind: "unique", byKey: false };
  if (keys === "duplicate") return { kind: "duplicate", byKey: false };
  if (typeof keys === "object" && keys !== null && Object.keys(keys).length === 1) {
    const d = (keys as { duplicate?: unknown }).duplicate;
    if (d === "pid") return { kind: "duplicate", byKey: false };
    if (d === "key") return { kind: "duplicate", byKey: true };
  }
  throw new RegistryOptionError(
    "keys",
    keys,
    'keys to be given and be one of "unique", "duplicate", { duplicate: "pid" } or { duplicate: "key" }',
  );
}

function parseOptions(options: unknown): RegistryState {
  if (typeof options !== "object" || options === null) {
    throw new RegistryOptionError("options", options, "an options object with at least keys");
  }
  const o = options as RegistryOptions;
  const { kind, byKey } = parseKeys(o.keys);
  if (o.name !== undefined && (typeof o.name !== "string" || o.name.length === 0)) {
    throw new RegistryOptionError("name", o.name, "a non-empty string");
  }
  const n = o.partitions ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARTITIONS) {
    throw new RegistryOptionError("partitions", n, `an integer from 1 to ${MAX_PARTITIONS}`);
  }
  const listeners = o.listeners ?? [];
  if (
    !Array.isArray(listeners) ||
    !listeners.every((l) => l instanceof Pid || (typeof l === "string" && l.length > 0))
  ) {
    throw new RegistryOptionError("listeners", listeners, "an array of pids or names");
  }
  let initialMeta: (readonly [Term, Term])[] = [];
  if (o.meta !== undefined) {
    if (Array.isArray(o.meta)) {
      if (!o.meta.every((e) => Array.isArray(e) && e.length === 2)) {
        throw new RegistryOptionError(
          "meta",
          o.meta,
          "an object or an array of [key, value] pairs",
        );
      }
      initialMeta = [...(o.meta as readonly (readonly [Term, Term])[])];
    } else if (typeof o.meta === "object" && o.meta !== null) {
      initialMeta = Object.entries(o.meta as Record<string, Term>);
    } else {
      throw new RegistryOptionError("meta", o.meta, "an object or an array of [key, value] pairs");
    }
  }
  return {
    kind,
    byKey,
    n,
    name: o.name,
    listeners: [...listeners],
    initialMeta,
    parts: new Array<Partition | undefined>(n).fill(undefined),
    meta: undefined,
    alive: false,
    runtime: undefined,
    handle: undefined,
  };
}

// -------------------------------------------------------------------------------------------
// Processes

/** Removes every entry of `pid` held in partition `p` (its pid rows say where they are). */
function cleanup(st: RegistryState, p: Partition, pid: Pid): void {
  const rows = Ets.take(p.pids, pid);
  for (const [, key, ki] of rows) {
    const kp = st.parts[ki];
    if (kp !== undefined) Ets.matchDelete(kp.keys, [key, pid, Ets._]);
  }
}

function startPartition(st: RegistryState, index: number): Promise<Pid | "ignore"> {
  return startSpecial(
    () => {
      trapExit(true);
      const label = `${st.name ?? "Registry"}.${index}`;
      const keys: KeyTable = Ets.create<KeyRow>(label, {
        type: st.kind === "unique" ? "set" : "duplicate_bag",
        access: "public",
      });
      const pids: PidTable = Ets.create<PidRow>(`${label}.pids`, {
        type: "duplicate_bag",
        access: "public",
      });
      const me = self();
      const p: Partition = { pid: me, keys, pids };
      st.parts[index] = p;
      addExitHook(me, () => {
        if (st.parts[index] === p) st.parts[index] = undefined;
      });
      return {
        type: "ok",
        process: {
          handleMessage(msg) {
            if (isExit(msg)) cleanup(st, p, msg.from);
          },
          getState: () => ({ partition: index, size: Ets.info(keys, "size") }),
        },
      };
    },
    { link: true, behaviour: "Registry.Partition" },
  );
}

const definition = Supervisor.define<RegistryState>((st) => {
  const me = self();
  const meta = Ets.create<readonly [Term, Term]>(`${st.name ?? "Registry"}.meta`, {
    access: "public",
  });
  for (const row of st.initialMeta) Ets.insert(meta, row);
  st.meta = meta;
  st.alive = true;
  st.runtime = currentRuntime();
  if (st.name !== undefined) {
    let m = names.get(st.runtime);
    if (m === undefined) names.set(st.runtime, (m = new Map()));
    m.set(st.name, st);
  }
  addExitHook(me, () => {
    st.alive = false;
    if (st.name !== undefined && st.runtime !== undefined) {
      const m = names.get(st.runtime);
      if (m?.get(st.name) === st) m.delete(st.name);
    }
  });
  const children: ChildSpec[] = [];
  for (let i = 0; i < st.n; i++) {
    // A partition traps exits and leaves with its parent's reason, so stopping the registry
    // stops the registrants linked to it with "shutdown" (transient workers stay stopped,
    // nothing is reported as a crash), as in Elixir.
    children.push({ id: i, start: () => startPartition(st, i), shutdown: 5000 });
  }
  // As in Elixir: the partitions of a unique registry are restarted together. A unique key
  // lives in its key's partition while its holder is linked to its pid's partition, so a
  // lone restart would leave live holders without their names and their names free to take.
  return Supervisor.init(children, {
    strategy: st.kind === "unique" ? "one_for_all" : "one_for_one",
  });
});

async function launch<K extends Term, V extends Term>(
  options: RegistryOptions,
  linked: boolean,
): Promise<RegistryHandle<K, V>> {
  const st = parseOptions(options);
  const startOptions = {
    ...(st.name === undefined ? {} : { name: st.name }),
    ...(options.runtime === undefined ? {} : { runtime: options.runtime }),
  };
  const pid = linked
    ? await Supervisor.startLink(definition, st, startOptions)
    : await Supervisor.start(definition, st, startOptions);
  if (pid === "ignore")
    throw new BadArgumentError("Registry: the registry supervisor ignored its start");
  const handle = new RegistryHandle<K, V>(pid, st);
  st.handle = handle as unknown as RegistryHandle;
  return handle;
}

/**
 * Starts a registry linked to the caller: a supervisor with one partition process per
 * partition (Elixir's `Registry.start_link/1`). Resolves with the registry's handle.
 *
 * @typeParam K - the key type (default any term)
 * @typeParam V - the value type (default any term)
 * @param options - see {@link RegistryOptions}; `keys` is required
 * @returns the handle
 * @throws {RegistryOptionError} (rejects) for an invalid option, naming it
 * @throws {AlreadyStartedError} (rejects) when `name` is taken
 * @throws {NotInProcessError} (rejects) outside process code (use {@link start})
 * @example
 * ```ts
 * import * as Registry from "@trellis/registry";
 * const reg = await Registry.startLink<string, { role: string }>({
 *   keys: "unique",
 *   name: "workers",
 *   partitions: 4,
 * });
 * ```
 * @since 0.1.0
 * @category Starting
 */
export function startLink<K extends Term = Term, V extends Term = Term>(
  options: RegistryOptions,
): Promise<RegistryHandle<K, V>> {
  return launch<K, V>(options, true);
}

/**
 * Like {@link startLink} without the link, for a registry started outside process code
 * (pass `runtime` to choose a runtime other than the default). Stop it with
 * `Supervisor.stop(handle.pid)`.
 *
 * @typeParam K - the key type
 * @typeParam V - the value type
 * @param options - see {@link RegistryOptions}
 * @returns the handle
 * @throws {RegistryOptionError} (rejects) for an invalid option
 * @throws {AlreadyStartedError} (rejects) when `name` is taken
 * @example
 * ```ts
 * import { createRuntime } from "@trellis/core";
 * import * as Registry from "@trellis/registry";
 * const reg = await Registry.start({ keys: "duplicate", runtime: createRuntime() });
 * ```
 * @since 0.1.0
 * @category Starting
 */
export function start<K extends Term = Term, V extends Term = Term>(
  options: RegistryOptions,
): Promise<RegistryHandle<K, V>> {
  return launch<K, V>(options, false);
}

/**
 * A child spec that starts the registry under a supervisor (Elixir's
 * `{Registry, keys: …, name: …}`). Give it a `name`, so that the rest of the tree can
 * reach it after a restart. Its id is its name (as in Elixir, so two named registries start
 * side by side under one supervisor), or `"Registry"` without one.
 *
 * @param options - as for {@link startLink}
 * @returns the child spec (a `"supervisor"` child)
 * @throws {RegistryOptionError} for an invalid option
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * import * as Registry from "@trellis/registry";
 * await Supervisor.startLink(
 *   [Registry.childSpec({ keys: "unique", name: "workers" })],
 *   { strategy: "one_for_one" },
 * );
 * ```
 * @since 0.1.0
 * @category Starting
 */
export function childSpec(options: RegistryOptions): ChildSpec {
  parseOptions(options);
  return {
    id: options.name ?? "Registry",
    type: "supervisor",
    start: async () => (await startLink(options)).pid,
  };
}

// -------------------------------------------------------------------------------------------
// Registering

function insertRow(op: string, t: KeyTable, row: KeyRow, unique: boolean): boolean {
  try {
    if (unique) return Ets.insertNew(t, row);
    Ets.insert(t, row);
    return true;
  } catch (e) {
    throw new BadArgumentError(
      `Registry.${op}: the key and the value must be terms (numbers, strings, booleans, null, undefined, pids, refs, arrays and plain objects of terms), got key ${formatReason(row[0])} and value ${formatReason(row[2])}`,
      { cause: e },
    );
  }
}

/**
 * Registers the calling process under `key` with `value` (Elixir's `register/3`) and links
 * it to the partition that holds the entry, so that the entry goes away when the process
 * exits (and the process exits when the partition crashes).
 *
 * In a unique registry, a key held by a live process (the caller too) gives
 * `{ type: "already_registered", pid }` and changes nothing; a key whose holder has died is
 * taken over at once, even before the partition has cleaned up. A duplicate registry
 * accepts any number of entries per key, also several from the same process.
 *
 * @param registry - the registry (handle or name)
 * @param key - the key, a term (compared with `equals`: `1` and `1n` are two keys)
 * @param value - the value, a term
 * @returns `{ type: "ok", owner }` (the partition) or `{ type: "already_registered", pid }`
 * @throws {UnknownRegistryError} if the registry is not running
 * @throws {BadArgumentError} if the key or the value is not a term
 * @throws {NotInProcessError} outside process code
 * @example
 * ```ts
 * import * as Registry from "@trellis/registry";
 * const reg = await Registry.startLink({ keys: "unique" });
 * Registry.register(reg, "worker:1", { started: Date.now() }); // { type: "ok", owner }
 * Registry.register(reg, "worker:1", null); // { type: "already_registered", pid: self() }
 * ```
 * @since 0.1.0
 * @category Registering
 */
export function register<K extends Term, V extends Term>(
  registry: RegistryRef<K, V>,
  key: NoInfer<K>,
  value: NoInfer<V>,
): RegisterResult {
  const st = stateOf(registry, "register");
  const me = self();
  const ki = keyIndex(st, key, me);
  const keys = part(st, ki, "register").keys;
  const pi = st.n === 1 ? 0 : pidIndex(st, key, me);
  const owner = part(st, pi, "register");
  const row: KeyRow = [key, me, value];
  if (st.kind === "unique") {
    if (!insertRow("register", keys, row, true)) {
      const held = Ets.lookup(keys, key)[0];
      if (held !== undefined) {
        const holder = held[1];
        if (samePid(holder, me) || isAlive(holder)) {
          return { type: "already_registered", pid: holder };
        }
      }
      // The holder is dead but its partition has not cleaned up yet: take the key over.
      Ets.insert(keys, row);
    }
  } else {
    insertRow("register", keys, row, false);
  }
  Ets.insert(owner.pids, [me, key, ki]);
  link(owner.pid);
  if (st.listeners.length > 0) notify(st, new RegisterMessage(refOf(st), key, me, value));
  return { type: "ok", owner: owner.pid };
}

/** Removes the caller's pid rows for `key` and unlinks it once it holds nothing there. */
function dropPidRows(st: RegistryState, key: Term, me: Pid, keep: number): void {
  const ki = keyIndex(st, key, me);
  const owner = st.parts[pidIndex(st, key, me)];
  if (owner === undefined) return;
  const row: PidRow = [me, key, ki];
  Ets.deleteObject(owner.pids, row);
  for (let i = 0; i < keep; i++) Ets.insert(owner.pids, row);
  if (!Ets.member(owner.pids, me)) unlink(owner.pid);
}

/**
 * Removes all of the caller's entries under `key` (Elixir's `unregister/2`). Always
 * succeeds, also when there is nothing to remove. Once the caller holds no key in a
 * partition any more, it is unlinked from it. Listeners get an {@link UnregisterMessage}.
 *
 * @param registry - the registry
 * @param key - the key
 * @throws {UnknownRegistryError} if the registry is not running
 * @throws {NotInProcessError} outside process code
 * @example
 * ```ts
 * import * as Registry from "@trellis/registry";
 * Registry.unregister("workers", "worker:1");
 * ```
 * @since 0.1.0
 * @category Registering
 */
export function unregister<K extends Term, V extends Term>(
  registry: RegistryRef<K, V>,
  key: NoInfer<K>,
): void {
  const st = stateOf(registry, "unregister");
  const me = self();
  const keys = part(st, keyIndex(st, key, me), "unregister").keys;
  if (st.kind === "unique") {
    const held = Ets.lookup(keys, key)[0];
    if (held !== undefined && samePid(held[1], me)) Ets.delete(keys, key);
  } else {
    Ets.matchDelete(keys, [key, me, Ets._]);
  }
  dropPidRows(st, key, me, 0);
  if (st.listeners.length > 0) notify(st, new UnregisterMessage(refOf(st), key, me));
}

/**
 * Removes the caller's entries under `key` whose value matches `pattern` and `guards`
 * (Elixir's `unregister_match/4`); other processes' entries are never touched. Patterns
 * and guards are those of {@link match}. Listeners get an {@link UnregisterMessage}.
 *
 * @param registry - the registry
 * @param key - the key (literal)
 * @param pattern - a pattern for the value
 * @param guards - guard expressions over the pattern's variables. Default none.
 * @throws {UnknownRegistryError} if the registry is not running
 * @throws {BadArgumentError} for a malformed pattern or guard
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * import * as Registry from "@trellis/registry";
 * // Drop this process's subscriptions to "news" with a priority above 5.
 * Registry.unregisterMatch("topics", "news", { priority: Ets.$1 }, [Ets.expr(">", Ets.$1, 5)]);
 * ```
 * @since 0.1.0
 * @category Registering
 */
export function unregisterMatch<K extends Term, V extends Term>(
  registry: RegistryRef<K, V>,
  key: NoInfer<K>,
  pattern: Ets.Pattern<NoInfer<V>>,
  guards: readonly Ets.Expr[] = [],
): void {
  const st = stateOf(registry, "unregisterMatch");
  const me = self();
  const keys = part(st, keyIndex(st, key, me), "unregisterMatch").keys;
  wrapSpec("unregisterMatch", () =>
    Ets.selectDelete(keys, [[[key, me, pattern as Ets.AnyPattern], guards, [true]]]),
  );
  let left = 0;
  for (const r of Ets.lookup(keys, key)) if (samePid(r[1], me)) left++;
  dropPidRows(st, key, me, left);
  if (st.listeners.length > 0) notify(st, new UnregisterMessage(refOf(st), key, me));
}

/**
 * Updates the caller's value under a unique `key` with `fn` (Elixir's `update_value/3`).
 *
 * @param registry - a unique registry
 * @param key - the key
 * @param fn - computes the new value from the old
 * @returns `{ type: "ok", new, old }`, or `{ type: "error" }` if the caller does not hold `key`
 * @throws {UniqueOnlyError} on a duplicate registry
 * @throws {UnknownRegistryError} if the registry is not running
 * @example
 * ```ts
 * import * as Registry from "@trellis/registry";
 * const reg = await Registry.startLink<string, number>({ keys: "unique" });
 * Registry.register(reg, "hits", 0);
 * Registry.updateValue(reg, "hits", (n) => n + 1); // { type: "ok", new: 1, old: 0 }
 * ```
 * @since 0.1.0
 * @category Registering
 */
export function updateValue<K extends Term, V extends Term>(
  registry: RegistryRef<K, V>,
  key: NoInfer<K>,
  fn: (old: V) => NoInfer<V>,
): UpdateResult<V> {
  const st = stateOf(registry, "updateValue");
  if (st.kind !== "unique") throw new UniqueOnlyError("updateValue");
  if (typeof fn !== "function") {
    throw new BadArgumentError(
      `Registry.updateValue: expected a function, got ${formatReason(fn)}`,
    );
  }
  const me = self();
  const keys = part(st, keyIndex(st, key, me), "updateValue").keys;
  const held = Ets.lookup(keys, key)[0];
  if (held === undefined || !samePid(held[1], me)) return { type: "error" };
  const old = held[2] as V;
  const value = fn(old);
  insertRow("updateValue", keys, [key, me, value], false);
  return { type: "ok", new: value, old };
}

// -------------------------------------------------------------------------------------------
// Reading

/**
 * The entries under `key`, as `[pid, value]` pairs in no particular order; `[]` if there
 * are none (Elixir's `lookup/2`). A direct table read: no message to any process. In a
 * unique registry a dead holder is left out; in a duplicate registry the entries of a
 * process that just exited may show until its partition has cleaned up.
 *
 * @param registry - the registry
 * @param key - the key
 * @returns the entries
 * @throws {UnknownRegistryError} if the registry is not running
 * @example
 * ```ts
 * import * as Registry from "@trellis/registry";
 * for (const [pid, value] of Registry.lookup("workers", "worker:1")) console.log(pid, value);
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function lookup<K extends Term, V extends Term>(
  registry: RegistryRef<K, V>,
  key: NoInfer<K>,
): Entry<V>[] {
  const st = stateOf(registry, "lookup");
  if (st.kind === "unique") {
    const p = st.parts[st.n === 1 ? 0 : slot(key, st.n)];
    if (p === undefined) return [];
    // Two in-place reads of the one row (the second finds it in cache): the result is the
    // only allocation.
    const holder = heldBy(p, key);
    if (holder === undefined || !isAlive(holder)) return [];
    return [[holder, Ets.lookupElement(uniqueKeys(p), key, 2) as V]];
  }
  const out: Entry<V>[] = [];
  for (const t of keyTablesFor(st, key)) {
    for (const row of Ets.lookup(t, key)) out.push([row[1], row[2] as V]);
  }
  return out;
}

/**
 * The keys `pid` is registered under, in no particular order; a key registered several
 * times in a duplicate registry appears as often (Elixir's `keys/2`). `[]` for a process
 * with no entries.
 *
 * @param registry - the registry
 * @param pid - the process
 * @returns its keys
 * @throws {UnknownRegistryError} if the registry is not running
 * @example
 * ```ts
 * import { self } from "@trellis/core";
 * import * as Registry from "@trellis/registry";
 * Registry.keys("topics", self()); // ["news", "news", "sports"]
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function keys<K extends Term, V extends Term>(registry: RegistryRef<K, V>, pid: Pid): K[] {
  const st = stateOf(registry, "keys");
  if (!(pid instanceof Pid)) {
    throw new BadArgumentError(`Registry.keys: expected a pid, got ${formatReason(pid)}`);
  }
  const out: K[] = [];
  if (st.kind === "duplicate" && st.byKey && st.n > 1) {
    for (const p of st.parts)
      if (p !== undefined) for (const r of Ets.lookup(p.pids, pid)) out.push(r[1] as K);
    return out;
  }
  const p = st.parts[st.n === 1 ? 0 : slot(pid, st.n)];
  if (p !== undefined) for (const r of Ets.lookup(p.pids, pid)) out.push(r[1] as K);
  return out;
}

/**
 * The values `pid` registered under `key` (Elixir's `values/3`): `[]` or one value in a
 * unique registry, any number in a duplicate one.
 *
 * @param registry - the registry
 * @param key - the key
 * @param pid - the process
 * @returns its values
 * @throws {UnknownRegistryError} if the registry is not running
 * @example
 * ```ts
 * import { self } from "@trellis/core";
 * import * as Registry from "@trellis/registry";
 * Registry.values("topics", "news", self()); // [{ priority: 1 }, { priority: 9 }]
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function values<K extends Term, V extends Term>(
  registry: RegistryRef<K, V>,
  key: NoInfer<K>,
  pid: Pid,
): V[] {
  const st = stateOf(registry, "values");
  const t = st.parts[keyIndex(st, key, pid)]?.keys;
  const out: V[] = [];
  if (t !== undefined)
    for (const r of Ets.lookup(t, key)) if (samePid(r[1], pid)) out.push(r[2] as V);
  return out;
}

/** More partitions than this is a mistake (each is a process and a table), not a wish. */
const MAX_PARTITIONS = 1024;

function wrapSpec<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BadArgumentError) {
      throw new BadArgumentError(`Registry.${op}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

function matchSpec(
  key: Term,
  pattern: unknown,
  guards: readonly Ets.Expr[],
): Ets.MatchSpec<KeyRow> {
  if (!Array.isArray(guards)) {
    throw new BadArgumentError(
      `Registry: guards must be an array of expressions, got ${formatReason(guards)}`,
    );
  }
  return [[[key, Ets._, pattern as Ets.AnyPattern], guards, [Ets.$_]]];
}

/**
 * The entries under `key` whose value matches `pattern` and `guards` (Elixir's
 * `match/4`), as `[pid, value]` pairs. The pattern is an ETS pattern for the value: `Ets._`
 * matches anything, `Ets.$1`… bind variables that guards (made with `Ets.expr`) can test, a
 * plain object matches any object with at least those keys. The key is always literal,
 * even when it looks like a pattern.
 *
 * @param registry - the registry
 * @param key - the key (literal)
 * @param pattern - a pattern for the value
 * @param guards - guard expressions. Default none.
 * @returns the matching entries
 * @throws {UnknownRegistryError} if the registry is not running
 * @throws {BadArgumentError} for a malformed pattern or guard
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * import * as Registry from "@trellis/registry";
 * // Subscribers of "news" with a priority above 5:
 * Registry.match("topics", "news", { priority: Ets.$1 }, [Ets.expr(">", Ets.$1, 5)]);
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function match<K extends Term, V extends Term>(
  registry: RegistryRef<K, V>,
  key: NoInfer<K>,
  pattern: Ets.Pattern<NoInfer<V>>,
  guards: readonly Ets.Expr[] = [],
): Entry<V>[] {
  const st = stateOf(registry, "match");
  const spec = matchSpec(key, pattern, guards);
  const out: Entry<V>[] = [];
  for (const t of keyTablesFor(st, key)) {
    const rows = wrapSpec("match", () => Ets.select(t, spec)) as unknown as KeyRow[];
    for (const r of rows) if (equals(r[0], key)) out.push([r[1], r[2] as V]);
  }
  return out;
}

/**
 * How many entries under `key` have a value matching `pattern` and `guards` (Elixir's
 * `count_match/4`).
 *
 * @param registry - the registry
 * @param key - the key (literal)
 * @param pattern - a pattern for the value (see {@link match})
 * @param guards - guard expressions. Default none.
 * @returns the count
 * @throws {UnknownRegistryError} if the registry is not running
 * @throws {BadArgumentError} for a malformed pattern or guard
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * import * as Registry from "@trellis/registry";
 * Registry.countMatch("topics", "news", Ets._); // all subscribers of "news"
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function countMatch<K extends Term, V extends Term>(
  registry: RegistryRef<K, V>,
  key: NoInfer<K>,
  pattern: Ets.Pattern<NoInfer<V>>,
  guards: readonly Ets.Expr[] = [],
): number {
  return match(registry, key, pattern, guards).length;
}

/**
 * The number of entries in the registry (Elixir's `count/1`).
 *
 * @param registry - the registry
 * @returns the count, `0` for an empty registry
 * @throws {UnknownRegistryError} if the registry is not running
 * @example
 * ```ts
 * import * as Registry from "@trellis/registry";
 * Registry.count("workers"); // 0
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function count(registry: RegistryRef<Term, Term>): number {
  const st = stateOf(registry, "count");
  let n = 0;
  for (const t of allKeyTables(st)) n += Ets.info(t, "size") ?? 0;
  return n;
}

function checkSpec(op: string, spec: unknown): Ets.MatchSpec<KeyRow> {
  if (!Array.isArray(spec)) {
    throw new BadArgumentError(
      `Registry.${op}: a match spec is an array of [head, guards, body] clauses, got ${formatReason(spec)}`,
    );
  }
  spec.forEach((clause: unknown, i) => {
    if (!Array.isArray(clause) || clause.length !== 3) {
      throw new BadArgumentError(
        `Registry.${op}: clause ${i} must be [head, guards, body], got ${formatReason(clause)}`,
      );
    }
    const head: unknown = clause[0];
    if (!(head instanceof Ets.Wildcard) && !(Array.isArray(head) && head.length === 3)) {
      throw new BadArgumentError(
        `Registry.${op}: the head of clause ${i} must be a [key, pid, value] pattern or Ets._, got ${formatReason(head)}`,
      );
    }
  });
  return spec as Ets.MatchSpec<KeyRow>;
}

/**
 * Runs a match specification over every entry as a `[key, pid, value]` row (Elixir's
 * `select/2`) and returns what the matching clauses' bodies produce, in no particular
 * order. Several clauses are allowed; `[]` for an empty registry.
 *
 * @param registry - the registry
 * @param spec - `[[head, guards, body], …]`, heads shaped `[key, pid, value]`
 * @returns the results
 * @throws {BadArgumentError} for a malformed spec
 * @throws {UnknownRegistryError} if the registry is not running
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * import * as Registry from "@trellis/registry";
 * // Every [key, pid] pair:
 * Registry.select("workers", [[[Ets.$1, Ets.$2, Ets._], [], [[Ets.$1, Ets.$2]]]]);
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function select<K extends Term, V extends Term>(
  registry: RegistryRef<K, V>,
  spec: Ets.MatchSpec<Row<K, V>>,
): Term[] {
  const st = stateOf(registry, "select");
  const s = checkSpec("select", spec);
  const out: Term[] = [];
  for (const t of allKeyTables(st)) {
    for (const r of wrapSpec("select", () => Ets.select(t, s)) as Term[]) out.push(r);
  }
  return out;
}

/**
 * How many entries a match specification selects, counting those for which the body
 * returns `true` (Elixir's `count_select/2`).
 *
 * @param registry - the registry
 * @param spec - as for {@link select}, with bodies returning `true` for what to count
 * @returns the count
 * @throws {BadArgumentError} for a malformed spec
 * @throws {UnknownRegistryError} if the registry is not running
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * import * as Registry from "@trellis/registry";
 * Registry.countSelect("workers", [[[Ets._, Ets._, Ets._], [], [true]]]);
 * ```
 * @since 0.1.0
 * @category Reading
 */
export function countSelect<K extends Term, V extends Term>(
  registry: RegistryRef<K, V>,
  spec: Ets.MatchSpec<Row<K, V>>,
): number {
  const st = stateOf(registry, "countSelect");
  const s = checkSpec("countSelect", spec);
  let n = 0;
  for (const t of allKeyTables(st)) n += wrapSpec("countSelect", () => Ets.selectCount(t, s));
  return n;
}

// -------------------------------------------------------------------------------------------
// Dispatch

/**
 * Calls `fn` with the entries under `key` as `[pid, value]` pairs (Elixir's `dispatch/4`):
 * the building block of pub/sub. `fn` is never called with an empty list. By default it
 * runs once, in the caller, and `dispatch` returns nothing. With `{ parallel: true }` on a
 * duplicate registry with several partitions, `fn` runs once per partition that has
 * entries, each in its own process, and the returned promise resolves when all are done
 * (it rejects with an `ExitError` carrying the reason if one of them crashes).
 *
 * @param registry - the registry
 * @param key - the key
 * @param fn - gets the entries
 * @param options - see {@link DispatchOptions}
 * @throws {BadArgumentError} if `fn` is not a function
 * @throws {UnknownRegistryError} if the registry is not running
 * @example
 * ```ts
 * import { send } from "@trellis/core";
 * import * as Registry from "@trellis/registry";
 * Registry.dispatch("topics", "news", (entries) => {
 *   for (const [pid] of entries) send(pid, { topic: "news", text: "hello" });
 * });
 * ```
 * @since 0.1.0
 * @category Dispatching
 */
export function dispatch<K extends Term, V extends Term>(
  registry: RegistryRef<K, V>,
  key: NoInfer<K>,
  fn: (entries: Entry<V>[]) => unknown,
  options: DispatchOptions & { readonly parallel: true },
): Promise<void>;
export function dispatch<K extends Term, V extends Term>(
  registry: RegistryRef<K, V>,
  key: NoInfer<K>,
  fn: (entries: Entry<V>[]) => unknown,
  options?: DispatchOptions & { readonly parallel?: false },
): void;
export function dispatch(
  registry: RegistryRef,
  key: Term,
  fn: (entries: Entry<Term>[]) => unknown,
  options: DispatchOptions = {},
): void | Promise<void> {
  const st = stateOf(registry, "dispatch");
  if (typeof fn !== "function") {
    throw new BadArgumentError(`Registry.dispatch: expected a function, got ${formatReason(fn)}`);
  }
  const parallel = options.parallel === true;
  if (parallel && st.kind === "duplicate" && !st.byKey && st.n > 1) {
    const rt = st.runtime as Runtime;
    const runs: Promise<void>[] = [];
    for (const p of st.parts) {
      if (p === undefined) continue;
      const rows = Ets.lookup(p.keys, key);
      if (rows.length === 0) continue;
      const entries: Entry<Term>[] = rows.map((r) => [r[1], r[2]]);
      runs.push(
        new Promise<void>((resolve, reject) => {
          const pid = rt.spawn(async () => {
            await fn(entries);
          });
          addExitHook(pid, (reason) => {
            if (reason === "normal") resolve();
            else reject(new ExitError(reason));
          });
        }),
      );
    }
    return Promise.all(runs).then(() => undefined);
  }
  const entries = lookup(registry, key);
  if (entries.length > 0) fn(entries);
  return parallel ? Promise.resolve() : undefined;
}

// -------------------------------------------------------------------------------------------
// Metadata

/**
 * Reads registry metadata (Elixir's `meta/2`), a direct table read.
 *
 * @param registry - the registry
 * @param key - the metadata key
 * @returns `{ type: "ok", value }` or `{ type: "error" }`
 * @throws {UnknownRegistryError} if the registry is not running
 * @example
 * ```ts
 * import * as Registry from "@trellis/registry";
 * await Registry.startLink({ keys: "unique", name: "r", meta: { region: "eu" } });
 * Registry.meta("r", "region"); // { type: "ok", value: "eu" }
 * ```
 * @since 0.1.0
 * @category Metadata
 */
export function meta(registry: RegistryRef<Term, Term>, key: Term): MetaResult {
  const st = stateOf(registry, "meta");
  const row = st.meta === undefined ? undefined : Ets.lookup(st.meta, key)[0];
  return row === undefined ? { type: "error" } : { type: "ok", value: row[1] };
}

/**
 * Stores registry metadata (Elixir's `put_meta/3`).
 *
 * @param registry - the registry
 * @param key - the metadata key
 * @param value - the value, a term
 * @throws {UnknownRegistryError} if the registry is not running
 * @throws {BadArgumentError} if the key or the value is not a term
 * @example
 * ```ts
 * import * as Registry from "@trellis/registry";
 * Registry.putMeta("r", "region", "us");
 * ```
 * @since 0.1.0
 * @category Metadata
 */
export function putMeta(registry: RegistryRef<Term, Term>, key: Term, value: Term): void {
  const st = stateOf(registry, "putMeta");
  if (st.meta !== undefined) Ets.insert(st.meta, [key, value]);
}

// -------------------------------------------------------------------------------------------
// Via names

class ViaRegistry implements NameRegistry<Term> {
  readonly registry: RegistryRef;
  readonly value: Term;

  constructor(registry: RegistryRef, value: Term) {
    this.registry = registry;
    this.value = value;
  }

  private state(op: string): RegistryState {
    const st = stateOf(this.registry, op);
    if (st.kind !== "unique") throw new UniqueOnlyError("via");
    return st;
  }

  registerName(key: Term, pid: Pid): boolean {
    this.state("registerName");
    if (!inProcess() || !samePid(self(), pid)) {
      throw new BadArgumentError(
        `Registry: a via name registers the calling process only, not ${formatReason(pid)}`,
      );
    }
    return register(this.registry, key, this.value).type === "ok";
  }

  unregisterName(key: Term): void {
    const st = this.state("unregisterName");
    const p = st.parts[st.n === 1 ? 0 : slot(key, st.n)];
    const held = p === undefined ? undefined : Ets.lookup(p.keys, key)[0];
    if (held === undefined) return;
    const holder = held[1];
    if (inProcess() && isAlive(self()) && samePid(self(), holder)) {
      unregister(this.registry, key);
    } else if (!isAlive(holder) && p !== undefined) {
      // The holder died: free the name now (its partition would do it a little later).
      Ets.deleteObject(p.keys, held);
      const owner = st.parts[pidIndex(st, key, holder)];
      if (owner !== undefined)
        Ets.deleteObject(owner.pids, [holder, key, keyIndex(st, key, holder)]);
    }
  }

  whereisName(key: Term): Pid | undefined {
    const st = this.state("whereisName");
    const p = st.parts[st.n === 1 ? 0 : slot(key, st.n)];
    const holder = p === undefined ? undefined : heldBy(p, key);
    return holder !== undefined && isAlive(holder) ? holder : undefined;
  }

  send(key: Term, message: unknown): void {
    const pid = this.whereisName(key);
    if (pid === undefined) {
      throw new BadArgumentError(
        `Registry: no process is registered under the via name ${formatReason(key)} (Erlang: badarg)`,
      );
    }
    send(pid, message);
  }
}

/**
 * A via name held by a unique registry (Elixir's `{:via, Registry, {registry, key}}`, or
 * `{registry, key, value}` with a value). Every behaviour's `name` option accepts it, and so
 * do `send`, `GenServer.call` and the rest: the process registers itself under `key` (with
 * `value`, default `null`) when it starts and is found by it until it exits. A taken name
 * makes the start fail with `AlreadyStartedError` carrying the holder; a call to a name
 * nobody holds fails with `NoProcessError`; `send` to it throws a `BadArgumentError`.
 *
 * The registry is looked up when the name is used, so a via name can be built before its
 * registry starts (in a supervision tree, for example); an unknown registry gives an
 * {@link UnknownRegistryError} then.
 *
 * @param registry - a unique registry (handle or name)
 * @param key - the key
 * @param value - the value to register with. Default `null`.
 * @returns the via name
 * @throws {UniqueOnlyError} when `registry` is a duplicate registry
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * import * as Registry from "@trellis/registry";
 * await Registry.startLink({ keys: "unique", name: "accounts" });
 * const name = Registry.via("accounts", "acct-42");
 * await GenServer.startLink(Account, 42, { name });
 * await GenServer.call(name, { type: "balance" });
 * ```
 * @since 0.1.0
 * @category Via names
 */
export function via<K extends Term, V extends Term>(
  registry: RegistryRef<K, V>,
  key: NoInfer<K>,
  value?: NoInfer<V>,
): ViaName<K> {
  const handled = handleState(registry);
  if (handled !== undefined) {
    if (handled.kind !== "unique") throw new UniqueOnlyError("via");
  } else if (typeof registry !== "string") {
    throw new BadArgumentError(
      `Registry.via: expected a registry (its handle or its name), got ${formatReason(registry)}`,
    );
  } else {
    const st = names.get(currentRuntime())?.get(registry);
    if (st !== undefined && st.kind !== "unique") throw new UniqueOnlyError("via");
  }
  const adapter = new ViaRegistry(registry as RegistryRef, value === undefined ? null : value);
  return { via: adapter as NameRegistry<K>, key };
}
