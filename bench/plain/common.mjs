// Helpers shared by the plain-JS programs. Each program prints lines `name value unit`.
import { performance } from "node:perf_hooks";

/** SCALE (default 1) multiplies every workload size; handy for a quick smoke run. */
const SCALE = Number(process.env.SCALE ?? "1");

/** The size to use for a workload whose full size is `n` (at least 1). */
export function size(n) {
  return Math.max(1, Math.round(n * SCALE));
}

/** Times `fn` (sync or async) once; returns operations per second for `ops` operations. */
export async function rate(ops, fn) {
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  return ops / (ms / 1000);
}

/** Prints one result line. Small values keep two decimals. */
export function report(name, value, unit) {
  const text = Math.abs(value) < 100 ? value.toFixed(2) : String(Math.round(value));
  console.log(`${name} ${text} ${unit}`);
}

/** Bytes in use (heap + external + array buffers) after two full collections. */
export function usedMemory() {
  if (typeof globalThis.gc !== "function") {
    throw new Error("run node with --expose-gc for memory figures");
  }
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

/** Resolves on a later turn of the event loop. */
export function tick() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The integers 0..n-1 in a random order (Fisher–Yates), as an Int32Array. */
export function shuffledRange(n) {
  const keys = new Int32Array(n);
  for (let i = 0; i < n; i++) keys[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = (Math.random() * (i + 1)) | 0;
    const t = keys[i];
    keys[i] = keys[j];
    keys[j] = t;
  }
  return keys;
}

/** The value at quantile `q` (0..1) of an ascending-sorted array (nearest rank). */
export function quantile(sorted, q) {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}
