/**
 * The messages the runtime itself delivers (EXIT, DOWN, timer messages) and the exit-reason
 * vocabulary. They are class instances with a `type` tag and type guards, so they can never
 * be mistaken for user data.
 *
 * @module
 */
import { hasBrand } from "./brand.js";
import type { Pid, Ref } from "./pid.js";

const EXIT_BRAND = Symbol.for("trellis.exit-message");
const DOWN_BRAND = Symbol.for("trellis.down-message");
const TIMEOUT_BRAND = Symbol.for("trellis.timeout-message");
const CANCEL_BRAND = Symbol.for("trellis.cancel-timer-message");

/**
 * An exit reason. Any value can be one; these are the ones with a meaning of their own:
 *
 * - `"normal"`: a clean exit. Not propagated to non-trapping links, not logged.
 * - `"shutdown"` and `{ shutdown: term }`: an orderly stop. Propagated to links, not logged.
 * - `"kill"`: as a signal (`exit(pid, "kill")`), cannot be trapped; the victim exits `"killed"`.
 * - `"killed"`: what links and monitors see after a kill.
 * - `"noproc"`: the target did not exist (link, monitor, call).
 * - `"noconnection"`: the target's node became unreachable.
 * - an `Error`: a crash (a throw or a rejected promise in process code).
 *
 * @since 0.1.0
 * @category Signals
 */
export type ExitReason =
  | "normal"
  | "shutdown"
  | ShutdownWith
  | "kill"
  | "killed"
  | "noproc"
  | "noconnection"
  | Error
  | unknown;

/**
 * The exit reason `{ shutdown: term }`: an orderly stop with a detail (Erlang's `{shutdown, Term}`).
 *
 * @since 0.1.0
 * @category Signals
 */
export interface ShutdownWith {
  /** The detail. */
  readonly shutdown: unknown;
}

/**
 * Whether `reason` is `"shutdown"` or `{ shutdown: term }`.
 *
 * @example
 * ```ts
 * import { isShutdownReason } from "@trellis/core";
 * isShutdownReason({ shutdown: "idle" }); // true
 * isShutdownReason("normal"); // false
 * ```
 * @since 0.1.0
 * @category Signals
 */
export function isShutdownReason(reason: unknown): reason is "shutdown" | ShutdownWith {
  if (reason === "shutdown") return true;
  if (typeof reason !== "object" || reason === null) return false;
  try {
    return (
      Object.getPrototypeOf(reason) === Object.prototype &&
      Object.keys(reason).length === 1 &&
      "shutdown" in reason
    );
  } catch {
    return false; // a hostile reason (a revoked Proxy…) is not a shutdown
  }
}

/**
 * Whether `reason` ends a process quietly: `"normal"`, `"shutdown"` or `{ shutdown: term }`.
 * Other reasons produce a crash report, and make a transient child restart.
 *
 * @example
 * ```ts
 * import { isQuietReason } from "@trellis/core";
 * isQuietReason("normal"); // true
 * isQuietReason(new Error("boom")); // false
 * ```
 * @since 0.1.0
 * @category Signals
 */
export function isQuietReason(reason: unknown): boolean {
  return reason === "normal" || isShutdownReason(reason);
}

/**
 * Erlang's `{'EXIT', From, Reason}`: an exit signal turned into a message, delivered to a
 * process that traps exits (see `trapExit`).
 *
 * @example
 * ```ts
 * import { isExit, receive, spawnLink, trapExit } from "@trellis/core";
 * trapExit(true);
 * spawnLink(() => { throw new Error("boom"); });
 * const msg = await receive(isExit);
 * msg.reason; // Error: boom
 * ```
 * @since 0.1.0
 * @category Signals
 */
export class ExitMessage {
  /** Brands instances of this class for a trap-free `instanceof`. */
  readonly #own = true;
  /** Always `"EXIT"`. */
  readonly type: "EXIT" = "EXIT";
  /** The process the signal came from. */
  readonly from: Pid;
  /** The exit reason. */
  readonly reason: unknown;

  /** @internal */
  constructor(from: Pid, reason: unknown) {
    this.from = from;
    this.reason = reason;
  }

  /**
   * `instanceof` that runs no code of the value's author (no Proxy trap, no getter): a private brand check: a
   * hostile message is just not an ExitMessage.
   */
  static [Symbol.hasInstance](value: unknown): value is ExitMessage {
    return typeof value === "object" && value !== null && #own in value;
  }
}
Object.defineProperty(ExitMessage.prototype, EXIT_BRAND, { value: true });

/**
 * A process named by its registered name on a node: what a DOWN carries instead of a pid
 * when the monitor was made by name (Erlang's `{Name, Node}`).
 *
 * @since 0.1.0
 * @category Signals
 */
export interface RegisteredName {
  /** The registered name. */
  readonly name: string;
  /** The node it is registered on. */
  readonly node: string;
}

/**
 * Erlang's `{'DOWN', Ref, process, Object, Reason}`: a monitored process exited (or never
 * existed: reason `"noproc"`). Exactly one arrives per monitor.
 *
 * @example
 * ```ts
 * import { isDown, monitor, receive, spawn } from "@trellis/core";
 * const pid = spawn(async () => {});
 * const ref = monitor(pid);
 * const down = await receive((m) => isDown(m) && m.ref === ref);
 * down.reason; // "normal"
 * ```
 * @since 0.1.0
 * @category Signals
 */
export class DownMessage {
  /** Brands instances of this class for a trap-free `instanceof`. */
  readonly #own = true;
  /** Always `"DOWN"`. */
  readonly type: "DOWN" = "DOWN";
  /** The monitor reference that `monitor()` returned. */
  readonly ref: Ref;
  /** The monitored process, or `{ name, node }` when it was monitored by name. */
  readonly pid: Pid | RegisteredName;
  /** Why it went down. */
  readonly reason: unknown;

  /** @internal */
  constructor(ref: Ref, pid: Pid | RegisteredName, reason: unknown) {
    this.ref = ref;
    this.pid = pid;
    this.reason = reason;
  }

  /**
   * `instanceof` that runs no code of the value's author (no Proxy trap, no getter): a private brand check: a
   * hostile message is just not a DownMessage.
   */
  static [Symbol.hasInstance](value: unknown): value is DownMessage {
    return typeof value === "object" && value !== null && #own in value;
  }
}
Object.defineProperty(DownMessage.prototype, DOWN_BRAND, { value: true });

/**
 * Erlang's `{timeout, TimerRef, Msg}`: what `startTimer` delivers.
 *
 * @example
 * ```ts
 * import { isTimeout, receive, self, startTimer } from "@trellis/core";
 * const ref = startTimer(self(), "tick", 100);
 * const msg = await receive(isTimeout);
 * msg.ref === ref && msg.message === "tick"; // true
 * ```
 * @since 0.1.0
 * @category Timers
 */
export class TimeoutMessage<M = unknown> {
  /** Brands instances of this class for a trap-free `instanceof`. */
  readonly #own = true;
  /** Always `"timeout"`. */
  readonly type: "timeout" = "timeout";
  /** The timer reference `startTimer` returned. */
  readonly ref: Ref;
  /** The message given to `startTimer`. */
  readonly message: M;

  /** @internal */
  constructor(ref: Ref, message: M) {
    this.ref = ref;
    this.message = message;
  }

  /**
   * `instanceof` that runs no code of the value's author (no Proxy trap, no getter): a private brand check: a
   * hostile message is just not a TimeoutMessage.
   */
  static [Symbol.hasInstance](value: unknown): value is TimeoutMessage {
    return typeof value === "object" && value !== null && #own in value;
  }
}
Object.defineProperty(TimeoutMessage.prototype, TIMEOUT_BRAND, { value: true });

/**
 * Erlang's `{cancel_timer, TimerRef, Result}`: the answer to `cancelTimer(ref, { async: true })`.
 * `remaining` is the time that was left in ms, or `false` if the timer had already fired or
 * been cancelled.
 *
 * @example
 * ```ts
 * import { cancelTimer, isCancelTimer, receive, self, sendAfter } from "@trellis/core";
 * const ref = sendAfter(self(), "later", 1000);
 * cancelTimer(ref, { async: true });
 * const msg = await receive(isCancelTimer);
 * msg.remaining; // 1000
 * ```
 * @since 0.1.0
 * @category Timers
 */
export class CancelTimerMessage {
  /** Brands instances of this class for a trap-free `instanceof`. */
  readonly #own = true;
  /** Always `"cancel_timer"`. */
  readonly type: "cancel_timer" = "cancel_timer";
  /** The timer reference. */
  readonly ref: Ref;
  /** Milliseconds that were left, or `false`. */
  readonly remaining: number | false;

  /** @internal */
  constructor(ref: Ref, remaining: number | false) {
    this.ref = ref;
    this.remaining = remaining;
  }

  /**
   * `instanceof` that runs no code of the value's author (no Proxy trap, no getter): a private brand check: a
   * hostile message is just not a CancelTimerMessage.
   */
  static [Symbol.hasInstance](value: unknown): value is CancelTimerMessage {
    return typeof value === "object" && value !== null && #own in value;
  }
}
Object.defineProperty(CancelTimerMessage.prototype, CANCEL_BRAND, { value: true });

function branded(value: unknown, brand: symbol): boolean {
  return hasBrand(value, brand);
}

/**
 * Whether `msg` is an EXIT message (see {@link ExitMessage}).
 *
 * @example
 * ```ts
 * import { isExit } from "@trellis/core";
 * isExit({ type: "EXIT" }); // false: user data can never pass for a system message
 * ```
 * @since 0.1.0
 * @category Signals
 */
export function isExit(msg: unknown): msg is ExitMessage {
  return branded(msg, EXIT_BRAND);
}

/**
 * Whether `msg` is a DOWN message (see {@link DownMessage}).
 *
 * @example
 * ```ts
 * import { isDown } from "@trellis/core";
 * isDown("DOWN"); // false
 * ```
 * @since 0.1.0
 * @category Signals
 */
export function isDown(msg: unknown): msg is DownMessage {
  return branded(msg, DOWN_BRAND);
}

/**
 * Whether `msg` is a timer message from `startTimer` (see {@link TimeoutMessage}).
 *
 * @example
 * ```ts
 * import { isTimeout } from "@trellis/core";
 * isTimeout("timeout"); // false
 * ```
 * @since 0.1.0
 * @category Timers
 */
export function isTimeout(msg: unknown): msg is TimeoutMessage {
  return branded(msg, TIMEOUT_BRAND);
}

/**
 * Whether `msg` is the answer to an asynchronous `cancelTimer` (see {@link CancelTimerMessage}).
 *
 * @example
 * ```ts
 * import { isCancelTimer } from "@trellis/core";
 * isCancelTimer({ type: "cancel_timer" }); // false
 * ```
 * @since 0.1.0
 * @category Timers
 */
export function isCancelTimer(msg: unknown): msg is CancelTimerMessage {
  return branded(msg, CANCEL_BRAND);
}

/**
 * A matcher for the DOWN of one monitor, for `receive`: Elixir's
 * `{:DOWN, ^ref, :process, _, reason}`.
 *
 * @example
 * ```ts
 * import { downFor, monitor, receive, spawn } from "@trellis/core";
 * const ref = monitor(spawn(async () => {}));
 * const down = await receive(downFor(ref));
 * down.reason; // "normal"
 * ```
 * @since 0.1.0
 * @category Signals
 */
export function downFor(ref: Ref): (msg: unknown) => msg is DownMessage {
  return (msg: unknown): msg is DownMessage => isDown(msg) && msg.ref === ref;
}

/**
 * A matcher for the EXIT message from one process, for `receive`.
 *
 * @example
 * ```ts
 * import { exitFrom, receive, spawnLink, trapExit } from "@trellis/core";
 * trapExit(true);
 * const pid = spawnLink(async () => {});
 * const msg = await receive(exitFrom(pid));
 * msg.reason; // "normal"
 * ```
 * @since 0.1.0
 * @category Signals
 */
export function exitFrom(pid: Pid): (msg: unknown) => msg is ExitMessage {
  return (msg: unknown): msg is ExitMessage => isExit(msg) && msg.from === pid;
}
