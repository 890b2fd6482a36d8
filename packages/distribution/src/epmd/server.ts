/**
 * A built-in EPMD-compatible port mapper, so that Trellis nodes (and Erlang nodes, with
 * `ERL_EPMD_PORT`) can find each other without an Erlang installation.
 *
 * @module
 */
import { createServer, type Socket } from "node:net";
import { BadArgumentError } from "@trellis/core";
import {
  ALIVE2_REQ,
  ALIVE2_X_RESP,
  type EpmdName,
  NAMES_REQ,
  PORT_PLEASE2_REQ,
  PORT2_RESP,
} from "./client.js";

/**
 * Options of {@link startPortMapper}.
 *
 * @since 0.1.0
 * @category EPMD
 */
export interface PortMapperOptions {
  /** The port to listen on; `0` picks a free one. Default `4369`. */
  readonly port?: number;
  /** The address to listen on. Default `"127.0.0.1"`. */
  readonly host?: string;
}

/**
 * A running port mapper.
 *
 * @since 0.1.0
 * @category EPMD
 */
export interface PortMapper {
  /** The port it listens on. */
  readonly port: number;
  /** The names registered now, with their ports. */
  names(): EpmdName[];
  /** Stops listening and drops every registration. */
  close(): Promise<void>;
}

interface Entry {
  readonly name: string;
  readonly port: number;
  readonly nodeType: number;
  readonly protocol: number;
  readonly high: number;
  readonly low: number;
  readonly extra: Buffer;
  readonly socket: Socket;
}

const MAX_REQUEST = 1024;

/**
 * Starts an EPMD-compatible port mapper (ALIVE2, PORT_PLEASE2 and NAMES, as OTP 23+
 * speaks them). A registration lasts while its connection stays open, as with `epmd`.
 * Malformed requests close the connection that sent them.
 *
 * @param options - where to listen
 * @returns the running mapper
 * @throws {Error} if the port cannot be bound
 * @example
 * ```ts
 * import { startPortMapper, startNode } from "@trellis/distribution";
 * const epmd = await startPortMapper({ port: 0 });
 * const node = await startNode(rt, { cookie: "secret", epmd: { port: epmd.port } });
 * ```
 * @since 0.1.0
 * @category EPMD
 */
export async function startPortMapper(options: PortMapperOptions = {}): Promise<PortMapper> {
  const host = options.host ?? "127.0.0.1";
  const listenPort = options.port ?? 4369;
  if (!Number.isInteger(listenPort) || listenPort < 0 || listenPort > 65535) {
    throw new BadArgumentError(`startPortMapper: invalid port ${String(listenPort)}`);
  }
  const entries = new Map<string, Entry>();
  const sockets = new Set<Socket>();
  let creation = (Math.floor(Date.now() / 1000) % 0x7fffffff) + 1;

  const server = createServer((socket) => {
    sockets.add(socket);
    let buf = Buffer.alloc(0);
    let registered: Entry | undefined;
    socket.on("error", () => {});
    socket.on("close", () => {
      sockets.delete(socket);
      if (registered !== undefined && entries.get(registered.name) === registered) {
        entries.delete(registered.name);
      }
    });
    socket.on("data", (chunk: Buffer) => {
      if (registered !== undefined) return; // nothing more is expected on an ALIVE2 socket
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2) return;
      const n = buf.readUInt16BE(0);
      if (n === 0 || n > MAX_REQUEST) {
        socket.destroy();
        return;
      }
      if (buf.length < 2 + n) return;
      const req = buf.subarray(2, 2 + n);
      buf = Buffer.alloc(0);
      try {
        registered = handle(req, socket);
      } catch {
        socket.destroy();
      }
    });
  });

  function handle(req: Buffer, socket: Socket): Entry | undefined {
    switch (req[0]) {
      case ALIVE2_REQ: {
        const nlen = req.readUInt16BE(9);
        const name = req.subarray(11, 11 + nlen).toString("utf8");
        const elen = req.readUInt16BE(11 + nlen);
        if (nlen === 0 || 13 + nlen + elen !== req.length) throw new Error("bad ALIVE2");
        if (entries.has(name)) {
          socket.write(Buffer.from([ALIVE2_X_RESP, 1, 0, 0, 0, 0]));
          socket.end();
          return undefined;
        }
        const entry: Entry = {
          name,
          port: req.readUInt16BE(1),
          nodeType: req[3] as number,
          protocol: req[4] as number,
          high: req.readUInt16BE(5),
          low: req.readUInt16BE(7),
          extra: Buffer.from(req.subarray(13 + nlen)),
          socket,
        };
        entries.set(name, entry);
        creation = (creation % 0x7fffffff) + 1;
        const reply = Buffer.alloc(6);
        reply[0] = ALIVE2_X_RESP;
        reply.writeUInt32BE(creation, 2);
        socket.write(reply);
        return entry;
      }
      case PORT_PLEASE2_REQ: {
        const e = entries.get(req.subarray(1).toString("utf8"));
        if (e === undefined) {
          socket.end(Buffer.from([PORT2_RESP, 1]));
          return undefined;
        }
        const name = Buffer.from(e.name, "utf8");
        const out = Buffer.alloc(14 + name.length + e.extra.length);
        out[0] = PORT2_RESP;
        out[1] = 0;
        out.writeUInt16BE(e.port, 2);
        out[4] = e.nodeType;
        out[5] = e.protocol;
        out.writeUInt16BE(e.high, 6);
        out.writeUInt16BE(e.low, 8);
        out.writeUInt16BE(name.length, 10);
        name.copy(out, 12);
        out.writeUInt16BE(e.extra.length, 12 + name.length);
        e.extra.copy(out, 14 + name.length);
        socket.end(out);
        return undefined;
      }
      case NAMES_REQ: {
        const head = Buffer.alloc(4);
        head.writeUInt32BE(port(), 0);
        const lines = [...entries.values()].map((e) => `name ${e.name} at port ${e.port}\n`);
        socket.end(Buffer.concat([head, Buffer.from(lines.join(""), "utf8")]));
        return undefined;
      }
      default:
        throw new Error("unknown request");
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (): number => {
    const a = server.address();
    return typeof a === "object" && a !== null ? a.port : listenPort;
  };
  const bound = port();
  return {
    port: bound,
    names: () => [...entries.values()].map((e) => ({ name: e.name, port: e.port })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
