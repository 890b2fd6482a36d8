/**
 * A runtime's worker-node layer: its carriers (one per connected node), the pids and refs
 * it has handed out, and remote spawns in both directions.
 *
 * @module
 * @internal
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { MessagePort } from "node:worker_threads";
import { BadArgumentError, link, type Pid, type Runtime } from "@trellis/core";
import { Carrier, type SpawnedFrame, type SpawnFrame } from "./carrier.js";
import { SpawnError } from "./errors.js";
import { type Interner, internerOf } from "./interner.js";
import { attachPeer, dropPeer } from "./seam.js";

interface Pending {
  readonly node: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

const contexts = new WeakMap<Runtime, NodeContext>();

/** The worker-node layer of `rt`, created on first use. */
export function contextOf(rt: Runtime): NodeContext {
  let c = contexts.get(rt);
  if (c === undefined) {
    c = new NodeContext(rt);
    contexts.set(rt, c);
  }
  return c;
}

/**
 * Turns a module reference into what `import()` in any thread understands: a `file:` URL
 * for paths, the text as it is for URLs and package names. Relative paths are refused: they
 * would resolve against this package, not against the caller.
 */
export function moduleSpecifier(module: unknown, what: string): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== "string" || module.length === 0) {
    throw new BadArgumentError(
      `${what}: module must be a URL, an absolute path or a package name, got ${String(module)}`,
    );
  }
  if (module.startsWith(".")) {
    throw new BadArgumentError(
      `${what}: the module "${module}" is relative; pass new URL("${module}", import.meta.url) instead`,
    );
  }
  if (isAbsolute(module)) return pathToFileURL(module).href;
  return module;
}

export class NodeContext {
  readonly rt: Runtime;
  readonly interner: Interner;
  private readonly carriers = new Map<string, Carrier>();
  private readonly pending = new Map<number, Pending>();
  private readonly upWatchers = new Set<(node: string) => void>();
  private nextId = 1;

  constructor(rt: Runtime) {
    this.rt = rt;
    this.interner = internerOf(rt);
  }

  /** Connects this runtime to `node` over `port`. */
  attach(node: string, port: MessagePort): Carrier {
    const old = this.carriers.get(node);
    if (old !== undefined) dropPeer(this.rt, node);
    const c = new Carrier(this, node, port);
    this.carriers.set(node, c);
    c.inbound = attachPeer(this.rt, node, c);
    for (const w of [...this.upWatchers]) {
      try {
        w(node);
      } catch {
        // a watcher must not stop the connection
      }
    }
    return c;
  }

  /** Calls `fn` with the name of every node that connects from now on; returns the undo. */
  watchUp(fn: (node: string) => void): () => void {
    this.upWatchers.add(fn);
    return () => this.upWatchers.delete(fn);
  }

  /** Drops the connection to `node` (nodedown). */
  detach(node: string): void {
    if (this.carriers.has(node)) dropPeer(this.rt, node);
  }

  /** The peer's port closed (its thread ended): a nodedown. */
  peerGone(c: Carrier): void {
    if (this.carriers.get(c.peer) === c) dropPeer(this.rt, c.peer);
  }

  /** Core dropped the connection (disconnect, shutdown): forget it, fail what waits on it. */
  carrierClosed(c: Carrier): void {
    if (this.carriers.get(c.peer) !== c) return;
    this.carriers.delete(c.peer);
    for (const [id, p] of this.pending) {
      if (p.node !== c.peer) continue;
      this.pending.delete(id);
      p.reject(new SpawnError("noconnection", c.peer, `node ${c.peer} went down before answering`));
    }
  }

  carrier(node: string): Carrier | undefined {
    return this.carriers.get(node);
  }

  // -------------------------------------------------------------------------------------
  // Asking

  /** Sends a spawn or call request to `node`; resolves with the pid or the result. */
  request(
    node: string,
    module: string,
    fn: string,
    args: readonly unknown[],
    from: Pid | undefined,
    link: boolean,
    mode: "spawn" | "call",
  ): Promise<unknown> {
    const c = this.carriers.get(node);
    if (c === undefined) {
      return Promise.reject(
        new SpawnError("noconnection", node, `node ${node} is not connected to ${this.rt.node}`),
      );
    }
    const id = this.nextId++;
    try {
      c.spawnRequest({ id, from, module, fn, args, link, mode });
    } catch (e) {
      return Promise.reject(e); // UncloneableError: an argument cannot cross
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { node, resolve, reject });
    });
  }

  spawnAnswered(node: string, f: SpawnedFrame): void {
    const p = this.pending.get(f.id);
    if (p === undefined || p.node !== node) return;
    this.pending.delete(f.id);
    if (f.ok) p.resolve(f.value);
    else p.reject(f.value);
  }

  // -------------------------------------------------------------------------------------
  // Serving

  serveSpawn(c: Carrier, f: SpawnFrame): void {
    void this.runSpawn(c, f);
  }

  private async runSpawn(c: Carrier, f: SpawnFrame): Promise<void> {
    const here = this.rt.node;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(f.module)) as Record<string, unknown>;
    } catch (e) {
      c.spawnReply({
        id: f.id,
        ok: false,
        value: new SpawnError(
          "module",
          here,
          `cannot load module ${f.module} on ${here}: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        ),
      });
      return;
    }
    const fn = mod[f.fn];
    if (typeof fn !== "function") {
      c.spawnReply({
        id: f.id,
        ok: false,
        value: new SpawnError(
          "export",
          here,
          fn === undefined
            ? `module ${f.module} has no export named "${f.fn}" on ${here}`
            : `export "${f.fn}" of ${f.module} is not a function on ${here}`,
        ),
      });
      return;
    }
    const from = f.from;
    const body = fn as (...args: unknown[]) => unknown;
    if (f.mode === "spawn") {
      this.rt.spawn((self) => {
        // Linked before anything else runs, and the link signal leaves before the reply.
        if (f.link && from !== undefined) link(from);
        c.spawnReply({ id: f.id, ok: true, value: self });
        return body(...f.args);
      });
      return;
    }
    this.rt.spawn(async () => {
      let value: unknown;
      try {
        value = await body(...f.args);
      } catch (e) {
        c.spawnReply({
          id: f.id,
          ok: false,
          value:
            e instanceof SpawnError
              ? e
              : new SpawnError(
                  "failed",
                  here,
                  `${f.fn} of ${f.module} threw on ${here}: ${e instanceof Error ? e.message : String(e)}`,
                  { cause: e },
                ),
        });
        return;
      }
      c.spawnReply({ id: f.id, ok: true, value });
    });
  }
}
