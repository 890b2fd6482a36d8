/**
 * A growable byte buffer: the encoder writes every term of a packet into one buffer.
 *
 * @module
 */

const textEncoder = new TextEncoder();
/** Strings up to this length are tried as ASCII first. */
const SHORT_TEXT = 32;

/** @internal A byte buffer that doubles when full. */
export class Writer {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(size = 256) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  /** Writes on into a new buffer of the same size (the old one is handed to someone else). */
  replace(): void {
    this.buf = new Uint8Array(this.buf.length);
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 8;
    b[p + 1] = v;
    this.pos = p + 2;
  }

  u32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  i32(v: number): void {
    this.u32(v >>> 0);
  }

  u64(v: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v);
    this.pos += 8;
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.ensure(n);
    if (n <= 16) {
      // a loop beats set() for the few bytes of an atom
      const buf = this.buf;
      const p = this.pos;
      for (let i = 0; i < n; i++) buf[p + i] = b[i] as number;
    } else this.buf.set(b, this.pos);
    this.pos += n;
  }

  /** Writes `s` as UTF-8 and returns the number of bytes written. */
  utf8(s: string): number {
    const n = s.length;
    this.ensure(n * 3);
    if (n <= SHORT_TEXT) {
      // short ASCII text: byte by byte, without a call into the text encoder
      const b = this.buf;
      const p = this.pos;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        b[p + i] = c;
      }
      if (i === n) {
        this.pos = p + n;
        return n;
      }
    }
    const { written } = textEncoder.encodeInto(s, this.buf.subarray(this.pos));
    this.pos += written;
    return written;
  }

  /** Patches a 32-bit big-endian value at `at`. */
  setU32(at: number, v: number): void {
    const b = this.buf;
    b[at] = v >>> 24;
    b[at + 1] = v >>> 16;
    b[at + 2] = v >>> 8;
    b[at + 3] = v;
  }

  /** Patches a 16-bit big-endian value at `at`. */
  setU16(at: number, v: number): void {
    const b = this.buf;
    b[at] = v >>> 8;
    b[at + 1] = v;
  }

  /** A copy of what was written. */
  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
