// The GenServer loop: a SpecialProcess (from @trellis/core's toolkit) that dispatches each
// message to the user's callbacks, interprets their results, and runs terminate.
//
// Synchronous callbacks are handled without allocating a Promise; a callback that returns a
// promise makes handleMessage return one, and the toolkit holds the next message back until
// it settles. Every path ends either normally (the server keeps running) or by throwing an
// ExitError with the exit reason, after terminate has run where OTP runs it.

import {
  type CallRequest,
  cancelTimer,
  currentRuntime,
  ExitError,
  type From,
  formatReason,
  isAlive,
  isCallRequest,
  isCastRequest,
  isQuietReason,
  logReport,
  type Pid,
  type Ref,
  reply,
  type SpecialProcess,
  self,
  send,
  sendAfter,
  type TelemetryHub,
  TIMEOUT,
  wouldLog,
  yieldProcess,
} from "@trellis/core";

/** Synchronous handleContinue steps in a row before the server yields to the scheduler. */
const CHAIN = 100;

/** The callbacks, as the loop sees them (the public types are in ../server.ts). */
export interface LooseCallbacks {
  init(arg: unknown): unknown;
  handleCall?(request: unknown, from: From, state: unknown): unknown;
  handleCast?(request: unknown, state: unknown): unknown;
  handleInfo?(message: unknown, state: unknown): unknown;
  handleContinue?(arg: unknown, state: unknown): unknown;
  terminate?(reason: unknown, state: unknown): unknown;
  formatStatus?(status: { state: unknown; message?: unknown; reason?: unknown }): unknown;
}

type Step = undefined | PromiseLike<void>;

const EV_START = ["trellis", "genServer", "handleCall", "start"] as const;
const EV_STOP = ["trellis", "genServer", "handleCall", "stop"] as const;
const EV_EXCEPTION = ["trellis", "genServer", "handleCall", "exception"] as const;

/** Whether anybody listens to the handleCall events. */
function listensToCalls(tel: TelemetryHub): boolean {
  return tel.listening(EV_START) || tel.listening(EV_STOP) || tel.listening(EV_EXCEPTION);
}

/** The message an idle timeout sends to its own server. */
class IdleTick {
  /** Brands ticks for {@link IdleTick.is}. */
  readonly #own = true;

  /**
   * Whether `v` is a tick: a private brand check, which runs no code of a hostile message's
   * author (no Proxy trap) and costs a few nanoseconds, against ~60–100 ns for core's
   * `isInstanceOf` (a Proxy test per prototype). Ticks are made only here, by `new`.
   */
  static is(v: unknown): v is IdleTick {
    return typeof v === "object" && v !== null && #own in v;
  }
}

/** Which callback a result came from. */
type Kind = "init" | "call" | "cast" | "info" | "continue";

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

/**
 * What the loop throws to end its process with `reason`. A reason that is itself an error
 * (the common crash: a callback threw it) is thrown as it is: the runtime's exit reason for
 * a thrown error is that error, so the exit is the same and no `ExitError` is built around
 * it (its message formatting was the largest cost left of a crash, ADR 0004, session 4). An
 * `ExitError` given as the reason is wrapped, or the runtime would unwrap it. Other reasons
 * get an `ExitError` without a stack: the runtime takes only its reason (nobody catches it
 * or sees its frames, which would be the loop's own), and capturing one was the largest
 * single cost of a crash and restart cycle (ADR 0004, session 3).
 */
export function exitError(reason: unknown): Error {
  if (isOwnError(reason)) return reason;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new ExitError(reason);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Whether `reason` is an error the runtime takes as its own exit reason when thrown. */
function isOwnError(reason: unknown): reason is Error {
  try {
    return reason instanceof Error && !(reason instanceof ExitError);
  } catch {
    return false; // a hostile value (a revoked Proxy…): not an Error
  }
}

/** The exit reason for a value thrown out of a callback, as core computes it for processes. */
export function reasonOf(e: unknown): unknown {
  if (e instanceof ExitError) return e.exitReason;
  if (e instanceof Error) return e;
  return { nocatch: e };
}

/** Whether `r` is not a valid result of a `kind` callback. */
function invalid(kind: Kind, r: unknown): boolean {
  if (typeof r !== "object" || r === null) return true;
  const res = r as ActionFields & { type?: unknown };
  switch (res.type) {
    case "ok":
      return kind !== "init" || !("state" in r) || !validActions(res);
    case "ignore":
      return kind !== "init";
    case "error":
      return kind !== "init" || !("reason" in r);
    case "stop":
      return !("reason" in r) || (kind !== "init" && !("state" in r));
    case "reply":
      return kind !== "call" || !("reply" in r) || !("state" in r) || !validActions(res);
    case "noreply":
      return kind === "init" || !("state" in r) || !validActions(res);
    case "stopReply":
      return kind !== "call" || !("reason" in r) || !("reply" in r) || !("state" in r);
    default:
      return true;
  }
}

/**
 * Whether `r` is a result of type `type` (`"noreply"`, or `"reply"` with its `reply`) with no
 * action set (`continue` absent, `timeout` and `hibernate` undefined) and not a thenable:
 * the common results, whose whole effect is the new state (and the reply). The same answer
 * {@link invalid} and {@link Loop.apply} would give, with fewer checks.
 */
function isBare(r: unknown, type: "noreply" | "reply"): r is { state: unknown; reply: unknown } {
  if (typeof r !== "object" || r === null) return false;
  const res = r as ActionFields & { type?: unknown; then?: unknown };
  return (
    res.type === type &&
    "state" in res &&
    (type === "noreply" || "reply" in res) &&
    !("continue" in res) &&
    res.timeout === undefined &&
    res.hibernate === undefined &&
    typeof res.then !== "function"
  );
}

interface ActionFields {
  continue?: unknown;
  timeout?: unknown;
  hibernate?: unknown;
}

function validActions(r: ActionFields): boolean {
  let n = 0;
  if ("continue" in r) n++;
  if (r.timeout !== undefined) {
    n++;
    if (!validTimeout(r.timeout)) return false;
  }
  if (r.hibernate !== undefined) {
    if (typeof r.hibernate !== "boolean") return false;
    if (r.hibernate) n++;
  }
  return n <= 1;
}

function validTimeout(t: unknown): boolean {
  if (typeof t === "number") return t >= 0;
  if (typeof t !== "object" || t === null) return false;
  const { after, abs } = t as { after?: unknown; abs?: unknown };
  if (typeof after !== "number" || Number.isNaN(after)) return false;
  if (abs !== undefined && typeof abs !== "boolean") return false;
  return abs === true ? Number.isFinite(after) : after >= 0;
}

/** The formatted status of a server, through its formatStatus callback if any. */
function formatted(
  cb: LooseCallbacks,
  status: { state: unknown; message?: unknown; reason?: unknown },
): { state: unknown; message?: unknown; reason?: unknown } {
  if (cb.formatStatus === undefined) return status;
  try {
    const out = cb.formatStatus(status);
    return typeof out === "object" && out !== null ? (out as typeof status) : status;
  } catch (e) {
    return { ...status, state: `formatStatus threw: ${formatReason(e)}` };
  }
}

export class Loop implements SpecialProcess {
  state: unknown = undefined;
  private readonly cb: LooseCallbacks;
  /** The last message handled (for crash reports). */
  private last: unknown = undefined;
  /** Who sent it, for a call. */
  private client: From | undefined = undefined;
  /** The pending idle timeout: its tick, timer and message. */
  private tick: IdleTick | undefined = undefined;
  /**
   * Whether this server ever armed an idle timeout. Until it does, no tick of its own can be
   * in its mailbox, and a message is not tested for being one.
   */
  private ticked = false;
  private tickTimer: Ref | undefined = undefined;
  private tickMessage: unknown = TIMEOUT;
  /** Whether a handleContinue runs within continueWith's loop (its result is synchronous). */
  private chaining = false;
  /** The continue a synchronous handleContinue result asked for, for continueWith's loop. */
  private chained: { arg: unknown } | undefined = undefined;
  /** The runtime's telemetry (set in init, which runs in the server process). */
  private tel: TelemetryHub | undefined = undefined;

  constructor(callbacks: LooseCallbacks) {
    this.cb = callbacks;
  }

  // ----------------------------------------------------------------------------------
  // SpecialProcess

  handleMessage(msg: unknown): Step {
    if (this.ticked && IdleTick.is(msg)) {
      if (msg !== this.tick) return undefined; // a tick whose timeout was cancelled
      this.tick = undefined;
      this.tickTimer = undefined;
      return this.info(this.tickMessage);
    }
    if (this.tick !== undefined) this.cancelIdle();
    if (isCastRequest(msg)) {
      // handleCast is called from here, not from a method of its own: every frame under a
      // callback is one more that an Error made in it captures (~0.3–1 µs each, ADR 0004).
      const req = msg.request;
      this.last = req;
      this.client = undefined;
      const h = this.cb.handleCast;
      if (h === undefined) return this.noHandleCast();
      let r: unknown;
      try {
        r = h.call(this.cb, req, this.state);
      } catch (e) {
        return this.crash(e);
      }
      // The common result first: a bare `noreply(state)` (no continue, timeout or hibernate)
      // needs none of apply's generic validation. Anything else takes the general path.
      if (isBare(r, "noreply")) {
        this.state = r.state;
        return undefined;
      }
      return this.result("cast", r, undefined);
    }
    if (isCallRequest(msg)) return this.call(msg);
    return this.info(msg);
  }

  getState(): unknown {
    return this.state;
  }

  replaceState(fn: (state: unknown) => unknown): unknown {
    this.state = fn(this.state);
    return this.state;
  }

  formatStatus(): unknown {
    return formatted(this.cb, { state: this.state }).state;
  }

  /**
   * `GenServer.stop` (through core's `Sys.terminate`): run terminate(reason, state); the
   * toolkit then answers the stopper and exits with `reason`. If terminate throws, the
   * server crashes with that error instead.
   */
  handleStop(reason: unknown): void | PromiseLike<void> {
    this.last = { stop: reason };
    this.client = undefined;
    const t = this.cb.terminate;
    const done = (): void => {
      if (!isQuietReason(reason)) this.report(reason);
    };
    if (t === undefined) return done();
    const r = t.call(this.cb, reason, this.state);
    if (isThenable(r)) return Promise.resolve(r).then(done);
    return done();
  }

  handleParentExit(reason: unknown): Step {
    this.last = { EXIT: reason };
    this.client = undefined;
    return this.runTerminate(reason, undefined);
  }

  // ----------------------------------------------------------------------------------
  // init

  /**
   * Runs the user's init and returns what the toolkit's init returns (or a promise of it).
   * A throw or rejection goes to the toolkit, which fails the start with it.
   */
  init(arg: unknown): unknown {
    this.tel = currentRuntime().telemetry;
    const r = this.cb.init(arg);
    if (isThenable(r)) return Promise.resolve(r).then((v) => this.initDone(v));
    return this.initDone(r);
  }

  private initDone(r: unknown): unknown {
    if (invalid("init", r)) return { type: "stop", reason: { bad_return_value: r } };
    const res = r as { type: string; state?: unknown; continue?: unknown; timeout?: unknown };
    if (res.type !== "ok") return r;
    this.state = res.state;
    if ("continue" in res) {
      const arg = res.continue;
      return { type: "ok", process: this, continue: () => this.continueWith(arg) };
    }
    if (res.timeout !== undefined) this.armIdle(res.timeout);
    return { type: "ok", process: this };
  }

  // ----------------------------------------------------------------------------------
  // Dispatch

  private noHandleCast(): Step {
    return this.crash(
      new Error(
        `attempted to cast GenServer ${String(self())} but no handleCast callback was provided`,
      ),
    );
  }

  private call(msg: CallRequest): Step {
    this.last = msg.request;
    this.client = msg.from;
    const h = this.cb.handleCall;
    if (h === undefined) {
      return this.crash(
        new Error(
          `attempted to call GenServer ${String(self())} but no handleCall callback was provided`,
        ),
      );
    }
    if (this.tel?.enabled === true && listensToCalls(this.tel))
      return this.tracedCall(msg, h, this.tel);
    let r: unknown;
    try {
      r = h.call(this.cb, msg.request, msg.from, this.state);
    } catch (e) {
      return this.crash(e);
    }
    if (isBare(r, "reply")) {
      this.state = r.state;
      reply(msg.from, r.reply);
      return undefined;
    }
    return this.result("call", r, msg.from);
  }

  /** handleCall between `trellis.genServer.handleCall` start and stop/exception events. */
  private tracedCall(
    msg: CallRequest,
    h: NonNullable<LooseCallbacks["handleCall"]>,
    tel: TelemetryHub,
  ): Step {
    const meta = { pid: self(), request: msg.request, from: msg.from, context: msg.from.context };
    const rt = currentRuntime();
    const t0 = rt.now();
    tel.execute(EV_START, { monotonicTime: t0, systemTime: Date.now() }, meta);
    const stop = (): void =>
      tel.execute(EV_STOP, { duration: rt.now() - t0, monotonicTime: rt.now() }, meta);
    const fail = (e: unknown): Step => {
      tel.execute(
        EV_EXCEPTION,
        { duration: rt.now() - t0, monotonicTime: rt.now() },
        { ...meta, kind: "error", reason: e },
      );
      return this.crash(e);
    };
    let r: unknown;
    try {
      r = h.call(this.cb, msg.request, msg.from, this.state);
    } catch (e) {
      return fail(e);
    }
    if (isThenable(r)) {
      return r.then(
        (v) => {
          stop();
          return this.apply("call", v, msg.from);
        },
        (e: unknown) => fail(e),
      );
    }
    stop();
    return this.apply("call", r, msg.from);
  }

  private info(msg: unknown): Step {
    this.last = msg;
    this.client = undefined;
    const h = this.cb.handleInfo;
    if (h === undefined) {
      logReport({
        kind: "error",
        message: `GenServer ${String(self())} received an unexpected message in handleInfo: ${formatReason(msg)}`,
        behaviour: "GenServer",
        unexpectedMessage: msg,
      });
      return undefined;
    }
    let r: unknown;
    try {
      r = h.call(this.cb, msg, this.state);
    } catch (e) {
      return this.crash(e);
    }
    return this.result("info", r, undefined);
  }

  /**
   * Runs handleContinue(arg) and every continue it chains, as a loop (no stack grows, as in
   * gen_server's loop). After {@link CHAIN} synchronous steps the process yields to the
   * scheduler, so other processes, timers and I/O run while a long chain goes on; no
   * message (system messages included) is handled until the chain ends, as in OTP.
   */
  private continueWith(arg: unknown): Step {
    let next = arg;
    for (let n = 0; n < CHAIN; n++) {
      this.chaining = true;
      let step: Step;
      try {
        step = this.continueOnce(next);
      } finally {
        this.chaining = false;
      }
      const chained = this.chained;
      if (chained === undefined) return step;
      this.chained = undefined;
      next = chained.arg;
    }
    return yieldProcess().then(() => this.continueWith(next));
  }

  private continueOnce(arg: unknown): Step {
    this.last = { continue: arg };
    this.client = undefined;
    const h = this.cb.handleContinue;
    if (h === undefined) {
      return this.crash(
        new Error(
          `GenServer ${String(self())} returned a continue but no handleContinue callback was provided`,
        ),
      );
    }
    let r: unknown;
    try {
      r = h.call(this.cb, arg, this.state);
    } catch (e) {
      return this.crash(e);
    }
    return this.result("continue", r, undefined);
  }

  /** Interprets a callback's result once it is there. */
  private result(kind: Kind, r: unknown, from: From | undefined): Step {
    if (isThenable(r)) {
      return r.then(
        (v) => this.apply(kind, v, from),
        (e: unknown) => this.crash(e),
      );
    }
    return this.apply(kind, r, from);
  }

  /** Interprets a callback's result. */
  private apply(kind: Kind, r: unknown, from: From | undefined): Step {
    if (invalid(kind, r)) return this.runTerminate({ bad_return_value: r }, undefined);
    const res = r as {
      type: "reply" | "noreply" | "stop" | "stopReply";
      state: unknown;
      reply?: unknown;
      reason?: unknown;
      continue?: unknown;
      timeout?: unknown;
    };
    this.state = res.state;
    switch (res.type) {
      case "reply":
        reply(from as From, res.reply);
        break;
      case "noreply":
        break;
      case "stop":
        return this.runTerminate(res.reason, undefined);
      case "stopReply": {
        const value = res.reply;
        return this.runTerminate(res.reason, () => reply(from as From, value));
      }
    }
    if ("continue" in res) {
      if (!this.chaining) return this.continueWith(res.continue);
      // Within continueWith's loop: it runs the next step.
      this.chained = { arg: res.continue };
      return undefined;
    }
    if (res.timeout !== undefined) this.armIdle(res.timeout);
    return undefined;
  }

  // ----------------------------------------------------------------------------------
  // Idle timeout

  private armIdle(t: unknown): void {
    let after: number;
    let abs = false;
    if (typeof t === "number") {
      after = t;
      this.tickMessage = TIMEOUT;
    } else {
      const o = t as { after: number; message?: unknown; abs?: boolean };
      after = o.after;
      abs = o.abs === true;
      this.tickMessage = "message" in o ? o.message : TIMEOUT;
    }
    if (after === Number.POSITIVE_INFINITY) return;
    const tick = new IdleTick();
    this.ticked = true;
    this.tick = tick;
    if (!abs && after === 0) {
      // Behind whatever is already waiting: a waiting message cancels it, as in OTP.
      send(self(), tick);
      this.tickTimer = undefined;
    } else {
      this.tickTimer = sendAfter(self(), tick, after, { abs });
    }
  }

  private cancelIdle(): void {
    if (this.tickTimer !== undefined) cancelTimer(this.tickTimer);
    this.tick = undefined;
    this.tickTimer = undefined;
  }

  // ----------------------------------------------------------------------------------
  // Termination

  /** A callback threw (or rejected): terminate with the error as the reason. */
  private crash(e: unknown): Step {
    return this.runTerminate(reasonOf(e), undefined);
  }

  /**
   * Runs terminate(reason, state), then `after` (a stopReply's reply) whatever terminate
   * did, then exits: with `reason`, or with terminate's own crash reason if it threw.
   */
  private runTerminate(reason: unknown, after: (() => void) | undefined): Step {
    const t = this.cb.terminate;
    if (t !== undefined) {
      let r: unknown;
      try {
        r = t.call(this.cb, reason, this.state);
      } catch (e) {
        after?.();
        return this.exit(reasonOf(e));
      }
      if (isThenable(r)) {
        return r.then(
          () => {
            after?.();
            return this.exit(reason);
          },
          (e: unknown) => {
            after?.();
            return this.exit(reasonOf(e));
          },
        );
      }
    }
    after?.();
    return this.exit(reason);
  }

  private exit(reason: unknown): never {
    if (!isQuietReason(reason)) this.report(reason);
    throw exitError(reason);
  }

  /**
   * GenServer's own report for an abnormal exit (the runtime adds its crash report). Built
   * only when the logger would write it: formatting the state and reason is most of a crash.
   */
  private report(reason: unknown): void {
    if (wouldLog("error")) {
      const status = formatted(this.cb, { state: this.state, message: this.last, reason });
      logReport({
        kind: "error",
        message: `GenServer ${String(self())} terminating: ${formatReason(status.reason ?? reason)}`,
        behaviour: "GenServer",
        reason: status.reason ?? reason,
        lastMessage: status.message,
        state: status.state,
        ...(this.client?.pid === undefined
          ? {}
          : { client: this.client.pid, clientAlive: clientAlive(this.client.pid) }),
      });
    }
  }
}

/** Whether the client of the call that crashed the server is alive (for the report). */
function clientAlive(pid: Pid): boolean | undefined {
  try {
    return isAlive(pid);
  } catch {
    return undefined; // a pid of another node
  }
}
