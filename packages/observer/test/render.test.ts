// Rendering values for the page: cycles, depth, size cap, values that refuse to be read.
import { createRuntime } from "@trellis/core";
import { describe, expect, it } from "vitest";
import { render } from "../src/internal/render.js";

describe("render", () => {
  it("prints cycles as [Circular] and shared (non-cyclic) references in full", () => {
    const shared = { n: 1 };
    const o: Record<string, unknown> = { a: shared, b: shared };
    o.me = o;
    const r = render(o);
    expect(r.truncated).toBe(false);
    expect(r.text).toContain("me: [Circular]");
    expect(r.text.match(/n: 1/g)).toHaveLength(2);
  });

  it("cuts at the cap and says so", () => {
    const r = render(
      { big: "x".repeat(5000), list: Array.from({ length: 2000 }, (_, i) => i) },
      300,
    );
    expect(r.truncated).toBe(true);
    expect(r.text.length).toBeLessThan(340);
    expect(r.text).toMatch(/cut at 300 characters\)$/);
  });

  it("reads Maps, Sets, bigints, symbols, pids, errors, and survives a throwing getter", () => {
    const rt = createRuntime();
    const pid = rt.spawn(() => {});
    const hostile = {
      get boom(): never {
        throw new Error("no");
      },
    };
    const r = render({
      m: new Map([["k", 1n]]),
      s: new Set([Symbol("x")]),
      pid,
      err: new TypeError("bad"),
      hostile,
      deep: [[[[[[[[[[1]]]]]]]]]],
    });
    expect(r.text).toContain('"k": 1n');
    expect(r.text).toContain("Symbol(x)");
    expect(r.text).toContain(String(pid));
    expect(r.text).toContain("TypeError: bad");
    expect(r.text).toContain('boom: "<unreadable>"');
    expect(r.text).toContain("…");
  });

  it("renders a revoked proxy as <unreadable> instead of throwing", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(render({ p: proxy }).text).toContain("<unreadable>");
  });
});
