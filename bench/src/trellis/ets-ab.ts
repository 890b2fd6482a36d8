// A/B in one process: ets-table and registry of another checkout (BASE) against this one, on
// the ets and registry-lookup workloads, interleaved, CPU time per round (less sensitive than
// wall time to other load on the machine):
//
//   git archive <commit> packages/ets-table packages/registry | tar -x -C /tmp/base
//   (then link @trellis/core, and @trellis/ets-table for the registry, into their node_modules)
//   BASE=/tmp/base node --conditions=@trellis/source --import tsx src/trellis/ets-ab.ts
import * as Core from "@trellis/core";
import * as HeadEts from "@trellis/ets-table";
import * as HeadReg from "@trellis/registry";
import { shuffledRange } from "./common.js";

const BASE = process.env["BASE"];
if (BASE === undefined) throw new Error("set BASE to the root of the checkout to compare with");
const BaseEts = (await import(`${BASE}/packages/ets-table/src/index.ts`)) as typeof HeadEts;
const BaseReg = (await import(`${BASE}/packages/registry/src/index.ts`)) as typeof HeadReg;
const N = Number(process.env["N"] ?? 200_000);
const ROUNDS = Number(process.env["ROUNDS"] ?? 5);
const ins = shuffledRange(N);
const look = shuffledRange(N);

function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function timed(fn: () => void): number {
  const t0 = cpu();
  fn();
  return cpu() - t0;
}

type Ets = typeof HeadEts;
type Reg = typeof HeadReg;

function workloads(E: Ets): Record<string, number> {
  const out: Record<string, number> = {};
  const set = E.create<[number, number]>("s", { type: "set", access: "public" });
  out["set_insert"] = timed(() => {
    for (let i = 0; i < N; i++) E.insert(set, [ins[i] ?? 0, i]);
  });
  out["set_lookup"] = timed(() => {
    for (let i = 0; i < N; i++) E.lookup(set, look[i] ?? 0);
  });
  E.deleteTable(set);
  const prot = E.create<[number, number]>("p", { type: "set", access: "private" });
  out["private_insert"] = timed(() => {
    for (let i = 0; i < N; i++) E.insert(prot, [ins[i] ?? 0, i]);
  });
  out["private_lookup"] = timed(() => {
    for (let i = 0; i < N; i++) E.lookup(prot, look[i] ?? 0);
  });
  E.deleteTable(prot);
  const t = E.create<[[number, number], number]>("t", { type: "set", access: "public" });
  out["tuple_insert"] = timed(() => {
    for (let i = 0; i < N; i++) {
      const k = ins[i] ?? 0;
      E.insert(t, [[k, k % 1000], i]);
    }
  });
  out["tuple_lookup"] = timed(() => {
    for (let i = 0; i < N; i++) {
      const k = look[i] ?? 0;
      E.lookup(t, [k, k % 1000]);
    }
  });
  E.deleteTable(t);
  const o = E.create<[number, number]>("o", { type: "ordered_set", access: "public" });
  out["oset_insert"] = timed(() => {
    for (let i = 0; i < N; i++) E.insert(o, [ins[i] ?? 0, i]);
  });
  out["oset_lookup"] = timed(() => {
    for (let i = 0; i < N; i++) E.lookup(o, look[i] ?? 0);
  });
  out["oset_range100_x1000"] = timed(() => {
    for (let s = 0; s < 1000; s++) {
      let k: number | typeof E.END_OF_TABLE = look[s] ?? 0;
      for (let r = 0; r < 100 && k !== E.END_OF_TABLE; r++) {
        E.lookup(o, k);
        k = E.next(o, k);
      }
    }
  });
  E.deleteTable(o);
  // A duplicate registry's exit cleanup: rows under one shared key, each process's row
  // deleted by a pattern naming its ref (pids compare the same way), one after another.
  const REFS = 5_000;
  const refs = Array.from({ length: REFS }, () => Core.makeRef());
  const d = E.create<[string, Core.Ref, null]>("d", { type: "duplicate_bag", access: "public" });
  for (const r of refs) E.insert(d, ["k", r, null]);
  out["dup_cleanup_5k"] = timed(() => {
    for (const r of refs) E.matchDelete(d, ["k", r, E._]);
  });
  E.deleteTable(d);
  return out;
}

async function registry(R: Reg): Promise<number> {
  const reg = await R.startLink<number, null>({ keys: "unique" });
  const n = 20_000;
  const main = Core.self();
  for (let i = 0; i < n; i++) {
    Core.spawn(async () => {
      R.register(reg, i, null);
      Core.send(main, "ok");
      await Core.receive();
    });
  }
  for (let i = 0; i < n; i++) await Core.receive();
  const ms = timed(() => {
    for (let r = 0; r < 10; r++) for (let i = 0; i < n; i++) R.lookup(reg, i);
  });
  for (let i = 0; i < n; i++) for (const [pid] of R.lookup(reg, i)) Core.send(pid, "stop");
  return ms;
}

const rt = Core.createRuntime();
const runs: Record<string, [number[], number[]]> = {};
await rt.run(async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const sides = [
      [0, BaseEts, BaseReg],
      [1, HeadEts, HeadReg],
    ] as const;
    // Alternate which side runs first, so neither always inherits the other's garbage.
    for (const [side, E, R] of round % 2 === 0 ? sides : [sides[1], sides[0]]) {
      const r = workloads(E);
      r["registry_lookup_x200k"] = await registry(R);
      for (const [k, v] of Object.entries(r)) {
        const cell = (runs[k] ??= [[], []]);
        cell[side].push(v);
      }
    }
  }
});
await rt.shutdown();
/** The fastest round: other load on the machine only ever adds time. */
function best(xs: number[]): number {
  return Math.min(...xs);
}
console.log(`Node ${process.version}, N ${N}, ${ROUNDS} rounds; fastest round, CPU ms`);
console.log("workload                  base ms    head ms   head/base");
for (const [k, [bs, hs]] of Object.entries(runs)) {
  const b = best(bs);
  const h = best(hs);
  console.log(
    `${k.padEnd(24)} ${b.toFixed(1).padStart(9)} ${h.toFixed(1).padStart(10)} ${(h / b).toFixed(3).padStart(10)}`,
  );
}
