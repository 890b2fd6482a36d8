/**
 * Worker nodes, seen from the main thread: each is a `worker_threads` Worker running its own
 * runtime (a node with its own name), watched by a controller process on the main node,
 * Erlang's `peer`. The controller exits when the node goes down; stopping the controller
 * stops the node; so a supervisor restarts a worker node like any child.
 *
 * @module
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { MessageChannel, type MessagePort, type ResourceLimits, Worker } from "node:worker_threads";
import {
  addExitHook,
  BadArgumentError,
  type ChildSpec,
  currentRuntime,
  formatReason,
  InitError,
  inProcess,
  type LogReport,
  type Pid,
  type RestartType,
  type Runtime,
  type Shutdown,
  Sys,
  startSpecial,
} from "@trellis/core";
import { Decoder, Encoder } from "./codec.js";
import { WorkerStartError } from "./errors.js";
import { contextOf, moduleSpecifier } from "./node-context.js";
import type { BootData, Control } from "./worker-main.js";

/**
 * Options of {@link startWorkerNode}.
 *
 * @example
 * ```ts
 * import type { WorkerNodeOptions } from "@trellis/workers";
 * const options: WorkerNodeOptions = { name: "jobs1@localhost", module: new URL("./jobs.js", import.meta.url), start: "start" };
 * ```
 * @since 0.1.0
 * @category Worker nodes
 */
export interface WorkerNodeOptions {
  /** The node name (`name@host`). Default: `worker<N>@<host of the main node>`, N = 1, 2… */
  readonly name?: string;
  /**
   * A module every start of the node imports first: a `URL`
   * (`new URL("./worker.js", import.meta.url)`), an absolute path or a package name.
   */
  readonly module?: string | URL;
  /** An export of `module` to run in a process on the new node before it counts as started. */
  readonly start?: string;
  /** Arguments of `start` (data only: they cross to the worker). */
  readonly args?: readonly unknown[];
  /** V8 heap limits of the worker; exceeding them is a nodedown. */
  readonly resourceLimits?: ResourceLimits;
  /** Node options of the worker thread. */
  readonly execArgv?: readonly string[];
  /**
   * A module the worker imports before anything else, e.g. a TypeScript loader; its
   * `register` export is called if it has one. Default: none when this package runs from
   * its build; `tsx`'s API when it runs from TypeScript sources (the tests of this repository).
   */
  readonly loader?: string | URL | false;
  /** Milliseconds the node may take to start. Default `30000`. */
  readonly timeout?: number;
  /** Link the controller to the calling process (`startLink`). Default `false`. */
  readonly link?: boolean;
  /** The runtime of the main node when called outside process code. Default: the default runtime. */
  readonly runtime?: Runtime;
}

/**
 * A started worker node: its name and the pid of its controller on the main node.
 *
 * @example
 * ```ts
 * import { startWorkerNode, type WorkerNode } from "@trellis/workers";
 * const w: WorkerNode = await startWorkerNode();
 * w.node; // "worker1@nohost"
 * ```
 * @since 0.1.0
 * @category Worker nodes
 */
export interface WorkerNode {
  /** The node name, e.g. `"worker1@nohost"`. */
  readonly node: string;
  /** The controller process: it exits when the node goes down; exiting it stops the node. */
  readonly pid: Pid;
}

/**
 * The exit reason of a controller whose node went down on its own.
 *
 * @example
 * ```ts
 * import { isExit } from "@trellis/core";
 * import type { NodeDownReason } from "@trellis/workers";
 * // in a process linked to a controller, trapping exits:
 * // if (isExit(msg)) console.log((msg.reason as NodeDownReason).nodedown);
 * ```
 * @since 0.1.0
 * @category Worker nodes
 */
export interface NodeDownReason {
  /** The node that went down. */
  readonly nodedown: string;
  /** Why: the worker's uncaught error (`code: "ERR_WORKER_OUT_OF_MEMORY"` for an OOM), or its exit code. */
  readonly cause: unknown;
}

interface Live {
  readonly node: string;
  readonly worker: Worker;
}

/** The worker nodes of one main runtime. */
class Hub {
  readonly rt: Runtime;
  readonly live = new Map<string, Live>();
  readonly creations = new Map<string, number>();

  constructor(rt: Runtime) {
    this.rt = rt;
  }

  defaultName(): string {
    const host = this.rt.node.slice(this.rt.node.indexOf("@") + 1);
    for (let i = 1; ; i++) {
      const name = `worker${i}@${host}`;
      if (!this.live.has(name)) return name;
    }
  }

  /** Forgets a node and tells everyone it is down. Idempotent. */
  down(node: string, worker: Worker): void {
    const l = this.live.get(node);
    if (l === undefined || l.worker !== worker) return;
    this.live.delete(node);
    contextOf(this.rt).detach(node);
    for (const other of this.live.values()) {
      const msg: Control = { t: "down", node };
      other.worker.postMessage(msg);
    }
  }
}

const hubs = new WeakMap<Runtime, Hub>();

function hubOf(rt: Runtime): Hub {
  let h = hubs.get(rt);
  if (h === undefined) {
    h = new Hub(rt);
    hubs.set(rt, h);
  }
  return h;
}

const BOOT = `const { workerData } = require("node:worker_threads");
(async () => {
  if (workerData.loader) {
    const m = await import(workerData.loader);
    if (typeof m.register === "function") m.register();
  }
  await import(workerData.entry);
})().catch((e) => setImmediate(() => { throw e; }));`;

const fromSource = import.meta.url.endsWith(".ts");

function sourceLoader(): string {
  // `require.resolve` finds the CommonJS build; the worker needs its ESM twin beside it.
  const cjs = createRequire(import.meta.url).resolve("tsx/esm/api");
  return pathToFileURL(cjs.replace(/\.cjs$/, ".mjs")).href;
}

function validName(name: unknown): string {
  if (typeof name !== "string" || !/^[^@\s]+@[^@\s]+$/.test(name)) {
    throw new BadArgumentError(
      `startWorkerNode: name must look like "name@host", got ${formatReason(name)}`,
    );
  }
  return name;
}

function checkTimeout(ms: unknown): number {
  if (typeof ms !== "number" || Number.isNaN(ms) || ms <= 0) {
    throw new BadArgumentError(
      `startWorkerNode: timeout must be a number of milliseconds > 0, got ${formatReason(ms)}`,
    );
  }
  return ms;
}

/**
 * Starts a worker node: a worker thread running its own runtime, named `options.name`,
 * connected to the main node and to every other worker node of this main node. Processes
 * on it are reached by pid like local ones; links, monitors and exit signals cross with
 * the distribution semantics, and when the node goes down (it crashed, ran out of memory,
 * was terminated) every link and monitor across gets `"noconnection"`.
 *
 * Resolves once the node runs, after `options.module` has loaded and `options.start` has
 * returned. The controller process it returns (on the main node) exits with
 * {@link NodeDownReason} when the node goes down; stopping it (an exit signal, a
 * supervisor's shutdown) terminates the node.
 *
 * @example
 * ```ts
 * import { startWorkerNode, spawnOn } from "@trellis/workers";
 * const { node } = await startWorkerNode({ module: new URL("./jobs.js", import.meta.url) });
 * const pid = await spawnOn(node, { module: new URL("./jobs.js", import.meta.url), function: "loop" });
 * ```
 * @throws {BadArgumentError} for a bad name, module or timeout (rejects)
 * @throws {WorkerStartError} when the node cannot start (rejects)
 * @since 0.1.0
 * @category Worker nodes
 */
export async function startWorkerNode(options: WorkerNodeOptions = {}): Promise<WorkerNode> {
  const rt = inProcess() ? currentRuntime() : (options.runtime ?? currentRuntime());
  const hub = hubOf(rt);
  const name = validName(options.name ?? hub.defaultName());
  const module =
    options.module === undefined ? undefined : moduleSpecifier(options.module, "startWorkerNode");
  const timeout = checkTimeout(options.timeout ?? 30_000);
  if (options.start !== undefined && (typeof options.start !== "string" || module === undefined)) {
    throw new BadArgumentError("startWorkerNode: start must be the name of an export of module");
  }
  if (name === rt.node) throw new BadArgumentError(`startWorkerNode: ${name} is the main node`);
  if (hub.live.has(name)) {
    throw new WorkerStartError(name, `startWorkerNode: a worker node named ${name} is running`);
  }
  const args = new Encoder(contextOf(rt).interner).encode(options.args ?? [], "args", true);
  let started: Pid | "ignore";
  try {
    started = await startSpecial((self) => bootNode(rt, hub, self, name, module, args, options), {
      link: options.link === true,
      timeout,
      behaviour: "WorkerNode",
      runtime: rt,
    });
  } catch (e) {
    if (e instanceof InitError) {
      if (e.reason instanceof WorkerStartError) throw e.reason;
      if (e.reason === "timeout")
        throw new WorkerStartError(name, `worker node ${name} did not start within ${timeout} ms`);
      throw new WorkerStartError(
        name,
        `worker node ${name} did not start: ${formatReason(e.reason)}`,
        {
          cause: e,
        },
      );
    }
    throw e;
  }
  return { node: name, pid: started as Pid };
}

function bootNode(
  rt: Runtime,
  hub: Hub,
  self: Pid,
  name: string,
  module: string | undefined,
  args: unknown,
  options: WorkerNodeOptions,
): Promise<{ type: "ok"; process: { handleMessage(): void } }> {
  if (hub.live.has(name)) {
    return Promise.reject(
      new WorkerStartError(name, `startWorkerNode: a worker node named ${name} is running`),
    );
  }
  const creation = (hub.creations.get(name) ?? 0) + 1;
  hub.creations.set(name, creation);
  const ctx = contextOf(rt);
  // The mesh: one channel to the main node, one to every other live worker node.
  const peers: [string, MessagePort][] = [];
  const transfer: MessagePort[] = [];
  const main = new MessageChannel();
  peers.push([rt.node, main.port2]);
  transfer.push(main.port2);
  for (const other of hub.live.values()) {
    const ch = new MessageChannel();
    const msg: Control = { t: "connect", node: name, port: ch.port1 };
    other.worker.postMessage(msg, [ch.port1]);
    peers.push([other.node, ch.port2]);
    transfer.push(ch.port2);
  }
  const boot: BootData = {
    node: name,
    creation,
    peers,
    module,
    start: options.start,
    args,
  };
  const loader =
    options.loader === false
      ? undefined
      : options.loader !== undefined
        ? moduleSpecifier(options.loader, "startWorkerNode")
        : fromSource
          ? sourceLoader()
          : undefined;
  const execArgv = [...(options.execArgv ?? [])];
  if (fromSource && !execArgv.some((a) => a.startsWith("--conditions")))
    execArgv.push("--conditions=@trellis/source");
  const entry = new URL(fromSource ? "./worker-main.ts" : "./worker-main.js", import.meta.url).href;
  const worker = new Worker(BOOT, {
    eval: true,
    workerData: { boot, loader, entry },
    transferList: transfer,
    execArgv,
    ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
    stdout: false,
    stderr: false,
  });
  hub.live.set(name, { node: name, worker });
  ctx.attach(name, main.port1);

  let ready = false;
  let stopping = false;
  let error: unknown;
  return new Promise((resolve, reject) => {
    addExitHook(self, () => {
      // The controller exited (stopped, killed, or because the node went down): the node goes.
      stopping = true;
      hub.down(name, worker);
      void worker.terminate();
    });
    worker.on("message", (m: { t: string; error?: unknown; report?: unknown }) => {
      if (m.t === "ready") {
        ready = true;
        resolve({ type: "ok", process: { handleMessage() {} } });
      } else if (m.t === "failed") {
        const cause = new Decoder(rt, ctx.interner).decode(m.error);
        reject(
          new WorkerStartError(
            name,
            `worker node ${name} did not start: ${cause instanceof Error ? cause.message : formatReason(cause)}`,
            { cause },
          ),
        );
        void worker.terminate();
      } else if (m.t === "report") {
        forwardReport(rt, name, new Decoder(rt, ctx.interner).decode(m.report));
      } else if (m.t === "crashed") {
        // an error escaped with no process context: the thread exits next, with it as cause
        error ??= new Decoder(rt, ctx.interner).decode(m.error);
      }
    });
    worker.on("error", (e) => {
      error ??= e;
    });
    worker.on("exit", (code) => {
      hub.down(name, worker);
      if (stopping) return;
      const cause = error ?? code;
      if (!ready) {
        reject(
          new WorkerStartError(
            name,
            `worker node ${name} exited while starting: ${cause instanceof Error ? cause.message : `exit code ${code}`}`,
            { cause },
          ),
        );
        return;
      }
      const reason: NodeDownReason = { nodedown: name, cause };
      rt.exit(self, reason);
    });
  });
}

/** Gives a worker node's report to the main runtime's logger, marked with the node. */
function forwardReport(rt: Runtime, node: string, report: unknown): void {
  if (typeof report !== "object" || report === null) return;
  try {
    rt.logger.log({ ...(report as LogReport), node });
  } catch {
    // a logger must not throw; a throwing one loses this report, not the node
  }
}

/**
 * Stops a worker node: terminates its thread; links and monitors across get
 * `"noconnection"`. Resolves once the controller has exited.
 *
 * @example
 * ```ts
 * import { startWorkerNode, stopWorkerNode } from "@trellis/workers";
 * const w = await startWorkerNode();
 * await stopWorkerNode(w);
 * ```
 * @since 0.1.0
 * @category Worker nodes
 */
export async function stopWorkerNode(node: WorkerNode): Promise<void> {
  try {
    await Sys.terminate(node.pid, "shutdown");
  } catch {
    // already gone
  }
}

/**
 * Options of {@link workerNodeSpec}: those of {@link startWorkerNode} and the child spec's.
 *
 * @example
 * ```ts
 * import type { WorkerNodeSpecOptions } from "@trellis/workers";
 * const spec: WorkerNodeSpecOptions = { name: "w1@localhost", restart: "permanent" };
 * ```
 * @since 0.1.0
 * @category Worker nodes
 */
export interface WorkerNodeSpecOptions extends Omit<WorkerNodeOptions, "link" | "runtime"> {
  /** The child id. Default: the node name, or `"worker_node"`. */
  readonly id?: unknown;
  /** Default `"permanent"`. */
  readonly restart?: RestartType;
  /** Default `5000`. */
  readonly shutdown?: Shutdown;
}

/**
 * A child spec that starts a worker node under a supervisor: the supervisor restarts the
 * node (same name, next creation) when it goes down, and stops it on shutdown.
 *
 * @example
 * ```ts
 * import * as Supervisor from "@trellis/supervisor";
 * import { workerNodeSpec } from "@trellis/workers";
 * const mod = new URL("./jobs.js", import.meta.url);
 * await Supervisor.startLink(
 *   [workerNodeSpec({ name: "w1@host", module: mod }), workerNodeSpec({ name: "w2@host", module: mod })],
 *   { strategy: "one_for_one" },
 * );
 * ```
 * @since 0.1.0
 * @category Worker nodes
 */
export function workerNodeSpec(options: WorkerNodeSpecOptions = {}): ChildSpec {
  const { id, restart, shutdown, ...start } = options;
  return {
    id: id ?? options.name ?? "worker_node",
    start: async () => (await startWorkerNode({ ...start, link: true })).pid,
    restart: restart ?? "permanent",
    shutdown: shutdown ?? 5000,
    type: "worker",
    modules: ["WorkerNode"],
  };
}

/**
 * Options of {@link startWorkers}.
 *
 * @example
 * ```ts
 * import type { StartWorkersOptions } from "@trellis/workers";
 * const options: StartWorkersOptions = { count: 4, resourceLimits: { maxOldGenerationSizeMb: 512 } };
 * ```
 * @since 0.1.0
 * @category Worker nodes
 */
export interface StartWorkersOptions extends Omit<WorkerNodeOptions, "name"> {
  /** How many worker nodes. Default `os.availableParallelism()`. */
  readonly count?: number;
}

/**
 * A group of worker nodes started together by {@link startWorkers}.
 *
 * @example
 * ```ts
 * import { startWorkers, type WorkerGroup } from "@trellis/workers";
 * const group: WorkerGroup = await startWorkers({ count: 2 });
 * await group.stop();
 * ```
 * @since 0.1.0
 * @category Worker nodes
 */
export interface WorkerGroup {
  /** The node names. */
  readonly nodes: readonly string[];
  /** The worker nodes. */
  readonly workers: readonly WorkerNode[];
  /** Stops every node of the group. */
  stop(): Promise<void>;
}

/**
 * Starts `count` worker nodes (default: one per core) with the same options. If one
 * cannot start, the others are stopped and the call rejects.
 *
 * @example
 * ```ts
 * import { startWorkers } from "@trellis/workers";
 * const group = await startWorkers({ count: 2, module: new URL("./jobs.js", import.meta.url) });
 * group.nodes; // ["worker1@nohost", "worker2@nohost"]
 * await group.stop();
 * ```
 * @throws {BadArgumentError} if `count` is not an integer >= 1 (rejects)
 * @since 0.1.0
 * @category Worker nodes
 */
export async function startWorkers(options: StartWorkersOptions = {}): Promise<WorkerGroup> {
  const count = options.count ?? availableParallelism();
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1) {
    throw new BadArgumentError(
      `startWorkers: count must be an integer >= 1, got ${formatReason(count)}`,
    );
  }
  const { count: _count, ...rest } = options;
  const workers: WorkerNode[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(workers.map((w) => stopWorkerNode(w)));
  };
  try {
    for (let i = 0; i < count; i++) workers.push(await startWorkerNode(rest));
  } catch (e) {
    await stop();
    throw e;
  }
  return { nodes: workers.map((w) => w.node), workers, stop };
}
