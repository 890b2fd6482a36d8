// The plain-JS limit of the ets workload with rows: the same structures as `ets.mjs` (a `Map`,
// `TupleMap` and `BTree` from `tables.mjs`), each holding the `[key, value]` row arrays that
// the Trellis and BEAM tables store, and each lookup reading the row it finds (`row[1]`), as
// the Trellis program reads `Ets.lookup(t, k)[0][1]`. What this limit does not do, and ETS
// does: the `[row]` list a lookup returns, the handle and access checks, the key checked as a
// term and compared as `=:=`. Metrics: the `ets_*` names of `ets.mjs` with a `_rows` suffix.
import { rate, report, shuffledRange } from "./common.mjs";
import { BTree, TupleMap } from "./tables.mjs";

const SCANS = 1_000;
const ROWS = 100;

function check(got, expected, what) {
  if (got !== expected) throw new Error(`${what}: got ${got}, expected ${expected}`);
}

/** Runs the row workloads on `n` keys; prints the metrics when `print`. */
export async function rowsSuite(n, print) {
  const ins = shuffledRange(n);
  const look = shuffledRange(n);
  const sum = (n * (n - 1)) / 2;

  const set = new Map();
  const setInsert = await rate(n, () => {
    for (let i = 0; i < n; i++) {
      const k = ins[i];
      set.set(k, [k, k]);
    }
  });
  const setLookup = await rate(n, () => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += set.get(look[i])[1];
    check(acc, sum, "set lookup");
  });
  set.clear();

  const tset = new TupleMap();
  const tupleInsert = await rate(n, () => {
    for (let i = 0; i < n; i++) {
      const k = ins[i];
      const key = [k, k % 1000];
      tset.set(key, [key, k]);
    }
  });
  const tupleLookup = await rate(n, () => {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const k = look[i];
      acc += tset.get([k, k % 1000])[1];
    }
    check(acc, sum, "tuple set lookup");
  });

  const oset = new BTree();
  const osetInsert = await rate(n, () => {
    for (let i = 0; i < n; i++) {
      const k = ins[i];
      oset.set(k, [k, k]);
    }
  });
  const osetLookup = await rate(n, () => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += oset.get(look[i])[1];
    check(acc, sum, "ordered set lookup");
  });
  const starts = new Int32Array(SCANS);
  for (let i = 0; i < SCANS; i++) starts[i] = Math.floor(Math.random() * Math.max(1, n - ROWS));
  const range = await rate(SCANS, () => {
    let acc = 0;
    for (let i = 0; i < SCANS; i++) {
      const rows = [];
      oset.range(starts[i], ROWS, (_k, row) => rows.push(row));
      acc += rows.length;
    }
    check(acc, SCANS * Math.min(ROWS, n), "range scans");
  });

  if (print) {
    report("ets_set_insert_rows", setInsert, "ops/s");
    report("ets_set_lookup_rows", setLookup, "ops/s");
    report("ets_set_tuple_insert_rows", tupleInsert, "ops/s");
    report("ets_set_tuple_lookup_rows", tupleLookup, "ops/s");
    report("ets_oset_insert_rows", osetInsert, "ops/s");
    report("ets_oset_lookup_rows", osetLookup, "ops/s");
    report("ets_oset_range100_rows", range, "scans/s");
  }
}
