/**
 * Nodes: connections to other runtimes (connect, disconnect and what it does to links and
 * monitors across), routing a signal to its node (connecting on demand through a
 * connector), and applying the signals that arrive from a peer.
 *
 * @module
 */
import { BadArgumentError, formatReason } from "../errors.js";
import { inboundProblem } from "../guards.js";
import { DownMessage } from "../messages.js";
import type { Pid, Ref } from "../pid.js";
import type { Runtime } from "../runtime.js";
import { addLink, deleteLink, linkValues } from "./link-set.js";
import { deleteWatcher, removeWatcher, setWatcher, watcherValues } from "./monitor-table.js";
import { downObject } from "./monitors.js";
import type { Proc } from "./proc.js";
import { deliver, drain, exitSignal, flushDeferred, sendPid } from "./signals.js";
import type { Inbound, RemoteName, Signal, Transport } from "./types.js";

/** Connects to `node` through `transport` and returns the inbound end (see `Runtime.connect`). */
export function connect(rt: Runtime, node: string, transport: Transport): Inbound {
  if (typeof node !== "string" || !/^[^@\s]+@[^@\s]+$/.test(node))
    throw new BadArgumentError(
      `connect: node must look like "name@host", got ${formatReason(node)}`,
    );
  if (node === rt.node)
    throw new BadArgumentError(`connect: a runtime cannot connect to its own node ${node}`);
  if (
    typeof transport !== "object" ||
    transport === null ||
    typeof transport.deliver !== "function"
  ) {
    throw new BadArgumentError(
      `connect: expected a transport with deliver(signal), got ${formatReason(transport)}`,
    );
  }
  const placeholder = rt.connecting.get(node);
  if (placeholder !== undefined && rt.peers.get(node) === placeholder) {
    // the connection a connector was making on demand is up: it takes the placeholder's place
    rt.connecting.delete(node);
  } else if (rt.peers.has(node)) {
    throw new BadArgumentError(
      `connect: already connected to ${node}; disconnect it first (a live connection is never replaced)`,
    );
  }
  rt.peers.set(node, transport);
  return {
    receive: (signal: Signal): void => {
      if (rt.peers.get(node) !== transport) return; // this connection is gone
      const problem = inboundProblem(signal, node, rt.node);
      if (problem !== undefined) {
        rt.report({
          kind: "warning",
          message: `dropped a signal from ${node}: ${problem}`,
        });
        return;
      }
      receiveSignal(rt, signal);
    },
  };
}

/** Drops the connection to `node`: `noconnection` to links and monitors across (see `Runtime.disconnect`). */
export function disconnect(rt: Runtime, node: string): void {
  const transport = rt.peers.get(node);
  if (transport === undefined) return;
  rt.peers.delete(node);
  rt.connecting.delete(node);
  for (const p of [...rt.procs.values()]) {
    for (const m of watcherValues(p.watchers))
      if (m.watcher === undefined && m.watcherPid?.node === node) removeWatcher(p, m);
    if (p.monitors !== undefined) {
      for (const m of [...p.monitors.values()]) {
        if (m.target.node === node) {
          p.monitors.delete(m.ref);
          if (m.callback !== undefined) m.callback.down("noconnection");
          else deliver(rt, p, new DownMessage(m.ref, downObject(m), "noconnection"));
        }
      }
    }
    for (const other of linkValues(p.links)) {
      if (other.node === node)
        rt.sigs.push({ to: p.pid, from: other, reason: "noconnection", link: true });
    }
  }
  drain(rt);
  transport.close?.();
}

/** Sends a signal to another node; false when there is no connection. */
export function route(rt: Runtime, signal: Signal): boolean {
  const node = signal.type === "reply" ? signal.ref.node : signal.to.node;
  const t = rt.peers.get(node) ?? autoConnect(rt, node);
  if (t === undefined) return false;
  t.deliver(signal);
  return true;
}

/** Asks the connector for a transport to `node`, as Erlang connects on the first signal to a node. */
function autoConnect(rt: Runtime, node: string): Transport | undefined {
  if (rt.connector === undefined || rt.closed || node === rt.node) return undefined;
  const t = rt.connector(node);
  if (t !== undefined && !rt.peers.has(node)) {
    rt.peers.set(node, t);
    rt.connecting.set(node, t);
  }
  return rt.peers.get(node);
}

/** Applies a signal from another node; reached only through an {@link Inbound}. */
function receiveSignal(rt: Runtime, signal: Signal): void {
  switch (signal.type) {
    case "message":
      sendPid(rt, signal.to, signal.message);
      return;
    case "link": {
      const t = rt.lookup(signal.to);
      if (t === undefined)
        route(rt, {
          type: "exit",
          from: signal.to,
          to: signal.from,
          reason: "noproc",
          link: true,
        });
      else addLink(t, signal.from);
      return;
    }
    case "unlink": {
      const t = rt.lookup(signal.to);
      if (t !== undefined) deleteLink(t, signal.from);
      return;
    }
    case "exit":
      exitSignal(rt, signal.to, signal.from, signal.reason, signal.link);
      return;
    case "monitor":
      watchForPeer(rt, rt.lookup(signal.to), signal.to, signal.from, signal.ref, undefined);
      return;
    case "demonitor": {
      const t = rt.lookup(signal.to);
      if (t !== undefined) deleteWatcher(t, signal.ref);
      return;
    }
    case "down": {
      const p = rt.lookup(signal.to);
      const m = p?.monitors?.get(signal.ref);
      if (p === undefined || m === undefined) return;
      p.monitors?.delete(signal.ref);
      if (m.callback !== undefined) m.callback.down(signal.reason);
      // what was monitored (a pid, or { name, node } for a monitor by name), as OTP puts it
      else deliver(rt, p, new DownMessage(signal.ref, downObject(m), signal.reason));
      flushDeferred(rt);
      return;
    }
    case "reply":
      rt.replies.get(signal.ref)?.(signal.value);
      return;
    case "send-named": {
      // nobody holding the name: dropped, as in OTP
      const t = rt.names.get(signal.to.name);
      if (t !== undefined) deliver(rt, t, signal.message);
      return;
    }
    case "monitor-named": {
      const name = signal.to.name;
      const object = { name, node: rt.node };
      watchForPeer(rt, rt.names.get(name), object, signal.from, signal.ref, name);
      return;
    }
    case "demonitor-named": {
      const t = rt.names.get(signal.to.name);
      if (t !== undefined) deleteWatcher(t, signal.ref);
      return;
    }
  }
}

/**
 * A peer's process starts watching `t` (a MONITOR_P by pid or by name): its DOWN at once with
 * `noproc` when there is no such process, else a watcher entry. `object` is what the DOWN
 * names: the pid, or `{ name, node }` for a monitor by name.
 */
function watchForPeer(
  rt: Runtime,
  t: Proc | undefined,
  object: Pid | RemoteName,
  from: Pid,
  ref: Ref,
  name: string | undefined,
): void {
  if (t === undefined) {
    route(rt, { type: "down", from: object, to: from, ref, reason: "noproc" });
    return;
  }
  setWatcher(t, ref, {
    ref,
    watcher: undefined,
    watcherPid: from,
    target: t.pid,
    name,
    callback: undefined,
  });
}
