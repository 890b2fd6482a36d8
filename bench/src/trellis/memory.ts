// Memory per idle process: N processes each waiting for a message; (heap delta after GC) / N.
// The pid array is allocated before the first measurement. Then every process is killed
// with exit(pid, "kill").
//
// `idle_process_memory`: each process is an async function suspended in `await receive()`
// (its promise chain and async frame are part of the cost). `idle_handler_memory`: each
// process has installed a message handler with setMessageHandler and returned, so nothing
// is suspended: the shape of every behaviour (GenServer, Supervisor, …) when idle.
import { createRuntime, exit, type Pid, receive, setMessageHandler } from "@trellis/core";
import { report, size, tick, usedMemory, warm } from "./common.js";

const N = size(100_000);
const rt = createRuntime();

let waiting = 0;
const idle = async (): Promise<void> => {
  waiting++;
  await receive();
};
const idleHandler = (): void => {
  waiting++;
  setMessageHandler(() => {});
};

async function perProcess(n: number, body: () => unknown): Promise<number> {
  const pids = new Array<Pid | undefined>(n).fill(undefined);
  waiting = 0;
  await tick();
  const before = usedMemory();
  for (let i = 0; i < n; i++) pids[i] = rt.spawn(body);
  while (waiting < n) await tick();
  const after = usedMemory();
  for (const pid of pids) if (pid !== undefined) exit(pid, "kill");
  await tick();
  return (after - before) / n;
}

await perProcess(warm(N), idle);
report("idle_process_memory", await perProcess(N, idle), "B");
await perProcess(warm(N), idleHandler);
report("idle_handler_memory", await perProcess(N, idleHandler), "B");
