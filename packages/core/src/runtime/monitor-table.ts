/**
 * The monitors a process holds or is watched by, keyed by reference: an intrusive doubly
 * linked list through the monitor records themselves, so adding and removing a monitor
 * allocates nothing and hashes nothing (ADR 0004, session 4).
 *
 * @module
 */
import type { Ref } from "../pid.js";
import type { Monitor } from "./proc.js";

/** A table of the monitors a process holds (links `hPrev`/`hNext` of the records). */
export const HELD = 0;
/** A table of the monitors watching a process (links `wPrev`/`wNext` of the records). */
export const WATCHED = 1;

/**
 * @internal The list links a monitor record carries, one pair per table it can be in: the
 * watcher's table of held monitors and the target's table of watchers. A record that is in
 * no table of a side has both links of that side `undefined` and is not that table's first.
 */
export interface MonitorLinks {
  hPrev?: LinkedMonitor | undefined;
  hNext?: LinkedMonitor | undefined;
  wPrev?: LinkedMonitor | undefined;
  wNext?: LinkedMonitor | undefined;
}

/** @internal A monitor record with its list links. */
export type LinkedMonitor = Monitor & MonitorLinks;

/** Above this many entries, a lookup by reference builds an index instead of scanning. */
const INDEX_AT = 8;

/**
 * @internal A `Map<Ref, Monitor>` in insertion order whose entries are linked through the
 * records: `add` and `remove` (by record) are O(1) and allocate nothing. A lookup by
 * reference scans a short table and builds a `Map` index for a long one, kept until the
 * table empties (lookups by reference are the rare paths: `demonitor` from user code, signals
 * from other nodes). The hot paths (a call's monitor on its server, DOWN delivery) go by
 * record.
 */
export class MonitorTable {
  private first: LinkedMonitor | undefined = undefined;
  private last: LinkedMonitor | undefined = undefined;
  private n = 0;
  private index: Map<Ref, LinkedMonitor> | undefined = undefined;
  /** Which links of the records this table uses. */
  private readonly watched: boolean;

  /** @param side {@link HELD} (the default) or {@link WATCHED} */
  constructor(side: number = HELD) {
    this.watched = side === WATCHED;
  }

  /** How many entries it holds. */
  get size(): number {
    return this.n;
  }

  private next(e: LinkedMonitor): LinkedMonitor | undefined {
    return this.watched ? e.wNext : e.hNext;
  }

  private prev(e: LinkedMonitor): LinkedMonitor | undefined {
    return this.watched ? e.wPrev : e.hPrev;
  }

  private setNext(e: LinkedMonitor, v: LinkedMonitor | undefined): void {
    if (this.watched) e.wNext = v;
    else e.hNext = v;
  }

  private setPrev(e: LinkedMonitor, v: LinkedMonitor | undefined): void {
    if (this.watched) e.wPrev = v;
    else e.hPrev = v;
  }

  private find(ref: Ref): LinkedMonitor | undefined {
    // The oldest and the newest first: an owner demonitors its tasks in the order it made
    // them (`Task.await` of each), which then needs no index of 100k entries.
    const first = this.first;
    if (first === undefined || first.ref === ref) return first;
    const last = this.last as LinkedMonitor;
    if (last.ref === ref) return last;
    if (this.index !== undefined) return this.index.get(ref);
    if (this.n > INDEX_AT) {
      const index = new Map<Ref, LinkedMonitor>();
      for (let e = this.first; e !== undefined; e = this.next(e)) index.set(e.ref, e);
      this.index = index;
      return index.get(ref);
    }
    for (let e = this.first; e !== undefined; e = this.next(e)) if (e.ref === ref) return e;
    return undefined;
  }

  get(ref: Ref): Monitor | undefined {
    return this.find(ref);
  }

  /** Sets the entry of `ref` (`m.ref`): an existing entry is replaced in its place. */
  set(ref: Ref, m: Monitor): void {
    const old = this.find(ref);
    if (old === undefined) {
      this.add(m);
      return;
    }
    if (old === m) return;
    const e = m as LinkedMonitor;
    const p = this.prev(old);
    const nx = this.next(old);
    this.setPrev(e, p);
    this.setNext(e, nx);
    if (p === undefined) this.first = e;
    else this.setNext(p, e);
    if (nx === undefined) this.last = e;
    else this.setPrev(nx, e);
    this.setPrev(old, undefined);
    this.setNext(old, undefined);
    this.index?.set(ref, e);
  }

  /** Adds an entry whose reference is not in the table (a fresh one): no lookup. */
  add(m: Monitor): void {
    const e = m as LinkedMonitor;
    const last = this.last;
    this.setPrev(e, last);
    this.setNext(e, undefined);
    if (last === undefined) this.first = e;
    else this.setNext(last, e);
    this.last = e;
    this.n++;
    this.index?.set(e.ref, e);
  }

  delete(ref: Ref): boolean {
    const e = this.find(ref);
    if (e === undefined) return false;
    this.unlink(e);
    return true;
  }

  /** Removes the entry `m` itself; false if it is not in this table. */
  remove(m: Monitor): boolean {
    const e = m as LinkedMonitor;
    if (this.prev(e) === undefined && this.first !== e) return false;
    this.unlink(e);
    return true;
  }

  private unlink(e: LinkedMonitor): void {
    const p = this.prev(e);
    const nx = this.next(e);
    if (p === undefined) this.first = nx;
    else this.setNext(p, nx);
    if (nx === undefined) this.last = p;
    else this.setPrev(nx, p);
    this.setPrev(e, undefined);
    this.setNext(e, undefined);
    if (--this.n === 0) this.index = undefined;
    else this.index?.delete(e.ref);
  }

  /** The entry, when there is exactly one (else undefined: use `values`). */
  only(): Monitor | undefined {
    return this.n === 1 ? this.first : undefined;
  }

  /** The entries in insertion order, as a snapshot (safe to change the table meanwhile). */
  values(): Monitor[] {
    const out: Monitor[] = [];
    for (let e = this.first; e !== undefined; e = this.next(e)) out.push(e);
    return out;
  }

  /** `[ref, monitor]` pairs in insertion order, as a snapshot. */
  *[Symbol.iterator](): IterableIterator<[Ref, Monitor]> {
    for (const m of this.values()) yield [m.ref, m];
  }
}

/**
 * @internal What a process's `watchers` field holds: nothing, the one monitor watching it
 * (inline: most watched processes have one watcher, a task's owner, a caller waiting on a
 * server), or a {@link MonitorTable} once a second watcher comes (ADR 0004, session 5: the
 * one-entry table was 64 B of every task).
 */
export type Watchers = MonitorTable | Monitor | undefined;

/** @internal The process side of {@link Watchers}. */
export interface Watched {
  watchers: Watchers;
}

/** @internal Adds a monitor watching `t` (a fresh reference: no lookup). */
export function addWatcher(t: Watched, m: Monitor): void {
  const w = t.watchers;
  if (w === undefined) {
    t.watchers = m;
  } else if (w instanceof MonitorTable) {
    w.add(m);
  } else {
    const table = new MonitorTable(WATCHED);
    table.add(w);
    table.add(m);
    t.watchers = table;
  }
}

/** @internal Sets the watcher entry of `ref`: an existing entry is replaced in its place. */
export function setWatcher(t: Watched, ref: Ref, m: Monitor): void {
  const w = t.watchers;
  if (w instanceof MonitorTable) w.set(ref, m);
  else if (w === undefined || w.ref === ref) t.watchers = m;
  else addWatcher(t, m);
}

/** @internal Removes the record `m` from `t`'s watchers; false if it is not there. */
export function removeWatcher(t: Watched, m: Monitor): boolean {
  const w = t.watchers;
  if (w === m) {
    t.watchers = undefined;
    return true;
  }
  return w instanceof MonitorTable ? w.remove(m) : false;
}

/** @internal Removes the watcher entry of `ref`; whether there was one. */
export function deleteWatcher(t: Watched, ref: Ref): boolean {
  const w = t.watchers;
  if (w === undefined) return false;
  if (w instanceof MonitorTable) return w.delete(ref);
  if (w.ref !== ref) return false;
  t.watchers = undefined;
  return true;
}

/** @internal The monitors watching a process, in the order they were made (a snapshot). */
export function watcherValues(w: Watchers): Monitor[] {
  if (w === undefined) return [];
  return w instanceof MonitorTable ? w.values() : [w];
}
