// Ring: N processes in a circle pass one token until it has made N × LAPS hops. Each process
// first receives the pid of its successor; building the ring is not timed.
import { createRuntime, exit, type Pid, receive, self, send, spawn } from "@trellis/core";
import { rate, report, size, warm } from "./common.js";

const N = size(1_000);
const LAPS = size(1_000);
const rt = createRuntime();

function member(main: Pid): () => Promise<void> {
  return async () => {
    const next = await receive<Pid>();
    for (;;) {
      const k = await receive<number>();
      if (k === 0) send(main, "done");
      else send(next, k - 1);
    }
  };
}

async function ring(n: number, hops: number): Promise<number> {
  return rt.run(async () => {
    const pids: Pid[] = [];
    const body = member(self());
    for (let i = 0; i < n; i++) pids.push(spawn(body));
    for (let i = 0; i < n; i++) send(pids[i]!, pids[(i + 1) % n]!);
    const r = await rate(hops, async () => {
      send(pids[0]!, hops);
      await receive((m) => m === "done");
    });
    for (const pid of pids) exit(pid, "kill");
    return r;
  });
}

await ring(N, warm(N * LAPS));
report("ring_hops", await ring(N, N * LAPS), "hops/s");
