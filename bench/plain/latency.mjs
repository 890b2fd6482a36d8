// Event-loop latency under load: PROCS actors in pairs bounce one message each back and forth
// without pause while the main program measures how long a 1 ms setTimeout really takes.
// Prints the p50, p99 and max of up to SAMPLES timers (sampling stops after MAX_MS), and the message rate of the load meanwhile.
import { actorOf, kill, send, spawn } from "./actor.mjs";
import { quantile, report, size, sleep, tick } from "./common.mjs";

const PROCS = size(10_000);
const SAMPLES = 1_000;
const MAX_MS = 5_000; // stop sampling after this long (but take at least MIN_SAMPLES)
const MIN_SAMPLES = 100;

async function latency(procs, samples) {
  let running = true;
  let hops = 0;
  const bounce = (self, msg) => {
    if (!running) return;
    hops++;
    send(self.state, msg);
  };
  const pids = [];
  for (let i = 0; i + 1 < procs; i += 2) {
    const a = spawn(bounce);
    const b = spawn(bounce);
    actorOf(a).state = b;
    actorOf(b).state = a;
    pids.push(a, b);
  }
  for (let i = 0; i < pids.length; i += 2) send(pids[i], "ball");
  await tick();
  const all = new Float64Array(samples);
  const h0 = hops;
  const t0 = performance.now();
  let taken = 0;
  while (taken < samples && (taken < MIN_SAMPLES || performance.now() - t0 < MAX_MS)) {
    const t = performance.now();
    await sleep(1);
    all[taken++] = performance.now() - t;
  }
  const waits = all.subarray(0, taken);
  const load = (hops - h0) / ((performance.now() - t0) / 1000);
  running = false;
  for (const pid of pids) kill(pid, "normal");
  waits.sort();
  return { p50: quantile(waits, 0.5), p99: quantile(waits, 0.99), max: waits[taken - 1], load };
}

await latency(Math.max(2, PROCS / 10), MIN_SAMPLES); // warm-up
const r = await latency(PROCS, SAMPLES);
report("latency_p50", r.p50, "ms");
report("latency_p99", r.p99, "ms");
report("latency_max", r.max, "ms");
report("latency_load", r.load, "msgs/s");
