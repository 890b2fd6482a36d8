/**
 * # @trellis/workers
 *
 * Worker threads as Erlang nodes, so that one service uses every core. Each worker node is
 * a `worker_threads` Worker running its own runtime with its own node name; processes are
 * placed when spawned and stay there; pids, refs and every Trellis message cross between
 * nodes, and links, monitors, exit signals and `noconnection` work across them exactly as
 * across machines.
 *
 * - {@link startWorkers} / {@link startWorkerNode} / {@link workerNodeSpec}: start nodes,
 *   alone or under a supervisor.
 * - {@link spawnOn} / {@link callOn}: run a named export on a node.
 * - {@link startServerOn}: start a GenServer defined in a module on a node, with a typed handle.
 * - {@link startGroups}, {@link join}, {@link getMembers}: Erlang's `pg` across nodes.
 * - {@link SharedCounters}: Erlang's `counters` and `atomics` over shared memory.
 * - {@link transfer}: move a binary instead of copying it.
 *
 * See the guide "Multi-core" (docs/guides/multi-core.md).
 *
 * @packageDocumentation
 */
export { transfer } from "./codec.js";
export { SharedCounters } from "./counters.js";
export { SpawnError, UncloneableError, WorkerStartError } from "./errors.js";
export {
  type GroupsOptions,
  getLocalMembers,
  getMembers,
  join,
  leave,
  startGroups,
  whichGroups,
} from "./groups.js";
export { type Pool, type PoolOptions, startPool } from "./pool.js";
export { callOn, type RemoteFunction, type SpawnOnOptions, spawnOn } from "./remote.js";
export {
  type RemoteDefinition,
  remoteDefinition,
  type StartServerOnOptions,
  startServerOn,
} from "./server.js";
export type { ArgOfDefinition, CallsOfDefinition, CastsOfDefinition } from "./types.js";
export {
  type NodeDownReason,
  type StartWorkersOptions,
  startWorkerNode,
  startWorkers,
  stopWorkerNode,
  type WorkerGroup,
  type WorkerNode,
  type WorkerNodeOptions,
  type WorkerNodeSpecOptions,
  workerNodeSpec,
} from "./worker-node.js";
