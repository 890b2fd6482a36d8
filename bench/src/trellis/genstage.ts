// GenStage: producer -> producer-consumer -> consumer, every subscription with maxDemand
// 1000 (minDemand 500). The producer emits integers on demand, the producer-consumer adds
// one, the consumer counts; the rate is events per second through all three stages. Then the
// same pipeline with a slow consumer (a little CPU work per event): the memory the pipeline
// holds while it runs, sampled by the consumer halfway through, must stay bounded by the
// demand, not grow with the producer's speed. The BEAM program (beam/genstage.exs) runs the
// same pipeline as plain processes speaking GenStage's protocol. genstage_slow_held: bytes
// in use halfway minus before the start; genstage_slow_inflight_max: the most events produced
// and not yet consumed (bounded by the three stages' demand, 3 × 1000, however fast the
// producer could go).
import { createRuntime, type Pid, receive, self, send } from "@trellis/core";
import * as GenStage from "@trellis/gen-stage";
import { rate, report, size, usedMemory } from "./common.js";

const { producer, producerConsumer, consumer, noreply } = GenStage.Result;

/** Events produced so far (read by the consumer for the in-flight count). */
let produced = 0;

const Source = GenStage.define({
  init: () => producer(0),
  handleDemand(demand, next) {
    const events = new Array<number>(demand);
    for (let i = 0; i < demand; i++) events[i] = next + i;
    produced = next + demand;
    return noreply(events, next + demand);
  },
});

const AddOne = GenStage.define({
  init: (source: Pid) => producerConsumer(null, { subscribeTo: [{ to: source, maxDemand: 1000 }] }),
  handleEvents(events: number[], _from, s) {
    const out = new Array<number>(events.length);
    for (let i = 0; i < events.length; i++) out[i] = (events[i] as number) + 1;
    return noreply(out, s);
  },
});

interface SinkArg {
  readonly upstream: Pid;
  readonly main: Pid;
  readonly n: number;
  /** Iterations of busy work per event (0: none). */
  readonly work: number;
  /** Bytes in use before the pipeline started (for the slow run's sample). */
  readonly baseline: number;
}

let sink = 0;

/** The slow consumer's work: `work` iterations of integer arithmetic per event. */
function burn(events: number[], work: number, acc: number): number {
  let a = acc;
  for (let k = 0; k < events.length; k++) {
    const e = events[k] as number;
    for (let i = 0; i < work; i++) a = (a + e * i) & 0xfffffff;
  }
  return a;
}

const Sink = GenStage.define({
  init: (arg: SinkArg) =>
    consumer(
      { ...arg, seen: 0, sampled: false, inflight: 0 },
      { subscribeTo: [{ to: arg.upstream, maxDemand: 1000 }] },
    ),
  handleEvents(events: number[], _from, s) {
    if (s.work > 0) sink = burn(events, s.work, sink);
    const seen = s.seen + events.length;
    const inflight = Math.max(s.inflight, produced - seen);
    let sampled = s.sampled;
    if (!sampled && s.baseline > 0 && seen >= s.n / 2) {
      sampled = true;
      send(s.main, { held: usedMemory() - s.baseline });
    }
    if (seen >= s.n) send(s.main, { done: inflight });
    return noreply([], { ...s, seen, sampled, inflight });
  },
});

const rt = createRuntime();

async function pipeline(
  n: number,
  work: number,
  sample: boolean,
): Promise<{ rate: number; held: number; inflight: number }> {
  return rt.run(async () => {
    const main = self();
    const baseline = sample ? usedMemory() : 0;
    let held = 0;
    let inflight = 0;
    produced = 0;
    const r = await rate(n, async () => {
      const source = (await GenStage.start(Source)) as Pid;
      const middle = (await GenStage.start(AddOne, source)) as Pid;
      await GenStage.start(Sink, { upstream: middle, main, n, work, baseline });
      for (;;) {
        const msg = (await receive()) as { held: number } | { done: number };
        if ("done" in msg) {
          inflight = msg.done;
          break;
        }
        held = msg.held;
      }
      await GenStage.stop(source, "shutdown").catch(() => undefined);
    });
    // the consumers follow their producer (permanent subscriptions)
    while (rt.processes().length > 1) await new Promise((resolve) => setImmediate(resolve));
    return { rate: r, held, inflight };
  });
}

const N = size(5_000_000);
// a long warm-up: the rate is that of optimised code, as on the BEAM (compiled ahead)
await pipeline(Math.max(1, Math.floor(N / 2)), 0, false);
report("genstage_events", (await pipeline(N, 0, false)).rate, "events/s");

const SLOW = size(200_000);
const slow = await pipeline(SLOW, 200, true);
report("genstage_slow_held", slow.held / 1024, "KB");
report("genstage_slow_events", slow.rate, "events/s");
report("genstage_slow_inflight_max", slow.inflight, "events");
if (sink === 42) console.log("");
await rt.shutdown();
