// The periodic sample behind the live page: one process scan per tick while somebody
// watches, shared by every client; the scan's cost sets how often it may run.

import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Pid, Runtime } from "@trellis/core";
import { type ProcessRow, scanProcesses } from "./model.js";

/** One tick's figures, as the page charts them. */
export interface Stats {
  readonly type: "stats";
  /** Wall-clock time of the sample (ms since the epoch). */
  readonly time: number;
  readonly processes: number;
  /** Messages handled per second since the last sample (Trellis's reductions). */
  readonly messagesPerSecond: number;
  /** Event-loop (scheduler) delay over the last interval, in ms. */
  readonly latencyP99: number;
  readonly latencyMax: number;
  /** Restarts seen since the observer started. */
  readonly restarts: number;
  /** How long the process scan took, in ms (in chunks: the event loop runs in between). */
  readonly scanMs: number;
}

export class Sampler {
  rows: Map<Pid, ProcessRow> = new Map();
  restarts = 0;
  /** Reductions of processes that exited since the last sample (from telemetry). */
  exitedReductions = 0;
  private lastTotal: number | undefined = undefined;
  private lastTime = 0;
  private timer: NodeJS.Timeout | undefined = undefined;
  private readonly delay = monitorEventLoopDelay({ resolution: 10 });
  private scannedAt = Number.NEGATIVE_INFINITY;
  private scanMs = 0;
  private scanning: Promise<void> | undefined = undefined;
  private running = false;
  /** Bumped by each start: a tick of an earlier start ends instead of continuing. */
  private generation = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly intervalMs: number,
    private readonly onStats: (s: Stats) => void,
  ) {}

  /** Starts ticking (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.delay.enable();
    void this.tick(++this.generation);
  }

  /** Stops ticking. */
  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.delay.disable();
  }

  /** The process rows, rescanned first if the last scan is older than the spacing allows. */
  async fresh(): Promise<Iterable<ProcessRow>> {
    if (performance.now() - this.scannedAt >= this.spacing()) await this.scan();
    return this.rows.values();
  }

  /** How long to wait between scans: the interval, or ten times what the last scan took. */
  private spacing(): number {
    return Math.max(this.intervalMs, this.scanMs * 10);
  }

  /** One scan at a time; callers during a scan share it. */
  private scan(): Promise<void> {
    this.scanning ??= (async () => {
      const t0 = performance.now();
      try {
        this.rows = await scanProcesses(this.rt, this.rows);
      } finally {
        this.scannedAt = performance.now();
        this.scanMs = this.scannedAt - t0;
        this.scanning = undefined;
      }
    })();
    return this.scanning;
  }

  private async tick(generation: number): Promise<void> {
    this.timer = undefined;
    await this.scan();
    if (!this.running || generation !== this.generation) return;
    let total = this.exitedReductions;
    for (const r of this.rows.values()) total += r.reductions;
    const now = Date.now();
    const mps =
      this.lastTotal === undefined || now === this.lastTime
        ? 0
        : Math.max(0, ((total - this.lastTotal) * 1000) / (now - this.lastTime));
    this.lastTotal = total - this.exitedReductions;
    this.exitedReductions = 0;
    this.lastTime = now;
    const h = this.delay;
    const stats: Stats = {
      type: "stats",
      time: now,
      processes: this.rows.size,
      messagesPerSecond: Math.round(mps),
      latencyP99: h.count === 0 ? 0 : round(h.percentile(99) / 1e6),
      latencyMax: h.count === 0 ? 0 : round(h.max / 1e6),
      restarts: this.restarts,
      scanMs: round(this.scanMs),
    };
    h.reset();
    this.onStats(stats);
    // A scan that takes long spaces the ticks out: the observer stays under ~10% of the loop.
    this.timer = setTimeout(() => void this.tick(generation), this.spacing());
    this.timer.unref();
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
