// The demo: starts the service's supervision tree in a runtime, drives a scripted scenario
// through the real HTTP API (payments authorized, captured, refunded, declined, voided by a
// state timeout; a rate-limited burst; a crashing and a hanging backend; a killed session
// and a killed payment machine), then a short load with faults injected while it runs,
// and checks the invariants: every request answered, no payment lost or captured twice,
// every crashed process restarted or cleanly gone, nothing left running after shutdown.
// main.ts runs it; test/demo.test.ts runs a shorter one.
import {
  createRuntime,
  currentRuntime,
  downFor,
  exit,
  type LogReport,
  monitor,
  type Pid,
  Pid as PidClass,
  type Runtime,
  receive,
  self,
  sleep,
  TIMEOUT,
  trapExit,
  whereis,
} from "@trellis/core";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as Supervisor from "@trellis/supervisor";
import { Client, type Json, type Reply } from "./client.js";
import * as Config from "./config.js";
import { whereisCustomer } from "./customer.js";
import * as Events from "./events.js";
import * as Http from "./http.js";
import { keyOf, name, PAYMENTS, ROOT, TASKS } from "./names.js";
import { LatencyHistogram } from "./quantiles.js";
import * as Service from "./service.js";
import { ledger } from "./store.js";

/** The demo's configuration: the production settings with short, real timeouts. */
export const DEMO_CONFIG: Config.Config = {
  ...Config.DEFAULT_CONFIG,
  authorizationTimeoutMs: 5000,
  settledRetentionMs: 30_000,
  maxAmountCents: 100_000,
  sessionIdleMs: 30_000,
  rateLimit: { capacity: 5, refill: 5, intervalMs: 400 },
  backendTimeoutMs: 400,
  cacheTtlMs: 30_000,
  backends: {
    accounts: { mode: "ok", latencyMs: 10 },
    risk: { mode: "ok", latencyMs: 20 },
    loyalty: { mode: "ok", latencyMs: 15 },
  },
};

export interface DemoOptions {
  /** Where the narrative goes. Default: `console.log`. */
  readonly print?: (line: string) => void;
  /** How long the load phase runs, in ms; 0 skips it. Default 1500. */
  readonly loadMs?: number;
  /** Concurrent clients in the load phase. Default 8. */
  readonly clients?: number;
  /**
   * Called with the demo's runtime once it exists (main.ts starts the observer on it with
   * `--observer`); the function it resolves with runs just before the runtime shuts down.
   */
  readonly attach?: (runtime: Runtime) => Promise<() => Promise<void>>;
}

/** One checked invariant. */
export interface Invariant {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface DemoResult {
  readonly ok: boolean;
  readonly invariants: readonly Invariant[];
}

// -----------------------------------------------------------------------------------------
// The narrative

const short = (text: string, max = 110): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

class Narrator {
  readonly print: (line: string) => void;
  /** While muted (the load phase), journal lines are counted, not printed. */
  muted = false;
  mutedLines = 0;
  private section = 0;

  constructor(print: (line: string) => void) {
    this.print = print;
  }

  title(text: string): void {
    this.section++;
    this.print("");
    this.print(`${this.section}. ${text}`);
  }

  /** Something the demo itself does. */
  act(text: string): void {
    this.print(`   demo: ${text}`);
  }

  /** An explanation. */
  note(text: string): void {
    this.print(`   ${text}`);
  }

  /** A line from inside the service (audit log, supervisor reports). */
  journal(line: string): void {
    if (this.muted) this.mutedLines++;
    else this.print(`       ${line}`);
  }
}

/** Turns the runtime's reports into journal lines: supervisor restarts and crashes. */
class ReportReader {
  private readonly narrator: Narrator;
  /** The supervisors that reported a child's exit and have not reported its restart yet. */
  private readonly pending = new Set<Pid>();
  /** Abnormal exits of supervised children (backend tasks aside). */
  exits = 0;
  restarts = 0;
  crashes = 0;
  unexpected: string[] = [];

  constructor(narrator: Narrator) {
    this.narrator = narrator;
  }

  log(r: LogReport): void {
    const sup = r.pid;
    const report = r["report"];
    if (report === "child_terminated" && sup !== undefined) {
      if (r.name === TASKS) return; // a backend task: the audit log tells why it failed
      const id = r["childId"];
      const child = typeof id === "string" ? `child ${id}` : "child";
      const reason = r.reason instanceof Error ? r.reason.message : String(r.reason);
      const kind = r.name === undefined ? "Supervisor" : "DynamicSupervisor";
      this.exits++;
      this.pending.add(sup);
      this.narrator.journal(
        `[${kind}] ${label(sup)}: ${child} ${String(r["childPid"])} exited (${reason}); restarting it`,
      );
      return;
    }
    if (report === "progress" && sup !== undefined && this.pending.delete(sup)) {
      this.restarts++; // the restart of the child whose exit came before
      return;
    }
    if (r.kind === "crash") {
      this.crashes++;
      return; // the process's own crash report; its supervisor's report says the rest
    }
    if (r.kind === "error" || r.kind === "warning") {
      this.unexpected.push(short(r.message, 300));
      this.narrator.journal(`[logger] ${short(r.message)}`);
    }
  }
}

/** How the demo names a process: its local name, its registry key, or its pid. */
function label(pid: Pid): string {
  const info = currentRuntime().processInfo(pid);
  if (info?.registeredName !== undefined) return info.registeredName;
  return keyOf(pid) ?? String(pid);
}

const KINDS: Readonly<Record<string, string>> = {
  config: "Agent",
  events: "GenEvent manager",
  "event-handlers": "GenServer",
  store: "GenServer, owns the ETS tables",
  registry: "Registry, unique keys",
  tasks: "Task.Supervisor",
  payments: "DynamicSupervisor",
  customers: "DynamicSupervisor",
  http: "GenServer, node:http listener",
  limiter: "GenServer",
  session: "GenServer",
};

/** Prints the supervision tree, with restart counts. */
async function printTree(n: Narrator, root: Pid): Promise<void> {
  n.note(`${ROOT} ${root}  Supervisor, rest_for_one`);
  const restarted = (node: Supervisor.TreeNode): boolean =>
    node.restarts > 0 || (node.children ?? []).some(restarted);
  const walk = (nodes: readonly Supervisor.TreeNode[], indent: string): void => {
    let ordered = [...nodes].reverse(); // whichChildren lists the newest first
    // long lists (a DynamicSupervisor's children): the first few and the restarted ones
    const dynamic = ordered.length > 6 && ordered.every((c) => c.id === undefined);
    const hidden = dynamic ? ordered.filter((c, i) => i >= 3 && !restarted(c)) : [];
    ordered = ordered.filter((c) => !hidden.includes(c));
    if (hidden.length > 0) {
      const more = {
        ...hidden[0],
        id: `… ${hidden.length} more like these`,
      } as Supervisor.TreeNode;
      ordered.splice(3, 0, more);
    }
    ordered.forEach((node, i) => {
      const last = i === ordered.length - 1;
      const pid = node.pid instanceof PidClass ? node.pid : undefined;
      // the registry's children are its partitions, numbered
      const id =
        typeof node.id === "string"
          ? node.id
          : typeof node.id === "number"
            ? `partition ${node.id}`
            : undefined;
      if (typeof node.id === "string" && node.id.startsWith("…")) {
        n.note(`${indent}${last ? "└─" : "├─"} ${node.id}`);
        return;
      }
      const key = pid === undefined ? undefined : keyOf(pid);
      const what =
        key?.startsWith("customer/") === true
          ? "Supervisor, one_for_one"
          : key?.startsWith("payment/") === true
            ? "GenStateMachine"
            : typeof node.id === "number"
              ? "Registry partition"
              : (KINDS[id ?? ""] ?? "");
      const restarts = node.restarts > 0 ? `  restarts: ${node.restarts}` : "";
      n.note(
        `${indent}${last ? "└─" : "├─"} ${key ?? id ?? "?"} ${String(node.pid)}  ${what}${restarts}`,
      );
      if (node.children !== undefined) walk(node.children, `${indent}${last ? "   " : "│  "}`);
    });
  };
  walk(await Supervisor.tree(root), "");
}

// -----------------------------------------------------------------------------------------
// The scenario

/** Requests that print themselves, waiting for the audit log before printing the answer. */
class Api {
  readonly client: Client;
  readonly n: Narrator;

  constructor(client: Client, n: Narrator) {
    this.client = client;
    this.n = n;
  }

  async send(method: "GET" | "POST", path: string, body?: Json): Promise<Reply> {
    this.n.print(`   → ${method} ${path}${body === undefined ? "" : ` ${JSON.stringify(body)}`}`);
    const reply = await this.client.request(method, path, body);
    await Events.flush(); // what the request caused is in the journal before its answer
    this.n.print(`   ← ${reply.status} ${short(JSON.stringify(reply.body))}`);
    return reply;
  }

  get(path: string): Promise<Reply> {
    return this.send("GET", path);
  }

  post(path: string, body: Json = {}): Promise<Reply> {
    return this.send("POST", path, body);
  }
}

const str = (v: unknown): string => (typeof v === "string" ? v : String(v));

/** What the scenario expects of each payment it created: its id and final state. */
type Expected = Map<string, string>;

async function scripted(api: Api, n: Narrator, expected: Expected): Promise<void> {
  n.title("A payment, start to end: authorize → capture → refund (GenStateMachine)");
  const ann = await api.post("/customers/ann/payments", { amount: 1250 });
  const annId = str(ann.body["id"]);
  await api.post(`/payments/${annId}/capture`);
  await api.post(`/payments/${annId}/refund`);
  expected.set(annId, "refunded");

  n.title("A payment is captured once, and a large one is declined");
  const bob = await api.post("/customers/bob/payments", { amount: 4000 });
  const bobId = str(bob.body["id"]);
  await api.post(`/payments/${bobId}/capture`);
  await api.post(`/payments/${bobId}/capture`);
  expected.set(bobId, "captured");
  const big = await api.post("/customers/bob/payments", { amount: 250_000 });
  expected.set(str(big.body["id"]), "declined");

  n.title("An authorization nobody captures is voided by its state timeout");
  n.act("Agent.update on the config: new authorizations hold 300 ms (instead of 5 s)");
  await Config.update((c) => ({ ...c, authorizationTimeoutMs: 300 }));
  const carol = await api.post("/customers/carol/payments", { amount: 990 });
  await Config.update((c) => ({
    ...c,
    authorizationTimeoutMs: DEMO_CONFIG.authorizationTimeoutMs,
  }));
  const carolId = str(carol.body["id"]);
  n.note("this request waits: the machine postpones it until its state changes");
  await api.get(`/payments/${carolId}?until=voided&timeout=5000`);
  await api.post(`/payments/${carolId}/capture`);
  expected.set(carolId, "voided");

  n.title("A payment machine killed mid-flow restarts from the ETS ledger");
  const dave = await api.post("/customers/dave/payments", { amount: 700 });
  const daveId = str(dave.body["id"]);
  const machine = whereis(name(`payment/${daveId}`));
  if (machine !== undefined) {
    n.act(`exit(${machine}, "kill") on the machine of ${daveId}, authorized, not captured yet`);
    exit(machine, "kill");
    await DynamicSupervisor.countChildren(PAYMENTS); // answered once it has dealt with the exit
    await Events.flush();
  }
  await api.post(`/payments/${daveId}/capture`);
  expected.set(daveId, "captured");

  n.title("A crashing session is restarted by its supervisor; its payments live on");
  const before = await api.get("/customers/ann");
  const session = whereis(name("session/ann"));
  if (session !== undefined) {
    n.act(
      `exit(${session}, "kill") on ann's session (${str(before.body["requests"])} requests so far)`,
    );
    const ref = monitor(session);
    exit(session, "kill");
    await receive(downFor(ref));
    const sup = whereisCustomer("ann");
    if (sup !== undefined) await Supervisor.countChildren(sup); // after it has restarted it
    await Events.flush();
  }
  await api.get("/customers/ann");
  await api.get(`/payments/${annId}`);

  n.title("A burst hits the rate limiter (token bucket GenServer, refilled by sendAfter)");
  const { capacity, intervalMs } = DEMO_CONFIG.rateLimit;
  n.note(
    `erin sends 8 requests at once; the bucket holds ${capacity}, refilled every ${intervalMs} ms`,
  );
  const burst = await Promise.all(
    Array.from({ length: 8 }, () => api.client.get("/customers/erin")),
  );
  await Events.flush();
  const ok = burst.filter((r) => r.status === 200).length;
  const limited = burst.filter((r) => r.status === 429);
  const retryAfter = Math.max(0, ...limited.map((r) => Number(r.headers.get("retry-after-ms"))));
  n.print(`   ← 200 ×${ok}, 429 ×${limited.length} (retry-after-ms: ${retryAfter})`);
  n.act(`waits the ${retryAfter} ms the 429 asked for, then tries again`);
  await sleep(retryAfter + 1);
  await api.get("/customers/erin");

  n.title("Profiles: backends asked in parallel tasks, cached in ETS, partial on failure");
  await api.get("/customers/frank/profile");
  await api.get("/customers/frank/profile");
  n.act(`Agent.update on the config: the loyalty backend crashes, the risk backend hangs`);
  await Config.setBackend("loyalty", { mode: "crash" });
  await Config.setBackend("risk", { mode: "slow" });
  await api.get("/customers/gina/profile");
  await Config.update((c) => ({ ...c, backends: DEMO_CONFIG.backends }));

  n.title("A quiet session stops itself (GenServer idle timeout)");
  n.act("Agent.update on the config: sessions started from now on stop after 250 ms idle");
  await Config.update((c) => ({ ...c, sessionIdleMs: 250 }));
  await api.get("/customers/hank");
  const hank = whereisCustomer("hank");
  if (hank !== undefined) {
    const ref = monitor(hank);
    const down = await receive(downFor(ref), { timeout: 5000 });
    await Events.flush();
    if (down !== TIMEOUT) {
      n.note(
        `customer/hank ${hank} exited "${str(down.reason)}": its significant child stopped (autoShutdown: "any_significant")`,
      );
    }
  }
}

// -----------------------------------------------------------------------------------------
// The load phase

export interface LoadStats {
  requests: number;
  byStatus: Map<number, number>;
  /** Streaming: constant memory, no sort on the progress line. */
  readonly latencies: LatencyHistogram;
  faults: number;
  /** Requests that got no answer at all (a reset connection…), by error. */
  readonly clientErrors: Map<string, number>;
  /** Payment ids answered 201, with the state the client last saw. */
  readonly created: Map<string, string>;
}

const CUSTOMER_POOL = Array.from({ length: 12 }, (_, i) => `load-${i + 1}`);

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/**
 * One load client: requests until `until`. A request that gets no answer (ECONNRESET, a
 * refused connection) is counted in `stats.clientErrors` and the client goes on after a
 * short pause: one bad connection must not end the load, nor the demo.
 */
export async function loadClient(client: Client, stats: LoadStats, until: number): Promise<void> {
  const timed = async (
    method: "GET" | "POST",
    path: string,
    body?: Json,
  ): Promise<Reply | undefined> => {
    const t0 = performance.now();
    let reply: Reply;
    try {
      reply = await client.request(method, path, body);
    } catch (e) {
      const code = (e as { cause?: { code?: unknown } }).cause?.code;
      const key = typeof code === "string" ? code : e instanceof Error ? e.message : String(e);
      stats.clientErrors.set(key, (stats.clientErrors.get(key) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return undefined;
    }
    stats.latencies.record(performance.now() - t0);
    stats.requests++;
    stats.byStatus.set(reply.status, (stats.byStatus.get(reply.status) ?? 0) + 1);
    return reply;
  };
  while (performance.now() < until) {
    const customer = pick(CUSTOMER_POOL);
    const dice = Math.random();
    if (dice < 0.45) {
      const r = await timed("POST", `/customers/${customer}/payments`, {
        amount: 100 + Math.floor(Math.random() * 5000),
      });
      if (r?.status !== 201) continue;
      const id = str(r.body["id"]);
      stats.created.set(id, "authorized");
      if (Math.random() < 0.8) {
        const c = await timed("POST", `/payments/${id}/capture`);
        if (c?.status === 200) stats.created.set(id, "captured");
        if (c?.status === 200 && Math.random() < 0.3) {
          const f = await timed("POST", `/payments/${id}/refund`);
          if (f?.status === 200) stats.created.set(id, "refunded");
        }
      }
    } else if (dice < 0.75) {
      await timed("GET", `/customers/${customer}/profile`);
    } else {
      await timed("GET", `/customers/${customer}`);
    }
  }
}

/** Kills or crashes something every `everyMs` while the load runs. */
async function injectFaults(stats: LoadStats, until: number, everyMs: number): Promise<void> {
  const faults = ["session", "payment", "limiter", "backend"] as const;
  for (let i = 0; performance.now() + everyMs < until; i++) {
    await sleep(everyMs);
    const fault = faults[i % faults.length] as (typeof faults)[number];
    if (fault === "backend") {
      await Config.setBackend("accounts", { mode: "crash" });
      await sleep(everyMs / 2);
      await Config.setBackend("accounts", { mode: "ok" });
      stats.faults++;
      continue;
    }
    const victims =
      fault === "payment"
        ? (await DynamicSupervisor.whichChildren(PAYMENTS)).flatMap((c) =>
            c.pid instanceof PidClass ? [c.pid] : [],
          )
        : CUSTOMER_POOL.flatMap((c) => {
            const pid = whereis(name(`${fault}/${c}`));
            return pid === undefined ? [] : [pid];
          });
    if (victims.length === 0) continue;
    const victim = pick(victims);
    exit(victim, fault === "limiter" ? new Error("injected fault") : "kill");
    stats.faults++;
  }
}

async function load(
  client: Client,
  n: Narrator,
  reports: ReportReader,
  loadMs: number,
  clients: number,
): Promise<LoadStats> {
  n.title(`Load: ${clients} concurrent clients for ${loadMs} ms, with faults injected`);
  n.act("Agent.update on the config: customers from now on get 20 tokens per 400 ms");
  await Config.update((c) => ({ ...c, rateLimit: { capacity: 20, refill: 20, intervalMs: 400 } }));
  n.note("sessions, payment machines and rate limiters are killed, a backend crashes for a while;");
  n.note("the journal is muted, progress is shown instead");
  const stats: LoadStats = {
    requests: 0,
    byStatus: new Map(),
    latencies: new LatencyHistogram(),
    faults: 0,
    clientErrors: new Map(),
    created: new Map(),
  };
  const restartsBefore = reports.restarts;
  const start = performance.now();
  const until = start + loadMs;
  n.muted = true;
  const progress = (done = false): void => {
    const errors = [...stats.byStatus].filter(([s]) => s >= 500).reduce((a, [, c]) => a + c, 0);
    const at = done ? "done" : `${((performance.now() - start) / 1000).toFixed(1)} s`;
    n.note(
      `[${at}] ${stats.requests} requests, ${errors} 5xx, ` +
        `${stats.faults} faults, ${reports.restarts - restartsBefore} restarts, ` +
        `p50 ${stats.latencies.quantile(50).toFixed(1)} ms, p99 ${stats.latencies.quantile(99).toFixed(1)} ms`,
    );
  };
  const ticker = setInterval(() => progress(), 500);
  try {
    await Promise.all([
      ...Array.from({ length: clients }, () => loadClient(client, stats, until)),
      injectFaults(stats, until, Math.max(50, Math.floor(loadMs / 8))),
    ]);
  } finally {
    clearInterval(ticker);
  }
  progress(true);
  const statuses = [...stats.byStatus]
    .sort(([a], [b]) => a - b)
    .map(([s, c]) => `${s} ×${c}`)
    .join(", ");
  n.note(`answers: ${statuses}`);
  if (stats.clientErrors.size > 0) {
    const errors = [...stats.clientErrors].map(([e, c]) => `${e} ×${c}`).join(", ");
    n.note(`requests without an answer (the load went on): ${errors}`);
  }
  return stats;
}

// -----------------------------------------------------------------------------------------
// Invariants

async function checkRunning(
  expected: Expected,
  load: LoadStats | undefined,
  reports: ReportReader,
): Promise<Invariant[]> {
  const out: Invariant[] = [];
  const rows = new Map(ledger().map((row) => [row[0], row]));

  const lost: string[] = [];
  for (const [id, state] of expected) {
    const row = rows.get(id);
    if (row === undefined || row[3] !== state)
      lost.push(`${id}: expected ${state}, ledger ${row?.[3]}`);
  }
  for (const [id, seen] of load?.created ?? []) {
    const row = rows.get(id);
    const fine =
      row !== undefined &&
      (seen === "authorized" || row[3] === seen || (seen === "captured" && row[3] === "refunded"));
    if (!fine) lost.push(`${id}: client saw ${seen}, ledger ${row?.[3]}`);
  }
  out.push({
    name: "no payment lost",
    ok: lost.length === 0,
    detail:
      lost.length === 0
        ? `${expected.size + (load?.created.size ?? 0)} payments created, all in the ledger in the state their client saw`
        : lost.slice(0, 5).join("; "),
  });

  const metrics = await Events.metrics();
  const twice = [...rows.values()].filter((row) => row[5] > 1).map((row) => row[0]);
  out.push({
    name: "no payment captured twice",
    ok: twice.length === 0 && metrics.capturedTwice.length === 0,
    detail:
      twice.length === 0
        ? `${[...rows.values()].filter((row) => row[5] === 1).length} captures, each payment at most once`
        : `captured twice: ${twice.join(", ")}`,
  });

  // Every exit a supervisor reported was followed by a restart (nothing is stuck
  // "restarting", no restart failed); the backend tasks are gone; the idle customer is gone.
  const restarting: string[] = [];
  const visit = (nodes: readonly Supervisor.TreeNode[]): void => {
    for (const node of nodes) {
      if (node.pid === "restarting") restarting.push(str(node.id));
      if (node.children !== undefined) visit(node.children);
    }
  };
  visit(await Supervisor.tree(ROOT));
  const tasks = (await DynamicSupervisor.countChildren(TASKS)).active;
  const hankGone = whereisCustomer("hank") === undefined;
  const fine =
    reports.exits === reports.restarts &&
    restarting.length === 0 &&
    reports.unexpected.length === 0 &&
    tasks === 0 &&
    hankGone;
  out.push({
    name: "every crashed process restarted or cleanly gone",
    ok: fine,
    detail: fine
      ? `${reports.exits} supervised exits, ${reports.restarts} restarts; no backend task left; the idle customer is gone`
      : `${reports.exits} exits, ${reports.restarts} restarts, restarting: [${restarting.join(", ")}], ` +
        `unexpected reports: [${reports.unexpected.slice(0, 2).join("; ")}], tasks left: ${tasks}, hank gone: ${hankGone}`,
  });
  return out;
}

// -----------------------------------------------------------------------------------------

/** Runs the demo; resolves with the invariants (and whether all of them hold). */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const n = new Narrator(options.print ?? ((line) => console.log(line)));
  const reports = new ReportReader(n);
  const rt = createRuntime({ logger: { log: (r) => reports.log(r) } });
  const detach = await options.attach?.(rt);
  const loadMs = options.loadMs ?? 1500;
  const clients = options.clients ?? 8;
  const started = performance.now();
  let port = 0;

  n.print("Trellis payments demo: one supervision tree, driven through its HTTP API.");
  n.print("Lines under a request say what happened inside, and which OTP mechanism did it.");

  const invariants = await rt.run(async () => {
    trapExit(true); // if the tree gives up, the demo reports it instead of dying with it
    n.title("Start the supervision tree");
    const root = await Service.startLink({
      config: DEMO_CONFIG,
      audit: { write: (line) => n.journal(line) },
    });
    port = await Http.port();
    const client = new Client(`http://127.0.0.1:${port}`);
    n.note(`the root supervisor started its children in order; HTTP on http://127.0.0.1:${port}`);
    await printTree(n, root);

    const api = new Api(client, n);
    const expected: Expected = new Map();
    await scripted(api, n, expected);
    const stats = loadMs > 0 ? await load(client, n, reports, loadMs, clients) : undefined;
    await Events.flush();
    if (n.muted) n.note(`(${n.mutedLines} journal lines of the load phase not shown)`);

    n.title("Summary");
    const m = await Events.metrics();
    const list = (o: object, sep: string): string =>
      Object.entries(o)
        .map(([k, v]) => `${k}${sep}${String(v)}`)
        .join(", ");
    const [p50, p99] = [m.p50Ms.toFixed(1), m.p99Ms.toFixed(1)];
    n.note(
      `requests ${m.requests}: ${list(m.responses, " ×")}; in the service p50 ${p50} ms, p99 ${p99} ms`,
    );
    n.note(
      `payments: ${list(m.payments, " ")}; rate-limited ${m.rateLimited}; ` +
        `sessions started ${m.sessionsStarted}, idled ${m.sessionsIdled}`,
    );
    n.note(
      `profiles: ${m.profiles.complete} complete, ${m.profiles.partial} partial, ${m.profiles.cached} from the cache; backend failures ${m.backendFailures}; supervisor restarts ${reports.restarts}, crash reports ${reports.crashes}`,
    );
    n.note("the supervision tree now:");
    await printTree(n, root);

    const checks = await checkRunning(expected, stats, reports);
    const unanswered = client.unanswered.length + (client.sent - client.answered);
    const served = m.requests;
    checks.unshift({
      name: "every request answered",
      ok: unanswered === 0 && served === client.sent && (m.responses["500"] ?? 0) === 0,
      detail:
        unanswered === 0
          ? `${client.sent} sent, ${served} answered by the service, no 500 (503 is a clean "try again")`
          : `${unanswered} without an answer: ${client.unanswered.slice(0, 3).join("; ")}`,
    });

    n.title("Shut down");
    n.act(`Supervisor.stop(${ROOT}): children stop newest first, the HTTP listener first`);
    await Service.stop();
    const me = self();
    return { checks, left: rt.processes().filter((pid) => pid !== me).length };
  });

  // After the demo's own process: nothing may be left.
  const closed = await fetch(`http://127.0.0.1:${port}/health`).then(
    () => false,
    () => true,
  );
  const leftover = rt.processes().length;
  const timers = rt.pendingTimers();
  await detach?.();
  await rt.shutdown();
  const checks = [
    ...invariants.checks,
    {
      name: "nothing left running after shutdown",
      ok: invariants.left === 0 && leftover === 0 && timers === 0 && closed,
      detail: `${leftover} processes, ${timers} timers left; HTTP port ${closed ? "closed" : "still open"}`,
    },
  ];
  const ok = checks.every((c) => c.ok);
  n.print("");
  for (const c of checks) n.print(`   ${c.ok ? "✓" : "✗"} ${c.name}: ${c.detail}`);
  n.print("");
  n.print(
    `${ok ? "All invariants hold" : "INVARIANTS FAILED"} (${((performance.now() - started) / 1000).toFixed(1)} s).`,
  );
  return { ok, invariants: checks };
}
