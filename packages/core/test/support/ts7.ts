// Runs the real TypeScript 7 compiler (fetched once by npx) on a one-file project inside a
// package, for tests of the diagnostics users see (issue #15 item 14). Shared by the
// gen-server and gen-statemachine tests. A compiler that cannot be fetched is an error that
// says so, never a skipped test.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const TS7 = "7.0.2";
/** The test's own time limit; the compiler is killed 10 s before it. */
export const TS7_LIMIT_MS = 150_000;

const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    lib: ["ES2023"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    customConditions: ["@trellis/source"],
    types: ["node"],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  },
  files: ["bad.ts"],
};

export interface Ts7Result {
  readonly code: number | null;
  readonly output: string;
  /** The diagnostics of `bad.ts`, one string each, keyed by line number. */
  readonly errors: ReadonlyMap<number, string>;
}

/** Runs `npx -y -p typescript@7 tsc -p dir`, killing its whole process group on timeout. */
function run(dir: string): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["-y", "-p", `typescript@${TS7}`, "tsc", "-p", dir], {
      cwd: dir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, TS7_LIMIT_MS - 10_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

/**
 * Compiles `source` as `bad.ts` in a temporary folder inside `packageDir` (so that the
 * package's own name resolves to its sources) and returns the diagnostics by line.
 */
export async function compileWithTs7(packageDir: string, source: string): Promise<Ts7Result> {
  const dir = mkdtempSync(join(packageDir, ".ts7-"));
  try {
    writeFileSync(join(dir, "bad.ts"), source);
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
    const r = await run(dir);
    if (r.timedOut) throw new Error(`TypeScript ${TS7} did not finish in time`);
    if (!/bad\.ts\(\d+,\d+\)/.test(r.output)) {
      throw new Error(
        `could not run TypeScript ${TS7} through npx (is the npm registry or the npx cache available?):\n${r.output}`,
      );
    }
    const errors = new Map<number, string>();
    for (const e of r.output.split(/\r?\n(?=bad\.ts\()/)) {
      const m = /^bad\.ts\((\d+),/.exec(e);
      if (m !== null) errors.set(Number(m[1]), e);
    }
    return { code: r.code, output: r.output, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
