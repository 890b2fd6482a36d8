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
import type { MonitorTable } from "./monitor-table.js";
import type { Waiter } from "./receive.js";
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

/** @internal One process. */
export class Proc {
  readonly pid: Pid;
  readonly rt: Runtime;
  readonly mailbox: Queue<unknown> = new Queue();
  alive = true;
  trap = false;
  queued = false;
  busy = false;
  reason: unknown = undefined;
  start: ((self: Pid) => unknown) | undefined = undefined;
  handler: ((msg: unknown) => unknown) | undefined = undefined;
  waiter: Waiter | undefined = undefined;
  /** The waiter object every receive of this process reuses (made on its first receive). */
  spare: Waiter | undefined = undefined;
  links: Set<Pid> | undefined = undefined;
  /** Monitors this process holds (see MonitorTable: one inline entry, a Map beyond). */
  monitors: MonitorTable | undefined = undefined;
  /** Monitors on this process. */
  watchers: MonitorTable | undefined = undefined;
  timers: Set<TimerEntry> | undefined = undefined;
  name: string | undefined = undefined;
  abortCtl: AbortController | undefined = undefined;
  exitHooks: ((reason: unknown) => void)[] | undefined = undefined;
  settle: ((ok: boolean, value: unknown) => void) | undefined = undefined;
  parent: Pid | undefined = undefined;
  behaviour: string | undefined = undefined;
  data: Map<string, unknown> | undefined = undefined;
  reductions = 0;
  /**
   * Whether an uncaught exit (an `ExitError`) is crash-reported, as proc_lib does for
   * special processes; a plain process reports only errors and throws, as in OTP.
   */
  reportsExits = false;
  /** Receives resolved at once since the scheduler last woke this process (fairness). */
  hits = 0;
  /**
   * The process's async context, captured at its first batch of handled messages: entering
   * it costs about a tenth of `AsyncLocalStorage.run` on Node 24+ (AsyncContextFrame), where
   * `run` builds two context frames per call (ADR 0004).
   */
  ctx: AsyncResource | undefined = undefined;

  constructor(rt: Runtime, pid: Pid) {
    this.rt = rt;
    this.pid = pid;
  }
}

/** @internal The async-context store, once created (read `currentProc` for the current process). */
export let storage: AsyncLocalStorage<Proc> | undefined;

/** @internal The async-context store that makes `self()` work after `await`. */
export function als(): AsyncLocalStorage<Proc> {
  if (storage === undefined) storage = new AsyncLocalStorage<Proc>();
  return storage;
}
