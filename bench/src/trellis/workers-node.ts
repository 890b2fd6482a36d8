// What the worker-node benchmark (workers.ts) runs on its worker nodes, by name.
import { createHash } from "node:crypto";
import { type Pid, receive, send } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";

/** Answers every call with its request. */
export const Echo: GenServer.Definition<
  undefined,
  GenServer.Result.OkResult<null>,
  GenServer.Request<number, number>,
  never
> = GenServer.define({
  init: () => GenServer.Result.ok(null),
  handleCall: (n: GenServer.Request<number, number>, _from, s) => GenServer.Result.reply(n, s),
});

/** Counts casts; a call "count" answers how many. */
export const Sink: GenServer.Definition<
  undefined,
  GenServer.Result.OkResult<number>,
  GenServer.Request<"count", number>,
  "hit"
> = GenServer.define({
  init: () => GenServer.Result.ok(0),
  handleCall: (_r: GenServer.Request<"count", number>, _from, n) => GenServer.Result.reply(n, n),
  handleCast: (_r: "hit", n) => GenServer.Result.noreply(n + 1),
});

/** SHA-256 applied `rounds` times: the CPU-bound request. */
export function hashRounds(data: string, rounds: number): string {
  let h = data;
  for (let i = 0; i < rounds; i++) h = createHash("sha256").update(h).digest("hex");
  return h;
}

/** Serves hashing requests. */
export const Hasher: GenServer.Definition<
  undefined,
  GenServer.Result.OkResult<null>,
  GenServer.Request<{ data: string; rounds: number }, string>,
  never
> = GenServer.define({
  init: () => GenServer.Result.ok(null),
  handleCall: (r: GenServer.Request<{ data: string; rounds: number }, string>, _from, s) =>
    GenServer.Result.reply(hashRounds(r.data, r.rounds), s),
});

/** A ring member: gets its successor first, then passes a counter on until it reaches 0. */
export async function ringMember(main: Pid): Promise<void> {
  const next = (await receive()) as Pid;
  // Acknowledge: the first lap must not overtake a successor's own setup message (it may
  // travel worker to worker while the setup comes from the main thread).
  send(main, "ready");
  for (;;) {
    const n = (await receive()) as number;
    if (n === 0) send(main, "done");
    else send(next, n - 1);
  }
}
