// ETS: 1M inserts of shuffled integer keys into an empty table, then 1M lookups in another
// shuffled order: a set with integer keys, a set with 2-tuple keys [k, k % 1000], and an
// ordered_set; then 1,000 range scans of 100 rows on the ordered_set (Ets.lookup + Ets.next
// from a random start). Warm-up: the same at 1/10 size. The shuffles are not timed. Tables
// are public and created inside a process (their owner); the beam/ets.exs workload. Also
// 1M Ets.updateCounter on the set's existing integer keys (`ets_update_counter`), and the
// memory per row of the full set and ordered_set: the growth of heap + external after GC
// from before the table was created to after the inserts, divided by the rows
// (`ets_set_row_memory`, `ets_oset_row_memory`).
import { createRuntime } from "@trellis/core";
import * as Ets from "@trellis/ets-table";
import { rate, report, shuffledRange, size, usedMemory, warm } from "./common.js";

const N = size(1_000_000);
const SCANS = 1_000;
const ROWS = 100;
const rt = createRuntime();

type Row = [key: number, value: number];
type TupleRow = [key: [number, number], value: number];

function check(got: number, expected: number, what: string): void {
  if (got !== expected) throw new Error(`${what}: got ${got}, expected ${expected}`);
}

async function suite(n: number, print: boolean): Promise<void> {
  const ins = shuffledRange(n);
  const look = shuffledRange(n);
  const sum = (n * (n - 1)) / 2;

  const setBefore = usedMemory();
  const set = Ets.create<Row>("set", { type: "set", access: "public" });
  const setInsert = await rate(n, () => {
    for (let i = 0; i < n; i++) {
      const k = ins[i] ?? 0;
      Ets.insert(set, [k, k]);
    }
  });
  const setRowMemory = (usedMemory() - setBefore) / n;
  const setLookup = await rate(n, () => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += Ets.lookup(set, look[i] ?? 0)[0]?.[1] ?? 0;
    check(acc, sum, "set lookup");
  });
  const updateCounter = await rate(n, () => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += Ets.updateCounter(set, look[i] ?? 0, 1);
    check(acc, sum + n, "set updateCounter");
  });
  Ets.deleteTable(set);

  const tset = Ets.create<TupleRow>("tset", { type: "set", access: "public" });
  const tupleInsert = await rate(n, () => {
    for (let i = 0; i < n; i++) {
      const k = ins[i] ?? 0;
      Ets.insert(tset, [[k, k % 1000], k]);
    }
  });
  const tupleLookup = await rate(n, () => {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const k = look[i] ?? 0;
      acc += Ets.lookup(tset, [k, k % 1000])[0]?.[1] ?? 0;
    }
    check(acc, sum, "tuple set lookup");
  });
  Ets.deleteTable(tset);

  const osetBefore = usedMemory();
  const oset = Ets.create<Row>("oset", { type: "ordered_set", access: "public" });
  const osetInsert = await rate(n, () => {
    for (let i = 0; i < n; i++) {
      const k = ins[i] ?? 0;
      Ets.insert(oset, [k, k]);
    }
  });
  const osetRowMemory = (usedMemory() - osetBefore) / n;
  const osetLookup = await rate(n, () => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += Ets.lookup(oset, look[i] ?? 0)[0]?.[1] ?? 0;
    check(acc, sum, "ordered_set lookup");
  });
  const starts = new Int32Array(SCANS);
  for (let i = 0; i < SCANS; i++) starts[i] = Math.floor(Math.random() * Math.max(1, n - ROWS));
  const range = await rate(SCANS, () => {
    let acc = 0;
    for (let i = 0; i < SCANS; i++) {
      const rows: Row[] = [];
      let k: number | typeof Ets.END_OF_TABLE = starts[i] ?? 0;
      while (k !== Ets.END_OF_TABLE && rows.length < ROWS) {
        const row = Ets.lookup(oset, k)[0];
        if (row === undefined) throw new Error(`no row under ${k}`);
        rows.push(row);
        k = Ets.next(oset, k);
      }
      acc += rows.length;
    }
    check(acc, SCANS * Math.min(ROWS, n), "range scans");
  });
  Ets.deleteTable(oset);

  if (print) {
    report("ets_set_insert", setInsert, "ops/s");
    report("ets_set_lookup", setLookup, "ops/s");
    report("ets_set_tuple_insert", tupleInsert, "ops/s");
    report("ets_set_tuple_lookup", tupleLookup, "ops/s");
    report("ets_oset_insert", osetInsert, "ops/s");
    report("ets_oset_lookup", osetLookup, "ops/s");
    report("ets_oset_range100", range, "scans/s");
    report("ets_update_counter", updateCounter, "ops/s");
    report("ets_set_row_memory", setRowMemory, "B");
    report("ets_oset_row_memory", osetRowMemory, "B");
  }
}

await rt.run(() => suite(Math.max(ROWS + 1, warm(N)), false));
await rt.run(() => suite(N, true));
await rt.shutdown();
