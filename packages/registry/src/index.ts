/**
 * # @trellis/registry
 *
 * A local, decentralised process registry: Elixir's `Registry` for Trellis. Processes
 * register themselves under keys with a value; anyone looks the keys up directly, without a
 * message round trip. Use it for three things:
 *
 * - **Naming** (`keys: "unique"`): one process per key. {@link via} turns a key into a
 *   name that every behaviour's `name` option, `send` and `GenServer.call` accept, so that
 *   processes can be named by data (`["account", 42]`) instead of by strings.
 * - **Lookup** of processes and their values: {@link lookup}, {@link match},
 *   {@link select}, {@link keys}, {@link count}.
 * - **Pub/sub** (`keys: "duplicate"`): many processes register under one topic;
 *   {@link dispatch} hands the subscribers to a function that sends to them.
 *
 * ```ts
 * import { receive, send, spawnLink } from "@trellis/core";
 * import * as Registry from "@trellis/registry";
 *
 * const topics = await Registry.startLink<string, { priority: number }>({
 *   keys: "duplicate",
 *   name: "topics",
 * });
 * spawnLink(async () => {
 *   Registry.register(topics, "news", { priority: 1 });
 *   console.log(await receive()); // "hello"
 * });
 * Registry.dispatch(topics, "news", (entries) => {
 *   for (const [pid] of entries) send(pid, "hello");
 * });
 * ```
 *
 * ## How it works
 *
 * A registry is a supervisor with one partition process per partition (option
 * `partitions`, default 1). Each partition owns two public ETS tables: the entries
 * (`[key, pid, value]` rows) and, per process, the keys it holds. `register` writes the
 * caller's rows directly and links the caller to the partition; reads (`lookup`, `keys`,
 * `match`, `count`, `select`, `meta`) read the tables directly. The partition traps exits:
 * when a registered process exits, for any reason, the partition removes its entries. That
 * cleanup is asynchronous, but a unique key whose holder has died can be taken again at
 * once: `register` checks the holder is alive. A partition that crashes takes the processes
 * linked to it with it (as in Elixir); the supervisor starts a fresh, empty one.
 *
 * ## Keys and values
 *
 * Keys and values are terms (see `Term` in `@trellis/core`). Keys compare with `equals`
 * (Erlang's `=:=`): `1n` and `1` are two keys, `["a", 1]` and `["a", 1]` one. JavaScript has
 * a single number type, so `1` and `1.0` are the same value and hence the same key; use a
 * bigint for an Erlang integer that must stay apart from a float.
 *
 * ## API
 *
 * - Starting: {@link startLink}, {@link start}, {@link childSpec}, {@link RegistryHandle}.
 * - Registering: {@link register}, {@link unregister}, {@link unregisterMatch},
 *   {@link updateValue}.
 * - Reading: {@link lookup}, {@link keys}, {@link values}, {@link match},
 *   {@link count}, {@link countMatch}, {@link select}, {@link countSelect}.
 * - Pub/sub: {@link dispatch}. Naming: {@link via}. Metadata: {@link meta}, {@link putMeta}.
 * - Listeners: {@link RegisterMessage}, {@link UnregisterMessage}, {@link isRegister},
 *   {@link isUnregister}.
 * - Errors: {@link RegistryOptionError}, {@link UnknownRegistryError},
 *   {@link UniqueOnlyError}.
 *
 * ## Supervision
 *
 * Start the registry before the processes that use it, with a name, e.g. first in the
 * children of your top supervisor: `Registry.childSpec({ keys: "unique", name: "accounts" })`.
 *
 * ## When not to use it
 *
 * For a handful of fixed, well-known processes a local name (`name: "cache"`) is simpler.
 * The registry is local to one runtime; it is not a cluster-wide registry.
 *
 * ## Learn more
 *
 * The [Registry guide](../../../docs/guides/registry.md) and the Registry section of the
 * [Erlang mapping](../../../docs/erlang-mapping.md).
 *
 * @packageDocumentation
 */
export {
  type RegistryOption,
  RegistryOptionError,
  UniqueOnlyError,
  UnknownRegistryError,
} from "./errors.js";
export { isRegister, isUnregister, RegisterMessage, UnregisterMessage } from "./messages.js";
export {
  childSpec,
  count,
  countMatch,
  countSelect,
  type DispatchOptions,
  dispatch,
  type Entry,
  type Keys,
  keys,
  lookup,
  type MetaResult,
  match,
  meta,
  putMeta,
  type RegisterResult,
  RegistryHandle,
  type RegistryOptions,
  type RegistryRef,
  type Row,
  register,
  select,
  start,
  startLink,
  type UpdateResult,
  unregister,
  unregisterMatch,
  updateValue,
  values,
  via,
} from "./registry.js";
