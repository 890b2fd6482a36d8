import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const fixture = fileURLToPath(new URL("./fixtures/cancelled-timer.ts", import.meta.url));

it("a cancelled timer does not keep Node alive until it would have fired", async () => {
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
  child.stdout.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  const started = Date.now();
  // the timer was 60 s away; bounded at 30 s so a regression fails instead of hanging
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(killer);
  expect(out.trim()).toBe("done");
  expect(code).toBe(0);
  expect(Date.now() - started).toBeLessThan(30_000);
  expect(Date.now() - started).toBeLessThan(20_000);
});
