// Every exported function of @trellis/gen-event, called with arbitrary and hostile arguments
// (issue #16, item 7): each returns, throws a typed error or rejects with one, and harms no
// other process.
import * as GenEvent from "@trellis/gen-event";
import { describe, it } from "vitest";
import { expectNoProblems, exportedFunctions, fuzzExports } from "../../core/test/support/fuzz.js";

// Functions whose arguments can legitimately make them wait.
const mayWait = new Set<string>([]);

describe("fuzzing @trellis/gen-event's exports", () => {
  it("every call returns, throws a typed error or rejects with one, and harms nobody", async () => {
    const entries = exportedFunctions(GenEvent as unknown as Record<string, unknown>, new Set());
    expectNoProblems(await fuzzExports(entries, { mayWait }));
  }, 300_000);
});
