// DynamicSupervisor: start 100k children one after another (DynamicSupervisor.startChild,
// each a minimal GenServer that just waits), then stop the supervisor, which stops all the
// children at once. Warm-up at 1/10 size. The beam/dynsup.exs workload.
import { createRuntime } from "@trellis/core";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as GenServer from "@trellis/gen-server";
import { rate, report, size, warm } from "./common.js";

const { ok } = GenServer.Result;

const Idle = GenServer.define({ init: () => ok(null) });
const spec = GenServer.childSpec(Idle, undefined);

const N = size(100_000);
const rt = createRuntime();

async function measure(n: number): Promise<{ start: number; shutdown: number }> {
  return rt.run(async () => {
    const sup = await DynamicSupervisor.start();
    const start = await rate(n, async () => {
      for (let i = 0; i < n; i++) await DynamicSupervisor.startChild(sup, spec);
    });
    const counts = await DynamicSupervisor.countChildren(sup);
    if (counts.active !== n) throw new Error(`expected ${n} children, got ${counts.active}`);
    const shutdown = await rate(n, () => DynamicSupervisor.stop(sup));
    return { start, shutdown };
  });
}

await measure(warm(N));
const r = await measure(N);
report("dynsup_start", r.start, "children/s");
report("dynsup_shutdown", r.shutdown, "children/s");
await rt.shutdown();
