/**
 * The process behind a pool: it starts the servers of the pool's slots, links to them, and
 * restarts one that exits, as a one-for-one supervisor restarts a permanent child.
 *
 * @module
 * @internal
 */
import {
  currentRuntime,
  exit,
  formatReason,
  isExit,
  link,
  type Pid,
  receive,
  self,
  TIMEOUT,
  trapExit,
} from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { SpawnError } from "./errors.js";

/** What `Pool.stop` sends. */
export const STOP: unique symbol = Symbol("trellis.workers.pool.stop");

/** Retry delays for a server that cannot start (its node is away): from 50 ms to 1 s. */
const FIRST_RETRY = 50;
const LAST_RETRY = 1000;

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
  /** Slots waiting for their node: slot -> [time of the next try, delay after that]. */
  const waiting = new Map<number, [number, number]>();

  /** Starts slot `i` again; if it cannot start (its node is away), tries again after `delay` ms. */
  const restart = async (i: number, delay: number): Promise<void> => {
    const node = placed[i] as string;
    try {
      servers[i] = await spec.start(node);
      waiting.delete(i);
      log(`restarted the server of slot ${i} on ${node} as ${servers[i]}`, undefined, "info");
    } catch (e) {
      if (!(e instanceof SpawnError && e.reason === "noconnection"))
        log(`the server of slot ${i} failed to start on ${node}: ${formatReason(e)}`, e);
      waiting.set(i, [rt.now() + delay, Math.min(delay * 2, LAST_RETRY)]);
    }
  };

  for (;;) {
    let next = Number.POSITIVE_INFINITY;
    for (const [at] of waiting.values()) next = Math.min(next, at);
    const m = await receive(undefined, { timeout: Math.max(0, next - rt.now()) });
    if (m === TIMEOUT) {
      const now = rt.now();
      for (const [i, [at, delay]] of [...waiting]) if (at <= now) await restart(i, delay);
      continue;
    }
    if (m === STOP) {
      await stopAll(servers);
      return;
    }
    if (!isExit(m)) continue;
    if (parent !== undefined && m.from === parent) {
      await stopAll(servers);
      exit(m.reason);
    }
    const i = servers.indexOf(m.from);
    if (i < 0 || waiting.has(i)) continue;
    const lost = m.reason === "noconnection";
    log(`the server of slot ${i} (${m.from}) exited: ${formatReason(m.reason)}`, m.reason);
    if (!lost) {
      const now = rt.now();
      restarts.push(now);
      while ((restarts[0] as number) <= now - spec.maxSeconds * 1000) restarts.shift();
      if (restarts.length > spec.maxRestarts) {
        log("reached the maximum restart intensity: stopping every server", m.reason);
        await stopAll(servers);
        exit("shutdown");
      }
    }
    await restart(i, FIRST_RETRY);
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
