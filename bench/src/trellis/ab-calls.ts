// A/B in one process for the call paths: core and GenServer of another checkout (BASE)
// against this one, interleaved, CPU time per round (see ab.ts for making BASE):
// sequential calls, fan-in (100 clients) and casts.
//
//   BASE=/tmp/base node --expose-gc --conditions=@trellis/source --import tsx src/trellis/ab-calls.ts
import * as HeadCore from "@trellis/core";
import * as HeadGS from "@trellis/gen-server";

import { loadBase, timedWithCounter } from "./ab-base.js";

const BaseCore: unknown = await loadBase("core");
const BaseGS: unknown = await loadBase("gen-server");

type Core = typeof HeadCore;
type GS = typeof HeadGS;
const CALLS = 100_000;
const CLIENTS = 100;
const PER_CLIENT = 2_000;
const CASTS = 300_000;
const ROUNDS = Number(process.env["ROUNDS"] ?? 9);
const ONLY = process.env["ONLY"]?.split(",");

function calls(core: Core, gs: GS): Promise<number> {
  return timedWithCounter(core, gs, async (c) => {
    for (let i = 0; i < CALLS; i++) await gs.call(c as never, "inc" as never);
  });
}

function fanin(core: Core, gs: GS): Promise<number> {
  return timedWithCounter(core, gs, async (c) => {
    const main = core.self();
    for (let k = 0; k < CLIENTS; k++)
      core.spawn(async () => {
        for (let i = 0; i < PER_CLIENT; i++) await gs.call(c as never, "inc" as never);
        core.send(main, "done");
      });
    for (let k = 0; k < CLIENTS; k++) await core.receive((m) => m === "done");
  });
}

function casts(core: Core, gs: GS): Promise<number> {
  return timedWithCounter(core, gs, async (c) => {
    for (let i = 0; i < CASTS; i++) gs.cast(c as never, "inc" as never);
    await gs.call(c as never, "inc" as never, Number.POSITIVE_INFINITY as never);
  });
}

const workloads = { call: calls, fanin, cast: casts };
const base = { core: BaseCore as Core, gs: BaseGS as GS };
const head = { core: HeadCore, gs: HeadGS };
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
for (const [name, w] of Object.entries(workloads)) {
  if (ONLY !== undefined && !ONLY.includes(name)) continue;
  const r = { base: [] as number[], head: [] as number[] };
  await w(base.core, base.gs);
  await w(head.core, head.gs);
  for (let i = 0; i < ROUNDS; i++) {
    const first = i % 2 === 0 ? base : head;
    const second = first === base ? head : base;
    const a = await w(first.core, first.gs);
    const b = await w(second.core, second.gs);
    (first === base ? r.base : r.head).push(a);
    (second === base ? r.base : r.head).push(b);
  }
  console.log(
    `${name}: base ${med(r.base).toFixed(1)} ms, head ${med(r.head).toFixed(1)} ms, head/base ${(med(r.head) / med(r.base)).toFixed(3)}`,
  );
}
