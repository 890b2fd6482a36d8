import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BadArgumentError, onUncaughtError } from "@trellis/core";
import { describe, expect, it } from "vitest";

// Escaped errors go through Node's process-wide events, which vitest intercepts in its
// workers: each scenario runs in a real child Node process (bounded, killed on timeout).
const fixture = fileURLToPath(new URL("./fixtures/escape.ts", import.meta.url));
const root = fileURLToPath(new URL("../../..", import.meta.url));

function run(scenario: string): {
  code: number | null;
  lines: Record<string, unknown>[];
  stderr: string;
} {
  const r = spawnSync(process.execPath, ["--import", "tsx", fixture, scenario], {
    cwd: root,
    encoding: "utf8",
    timeout: 30_000,
    killSignal: "SIGKILL",
  });
  const lines = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code: r.status, lines, stderr: r.stderr };
}

describe("errors that escape process code", () => {
  it("crash the process whose async context they ran in, and nothing else", () => {
    const { code, lines } = run("routed");
    expect(code).toBe(0);
    expect(lines.find((l) => l.event === "downs")?.downs).toEqual({
      setTimeout: "Error:timer",
      unhandledRejection: "Error:nobody awaits",
      fireAndForget: "Error:forgotten job",
      emitterError: "Error:no listener",
      abortListener: "Error:listener",
      nonError: "nocatch:a string",
    });
    // after a process has died, what its leftovers throw is reported to its runtime
    expect(lines.find((l) => l.event === "late")).toEqual({
      event: "late",
      reports: ["Error:after death", "Error:leftover timer"],
      crashes: 6,
      bystanderAlive: true,
    });
    expect(lines.at(-1)?.event).toBe("end");
  }, 40_000);

  it("with no process context, go to the onUncaughtError handlers", () => {
    const { code, lines } = run("handled");
    expect(code).toBe(0);
    const handled = lines.find((l) => l.event === "handled");
    expect(handled?.bystanderAlive).toBe(true);
    expect([...((handled?.seen as string[] | undefined) ?? [])].sort()).toEqual([
      "uncaughtException:Error:outside",
      "unhandledRejection:Error:outside rejection",
    ]);
  }, 40_000);

  it.each(["throw", "rejection", "registeredThenRemoved"])(
    "with no process context and no handler (%s), keep Node's default: stack on stderr, exit 1",
    (scenario) => {
      const { code, lines, stderr } = run(scenario);
      expect(lines.map((l) => l.event)).toEqual(["armed"]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/Error: outside (throw|rejection)\n\s+at /);
    },
    40_000,
  );
});

describe("onUncaughtError", () => {
  it("rejects a handler that is not a function", () => {
    expect(() => onUncaughtError(42 as never)).toThrow(BadArgumentError);
  });

  it("returns an unregister function that can be called twice", () => {
    const off = onUncaughtError(() => {});
    off();
    expect(() => off()).not.toThrow();
  });
});
