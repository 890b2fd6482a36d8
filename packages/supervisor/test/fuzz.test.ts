// Every exported function of @trellis/supervisor, called with arbitrary and hostile arguments
// (issue #16, item 7): each returns, throws a typed error or rejects with one, and harms no
// other process.

import { TrellisError } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, it } from "vitest";
import {
  cyclic,
  expectNoProblems,
  exportedFunctions,
  fuzzExports,
} from "../../core/test/support/fuzz.js";

// Functions whose arguments can legitimately make them wait.
const mayWait = new Set<string>([]);

describe("fuzzing @trellis/supervisor's exports", () => {
  it("every call returns, throws a typed error or rejects with one, and harms nobody", async () => {
    const entries = exportedFunctions(Supervisor as unknown as Record<string, unknown>, new Set());
    expectNoProblems(await fuzzExports(entries, { mayWait }));
  }, 300_000);
});

describe("the argument groups issue #16 listed", () => {
  it("cyclic child specs and a null target list get typed errors", () =>
    withRuntime(async () => {
      expect(() => Supervisor.checkChildSpec(cyclic() as never)).toThrow(TrellisError);
      expect(() => Supervisor.checkChildSpecs([[cyclic()]] as never)).toThrow(TrellisError);
      await expect(Supervisor.shutdownChildren(null as never)).rejects.toBeInstanceOf(TrellisError);
    }));
});
