/**
 * Errors raised by Trellis.
 *
 * @module
 */
import { safeFormat } from "./format.js";
import type { Pid } from "./pid.js";

const ERROR_BRAND = Symbol.for("trellis.error");
/** On a class whose `message` is a prototype getter formatting it on first read. */
const LAZY_MESSAGE = Symbol("trellis.lazyMessage");

/**
 * The `code` of every {@link TrellisError}, one per kind of failure.
 *
 * @since 0.1.0
 * @category Errors
 */
export type ErrorCode =
  | "badarg"
  | "not_in_process"
  | "process_exited"
  | "exit"
  | "call_failed"
  | "timeout"
  | "noproc"
  | "calling_self"
  | "already_started"
  | "init_failed";

/**
 * The base class of every error Trellis throws. It carries a machine-readable `code`, an
 * optional `cause`, and a brand so that {@link TrellisError.is} also recognises errors made
 * by another copy of the package.
 *
 * @example
 * ```ts
 * import { TrellisError, send } from "@trellis/core";
 * try {
 *   send("no_such_name", "hi");
 * } catch (err) {
 *   if (TrellisError.is(err)) console.log(err.code); // "badarg"
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class TrellisError extends Error {
  /** What kind of failure this is. */
  readonly code: ErrorCode;

  /** @param code the kind of failure @param message what was wrong and what to do */
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /**
   * Whether `value` is a Trellis error, optionally with the given code.
   *
   * @example
   * ```ts
   * import { TrellisError, BadArgumentError } from "@trellis/core";
   * TrellisError.is(new BadArgumentError("bad"), "badarg"); // true
   * ```
   */
  static is(value: unknown, code?: ErrorCode): value is TrellisError {
    if (typeof value !== "object" || value === null || !(ERROR_BRAND in value)) return false;
    return code === undefined || (value as unknown as TrellisError).code === code;
  }
}
Object.defineProperty(TrellisError.prototype, ERROR_BRAND, { value: true });

/**
 * Bad input at an API boundary (Erlang's `badarg`): a non-function to `spawn`, a negative
 * timeout, a destination that is neither a pid nor a name, a taken name. The message says
 * which argument was wrong.
 *
 * @example
 * ```ts
 * import { BadArgumentError, register, createRuntime } from "@trellis/core";
 * try {
 *   register("", createRuntime().spawn(async () => {}));
 * } catch (err) {
 *   err instanceof BadArgumentError; // true
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class BadArgumentError extends TrellisError {
  /** @param message what was wrong and what to do */
  constructor(message: string, options?: { cause?: unknown }) {
    super("badarg", message, options);
  }
}

/**
 * Thrown when a function that needs a current process (`self`, `receive`, `trapExit`,
 * `link`…) is called outside process code. Run the code inside `spawn` or `runtime.run`.
 *
 * @example
 * ```ts
 * import { NotInProcessError, self } from "@trellis/core";
 * try {
 *   self();
 * } catch (err) {
 *   err instanceof NotInProcessError; // true
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class NotInProcessError extends TrellisError {
  /** @param operation the function that was called */
  constructor(operation: string) {
    super(
      "not_in_process",
      `${operation} must be called from process code (inside spawn(), runtime.run() or a behaviour callback)`,
    );
  }
}

/**
 * Thrown into code that keeps running after its process has exited (for example the
 * continuation of an `await` in a process that was killed meanwhile): a dead process can no
 * longer send, reply, spawn, link, monitor or register.
 *
 * @example
 * ```ts
 * import { ProcessExitedError } from "@trellis/core";
 * const err = new ProcessExitedError("send", "killed");
 * err.reason; // "killed"
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class ProcessExitedError extends TrellisError {
  /** The exit reason of the process. */
  readonly reason: unknown;
  /** @param operation what was attempted @param reason why the process exited */
  constructor(operation: string, reason: unknown) {
    super(
      "process_exited",
      `${operation}: this process has already exited (reason: ${formatReason(reason)})`,
    );
    this.reason = reason;
  }
}

/** Whether `v` is an `Error`, without throwing for hostile values (a revoked Proxy). */
function isErrorObject(v: unknown): boolean {
  try {
    return v instanceof Error;
  } catch {
    return false;
  }
}

/**
 * An exit raised in process code, as Erlang's `exit(Reason)`: when it is not caught, the
 * process exits with `reason` (not with the error object). `exit("shutdown")` therefore stops
 * a process quietly, and `exit("boom")` crashes it with reason `"boom"`.
 *
 * @example
 * ```ts
 * import { ExitError, createRuntime } from "@trellis/core";
 * const rt = createRuntime();
 * rt.spawn(async () => {
 *   throw new ExitError({ shutdown: "done" }); // same as exit({ shutdown: "done" })
 * });
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class ExitError extends TrellisError {
  /** The exit reason. */
  readonly reason: unknown;

  /** @param reason the exit reason @param code for subclasses */
  constructor(
    reason: unknown,
    message?: string,
    code: ErrorCode = "exit",
    options?: { cause?: unknown },
  ) {
    // An exit whose reason is itself an error (a behaviour ending with the error its callback
    // threw) carries that error's frames; its own would only show the runtime or behaviour
    // internals that rethrow it, and capturing them was the largest single cost of a
    // supervisor restart cycle (ADR 0004, session 3). Other exits keep their frames.
    const limit = Error.stackTraceLimit;
    const frameless = new.target === ExitError && isErrorObject(reason);
    if (frameless) Error.stackTraceLimit = 0;
    try {
      // A class with a lazy message (CallError's) gets no own `message`: its prototype's
      // getter formats the text when it is first read.
      super(
        code,
        message ??
          ((new.target as unknown as Record<symbol, unknown>)[LAZY_MESSAGE] === true
            ? (undefined as unknown as string)
            : `process exit: ${formatReason(reason)}`),
        options,
      );
    } finally {
      if (frameless) Error.stackTraceLimit = limit;
    }
    this.reason = reason;
  }

  /**
   * The reason the process exits with when this error is not caught.
   *
   * @example
   * ```ts
   * import { ExitError } from "@trellis/core";
   * new ExitError("normal").exitReason; // "normal"
   * ```
   */
  get exitReason(): unknown {
    return this.reason;
  }
}

/**
 * The operation a failed call was making, like Erlang's `{Module, Function, Args}` in
 * `{timeout, {gen_server, call, [Server, Request, Timeout]}}`.
 *
 * @since 0.1.0
 * @category Errors
 */
export interface CallOperation {
  /** The behaviour, e.g. `"GenServer"`. */
  readonly module: string;
  /** The function, e.g. `"call"`. */
  readonly function: string;
  /** The arguments, e.g. `[server, request, 5000]`. */
  readonly args: readonly unknown[];
}

/**
 * A synchronous request to a process failed: the server died during the call (`reason` is
 * its exit reason), or the call timed out, found no process, or called itself (see the
 * subclasses). Uncaught inside a process it crashes that process, as the exit of a failed
 * `GenServer.call` does in Elixir. Its `message` is formatted when first read (an accessor of
 * the class, not an own property, so that a burst of timeouts nobody logs formats nothing):
 * before copying the error with `structuredClone` or `postMessage`, which keep only an own
 * `message`, assign it (`err.message = err.message`).
 *
 * @example
 * ```ts
 * import { CallError } from "@trellis/core";
 * const err = new CallError("killed", { module: "GenServer", function: "call", args: [] });
 * err.reason; // "killed"
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class CallError extends ExitError {
  /** What was being called. */
  readonly operation: CallOperation;

  /** The message once formatted (see the `message` accessor made in the static block). */
  #text: string | undefined = undefined;

  /** @param reason why the call failed @param operation what was being called */
  constructor(reason: unknown, operation: CallOperation, code: ErrorCode = "call_failed") {
    super(reason, undefined, code);
    this.operation = operation;
  }

  static {
    // A call error's `message` is formatted when it is first read (from its `operation` and
    // `reason`; the same text as before), not when the error is made: a burst of call
    // timeouts under overload made thousands of errors whose text nobody read (ADR 0004,
    // session 4, second round). The text is then kept. Assigning `message` makes it an own
    // data property, as on any error. V8 formats the stack's first line (`name: message`)
    // on its first read too.
    Object.defineProperty(CallError.prototype, "message", {
      configurable: true,
      enumerable: false,
      get(this: CallError): string {
        // not made by the constructor (Object.create): the text Error.prototype has
        if (!(#text in this)) return "";
        this.#text ??= describeCall(this);
        return this.#text;
      },
      set(this: CallError, value: unknown) {
        Object.defineProperty(this, "message", {
          value,
          writable: true,
          configurable: true,
          enumerable: false,
        });
      },
    });
    Object.defineProperty(CallError, LAZY_MESSAGE, { value: true });
  }

  /**
   * As in Erlang, a process that does not catch a failed call exits with the pair of the
   * reason and the operation. Here the pair is this error itself, except when the server
   * stopped with `"shutdown"`: then the exit reason is `{ shutdown: this }`, so the caller
   * also stops quietly.
   *
   * @example
   * ```ts
   * import { CallError } from "@trellis/core";
   * const op = { module: "GenServer", function: "call", args: [] };
   * new CallError("shutdown", op).exitReason; // { shutdown: <the error> }
   * ```
   */
  override get exitReason(): unknown {
    return this.reason === "shutdown" ? { shutdown: this } : this;
  }
}

/**
 * A call got no answer within its timeout. The server keeps running and a late reply is
 * dropped: it never reaches the caller's mailbox.
 *
 * @example
 * ```ts
 * import { CallTimeoutError } from "@trellis/core";
 * const err = new CallTimeoutError({ module: "GenServer", function: "call", args: ["s", "req", 100] });
 * err.code; // "timeout"
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class CallTimeoutError extends CallError {
  /** @param operation what was being called */
  constructor(operation: CallOperation) {
    super("timeout", operation, "timeout");
  }
}

/**
 * The target of a call (or stop) does not exist: a dead pid, or a name nobody holds.
 *
 * @example
 * ```ts
 * import { NoProcessError } from "@trellis/core";
 * new NoProcessError({ module: "GenServer", function: "call", args: ["missing", "ping", 5000] }).reason; // "noproc"
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class NoProcessError extends CallError {
  /** @param operation what was being called */
  constructor(operation: CallOperation) {
    super("noproc", operation, "noproc");
  }
}

/**
 * A process called itself (by pid or by its own name), which could only deadlock.
 *
 * @example
 * ```ts
 * import { CallingSelfError } from "@trellis/core";
 * new CallingSelfError({ module: "GenServer", function: "call", args: [] }).reason; // "calling_self"
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class CallingSelfError extends CallError {
  /** @param operation what was being called */
  constructor(operation: CallOperation) {
    super("calling_self", operation, "calling_self");
  }
}

/**
 * A process could not be started under a name because another process holds it
 * (`{error, {already_started, Pid}}`). `pid` is the holder.
 *
 * @example
 * ```ts
 * import { AlreadyStartedError, createRuntime } from "@trellis/core";
 * const holder = createRuntime().spawn(async () => {});
 * new AlreadyStartedError("cache", holder).pid === holder; // true
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class AlreadyStartedError extends TrellisError {
  /** The process that holds the name. */
  readonly pid: Pid;
  /** The name that was taken. */
  readonly processName: unknown;
  /** @param name the name @param pid its holder */
  constructor(name: unknown, pid: Pid) {
    super("already_started", `the name ${formatReason(name)} is already registered to ${pid}`);
    this.pid = pid;
    this.processName = name;
  }
}

/**
 * A process failed to start: its initialisation stopped, returned an error, threw, returned
 * something invalid, or took longer than the start timeout (`reason` is `"timeout"`).
 * `reason` is what Erlang's start function would return in `{error, Reason}`.
 *
 * @example
 * ```ts
 * import { InitError } from "@trellis/core";
 * new InitError("timeout").reason; // "timeout"
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class InitError extends TrellisError {
  /** Why the start failed. */
  readonly reason: unknown;
  /** @param reason why the start failed */
  constructor(reason: unknown, options?: { cause?: unknown }) {
    super("init_failed", `the process failed to start: ${formatReason(reason)}`, options);
    this.reason = reason;
  }
}

/** A call error's message: the operation and why it failed. */
function describeCall(e: CallError): string {
  return `${describeOperation(e.operation)} failed: ${describeCallReason(e.reason)}`;
}

function describeOperation(op: CallOperation): string {
  return `${op.module}.${op.function}(${op.args.map((a) => formatReason(a)).join(", ")})`;
}

function describeCallReason(reason: unknown): string {
  switch (reason) {
    case "timeout":
      return "no reply within the timeout (the server is still running; raise the timeout or make the server answer sooner)";
    case "noproc":
      return "no process is alive at that pid or name";
    case "calling_self":
      return "a process cannot call itself";
    default:
      return `the server exited with reason ${formatReason(reason)}`;
  }
}

/**
 * The exit reason of a process whose code threw `thrown`: an {@link ExitError}'s
 * `exitReason`, an `Error` itself, and `{ nocatch: value }` for anything else (Erlang's
 * `{nocatch, V}`). Behaviours use it to compute the reason they pass to `terminate`.
 *
 * @example
 * ```ts
 * import { ExitError, exitReasonOf } from "@trellis/core";
 * exitReasonOf(new ExitError("shutdown")); // "shutdown"
 * exitReasonOf("oops"); // { nocatch: "oops" }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export function exitReasonOf(thrown: unknown): unknown {
  try {
    if (thrown instanceof ExitError) return thrown.exitReason;
    if (thrown instanceof Error) return thrown;
  } catch {
    // a hostile value (a revoked Proxy…) whose prototype cannot be read: not an Error
  }
  return { nocatch: thrown };
}

/**
 * Formats an exit reason (or any term) for messages and logs: strings as they are, Errors by
 * their message, other values as compact JSON-like text. It never throws, whatever the value:
 * nesting is cut at a fixed depth, long output is cut with `…`, cycles print as
 * `"[Circular]"` and parts that throw when read (a revoked Proxy, a throwing getter or
 * `toJSON`) print as `"[unprintable]"`.
 *
 * @example
 * ```ts
 * import { formatReason } from "@trellis/core";
 * formatReason({ shutdown: "idle" }); // '{"shutdown":"idle"}'
 * ```
 * @since 0.1.0
 * @category Errors
 */
export function formatReason(reason: unknown): string {
  return safeFormat(reason);
}

/**
 * @internal Builds an error without capturing a stack trace, for errors the runtime raises
 * from its own timers and monitors (a call's timeout, a call's server gone): their stack
 * would only show the runtime's internals, never the caller's code, and capturing it was
 * the largest cost of a burst of call timeouts (ADR 0004). The error's `stack` is its
 * `name: message` line.
 */
export function withoutStack<E extends Error>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
