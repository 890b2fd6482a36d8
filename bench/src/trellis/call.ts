// 1M sequential GenServer.call from one client process to the counter server.
import { createRuntime } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { rate, report, size, warm } from "./common.js";
import { Counter } from "./server.js";

const N = size(1_000_000);
const rt = createRuntime();

async function calls(n: number): Promise<number> {
  return rt.run(async () => {
    const counter = await GenServer.start(Counter, 0);
    const r = await rate(n, async () => {
      for (let i = 0; i < n; i++) await GenServer.call(counter, "inc");
    });
    const count = await GenServer.call(counter, "get");
    if (count !== n) throw new Error(`expected ${n} calls, the server counted ${count}`);
    await GenServer.stop(counter);
    return r;
  });
}

await calls(warm(N));
report("call", await calls(N), "calls/s");
await rt.shutdown();
