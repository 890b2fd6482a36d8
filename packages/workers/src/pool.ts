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
  type Pid,
  type Runtime,
  type Term,
} from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
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
  /** Link every server to the caller (must be in process code). Default `false`. */
  readonly link?: boolean;
  /** The runtime to start from outside process code. Default: the default runtime. */
  readonly runtime?: Runtime;
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
  /** The servers, in start order. */
  readonly servers: readonly GenServer.Server<Calls, Casts>[];
  /** The server that owns `key`. */
  serverFor(key: Term): GenServer.Server<Calls, Casts>;
  /** `GenServer.call` on the server that owns `key`. */
  call<R extends Calls>(
    key: Term,
    request: R,
    options?: number | GenServer.CallOptions,
  ): Promise<GenServer.ReplyFor<Calls, R>>;
  /** `GenServer.cast` on the server that owns `key`. */
  cast(key: Term, request: Casts): void;
  /** Stops every server. */
  stop(): Promise<void>;
}

/**
 * Starts `size` copies of the GenServer `definition` names, spread round robin over
 * `options.nodes`, and routes requests by key on a consistent hash ring (128 points per
 * server): a key always reaches the same server, so per-key state needs no coordination,
 * and CPU-bound work spreads over every worker's core.
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
 * @throws {BadArgumentError} (rejects) for an empty node list or a bad size
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
  type S = GenServer.Server<CallsOfDefinition<D>, CastsOfDefinition<D>>;
  const rt = inProcess() ? currentRuntime() : (options.runtime ?? currentRuntime());
  const servers: S[] = [];
  // Outside process code (an HTTP handler…), calls run in a process of the pool's runtime:
  // that runtime is the one connected to the worker nodes.
  const inRuntime = <T>(fn: () => T | PromiseLike<T>): Promise<T> =>
    inProcess() ? Promise.resolve(fn()) : rt.run(fn);
  const stopAll = async (): Promise<void> => {
    await Promise.all(
      servers.map(async (s) => {
        try {
          await GenServer.stop(s as Pid);
        } catch {
          // already gone
        }
      }),
    );
  };
  try {
    for (let i = 0; i < size; i++) {
      const node = nodes[i % nodes.length] as string;
      servers.push(
        await startServerOn(node, definition, arg, {
          ...(options.link === undefined ? {} : { link: options.link }),
          runtime: rt,
        }),
      );
    }
  } catch (e) {
    await inRuntime(stopAll);
    throw e;
  }
  const ring = buildRing(servers.length);
  const serverFor = (key: Term): S => servers[lookup(ring, hash(key))] as S;
  return {
    servers,
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
    stop: () => inRuntime(stopAll),
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
