/**
 * # @trellis/dynamic-supervisor
 *
 * A DynamicSupervisor starts with no children and starts them on demand, any number, all
 * supervised the same way (Elixir's `DynamicSupervisor`, Erlang's `simple_one_for_one`).
 * Use it for processes that come and go at run time: a connection, a session, a job, one
 * process per customer. Each child is restarted on its own (`one_for_one`), following
 * its restart type, within the supervisor's restart intensity.
 *
 * ```ts
 * import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
 * ```
 *
 * ## Example
 *
 * {@includeCode ../test/examples.ts#basic}
 *
 * ## Starting
 *
 * {@link startLink}`(options)` starts one linked to the caller, with the flags
 * `maxRestarts` (3), `maxSeconds` (5), `maxChildren` (`Infinity`) and `extraArguments`
 * (`[]`), and a `name`. {@link startLink}`(definition, arg)` computes the flags in the new
 * process ({@link define}, {@link init}). {@link start} does the same without a link.
 *
 * ## Children
 *
 * {@link startChild} checks the child spec in the caller, then starts the child, passing
 * the supervisor's `extraArguments` first (at every restart too). Children have no ids:
 * {@link terminateChild} takes a pid, and {@link whichChildren} shows `id: undefined`.
 *
 * - a `"permanent"` child is always restarted;
 * - a `"transient"` child is restarted after an abnormal exit, and removed after
 *   `"normal"`, `"shutdown"` or `{ shutdown: term }`;
 * - a `"temporary"` child is never restarted.
 *
 * A restart whose start function fails leaves the child `"restarting"` and is retried at
 * once; every attempt counts towards the restart intensity. One resolving `"ignore"`
 * removes the child.
 *
 * ## Shutdown
 *
 * Unlike a Supervisor, a DynamicSupervisor stops all its children **at the same time**:
 * each gets `"shutdown"` and its own `shutdown` time before it is killed, so stopping
 * takes as long as the slowest child, not the sum.
 *
 * ## Supervising it
 *
 * Put it under a Supervisor with {@link childSpec} (`type: "supervisor"`, `shutdown:
 * Infinity`). `Supervisor.whichChildren`, `countChildren` and `tree` work on it too.
 *
 * ## Learn more
 *
 * The DynamicSupervisor guide and the DynamicSupervisor section of the Erlang mapping.
 *
 * @packageDocumentation
 */
export {
  childSpec,
  countChildren,
  type Definition,
  type DynamicSupervisorFlags,
  type DynamicSupervisorOptions,
  define,
  type InitFlags,
  init,
  type Started,
  start,
  startChild,
  startLink,
  stop,
  terminateChild,
  whichChildren,
} from "./dynamic-supervisor.js";
