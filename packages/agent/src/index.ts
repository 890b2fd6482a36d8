/**
 * # @trellis/agent
 *
 * An agent is state behind a process: Elixir's `Agent`. Many processes can read and change
 * the same value, and every change is applied one at a time, in the agent, in the order
 * each client sent it. There are no callbacks to write: the functions you pass to
 * {@link get}, {@link update}, {@link getAndUpdate} and {@link cast} run inside the agent
 * process, on its current state.
 *
 * An agent is a GenServer (`@trellis/gen-server`) underneath: it can be supervised, named,
 * linked, monitored, inspected with `Sys.getState`, and stopped with `GenServer.stop`.
 *
 * ## Example
 *
 * Page-visit counts shared by every request handler:
 *
 * {@includeCode ../test/examples/visits.ts#visits}
 *
 * {@includeCode ../test/examples.test.ts#usage}
 *
 * The handle that {@link start} and {@link startLink} return carries the state type, so
 * the functions given to `get`, `update`, `getAndUpdate` and `cast` are checked against
 * it. A plain pid or name works too; the state type then comes from the function.
 *
 * ## Client and server
 *
 * The function runs in the agent: keep it short, because the agent serves nobody else
 * meanwhile (an `async` function is awaited there, blocking the agent until it settles).
 * Do expensive work in the client: `get` a snapshot, compute, then `update`. If the
 * function throws, the agent crashes with the error, and the caller's promise rejects with
 * a `CallError` carrying it.
 *
 * ## Supervision
 *
 * {@link childSpec} gives the child spec for a supervisor: `Agent.childSpec(() => initial,
 * { id, name, restart })`. Its `start` calls {@link startLink}.
 *
 * ## Names
 *
 * The `name` option registers the agent under a local name or a `via` name; every
 * function accepts the pid or the name.
 *
 * ## Timeouts
 *
 * `get`, `update` and `getAndUpdate` wait 5000 ms by default (a number, `{ timeout }`, or
 * `Infinity`). The errors name the operation `GenServer.call`, as in Elixir. `cast` never
 * waits and never fails.
 *
 * ## When not to use it
 *
 * When the state needs behaviour of its own (timers, monitors, messages from elsewhere,
 * cleanup on exit), write a GenServer. When many processes read and few write, an ETS
 * table avoids queueing the readers.
 *
 * ## Learn more
 *
 * The guide "Agent" (docs/guides/agent.md), and docs/erlang-mapping.md.
 *
 * @packageDocumentation
 */
export {
  type Agent,
  type AgentRef,
  type AgentTypes,
  type ChildSpecOptions,
  cast,
  childSpec,
  get,
  getAndUpdate,
  named,
  type StartOptions,
  start,
  startLink,
  stop,
  type Timeout,
  type UntypedAgent,
  update,
} from "./agent.js";
