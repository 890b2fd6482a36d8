// Ring: N processes in a circle pass one token until it has made N × LAPS hops. Each process
// first receives the pid of its successor; building the ring is not timed.
//
// Two ways to write the members: `ring_hops` uses async functions that loop on
// `await receive()`; `ring_hops_handler` uses setMessageHandler, where the scheduler calls
// the handler once per message (the fast path every behaviour runs on).
import {
  createRuntime,
  exit,
  type Pid,
  receive,
  self,
  send,
  setMessageHandler,
  spawn,
} from "@trellis/core";
import { rate, report, size, warm } from "./common.js";

const N = size(1_000);
const LAPS = size(1_000);
const rt = createRuntime();

/** A member written as an async function receiving in a loop. */
function member(main: Pid): () => Promise<void> {
  return async () => {
    const next = await receive<Pid>();
    for (;;) {
      const k = await receive<number>();
      if (k === 0) send(main, "done");
      else send(next, k - 1);
    }
  };
}

/** A member written as a message handler: the first message is its successor. */
function handlerMember(main: Pid): () => void {
  return () => {
    let next: Pid | undefined;
    setMessageHandler((m) => {
      if (next === undefined) next = m as Pid;
      else if (m === 0) send(main, "done");
      else send(next, (m as number) - 1);
    });
  };
}

async function ring(n: number, hops: number, kind: (main: Pid) => () => unknown): Promise<number> {
  return rt.run(async () => {
    const pids: Pid[] = [];
    const body = kind(self());
    for (let i = 0; i < n; i++) pids.push(spawn(body));
    for (let i = 0; i < n; i++) send(pids[i]!, pids[(i + 1) % n]!);
    const r = await rate(hops, async () => {
      send(pids[0]!, hops);
      await receive((m) => m === "done");
    });
    for (const pid of pids) exit(pid, "kill");
    return r;
  });
}

await ring(N, warm(N * LAPS), member);
report("ring_hops", await ring(N, N * LAPS, member), "hops/s");
await ring(N, warm(N * LAPS), handlerMember);
report("ring_hops_handler", await ring(N, N * LAPS, handlerMember), "hops/s");
