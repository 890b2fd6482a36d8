// The example of packages/gen-stage/README.md, run by test/readme.test.ts and, from the
// packed tarballs, by CI in a fresh npm project.
// #region readme
import { createRuntime } from "@trellis/core";
import * as GenStage from "@trellis/gen-stage";

const { producer, producerConsumer, noreply } = GenStage.Result;

// A producer: emits 0, 1, 2… but only as many as it is asked for.
const Counter = GenStage.define({
  init: (start: number) => producer(start),
  handleDemand: (demand, n) =>
    noreply(
      Array.from({ length: demand }, (_, i) => n + i),
      n + demand,
    ),
});

// A producer-consumer: asks the counter for at most 10 events at a time, doubles them.
const Doubler = GenStage.define({
  init: (counter: GenStage.Stage<number>) =>
    producerConsumer(null, { subscribeTo: [{ to: counter, maxDemand: 10 }] }),
  handleEvents: (events: number[], _from, state) =>
    noreply(
      events.map((n) => n * 2),
      state,
    ),
});

// Process code runs inside a runtime: run() starts a process for the function.
const runtime = createRuntime();
await runtime.run(async () => {
  const counter = await GenStage.startLink(Counter, 0);
  const doubler = await GenStage.startLink(Doubler, counter);
  // GenStage.stream consumes stages from plain async code, asking for more as it goes.
  const firsts: number[] = [];
  for await (const n of GenStage.stream<number>([{ to: doubler, maxDemand: 5 }])) {
    firsts.push(n);
    if (firsts.length === 5) break;
  }
  console.log(firsts); // [ 0, 2, 4, 6, 8 ]
  await GenStage.stop(doubler);
  await GenStage.stop(counter);
});
await runtime.shutdown();
// #endregion readme
