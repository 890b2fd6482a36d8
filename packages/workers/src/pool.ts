/**
 * A pool of GenServers spread over worker nodes, with calls routed by key on a consistent
 * hash ring: the same key always reaches the same server while the pool is unchanged.
 *
 * @module
 */
import {
  BadArgumentError,
  currentRuntime,
  formatReason,
  hash,
  inProcess,
  isDown,
  monitor,
  type Pid,
  type Runtime,
  receive,
  self,
  send,
  type Term,
} from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { STOP, superviseSlots } from "./pool-supervisor.js";
import { type RemoteDefinition, startServerOn } from "./server.js";
import type { ArgOfDefinition, CallsOfDefinition, CastsOfDefinition } from "./types.js";

/** Points per server on the ring: enough for an even spread over a handful of servers. */
const VNODES = 128;

/**
 * Options of {@link startPool}.
 *
 * @example
 * ```ts
 * import type { PoolOptions } from "@trellis/workers";
 * const options: PoolOptions = { nodes: ["worker1@nohost", "worker2@nohost"], size: 4 };
 * ```
 * @since 0.1.0
 * @category Placement
 */
export interface PoolOptions {
  /** The nodes to place servers on, round robin. */
  readonly nodes: readonly string[];
  /** How many servers in all. Default: one per node. */
  readonly size?: number;
  /**
   * Link the pool (its supervising process, {@link Pool.pid}) to the caller (must be in
   * process code), as `startLink` does. Default `false`.
   */
  readonly link?: boolean;
  /** The runtime to start from outside process code. Default: the default runtime. */
  readonly runtime?: Runtime;
  /**
   * Restarts of crashed servers allowed within {@link PoolOptions.maxSeconds}; one more
   * stops the pool (a supervisor's intensity). Servers lost with their node do not count.
   * Default `3`.
   */
  readonly maxRestarts?: number;
  /** The window of {@link PoolOptions.maxRestarts}, in seconds. Default `5`. */
  readonly maxSeconds?: number;
}

/**
 * A started pool: route requests by key with {@link Pool.call} and {@link Pool.cast}.
 *
 * @example
 * ```ts
 * import type { Pool } from "@trellis/workers";
 * declare const pool: Pool<never, never>;
 * pool.serverFor("user:42").node; // the node that owns the key
 * ```
 * @since 0.1.0
 * @category Placement
 */
export interface Pool<Calls, Casts> {
  /** The servers, in slot order; a restarted server takes the place of the one it replaces. */
  readonly servers: readonly GenServer.Server<Calls, Casts>[];
  /**
   * The pool's supervising process, on the caller's node: it restarts crashed servers and
   * stops them all when it exits.
   */
  readonly pid: Pid;
  /** The server that owns `key` (the current one of its slot). */
  serverFor(key: Term): GenServer.Server<Calls, Casts>;
  /** `GenServer.call` on the server that owns `key`. */
  call<R extends Calls>(
    key: Term,
    request: R,
    options?: number | GenServer.CallOptions,
  ): Promise<GenServer.ReplyFor<Calls, R>>;
  /** `GenServer.cast` on the server that owns `key`. */
  cast(key: Term, request: Casts): void;
  /** Stops the pool: its supervising process and every server. */
  stop(): Promise<void>;
}

/**
 * Starts `size` copies of the GenServer `definition` names, spread round robin over
 * `options.nodes`, and routes requests by key on a consistent hash ring (128 points per
 * server): a key always reaches the same slot, so per-key state needs no coordination, and
 * CPU-bound work spreads over every worker's core.
 *
 * The servers are supervised, as the children of a one-for-one supervisor would be, by a
 * process on the caller's node ({@link Pool.pid}): a server that exits is started again on
 * its node, with the same argument, and its slot routes to the new one. More than
 * `maxRestarts` crashes within `maxSeconds` stop the pool. A server lost with its node
 * (`noconnection`) is started again once a node of that name is back (a supervised worker
 * node comes back under its name); until then, calls for its keys fail with `noconnection`
 * or `noproc`, as calls to a restarting child do.
 *
 * @example
 * ```ts
 * import { remoteDefinition, startPool, startWorkers } from "@trellis/workers";
 * import type { Hasher } from "./hasher.js";
 * const workers = await startWorkers({ count: 2 });
 * const def = remoteDefinition<typeof Hasher>(new URL("./hasher.js", import.meta.url), "Hasher");
 * const pool = await startPool(def, undefined, { nodes: workers.nodes });
 * const digest = await pool.call("user:42", { hash: "hello" });
 * ```
 * @throws {BadArgumentError} (rejects) for an empty node list, a bad size or bad restart limits
 * @throws {SpawnError} (rejects) when a server cannot start; the others are stopped
 * @since 0.1.0
 * @category Placement
 */
export async function startPool<D>(
  definition: RemoteDefinition<D>,
  arg: ArgOfDefinition<D>,
  options: PoolOptions,
): Promise<Pool<CallsOfDefinition<D>, CastsOfDefinition<D>>> {
  const nodes = options?.nodes;
  if (!Array.isArray(nodes) || nodes.length === 0 || nodes.some((n) => typeof n !== "string")) {
    throw new BadArgumentError(
      `startPool: nodes must be a non-empty array of node names, got ${formatReason(nodes)}`,
    );
  }
  const size = options.size ?? nodes.length;
  if (!Number.isInteger(size) || size < 1) {
    throw new BadArgumentError(
      `startPool: size must be an integer >= 1, got ${formatReason(size)}`,
    );
  }
  const maxRestarts = options.maxRestarts ?? 3;
  const maxSeconds = options.maxSeconds ?? 5;
  if (!Number.isInteger(maxRestarts) || maxRestarts < 0) {
    throw new BadArgumentError(
      `startPool: maxRestarts must be an integer >= 0, got ${formatReason(maxRestarts)}`,
    );
  }
  if (typeof maxSeconds !== "number" || !(maxSeconds > 0)) {
    throw new BadArgumentError(
      `startPool: maxSeconds must be a number > 0, got ${formatReason(maxSeconds)}`,
    );
  }
  if (options.link === true && !inProcess())
    throw new BadArgumentError("startPool: link: true needs a calling process");
  type S = GenServer.Server<CallsOfDefinition<D>, CastsOfDefinition<D>>;
  const rt = inProcess() ? currentRuntime() : (options.runtime ?? currentRuntime());
  const servers: S[] = [];
  const placed = Array.from({ length: size }, (_, i) => nodes[i % nodes.length] as string);
  // Outside process code (an HTTP handler…), calls run in a process of the pool's runtime:
  // that runtime is the one connected to the worker nodes.
  const inRuntime = <T>(fn: () => T | PromiseLike<T>): Promise<T> =>
    inProcess() ? Promise.resolve(fn()) : rt.run(fn);
  const parent = options.link === true ? self() : undefined;
  let ready!: () => void;
  let failed!: (reason: unknown) => void;
  const started = new Promise<void>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  const pid = rt.spawn(() =>
    superviseSlots({
      start: (node) => startServerOn(node, definition, arg, { link: true }) as Promise<Pid>,
      placed,
      servers: servers as Pid[],
      parent,
      maxRestarts,
      maxSeconds,
      ready,
      failed,
    }),
  );
  await started;
  const ring = buildRing(size);
  const serverFor = (key: Term): S => servers[lookup(ring, hash(key))] as S;
  return {
    servers,
    pid,
    serverFor,
    call: (key, request, callOptions) => {
      const server = serverFor(key) as Pid;
      return inRuntime(() => GenServer.call(server, request, callOptions)) as never;
    },
    cast: (key, request) => {
      const server = serverFor(key) as Pid;
      if (inProcess()) GenServer.cast(server, request);
      else void rt.run(() => GenServer.cast(server, request));
    },
    stop: () =>
      inRuntime(async () => {
        const ref = monitor(pid);
        send(pid, STOP);
        await receive((m) => isDown(m) && m.ref === ref);
      }),
  };
}

interface Ring {
  readonly points: Int32Array;
  readonly owners: Int32Array;
}

function buildRing(n: number): Ring {
  const entries: [number, number][] = [];
  for (let s = 0; s < n; s++)
    for (let v = 0; v < VNODES; v++) entries.push([hash(["pool", s, v]), s]);
  entries.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return {
    points: Int32Array.from(entries, (e) => e[0]),
    owners: Int32Array.from(entries, (e) => e[1]),
  };
}

/** The owner of the first point at or after `h`, wrapping around. */
function lookup(ring: Ring, h: number): number {
  const { points, owners } = ring;
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((points[mid] as number) < h) lo = mid + 1;
    else hi = mid;
  }
  return owners[lo === points.length ? 0 : lo] as number;
}
