/**
 * The special-process toolkit: what Erlang's `proc_lib`, `sys` and `gen` give behaviours.
 * GenServer, Supervisor, GenStateMachine and the others are built on these functions only,
 * and so can your own behaviours (see the guide "Custom behaviours").
 *
 * - {@link startSpecial}: start a process with a synchronous, acknowledged initialisation
 *   (start timeout, init failure reported to the starter, names registered first).
 * - {@link call} / {@link reply} / {@link cast}: the request-reply protocol every behaviour
 *   shares, with monitors, timeouts and no late replies.
 * - {@link setMessageHandler}: the fast path: the scheduler calls a function per message.
 * - {@link Sys}: system messages (`getState`, `replaceState`, `getStatus`, `suspend`,
 *   `resume`) handled by the toolkit for every special process.
 *
 * @module
 */

import {
  AlreadyStartedError,
  BadArgumentError,
  CallError,
  CallingSelfError,
  type CallOperation,
  CallTimeoutError,
  ExitError,
  formatReason,
  InitError,
  NoProcessError,
  NotInProcessError,
  withoutStack,
} from "./errors.js";
import { ExitMessage } from "./messages.js";
import { Pid, procOf, type Ref } from "./pid.js";
import type { LinkedMonitor } from "./runtime/monitor-table.js";
import * as monitors from "./runtime/monitors.js";
import * as names from "./runtime/names.js";
import * as nodes from "./runtime/nodes.js";
import * as mailbox from "./runtime/receive.js";
import * as scheduler from "./runtime/scheduler.js";
import * as signals from "./runtime/signals.js";
import * as timers from "./runtime/timers.js";
import {
  currentProc,
  type Dest,
  type DownSink,
  defaultRuntime,
  ensureAlive,
  isViaName,
  type Proc,
  type ProcessName,
  type RemoteName,
  type Runtime,
  reasonFromThrown,
  type TimerEntry,
  type TimerSink,
  validTimeout,
} from "./runtime.js";

/** Set by `From`'s static block: the only way to make a `From` that carries a pending call. */
let makeFrom: (pid: Pid | undefined, ref: Ref, call: FromCall, context: unknown) => From;
/**
 * Set by `From`'s static block: whether a `From` was made by the toolkit, its runtime and its
 * pending call (read one field at a time: a reply allocates nothing to look at them).
 */
let isToolkitFrom: (from: From) => boolean;
let fromCall: (from: From) => FromCall | undefined;

/** What a toolkit `From` carries: its pending call, which knows its runtime. */
interface FromCall {
  readonly rt: Runtime;
  answer(value: unknown): void;
}

/**
 * Who is waiting for a reply: Erlang's `From` in `handle_call(Request, From, State)`.
 * Pass it to {@link reply}; it is valid in any process, at any later time.
 *
 * @example
 * ```ts
 * import { isCallRequest, reply, setMessageHandler, type From } from "@trellis/core";
 * const waiting: From[] = [];
 * setMessageHandler((msg) => {
 *   if (isCallRequest(msg)) waiting.push(msg.from); // answer later, from anywhere
 *   else if (msg === "release") for (const from of waiting.splice(0)) reply(from, "go");
 * });
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export class From {
  /** The calling process, or `undefined` for a call made outside process code. */
  readonly pid: Pid | undefined;
  /** The call's unique tag. */
  readonly ref: Ref;
  /**
   * The pending call, answered directly (no lookup), which knows the runtime it was made
   * from; only the toolkit sets it.
   */
  #call: FromCall | undefined = undefined;
  /** What travels with the call for telemetry; only the toolkit sets it. */
  #context: unknown = undefined;

  /**
   * What travels with the call for telemetry, e.g. a trace context: set by a handler of the
   * `["trellis", "call", "start"]` event (its metadata's `context`), `undefined` otherwise.
   * Behaviours pass it on in the metadata of their server-side events.
   */
  get context(): unknown {
    return this.#context;
  }

  /**
   * @internal A `From` made by anyone but the toolkit carries no pending call: a reply to it
   * goes to a remote caller by `ref`, or nowhere. Replies can never be diverted to whoever
   * built the envelope.
   */
  constructor(pid: Pid | undefined, ref: Ref) {
    this.pid = pid;
    this.ref = ref;
  }

  /** `instanceof` that runs no code of the value's author (no Proxy trap, no getter): a private brand check. */
  static [Symbol.hasInstance](value: unknown): value is From {
    return typeof value === "object" && value !== null && #call in value;
  }

  static {
    makeFrom = (pid, ref, call, context) => {
      const from = new From(pid, ref);
      from.#call = call;
      from.#context = context;
      return from;
    };
    isToolkitFrom = (from) => #call in from;
    fromCall = (from) => from.#call;
  }
}

// The envelopes' kinds, behind one private brand that the three envelope classes share
// (`Kind` below): telling a call, a cast and a system request apart is one brand check that
// succeeds and a private read. With a brand per class, a special process tested every
// message for a system request and then GenServer for a cast and a call: brand checks that
// fail, which cost about three times one that succeeds on V8 12.4 and later (~18 ns against
// ~6 ns on Node 20's V8 11.3; ADR 0004, "Session 4: Node 22").
const CALL = 1;
const CAST = 2;
const SYSTEM = 3;

/** The kind of an envelope (`CALL`, `CAST`, `SYSTEM`), 0 for any other object. */
let kindOf: (value: object) => number;

/** Returns the object it is given: the base of `Kind`, whose constructor then brands it. */
class Branded {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: brands an existing object (see Kind)
    return target;
  }
}

/**
 * Brands an envelope with its kind: `new Kind(envelope, CALL)` adds the private `#kind` to
 * the envelope itself (the base constructor returns it). A private field runs no code of
 * anybody's (no Proxy trap, no getter), is invisible to `Object.keys`, `inspect` and
 * `toEqual`, and only this class can add or read it; the envelope classes' public types
 * stay what they are.
 */
class Kind extends Branded {
  readonly #kind: number;
  constructor(target: object, kind: number) {
    super(target);
    this.#kind = kind;
  }

  static {
    kindOf = (value) => (#kind in value ? value.#kind : 0);
  }
}

/**
 * A synchronous request in a mailbox (Erlang's `{'$gen_call', From, Request}`). A special
 * process answers it with {@link reply}.
 *
 * @example
 * ```ts
 * import { CallRequest, reply, setMessageHandler } from "@trellis/core";
 * setMessageHandler((msg) => {
 *   if (msg instanceof CallRequest) reply(msg.from, `echo ${String(msg.request)}`);
 * });
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export class CallRequest<Req = unknown> {
  /**
   * Keeps the type nominal, as a private field would: only envelopes the toolkit (or this
   * class's constructor) made are `CallRequest`s, never an object of the same shape. Type-only:
   * the runtime brand is the shared `Kind`.
   */
  declare private readonly nominal: "CallRequest";
  /** Always `"$gen_call"`. */
  readonly type: "$gen_call" = "$gen_call";
  /** Where the reply goes. */
  readonly from: From;
  /** The request. */
  readonly request: Req;
  /** @internal */
  constructor(from: From, request: Req) {
    this.from = from;
    this.request = request;
    new Kind(this, CALL);
  }

  /** `instanceof` that runs no code of the value's author (no Proxy trap, no getter): a private brand check. */
  static [Symbol.hasInstance](value: unknown): value is CallRequest {
    return typeof value === "object" && value !== null && kindOf(value) === CALL;
  }
}

/**
 * An asynchronous request in a mailbox (Erlang's `{'$gen_cast', Request}`), as {@link cast}
 * sends it.
 *
 * @example
 * ```ts
 * import { CastRequest, setMessageHandler } from "@trellis/core";
 * let total = 0;
 * setMessageHandler((msg) => {
 *   if (msg instanceof CastRequest) total += msg.request as number;
 * });
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export class CastRequest<Req = unknown> {
  /**
   * Keeps the type nominal, as a private field would: only envelopes the toolkit (or this
   * class's constructor) made are `CastRequest`s, never an object of the same shape. Type-only:
   * the runtime brand is the shared `Kind`.
   */
  declare private readonly nominal: "CastRequest";
  /** Always `"$gen_cast"`. */
  readonly type: "$gen_cast" = "$gen_cast";
  /** The request. */
  readonly request: Req;
  /** @internal */
  constructor(request: Req) {
    this.request = request;
    new Kind(this, CAST);
  }

  /** `instanceof` that runs no code of the value's author (no Proxy trap, no getter): a private brand check. */
  static [Symbol.hasInstance](value: unknown): value is CastRequest {
    return typeof value === "object" && value !== null && kindOf(value) === CAST;
  }
}

/**
 * A system command, handled by the toolkit for every special process.
 *
 * @since 0.1.0
 * @category Toolkit
 */
export type SystemCommand =
  | {
      /** Answer with the state. */
      readonly type: "getState";
    }
  | {
      /** Replace the state with `fn(state)` and answer with it. */
      readonly type: "replaceState";
      /** Computes the new state. */
      readonly fn: (state: unknown) => unknown;
    }
  | {
      /** Answer with a {@link ProcessStatus}. */
      readonly type: "getStatus";
    }
  | {
      /** Handle only system messages until resumed. */
      readonly type: "suspend";
    }
  | {
      /** Handle all messages again. */
      readonly type: "resume";
    }
  | {
      /** Stop: run the behaviour's `terminate`, answer, and exit with `reason`. */
      readonly type: "terminate";
      /** The exit reason. */
      readonly reason: unknown;
    };

/**
 * A system message in a mailbox (Erlang's `{system, From, Request}`). Special processes
 * never see it (the toolkit handles it). The {@link Sys} functions send them; a behaviour
 * can also send one itself with {@link request}.
 *
 * @example
 * ```ts
 * import { request, SystemRequest } from "@trellis/core";
 * const state = await request(pid, 5000, { module: "My", function: "peek", args: [pid] },
 *   (from) => new SystemRequest(from, { type: "getState" }));
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export class SystemRequest {
  /**
   * Keeps the type nominal, as a private field would: only envelopes the toolkit (or this
   * class's constructor) made are `SystemRequest`s, never an object of the same shape. Type-only:
   * the runtime brand is the shared `Kind`.
   */
  declare private readonly nominal: "SystemRequest";
  /** Always `"system"`. */
  readonly type: "system" = "system";
  /** Where the answer goes. */
  readonly from: From;
  /** The command. */
  readonly command: SystemCommand;
  /** @internal */
  constructor(from: From, command: SystemCommand) {
    this.from = from;
    this.command = command;
    new Kind(this, SYSTEM);
  }

  /** `instanceof` that runs no code of the value's author (no Proxy trap, no getter): a private brand check. */
  static [Symbol.hasInstance](value: unknown): value is SystemRequest {
    return typeof value === "object" && value !== null && kindOf(value) === SYSTEM;
  }
}

/**
 * Whether `msg` is a {@link CallRequest}.
 *
 * @example
 * ```ts
 * import { isCallRequest } from "@trellis/core";
 * isCallRequest({ type: "$gen_call" }); // false: only the toolkit makes them
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export function isCallRequest(msg: unknown): msg is CallRequest {
  return typeof msg === "object" && msg !== null && kindOf(msg) === CALL;
}

/**
 * Whether `msg` is a {@link CastRequest}.
 *
 * @example
 * ```ts
 * import { isCastRequest } from "@trellis/core";
 * isCastRequest("hello"); // false
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export function isCastRequest(msg: unknown): msg is CastRequest {
  return typeof msg === "object" && msg !== null && kindOf(msg) === CAST;
}

/**
 * Whether `msg` is a {@link SystemRequest}.
 *
 * @example
 * ```ts
 * import { isSystemRequest } from "@trellis/core";
 * isSystemRequest("hello"); // false
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export function isSystemRequest(msg: unknown): msg is SystemRequest {
  return typeof msg === "object" && msg !== null && kindOf(msg) === SYSTEM;
}

function runtimeOf(caller: Proc | undefined, dest: Dest): Runtime {
  if (caller !== undefined) return caller.rt;
  if (dest instanceof Pid) {
    const p = procOf(dest) as Proc | undefined;
    if (p !== undefined) return p.rt;
  }
  return defaultRuntime();
}

/**
 * Options of {@link call}.
 *
 * @since 0.1.0
 * @category Toolkit
 */
export interface CallOptions {
  /** Milliseconds to wait for the reply. Default `5000`; `Infinity` waits forever. */
  readonly timeout?: number;
  /** The behaviour name used in errors, e.g. `"GenServer"`. Default `"gen"`. */
  readonly module?: string;
  /** The function name used in errors. Default `"call"`. */
  readonly function?: string;
}

/**
 * Sends a synchronous request to a special process and resolves with its reply (Erlang's
 * `gen:call`). The caller monitors the target for the duration of the call, so:
 *
 * - a dead pid or an unknown name rejects with {@link NoProcessError};
 * - calling oneself rejects with {@link CallingSelfError};
 * - no reply within `timeout` rejects with {@link CallTimeoutError}, and a late reply is
 *   dropped (it never reaches the caller's mailbox);
 * - the target dying first rejects with a {@link CallError} carrying its exit reason;
 * - the target's node being unreachable or disconnected rejects with a {@link CallError}
 *   whose reason is `{ nodedown: node }`.
 *
 * `dest` may be `{ name, node }` ({@link RemoteName}): the caller monitors that name on that
 * node (a DOWN `"noproc"` if nobody holds it) and the request goes to its holder, as
 * `gen:call({Name, Node}, …)` does.
 *
 * Uncaught inside a process, the rejection crashes that process, as the exit of a failed
 * call does in Elixir. It works outside process code too (but a call to another node needs
 * a calling process).
 *
 * @example
 * ```ts
 * import { call } from "@trellis/core";
 * const n = await call<number>("counter", { type: "get" }, { timeout: 1000, module: "Counter" });
 * const m = await call<number>({ name: "counter", node: "b@localhost" }, { type: "get" });
 * ```
 * @throws {BadArgumentError} (synchronously) for a bad timeout or destination
 * @since 0.1.0
 * @category Toolkit
 */
export function call<R = unknown>(
  dest: Dest,
  request: unknown,
  options: CallOptions = {},
): Promise<R> {
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(
      `call: options must be an object such as { timeout: ms }, got ${formatReason(options)}`,
    );
  }
  const module = options.module;
  const fn = options.function;
  if (module !== undefined && typeof module !== "string") {
    throw new BadArgumentError(
      `call: options.module must be a string, got ${formatReason(module)}`,
    );
  }
  if (fn !== undefined && typeof fn !== "string") {
    throw new BadArgumentError(`call: options.function must be a string, got ${formatReason(fn)}`);
  }
  const timeout = options.timeout === undefined ? 5000 : validTimeout("call", options.timeout);
  // The operation object ({ module, function, args }) is made only if an error or a
  // telemetry handler needs it (PendingCall.op): a call that succeeds allocates none.
  return request$(
    dest,
    timeout,
    undefined,
    module ?? "gen",
    fn ?? "call",
    undefined,
    request,
  ) as Promise<R>;
}

/** A call's operation, as errors and telemetry name it. */
function operation(
  module: string,
  fn: string,
  dest: Dest,
  request: unknown,
  timeout: number,
): CallOperation {
  return { module, function: fn, args: [dest, request, timeout] };
}

/**
 * The general form of {@link call}: sends the envelope that `wrap` builds around a new
 * {@link From}, and waits for the reply with the same monitoring and timeout rules. Use it
 * for protocols of your own (the toolkit's {@link Sys} functions use it).
 *
 * @example
 * ```ts
 * import { request, CallRequest } from "@trellis/core";
 * const answer = await request("server", 1000, { module: "My", function: "ask", args: [] }, (from) => new MyEnvelope(from));
 * ```
 * @throws {BadArgumentError} (synchronously) for a bad timeout, destination, operation or `wrap`
 * @since 0.1.0
 * @category Toolkit
 */
export function request(
  dest: Dest,
  timeout: number,
  operation: CallOperation,
  wrap: (from: From) => unknown,
): Promise<unknown> {
  if (
    typeof operation !== "object" ||
    operation === null ||
    typeof operation.module !== "string" ||
    typeof operation.function !== "string" ||
    !Array.isArray(operation.args)
  ) {
    throw new BadArgumentError(
      `request: operation must be { module, function, args }, got ${formatReason(operation)}`,
    );
  }
  if (typeof wrap !== "function")
    throw new BadArgumentError(`request: wrap must be a function, got ${formatReason(wrap)}`);
  return request$(
    dest,
    validTimeout(operation.function, timeout),
    operation,
    operation.module,
    operation.function,
    wrap,
    undefined,
  );
}

/** The calls each process is waiting on, so that its death forgets them. */
/**
 * Calls to another node wait for their reply in `runtime.replies` (the reply comes back as a
 * signal carrying the call's reference); these are dropped when the calling process exits.
 */
const remoteCalls = new WeakMap<Proc, Set<Ref>>();

function trackRemoteCall(caller: Proc, ref: Ref): void {
  let refs = remoteCalls.get(caller);
  if (refs === undefined) {
    const mine = new Set<Ref>();
    refs = mine;
    remoteCalls.set(caller, mine);
    const rt = caller.rt;
    (caller.exitHooks ??= []).push(() => {
      for (const r of mine) rt.replies.delete(r);
      mine.clear();
    });
  }
  refs.add(ref);
}

/** Whether `v` is a thenable (reading `then` may throw, for a hostile value). */
function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

/** What a settled call's resolve and reject become. */
const ignore = (_: unknown): void => {};

/**
 * One call in flight: the sink of its monitor and of its timeout, and what `reply` reaches
 * directly for a local call. One object per call instead of a closure per outcome; for a
 * call to a local process it is also the monitor's record in both processes' tables, and its
 * timeout's slot in a deadline bucket (ADR 0004, session 4).
 */
class PendingCall implements DownSink, timers.BucketSink, LinkedMonitor {
  readonly rt: Runtime;
  /** The calling process (the monitor record's watcher), or undefined outside processes. */
  readonly watcher: Proc | undefined;
  hPrev: LinkedMonitor | undefined = undefined;
  hNext: LinkedMonitor | undefined = undefined;
  wPrev: LinkedMonitor | undefined = undefined;
  wNext: LinkedMonitor | undefined = undefined;
  /** The local server it monitors through this record, or undefined. */
  server: Proc | undefined = undefined;
  /** The server: a pid, or `{ name, node }` for a name on another node. */
  readonly target: Pid | RemoteName;
  readonly ref: Ref;
  /** The operation, when given or once made (see {@link PendingCall.op}). */
  #op: CallOperation | undefined;
  readonly module: string;
  readonly fn: string;
  readonly dest: Dest;
  readonly request: unknown;
  readonly timeout: number;
  /** Dropped once the call has settled (settled), so a stale request holds no promise. */
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** {@link REMOTE}, {@link DONE}, {@link MONITORED}: one field for three booleans. */
  flags: number;
  /** Its timeout's deadline bucket while armed, and its slot there. */
  bucket: timers.DeadlineBucket | undefined = undefined;
  slot = 0;
  /** Its telemetry start event's metadata and time, when somebody listens. */
  tel: CallTelemetry | undefined = undefined;

  constructor(
    rt: Runtime,
    caller: Proc | undefined,
    target: Pid | RemoteName,
    op: CallOperation | undefined,
    module: string,
    fn: string,
    dest: Dest,
    request: unknown,
    timeout: number,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ) {
    this.rt = rt;
    this.watcher = caller;
    this.target = target;
    this.ref = rt.makeRef();
    this.#op = op;
    this.module = module;
    this.fn = fn;
    this.dest = dest;
    this.request = request;
    this.timeout = timeout;
    this.resolve = resolve;
    this.reject = reject;
    this.flags = target.node !== rt.node ? REMOTE : 0;
    rt.callsInFlight++;
  }

  /** The monitor record's watcher pid: the caller's. */
  get watcherPid(): Pid | undefined {
    return this.watcher?.pid;
  }

  /** The monitor record's name: a call monitors the pid its destination resolved to. */
  get name(): undefined {
    return undefined;
  }

  /** The monitor record's sink: the call itself. */
  get callback(): DownSink {
    return this;
  }

  get remote(): boolean {
    return (this.flags & REMOTE) !== 0;
  }

  get done(): boolean {
    return (this.flags & DONE) !== 0;
  }

  get monitored(): boolean {
    return (this.flags & MONITORED) !== 0;
  }

  set monitored(on: boolean) {
    this.flags = on ? this.flags | MONITORED : this.flags & ~MONITORED;
  }

  /**
   * The call's operation, `{ module, function, args: [dest, request, timeout] }`: made when
   * first asked for (errors and telemetry name it; a call that succeeds never looks).
   */
  get op(): CallOperation {
    this.#op ??= operation(this.module, this.fn, this.dest, this.request, this.timeout);
    return this.#op;
  }

  /**
   * Forgets the caller's promise once the call has ended: a request still queued at a busy
   * server (its caller timed out) then keeps only this object alive, not the promise and its
   * error (ADR 0004).
   */
  private settled(): void {
    this.resolve = ignore;
    this.reject = ignore;
  }

  /** Ends the call; false if it had already ended or its caller has exited meanwhile. */
  private finish(): boolean {
    if (this.done) return false;
    this.flags |= DONE;
    const { rt, watcher: caller } = this;
    rt.callsInFlight--;
    if (this.remote) {
      rt.replies.delete(this.ref);
      if (caller !== undefined) remoteCalls.get(caller)?.delete(this.ref);
    }
    if (this.bucket !== undefined) timers.cancelCallTimeout(rt, this);
    if (this.monitored) {
      if (this.server !== undefined) monitors.unmonitorLocal(this.server, this);
      else if (caller !== undefined) monitors.demonitor(rt, caller, this.ref, false);
      else monitors.demonitorCallback(rt, this.target, this.ref);
    }
    // a process that exited meanwhile gets nothing: its continuation must not run
    return caller === undefined || caller.alive;
  }

  /** Emits the call's stop (no error) or exception event. */
  private emitEnd(error: unknown): void {
    const tel = this.rt.telemetry;
    const t = this.tel as CallTelemetry;
    const meta = t.meta as Readonly<Record<string, unknown>>;
    const m = { duration: this.rt.now() - t.started, monotonicTime: this.rt.now() };
    if (error === undefined) tel.execute(EV_CALL_STOP, m, meta);
    else tel.execute(EV_CALL_EXCEPTION, m, { ...meta, kind: "exit", reason: error });
  }

  /** The reply arrived. */
  answer(value: unknown): void {
    if (this.tel !== undefined && !this.done) this.emitEnd(undefined);
    if (this.finish()) this.resolve(value);
    this.settled();
  }

  /** The monitor fired: the server is gone. */
  down(reason: unknown): void {
    this.monitored = false;
    if (this.tel !== undefined && !this.done) this.emitEnd(reason);
    if (!this.finish()) {
      this.settled();
      return;
    }
    const op = this.op;
    if (reason === "noproc") this.reject(withoutStack(() => new NoProcessError(op)));
    // as gen:call, a lost connection is {nodedown, Node}
    else if (reason === "noconnection")
      this.reject(withoutStack(() => new CallError({ nodedown: this.target.node }, op)));
    else this.reject(withoutStack(() => new CallError(reason, op)));
    this.settled();
  }

  /** The caller exited first: the call ends unanswered (its monitor is already gone). */
  ownerExited(): void {
    this.monitored = false;
    if (this.tel !== undefined && !this.done) this.emitEnd("caller_exited");
    this.finish();
    this.settled();
  }

  /** The request could not be sent. */
  fail(error: unknown): void {
    if (this.finish()) this.reject(error);
    this.settled();
  }

  /** The timeout expired. */
  fire(): void {
    if (this.tel !== undefined && !this.done) this.emitEnd("timeout");
    if (this.finish()) this.reject(withoutStack(() => new CallTimeoutError(this.op)));
    this.settled();
  }
}

/** {@link PendingCall.flags}: a call to another node. */
const REMOTE = 1;
/** {@link PendingCall.flags}: the call has ended. */
const DONE = 2;
/** {@link PendingCall.flags}: its monitor on the server is active. */
const MONITORED = 4;

/** A call's telemetry: its start event's metadata (a handler may set `context`) and time. */
interface CallTelemetry {
  readonly meta: { context: unknown; [k: string]: unknown };
  readonly started: number;
}

let capturedResolve: ((value: unknown) => void) | undefined;
let capturedReject: ((error: unknown) => void) | undefined;
const capture = (resolve: (value: unknown) => void, reject: (error: unknown) => void): void => {
  capturedResolve = resolve;
  capturedReject = reject;
};

/**
 * A call: sends `wrap(from)`, or a `CallRequest` of `request` when there is no `wrap`, and
 * waits for the reply.
 */
function request$(
  dest: Dest,
  timeout: number,
  op: CallOperation | undefined,
  module: string,
  fn: string,
  wrap: ((from: From) => unknown) | undefined,
  request: unknown,
): Promise<unknown> {
  const caller = currentProc();
  if (caller !== undefined && !caller.alive) ensureAlive(caller, `${module}.${fn}`);
  const rt = runtimeOf(caller, dest);
  // a pid or a local name without building the error's text (`module.fn`) per call
  const target =
    dest instanceof Pid
      ? dest
      : typeof dest === "string"
        ? rt.names.get(dest)?.pid
        : names.target(rt, dest, `${module}.${fn}`);
  if (target === undefined) {
    return Promise.reject(new NoProcessError(op ?? operation(module, fn, dest, request, timeout)));
  }
  if (caller !== undefined && target === caller.pid) {
    return Promise.reject(
      new CallingSelfError(op ?? operation(module, fn, dest, request, timeout)),
    );
  }
  const promise = new Promise<unknown>(capture);
  const call = new PendingCall(
    rt,
    caller,
    target,
    op,
    module,
    fn,
    dest,
    request,
    timeout,
    capturedResolve as (value: unknown) => void,
    capturedReject as (error: unknown) => void,
  );
  capturedResolve = undefined;
  capturedReject = undefined;
  if (rt.telemetry.enabled) callStart(call, caller);
  call.monitored = true;
  const server = target instanceof Pid ? (procOf(target) as Proc | undefined) : undefined;
  if (server !== undefined && server.rt === rt && server.alive) {
    // the common case: the call is its own monitor record (what monitors.monitor does)
    monitors.monitorLocal(server, caller, call);
    call.server = server;
  } else monitors.monitor(rt, caller, target, call, call.ref);
  if (call.done) return promise; // the target was already gone
  if (call.remote) {
    rt.replies.set(call.ref, (value) => call.answer(value));
    if (caller !== undefined) trackRemoteCall(caller, call.ref);
  }
  // No owner: the caller's exit ends the call (ownerExited), which disarms it.
  if (timeout !== Number.POSITIVE_INFINITY) timers.armCallTimeout(rt, timeout, call);
  try {
    const from = makeFrom(caller?.pid, call.ref, call, call.tel?.meta.context);
    const message = wrap === undefined ? new CallRequest(from, request) : wrap(from);
    if (target instanceof Pid) signals.sendPid(rt, target, message);
    else signals.sendNamed(rt, target, message);
  } catch (e) {
    // a transport refused the request (it cannot cross to the target's node): the call ends
    call.fail(e);
  }
  return promise;
}

const EV_CALL_START = ["trellis", "call", "start"] as const;
const EV_CALL_STOP = ["trellis", "call", "stop"] as const;
const EV_CALL_EXCEPTION = ["trellis", "call", "exception"] as const;

/** Emits a call's start event; a handler may set the metadata's `context`. */
function callStart(call: PendingCall, caller: Proc | undefined): void {
  const tel = call.rt.telemetry;
  if (
    !tel.listening(EV_CALL_START) &&
    !tel.listening(EV_CALL_STOP) &&
    !tel.listening(EV_CALL_EXCEPTION)
  )
    return;
  const op = call.op;
  const meta = {
    caller: caller?.pid,
    target: call.target,
    module: op.module,
    function: op.function,
    args: op.args,
    ref: call.ref,
    context: undefined as unknown,
  };
  const started = call.rt.now();
  call.tel = { meta, started };
  tel.execute(EV_CALL_START, { monotonicTime: started, systemTime: Date.now() }, meta);
}

/**
 * Answers a call: the caller's {@link call} resolves with `value`. Any process may reply,
 * at any time (a deferred reply). A reply to a caller that has given up (timeout, exit) is
 * dropped silently.
 *
 * @example
 * ```ts
 * import { reply, type From } from "@trellis/core";
 * function answerLater(from: From) {
 *   setTimeout(() => reply(from, "done"), 100);
 * }
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export function reply(from: From, value: unknown): void {
  if (!(from instanceof From))
    throw new BadArgumentError(`reply: expected a From, got ${formatReason(from)}`);
  const p = currentProc();
  if (p !== undefined) ensureAlive(p, "reply");
  const call = isToolkitFrom(from) ? fromCall(from) : undefined;
  const home = call?.rt;
  const here = p?.rt ?? home;
  if (call !== undefined && (here === home || here === undefined)) {
    // the pending call itself: the reply reaches the process that made it, nobody else
    call.answer(value);
  } else if (here !== undefined && here === home) {
    home.replies.get(from.ref)?.(value);
  } else if (here !== undefined) {
    here.route({ type: "reply", ref: from.ref, value });
  } else {
    // a From the toolkit did not make, outside process code: only a remote caller can own it
    const pid = from.pid;
    if (Pid.is(pid)) {
      const rt = defaultRuntime();
      if (pid.node !== rt.node) nodes.route(rt, { type: "reply", ref: from.ref, value });
    }
  }
}

/**
 * Sends an asynchronous request (Erlang's `gen:cast`). Always succeeds, also when the
 * target is dead or the name unknown.
 *
 * @example
 * ```ts
 * import { cast } from "@trellis/core";
 * cast("logger", { type: "log", line: "hello" });
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export function cast(dest: Dest, req: unknown): void {
  const caller = currentProc();
  if (caller !== undefined) ensureAlive(caller, "cast");
  const rt = runtimeOf(caller, dest);
  let to: Pid | RemoteName | undefined;
  if (dest instanceof Pid) to = dest;
  else {
    try {
      to = names.target(rt, dest, "cast");
    } catch {
      // cast never fails
    }
  }
  // ... except for a request that cannot cross to the target's node (a transport refuses it)
  if (to instanceof Pid) signals.sendPid(rt, to, castEnvelope(req));
  else if (to !== undefined) signals.sendNamed(rt, to, castEnvelope(req));
}

/** Most string requests whose envelopes are kept for reuse. */
const SHARED_CASTS = 256;
const sharedCasts = new Map<string, CastRequest<string>>();

/**
 * The envelope of a cast. A short string request (the atoms of a protocol: `"inc"`,
 * `"flush"`) gets a shared, frozen envelope, made once: an envelope cannot be changed, so
 * every cast of that string may carry the same one (as the BEAM shares the atom), and a
 * mailbox of a million such casts holds no envelope each. Anything else gets its own.
 */
function castEnvelope(req: unknown): CastRequest {
  if (typeof req !== "string" || req.length > 32) return new CastRequest(req);
  const shared = sharedCasts.get(req);
  if (shared !== undefined) return shared;
  const env = new CastRequest(req);
  Object.freeze(env);
  if (sharedCasts.size < SHARED_CASTS) sharedCasts.set(req, env);
  return env;
}

// ---------------------------------------------------------------------------------------
// Special processes

/**
 * What a behaviour gives the toolkit for a running special process.
 *
 * @since 0.1.0
 * @category Toolkit
 */
export interface SpecialProcess {
  /**
   * Handles one message (anything but a system message, and but an EXIT from the parent when
   * the process traps exits). While a returned promise is pending, no other message is
   * handled. A throw or rejection crashes the process.
   */
  handleMessage(message: unknown): void | PromiseLike<void>;
  /** The state for `Sys.getState`. Default: `undefined`. */
  getState?(): unknown;
  /** Replaces the state for `Sys.replaceState`; returns the new state. Throwing leaves the state as it was. */
  replaceState?(fn: (state: unknown) => unknown): unknown;
  /** What `Sys.getStatus` shows as the state. Default: `getState()`. */
  formatStatus?(): unknown;
  /**
   * The parent sent an exit signal and the process traps exits (e.g. its supervisor is
   * shutting it down). Default: exit with the same reason. GenServer runs `terminate` here.
   */
  handleParentExit?(reason: unknown): void | PromiseLike<void>;
  /**
   * `Sys.terminate` asked the process to stop with `reason` (Erlang's `sys:terminate`, which
   * `GenServer.stop` uses): clean up. When it returns (or its promise resolves), the caller
   * is answered and the process exits with `reason`; if it throws, the process crashes with
   * that error instead. Runs also while the process is suspended. Default: nothing.
   */
  handleStop?(reason: unknown): void | PromiseLike<void>;
}

/**
 * What the `init` function of {@link startSpecial} returns.
 *
 * - `ok`: the process runs; `process` handles its messages. The starter gets the pid as
 *   soon as this is returned; `continue`, if given, runs next, before any message (GenServer's
 *   `handle_continue` after `init`).
 * - `ignore`: the start resolves with `"ignore"` and the process exits `"normal"`.
 * - `stop` / `error`: the start rejects with an {@link InitError} carrying `reason`, and the
 *   process exits with `reason`.
 *
 * @since 0.1.0
 * @category Toolkit
 */
export type InitResult =
  | {
      /** Started. */
      readonly type: "ok";
      /** Handles the process's messages from now on. */
      readonly process: SpecialProcess;
      /** Runs after the acknowledgement, before any message. */
      readonly continue?: () => void | PromiseLike<void>;
    }
  | {
      /** Not started; the start resolves with `"ignore"`. */
      readonly type: "ignore";
    }
  | {
      /** Not started; the process exits with `reason`. */
      readonly type: "stop";
      /** The reason, also carried by the `InitError`. */
      readonly reason: unknown;
    }
  | {
      /** Not started; the process exits with `reason`. */
      readonly type: "error";
      /** The reason, also carried by the `InitError`. */
      readonly reason: unknown;
    };

/**
 * Options of {@link startSpecial}.
 *
 * @since 0.1.0
 * @category Toolkit
 */
export interface StartSpecialOptions {
  /** Link the new process to the caller (`start_link`). Default `false`. */
  readonly link?: boolean;
  /** Register the process under this name before `init` runs. */
  readonly name?: ProcessName;
  /** Milliseconds `init` may take; then the process is killed and the start rejects with reason `"timeout"`. Default `Infinity`. */
  readonly timeout?: number;
  /** The behaviour's name, shown by `processInfo` and in reports. */
  readonly behaviour?: string;
  /** The runtime to start in when called outside process code. Default: the default runtime. */
  readonly runtime?: Runtime;
}

function registerName(rt: Runtime, p: Proc, name: ProcessName): Pid | undefined {
  if (typeof name === "string") {
    const holder = rt.whereis(name);
    if (holder !== undefined) return holder;
    names.register(rt, name, p.pid);
    return undefined;
  }
  if (isViaName(name)) {
    if (!name.via.registerName(name.key, p.pid)) return name.via.whereisName(name.key) ?? p.pid;
    (p.exitHooks ??= []).push(() => {
      try {
        if (name.via.whereisName(name.key) === p.pid) name.via.unregisterName(name.key);
      } catch {
        // the registry may be gone
      }
    });
    return undefined;
  }
  throw new BadArgumentError(
    `name: expected a non-empty string or a via name, got ${formatReason(name)}`,
  );
}

/**
 * Whether `name` is a valid process name (a non-empty string other than `"undefined"`, or a via name).
 *
 * @example
 * ```ts
 * import { isProcessName } from "@trellis/core";
 * isProcessName("cache"); // true
 * isProcessName(42); // false
 * ```
 * @since 0.1.0
 * @category Names
 */
export function isProcessName(name: unknown): name is ProcessName {
  return (typeof name === "string" && name.length > 0 && name !== "undefined") || isViaName(name);
}

/**
 * Starts a special process with an acknowledged initialisation (Erlang's
 * `proc_lib:start_link` + `init_ack`). The new process registers `name` (if any), runs
 * `init`, and tells the starter the outcome:
 *
 * - `init` returns `ok` → resolves with the pid; the process then handles messages with
 *   the returned {@link SpecialProcess} (system messages are handled by the toolkit);
 * - `ignore` → resolves with `"ignore"`;
 * - `stop`/`error`, a throw, or an invalid result → rejects with an {@link InitError};
 * - the name is taken → rejects with an {@link AlreadyStartedError} carrying the holder;
 * - `timeout` expires → the process is killed and the start rejects with reason `"timeout"`.
 *
 * When the start fails (or `init` returns `ignore`), the process is unlinked from the
 * starter before it exits, so the starter gets the error instead of an exit signal, and the
 * start settles only once the process has exited: its name is free by then, so a restart
 * can take it at once (OTP 26's synchronous init failure).
 * The parent of the new process is the caller; an EXIT from it reaches
 * {@link SpecialProcess.handleParentExit} when the process traps exits.
 *
 * @example
 * ```ts
 * import { startSpecial, isCallRequest, reply } from "@trellis/core";
 * let count = 0;
 * const pid = await startSpecial(() => ({
 *   type: "ok",
 *   process: {
 *     handleMessage(msg) {
 *       if (isCallRequest(msg)) reply(msg.from, ++count);
 *     },
 *     getState: () => count,
 *   },
 * }), { behaviour: "Counter" });
 * ```
 * @throws {BadArgumentError} (synchronously) for a bad name, timeout or `init`
 * @throws {NotInProcessError} (synchronously) for `link: true` outside process code
 * @since 0.1.0
 * @category Toolkit
 */
export function startSpecial(
  init: (self: Pid) => InitResult | PromiseLike<InitResult>,
  options: StartSpecialOptions = {},
): Promise<Pid | "ignore"> {
  if (typeof init !== "function") {
    throw new BadArgumentError(`startSpecial: init must be a function, got ${formatReason(init)}`);
  }
  if (options.name !== undefined && !isProcessName(options.name)) {
    throw new BadArgumentError(
      `name: expected a non-empty string (not "undefined") or a via name, got ${formatReason(options.name)}`,
    );
  }
  const timeout =
    options.timeout === undefined
      ? Number.POSITIVE_INFINITY
      : validTimeout("start timeout", options.timeout);
  const caller = currentProc();
  if (caller !== undefined) ensureAlive(caller, "start");
  if (options.link === true && caller === undefined) {
    throw new NotInProcessError("startLink");
  }
  const rt = caller?.rt ?? options.runtime ?? defaultRuntime();
  const promise = new Promise<unknown>(capture);
  const starter = new Starter(
    rt,
    caller,
    init,
    options.name,
    capturedResolve as (value: unknown) => void,
    capturedReject as (error: unknown) => void,
  );
  capturedResolve = undefined;
  capturedReject = undefined;
  // The body is an unnamed arrow made here, not a named function per start: TypeScript
  // runners that keep function names (tsx) would define a `name` on every one.
  const child = rt.spawnProc(
    (selfPid: Pid) => starter.body(selfPid),
    caller,
    options.link === true,
  );
  starter.child = child;
  // As in OTP, only a linked start gives the process a parent; an unlinked one is its own
  // (an EXIT from the starter is then an ordinary message).
  child.parent = options.link === true ? caller?.pid : undefined;
  child.behaviour = options.behaviour;
  child.reportsExits = true;
  starter.mref = monitors.monitor(rt, caller, child.pid, starter);
  if (timeout !== Number.POSITIVE_INFINITY)
    starter.timer = timers.callbackTimer(rt, timeout, caller, starter);
  return promise as Promise<Pid | "ignore">;
}

/**
 * One start in progress: the new process's body, the sink of the starter's monitor on it and
 * of the start timeout. One object per start instead of a closure per outcome (a supervisor
 * restarting children by the thousand makes one per restart).
 */
class Starter implements DownSink, TimerSink {
  readonly rt: Runtime;
  readonly caller: Proc | undefined;
  readonly init: (self: Pid) => InitResult | PromiseLike<InitResult>;
  readonly name: ProcessName | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Set as soon as the process is spawned, before its body runs. */
  child: Proc = undefined as unknown as Proc;
  acked = false;
  /**
   * What the start reports once the new process has exited (set by the process itself before
   * it exits on a failed start; "ignore" for an ignore).
   */
  outcome: Error | "ignore" | undefined = undefined;
  timer: TimerEntry | undefined = undefined;
  mref: Ref | undefined = undefined;

  constructor(
    rt: Runtime,
    caller: Proc | undefined,
    init: (self: Pid) => InitResult | PromiseLike<InitResult>,
    name: ProcessName | undefined,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ) {
    this.rt = rt;
    this.caller = caller;
    this.init = init;
    this.name = name;
    this.resolve = resolve;
    this.reject = reject;
  }

  private detach(): void {
    const { rt, caller } = this;
    if (this.timer !== undefined) timers.cancelEntry(rt, this.timer);
    this.timer = undefined;
    const mref = this.mref;
    if (mref !== undefined) {
      if (caller !== undefined) monitors.demonitor(rt, caller, mref, false);
      else monitors.demonitorCallback(rt, this.child.pid, mref);
      this.mref = undefined;
    }
  }

  /**
   * The start failed (or was ignored): unlink from the starter before the process exits, so
   * that the starter gets the outcome instead of an exit signal.
   */
  private failing(value: Error | "ignore"): void {
    this.outcome ??= value;
    if (this.caller !== undefined) signals.unlink(this.rt, this.caller, this.child.pid);
  }

  private succeed(pid: Pid): void {
    if (this.acked) return;
    this.acked = true;
    this.detach();
    if (this.caller === undefined || this.caller.alive) this.resolve(pid);
  }

  /**
   * The monitor fired: the process exited before acknowledging a successful init. Runs
   * synchronously within its death, so its name is already free and its links have fired
   * when the starter resumes: OTP 26's synchronous init failure.
   */
  down(reason: unknown): void {
    this.mref = undefined;
    if (this.acked) return;
    this.acked = true;
    this.detach();
    const caller = this.caller;
    if (caller !== undefined) signals.unlink(this.rt, caller, this.child.pid);
    if (caller !== undefined && !caller.alive) return;
    const result = this.outcome ?? new InitError(reason);
    if (result === "ignore") this.resolve("ignore");
    else this.reject(result);
  }

  /** The start timeout expired. */
  fire(): void {
    this.timer = undefined;
    if (this.acked) return;
    this.failing(new InitError("timeout"));
    signals.exitSignal(this.rt, this.child.pid, this.child.pid, "kill", false);
  }

  /** The new process's body: registers the name, runs init and acknowledges the start. */
  body(selfPid: Pid): undefined | PromiseLike<void> {
    if (this.name !== undefined) {
      const holder = registerName(this.rt, this.child, this.name);
      if (holder !== undefined) {
        this.failing(new AlreadyStartedError(this.name, holder));
        return undefined;
      }
    }
    let r: InitResult | PromiseLike<InitResult>;
    try {
      r = this.init(selfPid);
    } catch (e) {
      return this.initFailed(e);
    }
    // The result is taken on a microtask later, as `await` did: until then the process
    // handles no message, so the starter resumes before the new process runs on (whoever
    // the starter or init told about it has the time to monitor it first).
    return Promise.resolve(r).then(
      (result) => this.initialised(selfPid, result),
      (e: unknown) => this.initFailed(e),
    );
  }

  private initFailed(e: unknown): never {
    this.failing(new InitError(reasonFromThrown(e), { cause: e }));
    throw e;
  }

  /**
   * What init's result leads to. Returns the continue's promise, if any, for the runtime to
   * wait on (no message is handled before it settles).
   */
  private initialised(selfPid: Pid, result: InitResult): undefined | PromiseLike<void> {
    switch (result?.type) {
      case "ok": {
        const sp = result.process;
        if (typeof sp?.handleMessage !== "function") break;
        installHandler(this.child, sp);
        this.succeed(selfPid);
        if (result.continue === undefined) return undefined;
        const c = result.continue();
        return isThenable(c) ? Promise.resolve(c) : undefined;
      }
      case "ignore":
        this.failing("ignore");
        return undefined;
      case "stop":
      case "error":
        this.failing(new InitError(result.reason));
        throw new ExitError(result.reason);
    }
    const err = new InitError({ bad_return_value: result });
    this.failing(err);
    throw new ExitError(err.reason);
  }
}

function installHandler(p: Proc, sp: SpecialProcess): void {
  const state = { suspended: false };
  p.handler = (msg: unknown): void | PromiseLike<void> => {
    if (isSystemRequest(msg)) return system(p, sp, state, msg);
    if (p.trap && msg instanceof ExitMessage && p.parent !== undefined && msg.from === p.parent) {
      return parentExit(sp, msg.reason);
    }
    return sp.handleMessage(msg);
  };
}

function parentExit(sp: SpecialProcess, reason: unknown): void | PromiseLike<void> {
  if (sp.handleParentExit !== undefined) return sp.handleParentExit(reason);
  throw new ExitError(reason);
}

function system(
  p: Proc,
  sp: SpecialProcess,
  state: { suspended: boolean },
  msg: SystemRequest,
): void | PromiseLike<void> {
  const cmd = msg.command;
  switch (cmd.type) {
    case "getState":
      reply(msg.from, { ok: true, value: sp.getState?.() });
      return;
    case "replaceState":
      try {
        if (sp.replaceState === undefined)
          throw new BadArgumentError("this process has no replaceable state");
        reply(msg.from, { ok: true, value: sp.replaceState(cmd.fn) });
      } catch (e) {
        reply(msg.from, { ok: false, error: e });
      }
      return;
    case "getStatus":
      reply(msg.from, {
        ok: true,
        value: {
          pid: p.pid,
          status: state.suspended ? "suspended" : "running",
          behaviour: p.behaviour,
          parent: p.parent,
          name: p.name,
          messageQueueLength: p.mailbox.length,
          state: sp.formatStatus !== undefined ? sp.formatStatus() : sp.getState?.(),
        } satisfies ProcessStatus,
      });
      return;
    case "resume":
      reply(msg.from, { ok: true, value: undefined });
      return;
    case "suspend":
      state.suspended = true;
      reply(msg.from, { ok: true, value: undefined });
      return suspended(p, sp, state);
    case "terminate": {
      const reason = cmd.reason;
      // The reply and the exit happen in one synchronous step: the caller resumes after the
      // process is gone (its name free, its links and monitors fired).
      const done = (): void => {
        reply(msg.from, { ok: true, value: undefined });
        scheduler.crash(p.rt, p, new ExitError(reason));
      };
      const r = sp.handleStop?.(reason);
      if (r !== undefined && typeof (r as PromiseLike<void>).then === "function") {
        return (r as PromiseLike<void>).then(done);
      }
      return done();
    }
  }
}

async function suspended(
  p: Proc,
  sp: SpecialProcess,
  state: { suspended: boolean },
): Promise<void> {
  const isForSuspended = (m: unknown): boolean =>
    m instanceof SystemRequest || (m instanceof ExitMessage && p.trap && m.from === p.parent);
  while (state.suspended) {
    const m = await mailbox.receive(p.rt, p, isForSuspended, Number.POSITIVE_INFINITY);
    if (m instanceof ExitMessage) {
      state.suspended = false;
      await parentExit(sp, m.reason);
      return;
    }
    const req = m as SystemRequest;
    if (req.command.type === "resume") state.suspended = false;
    await system(p, sp, state, req);
  }
}

/**
 * What `Sys.getStatus` returns.
 *
 * @since 0.1.0
 * @category Toolkit
 */
export interface ProcessStatus {
  /** The process. */
  readonly pid: Pid;
  /** `"running"` or `"suspended"`. */
  readonly status: "running" | "suspended";
  /** The behaviour name. */
  readonly behaviour: string | undefined;
  /** The process that started it. */
  readonly parent: Pid | undefined;
  /** Its registered name. */
  readonly name: string | undefined;
  /** Messages waiting. */
  readonly messageQueueLength: number;
  /** The behaviour's state (or what its `formatStatus` shows). */
  readonly state: unknown;
}

type SysAnswer = { ok: true; value: unknown } | { ok: false; error: unknown };

async function sys(
  dest: Dest,
  cmd: SystemCommand,
  fn: string,
  timeout: number,
  op: CallOperation = { module: "sys", function: fn, args: [dest, timeout] },
): Promise<unknown> {
  const answer = (await request$(
    dest,
    validTimeout(`sys.${fn}`, timeout),
    op,
    op.module,
    op.function,
    (from) => new SystemRequest(from, cmd),
    undefined,
  )) as SysAnswer;
  if (!answer.ok) throw new CallError({ callback_failed: answer.error }, op);
  return answer.value;
}

/**
 * How a behaviour names an operation in the errors it raises, e.g.
 * `{ module: "GenServer", function: "stop" }` for `Sys.terminate` used as `GenServer.stop`.
 *
 * @since 0.1.0
 * @category Toolkit
 */
export interface OperationName {
  /** The behaviour, e.g. `"GenServer"`. */
  readonly module: string;
  /** The function, e.g. `"stop"`. */
  readonly function: string;
}

/**
 * System messages, understood by every special process (Erlang's `sys` module). They are
 * handled between callbacks, in mailbox order, and do not reach the behaviour's callbacks.
 *
 * @example
 * ```ts
 * import { Sys } from "@trellis/core";
 * const state = await Sys.getState(pid);
 * await Sys.suspend(pid);
 * await Sys.replaceState(pid, (s) => ({ ...s, debug: true }));
 * await Sys.resume(pid);
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export const Sys: {
  /** The state of a special process. */
  getState(dest: Dest, timeout?: number): Promise<unknown>;
  /** Replaces the state with `fn(state)` and returns the new state; works while suspended; a throwing `fn` leaves the state unchanged and rejects. */
  replaceState(dest: Dest, fn: (state: unknown) => unknown, timeout?: number): Promise<unknown>;
  /** Status of a special process. */
  getStatus(dest: Dest, timeout?: number): Promise<ProcessStatus>;
  /** Suspends a special process: it handles only system messages until resumed. */
  suspend(dest: Dest, timeout?: number): Promise<void>;
  /** Resumes a suspended special process. */
  resume(dest: Dest, timeout?: number): Promise<void>;
  /**
   * Stops a special process with `reason` (default `"normal"`): it runs its behaviour's
   * `terminate`, then exits; resolves once it is gone (default timeout `Infinity`). Works
   * while it is suspended. Rejects with a `CallError` if it exits with another reason, and
   * `NoProcessError` if it does not exist. `name` names the operation in those errors
   * (`GenServer.stop` passes `{ module: "GenServer", function: "stop" }`); the arguments
   * are `[dest, reason, timeout]`.
   */
  terminate(dest: Dest, reason?: unknown, timeout?: number, name?: OperationName): Promise<void>;
} = {
  getState: (dest, timeout = 5000) => sys(dest, { type: "getState" }, "get_state", timeout),
  replaceState: (dest, fn, timeout = 5000) => {
    if (typeof fn !== "function") {
      return Promise.reject(
        new BadArgumentError(`Sys.replaceState: fn must be a function, got ${formatReason(fn)}`),
      );
    }
    return sys(dest, { type: "replaceState", fn }, "replace_state", timeout);
  },
  getStatus: async (dest, timeout = 5000) =>
    (await sys(dest, { type: "getStatus" }, "get_status", timeout)) as ProcessStatus,
  suspend: async (dest, timeout = 5000) => {
    await sys(dest, { type: "suspend" }, "suspend", timeout);
  },
  resume: async (dest, timeout = 5000) => {
    await sys(dest, { type: "resume" }, "resume", timeout);
  },
  terminate: async (dest, reason = "normal", timeout = Number.POSITIVE_INFINITY, name) => {
    const op: CallOperation = {
      module: name?.module ?? "sys",
      function: name?.function ?? "terminate",
      args: [dest, reason, timeout],
    };
    await sys(dest, { type: "terminate", reason }, "terminate", timeout, op);
  },
};

/**
 * Hands the calling process's mailbox to `handler`: from now on the scheduler calls it once
 * per message, in order, with no Promise per message when it returns synchronously; while a
 * promise it returns is pending, no other message is handled. The process stays alive after
 * its function returns, until it exits. This is the fast path behaviours run on;
 * {@link startSpecial} installs it for you (with system messages handled).
 *
 * @example
 * ```ts
 * import { setMessageHandler, spawn, send } from "@trellis/core";
 * const counter = spawn(() => {
 *   let n = 0;
 *   setMessageHandler((msg) => {
 *     if (msg === "inc") n++;
 *   });
 * });
 * send(counter, "inc");
 * ```
 * @throws {NotInProcessError} outside process code
 * @since 0.1.0
 * @category Toolkit
 */
export function setMessageHandler(handler: (message: unknown) => void | PromiseLike<void>): void {
  const p = currentProc();
  if (p === undefined) throw new NotInProcessError("setMessageHandler");
  ensureAlive(p, "setMessageHandler");
  if (typeof handler !== "function") {
    throw new BadArgumentError(
      `setMessageHandler: expected a function, got ${formatReason(handler)}`,
    );
  }
  p.handler = handler;
}

/**
 * Runs `hook(reason)` when the process `pid` exits, synchronously, before its links and
 * monitors fire: so anything the hook sends (an ETS table handed to an heir…) arrives
 * before the EXIT and DOWN messages of that death. The hook runs outside process code
 * (`self()` is not available there; `send` to a pid works). Hooks must be quick; one that
 * throws is reported to the logger and the others still run. Returns a function that
 * removes the hook.
 *
 * @example
 * ```ts
 * import { addExitHook, self } from "@trellis/core";
 * const remove = addExitHook(self(), (reason) => console.log("exiting with", reason));
 * remove();
 * ```
 * @throws {BadArgumentError} if `pid` is not a live process or `hook` is not a function
 * @since 0.1.0
 * @category Toolkit
 */
export function addExitHook(pid: Pid, hook: (reason: unknown) => void): () => void {
  const p = pid instanceof Pid ? (procOf(pid) as Proc | undefined) : undefined;
  if (p === undefined || !p.alive)
    throw new BadArgumentError(`addExitHook: ${formatReason(pid)} is not a live process`);
  if (typeof hook !== "function")
    throw new BadArgumentError(`addExitHook: expected a function, got ${formatReason(hook)}`);
  // The runtime runs exit hooks outside any process: the death may happen inside the
  // dying process's own code (exit(self(), "kill")), where sending would fail.
  const run = (reason: unknown): void => hook(reason);
  (p.exitHooks ??= []).push(run);
  return () => {
    const i = p.exitHooks?.indexOf(run) ?? -1;
    if (i >= 0) p.exitHooks?.splice(i, 1);
  };
}

/**
 * The parent of the calling special process (the process that started it), if any.
 *
 * @example
 * ```ts
 * import { parentOf, self } from "@trellis/core";
 * parentOf(self());
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export function parentOf(pid: Pid): Pid | undefined {
  const p = pid instanceof Pid ? (procOf(pid) as Proc | undefined) : undefined;
  return p?.alive === true ? p.parent : undefined;
}
