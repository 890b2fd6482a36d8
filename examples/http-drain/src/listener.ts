// An HTTP listener owned by a process: a GenServer that opens a node:http server in `init`
// and hands each request to a process of its own. It traps exits, so when its supervisor
// stops it, `terminate` drains:
//
//   1. the server stops accepting connections (server.close), idle keep-alive connections
//      are closed, and every answer from now on says `connection: close`;
//   2. it waits for the requests in flight to be answered;
//   3. it returns, the process exits, and the supervisor goes on stopping the rest of the
//      tree.
//
// The child's `shutdown` time bounds the drain: past it the supervisor kills the listener,
// and its abortSignal() closes every connection that is left.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  abortSignal,
  currentRuntime,
  isExit,
  type Pid,
  self,
  sleep,
  spawnLink,
  trapExit,
} from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import type * as Supervisor from "@trellis/supervisor";

/** A request, handed by the server to the listener process. */
class Incoming {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  constructor(req: IncomingMessage, res: ServerResponse) {
    this.req = req;
    this.res = res;
  }
}

interface State {
  readonly server: Server;
  readonly port: number;
  /** Answers not finished yet, each with a promise settled when it is. */
  readonly inFlight: Map<ServerResponse, Promise<void>>;
  /** The request processes, with their answers. */
  readonly requests: Map<Pid, ServerResponse>;
  /** Shared with the request processes: once draining, every answer closes its connection. */
  readonly drain: { on: boolean };
  readonly log: (line: string) => void;
}

/** What a request's process does: `/slow?ms=N` takes N ms, anything else answers at once. */
async function handle(req: IncomingMessage, res: ServerResponse, drain: { on: boolean }) {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/slow") await sleep(Number(url.searchParams.get("ms") ?? "100"));
  if (url.pathname === "/crash") throw new Error("the request's process crashed");
  if (drain.on) res.setHeader("connection", "close");
  res.writeHead(200, { "content-type": "text/plain" });
  res.end(`${url.pathname} done\n`);
}

type Call = GenServer.Request<{ type: "port" }, number>;

export interface ListenerOptions {
  /** The port; 0 takes a free one. */
  readonly port: number;
  /** Where the listener says what it does. */
  readonly log: (line: string) => void;
}

const Listener = GenServer.define({
  async init(options: ListenerOptions) {
    trapExit(true); // so that the supervisor's "shutdown" runs terminate: the drain
    const rt = currentRuntime();
    const listener = self();
    const server = createServer((req, res) => rt.send(listener, new Incoming(req, res)));
    // Whatever ends this process (a kill past the shutdown time included) closes the socket.
    const signal = abortSignal();
    signal.addEventListener("abort", () => server.closeAllConnections());
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ port: options.port, host: "127.0.0.1", signal }, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    options.log(`listening on http://127.0.0.1:${port}`);
    return GenServer.Result.ok<State>({
      server,
      port,
      inFlight: new Map(),
      requests: new Map(),
      drain: { on: false },
      log: options.log,
    });
  },

  handleCall: (_call: Call, _from, s: State) => GenServer.Result.reply(s.port, s),

  handleInfo(message, s: State) {
    if (message instanceof Incoming) {
      const { req, res } = message;
      s.log(`${req.method} ${req.url}`);
      // the map is mutated in place: only this process ever sees it
      s.inFlight.set(res, new Promise<void>((done) => res.once("close", () => done())));
      res.once("close", () => s.inFlight.delete(res));
      // One process per request, linked: it dies with the listener, and its crash reaches
      // the listener (which traps exits) as an EXIT message.
      const pid = spawnLink(() => handle(req, res, s.drain));
      s.requests.set(pid, res);
    } else if (isExit(message)) {
      const res = s.requests.get(message.from);
      s.requests.delete(message.from);
      if (res !== undefined && message.reason !== "normal" && !res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain" }).end("internal error\n");
      }
    }
    return GenServer.Result.noreply(s);
  },

  async terminate(_reason, s: State) {
    s.drain.on = true;
    s.server.close(); // no new connections
    s.server.closeIdleConnections(); // keep-alive connections with no request in flight
    s.log(`draining: ${s.inFlight.size} request(s) in flight, no new connections`);
    await Promise.all(s.inFlight.values());
    s.log("drained: every request in flight was answered");
  },
});

/** The listener's child spec; `shutdown` bounds the drain (default 10 s). */
export function listenerSpec(options: ListenerOptions, shutdown = 10_000): Supervisor.ChildSpec {
  return GenServer.childSpec(Listener, options, { id: "http", name: "http", shutdown });
}

/** The port the listener listens on. */
export function port(): Promise<number> {
  return GenServer.call(GenServer.named(Listener, "http"), { type: "port" });
}
