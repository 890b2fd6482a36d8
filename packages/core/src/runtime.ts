/**
 * The runtime: an Erlang node in one object. It owns the process table, the scheduler, the
 * timers, the name table, the logger and the links to other runtimes.
 *
 * @module
 */
import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";
import { performance } from "node:perf_hooks";
import { isInstanceOf } from "./brand.js";
import { type Clock, type ClockHost, RealClock, VirtualClock } from "./clock.js";
import { consoleLogger, type LogLevel } from "./console-logger.js";
import {
  BadArgumentError,
  ExitError,
  exitReasonOf,
  formatReason,
  ProcessExitedError,
} from "./errors.js";
import { checkRuntimeOptions, fallbackLog, inboundProblem, reportFailure } from "./guards.js";
import { type HeapEntry, TimerHeap } from "./internal/heap.js";
import { Queue } from "./internal/queue.js";
import {
  CancelTimerMessage,
  DownMessage,
  ExitMessage,
  isQuietReason,
  TimeoutMessage,
} from "./messages.js";
import { Pid, procOf, Ref, setProc } from "./pid.js";
import { TelemetryHub } from "./telemetry.js";
import { installUncaughtListeners, onBehalfOf } from "./uncaught.js";

// ---------------------------------------------------------------------------------------
// Public types

/**
 * A name registry that plugs into every `name` option and every `send`: Erlang's
 * `{via, Module, Name}`. `@trellis/registry` implements it; so can you.
 *
 * @example
 * ```ts
 * import type { NameRegistry, Pid } from "@trellis/core";
 * import { send } from "@trellis/core";
 * const table = new Map<string, Pid>();
 * const simple: NameRegistry<string> = {
 *   registerName: (key, pid) => (table.has(key) ? false : (table.set(key, pid), true)),
 *   unregisterName: (key) => void table.delete(key),
 *   whereisName: (key) => table.get(key),
 *   send: (key, msg) => {
 *     const pid = table.get(key);
 *     if (pid === undefined) throw new Error(`no process named ${key}`);
 *     send(pid, msg);
 *   },
 * };
 * ```
 * @since 0.1.0
 * @category Names
 */
export interface NameRegistry<K = unknown> {
  /** Registers `pid` under `key`; returns `false` if the key is taken. */
  registerName(key: K, pid: Pid): boolean;
  /** Removes `key`. */
  unregisterName(key: K): void;
  /** The pid registered under `key`, or `undefined`. */
  whereisName(key: K): Pid | undefined;
  /** Sends `message` to the process registered under `key`; throws if there is none. */
  send(key: K, message: unknown): void;
}

/**
 * A name held by a {@link NameRegistry}: Erlang's `{via, Module, Name}`. Make one with
 * {@link via}.
 *
 * @since 0.1.0
 * @category Names
 */
export interface ViaName<K = unknown> {
  /** The registry. */
  readonly via: NameRegistry<K>;
  /** The key in that registry. */
  readonly key: K;
}

/**
 * A process name: a locally registered name (a string, Erlang's atom) or a {@link ViaName}.
 *
 * @since 0.1.0
 * @category Names
 */
export type ProcessName = string | ViaName;

/**
 * Where a message can go: a pid or a name.
 *
 * @since 0.1.0
 * @category Processes
 */
export type Dest = Pid | ProcessName;

/**
 * A log record from the runtime.
 *
 * @since 0.1.0
 * @category Runtime
 */
export interface LogReport {
  /**
   * What happened: `"crash"` for a process that exited abnormally by its own exception (for
   * a plain process an error or throw, not `exit(reason)`, as in OTP).
   */
  readonly kind: "crash" | "error" | "warning" | "info";
  /** A readable one-line summary. */
  readonly message: string;
  /** The process concerned, if any. */
  readonly pid?: Pid;
  /** Its registered name, if any. */
  readonly name?: string;
  /** The exit reason, for crashes. */
  readonly reason?: unknown;
  /** The severity; when absent it follows `kind` (see {@link levelOf}). */
  readonly level?: LogLevel;
  /** The behaviour of the process concerned, if any (`"GenServer"`…). */
  readonly behaviour?: string;
  /** Where the report comes from; `["otp", "sasl"]` marks supervisor and crash reports. */
  readonly domain?: readonly string[];
  /** Anything else a behaviour attaches (state, last message…). */
  readonly [extra: string]: unknown;
}

/**
 * Where a runtime sends its reports. The default is {@link consoleLogger}.
 *
 * @example
 * ```ts
 * import { createRuntime, type Logger, type LogReport } from "@trellis/core";
 * const seen: LogReport[] = [];
 * const logger: Logger = { log: (r) => void seen.push(r) };
 * const rt = createRuntime({ logger });
 * ```
 * @since 0.1.0
 * @category Runtime
 */
export interface Logger {
  /** Receives one report. Must not throw. */
  log(report: LogReport): void;
}

/**
 * Options of {@link createRuntime}.
 *
 * @since 0.1.0
 * @category Runtime
 */
export interface RuntimeOptions {
  /** The node name, as in `name@host`. Default `"nonode@nohost"`. */
  readonly node?: string;
  /** The node's creation number (distinguishes restarts of a node). Default `1`. */
  readonly creation?: number;
  /** `"real"` (default), `"virtual"` (a new {@link VirtualClock}), or a clock instance. */
  readonly clock?: Clock | "real" | "virtual";
  /** Where reports go. Default: {@link consoleLogger} at level `"info"`, without SASL reports. */
  readonly logger?: Logger;
  /** Messages a process may handle in one turn before others get theirs. Default `200`. */
  readonly budget?: number;
  /** Milliseconds of work after which the scheduler yields to the event loop. Default `2`. */
  readonly sliceMs?: number;
}

/**
 * A signal crossing from one runtime to another: the one routing point through which every
 * send, link, unlink, exit, monitor and demonitor to a process of another node leaves.
 *
 * @since 0.1.0
 * @category Nodes
 */
export type Signal =
  | {
      /** A message. */
      readonly type: "message";
      /** The receiving process. */
      readonly to: Pid;
      /** The message. */
      readonly message: unknown;
    }
  | {
      /** Create a link. */
      readonly type: "link";
      /** The process asking for the link. */
      readonly from: Pid;
      /** The process to link to. */
      readonly to: Pid;
    }
  | {
      /** Remove a link. */
      readonly type: "unlink";
      /** The process removing the link. */
      readonly from: Pid;
      /** The other end of the link. */
      readonly to: Pid;
    }
  | {
      /** An exit signal. */
      readonly type: "exit";
      /** The exiting (or signalling) process. */
      readonly from: Pid;
      /** The receiving process. */
      readonly to: Pid;
      /** The exit reason. */
      readonly reason: unknown;
      /** `true` for a link's exit signal, `false` for `exit(pid, reason)`. */
      readonly link: boolean;
    }
  | {
      /** Start monitoring. */
      readonly type: "monitor";
      /** The watching process. */
      readonly from: Pid;
      /** The watched process. */
      readonly to: Pid;
      /** The monitor reference. */
      readonly ref: Ref;
    }
  | {
      /** Stop monitoring. */
      readonly type: "demonitor";
      /** The watching process. */
      readonly from: Pid;
      /** The watched process. */
      readonly to: Pid;
      /** The monitor reference. */
      readonly ref: Ref;
    }
  | {
      /** A monitored process went down. */
      readonly type: "down";
      /** The process that went down. */
      readonly from: Pid;
      /** The watching process. */
      readonly to: Pid;
      /** The monitor reference. */
      readonly ref: Ref;
      /** Why it went down. */
      readonly reason: unknown;
    }
  | {
      /** The reply to a call. */
      readonly type: "reply";
      /** The call's reference. */
      readonly ref: Ref;
      /** The reply. */
      readonly value: unknown;
    };

/**
 * A connection to another node: carries signals there. See `connectInMemory`.
 *
 * @since 0.1.0
 * @category Nodes
 */
export interface Transport {
  /** Carries one signal to the peer node, preserving order per sender and receiver. */
  deliver(signal: Signal): void;
  /** Called once when this runtime drops the connection (disconnect, shutdown): tell the peer. */
  close?(): void;
}

/**
 * The receiving end of a connection, returned by {@link Runtime.connect}: the transport
 * hands it every signal the peer node sends. Whoever holds it can inject signals as that
 * peer, so a transport keeps it to itself.
 *
 * @example
 * ```ts
 * import { createRuntime, type Signal } from "@trellis/core";
 * const rt = createRuntime({ node: "a@host" });
 * const inbound = rt.connect("b@host", { deliver: (signal: Signal) => void signal });
 * // later, for each signal decoded from the wire:
 * // inbound.receive(signal);
 * ```
 * @since 0.1.0
 * @category Nodes
 */
export interface Inbound {
  /**
   * Hands over one signal from the peer. Dropped (and reported as a warning) when it is
   * malformed, names a sender that is not on the peer node or a target that is not on this
   * one; ignored once the connection has been dropped.
   */
  receive(signal: Signal): void;
}

/**
 * What {@link Runtime.processInfo} tells about a process.
 *
 * @since 0.1.0
 * @category Introspection
 */
export interface ProcessInfo {
  /** The process. */
  readonly pid: Pid;
  /**
   * `running` (executing now, e.g. the caller itself), `runnable` (queued to run), `waiting`
   * (blocked in `receive`, or an idle special process), or `busy` (awaiting something other
   * than a message, such as I/O inside a callback).
   */
  readonly status: "running" | "runnable" | "waiting" | "busy";
  /** Messages in the mailbox. */
  readonly messageQueueLength: number;
  /** Linked processes. */
  readonly links: readonly Pid[];
  /** Monitors this process holds: the monitored pid (or name) and the reference. */
  readonly monitors: readonly {
    /** The monitor reference. */
    readonly ref: Ref;
    /** The monitored process, or the name it was monitored by. */
    readonly pid: Pid | string;
  }[];
  /** Processes monitoring this one. */
  readonly monitoredBy: readonly Pid[];
  /** The locally registered name, or `undefined`. */
  readonly registeredName: string | undefined;
  /** The behaviour running in it (`"GenServer"`…), or `undefined` for a plain process. */
  readonly behaviour: string | undefined;
  /** Messages handled so far (Trellis's reductions). */
  readonly reductions: number;
  /** A rough estimate of the bytes it holds. */
  readonly memory: number;
  /** Whether it traps exits. */
  readonly trapExit: boolean;
  /** The process that started it, if it was started by the special-process toolkit. */
  readonly parent: Pid | undefined;
  /** Its process dictionary (`putProcessData`), e.g. a task's `$callers` and `$ancestors`. */
  readonly dictionary: Readonly<Record<string, unknown>>;
}

// ---------------------------------------------------------------------------------------
// Internals

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
  readonly target: Pid;
  /** Set when monitored by name. */
  readonly name: string | undefined;
  /** Internal monitors deliver to a callback instead of a mailbox. */
  readonly callback: DownSink | undefined;
}

/** @internal A pending selective receive; also the sink of its timeout. */
class Waiter implements TimerSink {
  readonly p: Proc;
  readonly match: ((msg: unknown) => unknown) | undefined;
  readonly resolve: (msg: unknown) => void;
  timer: TimerEntry | undefined = undefined;
  scanned: number;
  /** A `timeout: 0` receive that was sent through the scheduler: no match means TIMEOUT. */
  zero = false;

  constructor(
    p: Proc,
    match: ((msg: unknown) => unknown) | undefined,
    resolve: (msg: unknown) => void,
    scanned: number,
  ) {
    this.p = p;
    this.match = match;
    this.resolve = resolve;
    this.scanned = scanned;
  }

  fire(): void {
    const p = this.p;
    if (p.waiter !== this) return;
    this.timer = undefined;
    // A message may have arrived that the process has not been scheduled to look at yet
    // (e.g. a timer due at the same instant): it wins over the timeout.
    if (p.mailbox.length > this.scanned) {
      p.rt.tryReceive(p);
      if (p.waiter !== this) return;
    }
    p.waiter = undefined;
    p.hits = 0;
    this.resolve(TIMEOUT);
  }
}

const NEVER = (): boolean => false;

/** Async wake-ups per scheduler pass before the time slice is checked again. */
const WAKE_BATCH = 64;

const T_SEND = 0;
const T_START = 1;
const T_CALLBACK = 2;
const T_INTERVAL = 3;

/** @internal */
export interface TimerEntry extends HeapEntry {
  readonly ref: Ref;
  kind: number;
  readonly dest: Dest | undefined;
  readonly msg: unknown;
  readonly fn: TimerSink | undefined;
  /** The process whose death cancels this timer. */
  readonly owner: Proc | undefined;
  /** For a `sendInterval` timer: the period, after which it fires again. */
  period?: number;
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
  links: Set<Pid> | undefined = undefined;
  monitors: Map<Ref, Monitor> | undefined = undefined;
  watchers: Map<Ref, Monitor> | undefined = undefined;
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

let storage: AsyncLocalStorage<Proc> | undefined;

/** @internal The async-context store that makes `self()` work after `await`. */
export function als(): AsyncLocalStorage<Proc> {
  if (storage === undefined) storage = new AsyncLocalStorage<Proc>();
  return storage;
}

/** @internal The process whose code is running, if any (alive or not). */
export function currentProc(): Proc | undefined {
  return syncCurrent !== undefined ? syncCurrent : storage?.getStore();
}

/**
 * The process whose code the scheduler is running synchronously right now. Microtasks never
 * run during a synchronous step, so while this is set it is the current process; async
 * continuations find theirs through the async-context store instead.
 */
let syncCurrent: Proc | undefined;

let captured: ((value: unknown) => void) | undefined;
const captureResolve = (resolve: (value: unknown) => void): void => {
  captured = resolve;
};

/** Runs `fn` outside any process: runtime callbacks (exit hooks, abort listeners, loggers). */
function outsideProcesses(fn: () => void): void {
  const saved = syncCurrent;
  syncCurrent = undefined;
  try {
    if (storage === undefined) fn();
    else storage.exit(fn);
  } finally {
    syncCurrent = saved;
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

/** @internal Whether `v` is a {@link ViaName}. */
export function isViaName(v: unknown): v is ViaName {
  return (
    typeof v === "object" &&
    v !== null &&
    "via" in v &&
    "key" in v &&
    typeof (v as ViaName).via === "object" &&
    typeof (v as ViaName).via?.whereisName === "function"
  );
}

/** @internal The exit reason for a value thrown out of process code. */
export function reasonFromThrown(e: unknown): unknown {
  return exitReasonOf(e);
}

function checkTimeout(what: string, ms: unknown, allowInfinity: boolean): number {
  if (
    typeof ms !== "number" ||
    Number.isNaN(ms) ||
    ms < 0 ||
    (!allowInfinity && ms === Number.POSITIVE_INFINITY)
  ) {
    throw new BadArgumentError(
      `${what}: the time must be a number of milliseconds >= 0${allowInfinity ? " or Infinity" : ""}, got ${formatReason(ms)}`,
    );
  }
  return ms;
}

interface ExitSig {
  to: Pid;
  from: Pid;
  reason: unknown;
  link: boolean;
}

let runtimeCount = 0;

const EV_SPAWN = ["trellis", "process", "spawn"] as const;
const EV_EXIT = ["trellis", "process", "exit"] as const;

/**
 * An Erlang node in one object: processes, scheduler, timers, names, logger and links to
 * other nodes. Most code uses the module functions (`spawn`, `send`, `receive`…), which act
 * on the runtime of the calling process, or on the default runtime outside processes. Create
 * runtimes of your own with {@link createRuntime}: one per test, or several to simulate
 * nodes.
 *
 * @example
 * ```ts
 * import { createRuntime, receive, send, self } from "@trellis/core";
 * const rt = createRuntime({ clock: "virtual" });
 * const answer = await rt.run(async () => {
 *   send(self(), "hello");
 *   return receive();
 * });
 * answer; // "hello"
 * await rt.shutdown();
 * ```
 * @since 0.1.0
 * @category Runtime
 */
export class Runtime implements ClockHost {
  /** The node name. */
  readonly node: string;
  /** The node's creation number. */
  readonly creation: number;
  /** The clock. */
  readonly clock: Clock;
  /** Where reports go. */
  logger: Logger;
  /** This runtime's telemetry handlers; see `Telemetry`. */
  readonly telemetry: TelemetryHub = new TelemetryHub(this);
  /** @internal */
  readonly procs: Map<number, Proc> = new Map();
  /** @internal */
  readonly names: Map<string, Proc> = new Map();
  private nextPid = 1;
  private nextRefId = 1;
  private readonly budget: number;
  private readonly sliceMs: number;
  private readonly runQueue = new Queue<Proc>();
  private scheduled = false;
  private running: Proc | undefined = undefined;
  private wakes = 0;
  private passes = 0;
  private sliceStart = Number.NEGATIVE_INFINITY;
  private readonly heap = new TimerHeap<TimerEntry>();
  private readonly timerRefs = new Map<Ref, TimerEntry>();
  private timerSeq = 0;
  private readonly internalRef: Ref;
  private alarmAt = Number.POSITIVE_INFINITY;
  private sigs: ExitSig[] = [];
  private draining = false;
  private deferred: (() => void)[] = [];
  private readonly peers = new Map<string, Transport>();
  /** @internal Calls made from this runtime that have not ended yet. */
  callsInFlight = 0;
  /** @internal pending replies of calls to other nodes, by call reference */
  readonly replies: Map<Ref, (value: unknown) => void> = new Map();
  private closed = false;
  /** @internal */
  readonly index: number = runtimeCount++;

  /** Use {@link createRuntime}. */
  constructor(options: RuntimeOptions = {}) {
    checkRuntimeOptions(options);
    this.node = options.node ?? "nonode@nohost";
    if (typeof this.node !== "string" || !/^[^@\s]+@[^@\s]+$/.test(this.node)) {
      throw new BadArgumentError(
        `createRuntime: node must look like "name@host", got ${formatReason(options.node)}`,
      );
    }
    this.creation = options.creation ?? 1;
    this.internalRef = new Ref(this.node, 0, this.creation);
    const clock = options.clock ?? "real";
    this.clock =
      clock === "real" ? new RealClock() : clock === "virtual" ? new VirtualClock() : clock;
    this.logger = options.logger ?? consoleLogger();
    this.budget = options.budget ?? 200;
    this.sliceMs = options.sliceMs ?? 2;
    if (!(this.budget >= 1))
      throw new BadArgumentError(`createRuntime: budget must be >= 1, got ${this.budget}`);
    if (!(this.sliceMs > 0))
      throw new BadArgumentError(`createRuntime: sliceMs must be > 0, got ${this.sliceMs}`);
    // Errors escaping process code crash their process (see uncaught.ts).
    installUncaughtListeners(currentProc);
  }

  // -------------------------------------------------------------------------------------
  // Identity

  /**
   * A new unique reference on this node.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const ref = createRuntime().makeRef();
   * ```
   */
  makeRef(): Ref {
    return new Ref(this.node, this.nextRefId++, this.creation);
  }

  /**
   * The current time of this runtime's clock, in ms (monotonic).
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * createRuntime({ clock: "virtual" }).now(); // 0
   * ```
   */
  now(): number {
    return this.clock.now();
  }

  // -------------------------------------------------------------------------------------
  // Processes

  /**
   * Starts a process running `fn`, from outside any process (inside process code, use the
   * module function `spawn`). The process exits `"normal"` when `fn` returns (or its promise
   * resolves), and crashes with the error when it throws (or rejects).
   *
   * @example
   * ```ts
   * import { createRuntime, receive } from "@trellis/core";
   * const rt = createRuntime();
   * const pid = rt.spawn(async () => {
   *   const msg = await receive();
   *   console.log("got", msg);
   * });
   * rt.send(pid, "hi");
   * ```
   * @throws {BadArgumentError} if `fn` is not a function
   */
  spawn(fn: (self: Pid) => unknown): Pid {
    return this.spawnProc(fn, undefined, false).pid;
  }

  /**
   * Runs `fn` inside a fresh process and resolves with what it returns, so that `self()`,
   * `receive()` and calls work in it. Rejects with the error if the process crashes, or with
   * an {@link ExitError} carrying the reason if it is killed.
   *
   * @example
   * ```ts
   * import { createRuntime, self } from "@trellis/core";
   * const rt = createRuntime();
   * const me = await rt.run(() => self());
   * ```
   */
  run<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    if (typeof fn !== "function") {
      return Promise.reject(
        new BadArgumentError(
          `run: expected a function to run in a process, got ${formatReason(fn)}`,
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const p = this.spawnProc(() => fn(), undefined, false);
      p.settle = (ok, value) => (ok ? resolve(value as T) : reject(value));
    });
  }

  /** @internal */
  spawnProc(fn: unknown, parent: Proc | undefined, link: boolean): Proc {
    if (typeof fn !== "function") {
      throw new BadArgumentError(
        `spawn: expected a function to run in the new process, got ${formatReason(fn)}`,
      );
    }
    if (this.closed) throw new BadArgumentError("spawn: this runtime has been shut down");
    const id = this.nextPid++;
    const pid = new Pid(this.node, id, 0, this.creation);
    const p = new Proc(this, pid);
    setProc(pid, p);
    p.start = fn as (self: Pid) => unknown;
    this.procs.set(id, p);
    if (link && parent !== undefined) {
      p.links = new Set([parent.pid]);
      (parent.links ??= new Set()).add(pid);
    }
    this.enqueue(p);
    if (this.telemetry.enabled) this.emitSpawn(p, parent);
    return p;
  }

  private emitSpawn(p: Proc, parent: Proc | undefined): void {
    if (!this.telemetry.listening(EV_SPAWN)) return;
    this.telemetry.execute(
      EV_SPAWN,
      { monotonicTime: this.clock.now() },
      { pid: p.pid, spawner: parent?.pid },
    );
  }

  private emitExit(p: Proc, reason: unknown): void {
    if (!this.telemetry.listening(EV_EXIT)) return;
    const meta = { pid: p.pid, reason, name: p.name, behaviour: p.behaviour };
    this.deferred.push(() =>
      this.telemetry.execute(
        EV_EXIT,
        { monotonicTime: this.clock.now(), reductions: p.reductions },
        meta,
      ),
    );
  }

  /** @internal The live local process behind a pid, or undefined. */
  lookup(pid: Pid): Proc | undefined {
    const p = procOf(pid) as Proc | undefined;
    return p?.alive && p.rt === this ? p : undefined;
  }

  /**
   * Whether `pid` names a live process of this runtime.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const rt = createRuntime();
   * rt.isAlive(rt.spawn(async () => {})); // true until it has run
   * ```
   */
  isAlive(pid: Pid): boolean {
    if (!(pid instanceof Pid))
      throw new BadArgumentError(`isAlive: expected a pid, got ${formatReason(pid)}`);
    return this.lookup(pid) !== undefined;
  }

  /**
   * Every live process of this runtime, oldest first.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * createRuntime().processes(); // []
   * ```
   */
  processes(): Pid[] {
    const out: Pid[] = [];
    for (const p of this.procs.values()) out.push(p.pid);
    return out;
  }

  /**
   * What the runtime knows about a live process, or `undefined` if it is dead.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const rt = createRuntime();
   * const pid = rt.spawn(async () => {});
   * rt.processInfo(pid)?.messageQueueLength; // 0
   * ```
   */
  processInfo(pid: Pid): ProcessInfo | undefined {
    if (!(pid instanceof Pid))
      throw new BadArgumentError(`processInfo: expected a pid, got ${formatReason(pid)}`);
    const p = this.lookup(pid);
    if (p === undefined) return undefined;
    const monitors: { ref: Ref; pid: Pid | string }[] = [];
    for (const m of p.monitors?.values() ?? [])
      if (m.callback === undefined) monitors.push({ ref: m.ref, pid: m.name ?? m.target });
    const monitoredBy: Pid[] = [];
    for (const m of p.watchers?.values() ?? [])
      if (m.watcherPid !== undefined) monitoredBy.push(m.watcherPid);
    const links = [...(p.links ?? [])];
    return {
      pid,
      status:
        this.running === p || currentProc() === p
          ? "running"
          : p.queued
            ? "runnable"
            : p.busy && p.waiter === undefined
              ? "busy"
              : "waiting",
      messageQueueLength: p.mailbox.length,
      links,
      monitors,
      monitoredBy,
      registeredName: p.name,
      behaviour: p.behaviour,
      reductions: p.reductions,
      memory:
        400 +
        p.mailbox.length * 24 +
        links.length * 32 +
        (monitors.length + monitoredBy.length) * 96,
      trapExit: p.trap,
      parent: p.parent,
      dictionary: p.data === undefined ? {} : Object.fromEntries(p.data),
    };
  }

  /**
   * The first `limit` messages waiting in a live process's mailbox, oldest first, without
   * taking them (Erlang's `process_info(Pid, messages)`, bounded); `undefined` if the process
   * is dead. For introspection tools such as the observer.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const rt = createRuntime();
   * const pid = rt.spawn(() => new Promise(() => {}));
   * rt.send(pid, "hello");
   * rt.processMessages(pid, 10); // ["hello"]
   * ```
   */
  processMessages(pid: Pid, limit: number = 100): unknown[] | undefined {
    const p = this.lookup(pid);
    if (p === undefined) return undefined;
    const n = Math.min(p.mailbox.length, Math.max(0, Math.floor(limit)));
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(p.mailbox.at(i));
    return out;
  }

  // -------------------------------------------------------------------------------------
  // Scheduler

  /** @internal */
  enqueue(p: Proc): void {
    p.queued = true;
    this.runQueue.push(p);
    if (!this.scheduled) {
      this.scheduled = true;
      // The time slice is checked by the pass itself (runLoop), not on every wake-up.
      queueMicrotask(this.runMicro);
    }
  }

  private readonly runMicro = (): void => this.runLoop();
  private readonly runMacro = (): void => {
    this.sliceStart = performance.now();
    this.passes = 0;
    this.runLoop();
  };

  /** @internal Whether nothing is queued to run (used by virtual clocks). */
  isIdle(): boolean {
    return !this.scheduled && this.runQueue.length === 0;
  }

  private runLoop(): void {
    const q = this.runQueue;
    // Each wake-up of async process code (a resolved receive, a started body) schedules a
    // continuation that runs as a microtask after this loop. Their cost is not visible here,
    // so a pass ends after a batch of them; the time slice is checked again before the next
    // pass, which keeps the event loop (timers, I/O) responsive under any load.
    // The clock is read on every 8th pass (and every 16 processes within a pass): a pass
    // is short, and reading the clock on each was a visible cost of call round trips.
    if ((++this.passes & 7) === 0 && performance.now() - this.sliceStart >= this.sliceMs) {
      setImmediate(this.runMacro);
      return;
    }
    this.wakes = 0;
    let n = 0;
    let slice = false;
    while (q.length > 0) {
      const p = q.shift() as Proc;
      p.queued = false;
      if (p.alive) {
        this.running = p;
        try {
          this.step(p);
        } catch (e) {
          // Whatever user code or user values threw past the step, the loop goes on.
          syncCurrent = undefined;
          this.stepFailed(p, e);
        }
        this.running = undefined;
      }
      if (this.wakes >= WAKE_BATCH) break;
      if ((++n & 15) === 0 && performance.now() - this.sliceStart >= this.sliceMs) {
        slice = true;
        break;
      }
    }
    if (q.length > 0) {
      if (slice) setImmediate(this.runMacro);
      else queueMicrotask(this.runMicro);
    } else {
      this.scheduled = false;
      this.clock.idle(this);
    }
  }

  /** A step threw past its own guards: the process crashes, the runtime stays consistent. */
  private stepFailed(p: Proc, e: unknown): void {
    try {
      this.crash(p, e);
    } catch {
      if (p.alive) this.exitProc(p, "killed");
    }
  }

  private step(p: Proc): void {
    const start = p.start;
    if (start !== undefined) {
      p.start = undefined;
      this.runBody(p, start);
      if (!p.alive) return;
    }
    if (p.waiter !== undefined) {
      this.tryReceive(p);
      return;
    }
    const h = p.handler;
    if (h === undefined || p.busy || p.mailbox.length === 0) return;
    // One async-context entry per batch of messages, not one per message.
    syncCurrent = p;
    try {
      const ctx = p.ctx;
      if (ctx !== undefined) ctx.runInAsyncScope(this.handleBatch, undefined, p, h);
      else als().run(p, this.firstBatch, p, h);
    } finally {
      syncCurrent = undefined;
    }
  }

  /** A process's first batch: captures its async context for the next ones (Proc.ctx). */
  private readonly firstBatch = (p: Proc, h: (msg: unknown) => unknown): void => {
    p.ctx = new AsyncResource("trellis.process");
    this.handleBatch(p, h);
  };

  private readonly handleBatch = (p: Proc, h: (msg: unknown) => unknown): void => {
    const box = p.mailbox;
    let budget = this.budget;
    while (budget-- > 0 && box.length > 0) {
      const msg = box.shift();
      p.reductions++;
      let r: unknown;
      try {
        r = h(msg);
      } catch (e) {
        this.crash(p, e);
        return;
      }
      if (!p.alive) return;
      if (r !== undefined && isThenable(r)) {
        p.busy = true;
        r.then(
          () => this.handlerDone(p),
          (e: unknown) => this.crash(p, e),
        );
        return;
      }
      if (p.waiter !== undefined || p.handler !== h) break;
    }
    if (!p.queued && (box.length > 0 || p.waiter !== undefined)) this.enqueue(p);
  };

  private handlerDone(p: Proc): void {
    p.busy = false;
    if (p.alive && !p.queued && (p.mailbox.length > 0 || p.waiter !== undefined)) this.enqueue(p);
  }

  private runBody(p: Proc, fn: (self: Pid) => unknown): void {
    this.wakes++;
    let r: unknown;
    syncCurrent = p;
    try {
      r = als().run(p, fn, p.pid);
    } catch (e) {
      syncCurrent = undefined;
      this.crash(p, e);
      return;
    }
    syncCurrent = undefined;
    if (isThenable(r)) {
      p.busy = true;
      r.then(
        (v) => this.bodyDone(p, v),
        (e: unknown) => this.crash(p, e),
      );
    } else {
      this.bodyDone(p, r);
    }
  }

  private bodyDone(p: Proc, value: unknown): void {
    if (!p.alive) return;
    p.busy = false;
    if (p.handler !== undefined) {
      // The body installed a message handler: the process lives on as a special process.
      if (!p.queued && p.mailbox.length > 0) this.enqueue(p);
      return;
    }
    const settle = p.settle;
    p.settle = undefined;
    this.exitProc(p, "normal");
    settle?.(true, value);
  }

  /** @internal A throw or rejection in process code. */
  crash(p: Proc, e: unknown): void {
    if (!p.alive) return; // a leftover continuation of a dead process
    const reason = reasonFromThrown(e);
    // OTP: a plain process's exit(Reason) is not a crash; errors and throws are.
    if (!isQuietReason(reason) && (p.reportsExits || !isInstanceOf(e, ExitError))) {
      this.report({
        kind: "crash",
        message: `process ${p.pid}${p.name === undefined ? "" : ` (${p.name})`} exited: ${formatReason(reason)}`,
        pid: p.pid,
        ...(p.name === undefined ? {} : { name: p.name }),
        reason,
        // a behaviour writes its own report; this one is then a supervisor-style (SASL) one
        ...(p.behaviour === undefined
          ? {}
          : { behaviour: p.behaviour, domain: ["otp", "sasl"] as const }),
      });
    }
    const settle = p.settle;
    p.settle = undefined;
    this.exitProc(p, reason);
    settle?.(false, e);
  }

  /** @internal Sends a report to the logger after the current signal processing. */
  report(r: LogReport): void {
    this.deferred.push(() => {
      try {
        this.logger.log(r);
      } catch (e) {
        // a logger must not take the runtime down, nor lose the report silently
        fallbackLog(r, e);
      }
    });
    if (!this.draining) this.flushDeferred();
  }

  // -------------------------------------------------------------------------------------
  // Messages

  /** @internal Appends to a live local process's mailbox and wakes it if it can take it. */
  deliver(p: Proc, msg: unknown): void {
    p.mailbox.push(msg);
    if (!p.queued && (p.waiter !== undefined || (p.handler !== undefined && !p.busy)))
      this.enqueue(p);
  }

  /**
   * Sends `msg` to a pid (silently dropped if the process is dead) or to a name (a
   * `BadArgumentError` if nobody holds it). Returns `msg`.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const rt = createRuntime();
   * rt.send(rt.spawn(async () => {}), "hello");
   * ```
   * @throws {BadArgumentError} for an unknown name or a destination that is not a pid or name
   */
  send<M>(dest: Dest, msg: M): M {
    if (dest instanceof Pid) {
      this.sendPid(dest, msg);
    } else if (typeof dest === "string") {
      const p = this.names.get(dest);
      if (p === undefined) {
        throw new BadArgumentError(`send: no process is registered as "${dest}" (Erlang: badarg)`);
      }
      this.deliver(p, msg);
    } else if (isViaName(dest)) {
      dest.via.send(dest.key, msg);
    } else {
      throw new BadArgumentError(
        `send: the destination must be a pid, a registered name or a via name, got ${formatReason(dest)}`,
      );
    }
    return msg;
  }

  /** @internal */
  sendPid(pid: Pid, msg: unknown): void {
    const p = procOf(pid) as Proc | undefined;
    if (p !== undefined && p.rt === this) {
      if (p.alive) this.deliver(p, msg);
    } else if (pid.node !== this.node) {
      this.route({ type: "message", to: pid, message: msg });
    }
  }

  /** @internal Resolves a destination to a local pid, or undefined. */
  resolve(dest: Dest): Pid | undefined {
    if (dest instanceof Pid) return dest;
    if (typeof dest === "string") return this.names.get(dest)?.pid;
    if (isViaName(dest)) return dest.via.whereisName(dest.key);
    throw new BadArgumentError(
      `expected a pid, a registered name or a via name, got ${formatReason(dest)}`,
    );
  }

  /** @internal Selective receive for process `p`. */
  receive(
    p: Proc,
    match: ((msg: unknown) => unknown) | undefined,
    timeout: number,
  ): Promise<unknown> {
    if (p.waiter !== undefined) {
      throw new BadArgumentError(
        "receive: this process is already waiting in receive (await the first one; a process receives one message at a time, so Promise.all over receive-based waits cannot work: wait for several tasks with Task.awaitMany)",
      );
    }
    const box = p.mailbox;
    const n = box.length;
    // Fairness (the BEAM counts reductions): a receive that can resolve at once does so only
    // `budget` times in a row; the next one goes through the run queue, whose time slice
    // lets timers, I/O and other processes run. A loop draining a full mailbox, or receiving
    // what it sends itself, or polling with `timeout: 0`, cannot hold the event loop.
    const yielding = p.hits >= this.budget;
    if (!yielding) {
      for (let i = 0; i < n; i++) {
        const msg = box.at(i);
        if (match === undefined || match(msg)) {
          box.removeAt(i);
          p.reductions++;
          p.hits++;
          return Promise.resolve(msg);
        }
      }
      if (timeout === 0) {
        p.hits++;
        return Promise.resolve(TIMEOUT);
      }
    }
    // A shared executor: no closure is allocated per receive just to capture `resolve`.
    const promise = new Promise<unknown>(captureResolve);
    const resolve = captured as (value: unknown) => void;
    captured = undefined;
    const w = new Waiter(p, match, resolve, yielding ? 0 : n);
    if (yielding) {
      w.zero = timeout === 0;
      if (!p.queued) this.enqueue(p);
    }
    if (timeout !== Number.POSITIVE_INFINITY && timeout !== 0) {
      w.timer = this.addTimer(T_CALLBACK, this.clock.now() + timeout, undefined, undefined, p, w);
    }
    p.waiter = w;
    return promise;
  }

  /** @internal Resolves when the scheduler next runs `p` (Erlang's `erlang:yield/0`). */
  yieldProc(p: Proc): Promise<unknown> {
    if (p.waiter !== undefined) {
      throw new BadArgumentError("yieldProcess: this process is waiting in receive");
    }
    const promise = new Promise<unknown>(captureResolve);
    const resolve = captured as (value: unknown) => void;
    captured = undefined;
    // Matches nothing and has seen the whole mailbox: the next scan resolves it with TIMEOUT.
    const w = new Waiter(p, NEVER, resolve, p.mailbox.length);
    w.zero = true;
    p.waiter = w;
    if (!p.queued) this.enqueue(p);
    return promise;
  }

  /** @internal */
  tryReceive(p: Proc): void {
    const w = p.waiter as Waiter;
    const box = p.mailbox;
    const n = box.length;
    const match = w.match;
    for (let i = w.scanned; i < n; i++) {
      const msg = box.at(i);
      let ok: unknown;
      try {
        ok = match === undefined || match(msg);
      } catch (e) {
        p.waiter = undefined;
        this.crash(p, e);
        return;
      }
      if (ok) {
        box.removeAt(i);
        p.waiter = undefined;
        p.reductions++;
        p.hits = 0;
        if (w.timer !== undefined) this.cancelEntry(w.timer);
        this.wakes++;
        w.resolve(msg);
        return;
      }
    }
    w.scanned = n;
    if (w.zero) {
      p.waiter = undefined;
      p.hits = 0;
      this.wakes++;
      w.resolve(TIMEOUT);
    }
  }

  // -------------------------------------------------------------------------------------
  // Exits and links

  /** @internal Process death: the one place where a process stops existing. */
  exitProc(p: Proc, reason: unknown): void {
    if (!p.alive) return;
    p.alive = false;
    p.reason = reason;
    if (this.telemetry.enabled) this.emitExit(p, reason);
    this.procs.delete(p.pid.id);
    if (p.name !== undefined) {
      this.names.delete(p.name);
      p.name = undefined;
    }
    const w = p.waiter;
    p.waiter = undefined;
    if (w?.timer !== undefined) this.cancelEntry(w.timer);
    p.mailbox.clear();
    p.handler = undefined;
    p.start = undefined;
    if (p.timers !== undefined) {
      for (const t of p.timers) {
        this.heap.remove(t);
        this.timerRefs.delete(t.ref);
      }
      p.timers = undefined;
    }
    if (p.exitHooks !== undefined) {
      const hooks = p.exitHooks;
      p.exitHooks = undefined;
      for (const hook of hooks) {
        try {
          outsideProcesses(() => hook(reason));
        } catch (e) {
          this.report({
            kind: "error",
            message: `an exit hook of ${p.pid} threw: ${formatReason(e)}`,
            reason: e,
          });
        }
      }
    }
    if (p.monitors !== undefined) {
      for (const m of p.monitors.values()) {
        this.unwatch(m);
        m.callback?.ownerExited?.();
      }
      p.monitors = undefined;
    }
    if (p.links !== undefined) {
      for (const other of p.links) this.sigs.push({ to: other, from: p.pid, reason, link: true });
      p.links = undefined;
    }
    if (p.watchers !== undefined) {
      const ws = p.watchers;
      p.watchers = undefined;
      for (const m of ws.values()) this.fireDown(m, reason);
    }
    if (p.abortCtl !== undefined) {
      const ctl = p.abortCtl;
      // On behalf of the dead process: a listener that throws is reported, not fatal.
      this.deferred.push(() => onBehalfOf(p, () => ctl.abort(new ExitError(reason))));
    }
    if (p.settle !== undefined) {
      const settle = p.settle;
      p.settle = undefined;
      this.deferred.push(() => settle(false, new ExitError(reason)));
    }
    setProc(p.pid, undefined);
    this.drain();
  }

  /** @internal Queues an exit signal and processes all pending signals. */
  exitSignal(to: Pid, from: Pid, reason: unknown, link: boolean): void {
    this.sigs.push({ to, from, reason, link });
    this.drain();
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let i = 0; i < this.sigs.length; i++) {
        const s = this.sigs[i] as ExitSig;
        try {
          this.applyExitSignal(s.to, s.from, s.reason, s.link);
        } catch (e) {
          // one signal failing (a transport that throws…) must not drop the others
          this.report({
            kind: "error",
            message: `exit signal to ${s.to} failed: ${formatReason(e)}`,
            reason: e,
          });
        }
      }
    } finally {
      this.sigs = [];
      this.draining = false;
    }
    this.flushDeferred();
  }

  private flushDeferred(): void {
    while (this.deferred.length > 0) {
      const d = this.deferred;
      this.deferred = [];
      outsideProcesses(() => {
        for (const f of d) {
          try {
            f();
          } catch (e) {
            // a settle or abort that throws must not drop the rest of the batch
            reportFailure(this, e);
          }
        }
      });
    }
  }

  private applyExitSignal(to: Pid, from: Pid, reason: unknown, link: boolean): void {
    const t = procOf(to) as Proc | undefined;
    if (t === undefined || t.rt !== this) {
      if (to.node !== this.node) this.route({ type: "exit", from, to, reason, link });
      return;
    }
    if (!t.alive) return;
    if (link && (t.links === undefined || !t.links.delete(from))) return; // unlinked meanwhile
    if (!link && reason === "kill") {
      this.exitProc(t, "killed");
    } else if (t.trap) {
      this.deliver(t, new ExitMessage(from, reason));
    } else if (reason === "normal") {
      if (!link && from === to) this.exitProc(t, "normal");
    } else {
      this.exitProc(t, reason);
    }
  }

  /**
   * Sends an exit signal to `pid` from outside any process (Erlang's `exit/2`): `"kill"`
   * kills it (`"killed"`), `"normal"` is ignored unless it traps exits, any other reason kills
   * it unless it traps exits, in which case it gets an {@link ExitMessage} whose `from` is
   * the target itself (there is no sending process). Inside process code, use the module
   * function `exit(pid, reason)`.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const rt = createRuntime();
   * const pid = rt.spawn(() => new Promise(() => {}));
   * rt.exit(pid, "kill");
   * ```
   */
  exit(pid: Pid, reason: unknown): void {
    if (!(pid instanceof Pid))
      throw new BadArgumentError(`exit: expected a pid, got ${formatReason(pid)}`);
    // The signal has no sender process, so it carries the target's own pid as `from`; a
    // "normal" signal must not then count as the target's exit(self(), "normal").
    if (reason === "normal" && this.lookup(pid)?.trap !== true) return;
    this.exitSignal(pid, pid, reason, false);
  }

  /** @internal */
  link(p: Proc, target: Pid): void {
    if (target === p.pid) return;
    const t = procOf(target) as Proc | undefined;
    if (t !== undefined && t.rt === this) {
      if (!t.alive) {
        this.exitSignal(p.pid, target, "noproc", false);
        return;
      }
      (p.links ??= new Set()).add(target);
      (t.links ??= new Set()).add(p.pid);
    } else if (target.node !== this.node) {
      (p.links ??= new Set()).add(target);
      if (!this.route({ type: "link", from: p.pid, to: target })) {
        p.links.delete(target);
        this.exitSignal(p.pid, target, "noconnection", false);
      }
    } else {
      this.exitSignal(p.pid, target, "noproc", false);
    }
  }

  /** @internal */
  unlink(p: Proc, target: Pid): void {
    if (p.links === undefined || !p.links.delete(target)) return;
    const t = procOf(target) as Proc | undefined;
    if (t !== undefined && t.rt === this) t.links?.delete(p.pid);
    else if (target.node !== this.node) this.route({ type: "unlink", from: p.pid, to: target });
  }

  // -------------------------------------------------------------------------------------
  // Monitors

  /** @internal Monitors `target` for process `p` (or with a callback sink, under a given ref). */
  monitor(p: Proc | undefined, target: Pid | string, callback?: DownSink, useRef?: Ref): Ref {
    const ref = useRef ?? this.makeRef();
    let pid: Pid;
    let name: string | undefined;
    if (typeof target === "string") {
      const holder = this.names.get(target);
      name = target;
      if (holder === undefined) {
        this.downNow(p, ref, { name: target, node: this.node }, "noproc", callback);
        return ref;
      }
      pid = holder.pid;
    } else if (target instanceof Pid) {
      pid = target;
    } else {
      throw new BadArgumentError(
        `monitor: expected a pid or a registered name, got ${formatReason(target)}`,
      );
    }
    const m: Monitor = { ref, watcher: p, watcherPid: p?.pid, target: pid, name, callback };
    const t = procOf(pid) as Proc | undefined;
    if (t !== undefined && t.rt === this) {
      if (!t.alive) {
        this.downNow(
          p,
          ref,
          name === undefined ? pid : { name, node: this.node },
          "noproc",
          callback,
        );
        return ref;
      }
      (t.watchers ??= new Map()).set(ref, m);
    } else if (pid.node !== this.node && p !== undefined) {
      // Registered before routing: a transport may answer at once (a DOWN for a dead pid).
      (p.monitors ??= new Map()).set(ref, m);
      if (!this.route({ type: "monitor", from: p.pid, to: pid, ref })) {
        p.monitors.delete(ref);
        this.downNow(p, ref, pid, "noconnection", callback);
      }
      return ref;
    } else {
      this.downNow(p, ref, pid, "noproc", callback);
      return ref;
    }
    if (p !== undefined) (p.monitors ??= new Map()).set(ref, m);
    return ref;
  }

  private downNow(
    p: Proc | undefined,
    ref: Ref,
    object: Pid | { name: string; node: string },
    reason: unknown,
    callback: DownSink | undefined,
  ): void {
    if (callback !== undefined) callback.down(reason);
    else if (p !== undefined) this.deliver(p, new DownMessage(ref, object, reason));
  }

  /** @internal */
  demonitor(p: Proc | undefined, ref: Ref, flush: boolean): boolean {
    const m = p === undefined ? undefined : p.monitors?.get(ref);
    let active = false;
    if (m !== undefined && p !== undefined) {
      p.monitors?.delete(ref);
      this.unwatch(m);
      active = true;
    }
    if (
      flush &&
      p !== undefined &&
      p.mailbox.removeWhere((msg) => msg instanceof DownMessage && msg.ref === ref) > 0 &&
      p.waiter !== undefined
    ) {
      // A pending receive remembers how far it has scanned; the mailbox just shrank.
      p.waiter.scanned = 0;
    }
    return active;
  }

  /** @internal Removes a callback monitor that has no owner process. */
  demonitorCallback(target: Pid, ref: Ref): void {
    const t = procOf(target) as Proc | undefined;
    if (t !== undefined && t.rt === this) t.watchers?.delete(ref);
  }

  private unwatch(m: Monitor): void {
    const t = procOf(m.target) as Proc | undefined;
    if (t !== undefined && t.rt === this) t.watchers?.delete(m.ref);
    else if (m.target.node !== this.node && m.watcherPid !== undefined) {
      this.route({ type: "demonitor", from: m.watcherPid, to: m.target, ref: m.ref });
    }
  }

  private fireDown(m: Monitor, reason: unknown): void {
    const object = m.name === undefined ? m.target : { name: m.name, node: m.target.node };
    if (m.callback !== undefined) {
      m.watcher?.monitors?.delete(m.ref);
      m.callback.down(reason);
    } else if (m.watcher !== undefined) {
      if (m.watcher.alive && m.watcher.monitors?.delete(m.ref)) {
        this.deliver(m.watcher, new DownMessage(m.ref, object, reason));
      }
    } else if (m.watcherPid !== undefined) {
      this.route({ type: "down", from: m.target, to: m.watcherPid, ref: m.ref, reason });
    }
  }

  // -------------------------------------------------------------------------------------
  // Timers

  /** @internal */
  addTimer(
    kind: number,
    due: number,
    dest: Dest | undefined,
    msg: unknown,
    owner: Proc | undefined,
    fn?: TimerSink,
  ): TimerEntry {
    // Internal (callback) timers are never looked up by reference: they share one.
    const internal = kind === T_CALLBACK;
    const t: TimerEntry = {
      due,
      seq: this.timerSeq++,
      index: -1,
      ref: internal ? this.internalRef : this.makeRef(),
      kind,
      dest,
      msg,
      fn,
      owner,
    };
    this.heap.push(t);
    if (!internal) this.timerRefs.set(t.ref, t);
    if (owner !== undefined) (owner.timers ??= new Set()).add(t);
    if (due < this.alarmAt) {
      this.alarmAt = due;
      this.clock.setAlarm(this, due, this.onAlarm);
    }
    return t;
  }

  /** @internal */
  cancelEntry(t: TimerEntry): void {
    this.heap.remove(t);
    if (t.kind !== T_CALLBACK) this.timerRefs.delete(t.ref);
    t.owner?.timers?.delete(t);
    if (t.due === this.alarmAt) {
      if (this.clock.kind === "virtual") this.rearm();
      // the last timer is gone: its stale host timer must not keep Node alive until it fires
      else if (this.heap.size === 0 && this.clock instanceof RealClock) this.clock.release(this);
    }
  }

  /**
   * The armed alarm of a virtual clock belonged to a cancelled timer: move it to the next
   * timer (or disarm it), or virtual time would jump to the cancelled due time. A real clock
   * keeps the stale alarm: waking up once for nothing is cheaper than re-arming a host timer
   * on every cancel (every call or receive answered before its timeout).
   */
  private rearm(): void {
    const next = this.heap.peek();
    if (next === undefined) {
      this.alarmAt = Number.POSITIVE_INFINITY;
      this.clock.clearAlarm(this);
    } else if (next.due > this.alarmAt) {
      this.alarmAt = next.due;
      this.clock.setAlarm(this, next.due, this.onAlarm);
    }
  }

  private readonly onAlarm = (): void => {
    this.alarmAt = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    // On a real clock, a burst of due timers (10k call timeouts at once) is fired in time
    // slices: the rest go to the next turn of the event loop, which runs I/O, other timers
    // and the processes woken so far in between (ADR 0004). A virtual clock fires them all.
    const sliced = this.clock.kind !== "virtual";
    const started = sliced ? performance.now() : 0;
    let fired = 0;
    for (;;) {
      const t = this.heap.peek();
      if (t === undefined || t.due > now) break;
      if (sliced && (++fired & 63) === 0 && performance.now() - started >= this.sliceMs) break;
      this.cancelEntry(t);
      this.fireTimer(t);
    }
    const next = this.heap.peek();
    if (next !== undefined && next.due < this.alarmAt) {
      this.alarmAt = next.due;
      this.clock.setAlarm(this, next.due, this.onAlarm);
    }
  };

  private fireTimer(t: TimerEntry): void {
    if (t.kind === T_CALLBACK) {
      (t.fn as TimerSink).fire();
      return;
    }
    if (t.kind === T_INTERVAL) this.rearmInterval(t);
    const msg = t.kind === T_START ? new TimeoutMessage(t.ref, t.msg) : t.msg;
    const dest = t.dest as Dest;
    if (dest instanceof Pid) {
      this.sendPid(dest, msg);
    } else if (typeof dest === "string") {
      const p = this.names.get(dest);
      if (p !== undefined) this.deliver(p, msg);
    } else {
      try {
        this.send(dest, msg);
      } catch {
        // a timer aimed at a name nobody holds is dropped, as in Erlang
      }
    }
  }

  /** @internal sendAfter/startTimer. */
  timer(start: boolean, dest: Dest, msg: unknown, ms: number, abs: boolean, what: string): Ref {
    if (!(dest instanceof Pid) && typeof dest !== "string" && !isViaName(dest)) {
      throw new BadArgumentError(
        `${what}: the destination must be a pid or a name, got ${formatReason(dest)}`,
      );
    }
    if (abs) {
      if (typeof ms !== "number" || !Number.isFinite(ms)) {
        throw new BadArgumentError(
          `${what}: an absolute time must be a finite number, got ${formatReason(ms)}`,
        );
      }
    } else checkTimeout(what, ms, false);
    const due = abs ? ms : this.clock.now() + ms;
    let owner: Proc | undefined;
    if (dest instanceof Pid) {
      owner = procOf(dest) as Proc | undefined;
      if (owner === undefined || owner.rt !== this) {
        owner = undefined;
        if (dest.node === this.node) return this.makeRef(); // dead local pid: cancelled at once
      }
    }
    return this.addTimer(start ? T_START : T_SEND, due, dest, msg, owner).ref;
  }

  /** @internal sendInterval: a message timer that fires every `ms`, under one reference. */
  interval(dest: Dest, msg: unknown, ms: number): Ref {
    if (typeof ms !== "number" || !Number.isFinite(ms) || !(ms >= 1)) {
      throw new BadArgumentError(
        `sendInterval: the period must be a finite number of milliseconds >= 1, got ${formatReason(ms)}`,
      );
    }
    const ref = this.timer(false, dest, msg, ms, false, "sendInterval");
    const t = this.timerRefs.get(ref);
    if (t === undefined) return ref; // aimed at a dead pid: cancelled at once
    // Re-kind it: same entry, same reference, fired again every period.
    t.kind = T_INTERVAL;
    t.period = ms;
    return ref;
  }

  /** Puts an interval timer that is firing back, `period` after its last due time. */
  private rearmInterval(t: TimerEntry): void {
    if (t.owner !== undefined && !t.owner.alive) return;
    t.due += t.period as number;
    t.seq = this.timerSeq++;
    this.heap.push(t);
    this.timerRefs.set(t.ref, t);
    if (t.owner !== undefined) (t.owner.timers ??= new Set()).add(t);
    if (t.due < this.alarmAt) {
      this.alarmAt = t.due;
      this.clock.setAlarm(this, t.due, this.onAlarm);
    }
  }

  /** @internal A callback timer (for behaviours), cancelled if `owner` dies. */
  callbackTimer(ms: number, owner: Proc | undefined, fn: TimerSink): TimerEntry {
    return this.addTimer(T_CALLBACK, this.clock.now() + ms, undefined, undefined, owner, fn);
  }

  /** @internal */
  readTimer(ref: Ref): number | false {
    const t = this.timerRefs.get(ref);
    if (t === undefined || t.kind === T_CALLBACK) return false;
    return Math.max(0, Math.ceil(t.due - this.clock.now()));
  }

  /** @internal */
  cancelTimer(ref: Ref): number | false {
    const t = this.timerRefs.get(ref);
    if (t === undefined || t.kind === T_CALLBACK) return false;
    const left = Math.max(0, Math.ceil(t.due - this.clock.now()));
    this.cancelEntry(t);
    return left;
  }

  /** @internal cancelTimer with `async: true`. */
  cancelTimerAsync(p: Proc, ref: Ref): void {
    const left = this.cancelTimer(ref);
    this.deliver(p, new CancelTimerMessage(ref, left));
  }

  /**
   * How many runtime timers are pending (message timers, and internal receive and call
   * timeouts). The leak check of `@trellis/core/testing` uses it.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * createRuntime().pendingTimers(); // 0
   * ```
   */
  pendingTimers(): number {
    return this.heap.size;
  }

  /**
   * How many calls made from this runtime are still waiting for a reply. The leak check of
   * `@trellis/core/testing` uses it.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * createRuntime().pendingCalls(); // 0
   * ```
   */
  pendingCalls(): number {
    return this.callsInFlight;
  }

  // -------------------------------------------------------------------------------------
  // Names

  /** @internal */
  register(name: string, pid: Pid): void {
    if (typeof name !== "string" || name.length === 0 || name === "undefined") {
      throw new BadArgumentError(
        `register: a name must be a non-empty string other than "undefined", got ${formatReason(name)}`,
      );
    }
    if (!(pid instanceof Pid))
      throw new BadArgumentError(`register: expected a pid, got ${formatReason(pid)}`);
    const p = this.lookup(pid);
    if (p === undefined)
      throw new BadArgumentError(`register: ${pid} is not a live process of this node`);
    const holder = this.names.get(name);
    if (holder !== undefined) {
      throw new BadArgumentError(
        `register: the name "${name}" is already registered to ${holder.pid}`,
      );
    }
    if (p.name !== undefined)
      throw new BadArgumentError(`register: ${pid} is already registered as "${p.name}"`);
    this.names.set(name, p);
    p.name = name;
  }

  /** @internal */
  unregister(name: string): void {
    if (typeof name !== "string")
      throw new BadArgumentError(
        `unregister: expected a name (a string), got ${formatReason(name)}`,
      );
    const p = this.names.get(name);
    if (p === undefined)
      throw new BadArgumentError(`unregister: no process is registered as "${name}"`);
    this.names.delete(name);
    p.name = undefined;
  }

  /**
   * The pid registered under `name` on this runtime, or `undefined`.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * createRuntime().whereis("logger"); // undefined
   * ```
   */
  whereis(name: string): Pid | undefined {
    return this.names.get(name)?.pid;
  }

  /**
   * Every locally registered name.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * createRuntime().registered(); // []
   * ```
   */
  registered(): string[] {
    return [...this.names.keys()];
  }

  // -------------------------------------------------------------------------------------
  // Nodes

  /**
   * Connects this runtime to node `node` through `transport`, and returns the receiving end
   * of the connection: the {@link Inbound} through which the transport hands over what the
   * peer sends. It is the only way in for signals from another node, so only the code that
   * made the connection can inject them; it accepts only signals whose senders live on
   * `node` and whose targets live here (others are dropped and reported), and it goes dead
   * once the connection is dropped. Usually called by `connectInMemory` or a distribution
   * transport.
   *
   * @example
   * ```ts
   * import { createRuntime, type Inbound } from "@trellis/core";
   * const a = createRuntime({ node: "a@host" });
   * const b = createRuntime({ node: "b@host" });
   * let intoA: Inbound | undefined;
   * const intoB = b.connect("a@host", { deliver: (signal) => intoA?.receive(signal) });
   * intoA = a.connect("b@host", { deliver: (signal) => intoB.receive(signal) });
   * ```
   * @throws {BadArgumentError} for a node name not like `name@host`, this runtime's own node,
   * a node it is already connected to (disconnect first), or a transport without `deliver`
   */
  connect(node: string, transport: Transport): Inbound {
    if (typeof node !== "string" || !/^[^@\s]+@[^@\s]+$/.test(node))
      throw new BadArgumentError(
        `connect: node must look like "name@host", got ${formatReason(node)}`,
      );
    if (node === this.node)
      throw new BadArgumentError(`connect: a runtime cannot connect to its own node ${node}`);
    if (
      typeof transport !== "object" ||
      transport === null ||
      typeof transport.deliver !== "function"
    ) {
      throw new BadArgumentError(
        `connect: expected a transport with deliver(signal), got ${formatReason(transport)}`,
      );
    }
    const placeholder = this.connecting.get(node);
    if (placeholder !== undefined && this.peers.get(node) === placeholder) {
      // the connection a connector was making on demand is up: it takes the placeholder's place
      this.connecting.delete(node);
    } else if (this.peers.has(node)) {
      throw new BadArgumentError(
        `connect: already connected to ${node}; disconnect it first (a live connection is never replaced)`,
      );
    }
    this.peers.set(node, transport);
    return {
      receive: (signal: Signal): void => {
        if (this.peers.get(node) !== transport) return; // this connection is gone
        const problem = inboundProblem(signal, node, this.node);
        if (problem !== undefined) {
          this.report({
            kind: "warning",
            message: `dropped a signal from ${node}: ${problem}`,
          });
          return;
        }
        this.#receiveSignal(signal);
      },
    };
  }

  /**
   * The names of the nodes this runtime is connected to.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * createRuntime().nodes(); // []
   * ```
   */
  nodes(): string[] {
    return [...this.peers.keys()];
  }

  /**
   * Drops the connection to `node`: every link to a process there delivers `"noconnection"`,
   * every monitor of a process there fires a DOWN with `"noconnection"`, monitors held
   * from there are forgotten, and the transport is told to close (so the peer does the same).
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * createRuntime({ node: "a@host" }).disconnect("b@host");
   * ```
   */
  disconnect(node: string): void {
    const transport = this.peers.get(node);
    if (transport === undefined) return;
    this.peers.delete(node);
    this.connecting.delete(node);
    for (const p of [...this.procs.values()]) {
      if (p.watchers !== undefined) {
        for (const [ref, m] of p.watchers)
          if (m.watcher === undefined && m.watcherPid?.node === node) p.watchers.delete(ref);
      }
      if (p.monitors !== undefined) {
        for (const m of [...p.monitors.values()]) {
          if (m.target.node === node) {
            p.monitors.delete(m.ref);
            if (m.callback !== undefined) m.callback.down("noconnection");
            else this.deliver(p, new DownMessage(m.ref, m.target, "noconnection"));
          }
        }
      }
      if (p.links !== undefined) {
        for (const other of p.links) {
          if (other.node === node)
            this.sigs.push({ to: p.pid, from: other, reason: "noconnection", link: true });
        }
      }
    }
    this.drain();
    transport.close?.();
  }

  /** @internal Sends a signal to another node; false when there is no connection. */
  route(signal: Signal): boolean {
    const node = signal.type === "reply" ? signal.ref.node : signal.to.node;
    const t = this.peers.get(node) ?? this.autoConnect(node);
    if (t === undefined) return false;
    t.deliver(signal);
    return true;
  }

  private connector: ((node: string) => Transport | undefined) | undefined = undefined;

  /**
   * Lets a distribution transport connect on demand, as Erlang does on the first signal to
   * a node it is not connected to: when a signal is routed to such a node, `connector(node)`
   * is asked for a transport (typically one that queues until the connection is up, and
   * calls {@link Runtime.disconnect} if it fails, which gives `"noconnection"` to the
   * links and monitors made meanwhile). Returning `undefined` drops the signal as before.
   * `undefined` removes the connector.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const rt = createRuntime({ node: "a@host" });
   * rt.setConnector((node) => undefined); // never connects on demand
   * ```
   */
  setConnector(connector: ((node: string) => Transport | undefined) | undefined): void {
    this.connector = connector;
  }

  /** Transports a connector gave while connecting on demand: `connect` may replace them. */
  private readonly connecting = new Map<string, Transport>();

  private autoConnect(node: string): Transport | undefined {
    if (this.connector === undefined || this.closed || node === this.node) return undefined;
    const t = this.connector(node);
    if (t !== undefined && !this.peers.has(node)) {
      this.peers.set(node, t);
      this.connecting.set(node, t);
    }
    return this.peers.get(node);
  }

  /** Applies a signal from another node; reached only through an {@link Inbound}. */
  #receiveSignal(signal: Signal): void {
    switch (signal.type) {
      case "message":
        this.sendPid(signal.to, signal.message);
        return;
      case "link": {
        const t = this.lookup(signal.to);
        if (t === undefined)
          this.route({
            type: "exit",
            from: signal.to,
            to: signal.from,
            reason: "noproc",
            link: true,
          });
        else (t.links ??= new Set()).add(signal.from);
        return;
      }
      case "unlink":
        this.lookup(signal.to)?.links?.delete(signal.from);
        return;
      case "exit":
        this.exitSignal(signal.to, signal.from, signal.reason, signal.link);
        return;
      case "monitor": {
        const t = this.lookup(signal.to);
        if (t === undefined) {
          this.route({
            type: "down",
            from: signal.to,
            to: signal.from,
            ref: signal.ref,
            reason: "noproc",
          });
        } else {
          (t.watchers ??= new Map()).set(signal.ref, {
            ref: signal.ref,
            watcher: undefined,
            watcherPid: signal.from,
            target: signal.to,
            name: undefined,
            callback: undefined,
          });
        }
        return;
      }
      case "demonitor":
        this.lookup(signal.to)?.watchers?.delete(signal.ref);
        return;
      case "down": {
        const p = this.lookup(signal.to);
        const m = p?.monitors?.get(signal.ref);
        if (p === undefined || m === undefined) return;
        p.monitors?.delete(signal.ref);
        if (m.callback !== undefined) m.callback.down(signal.reason);
        else this.deliver(p, new DownMessage(signal.ref, signal.from, signal.reason));
        this.flushDeferred();
        return;
      }
      case "reply":
        this.replies.get(signal.ref)?.(signal.value);
        return;
    }
  }

  // -------------------------------------------------------------------------------------
  // Shutdown

  /**
   * Drops every node connection (peers see `"noconnection"` for their links and monitors
   * into this runtime, as when a node goes down), kills every process, cancels every timer
   * and releases the clock. The runtime cannot be used afterwards. Resolves once the deaths
   * have been processed.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const rt = createRuntime();
   * rt.spawn(() => new Promise(() => {}));
   * await rt.shutdown();
   * rt.processes(); // []
   * ```
   */
  async shutdown(): Promise<void> {
    this.closed = true;
    // The connections go first, so peers see "noconnection" for every link and monitor
    // into this runtime (a node going down), not the "killed" of its processes.
    for (const node of [...this.peers.keys()]) this.disconnect(node);
    for (const p of [...this.procs.values()]) this.exitSignal(p.pid, p.pid, "kill", false);
    for (const t of [...this.heap.values()]) this.cancelEntry(t);
    this.clock.detach(this);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * What `receive` resolves with when its timeout expires (Erlang's `after` branch).
 *
 * @example
 * ```ts
 * import { receive, TIMEOUT } from "@trellis/core";
 * const msg = await receive(() => true, { timeout: 100 });
 * if (msg === TIMEOUT) console.log("nothing came");
 * ```
 * @since 0.1.0
 * @category Processes
 */
export const TIMEOUT: unique symbol = Symbol.for("trellis.receive.timeout");

let defaultRt: Runtime | undefined;

/**
 * The runtime that module functions use outside process code. Created on first use, with a
 * real clock and the console logger.
 *
 * @example
 * ```ts
 * import { defaultRuntime } from "@trellis/core";
 * defaultRuntime().node; // "nonode@nohost"
 * ```
 * @since 0.1.0
 * @category Runtime
 */
export function defaultRuntime(): Runtime {
  if (defaultRt === undefined) defaultRt = new Runtime();
  return defaultRt;
}

/**
 * Makes `runtime` the default runtime: the one module functions (`spawn`, `send`, `call`,
 * `GenServer.start`…) use outside process code. A thread that runs one node (a worker node)
 * sets its node's runtime as the default before loading user code, so that code outside
 * processes acts on that node. Processes of a previous default runtime are not affected.
 *
 * @example
 * ```ts
 * import { createRuntime, defaultRuntime, setDefaultRuntime } from "@trellis/core";
 * const rt = createRuntime({ node: "worker1@localhost" });
 * setDefaultRuntime(rt);
 * defaultRuntime().node; // "worker1@localhost"
 * ```
 * @throws {BadArgumentError} if `runtime` is not a runtime
 * @since 0.1.0
 * @category Runtime
 */
export function setDefaultRuntime(runtime: Runtime): void {
  if (!(runtime instanceof Runtime))
    throw new BadArgumentError(
      `setDefaultRuntime: expected a runtime, got ${formatReason(runtime)}`,
    );
  defaultRt = runtime;
}

/**
 * Creates an isolated runtime: its own processes, names, timers and clock. Use one per test
 * (with `clock: "virtual"`), or several to simulate nodes.
 *
 * @example
 * ```ts
 * import { createRuntime } from "@trellis/core";
 * const rt = createRuntime({ clock: "virtual", node: "a@localhost" });
 * ```
 * @throws {BadArgumentError} for invalid options: a node name not like `name@host`, a clock
 * that is not `"real"`, `"virtual"` or a `Clock`, a logger without `log`, a creation that is
 * not an integer >= 0, a budget or slice that is not a positive finite number
 * @since 0.1.0
 * @category Runtime
 */
export function createRuntime(options: RuntimeOptions = {}): Runtime {
  return new Runtime(options);
}

/** @internal Validates a receive/call timeout. */
export function validTimeout(what: string, ms: unknown): number {
  return checkTimeout(what, ms, true);
}

/** @internal Throws if code runs in a process that has already exited. */
export function ensureAlive(p: Proc, operation: string): void {
  if (!p.alive) throw new ProcessExitedError(operation, p.reason);
}
