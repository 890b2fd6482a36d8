/**
 * The one place this package touches core's node seam (`Runtime.connect`,
 * the `Inbound` that `connect` returns, `Runtime.disconnect`). Everything else goes through these three
 * functions, so a change to how core hands out that capability changes this file only.
 *
 * @module
 * @internal
 */
import type { Inbound, Runtime, Signal, Transport } from "@trellis/core";

/** Makes `transport` the route to `node`; returns the only way in for what `node` sends. */
export function attachPeer(rt: Runtime, node: string, transport: Transport): Inbound {
  return rt.connect(node, transport);
}

/** Hands a signal that arrived from another node to the runtime, through its connection. */
export function deliverSignal(inbound: Inbound | undefined, signal: Signal): void {
  inbound?.receive(signal);
}

/** Drops the connection to `node`: links and monitors across it fire `"noconnection"`. */
export function dropPeer(rt: Runtime, node: string): void {
  rt.disconnect(node);
}

/** Whether `rt` has a route to `node`. */
export function isPeer(rt: Runtime, node: string): boolean {
  return rt.nodes().includes(node);
}
