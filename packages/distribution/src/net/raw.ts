/**
 * TCP sockets read below Node's stream layer: each socket reads into one buffer of its own
 * (Node's `onread` option), without a `Buffer` and a `data` event per read. Whoever consumes
 * the bytes (the handshake's reader, then the connection) is the inlet's sink, and copies
 * what it keeps: the buffer is overwritten by the next read.
 *
 * @internal
 * @module
 */
import { createConnection, type OnReadOpts, Socket } from "node:net";
import { connectSocket } from "./reader.js";

/** Bytes of each raw socket's read buffer. */
const READ_BUFFER = 64 * 1024;

/** @internal Where a raw socket's reads go. */
export class Inlet {
  /** Reads that came before a sink was set, copied. */
  private early: Uint8Array[] | undefined = [];
  private sink: ((buf: Uint8Array, n: number) => void) | undefined;
  /** The socket's `onread` option. */
  readonly onread: OnReadOpts = {
    buffer: new Uint8Array(READ_BUFFER),
    callback: (n: number, buf: Uint8Array): boolean => {
      if (this.sink !== undefined) this.sink(buf, n);
      else this.early?.push(buf.slice(0, n));
      return true; // keep reading
    },
  };

  /**
   * Sends every later read to `sink` (`buf[0, n)`, valid only during the call) and returns
   * the bytes read before (once; then empty).
   */
  drainTo(sink: (buf: Uint8Array, n: number) => void): Uint8Array[] {
    this.sink = sink;
    const early = this.early ?? [];
    this.early = undefined;
    return early;
  }
}

/** @internal A socket and, when it reads below the stream layer, its inlet. */
export interface RawSocket {
  readonly socket: Socket;
  /** `undefined`: the socket emits `data` events as usual. */
  readonly inlet: Inlet | undefined;
}

/**
 * @internal Whether sockets are read below the stream layer (tests turn it off to check the
 * stream path, which TLS connections always take).
 */
export const rawReads: { enabled: boolean } = { enabled: true };

/** @internal Connects to `host:port` within `timeoutMs`, reading through an inlet. */
export async function connectRaw(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<RawSocket> {
  if (!rawReads.enabled) {
    return {
      socket: await connectSocket(host, port, timeoutMs, createConnection),
      inlet: undefined,
    };
  }
  const inlet = new Inlet();
  const socket = await connectSocket(host, port, timeoutMs, (p, h) =>
    createConnection({ port: p, host: h, onread: inlet.onread }),
  );
  return { socket, inlet };
}

/** The part of an accepted socket that {@link adoptAccepted} moves to a new socket. */
interface TcpHandle {
  useUserBuffer(buf: Uint8Array): void;
  readStop(): number;
}

function handleOf(socket: Socket): TcpHandle | undefined {
  const handle: unknown = (socket as unknown as { _handle?: unknown })._handle;
  if (typeof handle !== "object" || handle === null) return undefined;
  const h = handle as Partial<TcpHandle>;
  return typeof h.useUserBuffer === "function" && typeof h.readStop === "function"
    ? (handle as TcpHandle)
    : undefined;
}

/**
 * A socket a server accepted (with `pauseOnConnect`, so nothing has been read yet), read
 * through an inlet. Node's servers have no `onread` option, so the accepted socket's handle
 * moves to a new socket created with one (Node's own child-process code passes handles the
 * same way). Where that is not possible, the accepted socket itself, resumed.
 *
 * @internal
 */
export function adoptAccepted(accepted: Socket): RawSocket {
  const handle = rawReads.enabled ? handleOf(accepted) : undefined;
  if (handle === undefined || accepted.destroyed) {
    accepted.resume();
    return { socket: accepted, inlet: undefined };
  }
  const inlet = new Inlet();
  handle.readStop();
  // the accepted socket lets go of the handle: destroying it now only settles the server's
  // connection count
  (accepted as unknown as { _handle: unknown })._handle = null;
  accepted.destroy();
  const socket = new Socket({
    handle,
    readable: true,
    writable: true,
    onread: inlet.onread,
  } as ConstructorParameters<typeof Socket>[0]);
  return { socket, inlet };
}
