/**
 * One established distribution connection on the wire: 4-byte framed packets,
 * pass-through (112) packets, ticks and `net_ticktime`, and writes batched per event-loop
 * turn into one growing buffer.
 *
 * @internal
 * @module
 */
import type { Socket } from "node:net";
import { Pid, Ref } from "@trellis/core";
import { type EncodeOptions, Encoder } from "./etf/encode.js";
import { Writer } from "./etf/writer.js";
import { ALIAS_HEAD, GEN_CALL_HEAD, GenCall, GenReply, REPLY_HEAD } from "./gen-call.js";
import { A } from "./mapping.js";
import type { BusyWait } from "./net/busy-wait.js";
import type { Inlet } from "./net/raw.js";
import { Atom } from "./terms.js";

/** @internal */
export interface WireOptions {
  /** `net_ticktime` in milliseconds. */
  readonly tickTime: number;
  /** Largest packet accepted, in bytes. */
  readonly maxPacket: number;
  readonly encode: EncodeOptions;
  /** The node's busy wait, poked on every read and every turn's write. */
  readonly busyWait: BusyWait;
  /**
   * A packet arrived (not a tick): `buf[start, end)`, starting with its type byte 112. The
   * bytes are only valid during the call.
   */
  onPacket(buf: Uint8Array, start: number, end: number): void;
  /** The connection is gone (called once). */
  onClose(reason: string): void;
}

const PASS_THROUGH = 112;
// control operations written field by field (erl_dist_protocol)
const SEND = 2;
const REG_SEND = 6;
const MONITOR_P = 19;
const DEMONITOR_P = 20;
const ALIAS_SEND = 33;
const SMALL_INTEGER = 97;
const SMALL_TUPLE = 104;
const SMALL_ATOM_UTF8 = 119;
/** The atom `''` (SMALL_ATOM_UTF8, no bytes). */
const EMPTY_ATOM = Uint8Array.of(SMALL_ATOM_UTF8, 0);
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

/** Writes the start of a control tuple `{Op, …}` of `arity` elements. */
function header(w: Writer, arity: number, op: number): void {
  w.ensure(4);
  const b = w.buf;
  const p = w.pos;
  b[p] = SMALL_TUPLE;
  b[p + 1] = arity;
  b[p + 2] = SMALL_INTEGER;
  b[p + 3] = op;
  w.pos = p + 4;
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

  /**
   * Frames `socket`'s reads: its `data` events, or, for a socket read below the stream
   * layer, its `inlet`'s reads. `leftover`: bytes the handshake read past its end.
   */
  constructor(
    private readonly socket: Socket,
    leftover: Uint8Array,
    private readonly opts: WireOptions,
    inlet?: Inlet,
  ) {
    this.enc = new Encoder(this.out, opts.encode);
    socket.setNoDelay(true);
    if (inlet === undefined) socket.on("data", (chunk: Buffer) => this.data(chunk, chunk.length));
    else inlet.drainTo((buf, n) => this.data(buf, n));
    socket.on("error", (err) => this.close(`socket error: ${err.message}`));
    socket.on("close", () => this.close("the peer closed the connection"));
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.floor(opts.tickTime / INTENSITY)));
    this.timer.unref();
    if (leftover.length > 0) queueMicrotask(() => this.data(leftover, leftover.length));
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

  /** `chunk[0, count)` was read; the bytes are only valid during the call. */
  private data(chunk: Uint8Array, count: number): void {
    if (this.closed) return;
    this.readSinceTick = true;
    this.opts.busyWait.poke(true);
    let buf = chunk;
    let end = count;
    if (this.held > 0) {
      // the start of a packet is waiting: add to it, without copying more than once
      this.hold(chunk, 0, count);
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
      if (at < end) this.hold(buf, at, end);
    }
    this.awaited = this.held >= 4 ? 4 + readU32(this.rbuf, 0) : 4;
    // a large packet's buffer is not kept once it has been handled
    if (this.held === 0 && this.rbuf.length > RECEIVE_BUFFER) {
      this.rbuf = new Uint8Array(RECEIVE_BUFFER);
    }
  }

  /** Appends `chunk[from, to)` to the bytes held back. */
  private hold(chunk: Uint8Array, from: number, to: number): void {
    const need = this.held + to - from;
    if (need > this.rbuf.length) {
      // double (amortised linear copying), but not past the packet being read: memory grows
      // with the bytes that arrived, never with what a length field announces
      const whole = this.held >= 4 ? 4 + readU32(this.rbuf, 0) : Number.POSITIVE_INFINITY;
      const next = new Uint8Array(Math.max(need, Math.min(whole, this.rbuf.length * 2)));
      next.set(this.rbuf.subarray(0, this.held));
      this.rbuf = next;
    }
    this.rbuf.set(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to), this.held);
    this.held = need;
  }

  /** Queues one packet: `control` and optionally `message`, each with its version byte. */
  send(control: unknown, hasMessage: boolean, message?: unknown): void {
    if (this.closed) return;
    const w = this.out;
    const start = w.pos;
    try {
      w.ensure(8);
      const b = w.buf;
      const p = w.pos;
      b[p] = b[p + 1] = b[p + 2] = b[p + 3] = 0;
      b[p + 4] = PASS_THROUGH;
      b[p + 5] = 131;
      w.pos = p + 6;
      this.control(control as readonly unknown[]);
      if (hasMessage) {
        w.u8(131);
        if (message instanceof GenCall) this.genCall(message);
        else if (message instanceof GenReply) this.genReply(message);
        else this.enc.term(message);
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

  /**
   * A control tuple: the common ones field by field (a header of constant bytes, then the
   * pids, atoms and references straight to the encoder), any other one as a term.
   */
  private control(c: readonly unknown[]): void {
    const enc = this.enc;
    const w = this.out;
    const op = c[0];
    const n = c.length;
    switch (op) {
      case MONITOR_P:
      case DEMONITOR_P: {
        const from = c[1];
        const to = c[2];
        const ref = c[3];
        if (n !== 4 || !(from instanceof Pid) || !(ref instanceof Ref)) break;
        if (to instanceof Atom) {
          header(w, 4, op);
          enc.pid(from);
          enc.atom(to.name);
        } else if (to instanceof Pid) {
          header(w, 4, op);
          enc.pid(from);
          enc.pid(to);
        } else break;
        enc.ref(ref);
        return;
      }
      case REG_SEND: {
        const from = c[1];
        const name = c[3];
        if (n !== 4 || !(from instanceof Pid) || c[2] !== A.empty || !(name instanceof Atom)) {
          break;
        }
        header(w, 4, op);
        enc.pid(from);
        w.bytes(EMPTY_ATOM);
        enc.atom(name.name);
        return;
      }
      case SEND: {
        const to = c[2];
        if (n !== 3 || c[1] !== A.empty || !(to instanceof Pid)) break;
        header(w, 3, op);
        w.bytes(EMPTY_ATOM);
        enc.pid(to);
        return;
      }
      case ALIAS_SEND: {
        const from = c[1];
        const alias = c[2];
        if (n !== 3 || !(from instanceof Pid) || !(alias instanceof Ref)) break;
        header(w, 3, op);
        enc.pid(from);
        enc.ref(alias);
        return;
      }
    }
    enc.term(c);
  }

  /** `{'$gen_call', {Caller, [alias | Ref]}, Request}`, without building it. */
  private genCall(m: GenCall): void {
    const enc = this.enc;
    const w = this.out;
    w.bytes(GEN_CALL_HEAD);
    enc.pid(m.caller);
    w.bytes(ALIAS_HEAD);
    enc.ref(m.ref);
    enc.term(m.request);
  }

  /** `{[alias | Ref], Value}`, without building it. */
  private genReply(m: GenReply): void {
    this.out.bytes(REPLY_HEAD);
    this.enc.ref(m.ref);
    this.enc.term(m.value);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const w = this.out;
    const n = w.pos;
    if (this.closed || n === 0) return;
    w.pos = 0;
    // what this turn wrote, without a copy; a write the kernel took at once (the usual case)
    // leaves the buffer free for the next turn, one still pending keeps it
    this.socket.write(Buffer.from(w.buf.buffer, w.buf.byteOffset, n));
    if (this.socket.writableLength > 0) w.replace();
    this.opts.busyWait.poke(false);
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
