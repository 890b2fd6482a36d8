/**
 * The process behind a pool: it starts the servers of the pool's slots, links to them, and
 * restarts one that exits, as a one-for-one supervisor restarts a permanent child.
 *
 * @module
 * @internal
 */
import {
  addExitHook,
  currentRuntime,
  exit,
  formatReason,
  isExit,
  link,
  type Pid,
  receive,
  self,
  send,
  trapExit,
} from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { SpawnError } from "./errors.js";
import { contextOf } from "./node-context.js";

/** What `Pool.stop` sends. */
export const STOP: unique symbol = Symbol("trellis.workers.pool.stop");

/** What the pool's process gets when a node connects. */
interface NodeUp {
  readonly [NODE_UP]: string;
}
const NODE_UP: unique symbol = Symbol("trellis.workers.pool.nodeup");
const isNodeUp = (m: unknown): m is NodeUp => typeof m === "object" && m !== null && NODE_UP in m;

export interface SlotsSpec {
  /** Starts a server on `node`, linked to the calling process. */
  readonly start: (node: string) => Promise<Pid>;
  /** The node of each slot. */
  readonly placed: readonly string[];
  /** The current server of each slot: the pool routes with this array. */
  readonly servers: Pid[];
  /** The process the pool is linked to, if any. */
  readonly parent: Pid | undefined;
  readonly maxRestarts: number;
  readonly maxSeconds: number;
  /** Called once every slot has its first server. */
  readonly ready: () => void;
  /** Called if a first server cannot start (those started are stopped). */
  readonly failed: (reason: unknown) => void;
}

/** Runs the pool's process: starts the slots, then restarts what exits, until stopped. */
export async function superviseSlots(spec: SlotsSpec): Promise<void> {
  const { placed, servers, parent } = spec;
  const rt = currentRuntime();
  const me = self();
  trapExit(true);
  // A slot whose node is away waits for the node to connect again (no timer: an idle pool
  // keeps nothing armed, so it never holds the event loop open).
  const unwatch = contextOf(rt).watchUp((node) => {
    if (placed.includes(node)) send(me, { [NODE_UP]: node } satisfies NodeUp);
  });
  addExitHook(me, unwatch);
  try {
    for (const node of placed) servers.push(await spec.start(node));
  } catch (e) {
    await stopAll(servers);
    spec.failed(e);
    return;
  }
  if (parent !== undefined) link(parent);
  spec.ready();

  const log = (message: string, reason: unknown, kind: "error" | "info" = "error"): void => {
    try {
      rt.logger.log({
        kind,
        message: `pool ${me}: ${message}`,
        pid: me,
        behaviour: "Pool",
        domain: ["otp", "sasl"],
        reason,
      });
    } catch {
      // a logger must not take the pool down
    }
  };
  /** Times of the restarts within the window. */
  const restarts: number[] = [];
  /** Slots whose node is away. */
  const waiting = new Set<number>();

  /** Counts a restart; past the intensity, stops everything and exits. */
  const count = async (reason: unknown): Promise<void> => {
    const now = rt.now();
    restarts.push(now);
    while ((restarts[0] as number) <= now - spec.maxSeconds * 1000) restarts.shift();
    if (restarts.length > spec.maxRestarts) {
      log("reached the maximum restart intensity: stopping every server", reason);
      await stopAll(servers);
      exit("shutdown");
    }
  };

  /**
   * Starts slot `i` again, on its node. A start that fails is a restart that failed: counted,
   * and tried again (a supervisor's rule), except when the node is away: then the slot waits
   * for the node to connect.
   */
  const restart = async (i: number): Promise<void> => {
    const node = placed[i] as string;
    for (;;) {
      try {
        servers[i] = await spec.start(node);
        waiting.delete(i);
        log(`restarted the server of slot ${i} on ${node} as ${servers[i]}`, undefined, "info");
        return;
      } catch (e) {
        if (e instanceof SpawnError && e.reason === "noconnection") {
          waiting.add(i);
          return;
        }
        log(`the server of slot ${i} failed to start on ${node}: ${formatReason(e)}`, e);
        await count(e);
      }
    }
  };

  for (;;) {
    const m = await receive();
    if (m === STOP) {
      await stopAll(servers);
      return;
    }
    if (isNodeUp(m)) {
      for (const i of [...waiting]) if (placed[i] === m[NODE_UP]) await restart(i);
      continue;
    }
    if (!isExit(m)) continue;
    if (parent !== undefined && m.from === parent) {
      await stopAll(servers);
      exit(m.reason);
    }
    const i = servers.indexOf(m.from);
    if (i < 0 || waiting.has(i)) continue;
    log(`the server of slot ${i} (${m.from}) exited: ${formatReason(m.reason)}`, m.reason);
    // a server lost with its node is not a crash: it comes back with the node
    if (m.reason !== "noconnection") await count(m.reason);
    await restart(i);
  }
}

/** Stops the servers (those still alive), each as a supervisor stops a child. */
async function stopAll(servers: readonly Pid[]): Promise<void> {
  await Promise.all(
    servers.map(async (s) => {
      try {
        await GenServer.stop(s, "shutdown", 5000);
      } catch {
        // already gone, or its node is
      }
    }),
  );
}
