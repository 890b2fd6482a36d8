// The benchmark runner: runs each selected workload for each implementation (Trellis, the
// plain-JS limit, the BEAM), each in its own OS process, ROUNDS times, and prints per metric
// the median and min–max per implementation and the ratios Trellis/BEAM and Trellis/plain.
// A markdown summary goes to bench/results/<timestamp>.md.
//
//   node run.mjs [workload ...]        (from the root: pnpm bench [workload ...])
//   node run.mjs --list
//
// Environment: ROUNDS (default 3); IMPLS (comma list, default "trellis,plain,beam"; add
// "beam1" for the BEAM with one scheduler); SCALE (multiplies every size, default 1);
// TIMEOUT (seconds per program run, default 300).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

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
    what: "ETS set / 2-tuple-key set / ordered_set: 1M inserts and lookups; 1k range scans of 100 rows",
    trellis: "src/trellis/ets.ts",
    plain: "plain/ets.mjs",
    beam: "beam/ets.exs",
  },
  {
    name: "registry",
    what: "Registry: 100k register (spawn included) + lookups; dispatch to 10k subscribers",
    trellis: "src/trellis/registry.ts",
    beam: "beam/registry.exs",
  },
  {
    name: "task",
    what: "Task async + await, 100k",
    trellis: "src/trellis/task.ts",
    beam: "beam/task.exs",
  },
  {
    name: "statem",
    what: "gen_statem: 1M call events; 1M cast events then one call",
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
];

/** Implementations: how to run a program file. `key` names the file field of a workload. */
const IMPLEMENTATIONS = {
  trellis: {
    label: "Trellis",
    key: "trellis",
    command: (file) => [
      process.execPath,
      ["--expose-gc", "--conditions=@trellis/source", "--import", "tsx", file],
    ],
  },
  plain: {
    label: "plain JS",
    key: "plain",
    command: (file) => [process.execPath, ["--expose-gc", file]],
  },
  beam: { label: "BEAM", key: "beam", command: (file) => ["elixir", [file]] },
  beam1: {
    label: "BEAM +S 1",
    key: "beam",
    command: (file) => ["elixir", ["--erl", "+S 1", file]],
  },
};

/** Units where lower is better: ratios for these are inverted so that > 1 means Trellis wins. */
const LOWER_IS_BETTER = new Set(["B", "KB", "MB", "ms", "us", "ns", "s"]);

// ---------------------------------------------------------------------------------------

function usage() {
  const lines = [
    "usage: node run.mjs [workload ...]   (pnpm bench [workload ...] from the repository root)",
    "env: ROUNDS=3  IMPLS=trellis,plain,beam[,beam1]  SCALE=1  TIMEOUT=300 (s per run)",
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
function environment() {
  const env = {
    node: `${process.version} (V8 ${process.versions.v8})`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}`,
    load: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
    beam: undefined,
    tsx: undefined,
    commit: undefined,
  };
  const beam = tryRun("elixir", [
    "-e",
    'IO.puts("Erlang/OTP #{:erlang.system_info(:otp_release)} (erts #{:erlang.system_info(:version)}, #{System.schedulers_online()} schedulers), Elixir #{System.version()}")',
  ]);
  if (beam !== undefined) env.beam = beam;
  try {
    const require = createRequire(path.join(HERE, "package.json"));
    const pkg = JSON.parse(readFileSync(require.resolve("tsx/package.json"), "utf8"));
    env.tsx = pkg.version;
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

/** Parses `name value unit` lines; other lines are ignored. */
function parseMetrics(stdout) {
  const out = [];
  for (const line of stdout.split("\n")) {
    const m = /^(\S+)\s+(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s+(\S+)\s*$/.exec(line.trim());
    if (m !== null) out.push({ name: m[1], value: Number(m[2]), unit: m[3] });
  }
  return out;
}

function runProgram(impl, file, timeoutS) {
  const [cmd, args] = impl.command(file);
  const t0 = performance.now();
  const r = spawnSync(cmd, args, {
    cwd: HERE,
    encoding: "utf8",
    env: process.env,
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
  return { ok: true, seconds, metrics: parseMetrics(r.stdout) };
}

// ---------------------------------------------------------------------------------------
// statistics and formatting

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
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
    `|${head.map((_, i) => (i < 3 ? "---" : "---:")).join("|")}|`,
    ...body.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ];
}

// ---------------------------------------------------------------------------------------

function main() {
  const argv = process.argv.slice(2).filter((a) => a !== "--");
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
  const rounds = positiveInt("ROUNDS", 3);
  const timeoutS = positiveInt("TIMEOUT", 300);
  const implNames = (process.env.IMPLS ?? "trellis,plain,beam")
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

  const env = environment();
  const notes = [];
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
  if (process.env.SCALE !== undefined && process.env.SCALE !== "1") {
    notes.push(`SCALE=${process.env.SCALE}: sizes differ from the reference sizes.`);
  }

  const started = new Date();
  console.log(`node      ${env.node}`);
  console.log(`beam      ${env.beam ?? "not available"}`);
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
        const r = runProgram(impl, file, timeoutS);
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
  const header = ["workload", "metric", "unit", ...columns, ...ratioColumns.map((c) => c[2])];
  const rows = [header];
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
      const ratioCells = ratioColumns.map(([a, b]) =>
        summary(ratios(vals[a], other(b), lower), fmtRatio),
      );
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
      ]);
    }
  }

  const ratioNote =
    "Cells: median [min–max] over the rounds. Ratios are per round, then median [min–max]: " +
    "A/B = A's rate ÷ B's rate, so > 1 means A is faster. For units marked ↓ (lower is better: " +
    "B, ms) the ratio is inverted (B's value ÷ A's), so > 1 still means A is better. " +
    "`metric (vs other)`: a Trellis-only variant (handler-style processes); its ratios are " +
    "against the other implementations' `other` metric, shown in that metric's own row.";
  console.log("");
  for (const line of padTable(rows)) console.log(line);
  console.log("");
  console.log(ratioNote);
  for (const f of failures)
    console.log(`FAILED round ${f.round + 1} ${f.workload} ${f.impl}: ${f.error}`);

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
    `- BEAM: ${env.beam ?? "not available"}`,
    `- machine: ${env.cpu}; ${env.os}; load average at start ${env.load}`,
    `- commit: ${env.commit ?? "?"}`,
    `- duration: ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`,
    ...notes.map((n) => `- note: ${n}`),
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
  if (failures.length > 0) process.exitCode = 1;
}

main();
