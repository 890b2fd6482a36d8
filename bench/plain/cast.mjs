// 1M casts to one server, then one call that returns once all of them were handled.
import { call, cast, kill } from "./actor.mjs";
import { rate, report, size } from "./common.mjs";
import { startCounter } from "./server.mjs";

const N = size(1_000_000);

async function casts(n) {
  const server = startCounter();
  const r = await rate(n, async () => {
    for (let i = 0; i < n; i++) cast(server, "inc");
    const total = await call(server, "get");
    if (total !== n) throw new Error(`expected ${n}, got ${total}`);
  });
  kill(server, "normal");
  return r;
}

await casts(Math.max(1, N / 10)); // warm-up
report("cast", await casts(N), "casts/s");
