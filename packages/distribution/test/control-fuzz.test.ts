// Hostile control messages from an authenticated peer: every packet is either applied or
// rejected with a DecodeError or a ProtocolError (which closes the connection); nothing
// else is thrown, and the runtime keeps working.
import { createRuntime, type LogReport, type Signal } from "@trellis/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Wire } from "../src/connection.js";
import { PeerLink, ProtocolError, type SystemNames } from "../src/control.js";
import { encode } from "../src/etf/encode.js";
import { GenCall, GenReply } from "../src/gen-call.js";
import { atom, DecodeError, type ErlTerm, internPid, internRef, list } from "../src/index.js";
import { NodeCodec } from "../src/mapping.js";
import { RuntimePort } from "../src/runtime-port.js";
import { termArb } from "./support/terms.js";

describe("control messages from a hostile peer", () => {
  it("are applied or rejected with a typed error, never anything else", async () => {
    // signals that name a sender off the peer are dropped by core, with a warning each
    const logs: LogReport[] = [];
    const rt = createRuntime({
      node: "me@127.0.0.1",
      clock: "virtual",
      logger: { log: (r) => void logs.push(r) },
    });
    const wire = { send: () => {}, close: () => {} } as unknown as Wire;
    // signals from the peer enter through the inbound end that `Runtime.connect` hands out
    const port = new RuntimePort(rt);
    port.attach("peer@127.0.0.1", { deliver: (_s: Signal) => {} });
    const codec = new NodeCodec(rt.node, rt.creation);
    const system: SystemNames = {
      handles: (n) => n === "net_kernel",
      message: () => {},
      spawn: () => atom("notsup"),
    };
    const link = new PeerLink("peer@127.0.0.1", port, wire, codec.decodeOptions, system);
    const local = rt.spawn(() => new Promise(() => {}));
    rt.register("target", local);
    // make our pid known to the codec, as if it had been sent to the peer
    encode(local, codec.encodeOptions);
    const remote = internPid("peer@127.0.0.1", 5, 0, 1);
    const ref = internRef("peer@127.0.0.1", 1, [1, 2, 3]);
    const element = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom<ErlTerm>(
          local,
          remote,
          ref,
          atom("target"),
          atom("net_kernel"),
          atom(""),
          0,
          list(),
        ),
      },
      { weight: 1, arbitrary: termArb },
    );
    const control = fc
      .tuple(
        fc.constantFrom(
          1,
          2,
          3,
          4,
          6,
          7,
          8,
          12,
          13,
          16,
          18,
          19,
          20,
          21,
          22,
          23,
          29,
          31,
          33,
          34,
          35,
          36,
          99,
        ),
        fc.array(element, { maxLength: 6 }),
      )
      .map(([op, rest]) => [op, ...rest] as ErlTerm);
    fc.assert(
      fc.property(control, fc.option(element, { nil: undefined }), (c, m) => {
        const body =
          m === undefined
            ? [encode(c, codec.encodeOptions)]
            : [encode(c, codec.encodeOptions), encode(m, codec.encodeOptions)];
        const packet = new Uint8Array(1 + body.reduce((n, b) => n + b.length, 0));
        packet[0] = 112;
        let at = 1;
        for (const b of body) {
          packet.set(b, at);
          at += b.length;
        }
        try {
          link.packet(packet);
        } catch (err) {
          if (!(err instanceof ProtocolError) && !(err instanceof DecodeError)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
    // the runtime still works (the peer may legitimately have killed `target` with an exit
    // signal): a new process gets its message
    const got: unknown[] = [];
    const fresh = rt.spawn(async () => {
      const { receive } = await import("@trellis/core");
      got.push(await receive());
    });
    encode(fresh, codec.encodeOptions);
    const ctrl = encode([2, atom(""), fresh], codec.encodeOptions);
    const msg = encode("still alive");
    link.packet(Uint8Array.from([112, ...ctrl, ...msg]));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(got).toEqual(["still alive"]);
    for (const r of logs) {
      expect(r.kind).toBe("warning");
      expect(r.message).toMatch(/^dropped a signal from peer@127\.0\.0\.1: /);
    }
    await rt.shutdown();
  });

  it("a call and a reply, read field by field, damaged at any byte: applied or a typed error", async () => {
    const logs: LogReport[] = [];
    const rt = createRuntime({
      node: "me@127.0.0.1",
      clock: "virtual",
      logger: { log: (r) => void logs.push(r) },
    });
    const sent: unknown[] = [];
    const wire = { send: (c: unknown) => void sent.push(c), close: () => {} } as unknown as Wire;
    const port = new RuntimePort(rt);
    port.attach("peer@127.0.0.1", { deliver: (_s: Signal) => {} });
    const codec = new NodeCodec(rt.node, rt.creation);
    const system: SystemNames = {
      handles: () => false,
      message: () => {},
      spawn: () => atom("notsup"),
    };
    const link = new PeerLink("peer@127.0.0.1", port, wire, codec.decodeOptions, system);
    const got: unknown[] = [];
    const { receive } = await import("@trellis/core");
    const server = rt.spawn(async () => {
      for (;;) got.push(await receive());
    });
    rt.register("server", server);
    encode(server, codec.encodeOptions);
    const remote = internPid("peer@127.0.0.1", 5, 0, 1);
    const ref = internRef("peer@127.0.0.1", 1, [1, 2, 3]);
    const packetOf = (control: ErlTerm, message: unknown): Uint8Array => {
      const c = encode(control, codec.encodeOptions);
      const m = encode(message as ErlTerm, codec.encodeOptions);
      return Uint8Array.from([112, ...c, ...m]);
    };
    const call = packetOf(
      [6, remote, atom(""), atom("server")],
      new GenCall(remote, ref, [1, "x"]),
    );
    const reply = packetOf([33, remote, ref], new GenReply(ref, list(1, 2)));
    // intact, a call reaches the server as core's call request
    link.packet(call);
    await new Promise((resolve) => setImmediate(resolve));
    expect(got.length).toBe(1);
    expect((got[0] as { request: unknown }).request).toEqual([1, "x"]);
    const damaged = fc.tuple(
      fc.constantFrom(call, reply),
      fc.nat(),
      fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 255 })),
    );
    fc.assert(
      fc.property(damaged, ([packet, at, byte]) => {
        const i = 1 + (at % (packet.length - 1));
        // -1: cut at i; else the byte at i replaced
        const bytes = byte === -1 ? packet.slice(0, i) : Uint8Array.from(packet);
        if (byte !== -1) bytes[i] = byte;
        try {
          link.packet(bytes);
        } catch (err) {
          if (!(err instanceof ProtocolError) && !(err instanceof DecodeError)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
    await rt.shutdown();
  });
});
