import {
  consoleLogger,
  createRuntime,
  downFor,
  formatReport,
  isSaslReport,
  type LogLevel,
  type LogReport,
  levelOf,
  logReport,
  monitor,
  receive,
  register,
  self,
  send,
  spawn,
} from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

function capture(options: { level?: LogLevel; sasl?: boolean } = {}) {
  const out: { text: string; level: LogLevel }[] = [];
  const logger = consoleLogger({ ...options, write: (text, level) => out.push({ text, level }) });
  return { logger, out };
}

describe("levels", () => {
  it("a report's level is its level field, else follows its kind", () => {
    expect(levelOf({ kind: "crash", message: "m" })).toBe("error");
    expect(levelOf({ kind: "error", message: "m" })).toBe("error");
    expect(levelOf({ kind: "warning", message: "m" })).toBe("warning");
    expect(levelOf({ kind: "info", message: "m" })).toBe("info");
    expect(levelOf({ kind: "info", level: "debug", message: "m" })).toBe("debug");
  });

  it("the console logger writes what is at or above its level, at info by default", () => {
    const reports: LogReport[] = [
      { kind: "info", level: "debug", message: "d" },
      { kind: "info", message: "i" },
      { kind: "warning", message: "w" },
      { kind: "error", message: "e" },
    ];
    const byDefault = capture();
    const atWarning = capture({ level: "warning" });
    const atDebug = capture({ level: "debug" });
    for (const r of reports) {
      byDefault.logger.log(r);
      atWarning.logger.log(r);
      atDebug.logger.log(r);
    }
    expect(byDefault.out.map((o) => o.level)).toEqual(["info", "warning", "error"]);
    expect(atWarning.out.map((o) => o.text)).toEqual([
      "[trellis] warning: w",
      "[trellis] error: e",
    ]);
    expect(atDebug.out).toHaveLength(4);
  });

  it("SASL reports (supervisor and duplicate crash reports) are left out unless asked for", () => {
    const sasl: LogReport = { kind: "error", message: "child exited", domain: ["otp", "sasl"] };
    expect(isSaslReport(sasl)).toBe(true);
    expect(isSaslReport({ kind: "error", message: "m" })).toBe(false);
    const plain = capture();
    const withSasl = capture({ sasl: true });
    plain.logger.log(sasl);
    withSasl.logger.log(sasl);
    expect(plain.out).toEqual([]);
    expect(withSasl.out.map((o) => o.text)).toEqual(["[trellis] error: child exited"]);
  });
});

describe("metadata", () => {
  it("every report from process code carries the pid, registered name and behaviour", () =>
    withRuntime(async ({ logs }) => {
      const test = self();
      const pid = spawn(async () => {
        await receive();
        logReport({ kind: "warning", message: "odd" });
        send(test, "logged");
      });
      register("worker", pid);
      send(pid, "go");
      await receive((m) => m === "logged");
      const plainPid = spawn(() => {
        logReport({ kind: "info", message: "plain" });
        send(test, "logged");
      });
      await receive((m) => m === "logged");
      const odd = logs.find((r) => r.message === "odd");
      expect(odd?.pid).toBe(pid);
      expect(odd?.name).toBe("worker");
      const plain = logs.find((r) => r.message === "plain");
      expect(plain?.pid).toBe(plainPid);
      expect(plain?.name).toBeUndefined();
      expect(plain?.behaviour).toBeUndefined();
    }));

  it("a plain process's crash is one error report, with its stack trimmed of Node's frames", async () => {
    const { logger, out } = capture();
    const rt = createRuntime({ clock: "virtual", logger });
    await rt.run(async () => {
      const pid = spawn(() => {
        throw new Error("boom");
      });
      await receive(downFor(monitor(pid)));
    });
    await rt.shutdown();
    expect(out).toHaveLength(1);
    const [first, ...frames] = (out[0]?.text ?? "").split("\n");
    expect(first).toMatch(/^\[trellis\] error: process <0\.\d+\.0> exited: Error: boom$/);
    expect(frames[0]).toMatch(/console-logger\.test\.ts/);
    expect(frames.some((f) => f.includes("(node:") || f.includes("runtime.ts"))).toBe(false);
  });
});

describe("formatReport", () => {
  const error = new Error("cannot pop an empty stack");
  error.stack = [
    "Error: cannot pop an empty stack",
    "    at Object.handleCall (/app/src/stack.ts:15:35)",
    "    at Loop.call (/app/node_modules/@trellis/gen-server/dist/index.js:259:13)",
    "    at Runtime.step (/app/node_modules/.pnpm/@trellis+core@0.1.0/node_modules/@trellis/core/dist/runtime.js:852:13)",
    "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)",
  ].join("\n");
  const report: LogReport = {
    kind: "error",
    message: "GenServer <0.3.0> terminating: Error: cannot pop an empty stack",
    behaviour: "GenServer",
    reason: error,
    lastMessage: "pop",
    state: [],
    client: "<0.1.0>",
    clientAlive: true,
  };

  it("renders who crashed, the trimmed stack, the last message, the state and the client", () => {
    expect(formatReport(report)).toBe(
      [
        "[trellis] error: GenServer <0.3.0> terminating: Error: cannot pop an empty stack",
        "    at Object.handleCall (/app/src/stack.ts:15:35)",
        '    (3 Trellis and Node frames hidden; level "debug" shows them)',
        "Last message (from <0.1.0>): 'pop'",
        "State: []",
        "Client <0.1.0> is alive",
      ].join("\n"),
    );
  });

  it("keeps every frame when asked (the console logger at level debug)", () => {
    const text = formatReport(report, { fullStack: true });
    expect(text.split("\n").filter((l) => l.startsWith("    at "))).toHaveLength(4);
  });

  it("bounds the rendering of a large state", () => {
    const big = { rows: Array.from({ length: 10_000 }, (_, i) => ({ i, text: "x".repeat(50) })) };
    const text = formatReport({ ...report, state: big }, { maxTermLength: 300 });
    const state = text.split("\n").find((l) => l.startsWith("State: ")) ?? "";
    expect(state.length).toBeLessThan(400);
    expect(state).toMatch(/more characters\)$/);
  });

  it("never throws, even on a state whose rendering throws", () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("no keys for you");
        },
      },
    );
    expect(() => formatReport({ ...report, state: hostile })).not.toThrow();
  });
});
