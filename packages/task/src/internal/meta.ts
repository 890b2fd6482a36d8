/**
 * The caller and parent of each task process, from which the task publishes `$callers` and
 * `$ancestors` in its process dictionary. The origins are kept in a table keyed by pid (a
 * strong `Map`: a `WeakMap` keyed by pid costs more than the rest of a task's start), so
 * that the ancestors of a task can be followed through tasks that have returned. A task
 * started by `Task.async` finds its work there too (`runAsync`): its body is one
 * shared function, not a closure per task (ADR 0004, session 5). An entry is removed when
 * its task returns; those of tasks that crashed or were killed are swept out, a batch at a
 * time, as the table grows.
 *
 * @module
 */
import { currentRuntime, getProcessData, Pid, parentOf, type Runtime } from "@trellis/core";

/**
 * Where a task comes from (the table's key is the task's pid). The `up` links keep the
 * chain of callers alive.
 */
export interface Origin {
  /** The process that asked for the task, if any. */
  readonly caller: Pid | undefined;
  /** The process that started it: the caller, or a Task.Supervisor. */
  readonly parent: Pid;
  /** The origin of the caller, when the caller is a task itself. */
  readonly up: Origin | undefined;
  /**
   * `$callers`: the caller, then the `$callers` in the caller's dictionary when the task
   * was started (Elixir: `[self() | Process.get(:"$callers", [])]`), whatever the caller is.
   * `undefined` when the caller had none then (the common case): the list is `[caller]`
   * (or `[]` without a caller), made by {@link callersOf} when the task starts, so that a
   * queued task carries no array. Made for the task alone: its dictionary takes the array
   * (nothing else reads it).
   */
  readonly callers: readonly Pid[] | undefined;
  /** The runtime of the task process (the sweep asks it whether the task still lives). */
  readonly rt: Runtime;
  /**
   * What a task started by `Task.async` runs: its `Task` and function, taken (and cleared)
   * by the task when it starts (`runAsync`). Undefined for the other kinds of task,
   * whose body is a closure.
   */
  work: unknown;
  fn: (() => unknown) | undefined;
}

/**
 * A task of `Task.async` whose origin is plain (its caller is no task and has no `$callers`:
 * the common case) stands in the table for its own origin: the origin is then
 * `{ caller: owner, parent: owner }` and nothing more, and the `Task` carries its function
 * (until it starts) and its runtime (until its entry goes) itself, in private fields (see
 * core.ts). A lookup reads it as that plain origin. A queued task holds no record of its
 * own (~80 B).
 */
export interface Queued {
  readonly owner: Pid;
}

/** The runtime of a task that is its own entry (set by core.ts: a private field). */
let queuedRuntime: (q: Queued) => Runtime;
/** Lets such a task go of its runtime: its entry is gone (set by core.ts). */
let releaseQueued: (q: Queued) => void;

/** @see queuedRuntime */
export function setQueuedAccess(rt: (q: Queued) => Runtime, release: (q: Queued) => void): void {
  queuedRuntime = rt;
  releaseQueued = release;
}

/** An entry of the table: a record, or a queued task that stands for its own (plain) origin. */
type Entry = Origin | Queued;

const origins = new Map<Pid, Entry>();
let sweepAt = 1024;

function isRecord(e: Entry): e is Origin {
  return "parent" in e;
}

/** A plain origin: asked for, and started, by `owner`. */
export function plainOrigin(owner: Pid, rt: Runtime): Origin {
  return {
    caller: owner,
    parent: owner,
    up: undefined,
    callers: undefined,
    rt,
    work: undefined,
    fn: undefined,
  };
}

/** The origin of a live task process, if `pid` is one. */
function originOf(pid: Pid): Origin | undefined {
  const e = origins.get(pid);
  if (e === undefined || isRecord(e)) return e;
  return plainOrigin(e.owner, queuedRuntime(e));
}

/**
 * Records the queued task `pid` of `Task.async` as its own entry when its origin is plain
 * (see {@link Queued}); false when it is not, and the caller must record it with
 * {@link setOrigin}.
 */
export function queuePlain(pid: Pid, task: Queued, caller: Pid): boolean {
  if (origins.has(caller) || getProcessData("$callers", caller) !== undefined) return false;
  if (origins.size >= sweepAt) sweep();
  origins.set(pid, task);
  return true;
}

/** The entry of the task `self`, which is starting (it is there until the task returns). */
export function ownEntry(self: Pid): Entry {
  return origins.get(self) as Entry;
}

/**
 * Records where the task `pid` comes from, and for a task of `Task.async` its `work` (the
 * `Task`) and `fn`; returns the record.
 */
export function setOrigin(
  pid: Pid,
  caller: Pid | undefined,
  parent: Pid,
  work?: unknown,
  fn?: () => unknown,
): Origin {
  const o: Origin = {
    caller,
    parent,
    up: caller === undefined ? undefined : originOf(caller),
    callers: caller === undefined ? undefined : callersFrom(caller),
    rt: currentRuntime(),
    work,
    fn,
  };
  if (origins.size >= sweepAt) sweep();
  origins.set(pid, o);
  return o;
}

/** The task `pid` has returned: forget it. */
export function dropOrigin(pid: Pid): void {
  origins.delete(pid);
}

function sweep(): void {
  for (const [pid, e] of origins) {
    const record = isRecord(e);
    if ((record ? e.rt : queuedRuntime(e)).isAlive(pid)) continue;
    origins.delete(pid);
    if (!record) releaseQueued(e);
  }
  sweepAt = Math.max(1024, origins.size * 2);
}

/** The task's `$callers` list (see `Origin.callers`): a fresh array. */
export function callersOf(o: Origin): readonly Pid[] {
  const c = o.callers;
  if (c !== undefined) return c;
  return o.caller === undefined ? [] : [o.caller];
}

/**
 * `[caller, ...$callers of caller]` when the caller has a `$callers` entry now; `undefined`
 * when it has none (the list is then `[caller]`, whatever the caller sets later).
 */
function callersFrom(caller: Pid): Pid[] | undefined {
  const v = getProcessData("$callers", caller);
  if (v === undefined) return undefined;
  const out = [caller];
  if (Array.isArray(v)) for (const x of v) if (x instanceof Pid) out.push(x);
  return out;
}

/**
 * The `$callers` in the dictionary of `pid` (Elixir: `Process.get(:"$callers", [])`): any
 * process may carry one, a task or not. Only the pids of a list are taken.
 */
export function dictionaryCallers(pid: Pid): Pid[] {
  const v = getProcessData("$callers", pid);
  return Array.isArray(v) ? v.filter((x): x is Pid => x instanceof Pid) : [];
}

/** The chain of parents of `pid`, nearest first (Elixir's `$ancestors`). */
export function ancestorsOf(pid: Pid): Pid[] {
  return ancestorsFrom(pid, originOf(pid));
}

/** The `$ancestors` of the task whose origin is `o` (no lookup of its own entry). */
export function taskAncestors(o: Origin): Pid[] {
  return ancestorsFrom(undefined, o);
}

/** The ancestors of `pid`, or (with its origin) of the task whose origin is given. */
function ancestorsFrom(pid: Pid | undefined, origin: Origin | undefined): Pid[] {
  const out: Pid[] = [];
  let cur = pid;
  let o = origin;
  for (let i = 0; i < 10_000; i++) {
    // `cur` is a pid whenever `o` is undefined: the first turn has one or the other
    const parent = o !== undefined ? o.parent : parentOf(cur as Pid);
    if (parent === undefined) break;
    out.push(parent);
    // a plain task's parent is its caller, whose origin `up` keeps even once it has returned
    o = o !== undefined && o.parent === o.caller ? o.up : originOf(parent);
    cur = parent;
  }
  return out;
}
