// The codec against real Erlang: term_to_binary / binary_to_term in an `erl` process.
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decode, type ErlTerm, encode, Fun, ImproperList, List } from "../src/index.js";
import { compileErlang, fromHex, LinePeer, toHex } from "./support/erl.js";
import { same, termArb } from "./support/terms.js";

const source = fileURLToPath(new URL("./erl/etf_peer.erl", import.meta.url));
let build: { dir: string; remove(): void };
let peer: LinePeer;

beforeAll(() => {
  build = compileErlang(source);
  peer = new LinePeer("erl", ["-noshell", "-pa", build.dir, "-s", "etf_peer", "main"]);
}, 30_000);

afterAll(async () => {
  peer?.send("Q");
  await peer?.stop();
  build?.remove();
});

describe("ETF against erl (OTP term_to_binary / binary_to_term)", () => {
  it("decodes every sample Erlang makes, in every form, and Erlang reads our re-encoding as =:=", async () => {
    peer.send("S");
    const pending: [string, ErlTerm][] = [];
    for (;;) {
      const line = await peer.line();
      if (line === "END") break;
      const [index, ...forms] = line.split(" ");
      const terms = forms.map((h) => decode(fromHex(h), { exactFloats: true }));
      for (const t of terms.slice(1)) expect(same(t, terms[0]), `sample ${index}`).toBe(true);
      pending.push([index as string, terms[0]]);
    }
    expect(pending.length).toBeGreaterThan(50);
    for (const [index, t] of pending) {
      const answer = await peer.request(`K ${index} ${toHex(encode(t))}`);
      expect(answer, `sample ${index}`).toBe("true");
    }
    expect(pending.some(([, t]) => t instanceof Fun)).toBe(true);
  }, 30_000);

  it("Erlang decodes random terms we encode, and encodes them back to the same bytes", async () => {
    const samples = fc.sample(termArb, { numRuns: 300, seed: 20 });
    let exact = 0;
    for (const t of samples) {
      const ours = encode(t);
      const theirs = await peer.request(`R ${toHex(ours)}`);
      expect(theirs, `term ${toHex(ours)}`).not.toMatch(/^ERROR/);
      const back = decode(fromHex(theirs), { exactFloats: true });
      expect(same(back, t), `term ${toHex(ours)}`).toBe(true);
      // byte for byte, except map order (Erlang sorts map keys)
      if (!hasMap(t)) {
        expect(theirs).toBe(toHex(ours));
        exact++;
      }
    }
    expect(exact).toBeGreaterThan(100);
  }, 60_000);
});

function hasMap(t: unknown): boolean {
  if (t instanceof Map) return true;
  if (Array.isArray(t)) return t.some(hasMap);
  if (t instanceof List || t instanceof ImproperList)
    return t.items.some(hasMap) || (t instanceof ImproperList && hasMap(t.tail));
  if (typeof t === "object" && t !== null) {
    const proto: unknown = Object.getPrototypeOf(t);
    return proto === Object.prototype || proto === null;
  }
  return false;
}
