// The benchmark runner: runs each selected workload for each implementation (Trellis, the
// plain-JS limit, the BEAM), each in its own OS process, ROUNDS times, and prints per metric
// the median and min–max per implementation, the ratios Trellis/BEAM and Trellis/plain, and
// each metric's target (TARGETS below) with whether it is met. A markdown summary goes to
// bench/results/<timestamp>.md and the same data, raw values included, to <timestamp>.json.
//
//   node run.mjs [workload ...]        (from the root: pnpm bench [workload ...])
//   node run.mjs --list
//   node run.mjs --smoke [workload ...] (or SMOKE=1): every workload once at SCALE=0.01,
//                                       Trellis only, no timings judged, no files written;
//                                       fails only if a program fails or prints no metrics
//
// Environment: ROUNDS (default 3); IMPLS (comma list, default "trellis,plain,beam"; add
// "beam1" for the BEAM with one scheduler); SCALE (multiplies every size, default 1);
// TIMEOUT (seconds per program run, default 300); NODE (the Node binary for the JavaScript
// programs: a path, or a major such as 24 that is fetched from the npm registry's `node`
// package through npx; default the Node running this script), also `--node <path|major>`;
// NODE_FLAGS (extra Node options for the JavaScript programs, space-separated, e.g.
// `--experimental-async-context-frame` on Node 22; printed with the Node version).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The Node binary that runs the JavaScript programs (`NODE` / `--node`; see resolveNode). */
let NODE_BIN = process.execPath;

/** Extra Node options for the JavaScript programs (`NODE_FLAGS`, space-separated). */
const NODE_FLAGS = (process.env.NODE_FLAGS ?? "").split(/\s+/).filter((f) => f !== "");

/**
 * Workloads: name, what it measures, and the program of each implementation (if any).
 * `counterparts` maps a metric that only some implementations print (the Trellis
 * handler-style variants) to the metric of the others it is compared with: when the other
 * implementation of a ratio column lacks the metric, its counterpart is used instead.
 */
const WORKLOADS = [
  {
    name: "spawn",
    what: "spawn + exit of 100k processes awaited by monitors",
    trellis: "src/trellis/spawn.ts",
    plain: "plain/spawn.mjs",
    beam: "beam/spawn.exs",
  },
  {
    name: "memory",
    what: "memory per idle process (100k processes waiting for a message)",
    trellis: "src/trellis/memory.ts",
    plain: "plain/memory.mjs",
    beam: "beam/memory.exs",
    counterparts: { idle_handler_memory: "idle_process_memory" },
  },
  {
    name: "ring",
    what: "ring of 1,000 processes × 1,000 laps (1M hops)",
    trellis: "src/trellis/ring.ts",
    plain: "plain/ring.mjs",
    beam: "beam/ring.exs",
    counterparts: { ring_hops_handler: "ring_hops" },
  },
  {
    name: "send",
    what: "1M sends to a plain process that counts them",
    trellis: "src/trellis/send.ts",
    plain: "plain/send.mjs",
    beam: "beam/send.exs",
  },
  {
    name: "call",
    what: "1M sequential GenServer calls",
    trellis: "src/trellis/call.ts",
    plain: "plain/call.mjs",
    beam: "beam/call.exs",
  },
  {
    name: "cast",
    what: "1M GenServer casts, then one call",
    trellis: "src/trellis/cast.ts",
    plain: "plain/cast.mjs",
    beam: "beam/cast.exs",
  },
  {
    name: "fanin",
    what: "100 clients × 10k calls to one server",
    trellis: "src/trellis/fanin.ts",
    plain: "plain/fanin.mjs",
    beam: "beam/fanin.exs",
  },
  {
    name: "supervisor",
    what: "10k supervisor crash + restart cycles",
    trellis: "src/trellis/supervisor.ts",
    plain: "plain/supervisor.mjs",
    beam: "beam/supervisor.exs",
  },
  {
    name: "ets",
    what: "ETS set / 2-tuple-key set / ordered_set: 1M inserts and lookups; 1k range scans of 100 rows; 1M update_counter; memory per row",
    trellis: "src/trellis/ets.ts",
    plain: "plain/ets.mjs",
    beam: "beam/ets.exs",
    // The plain-JS limit holding rows (plain/ets-rows.mjs), against the BEAM's same workload.
    counterparts: Object.fromEntries(
      [
        "ets_set_insert",
        "ets_set_lookup",
        "ets_set_tuple_insert",
        "ets_set_tuple_lookup",
        "ets_oset_insert",
        "ets_oset_lookup",
        "ets_oset_range100",
      ].map((m) => [`${m}_rows`, m]),
    ),
  },
  {
    name: "registry",
    what: "Registry: 100k register (spawn included) + lookups; dispatch to 10k subscribers",
    trellis: "src/trellis/registry.ts",
    beam: "beam/registry.exs",
  },
  {
    name: "dynsup",
    what: "DynamicSupervisor: start 100k minimal GenServer children, then stop the supervisor",
    trellis: "src/trellis/dynsup.ts",
    beam: "beam/dynsup.exs",
  },
  {
    name: "task",
    what: "Task async + await, 100k; asyncStream of 100k at maxConcurrency 8; Promise.all reference",
    trellis: "src/trellis/task.ts",
    beam: "beam/task.exs",
    counterparts: { promise_all: "task_async_await" },
  },
  {
    name: "statem",
    what: "gen_statem: 1M call events; 1M cast events then one call; 1M casts with a state timeout",
    trellis: "src/trellis/statem.ts",
    beam: "beam/statem.exs",
  },
  {
    name: "event",
    what: "gen_event: 100k notifies to 10 handlers (also 1 and 100 handlers); 100k sync_notify round trips",
    trellis: "src/trellis/event.ts",
    beam: "beam/event.exs",
  },
  {
    name: "telemetry",
    what: "the call and ring workloads with nobody listening, a handler on an unrelated event, and handlers on their events (no BEAM counterpart)",
    trellis: "src/trellis/telemetry.ts",
  },
  {
    name: "genstage",
    what: "GenStage producer -> producer-consumer -> consumer, maxDemand 1000: events/s; with a slow consumer, memory held and events in flight",
    trellis: "src/trellis/genstage.ts",
    plain: "plain/genstage.mjs",
    beam: "beam/genstage.exs",
  },
  {
    name: "latency",
    what: "p50/p99 of a 1 ms setTimeout while 10k processes exchange messages (no BEAM counterpart)",
    trellis: "src/trellis/latency.ts",
    plain: "plain/latency.mjs",
    counterparts: {
      latency_p50_handler: "latency_p50",
      latency_p99_handler: "latency_p99",
      latency_max_handler: "latency_max",
      latency_load_handler: "latency_load",
    },
  },
  {
    name: "overload",
    what: "10k concurrent callers × 10 calls (100 ms timeout) to 100 supervised servers, 10 slow and 10 crashing: timeouts fired late (past timeout + 50 ms), event-loop p99",
    trellis: "src/trellis/overload.ts",
    beam: "beam/overload.exs",
  },
  {
    name: "workers",
    what: "worker nodes: cross-worker calls (1 and 100 clients), casts, a ring over 2 workers, CPU-bound requests on 1 and 2 workers (BEAM: 1 and 2 schedulers online)",
    trellis: "src/trellis/workers.ts",
    beam: "beam/workers.exs",
  },
];

/**
 * Targets (../shared/bench/TARGETS.md), one per metric. `vs: "beam"`: the median of the
 * per-round Trellis/BEAM ratios (the same ratio as the table's, so a counterpart is used for
 * a handler-style variant) must be at least `min`. `vs: "absolute"`: the median of the
 * Trellis values must be at most `maxBytes` (unit B) or `maxMs` (unit ms), or at least
 * `atLeast` (in the metric's unit). Metrics without an entry have no target.
 */
const TARGETS = [
  { metric: "spawn_exit", vs: "beam", min: 2.0 },
  { metric: "idle_process_memory", vs: "absolute", maxBytes: 800 },
  { metric: "idle_handler_memory", vs: "absolute", maxBytes: 800 },
  { metric: "ring_hops", vs: "beam", min: 2.5 },
  { metric: "ring_hops_handler", vs: "beam", min: 2.5 },
  { metric: "call", vs: "beam", min: 2.0 },
  { metric: "cast", vs: "beam", min: 0.8 },
  { metric: "fanin", vs: "beam", min: 3.0 },
  { metric: "sup_restart", vs: "beam", min: 5.0 },
  { metric: "ets_set_insert", vs: "beam", min: 2.0 },
  { metric: "ets_set_lookup", vs: "beam", min: 1.2 },
  { metric: "ets_set_tuple_insert", vs: "beam", min: 1.0 },
  { metric: "ets_set_tuple_lookup", vs: "beam", min: 1.0 },
  { metric: "ets_oset_insert", vs: "beam", min: 1.2 },
  { metric: "ets_oset_lookup", vs: "beam", min: 1.2 },
  { metric: "ets_oset_range100", vs: "beam", min: 2.5 },
  { metric: "registry_register", vs: "beam", min: 2.0 },
  { metric: "registry_lookup", vs: "beam", min: 2.5 },
  { metric: "task_async_await", vs: "beam", min: 2.0 },
  { metric: "statem_call", vs: "beam", min: 1.5 },
  { metric: "statem_cast", vs: "beam", min: 1.5 },
  { metric: "event_notify", vs: "beam", min: 1.5 },
  { metric: "genstage_events", vs: "beam", min: 1.5 },
  { metric: "latency_p99", vs: "absolute", maxMs: 10 },
  { metric: "latency_p99_handler", vs: "absolute", maxMs: 10 },
  { metric: "overload_late", vs: "beam", atMost: true },
  { metric: "overload_loop_p99", vs: "absolute", maxMs: 50 },
  { metric: "worker_call_100", vs: "absolute", atLeast: 100_000 },
  { metric: "worker_cpu_scaling", vs: "absolute", atLeast: 1.7 },
];

function targetOf(metric) {
  return TARGETS.find((t) => t.metric === metric);
}

function targetText(t) {
  if (t === undefined) return "—";
  if (t.atMost) return "≤ BEAM";
  if (t.vs === "beam") return `≥ ${t.min.toFixed(1)}× BEAM`;
  if (t.maxBytes !== undefined) return `≤ ${t.maxBytes} B`;
  if (t.atLeast !== undefined) return `≥ ${t.atLeast.toLocaleString("en-US")}`;
  return `≤ ${t.maxMs} ms`;
}

/**
 * Whether target `t` is met: true, false, or undefined when it cannot be judged (no target,
 * no BEAM figure, smoke mode). `beamRatios`: per-round Trellis/BEAM ratios; `values`: the
 * Trellis values.
 */
function verdict(t, { beamRatios, values, unit, beamValues }) {
  if (t === undefined) return undefined;
  if (t.atMost)
    return values.length === 0 || beamValues.length === 0
      ? undefined
      : median(values) <= median(beamValues);
  if (t.vs === "beam") return beamRatios.length === 0 ? undefined : median(beamRatios) >= t.min;
  if (values.length === 0) return undefined;
  if (t.atLeast !== undefined) return median(values) >= t.atLeast;
  if (t.maxBytes !== undefined) return unit === "B" ? median(values) <= t.maxBytes : undefined;
  return unit === "ms" ? median(values) <= t.maxMs : undefined;
}

/** Implementations: how to run a program file. `key` names the file field of a workload. */
const IMPLEMENTATIONS = {
  trellis: {
    label: "Trellis",
    key: "trellis",
    command: (file) => [
      NODE_BIN,
      [...NODE_FLAGS, "--expose-gc", "--conditions=@trellis/source", "--import", "tsx", file],
    ],
  },
  plain: {
    label: "plain JS",
    key: "plain",
    command: (file) => [NODE_BIN, [...NODE_FLAGS, "--expose-gc", file]],
  },
  beam: { label: "BEAM", key: "beam", command: (file) => ["elixir", [file]] },
  beam1: {
    label: "BEAM +S 1",
    key: "beam",
    command: (file) => ["elixir", ["--erl", "+S 1", file]],
  },
};

/** Units where lower is better: ratios for these are inverted so that > 1 means Trellis wins. */
const LOWER_IS_BETTER = new Set(["B", "KB", "MB", "ms", "us", "ns", "s", "late", "timeouts"]);

// ---------------------------------------------------------------------------------------

function usage() {
  const lines = [
    "usage: node run.mjs [workload ...]   (pnpm bench [workload ...] from the repository root)",
    "env: ROUNDS=3  IMPLS=trellis,plain,beam[,beam1]  SCALE=1  TIMEOUT=300 (s per run)",
    "     NODE=<path|major> (or --node <path|major>): the Node for the JS programs; a major",
    "     such as 24 is fetched from the npm registry's node package through npx",
    "     NODE_FLAGS='--flag ...': extra Node options for the JS programs",
    "     SMOKE=1 (or --smoke): tiny sizes, one round, Trellis only, timings not judged",
    "",
    "workloads:",
    ...WORKLOADS.map((w) => {
      const impls = ["trellis", "plain", "beam"].filter((k) => w[k] !== undefined).join(", ");
      return `  ${w.name.padEnd(11)} ${w.what} [${impls}]`;
    }),
  ];
  console.log(lines.join("\n"));
}

function fail(message) {
  console.error(`run.mjs: ${message}`);
  process.exit(2);
}

function positiveInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) fail(`${name} must be a positive integer, got ${raw}`);
  return n;
}

function tryRun(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: HERE, timeout: 30_000 });
  if (r.error !== undefined || r.status !== 0) return undefined;
  return r.stdout.trim();
}

/** Versions of everything that runs, and whether the BEAM and tsx are available. */
function environment(withBeam, node) {
  const env = {
    node: `${node.version} (V8 ${node.v8})${NODE_FLAGS.length > 0 ? ` ${NODE_FLAGS.join(" ")}` : ""}${node.path === process.execPath ? "" : ` at ${node.path}`}`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}`,
    load: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? null,
      totalMemory: os.totalmem(),
      loadAverage: os.loadavg(),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
    },
    versions: {
      node: node.version,
      v8: node.v8,
      otp: null,
      erts: null,
      elixir: null,
      schedulers: null,
      tsx: null,
    },
    beam: undefined,
    tsx: undefined,
    commit: undefined,
  };
  const beam = withBeam
    ? tryRun("elixir", [
        "-e",
        'IO.puts("#{:erlang.system_info(:otp_release)} #{:erlang.system_info(:version)} #{System.schedulers_online()} #{System.version()}")',
      ])
    : undefined;
  if (beam !== undefined) {
    const [otp, erts, schedulers, elixir] = beam.split("\n").at(-1).trim().split(/\s+/);
    env.versions.otp = otp ?? null;
    env.versions.erts = erts ?? null;
    env.versions.elixir = elixir ?? null;
    env.versions.schedulers = Number(schedulers);
    env.beam = `Erlang/OTP ${otp} (erts ${erts}, ${schedulers} schedulers), Elixir ${elixir}`;
  }
  try {
    const require = createRequire(path.join(HERE, "package.json"));
    const pkg = JSON.parse(readFileSync(require.resolve("tsx/package.json"), "utf8"));
    env.tsx = pkg.version;
    env.versions.tsx = pkg.version;
  } catch {
    env.tsx = undefined;
  }
  const commit = tryRun("git", ["rev-parse", "--short", "HEAD"]);
  if (commit !== undefined) {
    const dirty = tryRun("git", ["status", "--porcelain"]);
    env.commit = dirty ? `${commit} (with uncommitted changes)` : commit;
  }
  return env;
}

/**
 * The Node binary to run the JavaScript programs with: `spec` is a path, a bare major (`24`)
 * or `node@24`, fetched from the npm registry's `node` package through npx; empty means
 * this Node. Returns its path and its version (asked from the binary itself).
 */
function resolveNode(spec) {
  let bin = process.execPath;
  if (spec !== undefined && spec !== "") {
    const pkg = /^\d+(\.\d+){0,2}$/.test(spec)
      ? `node@${spec}`
      : /^node@/.test(spec)
        ? spec
        : undefined;
    if (pkg === undefined) bin = path.resolve(spec);
    else {
      const r = spawnSync("npx", ["-y", "-p", pkg, "node", "-p", "process.execPath"], {
        encoding: "utf8",
        timeout: 300_000,
      });
      if (r.error !== undefined || r.status !== 0)
        fail(`cannot fetch ${pkg} through npx: ${r.error?.message ?? r.stderr.trim()}`);
      bin = r.stdout.trim().split("\n").at(-1);
    }
  }
  // With NODE_FLAGS, so that an option this Node does not know fails here, not per program.
  const r = spawnSync(bin, [...NODE_FLAGS, "-p", 'process.version + " " + process.versions.v8'], {
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.error !== undefined || r.status !== 0)
    fail(
      `NODE=${spec ?? ""}: ${bin}${NODE_FLAGS.length > 0 ? ` ${NODE_FLAGS.join(" ")}` : ""} does not run`,
    );
  const [version, v8] = r.stdout.trim().split(" ");
  return { path: bin, version, v8 };
}

/** Parses `name value unit` lines; other lines are ignored. */
function parseMetrics(stdout) {
  const out = [];
  for (const line of stdout.split("\n")) {
    const m = /^(\S+)\s+(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s+(\S+)\s*$/.exec(line.trim());
    if (m !== null) out.push({ name: m[1], value: Number(m[2]), unit: m[3] });
  }
  return out;
}

function runProgram(impl, file, timeoutS, childEnv) {
  const [cmd, args] = impl.command(file);
  const t0 = performance.now();
  const r = spawnSync(cmd, args, {
    cwd: HERE,
    encoding: "utf8",
    env: childEnv,
    timeout: timeoutS * 1000,
    killSignal: "SIGKILL",
    maxBuffer: 16 * 1024 * 1024,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.error !== undefined) {
    const why = r.error.code === "ETIMEDOUT" ? `timed out after ${timeoutS} s` : r.error.message;
    return { ok: false, seconds, error: why, metrics: parseMetrics(r.stdout ?? "") };
  }
  if (r.status !== 0) {
    const tail = (r.stderr ?? "")
      .trim()
      .split("\n")
      .filter((l) => l.trim() !== "")
      .slice(0, 3)
      .join(" | ");
    const how = r.signal !== null ? `killed by ${r.signal}` : `exit status ${r.status}`;
    return { ok: false, seconds, error: `${how}: ${tail}`, metrics: parseMetrics(r.stdout ?? "") };
  }
  const metrics = parseMetrics(r.stdout);
  if (metrics.length === 0) return { ok: false, seconds, error: "printed no metrics", metrics };
  return { ok: true, seconds, metrics };
}

// ---------------------------------------------------------------------------------------
// statistics and formatting

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** { values, median, min, max } of the defined values of a per-round array (nulls kept). */
function stats(perRound) {
  const defined = perRound.filter((v) => v !== undefined);
  return {
    values: Array.from(perRound, (v) => (v === undefined ? null : v)),
    median: defined.length === 0 ? null : median(defined),
    min: defined.length === 0 ? null : Math.min(...defined),
    max: defined.length === 0 ? null : Math.max(...defined),
  };
}

function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e5) return `${(v / 1e3).toFixed(0)}k`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (a >= 100) return String(Math.round(v));
  return v.toFixed(2);
}

function fmtRatio(v) {
  if (!Number.isFinite(v)) return "—";
  return v >= 10 ? v.toFixed(1) : v >= 0.1 ? v.toFixed(2) : v.toPrecision(2);
}

/** "median [min–max]" of a list of values, or just the value for one round. */
function summary(values, format) {
  if (values.length === 0) return "—";
  if (values.length === 1) return format(values[0]);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return `${format(median(values))} [${format(lo)}–${format(hi)}]`;
}

/** Per-round ratios of `a` to `b` ("> 1 = a better"), over rounds where both have a value. */
function ratios(a, b, lowerBetter) {
  const out = [];
  if (a === undefined || b === undefined) return out;
  for (let r = 0; r < a.length; r++) {
    const x = a[r];
    const y = b[r];
    if (x === undefined || y === undefined || x === 0 || y === 0) continue;
    out.push(lowerBetter ? y / x : x / y);
  }
  return out;
}

function padTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) =>
    r
      .map((cell, c) => String(cell).padEnd(widths[c]))
      .join("  ")
      .trimEnd(),
  );
}

function mdTable(rows) {
  const esc = (s) => String(s).replaceAll("|", "\\|");
  const [head, ...body] = rows;
  return [
    `| ${head.map(esc).join(" | ")} |`,
    `|${head.map((_, i) => (i < 3 || i >= head.length - 2 ? "---" : "---:")).join("|")}|`,
    ...body.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ];
}

// ---------------------------------------------------------------------------------------

function main() {
  const rawArgv = process.argv.slice(2).filter((a) => a !== "--");
  let nodeSpec = process.env.NODE;
  const nodeAt = rawArgv.findIndex((a) => a === "--node" || a.startsWith("--node="));
  if (nodeAt !== -1) {
    const flag = rawArgv[nodeAt];
    nodeSpec = flag === "--node" ? rawArgv[nodeAt + 1] : flag.slice("--node=".length);
    if (nodeSpec === undefined) fail("--node needs a path or a Node major (e.g. --node 24)");
    rawArgv.splice(nodeAt, flag === "--node" ? 2 : 1);
  }
  const smoke =
    rawArgv.includes("--smoke") ||
    (process.env.SMOKE !== undefined && process.env.SMOKE !== "" && process.env.SMOKE !== "0");
  const argv = rawArgv.filter((a) => a !== "--smoke");
  if (argv.includes("--help") || argv.includes("-h") || argv.includes("--list")) {
    usage();
    return;
  }
  const unknown = argv.filter((a) => !WORKLOADS.some((w) => w.name === a));
  if (unknown.length > 0) {
    usage();
    fail(`unknown workload(s): ${unknown.join(", ")}`);
  }
  const selected = argv.length === 0 ? WORKLOADS : WORKLOADS.filter((w) => argv.includes(w.name));
  const rounds = smoke ? 1 : positiveInt("ROUNDS", 3);
  const timeoutS = positiveInt("TIMEOUT", smoke ? 60 : 300);
  const childEnv = { ...process.env };
  if (smoke && (childEnv.SCALE === undefined || childEnv.SCALE === "")) childEnv.SCALE = "0.01";
  const implNames = (smoke ? "trellis" : (process.env.IMPLS ?? "trellis,plain,beam"))
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const name of implNames) {
    if (IMPLEMENTATIONS[name] === undefined) {
      fail(
        `unknown implementation in IMPLS: ${name} (known: ${Object.keys(IMPLEMENTATIONS).join(", ")})`,
      );
    }
  }

  const wantsBeam = implNames.some((n) => n.startsWith("beam"));
  const node = resolveNode(nodeSpec);
  NODE_BIN = node.path;
  const env = environment(wantsBeam, node);
  const beamText = env.beam ?? (wantsBeam ? "not available" : "not requested (IMPLS)");
  const notes = [];
  if (smoke) {
    notes.push(
      `smoke mode: SCALE=${childEnv.SCALE}, one round, Trellis only; timings are not judged and no files are written.`,
    );
  }
  let impls = implNames;
  if (env.beam === undefined && impls.some((n) => n.startsWith("beam"))) {
    notes.push("BEAM skipped: `elixir` is not on PATH (apt-get install erlang-nox elixir).");
    impls = impls.filter((n) => !n.startsWith("beam"));
  }
  if (env.tsx === undefined && impls.includes("trellis")) {
    notes.push("Trellis skipped: tsx cannot be resolved from bench/ (run pnpm install).");
    impls = impls.filter((n) => n !== "trellis");
  }
  for (const w of selected) {
    const runnable = impls.filter((n) => w[IMPLEMENTATIONS[n].key] !== undefined);
    if (runnable.length === 0)
      notes.push(`${w.name}: no selected implementation has a program for it.`);
  }
  if (!smoke && childEnv.SCALE !== undefined && childEnv.SCALE !== "1") {
    notes.push(`SCALE=${childEnv.SCALE}: sizes differ from the reference sizes.`);
  }

  const started = new Date();
  console.log(`node      ${env.node}`);
  console.log(`beam      ${beamText}`);
  console.log(`tsx       ${env.tsx ?? "not available"}`);
  console.log(`machine   ${env.cpu}; ${env.os}; load ${env.load}`);
  console.log(`commit    ${env.commit ?? "?"}`);
  console.log(`rounds    ${rounds}; implementations ${impls.join(", ")}`);
  for (const n of notes) console.log(`note      ${n}`);
  console.log("");

  // results[workload][impl][metric] = { unit, values: per-round array (holes where missing) }
  const results = new Map();
  const failures = [];
  for (let round = 0; round < rounds; round++) {
    for (const w of selected) {
      for (const implName of impls) {
        const impl = IMPLEMENTATIONS[implName];
        const file = w[impl.key];
        if (file === undefined) continue;
        if (!existsSync(path.join(HERE, file))) {
          failures.push({ round, workload: w.name, impl: implName, error: `missing ${file}` });
          continue;
        }
        const r = runProgram(impl, file, timeoutS, childEnv);
        const tag = `[${round + 1}/${rounds}] ${w.name.padEnd(10)} ${implName.padEnd(7)}`;
        const shown = r.metrics.map((m) => `${m.name} ${fmt(m.value)} ${m.unit}`).join(", ");
        console.log(
          `${tag} ${r.seconds.toFixed(1).padStart(5)} s  ${r.ok ? shown : `FAILED ${r.error}`}`,
        );
        if (!r.ok) failures.push({ round, workload: w.name, impl: implName, error: r.error });
        if (!results.has(w.name)) results.set(w.name, new Map());
        const byImpl = results.get(w.name);
        if (!byImpl.has(implName)) byImpl.set(implName, new Map());
        for (const m of r.metrics) {
          const byMetric = byImpl.get(implName);
          if (!byMetric.has(m.name)) byMetric.set(m.name, { unit: m.unit, values: [] });
          byMetric.get(m.name).values[round] = m.value;
        }
      }
    }
  }

  // Tables: one row per metric.
  const columns = impls.map((n) => IMPLEMENTATIONS[n].label);
  const ratioColumns = [];
  if (impls.includes("trellis") && impls.includes("beam"))
    ratioColumns.push(["trellis", "beam", "Trellis/BEAM"]);
  if (impls.includes("trellis") && impls.includes("plain"))
    ratioColumns.push(["trellis", "plain", "Trellis/plain"]);
  if (impls.includes("plain") && impls.includes("beam"))
    ratioColumns.push(["plain", "beam", "plain/BEAM"]);
  const header = [
    "workload",
    "metric",
    "unit",
    ...columns,
    ...ratioColumns.map((c) => c[2]),
    "target",
    "met",
  ];
  const rows = [header];
  const records = []; // one per metric, for the JSON file
  for (const w of selected) {
    const byImpl = results.get(w.name);
    if (byImpl === undefined) continue;
    const metricNames = [];
    for (const m of byImpl.values())
      for (const name of m.keys()) if (!metricNames.includes(name)) metricNames.push(name);
    for (const metric of metricNames) {
      let unit = "";
      const vals = {};
      for (const n of impls) {
        const entry = byImpl.get(n)?.get(metric);
        if (entry !== undefined) {
          unit = entry.unit;
          vals[n] = entry.values;
        }
      }
      // The right-hand side of a ratio: the same metric, or else its declared counterpart.
      const counterpart = w.counterparts?.[metric];
      let usedCounterpart = false;
      const other = (n) => {
        if (vals[n] !== undefined || counterpart === undefined) return vals[n];
        const entry = byImpl.get(n)?.get(counterpart);
        if (entry === undefined || entry.unit !== unit) return undefined;
        usedCounterpart = true;
        return entry.values;
      };
      const lower = LOWER_IS_BETTER.has(unit);
      const ratioLists = ratioColumns.map(([a, b]) => ratios(vals[a], other(b), lower));
      const ratioCells = ratioLists.map((r) => summary(r, fmtRatio));
      const target = targetOf(metric);
      const beamIndex = ratioColumns.findIndex(([a, b]) => a === "trellis" && b === "beam");
      const met = smoke
        ? undefined
        : verdict(target, {
            beamRatios: beamIndex === -1 ? [] : ratioLists[beamIndex],
            values: (vals.trellis ?? []).filter((v) => v !== undefined),
            beamValues: (vals.beam ?? []).filter((v) => v !== undefined),
            unit,
          });
      records.push({
        workload: w.name,
        metric,
        unit,
        lowerIsBetter: lower,
        comparedWith: usedCounterpart ? counterpart : null,
        implementations: Object.fromEntries(
          impls.filter((n) => vals[n] !== undefined).map((n) => [n, stats(vals[n])]),
        ),
        ratios: Object.fromEntries(
          ratioColumns.map(([, , label], i) => [label, stats(ratioLists[i])]),
        ),
        target: target === undefined ? null : { ...target, text: targetText(target) },
        met: met === undefined ? null : met,
      });
      rows.push([
        w.name,
        usedCounterpart ? `${metric} (vs ${counterpart})` : metric,
        lower ? `${unit} ↓` : unit,
        ...impls.map((n) =>
          summary(
            (vals[n] ?? []).filter((v) => v !== undefined),
            fmt,
          ),
        ),
        ...ratioCells,
        targetText(target),
        met === undefined ? "—" : met ? "✓" : "✗",
      ]);
    }
  }

  const ratioNote =
    "Cells: median [min–max] over the rounds. Ratios are per round, then median [min–max]: " +
    "A/B = A's rate ÷ B's rate, so > 1 means A is faster. For units marked ↓ (lower is better: " +
    "B, ms) the ratio is inverted (B's value ÷ A's), so > 1 still means A is better. " +
    "`metric (vs other)`: a Trellis-only variant (handler-style processes, or the `promise_all` plain-JS reference); its ratios are " +
    "against the other implementations' `other` metric, shown in that metric's own row. " +
    "target: from TARGETS.md (≥ k× BEAM is judged on the median Trellis/BEAM ratio; ≤ B or ms and ≥ n " +
    "on the median Trellis value); met: ✓ / ✗, — when there is no target or nothing to judge " +
    "it against (no BEAM run, smoke mode).";
  console.log("");
  console.log(`Node ${env.node}; BEAM: ${beamText}`);
  for (const line of padTable(rows)) console.log(line);
  console.log("");
  console.log(ratioNote);
  for (const f of failures)
    console.log(`FAILED round ${f.round + 1} ${f.workload} ${f.impl}: ${f.error}`);

  if (smoke) {
    const programs = selected.reduce(
      (n, w) => n + impls.filter((i) => w[IMPLEMENTATIONS[i].key] !== undefined).length,
      0,
    );
    console.log(
      `\nsmoke: ${programs - failures.length}/${programs} programs ran and printed metrics in ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s (timings not judged)`,
    );
    if (failures.length > 0) process.exitCode = 1;
    return;
  }

  // Markdown summary.
  const stamp = started
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replaceAll(":", "-");
  const md = [
    `# Benchmark run ${started.toISOString()}`,
    "",
    `- workloads: ${selected.map((w) => w.name).join(", ")}`,
    `- rounds: ${rounds}; implementations: ${impls.map((n) => IMPLEMENTATIONS[n].label).join(", ")}`,
    `- Node ${env.node}; tsx ${env.tsx ?? "n/a"}`,
    `- BEAM: ${beamText}`,
    `- machine: ${env.cpu}; ${env.os}; load average at start ${env.load}`,
    `- commit: ${env.commit ?? "?"}`,
    `- duration: ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`,
    ...notes.map((n) => `- note: ${n}`),
    "",
    `Node ${env.node}; BEAM: ${beamText}`,
    "",
    ...mdTable(rows),
    "",
    ratioNote,
    "",
  ];
  if (failures.length > 0) {
    md.push("## Failures", "");
    for (const f of failures)
      md.push(`- round ${f.round + 1}, ${f.workload}, ${f.impl}: ${f.error}`);
    md.push("");
  }
  md.push(
    "## Raw values",
    "",
    "| workload | implementation | metric | unit | per round |",
    "|---|---|---|---|---|",
  );
  for (const [wname, byImpl] of results) {
    for (const [iname, byMetric] of byImpl) {
      for (const [metric, { unit, values }] of byMetric) {
        const per = Array.from(values, (v) => (v === undefined ? "—" : String(v))).join(", ");
        md.push(`| ${wname} | ${IMPLEMENTATIONS[iname].label} | ${metric} | ${unit} | ${per} |`);
      }
    }
  }
  md.push("");
  const dir = path.join(HERE, "results");
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `${stamp}.md`);
  writeFileSync(out, md.join("\n"));
  console.log(`\nsummary written to ${path.relative(process.cwd(), out) || out}`);

  // JSON: everything above, raw per-round values included, for comparing runs.
  const json = {
    date: started.toISOString(),
    durationSeconds: (Date.now() - started.getTime()) / 1000,
    commit: env.commit ?? null,
    machine: env.machine,
    versions: env.versions,
    rounds,
    scale: Number(childEnv.SCALE ?? "1"),
    implementations: impls,
    workloads: selected.map((w) => w.name),
    notes,
    metrics: records,
    failures: failures.map((f) => ({ ...f, round: f.round + 1 })),
  };
  const jsonOut = path.join(dir, `${stamp}.json`);
  writeFileSync(jsonOut, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`results written to ${path.relative(process.cwd(), jsonOut) || jsonOut}`);
  if (failures.length > 0) process.exitCode = 1;
}

main();
