import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const fixture = fileURLToPath(new URL("./fixtures/guide-uncaught.ts", import.meta.url));

it("the guide's onUncaughtError handler gets an error with no process context", async () => {
  const child = spawn(
    process.execPath,
    ["--conditions=@trellis/source", "--import", "tsx", fixture],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "" } },
  );
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    err += c;
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(killer);
  expect(err.trim()).toBe("escaped outside any process (uncaughtException): no process here");
  expect(out.trim()).toBe("still running after the error");
  expect(code).toBe(1);
}, 40_000);
