/**
 * One process (`Proc`), the records hung on it (monitors, timer and down sinks) and the
 * async-context store that makes `self()` work after `await`.
 *
 * @module
 */
import { AsyncLocalStorage, type AsyncResource } from "node:async_hooks";
import { Queue } from "../internal/queue.js";
import type { Pid, Ref } from "../pid.js";
import type { Runtime } from "../runtime.js";
import type { Links } from "./link-set.js";
import type { MonitorTable, Watchers } from "./monitor-table.js";
import { receiveTimedOut, type Waiter } from "./receive.js";
import type { TimerEntry } from "./timers.js";
import type { RemoteName } from "./types.js";

/** @internal Where an internal (callback) monitor reports: an object, so no closure is needed. */
export interface DownSink {
  down(reason: unknown): void;
  /** The process that owns the monitor exited first: the monitor is gone without a DOWN. */
  ownerExited?(): void;
}

/** @internal Where an internal (callback) timer fires. */
export interface TimerSink {
  fire(): void;
}

/** @internal */
export interface Monitor {
  readonly ref: Ref;
  /** Local watcher, or undefined for remote watchers and owner-less callbacks. */
  readonly watcher: Proc | undefined;
  readonly watcherPid: Pid | undefined;
  /** The watched pid, or for a monitor by name on another node, that name (unresolved here). */
  readonly target: Pid | RemoteName;
  /** Set when monitored by name. */
  readonly name: string | undefined;
  /** Internal monitors deliver to a callback instead of a mailbox. */
  readonly callback: DownSink | undefined;
}

/**
 * @internal The fields of a process that most processes never set (a name, timers, process
 * data, exit hooks, trap-exit, …; a supervised behaviour sets none of them): kept in a side
 * object made on the first write of one, so an idle process carries one pointer for them
 * instead of seven (ADR 0004, second round).
 */
export class ProcExtra {
  trap = false;
  timers: Set<TimerEntry> | undefined = undefined;
  name: string | undefined = undefined;
  abortCtl: AbortController | undefined = undefined;
  exitHooks: ((reason: unknown) => void)[] | undefined = undefined;
  settle: ((ok: boolean, value: unknown) => void) | undefined = undefined;
  data: Map<string, unknown> | undefined = undefined;
}

/**
 * @internal What a special process (a behaviour started by the special-process toolkit) has
 * and no other process has: its parent, its behaviour's name, and that it crash-reports its
 * exits. One pointer in every process instead of three (ADR 0004, session 5).
 */
export class ProcSpecial {
  parent: Pid | undefined = undefined;
  behaviour: string | undefined = undefined;
  reportsExits = false;
}

function ignore(_: unknown): void {}

/**
 * @internal One process. It is its own mailbox: the queue's three fields live in the process
 * object instead of a queue object of their own (an empty mailbox shares one empty buffer),
 * which saves an object per process (ADR 0004, second round). Read it as `p.mailbox`.
 */
export class Proc extends Queue<unknown> implements TimerSink {
  readonly pid: Pid;
  readonly rt: Runtime;
  alive = true;
  /** The exit reason, once the process has exited (a field: every process gets one). */
  reason: unknown = undefined;
  /** Its links: the one pid inline (every supervised process, every task), a set beyond (see `Links`). */
  links: Links = undefined;
  /** Set for special processes only (see ProcSpecial), through the accessors below. */
  sp: ProcSpecial | undefined = undefined;
  queued = false;
  busy = false;
  start: ((self: Pid) => unknown) | undefined = undefined;
  handler: ((msg: unknown) => unknown) | undefined = undefined;
  /**
   * The pending receive: the process itself while it waits in one (a process is its own
   * `Waiter`, see receive.ts: the fields below), undefined otherwise.
   */
  waiter: Waiter | undefined = undefined;
  /** The pending receive's match (undefined: any message). */
  match: ((msg: unknown) => unknown) | undefined = undefined;
  /** Resolves the pending receive's promise. */
  resolve: (msg: unknown) => void = ignore;
  /** The pending receive's timeout. */
  timer: TimerEntry | undefined = undefined;
  /** How many messages of the mailbox the pending receive has already looked at. */
  scanned = 0;
  /** A `timeout: 0` receive that was sent through the scheduler: no match means TIMEOUT. */
  zero = false;
  /** Monitors this process holds (see MonitorTable: one inline entry, a Map beyond). */
  monitors: MonitorTable | undefined = undefined;
  /** Monitors on this process: the one record inline, a table beyond (see `Watchers`). */
  watchers: Watchers = undefined;
  reductions = 0;
  /** Receives resolved at once since the scheduler last woke this process (fairness). */
  hits = 0;
  /**
   * The process's async context, captured at its first batch of handled messages: entering
   * it costs about a tenth of `AsyncLocalStorage.run` on Node 24+ (AsyncContextFrame), where
   * `run` builds two context frames per call (ADR 0004).
   */
  ctx: AsyncResource | undefined = undefined;
  /** The neighbours in the runtime's list of live processes (see ProcList). */
  prevLive: Proc | undefined = undefined;
  nextLive: Proc | undefined = undefined;
  /** The rarely set fields (see ProcExtra), read and written through the accessors below. */
  x: ProcExtra | undefined = undefined;

  constructor(rt: Runtime, pid: Pid) {
    super();
    this.rt = rt;
    this.pid = pid;
  }

  /** Sets up the pending receive (the caller then sets `waiter`). */
  arm(
    match: ((msg: unknown) => unknown) | undefined,
    resolve: (msg: unknown) => void,
    scanned: number,
  ): this {
    this.match = match;
    this.resolve = resolve;
    this.scanned = scanned;
    this.timer = undefined;
    this.zero = false;
    return this;
  }

  /** Resolves the receive (it is no longer pending) and lets go of its closures. */
  settleReceive(value: unknown): void {
    const resolve = this.resolve;
    this.match = undefined;
    this.resolve = ignore;
    resolve(value);
  }

  /** The pending receive's timeout fired (the process is the sink of its receive timers). */
  fire(): void {
    receiveTimedOut(this);
  }

  /** The process's mailbox (the process itself: see the class). */
  get mailbox(): Queue<unknown> {
    return this;
  }

  /** The side object, made on first use. */
  private extra(): ProcExtra {
    let x = this.x;
    if (x === undefined) {
      x = new ProcExtra();
      this.x = x;
    }
    return x;
  }

  /** The side object of a special process, made on first use. */
  private special(): ProcSpecial {
    let sp = this.sp;
    if (sp === undefined) {
      sp = new ProcSpecial();
      this.sp = sp;
    }
    return sp;
  }

  /** The process that started it linked (behaviours). */
  get parent(): Pid | undefined {
    return this.sp?.parent;
  }
  set parent(v: Pid | undefined) {
    if (v !== undefined || this.sp !== undefined) this.special().parent = v;
  }
  /** The behaviour it runs, if any. */
  get behaviour(): string | undefined {
    return this.sp?.behaviour;
  }
  set behaviour(v: string | undefined) {
    if (v !== undefined || this.sp !== undefined) this.special().behaviour = v;
  }
  /**
   * Whether an uncaught exit (an `ExitError`) is crash-reported, as proc_lib does for
   * special processes; a plain process reports only errors and throws, as in OTP.
   */
  get reportsExits(): boolean {
    return this.sp?.reportsExits === true;
  }
  set reportsExits(v: boolean) {
    if (v || this.sp !== undefined) this.special().reportsExits = v;
  }

  /** Whether exit signals arrive as messages (trapExit). */
  get trap(): boolean {
    return this.x?.trap === true;
  }
  set trap(v: boolean) {
    if (v || this.x !== undefined) this.extra().trap = v;
  }
  get timers(): Set<TimerEntry> | undefined {
    return this.x?.timers;
  }
  set timers(v: Set<TimerEntry> | undefined) {
    if (v !== undefined || this.x !== undefined) this.extra().timers = v;
  }
  get name(): string | undefined {
    return this.x?.name;
  }
  set name(v: string | undefined) {
    if (v !== undefined || this.x !== undefined) this.extra().name = v;
  }
  get abortCtl(): AbortController | undefined {
    return this.x?.abortCtl;
  }
  set abortCtl(v: AbortController | undefined) {
    if (v !== undefined || this.x !== undefined) this.extra().abortCtl = v;
  }
  get exitHooks(): ((reason: unknown) => void)[] | undefined {
    return this.x?.exitHooks;
  }
  set exitHooks(v: ((reason: unknown) => void)[] | undefined) {
    if (v !== undefined || this.x !== undefined) this.extra().exitHooks = v;
  }
  get settle(): ((ok: boolean, value: unknown) => void) | undefined {
    return this.x?.settle;
  }
  set settle(v: ((ok: boolean, value: unknown) => void) | undefined) {
    if (v !== undefined || this.x !== undefined) this.extra().settle = v;
  }
  get data(): Map<string, unknown> | undefined {
    return this.x?.data;
  }
  set data(v: Map<string, unknown> | undefined) {
    if (v !== undefined || this.x !== undefined) this.extra().data = v;
  }
}

/** @internal The async-context store, once created (read `currentProc` for the current process). */
export let storage: AsyncLocalStorage<Proc> | undefined;

/** @internal The async-context store that makes `self()` work after `await`. */
export function als(): AsyncLocalStorage<Proc> {
  if (storage === undefined) storage = new AsyncLocalStorage<Proc>();
  return storage;
}
