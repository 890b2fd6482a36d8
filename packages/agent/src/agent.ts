/**
 * The Agent API.
 *
 * @module
 */
import {
  BadArgumentError,
  type Dest,
  formatReason,
  isProcessName,
  type Pid,
  type ProcessName,
} from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { type AgentCall, AgentServer } from "./internal/server.js";

/**
 * A typed handle to a running agent: its pid, carrying (in the type system only) the type of
 * its state, so that the functions given to `get`, `update`, `getAndUpdate` and `cast` are
 * checked against it. It is a real {@link Pid}.
 *
 * @example
 * ```ts
 * import * as Agent from "@trellis/agent";
 * const counter: Agent.Agent<number> = await Agent.startLink(() => 0);
 * await Agent.update(counter, (n) => n + 1);
 * ```
 * @since 0.1.0
 * @category Types
 */
export type Agent<S> = Pid & AgentTypes<S>;

/**
 * A typed reference to an agent: its typed pid ({@link Agent}), or a name made typed with
 * {@link named}. Every client function takes one.
 *
 * @example
 * ```ts
 * import * as Agent from "@trellis/agent";
 * const cache: Agent.AgentRef<Map<string, number>> = Agent.named<Map<string, number>>("cache");
 * ```
 * @since 0.1.0
 * @category Types
 */
export type AgentRef<S> = (Pid | ProcessName) & AgentTypes<S>;

/**
 * A typed reference to the agent registered under `name` (a string or a `via` name), whose
 * state has type `S`: like `GenServer.named`, the functions given to `get`, `update`,
 * `getAndUpdate` and `cast` through it are checked against `S`, and go to whichever
 * process holds the name at the time.
 *
 * @example
 * ```ts
 * import * as Agent from "@trellis/agent";
 * await Agent.start(() => new Map<string, number>(), { name: "cache" });
 * const cache = Agent.named<Map<string, number>>("cache");
 * const hits = await Agent.get(cache, (m) => m.get("hits")); // number | undefined
 * ```
 * @throws {BadArgumentError} for a name that is neither a non-empty string nor a via name
 * @since 0.1.0
 * @category Client
 */
export function named<S>(name: ProcessName): AgentRef<S> {
  if (!isProcessName(name)) {
    throw new BadArgumentError(
      `Agent.named: expected a non-empty string or a via name, got ${formatReason(name)}`,
    );
  }
  return name as AgentRef<S>;
}

/**
 * The type-level brand of a typed agent handle.
 *
 * @example
 * ```ts
 * import type { Pid } from "@trellis/core";
 * import type * as Agent from "@trellis/agent";
 * type Counter = Pid & Agent.AgentTypes<number>; // = Agent.Agent<number>
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface AgentTypes<S> {
  /** Type-level only (absent at run time): the state type, held invariantly. */
  readonly "~agent": (state: S) => S;
}

/**
 * The brand of an untyped destination: a plain pid or name, as opposed to a typed agent.
 *
 * @example
 * ```ts
 * import type { Dest } from "@trellis/core";
 * import type * as Agent from "@trellis/agent";
 * const plain: Dest & Agent.UntypedAgent = "cache"; // any pid or name, but no typed agent
 * ```
 * @since 0.1.0
 * @category Types
 */
export interface UntypedAgent {
  /** Absent on plain pids and names. */
  readonly "~agent"?: undefined;
}

/**
 * Options of `start` and `startLink`: those of `GenServer.start` (`name`, `timeout`,
 * `runtime`).
 *
 * @example
 * ```ts
 * import * as Agent from "@trellis/agent";
 * const options: Agent.StartOptions = { name: "cache", timeout: 1000 };
 * await Agent.start(() => new Map(), options);
 * ```
 * @since 0.1.0
 * @category Starting
 */
export type StartOptions = GenServer.StartOptions;

/**
 * The timeout of a request: milliseconds (default `5000`, `Infinity` to wait forever), or
 * `{ timeout }`.
 *
 * @example
 * ```ts
 * import * as Agent from "@trellis/agent";
 * declare const counter: Agent.Agent<number>;
 * await Agent.get(counter, (n) => n, 1000);
 * await Agent.get(counter, (n) => n, { timeout: Infinity });
 * ```
 * @since 0.1.0
 * @category Client
 */
export type Timeout = number | GenServer.CallOptions;

/**
 * Options of {@link childSpec}: overrides of the child spec fields, and the start options.
 *
 * @example
 * ```ts
 * import * as Agent from "@trellis/agent";
 * const options: Agent.ChildSpecOptions = { id: "sessions", restart: "permanent", name: "sessions" };
 * Agent.childSpec(() => new Map(), options);
 * ```
 * @since 0.1.0
 * @category Supervision
 */
export type ChildSpecOptions = GenServer.ChildSpecOptions;

function checkFn(what: string, fn: unknown): void {
  if (typeof fn !== "function") {
    throw new BadArgumentError(`Agent.${what}: expected a function, got ${formatReason(fn)}`);
  }
}

async function startAgent<S>(
  what: "start" | "startLink",
  fn: () => S | PromiseLike<S>,
  options: StartOptions | undefined,
): Promise<Agent<S>> {
  checkFn(what, fn);
  const started =
    what === "start"
      ? await GenServer.start(AgentServer, fn, options)
      : await GenServer.startLink(AgentServer, fn, options);
  return started as Pid as Agent<S>;
}

/**
 * Starts an agent without linking it (Elixir's `Agent.start/2`). `fn` runs inside the new
 * process and its result (awaited if it is a promise) is the initial state; the promise
 * resolves with the agent once it has returned.
 *
 * Rejects with an `InitError` when `fn` throws (the reason is the error) or outlives the
 * `timeout` option (`"timeout"`), and with an `AlreadyStartedError` carrying the holder's
 * pid when the `name` is taken.
 *
 * @example
 * ```ts
 * import * as Agent from "@trellis/agent";
 * const cache = await Agent.start(() => new Map<string, string>(), { name: "cache" });
 * ```
 * @throws {BadArgumentError} (as a rejection) if `fn` is not a function, or for a bad name
 *   or timeout
 * @since 0.1.0
 * @category Starting
 */
export function start<S>(fn: () => S | PromiseLike<S>, options?: StartOptions): Promise<Agent<S>> {
  return startAgent("start", fn, options);
}

/**
 * Starts an agent linked to the caller (Elixir's `Agent.start_link/2`). Otherwise as
 * {@link start}. Must be called from process code.
 *
 * @example
 * ```ts
 * import * as Agent from "@trellis/agent";
 * const counter = await Agent.startLink(async () => 0);
 * await Agent.get(counter, (n) => n); // 0
 * ```
 * @throws {NotInProcessError} (as a rejection) outside process code
 * @since 0.1.0
 * @category Starting
 */
export function startLink<S>(
  fn: () => S | PromiseLike<S>,
  options?: StartOptions,
): Promise<Agent<S>> {
  return startAgent("startLink", fn, options);
}

function request(
  what: string,
  agent: Dest,
  message: AgentCall,
  timeout: Timeout | undefined,
): Promise<unknown> {
  try {
    checkFn(what, message.fn);
  } catch (e) {
    return Promise.reject(e);
  }
  return GenServer.call(agent as Dest & GenServer.Untyped, message, timeout);
}

/**
 * Runs `fn` on the agent's state, inside the agent, and resolves with its result (Elixir's
 * `Agent.get/3`); the state does not change. `fn` may be async: the agent waits for it.
 *
 * Rejects like `GenServer.call`, and the errors name `GenServer.call` as in Elixir: a
 * `CallTimeoutError` after the timeout (default 5000 ms; no late reply arrives), a
 * `NoProcessError` for a dead agent, a `CallError` carrying the error when `fn` throws
 * (which also crashes the agent).
 *
 * With a typed agent (from `start`, `startLink` or `named`) the state and result types are
 * inferred. With a plain pid or name, the state type comes from `fn`'s parameter, or is given
 * as the first type argument: `get<string[]>("names", (list) => list.length)`. TypeScript
 * infers no type argument when some are given, so the result is then `unknown` unless given
 * too: `get<string[], number>(…)`.
 *
 * `agent` may be `{ name, node }`, an agent registered on another node (Elixir's
 * `Agent.get({name, node}, …)`), where `fn` can travel: between runtimes of one OS process
 * (`connectInMemory`). A function cannot be serialised for a worker thread or the Erlang
 * distribution.
 *
 * @example
 * ```ts
 * import * as Agent from "@trellis/agent";
 * const names = await Agent.startLink(() => ["ada", "joe"]);
 * const count = await Agent.get(names, (list) => list.length, 1000); // 2
 * const first = await Agent.get<string[], string | undefined>("names", (list) => list[0]);
 * const far = await Agent.get({ name: "names", node: "b@localhost" }, (list: string[]) => list);
 * ```
 * @since 0.1.0
 * @category Client
 */
export function get<S, R>(
  agent: AgentRef<S>,
  fn: (state: S) => R,
  timeout?: Timeout,
): Promise<Awaited<R>>;
// With the state type given alone (`get<number>(…)`), TypeScript infers no other type
// argument: the result is `unknown` unless given too (`get<number, string>(…)`).
export function get<S, R = unknown>(
  agent: AgentRef<S> | (Dest & UntypedAgent),
  fn: (state: S) => R,
  timeout?: Timeout,
): Promise<Awaited<R>>;
export function get(
  agent: Dest,
  fn: (state: unknown) => unknown,
  timeout?: Timeout,
): Promise<unknown> {
  return request("get", agent, { type: "get", fn }, timeout);
}

/**
 * Replaces the agent's state with `fn(state)`, inside the agent, and resolves once it is
 * done (Elixir's `Agent.update/3`). `fn` may be async. Rejects as {@link get}.
 *
 * @example
 * ```ts
 * import * as Agent from "@trellis/agent";
 * const counter = await Agent.startLink(() => 0);
 * await Agent.update(counter, (n) => n + 1);
 * ```
 * @since 0.1.0
 * @category Client
 */
export function update<S>(
  agent: AgentRef<S>,
  fn: (state: S) => S | PromiseLike<S>,
  timeout?: Timeout,
): Promise<void>;
export function update<S = unknown>(
  agent: Dest & UntypedAgent,
  fn: (state: S) => S | PromiseLike<S>,
  timeout?: Timeout,
): Promise<void>;
export async function update(
  agent: Dest,
  fn: (state: unknown) => unknown,
  timeout?: Timeout,
): Promise<void> {
  await request("update", agent, { type: "update", fn }, timeout);
}

/**
 * Runs `fn` on the agent's state, inside the agent: `fn` returns `[reply, newState]`; the
 * state becomes `newState` and the promise resolves with `reply` (Elixir's
 * `Agent.get_and_update/3`). `fn` may be async. If it returns anything but a pair, the
 * agent stops with `{ bad_return_value: result }` and the promise rejects with a
 * `CallError` carrying it. Otherwise rejects as {@link get}.
 *
 * @example
 * ```ts
 * import * as Agent from "@trellis/agent";
 * const queue = await Agent.startLink(() => ["a", "b"]);
 * const head = await Agent.getAndUpdate(queue, ([first, ...rest]) => [first, rest]); // "a"
 * ```
 * @since 0.1.0
 * @category Client
 */
export function getAndUpdate<S, R>(
  agent: AgentRef<S>,
  fn: (state: S) => readonly [R, S] | PromiseLike<readonly [R, S]>,
  timeout?: Timeout,
): Promise<R>;
export function getAndUpdate<S, R = unknown>(
  agent: AgentRef<S> | (Dest & UntypedAgent),
  fn: (state: S) => readonly [R, S] | PromiseLike<readonly [R, S]>,
  timeout?: Timeout,
): Promise<R>;
export function getAndUpdate(
  agent: Dest,
  fn: (state: unknown) => unknown,
  timeout?: Timeout,
): Promise<unknown> {
  return request("getAndUpdate", agent, { type: "getAndUpdate", fn }, timeout);
}

/**
 * Replaces the agent's state with `fn(state)` without waiting (Elixir's `Agent.cast/2`).
 * Returns at once and always succeeds, also when the agent is dead. Requests from one
 * process are applied in the order sent, so a later `get` sees the change.
 *
 * @example
 * ```ts
 * import * as Agent from "@trellis/agent";
 * const counter = await Agent.startLink(() => 0);
 * Agent.cast(counter, (n) => n + 1);
 * await Agent.get(counter, (n) => n); // 1
 * ```
 * @throws {BadArgumentError} if `fn` is not a function
 * @since 0.1.0
 * @category Client
 */
export function cast<S>(agent: AgentRef<S>, fn: (state: S) => S | PromiseLike<S>): void;
export function cast<S = unknown>(
  agent: Dest & UntypedAgent,
  fn: (state: S) => S | PromiseLike<S>,
): void;
export function cast(agent: Dest, fn: (state: unknown) => unknown): void {
  checkFn("cast", fn);
  GenServer.cast(agent as Dest & GenServer.Untyped, { type: "cast", fn });
}

/**
 * Stops the agent synchronously with `reason` (default `"normal"`), waiting at most
 * `timeout` (default `Infinity`) for it to exit (Elixir's `Agent.stop/3`, through
 * `GenServer.stop`). A registered name is freed. Rejects with a `NoProcessError` for a dead
 * agent, a `CallingSelfError` from inside the agent, a `BadArgumentError` for a bad timeout.
 *
 * @example
 * ```ts
 * import * as Agent from "@trellis/agent";
 * const counter = await Agent.start(() => 0);
 * await Agent.stop(counter);
 * ```
 * @since 0.1.0
 * @category Client
 */
export function stop(agent: Dest, reason?: unknown, timeout?: number): Promise<void> {
  return GenServer.stop(agent, reason, timeout);
}

/**
 * The child spec that starts an agent with `fn` under a supervisor (Elixir's
 * `Agent.child_spec/1`): `start` calls `startLink(fn, options)`. The id defaults to
 * `"Agent"` (Elixir's `Agent` module); `options` overrides `id`, `restart` and `shutdown`
 * and carries the start options (`name`, `timeout`).
 *
 * @example
 * ```ts
 * import * as Agent from "@trellis/agent";
 * const spec = Agent.childSpec(() => new Map(), { id: "sessions", name: "sessions" });
 * spec.start; // () => Promise<Pid>
 * ```
 * @throws {BadArgumentError} if `fn` is not a function, or for a bad option
 * @since 0.1.0
 * @category Supervision
 */
export function childSpec(fn: () => unknown, options: ChildSpecOptions = {}): GenServer.ChildSpec {
  checkFn("childSpec", fn);
  return GenServer.childSpec(AgentServer, fn, { id: "Agent", ...options });
}
