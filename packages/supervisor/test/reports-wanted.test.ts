// Supervisor reports are built only when the runtime's logger wants them (Logger.wants):
// a logger that declines SASL reports gets none, and is asked before each one is built.
import {
  createRuntime,
  exit,
  type LogLevel,
  type LogReport,
  monitor,
  receive,
} from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, test } from "vitest";
import { started, worker } from "./helpers.js";

function recordingLogger(wantSasl: boolean) {
  const asked: { level: LogLevel; domain: readonly string[] | undefined }[] = [];
  const logged: LogReport[] = [];
  return {
    asked,
    logged,
    logger: {
      log(r: LogReport) {
        logged.push(r);
      },
      wants(level: LogLevel, domain?: readonly string[]) {
        asked.push({ level, domain });
        return !(domain?.includes("sasl") === true) || wantSasl;
      },
    },
  };
}

async function crashOnce(wantSasl: boolean) {
  const rec = recordingLogger(wantSasl);
  const rt = createRuntime({ clock: "virtual", logger: rec.logger });
  await rt.run(async () => {
    const sup = await Supervisor.startLink([worker("w")], { strategy: "one_for_one" });
    const first = await started("w");
    exit(first, "boom");
    const second = await started("w");
    expect(second).not.toBe(first);
    const ref = monitor(sup);
    await Supervisor.stop(sup);
    await receive((m) => (m as { ref?: unknown }).ref === ref);
  });
  await rt.shutdown();
  return rec;
}

const sasl = (r: LogReport) => r.domain?.includes("sasl") === true && r.behaviour === "Supervisor";

describe("supervisor reports and Logger.wants", () => {
  test("a logger that declines SASL reports is asked, and gets none", async () => {
    const rec = await crashOnce(false);
    expect(rec.logged.filter(sasl)).toEqual([]);
    const asked = rec.asked.filter((a) => a.domain?.includes("sasl"));
    expect(asked.some((a) => a.level === "info")).toBe(true); // progress reports
    expect(asked.some((a) => a.level === "error")).toBe(true); // child_terminated
  });

  test("a logger that wants them gets the progress and error reports, messages included", async () => {
    const rec = await crashOnce(true);
    const reports = rec.logged.filter(sasl);
    const kinds = reports.map((r) => (r as { report?: unknown }).report);
    expect(kinds.filter((k) => k === "progress")).toHaveLength(2);
    expect(kinds).toContain("child_terminated");
    const terminated = reports.find(
      (r) => (r as { report?: unknown }).report === "child_terminated",
    ) as LogReport;
    expect(terminated.kind).toBe("error");
    expect(terminated.reason).toBe("boom");
    expect(terminated.message).toMatch(/child "w" \(<[\d.]+>\) exited: boom$/);
  });
});
