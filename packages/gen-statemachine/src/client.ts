/**
 * The client API: what other processes call to talk to a machine.
 *
 * @module
 */
import {
  BadArgumentError,
  call as coreCall,
  cast as coreCast,
  whereis as coreWhereis,
  type Dest,
  From,
  formatReason,
  type Pid,
  type RemoteName,
  Sys,
} from "@trellis/core";
import { replyOnce } from "./internal/engine.js";
import type {
  HandleCalls,
  HandleCasts,
  ReplyFor,
  ReplyTo,
  Server,
  ServerRef,
  Untyped,
} from "./types.js";

/**
 * Options of {@link call}.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const options: GenStateMachine.CallOptions = { timeout: 1000 };
 * await GenStateMachine.call<string>("front-door", { type: "status" }, options);
 * ```
 * @since 0.1.0
 * @category Client
 */
export interface CallOptions {
  /** Milliseconds to wait for the reply. Default `Infinity` (as `gen_statem:call/2`). */
  readonly timeout?: number;
}

function timeoutOf(options: number | CallOptions | undefined): number {
  if (options === undefined) return Number.POSITIVE_INFINITY;
  if (typeof options === "number") return options;
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(
      `GenStateMachine.call: options must be a timeout or { timeout }, got ${formatReason(options)}`,
    );
  }
  return options.timeout ?? Number.POSITIVE_INFINITY;
}

/**
 * Makes a synchronous request to a machine and resolves with its reply (Erlang's
 * `gen_statem:call/2,3`). The machine gets a `"call"` event and answers with
 * `Action.reply(event.from, value)` (or later with {@link reply}), in whatever state it
 * answers. The caller monitors the machine while it waits, so the promise rejects:
 *
 * - with a `CallTimeoutError` (reason `"timeout"`) when a `timeout` was given and no reply
 *   came in time; the machine keeps running and a late reply is dropped. **The default
 *   timeout is `Infinity`**, as in Erlang (GenServer's is 5000);
 * - with a `NoProcessError` (reason `"noproc"`) for a dead pid or a name nobody holds;
 * - with a `CallingSelfError` when a machine calls itself;
 * - with a `CallError` carrying the machine's exit reason when it exits before replying
 *   (for example `{ bad_return_from_state_function: value }`).
 *
 * Each error's `operation` is `{ module: "GenStateMachine", function: "call", args:
 * [machine, request, timeout] }`. Inside a process, an uncaught rejection crashes the caller.
 *
 * With a typed handle, only the machine's call requests compile and the reply type is
 * inferred; with a plain pid or name, any request goes and the reply is `unknown` unless
 * given: `call<number>(pid, "count")`.
 *
 * `machine` may be `{ name, node }`, a machine registered on another node (Erlang's
 * `gen_statem:call({Name, Node}, …)`); an unreachable node rejects with a `CallError` whose
 * reason is `{ nodedown: node }`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * type DoorCall = GenStateMachine.Request<{ type: "status" }, "locked" | "open">;
 * declare const door: GenStateMachine.Server<DoorCall, never>;
 * const status = await GenStateMachine.call(door, { type: "status" }); // "locked" | "open"
 * const n = await GenStateMachine.call<number>("counter", "count", { timeout: 1000 });
 * const far = await GenStateMachine.call({ name: "door", node: "b@localhost" }, "status");
 * ```
 * @param options the timeout in milliseconds, or `{ timeout }`
 * @since 0.1.0
 * @category Client
 */
export function call<Reply = unknown>(
  server: Dest & Untyped,
  request: unknown,
  options?: number | CallOptions,
): Promise<Reply>;
// The typed overload comes last: when no overload matches, TypeScript 7 reports only the
// last one's error, which must name the bad request, not the handle's brand.
export function call<S extends ServerRef<never, never>, const R extends HandleCalls<S>>(
  server: S,
  request: R,
  options?: number | CallOptions,
): Promise<ReplyFor<HandleCalls<S>, R>>;
export function call(server: Dest, req: unknown, options?: number | CallOptions): Promise<unknown> {
  try {
    return coreCall(server, req, {
      module: "GenStateMachine",
      function: "call",
      timeout: timeoutOf(options),
    });
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Sends an asynchronous request to a machine (Erlang's `gen_statem:cast/2`): it gets a
 * `"cast"` event. Returns at once and always succeeds, also when the machine is dead or the
 * name unknown. With a typed handle only the machine's cast requests compile.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * declare const door: GenStateMachine.Server<never, { type: "press"; digit: string }>;
 * GenStateMachine.cast(door, { type: "press", digit: "4" });
 * ```
 * @since 0.1.0
 * @category Client
 */
export function cast(server: Dest & Untyped, request: unknown): void;
// Typed last, as for call: TypeScript 7's error then names the bad request.
export function cast<S extends ServerRef<never, never>>(server: S, request: HandleCasts<S>): void;
export function cast(server: Dest, req: unknown): void {
  coreCast(server, req);
}

/**
 * Answers a call from anywhere, at any time (Erlang's `gen_statem:reply/2`): for a call the
 * machine kept (in its data, or by postponing it) and answers later, possibly from another
 * state or another process. The caller's `call` resolves with `value`. A reply to a caller
 * that has given up is dropped. Each call is answered once.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * import type { From } from "@trellis/core";
 * declare const waiting: From[];
 * for (const from of waiting) GenStateMachine.reply(from, "open");
 * ```
 * @throws {BadArgumentError} if `from` is not a `From`, or the call was already answered
 * @since 0.1.0
 * @category Client
 */
export function reply<R>(from: ReplyTo<R>, value: NoInfer<R>): void {
  if (!(from instanceof From)) {
    throw new BadArgumentError(
      `GenStateMachine.reply: expected the from of a call event, got ${formatReason(from)}`,
    );
  }
  replyOnce(from, value);
}

/**
 * Stops a machine synchronously (Erlang's `gen_statem:stop/1,3`): it runs
 * `terminate(reason, state, data)` and exits with `reason`, after the messages already in
 * its mailbox; the promise resolves once it has exited.
 *
 * - `reason` defaults to `"normal"`; a reason other than `"normal"`, `"shutdown"` or
 *   `{ shutdown: term }` is logged as a crash and propagates to linked processes.
 * - `timeout` (default `Infinity`) bounds the wait; when it expires the promise rejects
 *   with a `CallTimeoutError` and the machine carries on with its stop.
 * - A dead machine or unknown name rejects with a `NoProcessError` (stopping twice does);
 *   if `terminate` throws, the machine exits with that error and the promise rejects with a
 *   `CallError` carrying it.
 *
 * Errors name the operation `{ module: "GenStateMachine", function: "stop", args:
 * [machine, reason, timeout] }`. It is core's `Sys.terminate`, so it also works while the
 * machine is suspended with `Sys.suspend`.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * declare const door: GenStateMachine.Server;
 * await GenStateMachine.stop(door);
 * await GenStateMachine.stop("front-door", { shutdown: "maintenance" }, 5000);
 * ```
 * @since 0.1.0
 * @category Client
 */
export async function stop(
  server: Dest,
  reason: unknown = "normal",
  timeout: number = Number.POSITIVE_INFINITY,
): Promise<void> {
  const _operation = {
    module: "GenStateMachine",
    function: "stop",
    args: [server, reason, timeout],
  };
  // core's sys:terminate: handled by the toolkit (also while suspended), which runs the
  // machine's terminate, answers, and exits with `reason`
  await Sys.terminate(server, reason, timeout, { module: "GenStateMachine", function: "stop" });
}

/**
 * The pid of a machine: a pid is returned as it is (alive or not), a registered or `via`
 * name is looked up (`undefined` when nobody holds it). A typed handle gives a typed pid.
 *
 * @example
 * ```ts
 * import * as GenStateMachine from "@trellis/gen-statemachine";
 * const pid = GenStateMachine.whereis("front-door");
 * if (pid === undefined) console.log("the door is not running");
 * ```
 * @throws {BadArgumentError} for something that is neither a pid nor a name
 * @since 0.1.0
 * @category Client
 */
export function whereis<S extends ServerRef<never, never>>(
  server: S,
): Server<HandleCalls<S>, HandleCasts<S>> | undefined;
export function whereis(server: RemoteName): Pid | RemoteName | undefined;
export function whereis(server: Dest & Untyped): Pid | undefined;
export function whereis(server: Dest): Pid | RemoteName | undefined {
  return coreWhereis(server);
}
