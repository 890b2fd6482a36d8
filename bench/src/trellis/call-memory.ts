// Heap bytes per call in flight: N processes each waiting in a call to a server that never
// answers, against N processes waiting in receive(); the difference is what a call costs
// while it waits (ADR 0004, session 4). Deterministic to a few bytes; no timing.
//
//   node --expose-gc --conditions=@trellis/source --import tsx src/trellis/call-memory.ts
//   BASE=/tmp/base node --expose-gc … src/trellis/call-memory.ts   # another checkout's core
import type * as Core from "@trellis/core";
import { report, size, tick, usedMemory } from "./common.js";

const BASE = process.env["BASE"];
const core: typeof Core =
  BASE === undefined
    ? await import("@trellis/core")
    : ((await import(`${BASE}/packages/core/src/index.ts`)) as typeof Core);
const N = size(20_000);

async function measure(): Promise<{ receiving: number; calling: number }> {
  const rt = core.createRuntime();
  const r = await rt.run(async () => {
    const server = core.spawn(() => {
      core.setMessageHandler(() => {});
    });
    let started = 0;
    let before = usedMemory();
    for (let i = 0; i < N; i++)
      core.spawn(async () => {
        started++;
        await core.receive();
      });
    while (started < N) await tick();
    const receiving = (usedMemory() - before) / N;
    before = usedMemory();
    for (let i = 0; i < N; i++)
      core.spawn(async () => {
        await core.call(server, "x", { timeout: 60_000 });
      });
    while (rt.pendingCalls() < N) await tick();
    const calling = (usedMemory() - before) / N;
    return { receiving, calling };
  });
  await rt.shutdown();
  return r;
}

await measure();
const { receiving, calling } = await measure();
report("process_in_receive_memory", receiving, "B");
report("process_in_call_memory", calling, "B");
report("call_in_flight_memory", calling - receiving, "B");
