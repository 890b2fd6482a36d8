// Ring: N actors in a circle pass one token until it has made N × LAPS hops. Building the
// ring is not timed. `ring_hops` is the ring of handler-style actors; `ring_receive_hops` the
// same ring of async functions looping on `await receive(self)`, the shape of Trellis's
// `ring_hops` (each hop resumes a suspended async function), without a runtime around it.
import { actorOf, kill, receive, send, spawn, spawnReceiver } from "./actor.mjs";
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

async function receiveRing(n, hops) {
  let done;
  const finished = new Promise((resolve) => {
    done = resolve;
  });
  const next = new Map();
  const body = async (self) => {
    for (;;) {
      const k = await receive(self);
      if (k === 0) {
        done();
        return;
      }
      send(next.get(self.pid), k - 1);
    }
  };
  const pids = [];
  for (let i = 0; i < n; i++) pids.push(spawnReceiver(body));
  for (let i = 0; i < n; i++) next.set(pids[i], pids[(i + 1) % n]);
  const r = await rate(hops, () => {
    send(pids[0], hops);
    return finished;
  });
  for (const pid of pids) kill(pid, "normal");
  return r;
}

await ring(N, Math.max(1, (N * LAPS) / 10)); // warm-up
report("ring_hops", await ring(N, N * LAPS), "hops/s");
await receiveRing(N, Math.max(1, (N * LAPS) / 10)); // warm-up
report("ring_receive_hops", await receiveRing(N, N * LAPS), "hops/s");
