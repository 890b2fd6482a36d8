// runMain in real OS processes: test/fixtures/service.ts runs as a child Node process; the
// test reads its stdout line by line, sends it signals, and checks the order of its shutdown
// and its exit code. Every wait is bounded; every child is killed after its test.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";

const fixture = fileURLToPath(new URL("./fixtures/service.ts", import.meta.url));
const root = fileURLToPath(new URL("../../..", import.meta.url));
/** Bound on any one wait: generous, since tsx compiles the sources at start-up. */
const WAIT_MS = 20_000;

interface Service {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly stderr: string[];
  /** Resolves when a line equal to `line` has been printed (rejects after WAIT_MS). */
  until(line: string): Promise<void>;
  /** Resolves with the exit code (rejects after WAIT_MS). */
  exited(): Promise<number | null>;
}

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
});

function bounded<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms: ${what}`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function run(scenario: string): Service {
  const child = spawn(
    process.execPath,
    ["--conditions=@trellis/source", "--import", "tsx", fixture, scenario],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "" } },
  );
  children.push(child);
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  let buffer = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      // the runtime's own info reports (the console logger) are not the service's prints
      if (line.startsWith("[trellis] ")) continue;
      lines.push(line);
      for (const w of waiters.filter((w) => w.line === line)) w.resolve();
    }
  });
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => stderr.push(chunk));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    lines,
    stderr,
    until: (line) =>
      lines.includes(line)
        ? Promise.resolve()
        : bounded(
            `the line "${line}" (got ${JSON.stringify(lines)}, stderr ${stderr.join("")})`,
            new Promise<void>((resolve) => waiters.push({ line, resolve })),
          ),
    exited: () => bounded(`the exit (got ${JSON.stringify(lines)})`, exit),
  };
}

/** Milliseconds an idle service must stay up to show that nothing lets it exit by itself. */
const IDLE_MS = 1000;

describe("a service run by runMain in its own OS process", () => {
  test(
    "stays up while idle, then stops on SIGTERM in reverse order and exits 0",
    async () => {
      const s = run("idle");
      await s.until("start web.worker");
      // Without the keep-alive, Node would exit as soon as the start is done: nothing else
      // holds its event loop.
      const early = await Promise.race([
        s.exited().then(() => "exited"),
        new Promise<string>((r) => setTimeout(() => r("still running"), IDLE_MS)),
      ]);
      expect(early).toBe("still running");
      expect(s.child.exitCode).toBeNull();
      s.child.kill("SIGTERM");
      expect(await s.exited()).toBe(0);
      expect(s.lines).toEqual([
        "start db.worker",
        "start web.worker",
        "prepStop web",
        "stopping web.worker",
        "stopped web.worker",
        "stop web",
        "stopping db.worker",
        "stopped db.worker",
        "stop db",
      ]);
    },
    WAIT_MS * 3,
  );

  test(
    "SIGINT (Ctrl-C) stops it the same way",
    async () => {
      const s = run("idle");
      await s.until("start web.worker");
      s.child.kill("SIGINT");
      expect(await s.exited()).toBe(0);
      expect(s.lines.at(-1)).toBe("stop db");
    },
    WAIT_MS * 3,
  );

  test(
    "a permanent application that crashes past its restart intensity: the others stop, exit code 1",
    async () => {
      const s = run("crash");
      expect(await s.exited()).toBe(1);
      expect(s.lines).toEqual([
        "start db.worker",
        "start web.worker",
        "prepStop web",
        "stop web",
        "stopping db.worker",
        "stopped db.worker",
        "stop db",
      ]);
      expect(s.stderr.join("")).toContain(
        "application web exited: shutdown (type permanent); stopping every application",
      );
    },
    WAIT_MS * 3,
  );

  test(
    "an error that escapes all process code: logged with its stack, applications stopped, exit code 1",
    async () => {
      const s = run("escape");
      expect(await s.exited()).toBe(1);
      const stderr = s.stderr.join("");
      expect(stderr).toContain(
        "an error escaped all process code (uncaughtException): Error: escaped outside every process",
      );
      expect(stderr).toMatch(/at .*service\.ts:\d+/); // the stack
      expect(s.lines.slice(-3)).toEqual(["stopping db.worker", "stopped db.worker", "stop db"]);
    },
    WAIT_MS * 3,
  );

  test(
    "a second signal during the shutdown exits at once with 128 + its number",
    async () => {
      const s = run("second-signal");
      await s.until("start web.worker");
      s.child.kill("SIGTERM");
      await s.until("stopping web.worker"); // stuck: it never finishes stopping
      s.child.kill("SIGTERM");
      expect(await s.exited()).toBe(143);
      expect(s.lines).not.toContain("stop db");
    },
    WAIT_MS * 3,
  );

  test(
    "the shutdown deadline: a tree that does not stop in time ends with exit code 1",
    async () => {
      const s = run("deadline");
      await s.until("start web.worker");
      const t0 = performance.now();
      s.child.kill("SIGTERM");
      expect(await s.exited()).toBe(1);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(450);
      expect(s.stderr.join("")).toContain("did not stop within 500 ms");
    },
    WAIT_MS * 3,
  );

  test(
    "stopped from code: runMain resolves 0 and Node exits by itself",
    async () => {
      const s = run("stop-from-code");
      expect(await s.exited()).toBe(0);
      expect(s.lines.slice(-2)).toEqual(["stop db", "runMain resolved 0"]);
    },
    WAIT_MS * 3,
  );
});
