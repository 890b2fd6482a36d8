/**
 * Reads exact byte counts from a socket with a deadline: what the EPMD client and the
 * handshake need (the connection itself parses frames as data arrives).
 *
 * @module
 */
import type { Socket } from "node:net";
import type { Inlet } from "./raw.js";

/** @internal Why a read failed: the peer closed, the deadline passed, or a socket error. */
export class ReadError extends Error {}

/** @internal */
export class SocketReader {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly onData = (chunk: Uint8Array): void => {
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.wake?.();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake?.();
  };
  private readonly onError = (err: Error): void => {
    this.error = err;
    this.wake?.();
  };

  /**
   * Reads `socket`'s `data` events, or, when the socket reads through `inlet`, the inlet's
   * reads (copied: its buffer is reused).
   */
  constructor(
    readonly socket: Socket,
    inlet?: Inlet,
  ) {
    if (inlet === undefined) socket.on("data", this.onData);
    else {
      for (const early of inlet.drainTo((buf, n) => this.onData(buf.slice(0, n)))) {
        this.onData(early);
      }
    }
    socket.on("end", this.onEnd);
    socket.on("close", this.onEnd);
    socket.on("error", this.onError);
  }

  /**
   * Stops listening and returns the bytes read but not consumed (an inlet's reads go on to
   * this reader until its next owner drains it).
   */
  detach(): Uint8Array {
    this.socket.off("data", this.onData);
    this.socket.off("end", this.onEnd);
    this.socket.off("close", this.onEnd);
    this.socket.off("error", this.onError);
    return this.take(this.size);
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const c = this.chunks[0] as Uint8Array;
      const k = Math.min(c.length, n - at);
      out.set(c.subarray(0, k), at);
      at += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.size -= n;
    return out;
  }

  /** Exactly `n` bytes, before `deadline` (a `Date.now()` time). */
  async read(n: number, deadline: number): Promise<Uint8Array> {
    while (this.size < n) {
      if (this.error !== undefined) throw new ReadError(`socket error: ${this.error.message}`);
      if (this.ended) throw new ReadError("the peer closed the connection");
      const left = deadline - Date.now();
      if (left <= 0) throw new ReadError("timed out");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          this.wake = undefined;
          resolve();
        };
      });
    }
    return this.take(n);
  }

  /** Everything until the peer closes (at most `limit` bytes), before `deadline`. */
  async readAll(limit: number, deadline: number): Promise<Uint8Array> {
    while (!this.ended) {
      if (this.error !== undefined) throw new ReadError(`socket error: ${this.error.message}`);
      if (this.size > limit) throw new ReadError(`more than ${limit} bytes`);
      const left = deadline - Date.now();
      if (left <= 0) throw new ReadError("timed out");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          this.wake = undefined;
          resolve();
        };
      });
    }
    return this.take(Math.min(this.size, limit));
  }

  /** A message with a 2- or 4-byte length prefix, at most `max` bytes. */
  async packet(lengthBytes: 2 | 4, max: number, deadline: number): Promise<Uint8Array> {
    const len = await this.read(lengthBytes, deadline);
    let n = 0;
    for (const b of len) n = n * 256 + b;
    if (n > max) throw new ReadError(`a message of ${n} bytes (at most ${max} expected)`);
    return this.read(n, deadline);
  }
}

/** @internal Connects to `host:port` within `timeoutMs`. */
export async function connectSocket(
  host: string,
  port: number,
  timeoutMs: number,
  connect: (port: number, host: string) => Socket,
): Promise<Socket> {
  const socket = connect(port, host);
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      socket.destroy();
      reject(new ReadError(`could not connect to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(t);
      resolve();
    });
    socket.once("error", (err) => {
      clearTimeout(t);
      socket.destroy();
      reject(new ReadError(`could not connect to ${host}:${port}: ${err.message}`));
    });
  });
  return socket;
}
