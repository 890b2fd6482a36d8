// The example of packages/task/README.md, run by test/readme.test.ts and, from the packed
// tarballs, by CI in a fresh npm project.
// #region readme
import { createRuntime } from "@trellis/core";
import * as Task from "@trellis/task";

// Stand-ins for real I/O:
const fetchUser = async (id: number) => ({ id, name: "ann" });
const fetchOrders = async (id: number) => [{ user: id, total: 12 }];
const fetchText = async (url: string) => `<html>${url}</html>`;
const riskyCall = async () => "done";

const runtime = createRuntime();
await runtime.run(async () => {
  const a = Task.async(() => fetchUser(1));
  const b = Task.async(() => fetchOrders(1));
  const [user, orders] = await Task.awaitMany([a, b], 2000);
  console.log(user.name, orders.length); // ann 1

  const urls = ["a.example", "b.example"];
  for await (const r of Task.asyncStream(urls, (url) => fetchText(url), { maxConcurrency: 8 })) {
    if (r.type === "ok") console.log(r.value.length); // 22, then 22
  }

  const sup = await Task.Supervisor.startLink({ maxChildren: 100 });
  const task = await Task.Supervisor.asyncNolink(sup, () => riskyCall());
  const result = (await Task.yield(task, 1000)) ?? (await Task.shutdown(task));
  console.log(result); // { type: 'ok', value: 'done' }
});
await runtime.shutdown();
// #endregion readme
