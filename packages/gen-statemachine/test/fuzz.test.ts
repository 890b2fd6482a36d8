// Every exported function of @trellis/gen-statemachine, called with arbitrary and hostile arguments
// (issue #16, item 7): each returns, throws a typed error or rejects with one, and harms no
// other process.
import * as GenStatemachine from "@trellis/gen-statemachine";
import { describe, it } from "vitest";
import { expectNoProblems, exportedFunctions, fuzzExports } from "../../core/test/support/fuzz.js";

// Functions whose arguments can legitimately make them wait.
const mayWait = new Set<string>([]);

describe("fuzzing @trellis/gen-statemachine's exports", () => {
  it("every call returns, throws a typed error or rejects with one, and harms nobody", async () => {
    const entries = exportedFunctions(
      GenStatemachine as unknown as Record<string, unknown>,
      new Set(),
    );
    expectNoProblems(await fuzzExports(entries, { mayWait }));
  }, 300_000);
});
