/**
 * The process API: what process code calls. Every function acts on the runtime of the
 * calling process; outside process code, those that make sense there act on the default
 * runtime.
 *
 * @module
 */
import {
  BadArgumentError,
  ExitError,
  formatReason,
  NoProcessError,
  NotInProcessError,
  ProcessExitedError,
} from "./errors.js";
import { Pid, procOf, type Ref } from "./pid.js";
import * as monitors from "./runtime/monitors.js";
import * as names from "./runtime/names.js";
import * as mailbox from "./runtime/receive.js";
import * as signals from "./runtime/signals.js";
import * as timers from "./runtime/timers.js";
import {
  currentProc,
  type Dest,
  defaultRuntime,
  ensureAlive,
  type NameRegistry,
  type Proc,
  type ProcessName,
  type RemoteName,
  type Runtime,
  type TIMEOUT,
  type ViaName,
  validTimeout,
} from "./runtime.js";

function current(operation: string): Proc {
  const p = currentProc();
  if (p === undefined) throw new NotInProcessError(operation);
  ensureAlive(p, operation);
  return p;
}

/** The runtime for an operation: the caller's, or the default one outside processes. */
function runtimeFor(operation: string): Runtime {
  const p = currentProc();
  if (p === undefined) return defaultRuntime();
  ensureAlive(p, operation);
  return p.rt;
}

/** After an operation that may have killed the caller itself, stop its code. */
function stopIfDead(p: Proc, operation: string): void {
  if (!p.alive) throw new ProcessExitedError(operation, p.reason);
}

/**
 * The runtime of the calling process, or the default runtime outside process code.
 *
 * @example
 * ```ts
 * import { currentRuntime } from "@trellis/core";
 * currentRuntime().node; // "nonode@nohost"
 * ```
 * @since 0.1.0
 * @category Runtime
 */
export function currentRuntime(): Runtime {
  return runtimeFor("currentRuntime");
}

/**
 * The pid of the calling process. Works anywhere in process code, after `await` too.
 *
 * @example
 * ```ts
 * import { createRuntime, self } from "@trellis/core";
 * await createRuntime().run(async () => {
 *   await Promise.resolve();
 *   console.log(String(self())); // "<0.1.0>"
 * });
 * ```
 * @throws {NotInProcessError} outside process code
 * @since 0.1.0
 * @category Processes
 */
export function self(): Pid {
  return current("self()").pid;
}

/**
 * Whether code is running inside a live process.
 *
 * @example
 * ```ts
 * import { inProcess } from "@trellis/core";
 * inProcess(); // false at top level
 * ```
 * @since 0.1.0
 * @category Processes
 */
export function inProcess(): boolean {
  return currentProc()?.alive === true;
}

/**
 * Starts a new process running `fn` and returns its pid at once; the new process runs
 * later, concurrently. The process exits `"normal"` when `fn` returns (or its promise
 * resolves) and crashes with the thrown error otherwise. `fn` receives its own pid.
 *
 * Inside a process the new process belongs to the caller's runtime; outside, to the
 * default runtime (use `runtime.spawn` for another one).
 *
 * @example
 * ```ts
 * import { receive, send, spawn } from "@trellis/core";
 * const echo = spawn(async () => {
 *   const { from, text } = await receive<{ from: Pid; text: string }>();
 *   send(from, text);
 * });
 * ```
 * @throws {BadArgumentError} if `fn` is not a function
 * @since 0.1.0
 * @category Processes
 */
export function spawn(fn: (self: Pid) => unknown): Pid {
  const p = currentProc();
  if (p === undefined) return defaultRuntime().spawnProc(fn, undefined, false).pid;
  ensureAlive(p, "spawn");
  return p.rt.spawnProc(fn, p, false).pid;
}

/**
 * Like {@link spawn}, and links the new process to the caller atomically: if either exits
 * abnormally, the other receives the exit signal.
 *
 * @example
 * ```ts
 * import { spawnLink } from "@trellis/core";
 * spawnLink(async () => {
 *   throw new Error("boom"); // the caller dies too, unless it traps exits
 * });
 * ```
 * @throws {NotInProcessError} outside process code (there is nothing to link to)
 * @since 0.1.0
 * @category Processes
 */
export function spawnLink(fn: (self: Pid) => unknown): Pid {
  const p = current("spawnLink");
  return p.rt.spawnProc(fn, p, true).pid;
}

/**
 * Like {@link spawn}, and monitors the new process atomically. Returns the pid and the
 * monitor reference.
 *
 * @example
 * ```ts
 * import { isDown, receive, spawnMonitor } from "@trellis/core";
 * const [pid, ref] = spawnMonitor(async () => "done");
 * const down = await receive((m) => isDown(m) && m.ref === ref);
 * down.reason; // "normal"
 * ```
 * @throws {NotInProcessError} outside process code
 * @since 0.1.0
 * @category Processes
 */
export function spawnMonitor(fn: (self: Pid) => unknown): [Pid, Ref] {
  const p = current("spawnMonitor");
  const child = p.rt.spawnProc(fn, p, false);
  const ref = monitors.monitor(p.rt, p, child.pid);
  return [child.pid, ref];
}

/**
 * Sends `msg` to `dest` and returns `msg`. Sending to a pid always succeeds, also when the
 * process is dead (the message is dropped). Sending to a name nobody holds throws, as in
 * Erlang. `{ name, node }` ({@link RemoteName}) sends to the process registered under
 * `name` on that node, connecting on demand; like Erlang's `{Name, Node} ! Msg` it never
 * fails: nobody holding the name, or an unreachable node, drops the message. Messages from
 * one process to another arrive in the order they were sent. Messages are passed by
 * reference inside a runtime: do not mutate what you have sent.
 *
 * @example
 * ```ts
 * import { self, send } from "@trellis/core";
 * send(self(), { type: "ping" });
 * send({ name: "counter", node: "b@localhost" }, "increment");
 * ```
 * @throws {BadArgumentError} for an unregistered name, a destination that is neither a pid
 * nor a name, or a malformed `{ name, node }`
 * @since 0.1.0
 * @category Processes
 */
export function send<M>(dest: Dest, msg: M): M {
  const p = currentProc();
  if (p !== undefined) {
    ensureAlive(p, "send");
    return signals.send(p.rt, dest, msg);
  }
  if (dest instanceof Pid) {
    const target = procOf(dest) as Proc | undefined;
    if (target?.alive) signals.deliver(target.rt, target, msg);
    return msg;
  }
  return defaultRuntime().send(dest, msg);
}

/**
 * Options of {@link receive}.
 *
 * @since 0.1.0
 * @category Processes
 */
export interface ReceiveOptions {
  /**
   * Milliseconds to wait for a matching message (Erlang's `after`): `0` checks the mailbox
   * once, `Infinity` (the default) waits forever, values above 2^31-1 work. On expiry
   * `receive` resolves with {@link TIMEOUT}.
   */
  readonly timeout?: number;
}

/**
 * Selective receive: resolves with the oldest message in the caller's mailbox for which
 * `match` returns true (any message when `match` is omitted), removing it and leaving the
 * others in order. With a `timeout`, resolves with {@link TIMEOUT} if nothing matches in
 * time.
 *
 * @example
 * ```ts
 * import { receive, self, send, TIMEOUT } from "@trellis/core";
 * send(self(), { a: 1 });
 * send(self(), { b: 2 });
 * const b = await receive((m): m is { b: number } => typeof m === "object" && m !== null && "b" in m);
 * b.b; // 2, and { a: 1 } is still queued
 * const none = await receive((m) => m === "never", { timeout: 0 });
 * none === TIMEOUT; // true
 * ```
 * @throws {NotInProcessError} outside process code
 * @throws {BadArgumentError} for a negative or NaN timeout, options that are not an object (a
 * bare number: write `{ timeout: ms }`), or a second receive while one is pending
 * @since 0.1.0
 * @category Processes
 */
export function receive<T = unknown>(match?: (msg: unknown) => msg is T): Promise<T>;
export function receive<T = unknown>(match: ((msg: unknown) => boolean) | undefined): Promise<T>;
export function receive<T = unknown>(
  match: ((msg: unknown) => msg is T) | undefined,
  options: ReceiveOptions,
): Promise<T | typeof TIMEOUT>;
export function receive<T = unknown>(
  match: ((msg: unknown) => boolean) | undefined,
  options: ReceiveOptions,
): Promise<T | typeof TIMEOUT>;
export function receive(
  match?: (msg: unknown) => unknown,
  options?: ReceiveOptions,
): Promise<unknown> {
  const p = current("receive");
  if (match !== undefined && typeof match !== "function") {
    throw new BadArgumentError(`receive: match must be a function, got ${formatReason(match)}`);
  }
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new BadArgumentError(
      `receive: options must be an object such as { timeout: ms }, got ${formatReason(options)}${typeof options === "number" ? ` (write receive(match, { timeout: ${options} }))` : ""}`,
    );
  }
  const timeout =
    options?.timeout === undefined
      ? Number.POSITIVE_INFINITY
      : validTimeout("receive", options.timeout);
  return mailbox.receive(p.rt, p, match, timeout);
}

/**
 * Suspends the calling process for `ms` milliseconds (it still collects messages).
 * Implemented as a receive that matches nothing, as in Erlang.
 *
 * @example
 * ```ts
 * import { sleep } from "@trellis/core";
 * await sleep(100);
 * ```
 * @throws {BadArgumentError} (as a rejection) for a time that is not a number, negative or NaN;
 * `Infinity` sleeps forever
 * @since 0.1.0
 * @category Processes
 */
export async function sleep(ms: number): Promise<void> {
  await receive(() => false, { timeout: validTimeout("sleep", ms) });
}

/**
 * Lets the scheduler run other processes, timers and I/O, and resolves when it runs the
 * caller again (Erlang's `erlang:yield/0`). The caller's mailbox is left as it is. Loops
 * that `await receive()` need no yield (receives count against the scheduler's budget);
 * a behaviour that chains callbacks without receiving (GenServer's `handleContinue`)
 * uses this between steps.
 *
 * @example
 * ```ts
 * import { yieldProcess } from "@trellis/core";
 * for (let i = 0; i < 1_000_000; i++) {
 *   if (i % 1000 === 0) await yieldProcess();
 * }
 * ```
 * @throws {NotInProcessError} outside a process
 * @throws {BadArgumentError} while the caller waits in another receive
 * @since 0.1.0
 * @category Processes
 */
export async function yieldProcess(): Promise<void> {
  const p = current("yieldProcess");
  await mailbox.yieldProc(p.rt, p);
}

/**
 * Links the caller and `pid`: when one exits with a reason other than `"normal"`, the other
 * exits with the same reason, unless it traps exits. Linking to oneself does nothing.
 *
 * Linking to a dead process, as in OTP 25: a caller that traps exits gets an
 * {@link ExitMessage} with reason `"noproc"`; one that does not gets a catchable
 * {@link NoProcessError} (reason `"noproc"`, Erlang's `error:noproc`), which ends the
 * process with `"noproc"` if uncaught. A dead pid of another node is only known there: the
 * caller gets a `"noproc"` exit signal.
 *
 * @example
 * ```ts
 * import { link, spawn } from "@trellis/core";
 * const worker = spawn(async () => {});
 * link(worker);
 * ```
 * @throws {NotInProcessError} outside process code
 * @throws {NoProcessError} when `pid` is a dead local process and the caller does not trap exits
 * @since 0.1.0
 * @category Signals
 */
export function link(pid: Pid): void {
  const p = current("link");
  if (!(pid instanceof Pid))
    throw new BadArgumentError(`link: expected a pid, got ${formatReason(pid)}`);
  if (!p.trap && pid !== p.pid) {
    // OTP 25: linking to a dead local process raises noproc in a caller not trapping exits.
    const t = procOf(pid) as Proc | undefined;
    const dead = t !== undefined && t.rt === p.rt ? !t.alive : pid.node === p.rt.node;
    if (dead) throw new NoProcessError({ module: "erlang", function: "link", args: [pid] });
  }
  signals.link(p.rt, p, pid);
  stopIfDead(p, "link");
}

/**
 * Removes the link between the caller and `pid`, in both directions. No exit signal from
 * that link arrives afterwards (an EXIT message already in the mailbox stays).
 *
 * @example
 * ```ts
 * import { spawnLink, unlink } from "@trellis/core";
 * const pid = spawnLink(async () => {});
 * unlink(pid);
 * ```
 * @throws {NotInProcessError} outside process code
 * @since 0.1.0
 * @category Signals
 */
export function unlink(pid: Pid): void {
  const p = current("unlink");
  if (!(pid instanceof Pid))
    throw new BadArgumentError(`unlink: expected a pid, got ${formatReason(pid)}`);
  signals.unlink(p.rt, p, pid);
}

/**
 * Monitors a process by pid, by registered name, or by name on another node
 * (`{ name, node }`, Erlang's `monitor(process, {Name, Node})`). When it exits, exactly one
 * {@link DownMessage} with the returned reference arrives; if it is already dead (or the
 * name is not registered), the DOWN arrives at once with reason `"noproc"`, and if its node
 * cannot be reached (or the connection drops), with `"noconnection"`. Monitoring by name
 * puts `{ name, node }` in the DOWN instead of the pid. Each call makes a new monitor.
 *
 * @example
 * ```ts
 * import { isDown, monitor, receive, spawn } from "@trellis/core";
 * const ref = monitor(spawn(async () => {}));
 * const down = await receive((m) => isDown(m) && m.ref === ref);
 * const remote = monitor({ name: "counter", node: "b@localhost" });
 * ```
 * @throws {NotInProcessError} outside process code
 * @throws {BadArgumentError} if `target` is neither a pid nor a name, or a malformed
 * `{ name, node }`
 * @since 0.1.0
 * @category Signals
 */
export function monitor(target: Pid | string | RemoteName): Ref {
  const p = current("monitor");
  return monitors.monitor(p.rt, p, target);
}

/**
 * Options of {@link demonitor}.
 *
 * @since 0.1.0
 * @category Signals
 */
export interface DemonitorOptions {
  /** Also remove a DOWN for this monitor that is already in the mailbox. Default `false`. */
  readonly flush?: boolean;
}

/**
 * Turns off a monitor: no DOWN for it arrives afterwards. Returns `true` if the monitor
 * was still active, `false` if its DOWN had already been sent (Erlang's `info` option).
 *
 * @example
 * ```ts
 * import { demonitor, monitor, spawn } from "@trellis/core";
 * const ref = monitor(spawn(async () => {}));
 * demonitor(ref, { flush: true });
 * ```
 * @throws {NotInProcessError} outside process code
 * @since 0.1.0
 * @category Signals
 */
export function demonitor(ref: Ref, options?: DemonitorOptions): boolean {
  const p = current("demonitor");
  return monitors.demonitor(p.rt, p, ref, options?.flush === true);
}

/**
 * Sets whether the calling process traps exits and returns the previous value. A process
 * that traps exits receives exit signals as {@link ExitMessage}s instead of dying, except
 * for `exit(pid, "kill")`, which cannot be trapped.
 *
 * @example
 * ```ts
 * import { trapExit } from "@trellis/core";
 * const before = trapExit(true); // false
 * ```
 * @throws {NotInProcessError} outside process code
 * @since 0.1.0
 * @category Signals
 */
export function trapExit(flag: boolean): boolean {
  const p = current("trapExit");
  if (typeof flag !== "boolean")
    throw new BadArgumentError(`trapExit: expected a boolean, got ${formatReason(flag)}`);
  const prev = p.trap;
  p.trap = flag;
  return prev;
}

/**
 * `exit(reason)` ends the calling process with `reason` (Erlang's `exit/1`): it throws an
 * {@link ExitError} that, if nothing catches it, makes the process exit with `reason`.
 *
 * `exit(pid, reason)` sends an exit signal (Erlang's `exit/2`):
 * - `"kill"` cannot be trapped; the target exits with `"killed"`;
 * - `"normal"` is ignored unless the target traps exits (or is the caller itself);
 * - any other reason kills the target with that reason, unless it traps exits, in which
 *   case it receives an {@link ExitMessage}.
 *
 * @example
 * ```ts
 * import { exit, spawn } from "@trellis/core";
 * const pid = spawn(() => new Promise(() => {}));
 * exit(pid, "shutdown");
 * // inside a process: exit("normal") stops it quietly
 * ```
 * @throws {ExitError} (the one-argument form, always)
 * @since 0.1.0
 * @category Signals
 */
export function exit(reason: unknown): never;
export function exit(pid: Pid, reason: unknown): void;
export function exit(...args: [unknown] | [Pid, unknown]): void {
  if (args.length === 1) throw new ExitError(args[0]);
  const [pid, reason] = args;
  if (!(pid instanceof Pid))
    throw new BadArgumentError(`exit: expected a pid, got ${formatReason(pid)}`);
  const p = currentProc();
  if (p === undefined) {
    const target = procOf(pid) as Proc | undefined;
    if (target !== undefined) target.rt.exit(pid, reason);
    return;
  }
  ensureAlive(p, "exit");
  signals.exitSignal(p.rt, pid, p.pid, reason, false);
  stopIfDead(p, "exit");
}

/**
 * Whether `pid` names a live process.
 *
 * @example
 * ```ts
 * import { isAlive, spawn } from "@trellis/core";
 * isAlive(spawn(async () => {})); // true until it has run
 * ```
 * @since 0.1.0
 * @category Processes
 */
export function isAlive(pid: Pid): boolean {
  if (!(pid instanceof Pid))
    throw new BadArgumentError(`isAlive: expected a pid, got ${formatReason(pid)}`);
  return (procOf(pid) as Proc | undefined)?.alive === true;
}

/**
 * A new unique reference.
 *
 * @example
 * ```ts
 * import { makeRef } from "@trellis/core";
 * makeRef() !== makeRef(); // true
 * ```
 * @since 0.1.0
 * @category Processes
 */
export function makeRef(): Ref {
  return runtimeFor("makeRef").makeRef();
}

/**
 * The `AbortSignal` of the calling process: aborted when the process exits for any reason
 * (its `reason` is an {@link ExitError} carrying the exit reason). Pass it to `fetch`,
 * streams and timers so that a killed process's I/O stops too.
 *
 * @example
 * ```ts
 * import { abortSignal, spawn } from "@trellis/core";
 * spawn(async () => {
 *   const res = await fetch("http://localhost:8080/", { signal: abortSignal() });
 * });
 * ```
 * @throws {NotInProcessError} outside process code
 * @since 0.1.0
 * @category Processes
 */
export function abortSignal(): AbortSignal {
  const p = current("abortSignal");
  p.abortCtl ??= new AbortController();
  return p.abortCtl.signal;
}

// ---------------------------------------------------------------------------------------
// Names

/**
 * Registers `pid` under `name` on its runtime.
 *
 * @example
 * ```ts
 * import { register, self, whereis } from "@trellis/core";
 * register("logger", self());
 * whereis("logger"); // self()
 * ```
 * @throws {BadArgumentError} if the name is empty or `"undefined"`, taken, the pid already has a name, or the pid is dead
 * @since 0.1.0
 * @category Names
 */
export function register(name: string, pid: Pid): void {
  const rt = runtimeFor("register");
  names.register(rt, name, pid);
}

/**
 * Removes a registered name.
 *
 * @example
 * ```ts
 * import { register, self, unregister } from "@trellis/core";
 * register("logger", self());
 * unregister("logger");
 * ```
 * @throws {BadArgumentError} if the name is not registered
 * @since 0.1.0
 * @category Names
 */
export function unregister(name: string): void {
  runtimeFor("unregister").unregister(name);
}

/**
 * The pid registered under `name` (a string or a {@link ViaName}), or `undefined`; a pid
 * is returned as it is, alive or not (Elixir's `GenServer.whereis/1`). A
 * {@link RemoteName} on another node is returned as it is (it is looked up there when
 * used); on the caller's own node it is the local name's pid.
 *
 * @example
 * ```ts
 * import { whereis } from "@trellis/core";
 * whereis("nobody"); // undefined
 * whereis({ name: "counter", node: "b@localhost" }); // { name: "counter", node: "b@localhost" }
 * ```
 * @throws {BadArgumentError} for something that is neither a pid nor a name, or a malformed
 * `{ name, node }`
 * @since 0.1.0
 * @category Names
 */
export function whereis(name: Pid | ProcessName): Pid | undefined;
export function whereis(name: RemoteName): Pid | RemoteName | undefined;
export function whereis(name: Dest): Pid | RemoteName | undefined;
export function whereis(name: Dest): Pid | RemoteName | undefined {
  if (name instanceof Pid) return name;
  const rt = runtimeFor("whereis");
  if (typeof name === "string") return rt.whereis(name);
  return names.target(rt, name, "whereis");
}

/**
 * Every locally registered name.
 *
 * @example
 * ```ts
 * import { registered } from "@trellis/core";
 * registered(); // []
 * ```
 * @since 0.1.0
 * @category Names
 */
export function registered(): string[] {
  return runtimeFor("registered").registered();
}

/**
 * Makes a {@link ViaName}: the name `key` held by `registry`. Accepted everywhere a name is.
 *
 * @example
 * ```ts
 * import { via, type NameRegistry } from "@trellis/core";
 * declare const sessions: NameRegistry<string>;
 * const name = via(sessions, "customer-42");
 * ```
 * @since 0.1.0
 * @category Names
 */
export function via<K>(registry: NameRegistry<K>, key: K): ViaName<K> {
  if (
    typeof registry !== "object" ||
    registry === null ||
    typeof registry.whereisName !== "function"
  ) {
    throw new BadArgumentError(`via: expected a NameRegistry, got ${formatReason(registry)}`);
  }
  return { via: registry as NameRegistry<unknown>, key } as ViaName<K>;
}

// ---------------------------------------------------------------------------------------
// Timers

/**
 * Options of {@link sendAfter} and {@link startTimer}.
 *
 * @since 0.1.0
 * @category Timers
 */
export interface TimerOptions {
  /** When `true`, `ms` is an absolute time on the runtime's monotonic clock. Default `false`. */
  readonly abs?: boolean;
}

/**
 * Sends `msg` to `dest` after `ms` milliseconds and returns the timer reference. A timer
 * aimed at a pid is cancelled when that process dies; one aimed at a name resolves the name
 * when it fires and is dropped silently if nobody holds it then. Any number of timers share
 * one host timer; delays above 2^31-1 ms work.
 *
 * @example
 * ```ts
 * import { receive, self, sendAfter } from "@trellis/core";
 * sendAfter(self(), "tick", 1000);
 * await receive((m) => m === "tick");
 * ```
 * @throws {BadArgumentError} for a negative, NaN or infinite time, or a bad destination
 * @since 0.1.0
 * @category Timers
 */
export function sendAfter(dest: Dest, msg: unknown, ms: number, options?: TimerOptions): Ref {
  return runtimeFor("sendAfter").timer(false, dest, msg, ms, options?.abs === true, "sendAfter");
}

/**
 * Sends `msg` to `dest` every `ms` milliseconds, until the timer is cancelled with
 * {@link cancelTimer} (Erlang's `timer:send_interval/3`). Returns the timer reference,
 * which stays the same for every period; {@link readTimer} gives the time to the next
 * message. A timer aimed at a pid dies with that process; one aimed at a name resolves the
 * name each time and skips the periods when nobody holds it. The messages come at a fixed
 * rate (each `ms` after the previous due time, without drift).
 *
 * @example
 * ```ts
 * import { cancelTimer, receive, self, sendInterval } from "@trellis/core";
 * const ref = sendInterval(self(), "tick", 1000);
 * await receive((m) => m === "tick"); // after 1 s, again after 2 s, …
 * cancelTimer(ref);
 * ```
 * @throws {BadArgumentError} for a period that is not a finite number >= 1, or a bad destination
 * @since 0.1.0
 * @category Timers
 */
export function sendInterval(dest: Dest, msg: unknown, ms: number): Ref {
  return runtimeFor("sendInterval").interval(dest, msg, ms);
}

/**
 * Like {@link sendAfter}, but delivers a {@link TimeoutMessage} carrying the timer
 * reference and `msg` (Erlang's `start_timer`).
 *
 * @example
 * ```ts
 * import { isTimeout, receive, self, startTimer } from "@trellis/core";
 * const ref = startTimer(self(), "tick", 50);
 * const t = await receive(isTimeout);
 * t.ref === ref; // true
 * ```
 * @throws {BadArgumentError} for a negative, NaN or infinite time, or a bad destination
 * @since 0.1.0
 * @category Timers
 */
export function startTimer(dest: Dest, msg: unknown, ms: number, options?: TimerOptions): Ref {
  return runtimeFor("startTimer").timer(true, dest, msg, ms, options?.abs === true, "startTimer");
}

/**
 * Options of {@link cancelTimer}.
 *
 * @since 0.1.0
 * @category Timers
 */
export interface CancelTimerOptions {
  /**
   * When `true`, return `undefined` at once and deliver the result later as a
   * {@link CancelTimerMessage} to the caller. Default `false`.
   */
  readonly async?: boolean;
}

/**
 * Cancels a timer. Returns the milliseconds that were left, or `false` if it had already
 * fired or been cancelled (its message may then already be in the mailbox).
 *
 * @example
 * ```ts
 * import { cancelTimer, self, sendAfter } from "@trellis/core";
 * const ref = sendAfter(self(), "later", 1000);
 * cancelTimer(ref); // 1000
 * cancelTimer(ref); // false
 * ```
 * @since 0.1.0
 * @category Timers
 */
export function cancelTimer(
  ref: Ref,
  options: CancelTimerOptions & { readonly async: true },
): undefined;
export function cancelTimer(ref: Ref, options?: CancelTimerOptions): number | false;
export function cancelTimer(ref: Ref, options?: CancelTimerOptions): number | false | undefined {
  if (options?.async === true) {
    const p = current("cancelTimer(async)");
    timers.cancelTimerAsync(p.rt, p, ref);
    return undefined;
  }
  return runtimeFor("cancelTimer").cancelTimer(ref);
}

/**
 * The milliseconds left on a timer, or `false` if it has fired or been cancelled.
 *
 * @example
 * ```ts
 * import { readTimer, self, sendAfter } from "@trellis/core";
 * readTimer(sendAfter(self(), "later", 1000)); // 1000
 * ```
 * @since 0.1.0
 * @category Timers
 */
export function readTimer(ref: Ref): number | false {
  return runtimeFor("readTimer").readTimer(ref);
}

// ---------------------------------------------------------------------------------------
// Process dictionary

/**
 * Stores `value` under `key` in the calling process's dictionary (Elixir's `Process.put`)
 * and returns the previous value; `undefined` removes the key. The dictionary is visible in
 * `processInfo(pid).dictionary`; Task uses it for `$callers` and `$ancestors`, as Elixir does.
 * Prefer explicit state: the dictionary is for metadata about the process.
 *
 * @example
 * ```ts
 * import { getProcessData, putProcessData } from "@trellis/core";
 * putProcessData("request_id", "r-42");
 * getProcessData("request_id"); // "r-42"
 * ```
 * @throws {NotInProcessError} outside process code
 * @throws {BadArgumentError} if `key` is not a string
 * @since 0.1.0
 * @category Processes
 */
export function putProcessData(key: string, value: unknown): unknown {
  const p = current("putProcessData");
  if (typeof key !== "string") {
    throw new BadArgumentError(
      `putProcessData: the key must be a string, got ${formatReason(key)}`,
    );
  }
  const data = p.data;
  const previous = data?.get(key);
  if (value === undefined) data?.delete(key);
  else (p.data ??= new Map()).set(key, value);
  return previous;
}

/**
 * Reads `key` from the dictionary of the calling process, or of `pid` (Elixir's
 * `Process.get`, and `Process.info(pid, :dictionary)` for another process). `undefined` when
 * the key is absent or the process is dead.
 *
 * @example
 * ```ts
 * import { getProcessData } from "@trellis/core";
 * getProcessData("$callers"); // in a task: the chain of callers, nearest first
 * ```
 * @throws {NotInProcessError} outside process code when no `pid` is given
 * @since 0.1.0
 * @category Processes
 */
export function getProcessData(key: string, pid?: Pid): unknown {
  if (pid === undefined) return current("getProcessData").data?.get(key);
  if (!(pid instanceof Pid))
    throw new BadArgumentError(`getProcessData: expected a pid, got ${formatReason(pid)}`);
  const p = procOf(pid) as Proc | undefined;
  return p?.alive === true ? p.data?.get(key) : undefined;
}
