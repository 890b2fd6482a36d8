/**
 * # @trellis/gen-server
 *
 * A GenServer is a process that holds a state and answers requests, one at a time: Erlang's
 * `gen_server` and Elixir's `GenServer`, typed end to end. Use it for anything that owns a
 * resource or some state that many processes share: a cache, a connection, a rate limiter,
 * a stock of items. Because it is a process, it can be supervised, named, monitored and
 * linked like any other, and its callbacks never run concurrently with each other.
 *
 * You write the server side once, as callbacks given to {@link define}; the client side is
 * {@link call} (wait for a reply) and {@link cast} (fire and forget), usually wrapped in a
 * few functions of your own.
 *
 * ## Example
 *
 * A stock of items that clients count, reserve and restock:
 *
 * {@includeCode ../test/examples/stock.ts#server}
 *
 * The client API wraps `call` and `cast`. The handle `startLink` returns is typed: `call`
 * accepts only `StockCall` requests and infers each reply type, so `count` gets a
 * `Promise<number>` and a misspelt request does not compile.
 *
 * {@includeCode ../test/examples/stock.ts#client}
 *
 * {@includeCode ../test/examples.test.ts#usage}
 *
 * ## Client and server
 *
 * Everything in {@link Callbacks} runs inside the server process; everything else is
 * called from other processes. A request's journey:
 *
 * - `GenServer.call(server, request)` sends the request and waits; the server's
 *   `handleCall(request, from, state)` returns `Result.reply(value, newState)`, and the
 *   call resolves with `value`. Or it returns `Result.noreply(newState)` and answers later
 *   with `GenServer.reply(from, value)`, from any process.
 * - `GenServer.cast(server, request)` returns at once; `handleCast(request, state)` returns
 *   `Result.noreply(newState)`.
 * - Any other message (a `send`, a monitor's DOWN, a timer) goes to
 *   `handleInfo(message, state)`.
 * - Results can ask for `handleContinue` to run next (`{ continue: arg }`), before any other
 *   message, or set an idle timeout (`{ timeout: ms }`), or stop the server
 *   (`Result.stop(reason, state)`, then `terminate(reason, state)` runs).
 *
 * The result constructors are in the {@link Result} namespace, because `GenServer.reply`
 * and `GenServer.stop` are the client functions, as in Elixir. Callbacks may be `async`:
 * the server takes no other message until the promise settles.
 *
 * ## Supervision
 *
 * {@link childSpec} makes the child spec a supervisor needs, from a definition and the
 * argument of `init`: its `start` calls {@link startLink}. The definition can set the
 * defaults (`GenServer.define(callbacks, { restart: "transient" })`), and `childSpec`'s
 * options override them. A supervisor stops its children with an exit signal; a server
 * that wants `terminate` to run then must trap exits (`trapExit(true)` in `init`).
 *
 * ## Names
 *
 * The `name` option registers the server: a string is a local name, `via(registry, key)`
 * a name in a registry. Every client function accepts the pid, the name, or a typed name
 * from {@link named}. Starting a second server under a taken name rejects with an
 * `AlreadyStartedError` carrying the first one's pid.
 *
 * ## Timeouts
 *
 * `call` waits 5000 ms by default (`Infinity` to wait forever); on timeout it rejects with
 * a `CallTimeoutError`, the server carries on, and its late reply is dropped. A rejected
 * call that is not caught crashes the calling process, as in Elixir. `stop` waits forever
 * by default. The `timeout` start option bounds `init`.
 *
 * ## When not to use it
 *
 * A GenServer serialises its work: it is a bottleneck by design. Don't use one just to
 * organise code (plain modules do that), or to share read-mostly data between many
 * readers (an ETS table does that without the queue). For state with no behaviour of its
 * own, `@trellis/agent` is simpler; for a protocol with states, `@trellis/gen-statemachine`.
 *
 * ## Learn more
 *
 * The guide "GenServer" (docs/guides/gen-server.md), and docs/erlang-mapping.md for how
 * each Erlang and Elixir feature maps to Trellis.
 *
 * @packageDocumentation
 */
export { type CallOptions, call, cast, reply, stop, whereis } from "./client.js";

import * as Result from "./result.js";

export {
  type ChildSpecOptions,
  childSpec,
  define,
  named,
  type StartOptions,
  start,
  startLink,
} from "./server.js";
export type {
  Awaitable,
  Callbacks,
  CallsOf,
  CastsOf,
  ChildSpec,
  DefineOptions,
  Definition,
  ReplyFor,
  ReplyOf,
  Request,
  RestartType,
  Server,
  ServerRef,
  ServerTypes,
  Shutdown,
  StartArgs,
  Started,
  StateOf,
  Status,
  Typed,
  UnmatchedCall,
  Untyped,
  WithReply,
} from "./types.js";
export { Result };
