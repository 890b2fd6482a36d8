// Helpers shared by the worker-node tests.
import { createRuntime, type LogReport, type Runtime, receive, TIMEOUT } from "@trellis/core";
import { afterEach } from "vitest";

/** The fixture module, as a URL (worker nodes load it by URL). */
export const NODES: URL = new URL("./fixtures/nodes.ts", import.meta.url);

const runtimes: Runtime[] = [];

/** A main runtime for one test; shut down (with its worker nodes) after the test. */
export function mainRuntime(logs: LogReport[] = []): Runtime {
  const rt = createRuntime({ node: "main@localhost", logger: { log: (r) => void logs.push(r) } });
  runtimes.push(rt);
  return rt;
}

afterEach(async () => {
  for (const rt of runtimes.splice(0)) await stopAll(rt);
});

/** Stops every worker node started from `rt` and shuts it down. */
async function stopAll(rt: Runtime): Promise<void> {
  const { stopWorkerNode } = await import("../src/worker-node.js");
  const controllers = rt.processes().filter((p) => rt.processInfo(p)?.behaviour === "WorkerNode");
  await rt.run(() => Promise.all(controllers.map((pid) => stopWorkerNode({ node: "", pid }))));
  await rt.shutdown();
}

/** Receives a message matching `match` within `ms` (default 10 s), or throws. */
export async function expectReceive<T>(match: (m: unknown) => m is T, ms = 10_000): Promise<T> {
  const m = await receive(match, { timeout: ms });
  if (m === TIMEOUT) throw new Error(`no matching message within ${ms} ms`);
  return m as T;
}

/** A matcher for objects that have key `key`. */
export function has(key: string): (m: unknown) => m is Record<string, unknown> {
  return (m: unknown): m is Record<string, unknown> =>
    typeof m === "object" && m !== null && key in m;
}

/** Waits (at most `ms`, default 10 s) until `logs` holds a report matching `match`. */
export async function expectLog(
  logs: readonly LogReport[],
  match: (r: LogReport) => boolean,
  ms = 10_000,
): Promise<LogReport> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = logs.find(match);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no matching report within ${ms} ms`);
    await receive(() => false, { timeout: 20 });
  }
}
