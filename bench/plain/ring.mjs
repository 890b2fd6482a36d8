// Ring: N actors in a circle pass one token until it has made N × LAPS hops. Building the
// ring is not timed.
import { actorOf, kill, send, spawn } from "./actor.mjs";
import { rate, report, size } from "./common.mjs";

const N = size(1_000);
const LAPS = size(1_000);

async function ring(n, hops) {
  let done;
  const finished = new Promise((resolve) => {
    done = resolve;
  });
  const forward = (self, k) => {
    if (k === 0) done();
    else send(self.state, k - 1);
  };
  const pids = [];
  for (let i = 0; i < n; i++) pids.push(spawn(forward));
  for (let i = 0; i < n; i++) actorOf(pids[i]).state = pids[(i + 1) % n];
  const r = await rate(hops, () => {
    send(pids[0], hops);
    return finished;
  });
  for (const pid of pids) kill(pid, "normal");
  return r;
}

await ring(N, Math.max(1, (N * LAPS) / 10)); // warm-up
report("ring_hops", await ring(N, N * LAPS), "hops/s");
