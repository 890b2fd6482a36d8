/**
 * One established distribution connection on the wire: 4-byte framed packets,
 * pass-through (112) packets, ticks and `net_ticktime`, and writes batched per event-loop
 * turn into one growing buffer.
 *
 * @internal
 * @module
 */
import type { Socket } from "node:net";
import { type EncodeOptions, Encoder } from "./etf/encode.js";
import { Writer } from "./etf/writer.js";

/** @internal */
export interface WireOptions {
  /** `net_ticktime` in milliseconds. */
  readonly tickTime: number;
  /** Largest packet accepted, in bytes. */
  readonly maxPacket: number;
  readonly encode: EncodeOptions;
  /** A packet arrived (not a tick); `packet` is only valid during the call. */
  onPacket(packet: Uint8Array): void;
  /** The connection is gone (called once). */
  onClose(reason: string): void;
}

const PASS_THROUGH = 112;
const INTENSITY = 4;
const TICK = new Uint8Array(4);

/** @internal */
export class Wire {
  private pending: Uint8Array | undefined;
  private out = new Writer(4096);
  private readonly enc: Encoder;
  private scheduled = false;
  private wroteSinceTick = false;
  private readSinceTick = false;
  private silentTicks = 0;
  private readonly timer: NodeJS.Timeout;
  closed = false;

  constructor(
    private readonly socket: Socket,
    leftover: Uint8Array,
    private readonly opts: WireOptions,
  ) {
    this.enc = new Encoder(this.out, opts.encode);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.data(chunk));
    socket.on("error", (err) => this.close(`socket error: ${err.message}`));
    socket.on("close", () => this.close("the peer closed the connection"));
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.floor(opts.tickTime / INTENSITY)));
    this.timer.unref();
    if (leftover.length > 0) queueMicrotask(() => this.data(leftover));
  }

  private tick(): void {
    if (this.closed) return;
    if (this.readSinceTick) this.silentTicks = 0;
    else if (++this.silentTicks >= INTENSITY) {
      this.close(`no data from the peer for ${this.opts.tickTime} ms (net_ticktime)`);
      return;
    }
    this.readSinceTick = false;
    if (!this.wroteSinceTick) this.socket.write(TICK);
    this.wroteSinceTick = false;
  }

  private data(chunk: Uint8Array): void {
    if (this.closed) return;
    this.readSinceTick = true;
    let buf = chunk;
    if (this.pending !== undefined) {
      const joined = new Uint8Array(this.pending.length + chunk.length);
      joined.set(this.pending);
      joined.set(chunk, this.pending.length);
      buf = joined;
      this.pending = undefined;
    }
    let at = 0;
    while (buf.length - at >= 4) {
      const n =
        (((buf[at] as number) << 24) |
          ((buf[at + 1] as number) << 16) |
          ((buf[at + 2] as number) << 8) |
          (buf[at + 3] as number)) >>>
        0;
      if (n > this.opts.maxPacket) {
        this.close(`a packet of ${n} bytes exceeds the limit of ${this.opts.maxPacket}`);
        return;
      }
      if (buf.length - at - 4 < n) break;
      const packet = buf.subarray(at + 4, at + 4 + n);
      at += 4 + n;
      if (n === 0) continue; // tick
      if (packet[0] !== PASS_THROUGH) {
        this.close(`a packet of type ${packet[0]} (only pass-through 112 is negotiated)`);
        return;
      }
      this.opts.onPacket(packet);
      if (this.closed) return;
    }
    if (at < buf.length) this.pending = buf.slice(at);
  }

  /** Queues one packet: `control` and optionally `message`, each with its version byte. */
  send(control: unknown, hasMessage: boolean, message?: unknown): void {
    if (this.closed) return;
    const w = this.out;
    const start = w.pos;
    try {
      w.u32(0);
      w.u8(PASS_THROUGH);
      w.u8(131);
      this.enc.term(control);
      if (hasMessage) {
        w.u8(131);
        this.enc.term(message);
      }
    } catch (err) {
      w.pos = start;
      throw err;
    }
    w.setU32(start, w.pos - start - 4);
    this.wroteSinceTick = true;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.closed || this.out.pos === 0) return;
    // one copy of what this turn wrote; the buffer itself is reused
    const bytes = this.out.buf.slice(0, this.out.pos);
    this.out.pos = 0;
    this.socket.write(bytes);
  };

  close(reason: string): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    clearInterval(this.timer);
    // let queued packets (exit signals, replies) leave, then make sure the socket goes
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.opts.onClose(reason);
  }
}
