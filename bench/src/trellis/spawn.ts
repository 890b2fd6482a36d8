// spawn + exit: a parent process spawns N children with spawnMonitor; each returns at once;
// the parent then receives the N DOWN messages.
import { createRuntime, isDown, receive, spawnMonitor } from "@trellis/core";
import { rate, report, size, warm } from "./common.js";

const N = size(100_000);
const rt = createRuntime();

const child = (): void => {};

async function spawnExit(n: number): Promise<void> {
  await rt.run(async () => {
    for (let i = 0; i < n; i++) spawnMonitor(child);
    for (let i = 0; i < n; i++) {
      const msg = await receive();
      if (!isDown(msg)) throw new Error(`expected a DOWN message, got ${String(msg)}`);
    }
  });
}

await spawnExit(warm(N));
report("spawn_exit", await rate(N, () => spawnExit(N)), "procs/s");
