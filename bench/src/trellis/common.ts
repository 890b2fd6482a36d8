// Helpers shared by the Trellis programs. Each program prints lines `name value unit`, with
// the same metric names as the BEAM and plain-JS programs.
import { performance } from "node:perf_hooks";

const SCALE = Number(process.env["SCALE"] ?? "1");

/** The size to use for a workload whose full size is `n` (at least 1). */
export function size(n: number): number {
  return Math.max(1, Math.round(n * SCALE));
}

/** The warm-up size: a tenth of the full size. */
export function warm(n: number): number {
  return Math.max(1, Math.floor(n / 10));
}

/**
 * With `CPU_TIME=1`, rates are per second of this process's CPU time (user + system) instead
 * of wall-clock time: for before/after comparisons on a shared machine, where other load
 * skews wall-clock rates (helper threads such as the GC's count too, so the rates are not
 * comparable with wall-clock ones).
 */
const CPU_TIME = process.env["CPU_TIME"] === "1";

/** Milliseconds: wall-clock, or CPU time with `CPU_TIME=1`. */
function now(): number {
  if (!CPU_TIME) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Times `fn` once; returns operations per second for `ops` operations. */
export async function rate(ops: number, fn: () => unknown): Promise<number> {
  const t0 = now();
  await fn();
  return ops / ((now() - t0) / 1000);
}

/** Prints one result line. Small values keep two decimals. */
export function report(name: string, value: number, unit: string): void {
  const text = Math.abs(value) < 100 ? value.toFixed(2) : String(Math.round(value));
  console.log(`${name} ${text} ${unit}`);
}

/** Bytes in use (heap + external + array buffers) after two full collections. */
export function usedMemory(): number {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error("run node with --expose-gc for memory figures");
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

/** Resolves on a later turn of the event loop. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves after `ms` milliseconds (a plain timer, outside any process). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The value at quantile `q` (0..1) of an ascending-sorted array (nearest rank). */
export function quantile(sorted: Float64Array, q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

/** The integers 0..n-1 in a random order (Fisher–Yates), as an Int32Array. */
export function shuffledRange(n: number): Int32Array {
  const keys = new Int32Array(n);
  for (let i = 0; i < n; i++) keys[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = (Math.random() * (i + 1)) | 0;
    const t = keys[i] ?? 0;
    keys[i] = keys[j] ?? 0;
    keys[j] = t;
  }
  return keys;
}
