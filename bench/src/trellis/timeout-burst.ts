// The cost and the shape of a burst of call timeouts (ADR 0004, "Session 4, second round:
// overload"). CALLERS processes each make one GenServer.call to a server that never answers,
// all made before the first is due (real clock). With SHAPE=together (the default) every call's
// timeout is chosen so that all are due at the same moment, TIMEOUT_MS after the first call;
// with SHAPE=spread each call has a TIMEOUT_MS timeout, so they fall due as they were made
// (as the first wave of the overload workload). From just before the first due time until
// the last caller's `catch` has run:
//
// - cpu/timeout: the process's CPU time (user + system, GC threads included) over the burst,
//   divided by the timeouts: what one timeout costs from its due moment to its caller's catch;
// - late min / p50 / p99 / max: how long after its due time each caller's catch ran;
// - span: from the first catch to the last one (how long the burst holds the thread);
// - probe max: the longest wait of a 1 ms setTimeout chained during the burst (how long the
//   event loop's other work waits).
//
// A caller's catch only records the time and then waits on a shared promise (no next call),
// so the figures are the timeout path alone; WORK_US=n adds n µs of synchronous work to each
// catch (standing for the caller's next call), which shows how the burst's turns are cut. With BASE set (see ab.ts for making it), the
// core and GenServer of that checkout run interleaved with this one's, ROUNDS rounds each:
//
//   node --expose-gc --conditions=@trellis/source --import tsx src/trellis/timeout-burst.ts
//   BASE=/tmp/base node --expose-gc --conditions=@trellis/source --import tsx src/trellis/timeout-burst.ts
import * as HeadCore from "@trellis/core";
import * as HeadGS from "@trellis/gen-server";
import { delay, quantile, size, tick } from "./common.js";

type Core = typeof HeadCore;
type GS = typeof HeadGS;

const CALLERS = size(Number(process.env["CALLERS"] ?? 10_000));
const TIMEOUT_MS = 500;
const ROUNDS = Number(process.env["ROUNDS"] ?? 7);
const BASE = process.env["BASE"];
const TOGETHER = (process.env["SHAPE"] ?? "together") === "together";
/** Microseconds of synchronous work in each caller's catch (as the next call would take). */
const WORK_US = Number(process.env["WORK_US"] ?? 0);

function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Burst {
  cpuPerTimeout: number;
  lateMin: number;
  lateP50: number;
  lateP99: number;
  lateMax: number;
  span: number;
  probeMax: number;
}

async function burst(core: Core, gs: GS, callers: number): Promise<Burst> {
  const Silent = gs.define({
    init: () => gs.Result.ok(0),
    handleCall: (_req: "work", _from: unknown, s: number) => gs.Result.noreply(s),
  } as never);
  const rt = core.createRuntime();
  const late = new Float64Array(callers);
  let made = 0;
  let caught = 0;
  let firstDue = Number.POSITIVE_INFINITY;
  let firstCatch = 0;
  let lastCatch = 0;
  let cpuEnd = 0;
  let release = (): void => {};
  const released = new Promise<void>((r) => {
    release = r;
  });
  const server = await rt.run(() => gs.start(Silent as never, undefined as never));
  const at = performance.now() + TIMEOUT_MS;
  for (let c = 0; c < callers; c++) {
    rt.spawn(async () => {
      const now = performance.now();
      const ms = TOGETHER ? at - now : TIMEOUT_MS;
      const due = now + ms;
      if (due < firstDue) firstDue = due;
      const p = gs.call(server as never, "work" as never, ms as never);
      made++;
      try {
        await p;
      } catch {
        const now = performance.now();
        late[caught] = now - due;
        if (caught === 0) firstCatch = now;
        if (WORK_US > 0) {
          const until = now + WORK_US / 1000;
          while (performance.now() < until) {}
        }
        if (++caught === callers) {
          lastCatch = now;
          cpuEnd = cpu();
        }
      }
      await released;
    });
  }
  while (made < callers) await tick();
  // a full collection now, not during the burst (it takes tens of milliseconds)
  globalThis.gc?.();
  const wait = firstDue - performance.now() - 10;
  if (wait < 2) throw new Error(`the calls took too long to make (${TIMEOUT_MS - wait} ms)`);
  await delay(wait);
  const cpuStart = cpu();
  const hrStart = process.hrtime.bigint();
  let probeMax = 0;
  while (caught < callers) {
    const t = performance.now();
    await delay(1);
    // only waits that overlap the burst
    if (performance.now() > firstDue) probeMax = Math.max(probeMax, performance.now() - t);
  }
  release();
  // PROF_WINDOWS=1: the bursts' monotonic windows in µs, to cut a --cpu-prof profile to them
  if (process.env["PROF_WINDOWS"] === "1")
    console.error(`window ${hrStart / 1000n} ${process.hrtime.bigint() / 1000n}`);
  await rt.run(() => gs.stop(server as never));
  await rt.shutdown();
  late.sort();
  return {
    cpuPerTimeout: ((cpuEnd - cpuStart) * 1000) / callers,
    lateMin: late[0] ?? Number.NaN,
    lateP50: quantile(late, 0.5),
    lateP99: quantile(late, 0.99),
    lateMax: late[callers - 1] ?? Number.NaN,
    span: lastCatch - firstCatch,
    probeMax,
  };
}

const med = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function summary(name: string, rs: Burst[]): string {
  const f = (k: keyof Burst, d = 1) =>
    `${med(rs.map((r) => r[k])).toFixed(d)} [${Math.min(...rs.map((r) => r[k])).toFixed(d)}–${Math.max(...rs.map((r) => r[k])).toFixed(d)}]`;
  return `${name}: cpu/timeout ${f("cpuPerTimeout", 2)} µs, late min ${f("lateMin")} ms, p50 ${f("lateP50")} ms, p99 ${f("lateP99")} ms, max ${f("lateMax")} ms, span ${f("span")} ms, probe max ${f("probeMax")} ms`;
}

const head = { core: HeadCore, gs: HeadGS };
const impls: Record<string, { core: Core; gs: GS }> = { head };
if (BASE !== undefined) {
  const core = (await import(`${BASE}/packages/core/src/index.ts`)) as Core;
  const gs = (await import(`${BASE}/packages/gen-server/src/index.ts`)) as GS;
  impls["base"] = { core, gs };
}
const names = Object.keys(impls).sort();
const results: Record<string, Burst[]> = {};
for (const n of names) {
  const impl = impls[n] as { core: Core; gs: GS };
  await burst(impl.core, impl.gs, Math.max(1, Math.floor(CALLERS / 10)));
  results[n] = [];
}
for (let i = 0; i < ROUNDS; i++) {
  const order = i % 2 === 0 ? names : [...names].reverse();
  for (const n of order) {
    const impl = impls[n] as { core: Core; gs: GS };
    (results[n] as Burst[]).push(await burst(impl.core, impl.gs, CALLERS));
  }
}
console.log(
  `${CALLERS} call timeouts ${TOGETHER ? "due together" : "due as they were made"}, ${ROUNDS} rounds (median [min–max])`,
);
for (const n of names) console.log(summary(n, results[n] as Burst[]));
