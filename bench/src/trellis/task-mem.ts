// Bytes per task: 100k Task.async (each returns at once), measured after they have all
// run (their replies and DOWNs queued) and before the owner awaits them; and while they
// are still queued to run. A diagnostic for the task_async_await workload's GC.
import { createRuntime, sleep } from "@trellis/core";
import * as Task from "@trellis/task";
import { report, size, usedMemory } from "./common.js";

const N = size(100_000);
const rt = createRuntime();

await rt.run(async () => {
  for (let round = 0; round < 2; round++) {
    const before = usedMemory();
    const tasks: Task.Task<number>[] = new Array(N);
    for (let i = 0; i < N; i++) tasks[i] = Task.async(() => i);
    const queued = usedMemory();
    // let every task run and exit (their replies and DOWNs are queued for this process)
    await sleep(50);
    const done = usedMemory();
    let acc = 0;
    for (const t of tasks) acc += await Task.await(t);
    if (round === 1) {
      report("task_queued_memory", (queued - before) / N, "B");
      report("task_done_memory", (done - before) / N, "B");
    }
    if (acc < 0) throw new Error("unreachable");
  }
});
await rt.shutdown();
