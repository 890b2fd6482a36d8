// A logger may say which reports it would write (`Logger.wants`); the runtime then does not
// build the others at all (ADR 0004, session 3), as OTP's logger checks the level first.
import {
  consoleLogger,
  createRuntime,
  downFor,
  type Logger,
  type LogLevel,
  type LogReport,
  logReport,
  receive,
  spawnMonitor,
  wouldLog,
} from "@trellis/core";
import { describe, expect, it } from "vitest";

/** A crash reason that counts how often its property is read (formatting reads it). */
function countingReason(): { reason: object; reads: () => number } {
  let reads = 0;
  const reason = {
    get detail(): string {
      reads++;
      return "x";
    },
  };
  return { reason, reads: () => reads };
}

async function crashWith(logger: Logger, reason: object): Promise<unknown> {
  const rt = createRuntime({ logger });
  const out = await rt.run(async () => {
    const [, ref] = spawnMonitor(() => {
      throw reason;
    });
    return (await receive(downFor(ref))).reason;
  });
  await rt.shutdown();
  return out;
}

describe("Logger.wants", () => {
  it("a crash report a logger does not want is neither built nor logged", async () => {
    const seen: LogReport[] = [];
    const asked: [LogLevel, readonly string[] | undefined][] = [];
    const { reason, reads } = countingReason();
    const logger: Logger = {
      log: (r) => void seen.push(r),
      wants: (level, domain) => {
        asked.push([level, domain]);
        return false;
      },
    };
    // the exit itself is unchanged: a thrown non-error exits with { nocatch: value }
    expect(((await crashWith(logger, reason)) as { nocatch: unknown }).nocatch).toBe(reason);
    expect(asked).toContainEqual(["error", undefined]);
    expect(seen).toEqual([]);
    expect(reads()).toBe(0);
  });

  it("a wanted crash report is built and logged as before", async () => {
    const seen: LogReport[] = [];
    const { reason, reads } = countingReason();
    await crashWith({ log: (r) => void seen.push(r), wants: () => true }, reason);
    expect(seen.map((r) => r.kind)).toEqual(["crash"]);
    expect((seen[0] as LogReport).reason).toEqual({ nocatch: reason });
    expect(reads()).toBeGreaterThan(0);
  });

  it("a logger without wants gets every report; a throwing wants counts as yes", async () => {
    const plain: LogReport[] = [];
    await crashWith({ log: (r) => void plain.push(r) }, countingReason().reason);
    expect(plain.map((r) => r.kind)).toEqual(["crash"]);
    const broken: LogReport[] = [];
    await crashWith(
      {
        log: (r) => void broken.push(r),
        wants: () => {
          throw new Error("broken level check");
        },
      },
      countingReason().reason,
    );
    expect(broken.map((r) => r.kind)).toEqual(["crash"]);
  });

  it("logReport and wouldLog follow the logger's answer", async () => {
    const seen: LogReport[] = [];
    const logger: Logger = {
      log: (r) => void seen.push(r),
      wants: (level, domain) => level === "error" && domain === undefined,
    };
    const rt = createRuntime({ logger });
    const answers = await rt.run(() => {
      logReport({ kind: "warning", message: "not wanted" });
      logReport({ kind: "error", message: "wanted" });
      logReport({ kind: "error", message: "sasl, not wanted", domain: ["otp", "sasl"] });
      return [wouldLog("error"), wouldLog("warning"), wouldLog("error", ["otp", "sasl"])];
    });
    expect(answers).toEqual([true, false, false]);
    expect(seen.map((r) => r.message)).toEqual(["wanted"]);
    await rt.shutdown();
  });

  it("consoleLogger wants what it would write: its level and up, SASL only when asked", () => {
    const info = consoleLogger({ write: () => {} });
    expect(info.wants?.("debug", undefined)).toBe(false);
    expect(info.wants?.("info", undefined)).toBe(true);
    expect(info.wants?.("error", ["otp", "sasl"])).toBe(false);
    const errorsWithSasl = consoleLogger({ level: "error", sasl: true, write: () => {} });
    expect(errorsWithSasl.wants?.("warning", undefined)).toBe(false);
    expect(errorsWithSasl.wants?.("error", ["otp", "sasl"])).toBe(true);
  });
});
