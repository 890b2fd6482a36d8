// The getting-started guide's service, run as a real OS process: it stays up, and SIGINT
// (what Ctrl-C sends) stops it cleanly with exit code 0. Every wait is bounded; the child
// is killed after the test whatever happens.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, expect, test } from "vitest";

const main = fileURLToPath(new URL("../src/service-main.ts", import.meta.url));
const root = fileURLToPath(new URL("../../..", import.meta.url));
const WAIT_MS = 20_000;
let child: ChildProcess | undefined;

afterEach(() => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
  }
  child = undefined;
});

function within<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), WAIT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

test("the service runs until Ctrl-C, then stops cleanly", async () => {
  const c = spawn(process.execPath, ["--conditions=@trellis/source", "--import", "tsx", main], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, STACK_ITEMS: "a,b" },
  });
  child = c;
  let out = "";
  c.stdout?.setEncoding("utf8");
  const exited = new Promise<number | null>((resolve) => c.once("exit", (code) => resolve(code)));
  await within(
    "the service to start",
    new Promise<void>((resolve) =>
      c.stdout?.on("data", (chunk: string) => {
        out += chunk;
        if (out.includes("press Ctrl-C")) resolve();
      }),
    ),
  );
  expect(c.exitCode).toBeNull();
  c.kill("SIGINT");
  expect(await within("the exit", exited)).toBe(0);
  expect(out.trim().split("\n")).toEqual([
    "hello: the stack is running; press Ctrl-C to stop it",
    "[trellis] info: SIGINT: stopping the applications, newest first (deadline 25000 ms)",
    "hello: stopped",
    "[trellis] info: application hello exited: stopped (type permanent)",
  ]);
}, 60_000);
