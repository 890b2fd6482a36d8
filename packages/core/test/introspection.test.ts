// processInfo and processes as functions (issue #15 item 11): Erlang's process_info/1 and
// processes/0, for the caller's runtime or the runtime running the pid.
import {
  BadArgumentError,
  createRuntime,
  processes,
  processInfo,
  receive,
  self,
  spawn,
} from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

describe("processInfo and processes as functions", () => {
  it("describe the caller's runtime, like the runtime methods", () =>
    withRuntime(async ({ runtime }) => {
      const pid = spawn(() => receive((m) => m === "never"));
      expect(processes()).toEqual(runtime.processes());
      expect(processes()).toContain(self());
      expect(processes()).toContain(pid);
      expect(processInfo(pid)).toEqual(runtime.processInfo(pid));
      expect(processInfo(self())?.status).toBe("running");
      runtime.exit(pid, "kill");
      expect(processInfo(pid)).toBeUndefined();
    }));

  it("processInfo of a pid of another runtime asks that runtime; bad input is rejected", async () => {
    const other = createRuntime();
    const pid = other.spawn(() => receive((m) => m === "never"));
    await withRuntime(async () => {
      expect(processInfo(pid)?.pid).toBe(pid);
      expect(processes()).not.toContain(pid);
      expect(() => processInfo("nope" as never)).toThrow(BadArgumentError);
    });
    await other.shutdown();
  });
});
