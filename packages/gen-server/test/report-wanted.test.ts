// GenServer's "terminating" report is built only when the runtime's logger would write it
// (Logger.wants): formatStatus runs for a report that is written, never for one that is not.
import { createRuntime, type LogReport, monitor, receive } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, test } from "vitest";

const { ok, noreply } = GenServer.Result;

async function crash(wants: boolean) {
  const logged: LogReport[] = [];
  let formatted = 0;
  const Server = GenServer.define({
    init: () => ok({ secret: "s3cret" }),
    handleCast: (_r: "crash", state) => {
      if (state.secret !== "") throw new Error("boom");
      return noreply(state);
    },
    formatStatus: (status: GenServer.Status<{ secret: string }>) => {
      formatted++;
      return { ...status, state: "<hidden>" };
    },
  });
  const rt = createRuntime({
    clock: "virtual",
    logger: { log: (r) => void logged.push(r), wants: () => wants },
  });
  await rt.run(async () => {
    const pid = await GenServer.start(Server, undefined);
    const ref = monitor(pid);
    GenServer.cast(pid, "crash");
    const down = await receive((m) => (m as { ref?: unknown }).ref === ref);
    expect((down as { reason: unknown }).reason).toBeInstanceOf(Error);
  });
  await rt.shutdown();
  return { logged, formatted };
}

describe("GenServer's terminating report and Logger.wants", () => {
  test("not built when the logger wants no error report", async () => {
    const { logged, formatted } = await crash(false);
    expect(logged).toEqual([]);
    expect(formatted).toBe(0);
  });

  test("built, through formatStatus, when the logger wants it", async () => {
    const { logged, formatted } = await crash(true);
    expect(formatted).toBe(1);
    const report = logged.find((r) => r.behaviour === "GenServer" && /terminating/.test(r.message));
    expect(report).toBeDefined();
    expect((report as { state?: unknown }).state).toBe("<hidden>");
  });
});
