// The load phase survives its own load (issue #16, item 8): a streaming quantile estimate
// instead of sorting every latency, and a load client that outlives connection errors.
import { createServer } from "node:net";
import { expect, test } from "vitest";
import { Client } from "../src/client.js";
import { type LoadStats, loadClient } from "../src/demo.js";
import { LatencyHistogram } from "../src/quantiles.js";

test("the histogram's quantiles are within 2% of the exact ones", () => {
  const h = new LatencyHistogram();
  const values: number[] = [];
  let x = 7;
  for (let i = 0; i < 50_000; i++) {
    x = (x * 48271) % 2147483647; // a fixed pseudo-random sequence
    const v = 0.05 + (x / 2147483647) ** 3 * 2000; // skewed, like latencies
    values.push(v);
    h.record(v);
  }
  values.sort((a, b) => a - b);
  for (const p of [1, 50, 90, 99, 99.9, 100]) {
    const exact = values[Math.max(0, Math.ceil((p / 100) * values.length) - 1)] as number;
    const estimate = h.quantile(p);
    expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(0.02);
  }
  expect(h.count).toBe(50_000);
  expect(new LatencyHistogram().quantile(50)).toBe(0);
});

test("a load client goes on after connection errors instead of rejecting", async () => {
  // A port that resets every connection at once.
  const server = createServer((socket) => socket.resetAndDestroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  try {
    const stats: LoadStats = {
      requests: 0,
      byStatus: new Map(),
      latencies: new LatencyHistogram(),
      faults: 0,
      clientErrors: new Map(),
      created: new Map(),
    };
    const client = new Client(`http://127.0.0.1:${port}`);
    await loadClient(client, stats, performance.now() + 300);
    const errors = [...stats.clientErrors.values()].reduce((a, b) => a + b, 0);
    expect(errors).toBeGreaterThan(1);
    expect(stats.requests).toBe(0);
    expect(client.unanswered.length).toBe(errors);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}, 10_000);
