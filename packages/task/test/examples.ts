// Examples pulled into the documentation ({@includeCode}); examples.test.ts runs them.
import { sleep } from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";
import * as Task from "@trellis/task";

/** Stands in for a slow call to another service. */
async function fetchPrice(item: string): Promise<number> {
  await sleep(item.length * 10);
  return item.length * 100;
}

// #region basic
/** Asks for three prices at once and adds them up: three tasks, awaited together. */
export async function total(items: string[]): Promise<number> {
  const tasks = items.map((item) => Task.async(() => fetchPrice(item)));
  const prices = await Task.awaitMany(tasks, 1000); // in the order of `items`
  return prices.reduce((a, b) => a + b, 0);
}
// #endregion basic

// #region yield
/** The price, or `undefined` if the service takes more than `ms`: the task is stopped. */
export async function priceWithin(item: string, ms: number): Promise<number | undefined> {
  const task = Task.async(() => fetchPrice(item));
  const result = (await Task.yield(task, ms)) ?? (await Task.shutdown(task));
  return result?.type === "ok" ? result.value : undefined;
}
// #endregion yield

// #region stream
/** Prices for many items, at most 4 requests at a time, each given 200 ms. */
export async function priceList(items: Iterable<string>): Promise<number[]> {
  const prices: number[] = [];
  const stream = Task.asyncStream(items, fetchPrice, {
    maxConcurrency: 4,
    timeout: 200,
    onTimeout: "kill_task", // a slow item gives an exit element instead of failing all
    zipInputOnExit: true,
  });
  for await (const r of stream) {
    if (r.type === "ok") prices.push(r.value);
    else console.warn(`no price for ${r.input}: ${String(r.reason)}`);
  }
  return prices;
}
// #endregion stream

// #region supervised
/** An application with a Task.Supervisor named "jobs" in its supervision tree. */
export async function startApp(): Promise<Supervisor.ChildSpec[]> {
  const children = [Task.Supervisor.childSpec({ name: "jobs", maxChildren: 1000 })];
  await Supervisor.startLink(children, { strategy: "one_for_one" });
  return children;
}

/** Work that may fail, without taking the caller down: failures come back as results. */
export async function tryPrice(item: string): Promise<number | Error> {
  const task = await Task.Supervisor.asyncNolink("jobs", async () => {
    if (item === "") throw new Error("no item");
    return fetchPrice(item);
  });
  const result = await Task.yield(task, 1000);
  if (result === null) {
    await Task.shutdown(task);
    return new Error("timed out");
  }
  return result.type === "ok" ? result.value : (result.reason as Error);
}
// #endregion supervised
