/**
 * Connecting runtimes: the node seam.
 *
 * @module
 */
import { BadArgumentError, formatReason } from "./errors.js";
import { type Inbound, Runtime, type Signal, type Transport } from "./runtime.js";

/**
 * A live in-memory connection between two runtimes, as made by {@link connectInMemory}.
 *
 * @since 0.1.0
 * @category Nodes
 */
export interface Connection {
  /** Breaks the connection: cross-node links and monitors fire with `"noconnection"`. */
  disconnect(): void;
}

/**
 * Connects two runtimes in one OS process as if they were two Erlang nodes: pids of one can
 * be used from the other, and messages, links, monitors and exit signals cross with the same
 * semantics as local ones (order kept per pair of processes). Messages are passed by
 * reference, not copied. `disconnect()` (or shutting either runtime down) delivers
 * `"noconnection"` to every link and monitor that crosses the connection, on both sides.
 *
 * This is where the Erlang distribution protocol plugs in: every signal to another node
 * leaves a runtime through one routing point (the {@link Transport} given to
 * {@link Runtime.connect}) and enters the other through the {@link Inbound} that `connect`
 * returned. What this in-memory transport trusts: both runtimes live in the same OS process
 * and pass messages by reference (not copied, not serialised); each side accepts from the
 * other only signals whose senders are on that other node.
 *
 * @example
 * ```ts
 * import { connectInMemory, createRuntime, receive } from "@trellis/core";
 * const a = createRuntime({ node: "a@localhost" });
 * const b = createRuntime({ node: "b@localhost" });
 * const link = connectInMemory(a, b);
 * const server = b.spawn(async () => console.log(await receive()));
 * await a.run(async () => {
 *   const { send } = await import("@trellis/core");
 *   send(server, "hello across nodes");
 * });
 * link.disconnect();
 * ```
 * @throws {BadArgumentError} if `a` or `b` is not a runtime, both have the same node name, or
 * they are already connected
 * @since 0.1.0
 * @category Nodes
 */
export function connectInMemory(a: Runtime, b: Runtime): Connection {
  if (!(a instanceof Runtime) || !(b instanceof Runtime)) {
    throw new BadArgumentError(
      `connectInMemory: expected two runtimes, got ${formatReason(a)} and ${formatReason(b)}`,
    );
  }
  if (a.node === b.node) {
    throw new BadArgumentError(
      `connectInMemory: both runtimes are named ${a.node}; give them different node names`,
    );
  }
  let connected = true;
  // Each side's receiving end: only this function holds them (see Runtime.connect).
  const inbound = new Map<Runtime, Inbound>();
  // Either side dropping the connection (disconnect, shutdown) drops it on the other too.
  const half = (from: Runtime, to: Runtime): Transport => ({
    deliver: (signal: Signal) => {
      if (connected) inbound.get(to)?.receive(signal);
    },
    close: () => {
      connected = false;
      to.disconnect(from.node);
    },
  });
  if (a.nodes().includes(b.node) || b.nodes().includes(a.node)) {
    throw new BadArgumentError(
      `connectInMemory: ${a.node} and ${b.node} are already connected; disconnect them first`,
    );
  }
  inbound.set(a, a.connect(b.node, half(a, b)));
  inbound.set(b, b.connect(a.node, half(b, a)));
  return {
    disconnect(): void {
      a.disconnect(b.node);
    },
  };
}
