// Every exported function of @trellis/dynamic-supervisor, called with arbitrary and hostile arguments
// (issue #16, item 7): each returns, throws a typed error or rejects with one, and harms no
// other process.
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import { describe, it } from "vitest";
import { expectNoProblems, exportedFunctions, fuzzExports } from "../../core/test/support/fuzz.js";

// Functions whose arguments can legitimately make them wait.
const mayWait = new Set<string>([]);

describe("fuzzing @trellis/dynamic-supervisor's exports", () => {
  it("every call returns, throws a typed error or rejects with one, and harms nobody", async () => {
    const entries = exportedFunctions(
      DynamicSupervisor as unknown as Record<string, unknown>,
      new Set(),
    );
    expectNoProblems(await fuzzExports(entries, { mayWait }));
  }, 300_000);
});
