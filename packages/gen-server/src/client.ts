/**
 * The client API: what other processes call to talk to a server.
 *
 * @module
 */
import {
  BadArgumentError,
  call as coreCall,
  cast as coreCast,
  reply as coreReply,
  whereis as coreWhereis,
  type Dest,
  type From,
  formatReason,
  NoProcessError,
  type Pid,
  type RemoteName,
  Sys,
} from "@trellis/core";
import type { CallsOf, CastsOf, ReplyFor, Server, ServerRef, Untyped } from "./types.js";

/**
 * Options of {@link call}.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * await GenServer.call<number>("counter", "get", { timeout: Infinity });
 * ```
 * @since 0.1.0
 * @category Client
 */
export interface CallOptions {
  /** Milliseconds to wait for the reply. Default `5000`; `Infinity` waits forever. */
  readonly timeout?: number;
}

/** core's call options for a GenServer call with the default timeout (one shared object). */
const CALL = Object.freeze({ module: "GenServer", function: "call" });

/** The options object of the last explicit timeout, reused while callers pass the same one. */
let lastTimeout: unknown;
let lastOptions: { readonly module: string; readonly function: string; readonly timeout: number };

/** core's call options for a GenServer call with `timeout` (validated by core's call). */
function callWith(timeout: number): typeof lastOptions {
  if (timeout !== lastTimeout || lastOptions === undefined) {
    lastOptions = Object.freeze({ module: "GenServer", function: "call", timeout });
    lastTimeout = timeout;
  }
  return lastOptions;
}

function timeoutOf(options: number | CallOptions | undefined): number | undefined {
  if (options === undefined || typeof options === "number") return options;
  if (typeof options !== "object" || options === null) {
    throw new BadArgumentError(
      `GenServer.call: options must be a timeout or { timeout }, got ${formatReason(options)}`,
    );
  }
  return options.timeout;
}

/**
 * Makes a synchronous request to a server and resolves with its reply (Elixir's
 * `GenServer.call/3`). `handleCall` answers it. The caller monitors the server while it
 * waits, so the promise rejects:
 *
 * - with a `CallTimeoutError` (reason `"timeout"`) when no reply comes within the timeout
 *   (default 5000 ms, `Infinity` to wait forever); the server keeps running and a late
 *   reply is dropped, never reaching the caller's mailbox;
 * - with a `NoProcessError` (reason `"noproc"`) for a dead pid, a name nobody holds, or
 *   `undefined` (Elixir's `nil`, e.g. from an unsuccessful `whereis`);
 * - with a `CallingSelfError` (reason `"calling_self"`) when a server calls itself;
 * - with a `CallError` carrying the server's exit reason when it exits before replying.
 *
 * Each error's `operation` is `{ module: "GenServer", function: "call", args: [server,
 * request, timeout] }`. Inside a process, an uncaught rejection crashes the caller, as the
 * exit of a failed call does in Elixir.
 *
 * With a typed handle (from `start`, `startLink` or `named`), only the server's call
 * requests compile and the reply type is inferred. With a plain pid or name, any request
 * goes and the reply type is `unknown` unless given: `call<number>(pid, "get")`.
 *
 * `server` may be `{ name, node }`, a server registered on another node (Elixir's
 * `GenServer.call({name, node}, …)`); an unreachable node rejects with a `CallError` whose
 * reason is `{ nodedown: node }`. `cast` and `stop` take it too.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * type Calls = GenServer.Request<{ type: "get"; key: string }, string | undefined>;
 * declare const kv: GenServer.Server<Calls, never>;
 * const value = await GenServer.call(kv, { type: "get", key: "a" }, { timeout: 1000 });
 * const any = await GenServer.call<number>("counter", "get", 1000);
 * const remote = await GenServer.call<number>({ name: "counter", node: "b@localhost" }, "get");
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
export function call<S extends ServerRef<never, never>, const R extends CallsOf<S>>(
  server: S,
  request: R,
  options?: number | CallOptions,
): Promise<ReplyFor<CallsOf<S>, R>>;
export function call(server: Dest, req: unknown, options?: number | CallOptions): Promise<unknown> {
  try {
    const timeout = timeoutOf(options);
    if (server === undefined || server === null) {
      // Elixir's call(nil, …): nobody to call
      const op = { module: "GenServer", function: "call", args: [server, req, timeout ?? 5000] };
      return Promise.reject(new NoProcessError(op));
    }
    return coreCall(server, req, timeout === undefined ? CALL : callWith(timeout));
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Sends an asynchronous request to a server (Elixir's `GenServer.cast/2`); `handleCast`
 * handles it. Returns at once and always succeeds, also when the server is dead or the
 * name unknown: nothing tells the sender whether it arrived.
 *
 * With a typed handle only the server's cast requests compile.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * declare const stack: GenServer.Server<never, { type: "push"; item: string }>;
 * GenServer.cast(stack, { type: "push", item: "a" });
 * GenServer.cast("no-such-server", "anything"); // fine: casts never fail
 * ```
 * @since 0.1.0
 * @category Client
 */
export function cast(server: Dest & Untyped, request: unknown): void;
// Typed last, as for call: TypeScript 7's error then names the bad request.
export function cast<S extends ServerRef<never, never>>(server: S, request: CastsOf<S>): void;
export function cast(server: Dest, req: unknown): void {
  coreCast(server, req);
}

/**
 * Answers a call later (Elixir's `GenServer.reply/2`): `handleCall` returned
 * `Result.noreply(state)` and kept `from`; now any process, at any time, can send the
 * reply. The caller's `call` resolves with `value`. A reply to a caller that has given up
 * (timeout, exit) is dropped.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * import type { From } from "@trellis/core";
 *
 * const Barrier = GenServer.define({
 *   init: () => GenServer.Result.ok([] as From[]),
 *   handleCall(request: "wait" | "release", from, waiting) {
 *     if (request === "wait") return GenServer.Result.noreply([...waiting, from]);
 *     for (const w of waiting) GenServer.reply(w, "go");
 *     return GenServer.Result.reply("released", []);
 *   },
 * });
 * ```
 * @throws {BadArgumentError} if `from` is not the `From` that `handleCall` received
 * @since 0.1.0
 * @category Client
 */
export function reply(from: From, value: unknown): void {
  coreReply(from, value);
}

/**
 * Stops a server synchronously (Elixir's `GenServer.stop/3`): the server runs
 * `terminate(reason, state)` and exits with `reason`, after the messages already in its
 * mailbox; the promise resolves once it has exited.
 *
 * - `reason` defaults to `"normal"`; a reason other than `"normal"`, `"shutdown"` or
 *   `{ shutdown: term }` is logged as a crash, and propagates to linked processes.
 * - `timeout` (default `Infinity`) bounds the wait; when it expires the promise rejects
 *   with a `CallTimeoutError` and the server carries on with its stop.
 * - A dead server or unknown name rejects with a `NoProcessError`; a server stopping
 *   itself rejects with a `CallingSelfError`; an invalid timeout rejects with a
 *   `BadArgumentError` and leaves the server running. If `terminate` throws, the server
 *   exits with that error and the promise rejects with a `CallError` carrying it.
 *
 * Errors name the operation `{ module: "GenServer", function: "stop", args: [server,
 * reason, timeout] }`. It works on any special process (it is core's `Sys.terminate`),
 * also while it is suspended with `Sys.suspend`.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * declare const server: GenServer.Server;
 * await GenServer.stop(server); // "normal", wait as long as terminate takes
 * await GenServer.stop("cache", "shutdown", 5000);
 * ```
 * @since 0.1.0
 * @category Client
 */
export async function stop(
  server: Dest,
  reason: unknown = "normal",
  timeout: number = Number.POSITIVE_INFINITY,
): Promise<void> {
  const operation = { module: "GenServer", function: "stop", args: [server, reason, timeout] };
  if (server === undefined || server === null) throw new NoProcessError(operation);
  // core's sys:terminate: handled by the toolkit (also while suspended), which runs the
  // server's terminate, answers, and exits with `reason`
  await Sys.terminate(server, reason, timeout, { module: "GenServer", function: "stop" });
}

/**
 * The pid of a server (Elixir's `GenServer.whereis/1`): a pid is returned as it is (alive
 * or not), a registered or `via` name is looked up (`undefined` when nobody holds it). A
 * typed handle gives a typed pid.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const pid = GenServer.whereis("cache");
 * if (pid === undefined) console.log("the cache is not running");
 * ```
 * @throws {BadArgumentError} for something that is neither a pid nor a name
 * @since 0.1.0
 * @category Client
 */
export function whereis<S extends ServerRef<never, never>>(
  server: S,
): Server<CallsOf<S>, CastsOf<S>> | undefined;
export function whereis(server: RemoteName): Pid | RemoteName | undefined;
export function whereis(server: Dest & Untyped): Pid | undefined;
export function whereis(server: Dest): Pid | RemoteName | undefined {
  return coreWhereis(server);
}
