// gen_event: one manager with 10 handlers (each counts events); 100k GenEvent.notify, the last
// one a syncNotify that returns once every handler has seen every event. The rate is
// notifications per second (each reaches all 10 handlers). Also with 1 and 100 handlers, and
// syncNotify round trips (100k, 10 handlers): the BEAM program measures the same.
import { createRuntime } from "@trellis/core";
import * as GenEvent from "@trellis/gen-event";
import { rate, report, size, warm } from "./common.js";

const { ok, reply } = GenEvent.Result;

const Tally = GenEvent.defineHandler(
  {
    init: (n: number) => ok(n),
    handleEvent: (_event: "ping", n) => ok(n + 1),
    handleCall: (_request: "count", n) => reply(n, n),
  },
  { name: "Tally" },
);

const N = size(100_000);
const SYNC = size(100_000);
const rt = createRuntime();

/** `n` events to a manager with `handlers` handlers: `n - 1` notifies and one syncNotify, or `n` syncNotifies. */
async function measure(n: number, handlers: number, sync: boolean): Promise<number> {
  return rt.run(async () => {
    const manager = await GenEvent.start<"ping">();
    for (let i = 1; i <= handlers; i++)
      await GenEvent.addHandler(manager, { handler: Tally, id: i }, 0);
    const r = await rate(n, async () => {
      if (sync) {
        for (let i = 0; i < n; i++) await GenEvent.syncNotify(manager, "ping");
      } else {
        for (let i = 0; i < n - 1; i++) GenEvent.notify(manager, "ping");
        await GenEvent.syncNotify(manager, "ping");
      }
    });
    const count = await GenEvent.call(manager, { handler: Tally, id: handlers }, "count");
    if (count !== n) throw new Error(`expected ${n} events, the last handler counted ${count}`);
    await GenEvent.stop(manager);
    return r;
  });
}

for (const [name, n, handlers, sync] of [
  ["event_notify", N, 10, false],
  ["event_notify_1", N, 1, false],
  ["event_notify_100", size(10_000), 100, false],
  ["event_sync_notify", SYNC, 10, true],
] as const) {
  await measure(warm(n), handlers, sync);
  report(name, await measure(n, handlers, sync), "events/s");
}
await rt.shutdown();
