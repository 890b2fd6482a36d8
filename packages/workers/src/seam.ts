/**
 * The one place this package touches core's node seam (`Runtime.connect`,
 * `Runtime.receiveSignal`, `Runtime.disconnect`). Everything else goes through these three
 * functions, so a change to how core hands out that capability changes this file only.
 *
 * @module
 * @internal
 */
import type { Runtime, Signal, Transport } from "@trellis/core";

/** Makes `transport` the route to `node`. */
export function attachPeer(rt: Runtime, node: string, transport: Transport): void {
  rt.connect(node, transport);
}

/** Hands a signal that arrived from another node to the runtime. */
export function deliverSignal(rt: Runtime, signal: Signal): void {
  rt.receiveSignal(signal);
}

/** Drops the connection to `node`: links and monitors across it fire `"noconnection"`. */
export function dropPeer(rt: Runtime, node: string): void {
  rt.disconnect(node);
}

/** Whether `rt` has a route to `node`. */
export function isPeer(rt: Runtime, node: string): boolean {
  return rt.nodes().includes(node);
}
