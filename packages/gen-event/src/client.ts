/**
 * The client API: what other processes call to talk to a manager and its handlers.
 *
 * @module
 */
import {
  BadArgumentError,
  type CallOperation,
  type Dest,
  formatReason,
  NotInProcessError,
  Pid,
  request,
  self,
  send,
  whereis,
} from "@trellis/core";
import { HandlerCallError, HandlerInitError, HandlerNotFoundError } from "./errors.js";
import { type Answer, type Command, ManagerRequest, Notification } from "./internal/protocol.js";
import { checkManager, checkName, parseHandlerId } from "./internal/util.js";
import type { SwapInit } from "./result.js";
import type { AnyHandlerId, HandlerId, ManagerRef } from "./types.js";

/**
 * The argument of `init` to pass to `addHandler`: optional when `init` accepts `undefined`.
 *
 * @example
 * ```ts
 * import type * as GenEvent from "@trellis/gen-event";
 * type A = GenEvent.InitArgs<string>; // [args: string]
 * type B = GenEvent.InitArgs<string | undefined>; // [args?: string]
 * ```
 * @since 0.1.0
 * @category Types
 */
export type InitArgs<Args> = undefined extends Args ? [args?: Args] : [args: Args];

function rpc(
  manager: Dest,
  command: Command,
  op: CallOperation,
  handler: AnyHandlerId | undefined,
  timeout: number = Number.POSITIVE_INFINITY,
  initHandler: AnyHandlerId | undefined = handler,
): Promise<unknown> {
  return request(manager, timeout, op, (from) => new ManagerRequest(from, command)).then((a) => {
    const answer = a as Answer;
    if (answer.ok) return answer.value;
    const f = answer.failure;
    switch (f.kind) {
      case "not_found":
        throw new HandlerNotFoundError(f.reason, handler as AnyHandlerId, op);
      case "call":
        throw new HandlerCallError(f.reason, handler as AnyHandlerId, op);
      case "init":
        throw new HandlerInitError(f.result, initHandler as AnyHandlerId, op);
    }
  });
}

/** Runs `body`, turning a synchronous throw into a rejection. */
function attempt<T>(body: () => Promise<T>): Promise<T> {
  try {
    return body();
  } catch (e) {
    return Promise.reject(e);
  }
}

function op(fn: string, args: readonly unknown[]): CallOperation {
  return { module: "GenEvent", function: fn, args };
}

/**
 * Sends an event to every handler of the manager, asynchronously (Erlang's
 * `gen_event:notify/2`). Returns at once and always succeeds, also when the manager is
 * dead or the name unknown. Each handler's `handleEvent` runs in the manager, most recently
 * added handler first; events sent by one process are handled in the order they were sent.
 *
 * With a typed handle only the manager's events compile.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * type AppEvent = { type: "login"; user: string };
 * const events = await GenEvent.start<AppEvent>();
 * GenEvent.notify(events, { type: "login", user: "ann" });
 * GenEvent.notify("no-such-manager", "anything"); // fine: notify never fails
 * ```
 * @throws {BadArgumentError} if `manager` is neither a pid nor a name
 * @since 0.1.0
 * @category Events
 */
export function notify<E = unknown>(manager: ManagerRef<E>, event: NoInfer<E>): void {
  const pid = manager instanceof Pid ? manager : whereis(checkName("GenEvent.notify", manager));
  // as a cast: a dead pid or an unknown name is not an error for notify
  if (pid !== undefined) send(pid, new Notification(event));
}

/**
 * Sends an event to every handler and waits until all of them have handled it (Erlang's
 * `gen_event:sync_notify/2`). Events sent earlier by the same process have been handled
 * too when it resolves.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const events = await GenEvent.start<string>();
 * await GenEvent.syncNotify(events, "flush");
 * ```
 * @returns a promise that resolves once every handler has handled the event; it rejects with
 *   a `NoProcessError` if the manager does not exist, or a `CallError` if it exits first
 * @since 0.1.0
 * @category Events
 */
export function syncNotify<E = unknown>(manager: ManagerRef<E>, event: NoInfer<E>): Promise<void> {
  try {
    const dest = checkManager("GenEvent.syncNotify", manager);
    // the manager answers a syncNotify with `undefined`: no Answer to unwrap, no extra promise
    return request(
      dest,
      Number.POSITIVE_INFINITY,
      op("sync_notify", [manager, event]),
      (from) => new ManagerRequest(from, { kind: "syncNotify", event }),
    ) as Promise<void>;
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Options of {@link call}.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const events: GenEvent.Manager<string>;
 * declare const Stats: GenEvent.Handler<string, unknown, "count", number>;
 * const options: GenEvent.CallOptions = { timeout: 1000 };
 * await GenEvent.call(events, Stats, "count", options);
 * ```
 * @since 0.1.0
 * @category Handlers
 */
export interface CallOptions {
  /** Milliseconds to wait for the reply. Default `5000`; `Infinity` waits forever. */
  readonly timeout?: number;
}

function timeoutOf(options: number | CallOptions | undefined): number {
  if (options === undefined) return 5000;
  if (typeof options === "number") return options;
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(
      `GenEvent.call: options must be a timeout or { timeout }, got ${formatReason(options)}`,
    );
  }
  return options.timeout ?? 5000;
}

/**
 * Makes a synchronous request to one handler of the manager and resolves with its reply
 * (Erlang's `gen_event:call/3,4`). The handler's `handleCall` answers it.
 *
 * With a typed handler only its requests compile and the reply type is inferred.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const { ok, reply } = GenEvent.Result;
 * const Counter = GenEvent.defineHandler({
 *   init: () => ok(0),
 *   handleEvent: (_event: string, n) => ok(n + 1),
 *   handleCall: (_request: "count", n) => reply(n, n),
 * });
 * const events = await GenEvent.start<string>();
 * await GenEvent.addHandler(events, Counter);
 * GenEvent.notify(events, "hello");
 * const n: number = await GenEvent.call(events, Counter, "count", { timeout: 1000 });
 * ```
 * @param options the timeout in milliseconds (default `5000`, `Infinity` to wait forever),
 *   or `{ timeout }`
 * @returns a promise of the reply. It rejects with:
 *   - a `HandlerNotFoundError` (reason `"bad_module"`) if the handler is not installed;
 *   - a `HandlerCallError` if the handler threw or returned an invalid result: the handler
 *     has then been removed;
 *   - a `NoProcessError` if the manager does not exist, a `CallTimeoutError` after the
 *     timeout (a late reply is dropped), a `CallError` if the manager exits first;
 *   - a `BadArgumentError` for a bad handler or timeout.
 * @since 0.1.0
 * @category Handlers
 */
export function call<Req, Reply>(
  manager: ManagerRef<never>,
  handler: HandlerId<never, never, Req, Reply>,
  request: NoInfer<Req>,
  options?: number | CallOptions,
): Promise<Reply> {
  return attempt(() => {
    const dest = checkManager("GenEvent.call", manager);
    const parsed = parseHandlerId("GenEvent.call", handler);
    const timeout = timeoutOf(options);
    return rpc(
      dest,
      { kind: "call", handler: parsed, request },
      op("call", [manager, handler, request, timeout]),
      handler as AnyHandlerId,
      timeout,
    ) as Promise<Reply>;
  });
}

/**
 * Installs a handler in the manager (Erlang's `gen_event:add_handler/3`): its
 * `init(args)` runs in the manager, and if it returns `Result.ok(state)` the handler is
 * added first in the list. Pass `{ handler, id }` to install the same definition more than
 * once and address each copy. Installing a plain definition twice is allowed (as in Erlang):
 * `whichHandlers` lists it twice, and calls reach the most recent one.
 *
 * With a typed manager, only handlers that handle every event of the manager compile.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * const { ok } = GenEvent.Result;
 * const Printer = GenEvent.defineHandler({
 *   init: (prefix: string) => ok(prefix),
 *   handleEvent: (event: string, prefix) => {
 *     console.log(prefix, event);
 *     return ok(prefix);
 *   },
 * });
 * const events = await GenEvent.start<string>();
 * await GenEvent.addHandler(events, Printer, "[a]");
 * await GenEvent.addHandler(events, { handler: Printer, id: 2 }, "[b]");
 * ```
 * @returns a promise that resolves once the handler is installed. It rejects with a
 *   `HandlerInitError` carrying what `init` returned if that was not `Result.ok` (nothing is
 *   installed), a `NoProcessError` if the manager does not exist, or a `BadArgumentError`
 *   if `handler` is not a handler
 * @since 0.1.0
 * @category Handlers
 */
export function addHandler<E = never, Args = undefined>(
  manager: ManagerRef<E>,
  handler: HandlerId<NoInfer<E>, Args, never, unknown>,
  ...args: InitArgs<NoInfer<Args>>
): Promise<void> {
  return attempt(async () => {
    const dest = checkManager("GenEvent.addHandler", manager);
    const parsed = parseHandlerId("GenEvent.addHandler", handler);
    const command: Command = { kind: "add", handler: parsed, args: args[0], supervisor: undefined };
    await rpc(
      dest,
      command,
      op("add_handler", [manager, handler, args[0]]),
      handler as AnyHandlerId,
    );
  });
}

function caller(what: string): Pid {
  try {
    return self();
  } catch {
    throw new NotInProcessError(what);
  }
}

/**
 * Installs a handler supervised by the calling process (Erlang's
 * `gen_event:add_sup_handler/3`): as {@link addHandler}, and the manager links to the
 * caller. Then:
 *
 * - when the handler leaves the manager, the caller receives a `HandlerExit` message with
 *   the reason (`"normal"` after `deleteHandler` or `Result.removeHandler()`, `"shutdown"`
 *   when the manager stops, `{ EXIT: error }` or the bad value after a crash, `{ swapped }`
 *   after a swap); react to it to reinstall the handler;
 * - when the caller exits (or sends the manager an exit signal), the manager removes the
 *   handlers it supervises with `terminate({ stop: reason })`, and keeps running.
 *
 * As in Erlang, the link stays when the handler leaves.
 *
 * @example
 * ```ts
 * import { receive } from "@trellis/core";
 * import * as GenEvent from "@trellis/gen-event";
 * declare const events: GenEvent.Manager<string>;
 * declare const AuditLog: GenEvent.Handler<string, string>;
 * await GenEvent.addSupHandler(events, AuditLog, "audit.log");
 * const exit = await receive(GenEvent.isHandlerExit); // when it leaves, for any reason
 * ```
 * @returns a promise that resolves once the handler is installed; rejects as
 *   {@link addHandler}, and with a `NotInProcessError` outside process code
 * @since 0.1.0
 * @category Supervision
 */
export function addSupHandler<E = never, Args = undefined>(
  manager: ManagerRef<E>,
  handler: HandlerId<NoInfer<E>, Args, never, unknown>,
  ...args: InitArgs<NoInfer<Args>>
): Promise<void> {
  return attempt(async () => {
    const supervisor = caller("GenEvent.addSupHandler");
    const dest = checkManager("GenEvent.addSupHandler", manager);
    const parsed = parseHandlerId("GenEvent.addSupHandler", handler);
    const command: Command = { kind: "add", handler: parsed, args: args[0], supervisor };
    await rpc(
      dest,
      command,
      op("add_sup_handler", [manager, handler, args[0]]),
      handler as AnyHandlerId,
    );
  });
}

/**
 * Removes a handler (Erlang's `gen_event:delete_handler/3`): its `terminate(args, state)`
 * runs, and the promise resolves with what `terminate` returned (`undefined` without a
 * `terminate`; `{ EXIT: error }` if it threw). A supervising process receives a
 * `HandlerExit` with reason `"normal"`.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const events: GenEvent.Manager<string>;
 * declare const AuditLog: GenEvent.Handler<string, string>;
 * const linesWritten = await GenEvent.deleteHandler(events, AuditLog, "shutting down");
 * ```
 * @param args what `terminate` receives as its reason. Default `undefined`
 * @returns a promise of `terminate`'s result. It rejects with a `HandlerNotFoundError`
 *   (reason `"module_not_found"`) if the handler is not installed, a `NoProcessError` if
 *   the manager does not exist, or a `BadArgumentError` for a bad handler
 * @since 0.1.0
 * @category Handlers
 */
export function deleteHandler(
  manager: ManagerRef<never>,
  handler: HandlerId<never, never, never, unknown>,
  args?: unknown,
): Promise<unknown> {
  return attempt(() => {
    const dest = checkManager("GenEvent.deleteHandler", manager);
    const parsed = parseHandlerId("GenEvent.deleteHandler", handler);
    return rpc(
      dest,
      { kind: "delete", handler: parsed, args },
      op("delete_handler", [manager, handler, args]),
      handler as AnyHandlerId,
    );
  });
}

/**
 * Options of {@link swapHandler} and {@link swapSupHandler}.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const events: GenEvent.Manager<string>;
 * declare const Old: GenEvent.Handler<string>;
 * declare const New: GenEvent.Handler<string, GenEvent.SwapInit<number>>;
 * const options: GenEvent.SwapHandlerOptions<number> = { terminateArgs: "upgrade", initArgs: 5 };
 * await GenEvent.swapHandler(events, Old, New, options);
 * ```
 * @since 0.1.0
 * @category Handlers
 */
export interface SwapHandlerOptions<A> {
  /** What the old handler's `terminate` receives as its reason. Default `undefined`. */
  readonly terminateArgs?: unknown;
  /** What the new handler's `init` receives as `args` (see `SwapInit`). Default `undefined`. */
  readonly initArgs?: A;
}

function swap(
  what: string,
  erlang: string,
  manager: unknown,
  from: unknown,
  to: unknown,
  options: SwapHandlerOptions<unknown> | undefined,
  supervisor: Pid | undefined,
): Promise<void> {
  return attempt(async () => {
    const dest = checkManager(what, manager);
    const parsedFrom = parseHandlerId(what, from);
    const parsedTo = parseHandlerId(what, to);
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new BadArgumentError(
        `${what}: options must be an object, got ${formatReason(options)}`,
      );
    }
    const command: Command = {
      kind: "swap",
      from: parsedFrom,
      to: parsedTo,
      terminateArgs: options?.terminateArgs,
      initArgs: options?.initArgs,
      supervisor,
    };
    // a missing old handler is named in a HandlerNotFoundError, a failed init the new one
    await rpc(
      dest,
      command,
      op(erlang, [manager, from, to, options]),
      from as AnyHandlerId,
      Number.POSITIVE_INFINITY,
      to as AnyHandlerId,
    );
  });
}

/**
 * Replaces one handler by another in one step (Erlang's `gen_event:swap_handler/3`):
 *
 * 1. `from`'s `terminate(terminateArgs, state)` runs and returns `result`; `from` is removed;
 * 2. `to`'s `init({ args: initArgs, result })` runs; if it returns `Result.ok(state)`, `to` is
 *    installed first in the list. If `from` was supervised, `to` is supervised by the same
 *    process, and that process receives a `HandlerExit` for `from` with reason
 *    `{ swapped: to, supervisor }`.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const events: GenEvent.Manager<string>;
 * declare const AuditLog: GenEvent.Handler<string, string>;
 * declare const BufferedAuditLog: GenEvent.Handler<string, GenEvent.SwapInit<number>>;
 * await GenEvent.swapHandler(events, AuditLog, BufferedAuditLog, {
 *   terminateArgs: "swapping",
 *   initArgs: 100,
 * });
 * ```
 * @returns a promise that resolves once `to` is installed. It rejects with a
 *   `HandlerNotFoundError` (reason `"non_existing"`) if `from` is not installed (nothing
 *   changes), a `HandlerInitError` if `to`'s `init` failed (`from` is gone all the same), a
 *   `NoProcessError` if the manager does not exist, or a `BadArgumentError` for bad
 *   arguments
 * @since 0.1.0
 * @category Handlers
 */
export function swapHandler<E = never, A = undefined>(
  manager: ManagerRef<E>,
  from: HandlerId<never, never, never, unknown>,
  to: HandlerId<NoInfer<E>, SwapInit<A>, never, unknown>,
  options?: SwapHandlerOptions<A>,
): Promise<void> {
  return swap("GenEvent.swapHandler", "swap_handler", manager, from, to, options, undefined);
}

/**
 * As {@link swapHandler}, and the new handler is supervised by the calling process (Erlang's
 * `gen_event:swap_sup_handler/3`): the manager links to it, and it receives the new
 * handler's `HandlerExit` messages. The old handler's supervising process (if any) receives
 * a `HandlerExit` with reason `{ swapped: to, supervisor: caller }`.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const events: GenEvent.Manager<string>;
 * declare const AuditLog: GenEvent.Handler<string, string>;
 * declare const BufferedAuditLog: GenEvent.Handler<string, GenEvent.SwapInit<number>>;
 * await GenEvent.swapSupHandler(events, AuditLog, BufferedAuditLog, { initArgs: 100 });
 * ```
 * @returns as {@link swapHandler}; also rejects with a `NotInProcessError` outside process code
 * @since 0.1.0
 * @category Supervision
 */
export function swapSupHandler<E = never, A = undefined>(
  manager: ManagerRef<E>,
  from: HandlerId<never, never, never, unknown>,
  to: HandlerId<NoInfer<E>, SwapInit<A>, never, unknown>,
  options?: SwapHandlerOptions<A>,
): Promise<void> {
  return attempt(() =>
    swap(
      "GenEvent.swapSupHandler",
      "swap_sup_handler",
      manager,
      from,
      to,
      options,
      caller("GenEvent.swapSupHandler"),
    ),
  );
}

/**
 * The handlers installed in the manager, most recently added first (Erlang's
 * `gen_event:which_handlers/1`): each as its definition, or `{ handler, id }` when it was
 * installed with an id.
 *
 * @example
 * ```ts
 * import * as GenEvent from "@trellis/gen-event";
 * declare const events: GenEvent.Manager<string>;
 * for (const h of await GenEvent.whichHandlers(events)) {
 *   console.log("handler" in h ? `${h.handler.name} #${String(h.id)}` : h.name);
 * }
 * ```
 * @returns a promise of the list; it rejects with a `NoProcessError` if the manager does not exist
 * @since 0.1.0
 * @category Handlers
 */
export function whichHandlers(manager: ManagerRef<never>): Promise<AnyHandlerId[]> {
  return attempt(() => {
    const dest = checkManager("GenEvent.whichHandlers", manager);
    return rpc(dest, { kind: "which" }, op("which_handlers", [manager]), undefined) as Promise<
      AnyHandlerId[]
    >;
  });
}
