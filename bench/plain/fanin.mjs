// Fan-in: 100 clients (async functions) each make 10k sequential calls to one server.
import { call, kill } from "./actor.mjs";
import { rate, report, size } from "./common.mjs";
import { startCounter } from "./server.mjs";

const CLIENTS = 100;
const CALLS = size(10_000);

async function client(server, calls) {
  for (let i = 0; i < calls; i++) await call(server, "inc");
}

async function fanin(calls) {
  const server = startCounter();
  const r = await rate(CLIENTS * calls, () => {
    const clients = [];
    for (let c = 0; c < CLIENTS; c++) clients.push(client(server, calls));
    return Promise.all(clients);
  });
  kill(server, "normal");
  return r;
}

await fanin(Math.max(1, CALLS / 10)); // warm-up
report("fanin", await fanin(CALLS), "calls/s");
