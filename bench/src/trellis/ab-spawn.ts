// A/B in one process for spawn, tasks and supervisor restarts: core, GenServer, Supervisor
// and Task of another checkout (BASE) against this one, interleaved, CPU time per round.
//
//   mkdir -p /tmp/base && git archive <commit> packages/core packages/gen-server \
//     packages/supervisor packages/dynamic-supervisor packages/task | tar -x -C /tmp/base
//   (then link each package's node_modules/@trellis/* to /tmp/base/packages/*, as here)
//   BASE=/tmp/base node --conditions=@trellis/source --import tsx src/trellis/ab-spawn.ts
//
// WORKLOADS=spawn,task,sup (default all); ROUNDS (default 9); ONLY=head runs this checkout
// alone (for --cpu-prof).
import * as HeadCore from "@trellis/core";
import * as HeadGS from "@trellis/gen-server";
import * as HeadSup from "@trellis/supervisor";
import * as HeadTask from "@trellis/task";
import { cpu, loadBase } from "./ab-base.js";

type Core = typeof HeadCore;
type GS = typeof HeadGS;
type Sup = typeof HeadSup;
type Tk = typeof HeadTask;
interface Impl {
  core: Core;
  gs: GS;
  sup: Sup;
  task: Tk;
}
const base: Impl = {
  core: await loadBase<Core>("core"),
  gs: await loadBase<GS>("gen-server"),
  sup: await loadBase<Sup>("supervisor"),
  task: await loadBase<Tk>("task"),
};
const head: Impl = { core: HeadCore, gs: HeadGS, sup: HeadSup, task: HeadTask };
const ROUNDS = Number(process.env["ROUNDS"] ?? 9);
const WORKLOADS = (process.env["WORKLOADS"] ?? "spawn,task,sup").split(",");

const SPAWNS = 100_000;
async function spawnExit({ core }: Impl): Promise<number> {
  const rt = core.createRuntime();
  const child = (): void => {};
  const ms = await rt.run(async () => {
    const t0 = cpu();
    for (let i = 0; i < SPAWNS; i++) core.spawnMonitor(child);
    for (let i = 0; i < SPAWNS; i++) {
      const m = await core.receive();
      if (!core.isDown(m)) throw new Error("expected DOWN");
    }
    return cpu() - t0;
  });
  await rt.shutdown();
  return SPAWNS / (ms / 1000);
}

const TASKS = 100_000;
async function tasks({ core, task }: Impl): Promise<number> {
  const rt = core.createRuntime();
  const ms = await rt.run(async () => {
    const t0 = cpu();
    const ts: HeadTask.Task<number>[] = [];
    for (let i = 1; i <= TASKS; i++) ts.push(task.async(() => i));
    let acc = 0;
    for (const t of ts) acc += await task.await(t);
    if (acc !== (TASKS * (TASKS + 1)) / 2) throw new Error("bad sum");
    return cpu() - t0;
  });
  await rt.shutdown();
  return TASKS / (ms / 1000);
}

const CYCLES = 10_000;
async function supRestart({ core, gs, sup }: Impl): Promise<number> {
  const rt = core.createRuntime({ logger: { log() {}, wants: () => false } });
  const isStarted = (m: unknown): m is { started: HeadCore.Pid } =>
    typeof m === "object" && m !== null && "started" in m;
  const Crashy = gs.define({
    init: (driver: HeadCore.Pid) => {
      core.send(driver, { started: core.self() });
      return gs.Result.ok(driver);
    },
    handleCast: (): never => {
      throw new Error("boom");
    },
  } as never);
  const ms = await rt.run(async () => {
    const s = await sup.startLink([gs.childSpec(Crashy as never, core.self() as never)], {
      strategy: "one_for_one",
      maxRestarts: 1_000_000_000,
      maxSeconds: 1,
    });
    let child = (await core.receive(isStarted)).started;
    const t0 = cpu();
    for (let i = 0; i < CYCLES; i++) {
      gs.cast(child, "crash");
      child = (await core.receive(isStarted)).started;
    }
    const d = cpu() - t0;
    await sup.stop(s);
    return d;
  });
  await rt.shutdown();
  return CYCLES / (ms / 1000);
}

const runs: Record<string, (i: Impl) => Promise<number>> = {
  spawn: spawnExit,
  task: tasks,
  sup: supRestart,
};
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(1)}k`);
for (const w of WORKLOADS) {
  const fn = runs[w];
  if (fn === undefined) throw new Error(`unknown workload ${w}`);
  const b: number[] = [];
  const h: number[] = [];
  if (process.env["ONLY"] === "head") {
    for (let r = 0; r < ROUNDS; r++) h.push(await fn(head));
    console.log(`${process.version} ${w}: head ${fmt(med(h))}`);
    continue;
  }
  await fn(base);
  await fn(head);
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      b.push(await fn(base));
      h.push(await fn(head));
    } else {
      h.push(await fn(head));
      b.push(await fn(base));
    }
  }
  const mb = med(b);
  const mh = med(h);
  console.log(
    `${process.version} ${w}: base ${fmt(mb)} [${fmt(Math.min(...b))}–${fmt(Math.max(...b))}]  head ${fmt(mh)} [${fmt(Math.min(...h))}–${fmt(Math.max(...h))}]  head/base ${(mh / mb).toFixed(2)}`,
  );
}
