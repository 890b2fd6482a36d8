// Timeliness under overload (beam/overload.exs): CALLERS concurrent callers against SERVERS
// GenServers under a one_for_one supervisor. Servers 0–9 are slow (each call sleeps SLOW_MS),
// servers 10–19 crash on every CRASH_EVERY-th call (and are restarted), the rest reply at
// once. Each caller makes CALLS calls with a TIMEOUT_MS timeout, to server (caller + 7k) mod
// SERVERS for its k-th call, by registered name; a timeout or an exit is caught and the
// caller goes on. Meanwhile the main program (outside the runtime) takes a 1 ms setTimeout
// after another and records how long each really took.
//
// Prints: overload_calls (calls/s over the whole run); overload_timeouts (calls that timed
// out); overload_late (timeouts that fired later than TIMEOUT_MS + LATE_MS after the call);
// overload_late_p50 / _p99 (how late a timeout fired past TIMEOUT_MS, over all timeouts);
// overload_loop_p99 (p99 of the 1 ms timer: the event loop's delay under this load).
import {
  CallTimeoutError,
  type ChildSpec,
  createRuntime,
  isInstanceOf,
  sleep,
} from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import * as Supervisor from "@trellis/supervisor";
import { delay, quantile, report, size, tick, warm } from "./common.js";

const SERVERS = 100;
const SLOW = 10;
const CRASHING = 10;
const SLOW_MS = 20;
const CRASH_EVERY = 20;
const CALLERS = size(10_000);
const CALLS = 10;
const TIMEOUT_MS = 100;
const LATE_MS = 50;

const { ok, reply } = GenServer.Result;

const Server = GenServer.define({
  init: (kind: number) => ok({ kind, n: 0 }),
  // Only a slow server's call is asynchronous (it sleeps, as Process.sleep on the BEAM).
  handleCall: (_req: "work", _from, s: { kind: number; n: number }) => {
    s.n++;
    if (s.kind === 1) return sleep(SLOW_MS).then(() => reply(s.n, s));
    if (s.kind === 2 && s.n % CRASH_EVERY === 0) throw new Error("crash on request");
    return reply(s.n, s);
  },
});

const rt = createRuntime({ logger: { log() {} } });

async function overload(callers: number) {
  const children: ChildSpec[] = [];
  for (let i = 0; i < SERVERS; i++) {
    const kind = i < SLOW ? 1 : i < SLOW + CRASHING ? 2 : 0;
    children.push(GenServer.childSpec(Server, kind, { id: `s${i}`, name: `s${i}` }));
  }
  let timeouts = 0;
  let late = 0;
  const lateness: number[] = [];
  let done = 0;
  const t0 = performance.now();
  let seconds = 0;
  const waits: number[] = [];
  await rt.run(async () => {
    const sup = await Supervisor.startLink(children, {
      strategy: "one_for_one",
      maxRestarts: 1_000_000_000,
      maxSeconds: 1,
    });
    for (let c = 0; c < callers; c++) {
      rt.spawn(async () => {
        for (let k = 0; k < CALLS; k++) {
          const started = performance.now();
          try {
            await GenServer.call(`s${(c + 7 * k) % SERVERS}`, "work", TIMEOUT_MS);
          } catch (e) {
            if (isInstanceOf(e, CallTimeoutError)) {
              const past = performance.now() - started - TIMEOUT_MS;
              timeouts++;
              lateness.push(past);
              if (past > LATE_MS) late++;
            }
          }
        }
        done++;
      });
    }
    // The 1 ms timer probe: a plain setTimeout (no process timer) after another.
    while (done < callers) {
      const t = performance.now();
      await delay(1);
      waits.push(performance.now() - t);
    }
    seconds = (performance.now() - t0) / 1000;
    await Supervisor.stop(sup);
  });
  await tick();
  const sortedLate = Float64Array.from(lateness).sort();
  return {
    calls: (callers * CALLS) / seconds,
    timeouts,
    late,
    lateP50: quantile(sortedLate, 0.5),
    lateP99: quantile(sortedLate, 0.99),
    loopP99: quantile(Float64Array.from(waits).sort(), 0.99),
  };
}

await overload(warm(CALLERS));
const r = await overload(CALLERS);
report("overload_calls", r.calls, "calls/s");
report("overload_timeouts", r.timeouts, "timeouts");
report("overload_late", r.late, "late");
report("overload_late_p50", Math.max(0, r.lateP50), "ms");
report("overload_late_p99", Math.max(0, r.lateP99), "ms");
report("overload_loop_p99", r.loopP99, "ms");
await rt.shutdown();
