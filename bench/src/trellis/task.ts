// Task: 100k Task.async (each returns its argument at once), then Task.await of each, in
// order, from one process. Warm-up at 1/10 size. The beam/task.exs workload. Also
// `task_stream`: Task.asyncStream over 100k inputs (each task returns its input) with
// maxConcurrency 8, consumed in order; and `promise_all`, a plain-JS reference: 100k
// trivial async functions awaited with Promise.all, no processes at all.
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

async function stream(n: number): Promise<number> {
  return rt.run(() =>
    rate(n, async () => {
      let acc = 0;
      for await (const r of Task.asyncStream(inputs(n), (i: number) => i, { maxConcurrency: 8 })) {
        if (r.type !== "ok") throw new Error(`task exited: ${String(r.reason)}`);
        acc += r.value;
      }
      const expected = (n * (n + 1)) / 2;
      if (acc !== expected) throw new Error(`stream: got ${acc}, expected ${expected}`);
    }),
  );
}

function* inputs(n: number): Generator<number> {
  for (let i = 1; i <= n; i++) yield i;
}

async function promiseAll(n: number): Promise<number> {
  return rate(n, async () => {
    const ps: Promise<number>[] = [];
    for (let i = 1; i <= n; i++) ps.push((async () => i)());
    const values = await Promise.all(ps);
    let acc = 0;
    for (const v of values) acc += v;
    const expected = (n * (n + 1)) / 2;
    if (acc !== expected) throw new Error(`Promise.all: got ${acc}, expected ${expected}`);
  });
}

await measure(warm(N));
report("task_async_await", await measure(N), "tasks/s");
await stream(warm(N));
report("task_stream", await stream(N), "tasks/s");
await promiseAll(warm(N));
report("promise_all", await promiseAll(N), "tasks/s");
await rt.shutdown();
