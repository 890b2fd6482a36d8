// ETS-like tables: 1M inserts of shuffled integer keys, then 1M lookups in another order,
// for a set (Map), a set with 2-tuple keys (TupleMap), and an ordered set (BTree), plus
// 1,000 range scans of 100 rows on the ordered set. Warm-up: the same at 1/10 size. These
// store integers (no rows). Then, in the same process after them, the same workloads holding
// the `[key, value]` rows that ETS stores (`ets-rows.mjs`, metrics `ets_*_rows`).

import { rate, report, shuffledRange, size } from "./common.mjs";
import { rowsSuite } from "./ets-rows.mjs";
import { BTree, TupleMap } from "./tables.mjs";

const N = size(1_000_000);
const SCANS = 1_000;
const ROWS = 100;

async function suite(n, print) {
  const ins = shuffledRange(n);
  const look = shuffledRange(n);
  let check = 0;

  const set = new Map();
  const setInsert = await rate(n, () => {
    for (let i = 0; i < n; i++) set.set(ins[i], ins[i]);
  });
  const setLookup = await rate(n, () => {
    for (let i = 0; i < n; i++) check += set.get(look[i]);
  });

  const tset = new TupleMap();
  const tupleInsert = await rate(n, () => {
    for (let i = 0; i < n; i++) {
      const k = ins[i];
      tset.set([k, k % 1000], k);
    }
  });
  const tupleLookup = await rate(n, () => {
    for (let i = 0; i < n; i++) {
      const k = look[i];
      check += tset.get([k, k % 1000]);
    }
  });

  const oset = new BTree();
  const osetInsert = await rate(n, () => {
    for (let i = 0; i < n; i++) oset.set(ins[i], ins[i]);
  });
  const osetLookup = await rate(n, () => {
    for (let i = 0; i < n; i++) check += oset.get(look[i]);
  });
  const starts = new Int32Array(SCANS);
  for (let i = 0; i < SCANS; i++) starts[i] = Math.floor(Math.random() * Math.max(1, n - ROWS));
  const range = await rate(SCANS, () => {
    for (let i = 0; i < SCANS; i++) {
      const rows = [];
      oset.range(starts[i], ROWS, (_k, v) => rows.push(v));
      check += rows.length;
    }
  });

  const expected = 3 * ((n * (n - 1)) / 2) + SCANS * Math.min(ROWS, n);
  if (check !== expected) throw new Error(`check ${check} !== ${expected}`);
  if (print) {
    report("ets_set_insert", setInsert, "ops/s");
    report("ets_set_lookup", setLookup, "ops/s");
    report("ets_set_tuple_insert", tupleInsert, "ops/s");
    report("ets_set_tuple_lookup", tupleLookup, "ops/s");
    report("ets_oset_insert", osetInsert, "ops/s");
    report("ets_oset_lookup", osetLookup, "ops/s");
    report("ets_oset_range100", range, "scans/s");
  }
}

await suite(Math.max(ROWS + 1, N / 10), false); // warm-up
await suite(N, true);
await rowsSuite(Math.max(ROWS + 1, N / 10), false); // warm-up
await rowsSuite(N, true);
