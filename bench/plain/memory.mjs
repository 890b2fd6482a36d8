// Memory per idle process: N actors waiting for a message, (heap delta after GC) / N.
// `idle_process_memory` is a handler-style actor (no stack of its own, the cheapest shape);
// `idle_receive_memory` is an async function suspended in `await receive(self)`, the shape
// of a process written as straight-line code (as Trellis processes are).
import { kill, receive, spawn, spawnReceiver } from "./actor.mjs";
import { report, size, tick, usedMemory } from "./common.mjs";

const N = size(100_000);
const idle = () => {};
const waitOnce = async (self) => {
  await receive(self);
};

async function perProcess(n, start, stop) {
  const pids = new Array(n).fill(0); // allocated before the first measurement
  await tick();
  const before = usedMemory();
  for (let i = 0; i < n; i++) pids[i] = start();
  await tick();
  const after = usedMemory();
  for (let i = 0; i < n; i++) stop(pids[i]);
  await tick();
  return (after - before) / n;
}

const startActor = () => spawn(idle);
const startReceiver = () => spawnReceiver(waitOnce);

await perProcess(Math.max(1, N / 10), startActor, kill); // warm-up
await perProcess(Math.max(1, N / 10), startReceiver, kill);
report("idle_process_memory", await perProcess(N, startActor, kill), "B");
report("idle_receive_memory", await perProcess(N, startReceiver, kill), "B");
