// Crash storm (issue #16): a supervisor with N GenServer workers, crashed over and over by
// seven methods, with hostile exit reasons and hostile messages, for a bounded time. At the
// end every worker must be back and answering, the supervisor must list exactly its
// children, nothing else may be left running, and no call may be left pending.
//
//   node --conditions=@trellis/source --import tsx bench/src/stress/crash-storm.ts [--small]
//   (from the root: pnpm --filter @trellis/bench stress, or stress:small for CI)
//
// Environment: STORM_SECONDS (storm duration, default 20; --small: 3), STORM_WORKERS
// (default 200; --small: 20). Exit code 0 when every check passes, 1 when one fails, 2 when
// the watchdog fires (something hung).
import { createRuntime, exit, formatReason, type LogReport, Pid, whereis } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import * as Supervisor from "@trellis/supervisor";

const small = process.argv.includes("--small");
const seconds = Number(process.env["STORM_SECONDS"] ?? (small ? 3 : 20));
const workers = Number(process.env["STORM_WORKERS"] ?? (small ? 20 : 200));

// The watchdog: the storm, the recovery and the checks together get a fixed budget.
const budgetMs = (seconds + 30) * 1000;
const watchdog = setTimeout(() => {
  console.error(`crash-storm: still running after ${budgetMs} ms: something hangs`);
  process.exit(2);
}, budgetMs);
watchdog.unref();

// ---------------------------------------------------------------------------------------
// Hostile values

function hostileReason(i: number): unknown {
  switch (i % 7) {
    case 0: {
      const r = Proxy.revocable({}, {});
      r.revoke();
      return r.proxy;
    }
    case 1: {
      const e = new Error("named by a symbol");
      Object.defineProperty(e, "name", { value: Symbol("evil") });
      return e;
    }
    case 2: {
      let deep: unknown[] = [];
      for (let d = 0; d < 5000; d++) deep = [deep];
      return deep;
    }
    case 3: {
      const o: Record<string, unknown> = {};
      o["self"] = o;
      return o;
    }
    case 4:
      return {
        get boom(): never {
          throw new Error("getter");
        },
      };
    case 5:
      return new Error(`plain crash ${i}`);
    default:
      return Symbol("reason");
  }
}

function hostileMessage(i: number): unknown {
  if (i % 2 === 0) {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return r.proxy;
  }
  const boom = (): never => {
    throw new Error("trap");
  };
  return new Proxy({}, { get: boom, has: boom, getPrototypeOf: boom, ownKeys: boom });
}

// ---------------------------------------------------------------------------------------
// The worker: each crash method is a cast, so the storm never waits on a victim.

type Crash =
  | { readonly how: "throw"; readonly reason: unknown }
  | { readonly how: "reject"; readonly reason: unknown }
  | { readonly how: "exit"; readonly reason: unknown }
  | { readonly how: "timer"; readonly reason: unknown }
  | { readonly how: "forgotten"; readonly reason: unknown };

const METHODS = [
  "throw", // a throw in a callback
  "reject", // an async callback that rejects
  "exit", // exit(reason) from process code
  "timer", // a throw escaping from a setTimeout callback the process started
  "forgotten", // a promise rejected and never awaited
  "signal", // exit(pid, reason) from outside
  "kill", // exit(pid, "kill")
] as const;

const Worker = GenServer.define({
  init: (_n: number) => GenServer.Result.ok(0),
  handleCall: (_req: GenServer.Request<"ping", "pong">, _from, n) =>
    GenServer.Result.reply("pong" as const, n),
  handleCast: async (c: Crash, n) => {
    switch (c.how) {
      case "throw":
        throw c.reason;
      case "reject":
        await Promise.resolve();
        throw c.reason;
      case "exit":
        exit(c.reason);
        break;
      case "timer":
        setTimeout(() => {
          throw c.reason;
        }, 0);
        break;
      case "forgotten":
        void Promise.reject(c.reason);
        break;
    }
    return GenServer.Result.noreply(n + 1);
  },
  handleInfo: (_msg, n) => GenServer.Result.noreply(n),
});

// ---------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const counts = { crash: 0, error: 0, warning: 0, other: 0 };
  const logger = {
    log(r: LogReport): void {
      if (r.kind in counts) counts[r.kind as keyof typeof counts]++;
      else counts.other++;
      void formatReason(r.reason); // a logger that formats hostile reasons must survive
    },
  };
  const rt = createRuntime({ logger });
  const heapBefore = process.memoryUsage().heapUsed;
  const done: Record<string, number> = {};
  for (const m of METHODS) done[m] = 0;
  let hostileMessages = 0;
  const problems: string[] = [];

  const result = await rt.run(async () => {
    const names = Array.from({ length: workers }, (_, i) => `w${i}`);
    const sup = await Supervisor.startLink(
      names.map((name) => GenServer.childSpec(Worker, 0, { id: name, name })),
      { strategy: "one_for_one", maxRestarts: 1_000_000_000, maxSeconds: 1 },
    );
    const t0 = performance.now();
    let i = 0;
    while (performance.now() - t0 < seconds * 1000) {
      for (let burst = 0; burst < 200; burst++, i++) {
        const name = names[(i * 7919) % workers] as string;
        const pid = whereis(name);
        const method = METHODS[i % METHODS.length] as (typeof METHODS)[number];
        if (pid === undefined) continue; // restarting
        const reason = hostileReason(i);
        if (method === "signal") exit(pid, reason);
        else if (method === "kill") exit(pid, "kill");
        else GenServer.cast(pid as Pid, { how: method, reason } as Crash);
        done[method] = (done[method] ?? 0) + 1;
        if (i % 50 === 0) {
          rt.send(sup, hostileMessage(i));
          rt.send(pid, hostileMessage(i + 1));
          hostileMessages += 2;
        }
      }
      // let the scheduler, the timers and the restarts run
      await new Promise((r) => setImmediate(r));
    }
    // Recovery: every worker is back and answers.
    const deadline = performance.now() + 10_000;
    for (const name of names) {
      for (;;) {
        const pid = whereis(name);
        if (pid !== undefined) {
          try {
            if ((await GenServer.call(pid, "ping", { timeout: 1000 })) === "pong") break;
          } catch {
            // it died again between whereis and call: retry
          }
        }
        if (performance.now() > deadline) {
          problems.push(`${name} did not come back within 10 s`);
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const kids = await Supervisor.whichChildren(sup);
    if (kids.length !== workers) problems.push(`the supervisor lists ${kids.length} children`);
    for (const k of kids) {
      if (!(k.pid instanceof Pid) || !rt.isAlive(k.pid))
        problems.push(`child ${String(k.id)} is not alive`);
      else if (whereis(String(k.id)) !== k.pid)
        problems.push(`child ${String(k.id)}: the supervisor lists a pid its name does not hold`);
    }
    if (!rt.isAlive(sup)) problems.push("the supervisor died");
    await Supervisor.stop(sup);
    return i;
  });

  await new Promise((r) => setTimeout(r, 50));
  const left = rt.processes().length;
  if (left !== 0) problems.push(`${left} process(es) left after the supervisor stopped`);
  if (rt.pendingCalls() !== 0) problems.push(`${rt.pendingCalls()} call(s) left pending`);
  if (rt.pendingTimers() !== 0) problems.push(`${rt.pendingTimers()} timer(s) left pending`);
  await rt.shutdown();
  globalThis.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;

  console.log(
    `crash-storm: ${Object.values(done).reduce((a, b) => a + b, 0)} crashes (${result} attempts) in ${seconds} s over ${workers} workers (${METHODS.map((m) => `${m} ${done[m]}`).join(", ")}), ${hostileMessages} hostile messages`,
  );
  console.log(
    `crash-storm: reports: ${counts.crash} crash, ${counts.error} error, ${counts.warning} warning; heap ${Math.round(heapBefore / 1e6)} MB -> ${Math.round(heapAfter / 1e6)} MB`,
  );
  for (const p of problems) console.error(`crash-storm: FAIL: ${p}`);
  if (problems.length === 0) console.log("crash-storm: OK, every worker recovered");
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error("crash-storm: the storm itself failed:", e);
    process.exit(1);
  },
);
