// Task: 100k Task.async (each returns its argument at once), then Task.await of each, in
// order, from one process. Warm-up at 1/10 size. The beam/task.exs workload.
import { createRuntime } from "@trellis/core";
import * as Task from "@trellis/task";
import { rate, report, size, warm } from "./common.js";

const N = size(100_000);
const rt = createRuntime();

async function run(n: number): Promise<number> {
  const tasks: Task.Task<number>[] = [];
  for (let i = 1; i <= n; i++) tasks.push(Task.async(() => i));
  let acc = 0;
  for (const t of tasks) acc += await Task.await(t);
  return acc;
}

function measure(n: number): Promise<number> {
  return rt.run(() =>
    rate(n, async () => {
      const expected = (n * (n + 1)) / 2;
      const got = await run(n);
      if (got !== expected) throw new Error(`got ${got}, expected ${expected}`);
    }),
  );
}

await measure(warm(N));
report("task_async_await", await measure(N), "tasks/s");
await rt.shutdown();
