// Fan-in: CLIENTS client processes each make PER_CLIENT sequential GenServer.call to one
// counter server; timed until every client has reported that it is done.
import { createRuntime, receive, self, send, spawn } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { rate, report, size, warm } from "./common.js";
import { Counter } from "./server.js";

const CLIENTS = 100;
const PER_CLIENT = size(10_000);
const rt = createRuntime();

async function fanin(perClient: number): Promise<number> {
  return rt.run(async () => {
    const counter = await GenServer.start(Counter, 0);
    const main = self();
    const r = await rate(CLIENTS * perClient, async () => {
      for (let c = 0; c < CLIENTS; c++) {
        spawn(async () => {
          for (let i = 0; i < perClient; i++) await GenServer.call(counter, "inc");
          send(main, "done");
        });
      }
      for (let c = 0; c < CLIENTS; c++) await receive((m) => m === "done");
    });
    const count = await GenServer.call(counter, "get");
    if (count !== CLIENTS * perClient)
      throw new Error(`expected ${CLIENTS * perClient} calls, the server counted ${count}`);
    await GenServer.stop(counter);
    return r;
  });
}

await fanin(warm(PER_CLIENT));
report("fanin", await fanin(PER_CLIENT), "calls/s");
await rt.shutdown();
