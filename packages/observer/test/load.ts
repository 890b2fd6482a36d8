// Measures the observer with 100k processes (not a test; run by hand):
//   node --conditions=@trellis/source --import tsx packages/observer/test/load.ts
// The same 10 s window twice, without and with a page's worth of observer traffic (the live
// stream plus a sorted process-table request per second): event-loop delay, GenServer call
// round trips, and the observer's own scan and response times.
import { monitorEventLoopDelay, PerformanceObserver, performance } from "node:perf_hooks";
import { createRuntime, type Pid } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import * as Observer from "@trellis/observer";
import * as Supervisor from "@trellis/supervisor";

const N = Number(process.env.PROCESSES ?? 100_000);
const WINDOW_MS = Number(process.env.WINDOW_MS ?? 10_000);
const { ok, reply } = GenServer.Result;
const Echo = GenServer.define({
  init: () => ok(0),
  handleCall: (_r: GenServer.Request<"ping", number>, _f, n: number) => reply(n, n + 1),
});

const rt = createRuntime({ logger: { log: () => {} } });
const server = await rt.run(async () => {
  const sup = await Supervisor.start([{ ...GenServer.childSpec(Echo, undefined), id: "echo" }], {
    strategy: "one_for_one",
  });
  const [c] = await Supervisor.whichChildren(sup);
  return c?.pid as Pid;
});
for (let i = 0; i < N; i++) rt.spawn(() => new Promise(() => {}));
await new Promise((r) => setTimeout(r, 500));

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

async function window(label: string, traffic?: () => Promise<number[]>): Promise<void> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const gcs: number[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push(e.duration);
  });
  gcObserver.observe({ entryTypes: ["gc"] });
  const rtts: number[] = [];
  const end = performance.now() + WINDOW_MS;
  const calls = rt.run(async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await GenServer.call(server, "ping");
      rtts.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 5));
    }
  });
  const responses = traffic === undefined ? Promise.resolve([]) : traffic();
  await calls;
  const times = await responses;
  h.disable();
  gcObserver.disconnect();
  const f = (x: number) => x.toFixed(2);
  console.log(
    `${label}: event-loop delay p99 ${f(h.percentile(99) / 1e6)} ms, max ${f(h.max / 1e6)} ms; ` +
      `call round trip p50 ${f(pct(rtts, 0.5))} ms, p99 ${f(pct(rtts, 0.99))} ms (${rtts.length} calls)` +
      `; garbage collection ${f(gcs.reduce((a, b) => a + b, 0))} ms in ${gcs.length} pauses, longest ${f(Math.max(0, ...gcs))} ms` +
      (times.length === 0
        ? ""
        : `; /api/processes p50 ${f(pct(times, 0.5))} ms, max ${f(Math.max(...times))} ms (${times.length} requests)`),
  );
}

// Load Node's fetch (undici) now: its first use compiles it, a pause that is the test
// client's, not the observer's.
await (await fetch("data:text/plain,warm")).text();
console.log(`${rt.processes().length} processes`);
await window("observer closed");
const observer = await Observer.start({ runtime: rt, print: false });
const stats: { scanMs: number }[] = [];
await window("observer open", async () => {
  const ctl = new AbortController();
  const sse = await fetch(`${observer.url.replace("/?", "/api/events?")}`, { signal: ctl.signal });
  const reader = (sse.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        for (const line of dec.decode(value).split("\n"))
          if (line.startsWith("data: ")) {
            const ev = JSON.parse(line.slice(6));
            if (ev.type === "stats") stats.push(ev);
          }
      }
    } catch {
      // aborted
    }
  })();
  const times: number[] = [];
  const end = performance.now() + WINDOW_MS;
  while (performance.now() < end) {
    const t0 = performance.now();
    const r = await fetch(
      `http://127.0.0.1:${observer.port}/api/processes?sort=mailbox&dir=desc&limit=100`,
      {
        headers: { "x-observer-token": observer.token },
      },
    );
    await r.json();
    times.push(performance.now() - t0);
    await new Promise((res) => setTimeout(res, 1000));
  }
  ctl.abort();
  return times;
});
console.log(
  `observer process scan: ${stats.map((s) => s.scanMs).join(", ")} ms; live updates received: ${stats.length}`,
);
await observer.stop();
await rt.shutdown();
