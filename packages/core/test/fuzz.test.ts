// Every exported function of @trellis/core, called with arbitrary and hostile arguments
// (issue #16, item 7).
import * as Core from "@trellis/core";
import { describe, it } from "vitest";
import { expectNoProblems, exportedFunctions, fuzzExports } from "./support/fuzz.js";

const skip = new Set([
  // registers a process-wide handler; tested in uncaught.test.ts
  "onUncaughtError",
]);

// Functions whose arguments can legitimately make them wait (a receive with no timeout…).
const mayWait = new Set(["receive", "sleep", "call", "request", "Sys.terminate"]);

describe("fuzzing @trellis/core's exports", () => {
  it("every call returns, throws a typed error or rejects with one, and harms nobody", async () => {
    const entries = exportedFunctions(Core as unknown as Record<string, unknown>, skip);
    expectNoProblems(await fuzzExports(entries, { mayWait }));
  }, 300_000);

  it("so does every public method of a Runtime", async () => {
    const methods = [
      "makeRef",
      "now",
      "spawn",
      "run",
      "isAlive",
      "processes",
      "processInfo",
      "send",
      "exit",
      "whereis",
      "registered",
      "connect",
      "nodes",
      "disconnect",
      "pendingTimers",
      "pendingCalls",
    ];
    const proto = Core.Runtime.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const entries = methods.map((m) => ({
      name: `Runtime.${m}`,
      fn: proto[m] as (...a: unknown[]) => unknown,
      self: undefined,
      bind: () => Core.currentRuntime(),
    }));
    expectNoProblems(await fuzzExports(entries, { mayWait: new Set(["Runtime.run"]) }));
  }, 300_000);
});
