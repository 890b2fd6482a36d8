// The framing of an established connection, over a fake socket: packets split across reads
// at any byte, many packets in one read, big packets in many reads, ticks, and writes batched
// into one socket write per event-loop turn.
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { Pid, Ref } from "@trellis/core";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { Wire } from "../src/connection.js";
import { GenCall, GenReply } from "../src/gen-call.js";
import {
  atom,
  decodeAt,
  type ErlTerm,
  encode,
  ImproperList,
  internPid,
  internRef,
  list,
} from "../src/index.js";
import type { BusyWait } from "../src/net/busy-wait.js";
import { Inlet } from "../src/net/raw.js";

/** Counts the wire's pokes of its node's busy wait. */
class CountingBusyWait {
  pokes = 0;
  reads = 0;
  poke(read: boolean): void {
    this.pokes++;
    if (read) this.reads++;
  }
}

/** The parts of a socket the wire uses; `written` keeps every write. */
class FakeSocket extends EventEmitter {
  readonly written: Uint8Array[] = [];
  ended = false;
  /** Bytes not yet taken by the kernel: then a write keeps (not copies) its buffer. */
  writableLength = 0;
  setNoDelay(): this {
    return this;
  }
  write(bytes: Uint8Array): boolean {
    this.written.push(this.writableLength > 0 ? bytes : Uint8Array.from(bytes));
    return true;
  }
  end(): this {
    this.ended = true;
    return this;
  }
  destroy(): this {
    return this;
  }
}

const wires: Wire[] = [];
afterEach(() => {
  for (const w of wires.splice(0)) w.close("test over");
});

function open(maxPacket = 1 << 20): {
  socket: FakeSocket;
  wire: Wire;
  packets: number[][];
  closed: string[];
  busy: CountingBusyWait;
} {
  const socket = new FakeSocket();
  const busy = new CountingBusyWait();
  const packets: number[][] = [];
  const closed: string[] = [];
  const wire = new Wire(socket as unknown as Socket, new Uint8Array(0), {
    tickTime: 60_000,
    maxPacket,
    encode: {},
    busyWait: busy as unknown as BusyWait,
    onPacket: (buf, start, end) => packets.push(Array.from(buf.subarray(start, end))),
    onClose: (reason) => closed.push(reason),
  });
  wires.push(wire);
  return { socket, wire, packets, closed, busy };
}

/** A framed packet: 4-byte length, then 112 and `body`. */
function frame(body: number[]): number[] {
  const n = body.length + 1;
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff, 112, ...body];
}

const packetArb = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 300 });

describe("Wire (reading)", () => {
  it("hands over the same packets however the bytes are split into reads", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(packetArb, fc.constant(null)), { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 20 }),
        (items, cuts) => {
          // null is a tick (an empty packet), which is not handed over
          const bytes = items.flatMap((b) => (b === null ? [0, 0, 0, 0] : frame(b)));
          const { socket, packets, closed } = open();
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const n = cuts[i % cuts.length] as number;
            socket.emit("data", Buffer.from(bytes.slice(at, at + n)));
            at += n;
          }
          expect(closed).toEqual([]);
          expect(packets).toEqual(
            items.filter((b) => b !== null).map((b) => [112, ...(b as number[])]),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reads through an inlet's one buffer, which every read overwrites, the same packets", () => {
    fc.assert(
      fc.property(
        fc.array(packetArb, { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 20 }),
        (items, cuts) => {
          const bytes = items.flatMap((b) => frame(b));
          const socket = new FakeSocket();
          const inlet = new Inlet();
          const packets: number[][] = [];
          const wire = new Wire(
            socket as unknown as Socket,
            new Uint8Array(0),
            {
              tickTime: 60_000,
              maxPacket: 1 << 20,
              encode: {},
              busyWait: new CountingBusyWait() as unknown as BusyWait,
              onPacket: (buf, start, end) => packets.push(Array.from(buf.subarray(start, end))),
              onClose: () => {},
            },
            inlet,
          );
          wires.push(wire);
          const { buffer, callback } = inlet.onread as {
            buffer: Uint8Array;
            callback: (n: number, buf: Uint8Array) => boolean;
          };
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const n = Math.min(cuts[i % cuts.length] as number, bytes.length - at);
            buffer.set(bytes.slice(at, at + n));
            expect(callback(n, buffer)).toBe(true);
            // the next read overwrites the buffer: nothing may still point into it
            buffer.fill(0xee);
            at += n;
          }
          expect(packets).toEqual(items.map((b) => [112, ...b]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("takes a big packet in many small reads, then goes on with small ones", () => {
    const big = Array.from({ length: 300_000 }, (_, i) => i & 0xff);
    const bytes = [...frame(big), ...frame([1, 2, 3])];
    const { socket, packets } = open();
    for (let at = 0; at < bytes.length; at += 1000) {
      socket.emit("data", Buffer.from(bytes.slice(at, at + 1000)));
    }
    expect(packets.length).toBe(2);
    expect(packets[0]?.length).toBe(big.length + 1);
    expect(packets[0]?.slice(1)).toEqual(big);
    expect(packets[1]).toEqual([112, 1, 2, 3]);
  });

  it("closes on a packet over the limit before reading it, and on a packet of another type", () => {
    const over = open(100);
    over.socket.emit("data", Buffer.from([0, 0, 0, 101]));
    expect(over.closed).toEqual(["a packet of 101 bytes exceeds the limit of 100"]);
    const other = open();
    other.socket.emit("data", Buffer.from([0, 0, 0, 2, 113, 0]));
    expect(other.closed).toEqual(["a packet of type 113 (only pass-through 112 is negotiated)"]);
    expect(other.packets).toEqual([]);
  });
});

describe("Wire (writing)", () => {
  it("writes every packet queued in one event-loop turn with one socket write", async () => {
    const { socket, wire } = open();
    wire.send([2, atom(""), atom("a")], true, "one");
    wire.send([2, atom(""), atom("b")], true, "two");
    await Promise.resolve(); // not in a microtask: the whole turn is batched
    wire.send([19, atom("c")], false);
    expect(socket.written).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.written.length).toBe(1);
    const out = socket.written[0] as Uint8Array;
    const terms: unknown[] = [];
    let at = 0;
    while (at < out.length) {
      const n = ((out[at] as number) << 24) | ((out[at + 1] as number) << 16);
      const len = n | ((out[at + 2] as number) << 8) | (out[at + 3] as number);
      const packet = out.subarray(at + 4, at + 4 + len);
      expect(packet[0]).toBe(112);
      // the control message and the message, each with its version byte
      let p = 1;
      while (p < packet.length) {
        const { term, end } = decodeAt(packet, p);
        terms.push(term);
        p = end;
      }
      at += 4 + len;
    }
    expect(terms).toEqual([
      [2, atom(""), atom("a")],
      "one",
      [2, atom(""), atom("b")],
      "two",
      [19, atom("c")],
    ]);
    // the buffer is reused: the next turn's write does not repeat the first
    wire.send([19, atom("d")], false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.written.length).toBe(2);
    expect(Array.from(socket.written[1] as Uint8Array)).toEqual([
      0, 0, 0, 9, 112, 131, 104, 2, 97, 19, 119, 1, 100,
    ]);
  });

  it("pokes its node's busy wait on every read and on every turn's write, not per packet", async () => {
    const { socket, wire, busy } = open();
    wire.send([19, atom("a")], false);
    wire.send([19, atom("b")], false);
    expect(busy.pokes).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.written.length).toBe(1);
    expect(busy.pokes).toBe(1);
    expect(busy.reads).toBe(0);
    // one read holding two packets, then a read holding half of one
    socket.emit("data", Buffer.from([...frame([1]), ...frame([2])]));
    expect(busy.pokes).toBe(2);
    socket.emit("data", Buffer.from(frame([3, 4]).slice(0, 3)));
    expect(busy.pokes).toBe(3);
    expect(busy.reads).toBe(2);
  });

  it("writes from its buffer without a copy, and leaves a buffer still being written alone", async () => {
    const { socket, wire } = open();
    socket.writableLength = 100; // the kernel has not taken the writes yet
    wire.send([19, atom("a")], false);
    await new Promise((resolve) => setImmediate(resolve));
    wire.send([19, atom("b")], false);
    await new Promise((resolve) => setImmediate(resolve));
    // the first write's bytes were not overwritten by the second turn's encoding
    expect(socket.written.map((b) => decodeAt(b, 5).term)).toEqual([
      [19, atom("a")],
      [19, atom("b")],
    ]);
  });

  it("leaves the buffer as it was when a term cannot be encoded", async () => {
    const { socket, wire } = open();
    wire.send([2, atom(""), atom("a")], true, "ok");
    expect(() => wire.send([2, atom(""), atom("a")], true, () => 1)).toThrow(/encode/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.written.length).toBe(1);
    const out = socket.written[0] as Uint8Array;
    const control = decodeAt(out, 5);
    expect(control.term).toEqual([2, atom(""), atom("a")]);
    expect(decodeAt(out, control.end)).toEqual({ term: "ok", end: out.length });
  });
});

describe("Wire (control messages written field by field)", () => {
  it("writes the common control messages and the call envelope byte for byte as the generic encoder does", async () => {
    const { socket, wire } = open();
    const me = new Pid("a@127.0.0.1", 81, 2, 7);
    const them = internPid("b@127.0.0.1", 90, 0, 3);
    const ref = new Ref("a@127.0.0.1", 2 ** 40 + 5, 7);
    const theirs = internRef("b@127.0.0.1", 3, [1, 2, 3]);
    const name = atom("counter");
    const cases: [unknown[], unknown, ErlTerm | undefined][] = [
      [[19, me, name, ref], undefined, undefined],
      [[19, me, them, theirs], undefined, undefined],
      [[20, me, name, ref], undefined, undefined],
      [[20, me, them, ref], undefined, undefined],
      [
        [6, me, atom(""), name],
        new GenCall(me, ref, [atom("inc"), 1]),
        [atom("$gen_call"), [me, new ImproperList([atom("alias")], ref)], [atom("inc"), 1]],
      ],
      [[6, me, atom(""), name], "hello", "hello"],
      [[2, atom(""), them], list(1, 2), list(1, 2)],
      [
        [33, me, theirs],
        [new ImproperList([atom("alias")], theirs), 5],
        [new ImproperList([atom("alias")], theirs), 5],
      ],
      [
        [33, me, theirs],
        new GenReply(theirs, list(1, 2)),
        [new ImproperList([atom("alias")], theirs), list(1, 2)],
      ],
      // shapes the fast paths do not take go through the generic encoder
      [[19, me, "not an atom", ref], undefined, undefined],
      [[6, me, atom("x"), name], 1, 1],
    ];
    const expected: number[] = [];
    for (const [control, message, term] of cases) {
      wire.send(control, message !== undefined, message);
      const body = [...encode(control as ErlTerm)];
      if (term !== undefined) body.push(...encode(term));
      expected.push(...frame(body));
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.written.length).toBe(1);
    expect(Array.from(socket.written[0] as Uint8Array)).toEqual(expected);
  });
});
