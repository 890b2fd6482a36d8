import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decoder } from "../src/etf/decode.js";
import {
  atom,
  Bits,
  DecodeError,
  decode,
  Export,
  encode,
  Float,
  ImproperList,
  internPid,
  internRef,
  list,
} from "../src/index.js";
import { same, termArb } from "./support/terms.js";

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe("encode", () => {
  it("writes the forms term_to_binary(T, [{minor_version, 2}]) writes", () => {
    expect(encode([atom("ok"), 1])).toEqual(bytes(131, 104, 2, 119, 2, 111, 107, 97, 1));
    expect(encode(256)).toEqual(bytes(131, 98, 0, 0, 1, 0));
    expect(encode(-1)).toEqual(bytes(131, 98, 255, 255, 255, 255));
    expect(encode(2 ** 31)).toEqual(bytes(131, 110, 4, 0, 0, 0, 0, 128));
    expect(encode(-(2n ** 64n))).toEqual(bytes(131, 110, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1));
    expect(encode(1.5)).toEqual(bytes(131, 70, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0));
    expect(encode(new Float(3))).toEqual(bytes(131, 70, 0x40, 8, 0, 0, 0, 0, 0, 0));
    expect(encode("bin")).toEqual(bytes(131, 109, 0, 0, 0, 3, 98, 105, 110));
    expect(encode(list())).toEqual(bytes(131, 106));
    expect(encode(list(1, 2, 3))).toEqual(bytes(131, 107, 0, 3, 1, 2, 3));
    expect(encode(list(10n, 0))).toEqual(bytes(131, 107, 0, 2, 10, 0)); // as Erlang: a byte list is a STRING_EXT
    expect(encode(new ImproperList([atom("a")], atom("b")))).toEqual(
      bytes(131, 108, 0, 0, 0, 1, 119, 1, 97, 119, 1, 98),
    );
    expect(encode(true)).toEqual(bytes(131, 119, 4, 116, 114, 117, 101));
    expect(encode(null)).toEqual(bytes(131, 119, 3, 110, 105, 108));
    expect(encode(new Bits(bytes(0b10100000), 3))).toEqual(bytes(131, 77, 0, 0, 0, 1, 3, 0xa0));
  });

  it("uses ATOM_UTF8 when an atom needs more than 255 bytes, and LARGE_BIG for huge integers", () => {
    const long = "😀".repeat(255);
    const out = encode(atom(long));
    expect(out.subarray(0, 4)).toEqual(bytes(131, 118, 0x03, 0xfc));
    expect(decode(out)).toBe(atom(long));
    const huge = 1n << 2100n;
    const big = encode(huge);
    expect(big[1]).toBe(111);
    expect(decode(big)).toBe(huge);
  });

  it("rejects values without an Erlang form with a BadArgumentError", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, () => 1, Symbol("s"), new Date(0)]) {
      expect(() => encode(bad as never)).toThrow(/encode/);
    }
    expect(() => encode(atom("x".repeat(256)))).toThrow(/255 characters/);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(() => encode(cyclic as never)).toThrow(/nested too deeply/);
  });

  it("maps other values through the `other` option", () => {
    const out = encode([new Date(0)] as never, {
      other: (v) => (v instanceof Date ? v.getTime() : null),
    });
    expect(decode(out)).toEqual([0]);
  });
});

describe("decode", () => {
  it("decodes every tag of the format", () => {
    // Latin-1 atoms, old FLOAT_EXT, STRING_EXT, export, compressed: as term_to_binary/1 makes them
    expect(decode(bytes(131, 100, 0, 2, 111, 107))).toBe(atom("ok"));
    expect(decode(bytes(131, 115, 1, 0xe9))).toBe(atom("é"));
    const flt = new TextEncoder().encode("1.50000000000000000000e+00");
    expect(decode(bytes(131, 99, ...flt, 0, 0, 0, 0, 0))).toBe(1.5);
    expect(decode(bytes(131, 107, 0, 2, 104, 105))).toEqual(list(104, 105));
    const exp = decode(bytes(131, 113, 100, 0, 5, 108, 105, 115, 116, 115, 100, 0, 1, 102, 97, 2));
    expect(exp).toEqual(new Export(atom("lists"), atom("f"), 2));
    expect(decode(bytes(131, 88, 119, 3, 97, 64, 98, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 1))).toBe(
      internPid("a@b", 7, 0, 1),
    );
    expect(decode(bytes(131, 90, 0, 1, 119, 3, 97, 64, 98, 0, 0, 0, 1, 0, 0, 0, 9))).toBe(
      internRef("a@b", 1, [9]),
    );
    expect(decode(bytes(131, 109, 0, 0, 0, 2, 0xff, 0))).toEqual(bytes(0xff, 0));
    expect(decode(bytes(131, 109, 0, 0, 0, 2, 104, 105), { binaries: "bytes" })).toEqual(
      bytes(104, 105),
    );
    expect(decode(bytes(131, 70, 0x40, 8, 0, 0, 0, 0, 0, 0), { exactFloats: true })).toEqual(
      new Float(3),
    );
  });

  it("turns binary-keyed maps into plain objects and other maps into Map", () => {
    const obj = decode(encode({ a: 1, b: [atom("x")] }));
    expect(Object.getPrototypeOf(obj)).toBe(null);
    expect({ ...(obj as object) }).toEqual({ a: 1, b: [atom("x")] });
    const m = decode(encode(new Map<never, never>([[atom("k") as never, 2 as never]])));
    expect(m).toBeInstanceOf(Map);
    expect((m as Map<unknown, unknown>).get(atom("k"))).toBe(2);
  });

  it("rejects bad input with a DecodeError at the right offset", () => {
    const cases: [number[], RegExp][] = [
      [[], /end of input/],
      [[130, 97, 1], /version byte/],
      [[131, 200], /unknown tag 200/],
      [[131, 97], /end of input/],
      [[131, 97, 1, 0], /1 bytes after the term/],
      [[131, 108, 255, 255, 255, 255], /runs past the end/],
      [[131, 109, 255, 255, 255, 255, 1], /needs 4294967295 more bytes/],
      [[131, 116, 0, 0, 0, 2, 97, 1], /runs past the end/],
      [[131, 119, 2, 0xc3, 0x28], /not valid UTF-8/],
      [[131, 82, 1], /atom cache/],
      [[131, 90, 0, 9, 119, 1, 97, 0, 0, 0, 1], /9 words/],
      [[131, 77, 0, 0, 0, 1, 9, 0], /9 bits/],
      [[131, 80, 255, 255, 255, 255, 1], /exceeds the limit/],
      [[131, 80, 0, 0, 0, 5, 1, 2, 3], /not valid zlib/],
      [[131, 70, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0], /not finite/],
    ];
    for (const [input, message] of cases) {
      let caught: unknown;
      try {
        decode(Uint8Array.from(input));
      } catch (err) {
        caught = err;
      }
      expect(caught, `input ${input.join(",")}`).toBeInstanceOf(DecodeError);
      expect((caught as DecodeError).message).toMatch(message);
      expect((caught as DecodeError).code).toBe("badarg");
    }
  });

  it("decodes atoms, pids and references to the right objects past its caches", () => {
    // far more distinct atoms, pids and references than the caches have slots, twice
    // over, with names that differ in one byte
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2000; i++) {
        const name = `atom_${i}`;
        expect(decode(encode(atom(name)))).toBe(atom(name));
        const node = `n${i % 7}@h`;
        const pid = decode(encode(internPid(node, i, i % 3, 1 + (i % 5))));
        expect(pid).toBe(internPid(node, i, i % 3, 1 + (i % 5)));
        expect(pid).toMatchObject({ node, id: i, serial: i % 3, creation: 1 + (i % 5) });
        const ref = decode(encode(internRef(node, 2, [i, i >> 3, 7])));
        expect(ref).toBe(internRef(node, 2, [i, i >> 3, 7]));
        expect(ref).toMatchObject({ node, creation: 2, words: [i, i >> 3, 7] });
      }
    }
    // an atom that failed (invalid UTF-8) is not remembered as valid
    expect(() => decode(bytes(131, 119, 2, 0xc3, 0x28))).toThrow(DecodeError);
    expect(() => decode(bytes(131, 119, 2, 0xc3, 0x28))).toThrow(/not valid UTF-8/);
    expect(decode(bytes(131, 119, 4, 116, 114, 117, 101))).toBe(true);
    expect(decode(bytes(131, 119, 2, 0xc3, 0xa9))).toBe(atom("é"));
  });

  it("reads a term inside a larger buffer without looking past the end it is given", () => {
    const whole = encode([atom("ok"), "hello", 300]);
    const buf = new Uint8Array(whole.length + 10);
    buf.set(whole, 5);
    const d = new Decoder(buf, 5, {}, 5 + whole.length);
    expect(d.versioned()).toEqual([atom("ok"), "hello", 300]);
    expect(d.pos).toBe(5 + whole.length);
    // cut one byte short: the bytes after the end (which would complete it) are not read
    for (let cut = 1; cut < whole.length; cut++) {
      buf.set(whole, 5);
      d.reset(buf, 5, 5 + whole.length - cut);
      expect(() => d.versioned()).toThrow(DecodeError);
    }
  });

  it("bounds nesting instead of overflowing the stack", () => {
    const deep = new Uint8Array(2 + 2 * 100_000);
    deep[0] = 131;
    for (let i = 0; i < 100_000; i++) {
      deep[1 + 2 * i] = 104;
      deep[2 + 2 * i] = 1;
    }
    deep[deep.length - 1] = 106;
    expect(() => decode(deep)).toThrow(DecodeError);
    expect(() => decode(deep)).toThrow(/nesting deeper than 1000/);
  });
});

describe("properties", () => {
  it("decode(encode(t)) is t, and re-encoding gives the same bytes", () => {
    fc.assert(
      fc.property(termArb, (t) => {
        const once = encode(t);
        const back = decode(once, { exactFloats: true });
        expect(same(back, t)).toBe(true);
        expect(encode(back)).toEqual(once);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 400) },
    );
  }, 120_000);

  it("any bytes decode to a term or fail with a DecodeError (fuzz)", () => {
    const check = (input: Uint8Array): void => {
      try {
        decode(input);
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => check(Uint8Array.from([131, ...b]))),
      { numRuns: 3000 },
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), check), { numRuns: 1000 });
    // mutations of valid encodings reach deep into the decoder
    fc.assert(
      fc.property(
        termArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(),
        (t, flips, cut) => {
          const b = encode(t).slice();
          for (const [i, v] of flips) b[i % b.length] = v;
          check(b);
          check(b.subarray(0, cut % (b.length + 1)));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
