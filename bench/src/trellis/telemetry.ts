// The cost of telemetry on the call and ring workloads, measured in one process with the
// variants interleaved (5 rounds, medians): nobody listening (the default), a handler
// attached to an unrelated event (every emit point then looks its event up), and handlers on
// the events the workload emits (calls: call start/stop and handleCall start/stop).
import {
  createRuntime,
  exit,
  type Pid,
  receive,
  self,
  send,
  setMessageHandler,
  spawn,
} from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { rate, report, size, warm } from "./common.js";
import { Counter } from "./server.js";

const CALLS = size(300_000);
const RING = size(1_000);
const LAPS = size(300);
const ROUNDS = 5;
const rt = createRuntime();
const noop = (): void => {};

type Mode = "off" | "unrelated" | "on";

function listen(mode: Mode): void {
  if (mode === "unrelated") rt.telemetry.attach("bench", ["bench", "unrelated"], noop);
  if (mode === "on") {
    rt.telemetry.attachMany(
      "bench",
      [
        ["trellis", "call", "start"],
        ["trellis", "call", "stop"],
        ["trellis", "genServer", "handleCall", "start"],
        ["trellis", "genServer", "handleCall", "stop"],
        ["trellis", "process", "spawn"],
        ["trellis", "process", "exit"],
      ],
      noop,
    );
  }
}

async function calls(n: number, mode: Mode): Promise<number> {
  return rt.run(async () => {
    const counter = await GenServer.start(Counter, 0);
    listen(mode);
    const r = await rate(n, async () => {
      for (let i = 0; i < n; i++) await GenServer.call(counter, "inc");
    });
    rt.telemetry.detach("bench");
    await GenServer.stop(counter);
    return r;
  });
}

async function ring(n: number, hops: number, mode: Mode): Promise<number> {
  return rt.run(async () => {
    listen(mode);
    const main = self();
    const pids: Pid[] = [];
    for (let i = 0; i < n; i++) {
      pids.push(
        spawn(() => {
          let next: Pid | undefined;
          setMessageHandler((m) => {
            if (next === undefined) next = m as Pid;
            else if (m === 0) send(main, "done");
            else send(next, (m as number) - 1);
          });
        }),
      );
    }
    for (let i = 0; i < n; i++) send(pids[i] as Pid, pids[(i + 1) % n] as Pid);
    const r = await rate(hops, async () => {
      send(pids[0] as Pid, hops);
      await receive((m) => m === "done");
    });
    for (const pid of pids) exit(pid, "kill");
    rt.telemetry.detach("bench");
    return r;
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const modes: Mode[] = ["off", "unrelated", "on"];
const results = new Map<string, number[]>();
const push = (k: string, v: number) => results.set(k, [...(results.get(k) ?? []), v]);
for (const mode of modes) await calls(warm(CALLS), mode);
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of modes) {
    push(`call_telemetry_${mode}`, await calls(CALLS, mode));
    push(`ring_telemetry_${mode}`, await ring(RING, RING * LAPS, mode));
  }
}
for (const [name, xs] of results)
  report(name, median(xs), name.startsWith("call") ? "calls/s" : "hops/s");
const ratio = (a: string, b: string) =>
  (median(results.get(a) ?? []) / median(results.get(b) ?? [])) * 100;
report("call_unrelated_vs_off", ratio("call_telemetry_unrelated", "call_telemetry_off"), "%");
report("call_on_vs_off", ratio("call_telemetry_on", "call_telemetry_off"), "%");
report("ring_on_vs_off", ratio("ring_telemetry_on", "ring_telemetry_off"), "%");
await rt.shutdown();
