import v8 from "node:v8";
import { createRuntime } from "@trellis/core";
import * as Task from "@trellis/task";
const rt = createRuntime();
await rt.run(async () => {
  const tasks: Task.Task<number>[] = new Array(20000);
  v8.writeHeapSnapshot("/tmp/snap6/a.heapsnapshot");
  for (let i = 0; i < 20000; i++) tasks[i] = Task.async(() => i);
  v8.writeHeapSnapshot("/tmp/snap6/b.heapsnapshot");
  for (const t of tasks) await Task.await(t);
});
await rt.shutdown();
