// 1M sequential calls from one client (an async function) to one server actor.
import { call, kill } from "./actor.mjs";
import { rate, report, size } from "./common.mjs";
import { startCounter } from "./server.mjs";

const N = size(1_000_000);

async function calls(n) {
  const server = startCounter();
  const r = await rate(n, async () => {
    for (let i = 0; i < n; i++) await call(server, "inc");
  });
  kill(server, "normal");
  return r;
}

await calls(Math.max(1, N / 10)); // warm-up
report("call", await calls(N), "calls/s");
