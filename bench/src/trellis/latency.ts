// Event-loop latency under load: PROCS processes in pairs bounce one message each back and
// forth without pause, while the main program (outside the runtime) measures how long a
// 1 ms setTimeout really takes. Prints the p50, p99 and max of SAMPLES timers, and the
// message rate of the load meanwhile. Sampling stops after MAX_MS (at least MIN_SAMPLES).
//
// Twice: `latency_*` with bouncers written as async functions looping on `await receive()`,
// `latency_*_handler` with bouncers written as message handlers (setMessageHandler).
import { createRuntime, exit, type Pid, receive, send, setMessageHandler } from "@trellis/core";
import { delay, quantile, report, size, tick } from "./common.js";

const PROCS = size(10_000);
const SAMPLES = 1_000;
const MAX_MS = 5_000; // stop sampling after this long (but take at least MIN_SAMPLES)
const MIN_SAMPLES = 100;
const rt = createRuntime();

let running = false;
let hops = 0;

/** A bouncer written as an async function: the first message is its peer. */
const bouncer = async (): Promise<void> => {
  const peer = await receive<Pid>();
  for (;;) {
    const ball = await receive();
    if (!running) return;
    hops++;
    send(peer, ball);
  }
};

/** A bouncer written as a message handler: the first message is its peer. */
const handlerBouncer = (): void => {
  let peer: Pid | undefined;
  setMessageHandler((ball) => {
    if (peer === undefined) {
      peer = ball as Pid;
      return;
    }
    if (!running) return;
    hops++;
    send(peer, ball);
  });
};

async function latency(procs: number, samples: number, body: () => unknown) {
  running = true;
  const pids: Pid[] = [];
  for (let i = 0; i + 1 < procs; i += 2) {
    const a = rt.spawn(body);
    const b = rt.spawn(body);
    send(a, b);
    send(b, a);
    pids.push(a, b);
  }
  for (let i = 0; i < pids.length; i += 2) send(pids[i]!, "ball");
  await tick();
  const all = new Float64Array(samples);
  const h0 = hops;
  const t0 = performance.now();
  let taken = 0;
  while (taken < samples && (taken < MIN_SAMPLES || performance.now() - t0 < MAX_MS)) {
    const t = performance.now();
    await delay(1);
    all[taken++] = performance.now() - t;
  }
  const waits = all.subarray(0, taken);
  const load = (hops - h0) / ((performance.now() - t0) / 1000);
  running = false;
  for (const pid of pids) exit(pid, "kill");
  await tick();
  waits.sort();
  return {
    p50: quantile(waits, 0.5),
    p99: quantile(waits, 0.99),
    max: waits[taken - 1] ?? 0,
    load,
  };
}

for (const [suffix, body] of [
  ["", bouncer],
  ["_handler", handlerBouncer],
] as const) {
  await latency(Math.max(2, PROCS / 10), MIN_SAMPLES, body);
  const r = await latency(PROCS, SAMPLES, body);
  report(`latency_p50${suffix}`, r.p50, "ms");
  report(`latency_p99${suffix}`, r.p99, "ms");
  report(`latency_max${suffix}`, r.max, "ms");
  report(`latency_load${suffix}`, r.load, "msgs/s");
}
