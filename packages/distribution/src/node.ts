/**
 * A distributed Trellis node: listens for and opens distribution connections, registers
 * with EPMD, and plugs every connection into core's node seam.
 *
 * @module
 */
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import {
  BadArgumentError,
  CallError,
  type CallOperation,
  CallTimeoutError,
  call as coreCall,
  exit,
  formatReason,
  inProcess,
  NoProcessError,
  type Pid,
  type Runtime,
  type Signal,
  self,
} from "@trellis/core";
import { type CallTimeout, CallTimers } from "./call-timers.js";
import { Wire } from "./connection.js";
import { type NameCall, PeerLink, type SpawnRequest, type SystemNames } from "./control.js";
import { readErlangCookie } from "./cookie.js";
import {
  type EpmdOptions,
  type EpmdRegistration,
  epmdPortPlease,
  epmdRegister,
} from "./epmd/client.js";
import { OURS } from "./flags.js";
import {
  accept,
  type HandshakeConfig,
  HandshakeError,
  initiate,
  type Peer,
  type Status,
} from "./handshake.js";
import { A, NodeCodec } from "./mapping.js";
import { BusyWait } from "./net/busy-wait.js";
import { adoptAccepted, connectRaw, type Inlet } from "./net/raw.js";
import { SocketReader } from "./net/reader.js";
import { connectTls, type DistributionTlsOptions, tlsSides } from "./net/tls.js";
import { RuntimePort } from "./runtime-port.js";
import { Atom, atom, type ErlTerm, List, list } from "./terms.js";

/**
 * Options of {@link startNode}.
 *
 * @since 0.1.0
 * @category Nodes
 */
export interface NodeOptions {
  /**
   * The shared secret. Default: the first line of `~/.erlang.cookie`, as Erlang reads it.
   * There is no built-in default: without either, `startNode` fails.
   */
  readonly cookie?: string;
  /** The address to listen on. Default `"127.0.0.1"` (loopback only). */
  readonly host?: string;
  /** The port to listen on. Default `0` (any free port; EPMD tells peers which). */
  readonly port?: number;
  /**
   * Where EPMD runs (`{ port }` for a test-local one, or a {@link startPortMapper}), or
   * `false` to run without EPMD: then peers are reached through `ports` only, and this
   * node is reachable on its fixed `port`. Default: EPMD on 127.0.0.1, port
   * `ERL_EPMD_PORT` or 4369.
   */
  readonly epmd?: EpmdOptions | false;
  /** Fixed distribution ports of peer nodes, by node name (looked up before EPMD). */
  readonly ports?: Readonly<Record<string, number>>;
  /** `net_ticktime` in seconds: a silent peer is dropped within about this time. Default `60`. */
  readonly tickTime?: number;
  /** Milliseconds a connection setup (TCP and handshake) may take. Default `7000`. */
  readonly setupTime?: number;
  /** Largest packet accepted from a peer, in bytes. Default 64 MiB. */
  readonly maxPacket?: number;
  /**
   * Runs every distribution connection inside TLS, as Erlang's `-proto_dist inet_tls`
   * (EPMD stays plain TCP). Peers must use TLS distribution too. Default: plain TCP.
   */
  readonly tls?: DistributionTlsOptions;
  /**
   * Milliseconds the event loop keeps polling after a connection read or wrote, before it
   * may go to sleep, as the BEAM's schedulers busy wait (`+sbwt`): a reply that comes back
   * within it is taken by a running thread instead of waking a sleeping process, which
   * roughly doubles the rate of back-to-back remote calls between otherwise idle
   * processes. It costs CPU only during the window after traffic, and delays nothing. `0`
   * turns it off (as `+sbwt none`). Default `0.2`.
   */
  readonly busyWait?: number;
}

/**
 * A process registered under `name` on another node: Erlang's `{Name, Node}`.
 *
 * @example
 * ```ts
 * import type { RemoteName } from "@trellis/distribution";
 * const counter: RemoteName = { name: "counter", node: "ex@127.0.0.1" };
 * ```
 * @since 0.1.0
 * @category Nodes
 */
export interface RemoteName {
  /** The registered name. */
  readonly name: string;
  /** The node, `"name@host"`. */
  readonly node: string;
}

/**
 * Options of {@link DistributionNode.call}.
 *
 * @since 0.1.0
 * @category Nodes
 */
export interface RemoteCallOptions {
  /** Milliseconds to wait for the reply. Default `5000`; `Infinity` waits forever. */
  readonly timeout?: number;
}

/**
 * A running distributed node. Made by {@link startNode}.
 *
 * @since 0.1.0
 * @category Nodes
 */
export interface DistributionNode {
  /** The node name (the runtime's), e.g. `"trellis@127.0.0.1"`. */
  readonly name: string;
  /** The distribution port it listens on. */
  readonly port: number;
  /** The creation EPMD assigned, or the runtime's creation without EPMD. */
  readonly creation: number;
  /**
   * Connects to `node` unless already connected (Erlang's `net_kernel:connect_node/1`).
   * Resolves `true` once connected, `false` if the node cannot be reached or refuses.
   */
  connect(node: string): Promise<boolean>;
  /** `"pong"` if `node` can be connected to, else `"pang"` (Erlang's `net_adm:ping/1`). */
  ping(node: string): Promise<"pong" | "pang">;
  /** The nodes connected now. */
  nodes(): string[];
  /** Drops the connection to `node` (links and monitors across it get `noconnection`). */
  disconnect(node: string): boolean;
  /**
   * Sends `message` to the process registered as `name` on `node` (Erlang's
   * `{Name, Node} ! Msg`), connecting first if needed. Like Erlang, it never fails: a
   * message to an unreachable node or an unknown name is dropped.
   */
  send(dest: RemoteName, message: unknown): void;
  /**
   * Calls the process registered as `name` on `node` (Erlang's `gen_server:call({Name,
   * Node}, Request, Timeout)`), connecting first if needed: the server gets a
   * `CallRequest` (or Erlang's `{'$gen_call', From, Request}`), and the promise resolves
   * with its reply. Works inside and outside process code; the timeout runs on real time.
   * A `node` that is this node's own name calls the local process, as
   * `gen_server:call({Name, node()}, …)` does.
   *
   * Rejects with `NoProcessError` if nobody is registered under `name` there,
   * `CallError` with the server's exit reason if it dies first, `CallError` with
   * `{ nodedown: node }` if the node cannot be reached or the connection drops, and
   * `CallTimeoutError` after `timeout` ms (a late reply is dropped).
   */
  call<R = unknown>(dest: RemoteName, request: unknown, options?: RemoteCallOptions): Promise<R>;
  /**
   * Monitors the connection to `node` for the calling process (Erlang's
   * `monitor_node(Node, true)`): it gets the message `{ nodedown: node }` when the
   * connection goes down, or at once if it cannot be made. Each call adds one monitor;
   * `monitorNode(node, false)` removes one.
   */
  monitorNode(node: string, flag?: boolean): void;
  /**
   * Exports a function under `module:name`, so that other nodes can run it here:
   * `erpc:call(Node, module, name, Args)` and `rpc:call` (OTP 23+) run it in a new process
   * and return its result (a rejected promise or throw is an `error` exception there), and
   * `spawn(Node, module, name, Args)` runs it in a new process. The arguments arrive as
   * Erlang terms; the result is sent back as one. Any arity.
   */
  exportFunction(module: string, name: string, fn: (...args: ErlTerm[]) => unknown): void;
  /** Closes every connection and the listener, and unregisters from EPMD. */
  stop(): Promise<void>;
}

interface Live {
  readonly wire: Wire;
  readonly link: PeerLink;
}

/** Milliseconds of {@link NodeOptions.busyWait} by default. */
const DEFAULT_BUSY_WAIT = 0.2;

const NODE_NAME = /^[^@\s]{1,255}@[^@\s]{1,255}$/;

function errorTerm(err: unknown): ErlTerm {
  if (err instanceof Error) return [atom(err.name), err.message];
  if (typeof err === "string") return err;
  return formatReason(err);
}

/** The node name `checkDest` accepted last (a sender names the same node again and again). */
let checkedNode = "";

function checkDest(what: string, dest: unknown): void {
  const d = dest as { name?: unknown; node?: unknown } | null;
  if (
    typeof d !== "object" ||
    d === null ||
    typeof d.name !== "string" ||
    d.name === "" ||
    typeof d.node !== "string" ||
    (d.node !== checkedNode && !NODE_NAME.test(d.node))
  ) {
    throw new BadArgumentError(
      `${what}: expected { name, node } with a node like "app@host", got ${formatReason(dest)}`,
    );
  }
  checkedNode = d.node;
}

/** The operation a failed call names (made only when a call fails). */
function callOperation(dest: RemoteName, request: unknown, timeout: number): CallOperation {
  return { module: "Distribution", function: "call", args: [dest, request, timeout] };
}

function peerAddress(socket: Socket): string {
  return `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`;
}

/** Close reasons of a connection that ended in order, which are not logged. */
const ORDERLY_CLOSE: ReadonlySet<string> = new Set([
  "disconnected",
  "the peer closed the connection",
  "replaced by a new connection",
]);

/**
 * Starts the Erlang distribution on a runtime: the runtime becomes a hidden Erlang node
 * named after its `node` option, which Erlang and Elixir nodes (and other Trellis nodes)
 * can connect to with the same cookie. Messages, links, monitors, exit signals and
 * `GenServer` calls then cross between the nodes with Erlang's semantics; losing a
 * connection gives `noconnection` to every link and monitor across it.
 *
 * The runtime's creation is sent in the handshake and stamped in its pids: give each
 * incarnation of a node a different `creation` (for example `Date.now() % 2 ** 31`) so that
 * peers tell pids of a restarted node apart.
 *
 * @param rt - the runtime; its `node` must be `"name@host"` (not `"nonode@nohost"`)
 * @param options - cookie, listen address, EPMD, ticks
 * @returns the running node
 * @throws {BadArgumentError} for a runtime without a node name, a missing cookie, or bad options
 * @example
 * ```ts
 * import { createRuntime } from "@trellis/core";
 * import { startNode } from "@trellis/distribution";
 *
 * const rt = createRuntime({ node: "trellis@127.0.0.1", creation: Date.now() % 2 ** 31 });
 * const node = await startNode(rt, { cookie: "secret" });
 * await node.ping("elixir@127.0.0.1"); // "pong" once `elixir --name elixir@127.0.0.1 --cookie secret` runs
 * ```
 * @since 0.1.0
 * @category Nodes
 */
export async function startNode(rt: Runtime, options: NodeOptions = {}): Promise<DistributionNode> {
  const name = rt.node;
  if (!NODE_NAME.test(name) || name === "nonode@nohost") {
    throw new BadArgumentError(
      `startNode: the runtime needs a node name like "app@127.0.0.1" (createRuntime({ node })), got "${name}"`,
    );
  }
  const cookie = options.cookie ?? readErlangCookie();
  if (typeof cookie !== "string" || cookie.length === 0) {
    throw new BadArgumentError("startNode: the cookie must be a non-empty string");
  }
  const tickTime = (options.tickTime ?? 60) * 1000;
  if (!Number.isFinite(tickTime) || tickTime < 4) {
    throw new BadArgumentError(`startNode: tickTime must be a positive number of seconds`);
  }
  const setupTime = options.setupTime ?? 7000;
  const maxPacket = options.maxPacket ?? 64 * 1024 * 1024;
  const busyMs = options.busyWait ?? DEFAULT_BUSY_WAIT;
  if (typeof busyMs !== "number" || !Number.isFinite(busyMs) || busyMs < 0 || busyMs > 1000) {
    throw new BadArgumentError(
      "startNode: busyWait must be a number of milliseconds from 0 to 1000",
    );
  }
  const busyWait = new BusyWait(busyMs);
  const host = options.host ?? "127.0.0.1";
  const epmd = options.epmd ?? {};
  const tls = options.tls === undefined ? undefined : tlsSides(options.tls);
  const port = new RuntimePort(rt);
  const codec = new NodeCodec(name, rt.creation);
  const conns = new Map<string, Live>();
  const pending = new Map<string, Promise<boolean>>();
  const sockets = new Set<Socket>();
  const nodeMonitors = new Map<string, Pid[]>();
  /** Attempts that lost a simultaneous connect, waiting for the peer's connection. */
  const losers = new Map<string, (() => void)[]>();
  /** Signals core routed to nodes being connected on demand, by node. */
  const queued = new Map<string, { signals: Signal[] }>();
  let stopped = false;

  function nodeDown(node: string): void {
    const watchers = nodeMonitors.get(node);
    if (watchers === undefined) return;
    nodeMonitors.delete(node);
    for (const pid of watchers) rt.send(pid, { nodedown: node });
  }

  const config: HandshakeConfig = {
    name,
    creation: rt.creation,
    cookie,
    flags: OURS,
    timeoutMs: setupTime,
    // inet_tls_dist frames the handshake with 4-byte lengths too
    lengthBytes: tls === undefined ? 2 : 4,
  };

  const log = (kind: "warning" | "info", message: string): void =>
    port.log({ kind, message: `distribution: ${message}` });

  const exported = new Map<string, (...args: ErlTerm[]) => unknown>();
  const system: SystemNames = {
    handles: (target) => target === "net_kernel",
    spawn(req: SpawnRequest): Pid {
      // erpc:call and rpc:call spawn erpc:execute_call(Ref, M, F, Args), whose exit reason
      // carries the outcome: {Ref, return, Value} or {Ref, error, Reason, Stack}
      if (req.module === A.erpc && req.function === A.executeCall && req.args.length === 4) {
        const [res, m, f, a] = req.args as [ErlTerm, ErlTerm, ErlTerm, ErlTerm];
        const fn =
          m instanceof Atom && f instanceof Atom && a instanceof List
            ? exported.get(`${m.name}:${f.name}`)
            : undefined;
        return rt.spawn(async () => {
          if (fn === undefined) exit([res, A.error, A.undef, list()]);
          let outcome: ErlTerm;
          try {
            outcome = [res, A.return, (await fn(...(a as List).items)) as ErlTerm];
          } catch (err) {
            outcome = [res, A.error, errorTerm(err), list()];
          }
          exit(outcome);
        });
      }
      const fn = exported.get(`${req.module.name}:${req.function.name}`);
      return rt.spawn(async () => {
        if (fn === undefined) exit(A.undef);
        await fn(...req.args);
      });
    },
    message(_target: string, from: Pid, m: ErlTerm, link: PeerLink): void {
      // net_adm:ping monitors net_kernel and sends {'$gen_call', {Pid, Tag}, {is_auth, Node}}
      if (!Array.isArray(m) || m.length !== 3 || m[0] !== A.genCall) return;
      const request = m[2];
      const fromTuple = m[1];
      if (!Array.isArray(request) || request[0] !== A.isAuth || !Array.isArray(fromTuple)) return;
      link.reply(from, fromTuple[1] as ErlTerm, A.yes, codec.nodePid);
    },
  };

  function up(socket: Socket, inlet: Inlet | undefined, leftover: Uint8Array, peer: Peer): void {
    let link: PeerLink | undefined;
    const wire = new Wire(
      socket,
      leftover,
      {
        tickTime,
        maxPacket,
        encode: codec.encodeOptions,
        busyWait,
        onPacket: (buf, start, end) => {
          try {
            link?.packetAt(buf, start, end);
          } catch (err) {
            wire.close(`a malformed packet from ${peer.name}: ${(err as Error).message}`);
          }
        },
        onClose: (reason) => {
          sockets.delete(socket);
          if (conns.get(peer.name)?.wire === wire) conns.delete(peer.name);
          // as net_kernel, an orderly close (ours or the peer's) is silent: only a dropped
          // connection (tick timeout, hostile input, socket error) is reported
          if (!ORDERLY_CLOSE.has(reason)) {
            log("warning", `connection to ${peer.name} closed: ${reason}`);
          }
          port.detach(peer.name);
          link?.lost();
          nodeDown(peer.name);
        },
      },
      inlet,
    );
    link = new PeerLink(peer.name, port, wire, codec.decodeOptions, system);
    conns.set(peer.name, { wire, link });
    const woken = losers.get(peer.name);
    losers.delete(peer.name);
    for (const wake of woken ?? []) wake();
    const live = link;
    port.attach(peer.name, {
      deliver: (signal) => live.deliver(signal),
      close: () => wire.close("disconnected"),
    });
    // what was routed while connecting on demand goes first, in order
    const waiting = queued.get(peer.name);
    if (waiting !== undefined) {
      queued.delete(peer.name);
      for (const signal of waiting.signals) {
        try {
          live.deliver(signal);
        } catch (err) {
          log("warning", `dropped a signal to ${peer.name}: ${(err as Error).message}`);
        }
      }
    }
  }

  function decide(peer: string): Status {
    if (stopped || peer === name) return "not_allowed";
    if (conns.has(peer)) return "alive";
    if (pending.has(peer)) return name > peer ? "nok" : "ok_simultaneous";
    return "ok";
  }

  /** A new connection: a TLS socket, or a TCP socket read through `inlet`. */
  const onConnection = (socket: Socket, inlet?: Inlet): void => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const reader = new SocketReader(socket, inlet);
    accept(socket, reader, config, decide).then(
      (peer) => {
        if (stopped) {
          socket.destroy();
          return;
        }
        const old = conns.get(peer.name);
        if (old !== undefined) {
          conns.delete(peer.name);
          port.detach(peer.name);
          old.wire.close("replaced by a new connection");
        }
        up(socket, inlet, reader.detach(), peer);
      },
      (err: unknown) => {
        log("warning", `refused a connection: ${(err as Error).message}`);
        socket.destroy();
      },
    );
  };
  let server: Server;
  if (tls === undefined) {
    // accepted paused, so that the socket can be read below the stream layer from its first
    // byte
    server = createServer({ pauseOnConnect: true }, (accepted) => {
      const raw = adoptAccepted(accepted);
      onConnection(raw.socket, raw.inlet);
    });
  } else {
    const sides = tls;
    server = createTlsServer({ handshakeTimeout: setupTime, ...tls.server }, (socket) => {
      const refusal = sides.refusal(socket);
      if (refusal === undefined) return onConnection(socket);
      log("warning", `refused a TLS connection from ${peerAddress(socket)}: ${refusal}`);
      socket.destroy();
    });
    // a socket still in its TLS handshake is closed by stop() too
    server.on("connection", (raw: Socket) => {
      sockets.add(raw);
      raw.on("close", () => sockets.delete(raw));
    });
    // a failed or timed-out TLS handshake: Node leaves the socket open
    server.on("tlsClientError", (err: Error, socket: Socket) => {
      log("warning", `refused a TLS connection from ${peerAddress(socket)}: ${err.message}`);
      socket.destroy();
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const listenPort = typeof address === "object" && address !== null ? address.port : 0;

  // Erlang connects on the first signal to a node: so does core, through this transport,
  // which queues until the connection is up and disconnects (noconnection) if it fails.
  port.onMissingNode((node) => {
    if (stopped || !NODE_NAME.test(node)) return undefined;
    const entry = { signals: [] as Signal[] };
    queued.set(node, entry);
    void connect(node).then((ok) => {
      if (ok || queued.get(node) !== entry) return;
      queued.delete(node);
      port.detach(node);
    });
    return {
      deliver: (signal) => {
        entry.signals.push(signal);
      },
      close: () => {
        if (queued.get(node) === entry) queued.delete(node);
      },
    };
  });

  let registration: EpmdRegistration | undefined;
  if (epmd !== false) {
    try {
      registration = await epmdRegister(name.split("@")[0] as string, listenPort, {
        ...epmd,
        hidden: true,
      });
    } catch (err) {
      port.onMissingNode(undefined);
      server.close();
      throw err;
    }
  }

  async function address$(node: string): Promise<{ host: string; port: number } | undefined> {
    const peerHost = node.slice(node.indexOf("@") + 1);
    const fixed = options.ports?.[node];
    if (fixed !== undefined) return { host: peerHost, port: fixed };
    if (epmd === false) return undefined;
    const entry = await epmdPortPlease(node.slice(0, node.indexOf("@")), {
      ...epmd,
      host: peerHost,
    });
    return entry === undefined ? undefined : { host: peerHost, port: entry.port };
  }

  async function attempt(node: string): Promise<boolean> {
    let socket: Socket | undefined;
    let inlet: Inlet | undefined;
    try {
      const where = await address$(node);
      if (where === undefined) {
        log("warning", `cannot connect to ${node}: no port known (not registered with EPMD?)`);
        return false;
      }
      if (tls === undefined) {
        ({ socket, inlet } = await connectRaw(where.host, where.port, setupTime));
      } else {
        socket = await connectTls(where.host, where.port, setupTime, tls.client);
      }
      sockets.add(socket);
      const reader = new SocketReader(socket, inlet);
      const peer = await initiate(socket, reader, config, node);
      if (stopped || conns.has(node)) {
        socket.destroy();
        return conns.has(node);
      }
      up(socket, inlet, reader.detach(), peer);
      return true;
    } catch (err) {
      if (socket !== undefined) {
        socket.destroy();
        sockets.delete(socket);
      }
      if (conns.has(node)) return true;
      if (err instanceof HandshakeError && err.simultaneous) {
        // both sides connected at once and the peer's attempt won: wait for it
        return new Promise<boolean>((resolve) => {
          const t = setTimeout(() => resolve(conns.has(node)), setupTime);
          const list = losers.get(node) ?? [];
          list.push(() => {
            clearTimeout(t);
            resolve(true);
          });
          losers.set(node, list);
        });
      }
      log("warning", `cannot connect to ${node}: ${(err as Error).message}`);
      return false;
    }
  }

  function connect(node: string): Promise<boolean> {
    if (typeof node !== "string" || !NODE_NAME.test(node)) {
      return Promise.reject(
        new BadArgumentError(`connect: "${String(node)}" is not a node name like "app@host"`),
      );
    }
    if (node === name || conns.has(node)) return Promise.resolve(true);
    if (stopped) return Promise.resolve(false);
    let p = pending.get(node);
    if (p === undefined) {
      p = attempt(node).finally(() => pending.delete(node));
      pending.set(node, p);
    }
    return p;
  }

  const callTimers = new CallTimers();

  /** A call to `{ name, node }` over an established connection (see `call`). */
  function callOver<R>(
    live: Live,
    dest: RemoteName,
    request: unknown,
    timeout: number,
    caller: Pid,
  ): Promise<R> {
    // the call's reference (its monitor and reply alias) is the distribution's alone
    const ref = rt.makeRef();
    codec.hold(ref);
    return new Promise<R>((resolve, reject) => {
      let timer: CallTimeout | undefined;
      const pending: NameCall = {
        caller,
        name: dest.name,
        answer: (value) => {
          timer?.cancel();
          codec.release(ref);
          resolve(value as R);
        },
        down: (reason) => {
          timer?.cancel();
          codec.release(ref);
          const op = callOperation(dest, request, timeout);
          if (reason === "noproc") reject(new NoProcessError(op));
          else if (reason === "noconnection") reject(new CallError({ nodedown: dest.node }, op));
          else reject(new CallError(reason, op));
        },
      };
      if (timeout !== Number.POSITIVE_INFINITY) {
        timer = callTimers.start(timeout, () => {
          live.link.cancelNameCall(caller, dest.name, ref);
          codec.release(ref);
          reject(new CallTimeoutError(callOperation(dest, request, timeout)));
        });
      }
      try {
        live.link.callName(caller, dest.name, ref, request, pending);
      } catch (err) {
        // a request without an Erlang form: nothing waits for a reply
        timer?.cancel();
        live.link.cancelNameCall(caller, dest.name, ref);
        codec.release(ref);
        reject(err);
      }
    });
  }

  /**
   * A call to `{ name, node }` where `node` is this node: core's local call, as
   * `gen_server:call({Name, node()}, …)` is (from a fresh process outside process code).
   */
  function callLocal<R>(dest: RemoteName, request: unknown, timeout: number): Promise<R> {
    const options = { timeout, module: "Distribution", function: "call" };
    const local = { name: dest.name, node: name };
    if (inProcess() && self().node === name) return coreCall<R>(local, request, options);
    return rt.run(() => coreCall<R>(local, request, options));
  }

  const distributionNode: DistributionNode = {
    name,
    port: listenPort,
    creation: rt.creation,
    connect,
    ping: async (node) => ((await connect(node)) ? "pong" : "pang"),
    nodes: () => [...conns.keys()],
    disconnect(node: string): boolean {
      if (!conns.has(node)) return false;
      port.detach(node);
      return true;
    },
    send(dest, message): void {
      checkDest("send", dest);
      if (dest.node === name) {
        const local = rt.whereis(dest.name);
        if (local !== undefined) rt.send(local, message);
        return;
      }
      const from = inProcess() ? self() : codec.nodePid;
      const live = conns.get(dest.node);
      if (live !== undefined) {
        live.link.regSend(from, dest.name, message);
        return;
      }
      void connect(dest.node).then((ok) => {
        if (ok) conns.get(dest.node)?.link.regSend(from, dest.name, message);
      });
    },
    call<R>(dest: RemoteName, request: unknown, options: RemoteCallOptions = {}): Promise<R> {
      let caller: Pid;
      let timeout: number;
      try {
        checkDest("call", dest);
        timeout = options.timeout ?? 5000;
        if (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0) {
          throw new BadArgumentError(
            `call: the timeout must be a non-negative number of ms or Infinity`,
          );
        }
        if (dest.node === name) return callLocal<R>(dest, request, timeout);
        caller = inProcess() ? self() : codec.nodePid;
      } catch (err) {
        return Promise.reject(err);
      }
      const live = conns.get(dest.node);
      // connected (the common case): no detour through connect's promise
      if (live !== undefined) return callOver<R>(live, dest, request, timeout, caller);
      return connect(dest.node).then((ok) => {
        const now = ok ? conns.get(dest.node) : undefined;
        if (now === undefined) {
          throw new CallError({ nodedown: dest.node }, callOperation(dest, request, timeout));
        }
        return callOver<R>(now, dest, request, timeout, caller);
      });
    },
    monitorNode(node: string, flag = true): void {
      if (typeof node !== "string" || !NODE_NAME.test(node)) {
        throw new BadArgumentError(
          `monitorNode: "${String(node)}" is not a node name like "app@host"`,
        );
      }
      const me = self();
      const list = nodeMonitors.get(node) ?? [];
      if (!flag) {
        const i = list.indexOf(me);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) nodeMonitors.delete(node);
        return;
      }
      list.push(me);
      nodeMonitors.set(node, list);
      if (node === name) return;
      void connect(node).then((ok) => {
        if (!ok) nodeDown(node);
      });
    },
    exportFunction(module, fnName, fn): void {
      if (typeof module !== "string" || typeof fnName !== "string" || typeof fn !== "function") {
        throw new BadArgumentError(
          "exportFunction: expected a module name, a function name and a function",
        );
      }
      exported.set(`${module}:${fnName}`, fn);
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      busyWait.stop();
      port.onMissingNode(undefined);
      registration?.close();
      for (const node of [...conns.keys()]) port.detach(node);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  peerLinks.set(distributionNode, (peer) => conns.get(peer)?.link);
  return distributionNode;
}

/** Each node's live connections, for tests that look at a connection's protocol state. */
const peerLinks = new WeakMap<DistributionNode, (peer: string) => PeerLink | undefined>();

/** @internal The protocol state of `node`'s connection to `peer`, if it is up (tests only). */
export function peerLinkOf(node: DistributionNode, peer: string): PeerLink | undefined {
  return peerLinks.get(node)?.(peer);
}
