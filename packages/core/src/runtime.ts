/**
 * The runtime: an Erlang node in one object. It owns the process table, the scheduler, the
 * timers, the name table, the logger and the links to other runtimes.
 *
 * This file is the {@link Runtime} facade: its state, processes and introspection. Each
 * concern lives in its own module under `runtime/`: the public types (`types.ts`), a process
 * and the async context (`proc.ts`), the scheduler (`scheduler.ts`), selective receive
 * (`receive.ts`), the signal rules (`signals.ts`), monitors (`monitors.ts`), timers
 * (`timers.ts`), names (`names.ts`) and nodes (`nodes.ts`). They are plain functions of the
 * runtime, so the hot paths gain no indirection.
 *
 * @module
 */
import { performance } from "node:perf_hooks";
import { type Clock, type ClockHost, RealClock, VirtualClock } from "./clock.js";
import { consoleLogger, levelOf } from "./console-logger.js";
import { BadArgumentError, formatReason, ProcessExitedError } from "./errors.js";
import { checkRuntimeOptions, fallbackLog } from "./guards.js";
import { TimerHeap } from "./internal/heap.js";
import { Queue } from "./internal/queue.js";
import { Pid, procOf, Ref, setProc } from "./pid.js";
import { addNewLink, linkValues } from "./runtime/link-set.js";
import { logWanted } from "./runtime/logging.js";
import { watcherValues } from "./runtime/monitor-table.js";
import { demonitor, demonitorCallback, monitor } from "./runtime/monitors.js";
import { register, resolve, unregister } from "./runtime/names.js";
import { connect, disconnect, route } from "./runtime/nodes.js";
import { type DownSink, Proc, type TimerSink } from "./runtime/proc.js";
import { ProcList } from "./runtime/proc-list.js";
import { receive, tryReceive, yieldProc } from "./runtime/receive.js";
import { crash, currentProc, enqueue, runLoop } from "./runtime/scheduler.js";
import {
  deliver,
  type ExitSig,
  exitSignal,
  flushDeferred,
  link,
  send,
  sendPid,
  unlink,
} from "./runtime/signals.js";
import {
  callbackTimer,
  cancelEntry,
  cancelTimer,
  cancelTimerAsync,
  checkTimeout,
  continueBurst,
  type DeadlineBucket,
  interval,
  liveTimers,
  onAlarm,
  readTimer,
  type TimerEntry,
  timer,
} from "./runtime/timers.js";
import type {
  Dest,
  Inbound,
  Logger,
  LogReport,
  ProcessInfo,
  RemoteName,
  RuntimeOptions,
  Signal,
  Transport,
} from "./runtime/types.js";
import { TelemetryHub } from "./telemetry.js";
import { installUncaughtListeners } from "./uncaught.js";

export { isViaName } from "./runtime/names.js";
export type { DownSink, Monitor, TimerSink } from "./runtime/proc.js";
export { als, Proc } from "./runtime/proc.js";
export { currentProc, reasonFromThrown } from "./runtime/scheduler.js";
export type { TimerEntry } from "./runtime/timers.js";
export {
  type Dest,
  type Inbound,
  type Logger,
  type LogReport,
  type NameRegistry,
  type ProcessInfo,
  type ProcessName,
  type RemoteName,
  type RuntimeOptions,
  type Signal,
  TIMEOUT,
  type Transport,
  type ViaName,
} from "./runtime/types.js";

let runtimeCount = 0;

const EV_SPAWN = ["trellis", "process", "spawn"] as const;

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
  readonly procs: ProcList = new ProcList();
  /** @internal */
  readonly names: Map<string, Proc> = new Map();
  /** @internal */
  nextPid = 1;
  /** @internal */
  nextRefId = 1;
  /** @internal */
  readonly budget: number;
  /** @internal */
  readonly sliceMs: number;
  /** @internal */
  readonly runQueue: Queue<Proc> = new Queue();
  /** @internal */
  scheduled = false;
  /** @internal */
  running: Proc | undefined = undefined;
  /** @internal */
  wakes = 0;
  /** @internal */
  passes = 0;
  /** @internal */
  sliceStart: number = Number.NEGATIVE_INFINITY;
  /** @internal */
  readonly heap: TimerHeap<TimerEntry> = new TimerHeap();
  /** @internal */
  readonly timerRefs: Map<Ref, TimerEntry> = new Map();
  /** @internal */
  timerSeq = 0;
  /** @internal Lazily cancelled callback timers still in the heap (timers.ts). */
  deadTimers = 0;
  /** @internal The deadline bucket the next call timeout may join (timers.ts). */
  lastBucket: DeadlineBucket | undefined = undefined;
  /** @internal */
  readonly internalRef: Ref;
  /** @internal The armed alarm's time; `-Infinity` while a burst of due timers continues. */
  alarmAt: number = Number.POSITIVE_INFINITY;
  /** @internal When the current turn of a burst of due timers began (timers.ts). */
  burstStart = 0;
  /** @internal */
  sigs: ExitSig[] = [];
  /** @internal */
  draining = false;
  /** @internal */
  deferred: (() => void)[] = [];
  /** @internal */
  readonly peers: Map<string, Transport> = new Map();
  /** @internal Calls made from this runtime that have not ended yet. */
  callsInFlight = 0;
  /** @internal pending replies of calls to other nodes, by call reference */
  readonly replies: Map<Ref, (value: unknown) => void> = new Map();
  /** @internal */
  closed = false;
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
    this.procs.add(p);
    if (link && parent !== undefined) {
      p.links = parent.pid;
      // a fresh pid: appended without a lookup
      addNewLink(parent, pid);
    }
    enqueue(this, p);
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
      if (m.callback === undefined)
        monitors.push({
          ref: m.ref,
          pid: m.name ?? (m.target instanceof Pid ? m.target : m.target.name),
        });
    const monitoredBy: Pid[] = [];
    for (const m of watcherValues(p.watchers))
      if (m.watcherPid !== undefined) monitoredBy.push(m.watcherPid);
    const links = linkValues(p.links);
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

  /**
   * @internal Bound, not an arrow: a bound function is no frame of its own in a stack trace,
   * and every frame under a callback is one more that an `Error` made there captures.
   */
  readonly runMicro: () => void = runLoop.bind(undefined, this);
  /** @internal */
  readonly runMacro = (): void => {
    this.sliceStart = performance.now();
    this.passes = 0;
    runLoop(this);
  };
  /** @internal */
  readonly onAlarm = (): void => onAlarm(this);
  /** @internal A burst's next chunk, after the previous one's continuations (timers.ts). */
  readonly alarmChunk = (): void => continueBurst(this);

  /** @internal Whether nothing is queued to run (used by virtual clocks). */
  isIdle(): boolean {
    return !this.scheduled && this.runQueue.length === 0;
  }

  /** @internal A throw or rejection in process code. */
  crash(p: Proc, e: unknown): void {
    crash(this, p, e);
  }

  /** @internal Sends a report to the logger after the current signal processing. */
  report(r: LogReport): void {
    if (!logWanted(this, r.level ?? levelOf(r), r.domain)) return;
    this.deferred.push(() => {
      try {
        this.logger.log(r);
      } catch (e) {
        // a logger must not take the runtime down, nor lose the report silently
        fallbackLog(r, e);
      }
    });
    if (!this.draining) flushDeferred(this);
  }

  // -------------------------------------------------------------------------------------
  // Messages

  /** @internal Appends to a live local process's mailbox and wakes it if it can take it. */
  deliver(p: Proc, msg: unknown): void {
    deliver(this, p, msg);
  }

  /**
   * Sends `msg` to a pid (silently dropped if the process is dead), to a name (a
   * `BadArgumentError` if nobody holds it), or to `{ name, node }` (dropped if nobody holds
   * the name there or the node cannot be reached, as in Erlang). Returns `msg`.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const rt = createRuntime();
   * rt.send(rt.spawn(async () => {}), "hello");
   * ```
   * @throws {BadArgumentError} for an unknown name, a destination that is not a pid or name,
   * or a malformed `{ name, node }`
   */
  send<M>(dest: Dest, msg: M): M {
    return send(this, dest, msg);
  }

  /** @internal */
  sendPid(pid: Pid, msg: unknown): void {
    sendPid(this, pid, msg);
  }

  /** @internal Resolves a destination to a local pid, or undefined. */
  resolve(dest: Dest): Pid | undefined {
    return resolve(this, dest);
  }

  /** @internal Selective receive for process `p`. */
  receive(
    p: Proc,
    match: ((msg: unknown) => unknown) | undefined,
    timeout: number,
  ): Promise<unknown> {
    return receive(this, p, match, timeout);
  }

  /** @internal Resolves when the scheduler next runs `p` (Erlang's `erlang:yield/0`). */
  yieldProc(p: Proc): Promise<unknown> {
    return yieldProc(this, p);
  }

  /** @internal */
  tryReceive(p: Proc): void {
    tryReceive(this, p);
  }

  // -------------------------------------------------------------------------------------
  // Exits and links

  /** @internal Queues an exit signal and processes all pending signals. */
  exitSignal(to: Pid, from: Pid, reason: unknown, link: boolean): void {
    exitSignal(this, to, from, reason, link);
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
    exitSignal(this, pid, pid, reason, false);
  }

  /** @internal */
  link(p: Proc, target: Pid): void {
    link(this, p, target);
  }

  /** @internal */
  unlink(p: Proc, target: Pid): void {
    unlink(this, p, target);
  }

  // -------------------------------------------------------------------------------------
  // Monitors

  /** @internal Monitors `target` for process `p` (or with a callback sink, under a given ref). */
  monitor(
    p: Proc | undefined,
    target: Pid | string | RemoteName,
    callback?: DownSink,
    useRef?: Ref,
  ): Ref {
    return monitor(this, p, target, callback, useRef);
  }

  /** @internal */
  demonitor(p: Proc | undefined, ref: Ref, flush: boolean): boolean {
    return demonitor(this, p, ref, flush);
  }

  /** @internal Removes a callback monitor that has no owner process. */
  demonitorCallback(target: Pid, ref: Ref): void {
    demonitorCallback(this, target, ref);
  }

  // -------------------------------------------------------------------------------------
  // Timers

  /** @internal */
  cancelEntry(t: TimerEntry): void {
    cancelEntry(this, t);
  }

  /** @internal sendAfter/startTimer. */
  timer(start: boolean, dest: Dest, msg: unknown, ms: number, abs: boolean, what: string): Ref {
    return timer(this, start, dest, msg, ms, abs, what);
  }

  /** @internal sendInterval: a message timer that fires every `ms`, under one reference. */
  interval(dest: Dest, msg: unknown, ms: number): Ref {
    return interval(this, dest, msg, ms);
  }

  /** @internal A callback timer (for behaviours), cancelled if `owner` dies. */
  callbackTimer(ms: number, owner: Proc | undefined, fn: TimerSink): TimerEntry {
    return callbackTimer(this, ms, owner, fn);
  }

  /** @internal */
  readTimer(ref: Ref): number | false {
    return readTimer(this, ref);
  }

  /** @internal */
  cancelTimer(ref: Ref): number | false {
    return cancelTimer(this, ref);
  }

  /** @internal cancelTimer with `async: true`. */
  cancelTimerAsync(p: Proc, ref: Ref): void {
    cancelTimerAsync(this, p, ref);
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
    return liveTimers(this);
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
    register(this, name, pid);
  }

  /** @internal */
  unregister(name: string): void {
    unregister(this, name);
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
    return connect(this, node, transport);
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
    disconnect(this, node);
  }

  /** @internal Sends a signal to another node; false when there is no connection. */
  route(signal: Signal): boolean {
    return route(this, signal);
  }

  /** @internal */
  connector: ((node: string) => Transport | undefined) | undefined = undefined;

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

  /** @internal Transports a connector gave while connecting on demand: `connect` may replace them. */
  readonly connecting: Map<string, Transport> = new Map();

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
    for (const node of [...this.peers.keys()]) disconnect(this, node);
    for (const p of [...this.procs.values()]) exitSignal(this, p.pid, p.pid, "kill", false);
    for (const t of [...this.heap.values()]) cancelEntry(this, t);
    this.heap.clear();
    this.deadTimers = 0;
    this.lastBucket = undefined;
    this.clock.detach(this);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

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
