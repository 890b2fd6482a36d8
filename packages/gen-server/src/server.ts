/**
 * Defining and starting servers.
 *
 * @module
 */
import {
  BadArgumentError,
  checkChildOptions,
  formatReason,
  isProcessName,
  type Pid,
  type ProcessName,
  type Runtime,
  type StartSpecialOptions,
  startSpecial,
  type InitResult as ToolkitInitResult,
} from "@trellis/core";
import { Loop, type LooseCallbacks } from "./internal/loop.js";
import type { InitResult } from "./result.js";
import type {
  Callbacks,
  ChildSpec,
  DefineOptions,
  Definition,
  RestartType,
  Server,
  Shutdown,
  StartArgs,
  Started,
  Typed,
} from "./types.js";

const CALLBACK_NAMES = [
  "handleCall",
  "handleCast",
  "handleInfo",
  "handleContinue",
  "terminate",
  "formatStatus",
] as const;

const DEFINITION = Symbol.for("trellis.gen-server.definition");

/**
 * Defines a server: its callbacks, given once. The result is a plain value that
 * `start`, `startLink` and `childSpec` take; the types flow from the callbacks to the
 * handle `start` returns, so annotate `init`'s argument and the request parameters of
 * `handleCall`, `handleCast` and `handleContinue` (the state type comes from `init`).
 *
 * Only `init` is required. The defaults of the others are Elixir's: a call or cast with no
 * `handleCall`/`handleCast` crashes the server, an info message with no `handleInfo` is
 * logged and dropped, `terminate` does nothing.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const { ok, reply, noreply } = GenServer.Result;
 *
 * type StackCall = GenServer.Request<{ type: "pop" }, string | undefined>;
 * type StackCast = { type: "push"; item: string };
 *
 * export const Stack = GenServer.define({
 *   init: (items: string[]) => ok(items),
 *   handleCall(_request: StackCall, _from, items) {
 *     const [top, ...rest] = items;
 *     return reply(top, rest);
 *   },
 *   handleCast: (request: StackCast, items) => noreply([request.item, ...items]),
 * });
 * ```
 * @param callbacks the callbacks (see {@link Callbacks})
 * @param options child spec defaults: `id`, `restart`, `shutdown`
 * @throws {BadArgumentError} if `init` is not a function, or another callback is given but
 *   is not a function
 * @since 0.1.0
 * @category Definition
 */
export function define<
  Arg,
  Init extends InitResult<unknown, unknown>,
  Calls = never,
  Casts = never,
  Cont = never,
>(
  callbacks: Callbacks<Arg, Init, Calls, Casts, Cont>,
  options: DefineOptions = {},
): Definition<Arg, Init, Calls, Casts, Cont> {
  if (typeof callbacks !== "object" || callbacks === null) {
    throw new BadArgumentError(
      `GenServer.define: expected an object of callbacks, got ${formatReason(callbacks)}`,
    );
  }
  if (typeof callbacks.init !== "function") {
    throw new BadArgumentError(
      `GenServer.define: init must be a function, got ${formatReason(callbacks.init)}`,
    );
  }
  for (const name of CALLBACK_NAMES) {
    const f = (callbacks as unknown as Record<string, unknown>)[name];
    if (f !== undefined && typeof f !== "function") {
      throw new BadArgumentError(
        `GenServer.define: ${name} must be a function when given, got ${formatReason(f)}`,
      );
    }
  }
  checkChildOptions("GenServer.define", options);
  if (options.name !== undefined && (typeof options.name !== "string" || options.name === "")) {
    throw new BadArgumentError(
      `GenServer.define: name must be a non-empty string, got ${formatReason(options.name)}`,
    );
  }
  const name = options.name ?? `GenServer#${++defined}`;
  const def = { callbacks, options: { ...options }, name };
  Object.defineProperty(def, DEFINITION, { value: true });
  // A definition is the default child id: it reads as its name in trees and reports.
  Object.defineProperty(def, "toJSON", { value: () => name });
  Object.defineProperty(def, "toString", { value: () => name });
  return Object.freeze(def);
}

/** How many definitions have been made without a name (for their default names). */
let defined = 0;

function checkDefinition(what: string, def: unknown): LooseCallbacks {
  if (typeof def !== "object" || def === null || !(DEFINITION in def)) {
    throw new BadArgumentError(
      `${what}: expected a server definition made by GenServer.define, got ${formatReason(def)}`,
    );
  }
  return (def as unknown as { callbacks: LooseCallbacks }).callbacks;
}

/**
 * Options of `start` and `startLink`.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const options: GenServer.StartOptions = { name: "cache", timeout: 5000 };
 * ```
 * @since 0.1.0
 * @category Starting
 */
export interface StartOptions {
  /**
   * Register the server under this name: a string (a local name) or a `via` name. A taken
   * name makes the start reject with an `AlreadyStartedError` carrying the holder's pid.
   * `undefined` means no name (Elixir's `name: nil`).
   */
  readonly name?: ProcessName | undefined;
  /**
   * Milliseconds `init` may take. When it takes longer, the process is killed and the
   * start rejects with an `InitError` with reason `"timeout"`. Default `Infinity`.
   */
  readonly timeout?: number;
  /** The runtime to start in when called outside process code. Default: the default runtime. */
  readonly runtime?: Runtime;
}

async function startServer(
  what: string,
  def: unknown,
  arg: unknown,
  options: StartOptions | undefined,
  link: boolean,
): Promise<Pid | "ignore"> {
  const callbacks = checkDefinition(what, def);
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new BadArgumentError(`${what}: options must be an object, got ${formatReason(options)}`);
  }
  if (options?.name !== undefined && !isProcessName(options.name)) {
    throw new BadArgumentError(
      `${what}: the name option must be a non-empty string (not "undefined") or a via name, got ${formatReason(options.name)}`,
    );
  }
  const loop = new Loop(callbacks);
  const special: StartSpecialOptions = {
    link,
    behaviour: "GenServer",
    ...(options?.name === undefined ? {} : { name: options.name }),
    ...(options?.timeout === undefined ? {} : { timeout: options.timeout }),
    ...(options?.runtime === undefined ? {} : { runtime: options.runtime }),
  };
  return startSpecial(() => loop.init(arg) as ToolkitInitResult, special);
}

/**
 * Starts a server without linking it to the caller (Elixir's `GenServer.start/3`). `init`
 * runs in the new process; the returned promise settles when it has returned:
 *
 * - resolves with the typed handle (the pid) when `init` returns `Result.ok(…)`;
 * - resolves with `"ignore"` when it returns `Result.ignore()` (the type includes
 *   `"ignore"` only when `init` can return it);
 * - rejects with an `InitError` carrying the reason when `init` returns `stop`/`error`,
 *   throws (the reason is the error), returns an invalid value (`{ bad_return_value }`), or
 *   outlives the `timeout` option (`"timeout"`);
 * - rejects with an `AlreadyStartedError` carrying the holder's pid when the name is taken.
 *
 * The caller is the server's parent. Works outside process code too (in the default
 * runtime, or the `runtime` option's).
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const Greeter = GenServer.define({
 *   init: (greeting: string) => GenServer.Result.ok(greeting),
 *   handleCall: (name: GenServer.Request<string, string>, _from, greeting) =>
 *     GenServer.Result.reply(`${greeting}, ${name}!`, greeting),
 * });
 * const greeter = await GenServer.start(Greeter, "Hello", { name: "greeter" });
 * await GenServer.call(greeter, "Joe"); // "Hello, Joe!"
 * ```
 * @throws {BadArgumentError} (as a rejection) for a bad definition, name or timeout
 * @since 0.1.0
 * @category Starting
 */
export function start<Arg, Init, Calls, Casts, Cont>(
  definition: Definition<Arg, Init, Calls, Casts, Cont>,
  ...args: StartArgs<Arg, StartOptions>
): Promise<Started<Init, Server<Calls, Casts>>> {
  return startServer("GenServer.start", definition, args[0], args[1], false) as Promise<
    Started<Init, Server<Calls, Casts>>
  >;
}

/**
 * Starts a server linked to the caller (Elixir's `GenServer.start_link/3`): if either
 * exits abnormally, the other gets the exit signal. Otherwise as {@link start}. If the
 * start fails, the caller gets the rejection, not an exit signal. Must be called from
 * process code (a supervisor, a test's `withRuntime`, another server's callback).
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const Counter = GenServer.define({
 *   init: (n: number) => GenServer.Result.ok(n),
 *   handleCall: (_request: GenServer.Request<"get", number>, _from, n) => GenServer.Result.reply(n, n),
 * });
 * const counter = await GenServer.startLink(Counter, 0);
 * await GenServer.call(counter, "get"); // 0
 * ```
 * @throws {NotInProcessError} (as a rejection) outside process code
 * @throws {BadArgumentError} (as a rejection) for a bad definition, name or timeout
 * @since 0.1.0
 * @category Starting
 */
export function startLink<Arg, Init, Calls, Casts, Cont>(
  definition: Definition<Arg, Init, Calls, Casts, Cont>,
  ...args: StartArgs<Arg, StartOptions>
): Promise<Started<Init, Server<Calls, Casts>>> {
  return startServer("GenServer.startLink", definition, args[0], args[1], true) as Promise<
    Started<Init, Server<Calls, Casts>>
  >;
}

/**
 * Options of {@link childSpec}: overrides of the child spec fields, and the start options
 * its `start` function passes to `startLink`.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const options: GenServer.ChildSpecOptions = { id: "cache", restart: "transient", name: "cache" };
 * ```
 * @since 0.1.0
 * @category Supervision
 */
export interface ChildSpecOptions extends StartOptions {
  /** The child id. Default: the definition's `id` option, or the definition itself. */
  readonly id?: unknown;
  /** Overrides the definition's `restart` option. */
  readonly restart?: RestartType;
  /** Overrides the definition's `shutdown` option. */
  readonly shutdown?: Shutdown;
}

/**
 * The child spec that starts this server under a supervisor (Elixir's generated
 * `child_spec/1`): `start` calls `startLink(definition, arg, startOptions)`. The id
 * defaults to the definition itself; `restart` and `shutdown` come from the definition's
 * options and are left out when not set (the supervisor's defaults apply). `options`
 * overrides all of them.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const Cache = GenServer.define(
 *   { init: () => GenServer.Result.ok(new Map<string, string>()) },
 *   { restart: "transient" },
 * );
 * const spec = GenServer.childSpec(Cache, undefined, { id: "cache", name: "cache" });
 * spec.restart; // "transient"
 * ```
 * @throws {BadArgumentError} for a bad definition or option
 * @since 0.1.0
 * @category Supervision
 */
export function childSpec<Arg, Init, Calls, Casts, Cont>(
  definition: Definition<Arg, Init, Calls, Casts, Cont>,
  ...args: StartArgs<Arg, ChildSpecOptions>
): ChildSpec {
  checkDefinition("GenServer.childSpec", definition);
  const [arg, options = {}] = args;
  checkChildOptions("GenServer.childSpec", options);
  const { id, restart, shutdown, ...startOptions } = { ...definition.options, ...options };
  return {
    id: id === undefined ? definition : id,
    start: () => startServer("GenServer.startLink", definition, arg, startOptions, true),
    ...(restart === undefined ? {} : { restart }),
    ...(shutdown === undefined ? {} : { shutdown }),
    type: "worker",
  };
}

/**
 * A typed handle for a server registered under `name` (a string or a `via` name): calls
 * and casts through it are checked against `definition`'s request types, and go to
 * whichever process holds the name at the time.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * const Counter = GenServer.define({
 *   init: (n: number) => GenServer.Result.ok(n),
 *   handleCall: (_request: GenServer.Request<"get", number>, _from, n) => GenServer.Result.reply(n, n),
 * });
 * const counter = GenServer.named(Counter, "counter");
 * await GenServer.start(Counter, 0, { name: counter });
 * const n: number = await GenServer.call(counter, "get");
 * ```
 * @throws {BadArgumentError} for a bad definition or name
 * @since 0.1.0
 * @category Starting
 */
export function named<Arg, Init, Calls, Casts, Cont, N extends ProcessName>(
  definition: Definition<Arg, Init, Calls, Casts, Cont>,
  name: N,
): N & Typed<Calls, Casts> {
  checkDefinition("GenServer.named", definition);
  if (!isProcessName(name)) {
    throw new BadArgumentError(
      `GenServer.named: expected a non-empty string or a via name, got ${formatReason(name)}`,
    );
  }
  return name as N & Typed<Calls, Casts>;
}
