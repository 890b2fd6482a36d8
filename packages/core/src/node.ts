/**
 * Connecting runtimes: the node seam.
 *
 * @module
 */
import { BadArgumentError } from "./errors.js";
import type { Runtime, Signal, Transport } from "./runtime.js";

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
 * This is where the Erlang distribution protocol will plug in: every signal to another node
 * leaves a runtime through one routing point ({@link Runtime.connect} and
 * {@link Runtime.receiveSignal}).
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
 * @throws {BadArgumentError} if both runtimes have the same node name
 * @since 0.1.0
 * @category Nodes
 */
export function connectInMemory(a: Runtime, b: Runtime): Connection {
  if (a.node === b.node) {
    throw new BadArgumentError(
      `connectInMemory: both runtimes are named ${a.node}; give them different node names`,
    );
  }
  let connected = true;
  // Either side dropping the connection (disconnect, shutdown) drops it on the other too.
  const half = (from: Runtime, to: Runtime): Transport => ({
    deliver: (signal: Signal) => {
      if (connected) to.receiveSignal(signal);
    },
    close: () => {
      connected = false;
      to.disconnect(from.node);
    },
  });
  a.connect(b.node, half(a, b));
  b.connect(a.node, half(b, a));
  return {
    disconnect(): void {
      a.disconnect(b.node);
    },
  };
}
