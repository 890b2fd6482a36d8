// Memory per idle process: N processes each suspended in `await receive()`; (heap delta after
// GC) / N. The pid array is allocated before the first measurement. Then every process is
// killed with exit(pid, "kill").
import { createRuntime, exit, type Pid, receive } from "@trellis/core";
import { report, size, tick, usedMemory, warm } from "./common.js";

const N = size(100_000);
const rt = createRuntime();

let waiting = 0;
const idle = async (): Promise<void> => {
  waiting++;
  await receive();
};

async function perProcess(n: number): Promise<number> {
  const pids = new Array<Pid | undefined>(n).fill(undefined);
  waiting = 0;
  await tick();
  const before = usedMemory();
  for (let i = 0; i < n; i++) pids[i] = rt.spawn(idle);
  while (waiting < n) await tick();
  const after = usedMemory();
  for (const pid of pids) if (pid !== undefined) exit(pid, "kill");
  await tick();
  return (after - before) / n;
}

await perProcess(warm(N));
report("idle_process_memory", await perProcess(N), "B");
