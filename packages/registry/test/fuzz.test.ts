// Every exported function of @trellis/registry, called with arbitrary and hostile arguments
// (issue #16, item 7): each returns, throws a typed error or rejects with one, and harms no
// other process.

import { TrellisError } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Registry from "@trellis/registry";
import { describe, expect, it } from "vitest";
import {
  cyclic,
  expectNoProblems,
  exportedFunctions,
  fuzzExports,
} from "../../core/test/support/fuzz.js";

// Functions whose arguments can legitimately make them wait.
const mayWait = new Set<string>([]);

describe("fuzzing @trellis/registry's exports", () => {
  it("every call returns, throws a typed error or rejects with one, and harms nobody", async () => {
    const entries = exportedFunctions(Registry as unknown as Record<string, unknown>, new Set());
    expectNoProblems(await fuzzExports(entries, { mayWait }));
  }, 300_000);
});

describe("the argument groups issue #16 listed", () => {
  it("partitions: 1e308 and a cyclic match pattern get typed errors", () =>
    withRuntime(async () => {
      await expect(
        Registry.start({ keys: "unique", name: "huge", partitions: 1e308 }),
      ).rejects.toSatisfy((e: unknown) => TrellisError.is(e, "badarg"));
      const reg = await Registry.startLink({ keys: "unique", name: "reg" });
      expect(() => Registry.match(reg, "k", cyclic() as never)).toThrow(TrellisError);
    }));
});
