/**
 * Two runtimes of one process connected through the distribution's own control messages,
 * for cluster tests on a virtual clock.
 *
 * @module
 */
import { BadArgumentError, type Connection, Pid, type Ref, type Runtime } from "@trellis/core";
import { PeerLink, type SystemNames } from "./control.js";
import { type EncodeOptions, encode } from "./etf/encode.js";
import { NodeCodec } from "./mapping.js";
import { RuntimePort } from "./runtime-port.js";
import { atom, type ErlTerm, internPid } from "./terms.js";

/** An in-memory link serves no system processes (`net_kernel`) and no remote spawn. */
const NO_SYSTEM: SystemNames = {
  handles: () => false,
  message: () => {},
  spawn: () => atom("notsup"),
};

/**
 * Connects two runtimes in this process the way {@link startNode} connects two nodes, minus
 * the socket: every signal between them is encoded as the distribution's control message
 * (External Term Format), handed to the other side on a microtask, and decoded there. Use it
 * to test a cluster deterministically, on virtual clocks, with the same encoding, the same
 * term mapping (a value that cannot cross the wire makes `send` throw, pids and references
 * are interned, `GenServer` calls travel as `{'$gen_call', From, Request}`) and the same
 * `noconnection` on `disconnect()` as over TCP. Core's `connectInMemory` passes messages by
 * reference instead.
 *
 * @param a - a runtime with a node name (`"name@host"`)
 * @param b - another runtime, with another node name
 * @returns the connection; `disconnect()` gives `"noconnection"` to every link and monitor
 * across it, on both sides
 * @throws {BadArgumentError} if a runtime has no node name, both have the same one, or they
 * are already connected
 * @example
 * ```ts
 * import { createRuntime } from "@trellis/core";
 * import { connectOverControlMessages } from "@trellis/distribution";
 * const a = createRuntime({ node: "a@localhost", clock: "virtual" });
 * const b = createRuntime({ node: "b@localhost", clock: "virtual" });
 * const link = connectOverControlMessages(a, b);
 * link.disconnect();
 * ```
 * @since 0.1.0
 * @category Nodes
 */
export function connectOverControlMessages(a: Runtime, b: Runtime): Connection {
  for (const rt of [a, b]) {
    if (rt.node === "nonode@nohost") {
      throw new BadArgumentError(
        'connectOverControlMessages: both runtimes need a node name (createRuntime({ node: "name@host" }))',
      );
    }
  }
  if (a.node === b.node) {
    throw new BadArgumentError(`connectOverControlMessages: both runtimes are ${a.node}`);
  }
  if (a.nodes().includes(b.node) || b.nodes().includes(a.node)) {
    throw new BadArgumentError(
      `connectOverControlMessages: ${a.node} and ${b.node} are already connected`,
    );
  }
  const codecA = new NodeCodec(a.node, a.creation);
  const codecB = new NodeCodec(b.node, b.creation);
  const portA = new RuntimePort(a);
  const portB = new RuntimePort(b);
  let open = true;
  let linkA: PeerLink | undefined;
  let linkB: PeerLink | undefined;

  // Both runtimes live in this process, so a pid or reference of one may reach the other
  // without crossing the wire (as with core's connectInMemory): whatever either side encodes
  // is made known to both codecs, so that it decodes back to the same object.
  // (A pid that one side decoded from the other's is an interned stand-in, not the process:
  // only the pids the runtimes made themselves are registered.)
  const crossSeen =
    (own: NodeCodec, other: NodeCodec) =>
    (v: Pid | Ref): void => {
      own.encodeOptions.seen?.(v);
      if (v instanceof Pid && v !== internPid(v.node, v.id, v.serial, v.creation)) {
        other.encodeOptions.seen?.(v);
      }
    };
  const optionsA: EncodeOptions = { ...codecA.encodeOptions, seen: crossSeen(codecA, codecB) };
  const optionsB: EncodeOptions = { ...codecB.encodeOptions, seen: crossSeen(codecB, codecA) };

  /** A wire that encodes each control message and hands the packet over on a microtask. */
  const wire = (options: EncodeOptions, into: () => PeerLink | undefined, port: RuntimePort) => ({
    send(control: unknown, hasMessage: boolean, message?: unknown): void {
      if (!open) return;
      const parts = [encode(control as ErlTerm, options)];
      if (hasMessage) parts.push(encode(message as ErlTerm, options));
      const packet = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
      packet[0] = 112;
      let at = 1;
      for (const p of parts) {
        packet.set(p, at);
        at += p.length;
      }
      queueMicrotask(() => {
        if (!open) return;
        try {
          into()?.packet(packet);
        } catch (err) {
          // as over TCP: a malformed control message drops the connection, with a warning
          port.log({
            kind: "warning",
            message: `distribution: connection closed: ${(err as Error).message}`,
          });
          close();
        }
      });
    },
  });

  const close = (): void => {
    if (!open) return;
    open = false;
    portA.detach(b.node);
    portB.detach(a.node);
    linkA?.lost();
    linkB?.lost();
  };
  linkA = new PeerLink(
    b.node,
    portA,
    wire(optionsA, () => linkB, portB),
    codecA.decodeOptions,
    NO_SYSTEM,
  );
  linkB = new PeerLink(
    a.node,
    portB,
    wire(optionsB, () => linkA, portA),
    codecB.decodeOptions,
    NO_SYSTEM,
  );
  const la = linkA;
  const lb = linkB;
  portA.attach(b.node, { deliver: (signal) => la.deliver(signal), close });
  portB.attach(a.node, { deliver: (signal) => lb.deliver(signal), close });
  return { disconnect: close };
}
