// The guide's jobs module (docs/guides/multi-core.md): what worker nodes run.
import { type Pid, receive, register, send, spawn } from "@trellis/core";
import type { SharedCounters } from "../../src/index.js";

/** Boot export of a supervised worker node: registers "jobs", which answers pings. */
export function start(): void {
  const pid = spawn(async () => {
    for (;;) {
      const m = (await receive()) as { ping: Pid };
      send(m.ping, "pong");
    }
  });
  register("jobs", pid);
}

/** Serves `n` requests: counts each in `stats` (1: requests), then reports to `to`. */
export function serve(stats: SharedCounters, n: number, to: Pid): void {
  for (let i = 0; i < n; i++) stats.add(1, 1);
  send(to, "served");
}
