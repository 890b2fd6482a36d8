// Worker nodes (@trellis/workers): cross-worker call round trips (one client, and 100
// clients), one-way casts to a server on a worker, a ring spread over 2 workers (every hop
// crosses threads), and CPU-bound hashing requests served by a pool on 1 and on 2 workers.
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createRuntime, type Pid, receive, self, send } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { remoteDefinition, spawnOn, startPool, startWorkers } from "@trellis/workers";
import { rate, report, size, warm } from "./common.js";
import type { Echo, Hasher, Sink } from "./workers-node.js";

const MOD = new URL("./workers-node.ts", import.meta.url);
const EchoDef = remoteDefinition<typeof Echo>(MOD, "Echo");
const SinkDef = remoteDefinition<typeof Sink>(MOD, "Sink");
const HasherDef = remoteDefinition<typeof Hasher>(MOD, "Hasher");

const CALLS = size(50_000);
const CASTS = size(500_000);
const HOPS = size(200_000);
const JOBS = size(1_000);
const ROUNDS = 1_000; // sha256 rounds per CPU-bound request (about 1 ms of work)

const rt = createRuntime({ node: "main@localhost" });

/**
 * CPU time of each thread of this process (main thread, worker nodes, V8's helpers), in ms,
 * by thread id; undefined where /proc is not there (not Linux).
 */
function threadTimes(): Map<string, number> | undefined {
  try {
    const times = new Map<string, number>();
    for (const tid of readdirSync("/proc/self/task")) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime and stime, in clock ticks (100 per second on Linux)
      times.set(tid, (Number(fields[11]) + Number(fields[12])) * 10);
    }
    return times;
  } catch {
    return undefined;
  }
}

/** The most CPU time one thread spent between two readings, in ms. */
function busiest(before: Map<string, number>, after: Map<string, number>): number {
  let most = 0;
  for (const [tid, t] of after) most = Math.max(most, t - (before.get(tid) ?? 0));
  return most;
}

await rt.run(async () => {
  const group = await startWorkers({ count: 2, module: MOD });
  const [w1, w2] = group.nodes as [string, string];

  // 1. sequential calls, main -> worker
  const echo = (await startPool(EchoDef, undefined, { nodes: [w1] })).servers[0];
  if (echo === undefined) throw new Error("no echo server");
  const seq = async (n: number): Promise<number> =>
    rate(n, async () => {
      for (let i = 0; i < n; i++) await GenServer.call(echo, i);
    });
  await seq(warm(CALLS));
  report("worker_call_seq", await seq(CALLS), "calls/s");

  // 2. 100 concurrent clients calling the same remote server
  const concurrent = async (n: number): Promise<number> => {
    const per = Math.ceil(n / 100);
    return rate(per * 100, async () => {
      await Promise.all(
        Array.from({ length: 100 }, () =>
          rt.run(async () => {
            for (let i = 0; i < per; i++) await GenServer.call(echo, i);
          }),
        ),
      );
    });
  };
  await concurrent(warm(CALLS * 4));
  // Also CPU time per call: all threads (main, worker, V8's helpers), and the busiest
  // thread alone. Unlike the rate, these do not depend on how busy the machine is.
  const cpu0 = process.cpuUsage();
  const threads0 = threadTimes();
  report("worker_call_100", await concurrent(CALLS * 4), "calls/s");
  const cpu1 = process.cpuUsage(cpu0);
  const threads1 = threadTimes();
  report("worker_call_100_cpu", (cpu1.user + cpu1.system) / (CALLS * 4), "us");
  if (threads0 !== undefined && threads1 !== undefined && busiest(threads0, threads1) >= 200)
    report("worker_call_100_cpu_busiest", (busiest(threads0, threads1) * 1000) / (CALLS * 4), "us");

  // 3. one-way casts main -> worker, then one call
  const sink = (await startPool(SinkDef, undefined, { nodes: [w1] })).servers[0];
  if (sink === undefined) throw new Error("no sink");
  let total = 0;
  const casts = async (n: number): Promise<number> =>
    rate(n, async () => {
      for (let i = 0; i < n; i++) {
        GenServer.cast(sink, "hit");
        // give the carrier a turn every so often, as a real producer would
        if ((i & 4095) === 4095) await new Promise((r) => setImmediate(r));
      }
      total += n;
      const counted = await GenServer.call(sink, "count", 60_000);
      if (counted !== total) throw new Error(`sink counted ${counted}, expected ${total}`);
    });
  await casts(warm(CASTS));
  report("worker_cast", await casts(CASTS), "msgs/s");

  // 4. ring of 100 processes alternating between w1 and w2: every hop crosses threads
  const members: Pid[] = [];
  for (let i = 0; i < 100; i++)
    members.push(
      await spawnOn(i % 2 === 0 ? w1 : w2, { module: MOD, function: "ringMember", args: [self()] }),
    );
  for (const [i, m] of members.entries()) send(m, members[(i + 1) % members.length] as Pid);
  for (let i = 0; i < members.length; i++) await receive((m) => m === "ready");
  const ring = async (hops: number): Promise<number> =>
    rate(hops, async () => {
      send(members[0] as Pid, hops);
      await receive((m) => m === "done");
    });
  await ring(warm(HOPS));
  report("worker_ring_hops", await ring(HOPS), "hops/s");

  // 5. CPU-bound: hashing requests from 64 concurrent clients, pool on 1 then 2 workers
  // Also the CPU time of the busiest thread per request: on a machine shared with other
  // work, wall-clock scaling depends on how much of the second core is free; the busiest
  // thread's CPU time says what the pool would do with a core per thread.
  let busiestPerReq = 0;
  const cpu = async (nodes: string[], n: number): Promise<number> => {
    const pool = await startPool(HasherDef, undefined, { nodes, size: nodes.length });
    const per = Math.ceil(n / 64);
    const before = threadTimes();
    const r = await rate(per * 64, async () => {
      await Promise.all(
        Array.from({ length: 64 }, (_, c) =>
          rt.run(async () => {
            for (let i = 0; i < per; i++)
              await pool.call(`k${c}:${i}`, { data: `req${c}:${i}`, rounds: ROUNDS }, 60_000);
          }),
        ),
      );
    });
    const after = threadTimes();
    // (clock ticks are 10 ms: below 200 ms of CPU the figure would be mostly rounding)
    const most = before === undefined || after === undefined ? 0 : busiest(before, after);
    busiestPerReq = most >= 200 ? most / (per * 64) : 0;
    await pool.stop();
    return r;
  };
  await cpu([w1], warm(JOBS));
  await cpu([w1, w2], warm(JOBS));
  const one = await cpu([w1], JOBS);
  const busiestOne = busiestPerReq;
  const two = await cpu([w1, w2], JOBS);
  const busiestTwo = busiestPerReq;
  report("worker_cpu_1", one, "req/s");
  report("worker_cpu_2", two, "req/s");
  report("worker_cpu_scaling", two / one, "x");
  if (busiestOne > 0 && busiestTwo > 0)
    report("worker_cpu_scaling_cputime", busiestOne / busiestTwo, "x");
  report("cores", availableParallelism(), "cores");
  await group.stop();
});
await rt.shutdown();
