// A/B in one process: core and GenServer of another checkout (BASE) against this one, on the
// call and ring workloads, interleaved, CPU time per round (less sensitive than wall time to
// other load on the machine). Used to check that telemetry costs nothing measurable when
// nobody listens:
//
//   git archive 263524a packages/core packages/gen-server | tar -x -C /tmp/base
//   mkdir -p /tmp/base/packages/gen-server/node_modules/@trellis
//   ln -s /tmp/base/packages/core /tmp/base/packages/gen-server/node_modules/@trellis/core
//   BASE=/tmp/base node --conditions=@trellis/source --import tsx src/trellis/ab.ts
import * as HeadCore from "@trellis/core";
import * as HeadGS from "@trellis/gen-server";

import { cpu, loadBase, timedWithCounter } from "./ab-base.js";

const BaseCore: unknown = await loadBase("core");
const BaseGS: unknown = await loadBase("gen-server");

type Core = typeof HeadCore;
type GS = typeof HeadGS;
const CALLS = 100_000;
const RING = 1000;
const LAPS = 1000;
const ROUNDS = Number(process.env["ROUNDS"] ?? 15);

function calls(core: Core, gs: GS): Promise<number> {
  return timedWithCounter(core, gs, async (c) => {
    for (let i = 0; i < CALLS; i++) await gs.call(c as never, "inc" as never);
  });
}

async function ring(core: Core): Promise<number> {
  const rt = core.createRuntime();
  const ms = await rt.run(async () => {
    const main = core.self();
    const pids: HeadCore.Pid[] = [];
    for (let i = 0; i < RING; i++)
      pids.push(
        core.spawn(() => {
          let next: HeadCore.Pid | undefined;
          core.setMessageHandler((m) => {
            if (next === undefined) next = m as HeadCore.Pid;
            else if (m === 0) core.send(main, "done");
            else core.send(next, (m as number) - 1);
          });
        }),
      );
    for (let i = 0; i < RING; i++)
      core.send(pids[i] as HeadCore.Pid, pids[(i + 1) % RING] as HeadCore.Pid);
    const t0 = cpu();
    core.send(pids[0] as HeadCore.Pid, RING * LAPS);
    await core.receive((m) => m === "done");
    const d = cpu() - t0;
    for (const p of pids) core.exit(p, "kill");
    return d;
  });
  await rt.shutdown();
  return ms;
}

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const r: Record<string, number[]> = { baseCall: [], headCall: [], baseRing: [], headRing: [] };
const base = BaseCore as unknown as Core;
const baseGs = BaseGS as unknown as GS;
for (let i = 0; i < 3; i++) {
  await calls(base, baseGs);
  await calls(HeadCore, HeadGS);
  await ring(base);
  await ring(HeadCore);
}
for (let i = 0; i < ROUNDS; i++) {
  const order = i % 2 === 0;
  if (order) r.baseCall?.push(await calls(base, baseGs));
  r.headCall?.push(await calls(HeadCore, HeadGS));
  if (!order) r.baseCall?.push(await calls(base, baseGs));
  if (order) r.baseRing?.push(await ring(base));
  r.headRing?.push(await ring(HeadCore));
  if (!order) r.baseRing?.push(await ring(base));
}
for (const [k, v] of Object.entries(r))
  console.log(k, "median CPU ms", med(v).toFixed(1), "all", v.map((x) => x.toFixed(0)).join(" "));
console.log(
  "call: head/base CPU",
  ((med(r.headCall ?? []) / med(r.baseCall ?? [])) * 100).toFixed(1),
  "%",
);
console.log(
  "ring: head/base CPU",
  ((med(r.headRing ?? []) / med(r.baseRing ?? [])) * 100).toFixed(1),
  "%",
);
