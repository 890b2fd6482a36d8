// 1M GenServer.cast to the counter server, then one call that returns once all were handled.
import { createRuntime } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { rate, report, size, warm } from "./common.js";
import { Counter } from "./server.js";

const N = size(1_000_000);
const rt = createRuntime();

async function casts(n: number): Promise<number> {
  return rt.run(async () => {
    const counter = await GenServer.start(Counter, 0);
    const r = await rate(n, async () => {
      for (let i = 0; i < n; i++) GenServer.cast(counter, "inc");
      const count = await GenServer.call(counter, "get", Number.POSITIVE_INFINITY);
      if (count !== n) throw new Error(`expected ${n} casts, the server counted ${count}`);
    });
    await GenServer.stop(counter);
    return r;
  });
}

await casts(warm(N));
report("cast", await casts(N), "casts/s");
await rt.shutdown();
