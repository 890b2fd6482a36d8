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
  /**
   * A packet arrived (not a tick): `buf[start, end)`, starting with its type byte 112. The
   * bytes are only valid during the call.
   */
  onPacket(buf: Uint8Array, start: number, end: number): void;
  /** The connection is gone (called once). */
  onClose(reason: string): void;
}

const PASS_THROUGH = 112;
const INTENSITY = 4;
const TICK = new Uint8Array(4);
const RECEIVE_BUFFER = 64 * 1024;

function readU32(b: Uint8Array, at: number): number {
  return (
    (((b[at] as number) << 24) |
      ((b[at + 1] as number) << 16) |
      ((b[at + 2] as number) << 8) |
      (b[at + 3] as number)) >>>
    0
  );
}

/** @internal */
export class Wire {
  /** Bytes of an incomplete packet, at the start of `rbuf`. */
  private rbuf = new Uint8Array(RECEIVE_BUFFER);
  private held = 0;
  /** How many held bytes the next packet needs before it can be parsed. */
  private awaited = 4;
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
    let end = chunk.length;
    if (this.held > 0) {
      // the start of a packet is waiting: add to it, without copying more than once
      this.hold(chunk, 0);
      buf = this.rbuf;
      end = this.held;
      if (end < this.awaited) return;
    }
    let at = 0;
    while (end - at >= 4) {
      const n = readU32(buf, at);
      if (n > this.opts.maxPacket) {
        this.close(`a packet of ${n} bytes exceeds the limit of ${this.opts.maxPacket}`);
        return;
      }
      if (end - at - 4 < n) break;
      const start = at + 4;
      at = start + n;
      if (n === 0) continue; // tick
      if (buf[start] !== PASS_THROUGH) {
        this.close(`a packet of type ${buf[start]} (only pass-through 112 is negotiated)`);
        return;
      }
      this.opts.onPacket(buf, start, at);
      if (this.closed) return;
    }
    if (buf === this.rbuf) {
      // keep the unread tail at the start of the receive buffer
      this.rbuf.copyWithin(0, at, end);
      this.held = end - at;
    } else {
      this.held = 0;
      if (at < end) this.hold(buf, at);
    }
    this.awaited = this.held >= 4 ? 4 + readU32(this.rbuf, 0) : 4;
    // a large packet's buffer is not kept once it has been handled
    if (this.held === 0 && this.rbuf.length > RECEIVE_BUFFER) {
      this.rbuf = new Uint8Array(RECEIVE_BUFFER);
    }
  }

  /** Appends `chunk[from..]` to the bytes held back. */
  private hold(chunk: Uint8Array, from: number): void {
    const need = this.held + chunk.length - from;
    if (need > this.rbuf.length) {
      // double (amortised linear copying), but not past the packet being read: memory grows
      // with the bytes that arrived, never with what a length field announces
      const whole = this.held >= 4 ? 4 + readU32(this.rbuf, 0) : Number.POSITIVE_INFINITY;
      const next = new Uint8Array(Math.max(need, Math.min(whole, this.rbuf.length * 2)));
      next.set(this.rbuf.subarray(0, this.held));
      this.rbuf = next;
    }
    this.rbuf.set(from === 0 ? chunk : chunk.subarray(from), this.held);
    this.held = need;
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
    // one copy of what this turn wrote (from Node's buffer pool when small); the encoding
    // buffer itself is reused
    const bytes = Buffer.allocUnsafe(this.out.pos);
    bytes.set(this.out.buf.subarray(0, this.out.pos));
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
