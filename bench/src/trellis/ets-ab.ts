// A/B: ets-table and registry of another checkout (BASE) against this one, on the ets and
// registry-lookup workloads, CPU time per workload. Each side runs in its own child process,
// the two alternating round by round: in one process, the second side's calls would share
// call sites (and their type feedback) with the first side's, and an A/A run then differed
// by 2× on lookups. Each child warms up at a tenth of the size first, as the ets program does.
//
//   git archive <commit> packages/ets-table packages/registry | tar -x -C /tmp/base
//   (then link @trellis/core, and @trellis/ets-table for the registry, into their node_modules)
//   BASE=/tmp/base node --conditions=@trellis/source --import tsx src/trellis/ets-ab.ts
//
// N (default 200,000) rows per table; ROUNDS (default 5) rounds; the fastest round is kept.
// The `ref_` rows are plain JS (see `reference`), run by two more children per round in the
// same way (a fresh process, a warm-up at a tenth): their "base" and "head" are two runs of the
// same code, so their ratio is this run's noise.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as Core from "@trellis/core";
import type * as HeadEts from "@trellis/ets-table";
import type * as HeadReg from "@trellis/registry";
import { shuffledRange } from "./common.js";

const BASE = process.env["BASE"];
if (BASE === undefined) throw new Error("set BASE to the root of the checkout to compare with");
const N = Number(process.env["N"] ?? 200_000);
const ROUNDS = Number(process.env["ROUNDS"] ?? 5);
const SIDE = process.env["SIDE"];

type Ets = typeof HeadEts;
type Reg = typeof HeadReg;

function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function timed(fn: () => void): number {
  const t0 = cpu();
  fn();
  return cpu() - t0;
}

function check(got: number, expected: number, what: string): void {
  if (got !== expected) throw new Error(`${what}: got ${got}, expected ${expected}`);
}

/** The ets program's workloads on `n` rows; each lookup reads the row it returns. */
function workloads(E: Ets, n: number): Record<string, number> {
  const ins = shuffledRange(n);
  const look = shuffledRange(n);
  const sum = (n * (n - 1)) / 2;
  const out: Record<string, number> = {};
  const set = E.create<[number, number]>("s", { type: "set", access: "public" });
  out["set_insert"] = timed(() => {
    for (let i = 0; i < n; i++) {
      const k = ins[i] ?? 0;
      E.insert(set, [k, k]);
    }
  });
  out["set_lookup"] = timed(() => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += E.lookup(set, look[i] ?? 0)[0]?.[1] ?? 0;
    check(acc, sum, "set lookup");
  });
  out["update_counter"] = timed(() => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += E.updateCounter(set, look[i] ?? 0, 1);
    check(acc, sum + n, "updateCounter");
  });
  E.deleteTable(set);
  const prot = E.create<[number, number]>("p", { type: "set", access: "private" });
  out["private_insert"] = timed(() => {
    for (let i = 0; i < n; i++) {
      const k = ins[i] ?? 0;
      E.insert(prot, [k, k]);
    }
  });
  out["private_lookup"] = timed(() => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += E.lookup(prot, look[i] ?? 0)[0]?.[1] ?? 0;
    check(acc, sum, "private lookup");
  });
  E.deleteTable(prot);
  const t = E.create<[[number, number], number]>("t", { type: "set", access: "public" });
  out["tuple_insert"] = timed(() => {
    for (let i = 0; i < n; i++) {
      const k = ins[i] ?? 0;
      E.insert(t, [[k, k % 1000], k]);
    }
  });
  out["tuple_lookup"] = timed(() => {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const k = look[i] ?? 0;
      acc += E.lookup(t, [k, k % 1000])[0]?.[1] ?? 0;
    }
    check(acc, sum, "tuple lookup");
  });
  E.deleteTable(t);
  const o = E.create<[number, number]>("o", { type: "ordered_set", access: "public" });
  out["oset_insert"] = timed(() => {
    for (let i = 0; i < n; i++) {
      const k = ins[i] ?? 0;
      E.insert(o, [k, k]);
    }
  });
  out["oset_lookup"] = timed(() => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += E.lookup(o, look[i] ?? 0)[0]?.[1] ?? 0;
    check(acc, sum, "ordered_set lookup");
  });
  out["oset_range100_x1000"] = timed(() => {
    let acc = 0;
    for (let s = 0; s < 1000; s++) {
      const rows: [number, number][] = [];
      let k: number | typeof E.END_OF_TABLE = (look[s] ?? 0) % Math.max(1, n - 100);
      while (k !== E.END_OF_TABLE && rows.length < 100) {
        const row = E.lookup(o, k)[0];
        if (row === undefined) throw new Error(`no row under ${k}`);
        rows.push(row);
        k = E.next(o, k);
      }
      acc += rows.length;
    }
    check(acc, 1000 * Math.min(100, n), "range scans");
  });
  E.deleteTable(o);
  // A duplicate registry's exit cleanup: rows under one shared key, each process's row
  // deleted by a pattern naming its ref (pids compare the same way), one after another.
  const REFS = Math.min(5_000, n);
  const refs = Array.from({ length: REFS }, () => Core.makeRef());
  const d = E.create<[string, Core.Ref, null]>("d", { type: "duplicate_bag", access: "public" });
  for (const r of refs) E.insert(d, ["k", r, null]);
  out["dup_cleanup_5k"] = timed(() => {
    for (const r of refs) E.matchDelete(d, ["k", r, E._]);
  });
  E.deleteTable(d);
  return out;
}

/**
 * A reference in plain JS: the ets program's plain-JS limit (a `Map` from integer to integer,
 * no row objects) and a `Map` holding the same `[k, k]` rows as the table, whose lookups read
 * the row they return: the rows' own cost beside the limit's.
 */
function reference(n: number): Record<string, number> {
  const ins = shuffledRange(n);
  const look = shuffledRange(n);
  const sum = (n * (n - 1)) / 2;
  const out: Record<string, number> = {};
  const ints = new Map<number, number>();
  out["ref_map_int_insert"] = timed(() => {
    for (let i = 0; i < n; i++) {
      const k = ins[i] ?? 0;
      ints.set(k, k);
    }
  });
  out["ref_map_int_lookup"] = timed(() => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += ints.get(look[i] ?? 0) ?? 0;
    check(acc, sum, "int map lookup");
  });
  ints.clear();
  const rows = new Map<number, [number, number]>();
  out["ref_map_rows_insert"] = timed(() => {
    for (let i = 0; i < n; i++) {
      const k = ins[i] ?? 0;
      rows.set(k, [k, k]);
    }
  });
  out["ref_map_rows_lookup"] = timed(() => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += rows.get(look[i] ?? 0)?.[1] ?? 0;
    check(acc, sum, "row map lookup");
  });
  return out;
}

/** 20k processes register a key each; then 10 lookups of every key. */
async function registry(R: Reg, n: number): Promise<number> {
  const reg = await R.startLink<number, null>({ keys: "unique" });
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
    for (let r = 0; r < 10; r++) {
      for (let i = 0; i < n; i++) {
        const e = R.lookup(reg, i);
        if (e.length !== 1 || e[0]?.[1] !== null) throw new Error(`lookup ${i}`);
      }
    }
  });
  for (let i = 0; i < n; i++) for (const [pid] of R.lookup(reg, i)) Core.send(pid, "stop");
  return ms;
}

async function child(side: string): Promise<void> {
  if (side.startsWith("ref")) {
    reference(Math.max(1000, Math.floor(N / 10)));
    process.stdout.write(`${JSON.stringify(reference(N))}\n`);
    return;
  }
  const root = side === "base" ? BASE : fileURLToPath(new URL("../../..", import.meta.url));
  const E = (await import(`${root}/packages/ets-table/src/index.ts`)) as Ets;
  const R = (await import(`${root}/packages/registry/src/index.ts`)) as Reg;
  const rt = Core.createRuntime();
  const out = await rt.run(async () => {
    workloads(E, Math.max(1000, Math.floor(N / 10)));
    await registry(R, 2_000);
    const r = workloads(E, N);
    r["registry_lookup_x200k"] = await registry(R, 20_000);
    return r;
  });
  await rt.shutdown();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function parent(): void {
  const runs: Record<string, [number[], number[]]> = {};
  const self = fileURLToPath(import.meta.url);
  for (let round = 0; round < ROUNDS; round++) {
    const order =
      round % 2 === 0 ? ["base", "head", "ref-a", "ref-b"] : ["head", "base", "ref-b", "ref-a"];
    for (const side of order) {
      const r = spawnSync(process.execPath, [...process.execArgv, self], {
        env: { ...process.env, SIDE: side },
        encoding: "utf8",
        timeout: 600_000,
      });
      if (r.status !== 0) throw new Error(`${side} failed: ${r.error?.message ?? r.stderr}`);
      const got = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as Record<string, number>;
      for (const [k, v] of Object.entries(got)) {
        const cell = (runs[k] ??= [[], []]);
        cell[side === "base" || side === "ref-a" ? 0 : 1].push(v);
      }
    }
  }
  /** The fastest round: other load on the machine only ever adds time. */
  const best = (xs: number[]): number => Math.min(...xs);
  console.log(`Node ${process.version}, N ${N}, ${ROUNDS} rounds; fastest round, CPU ms`);
  console.log("workload                  base ms    head ms   head/base");
  for (const [k, [bs, hs]] of Object.entries(runs)) {
    const b = best(bs);
    const h = best(hs);
    console.log(
      `${k.padEnd(24)} ${b.toFixed(1).padStart(9)} ${h.toFixed(1).padStart(10)} ${(h / b).toFixed(3).padStart(10)}`,
    );
  }
}

if (SIDE === undefined) parent();
else await child(SIDE);
