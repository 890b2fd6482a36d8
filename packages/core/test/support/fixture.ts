// Runs one of `test/fixtures/*.ts` in its own Node process (from source, without the
// test run's NODE_OPTIONS), bounded: a fixture still running after `limitMs` is killed, so
// a regression that keeps Node alive fails its test instead of hanging it.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What a fixture's process printed, how it ended, and how long it ran. */
export interface FixtureRun {
  readonly out: string;
  readonly err: string;
  readonly code: number | null;
  readonly ms: number;
}

export async function runFixture(name: string, limitMs = 30_000): Promise<FixtureRun> {
  const root = fileURLToPath(new URL("../../../..", import.meta.url));
  const fixture = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  const child = spawn(
    process.execPath,
    ["--conditions=@trellis/source", "--import", "tsx", fixture],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: "" },
    },
  );
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    err += c;
  });
  const started = Date.now();
  const killer = setTimeout(() => child.kill("SIGKILL"), limitMs);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(killer);
  return { out, err, code, ms: Date.now() - started };
}
