// Every exported function of @trellis/ets-table, called with arbitrary and hostile arguments
// (issue #16, item 7): each returns, throws a typed error or rejects with one, and harms no
// other process.

import { BadArgumentError } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as EtsTable from "@trellis/ets-table";
import { describe, expect, it } from "vitest";
import {
  cyclic,
  expectNoProblems,
  exportedFunctions,
  fuzzExports,
} from "../../core/test/support/fuzz.js";

// Functions whose arguments can legitimately make them wait.
const mayWait = new Set<string>(["fileToTab", "tabToFile"]); // real file I/O, not virtual time

describe("fuzzing @trellis/ets-table's exports", () => {
  it("every call returns, throws a typed error or rejects with one, and harms nobody", async () => {
    const entries = exportedFunctions(EtsTable as unknown as Record<string, unknown>, new Set());
    expectNoProblems(await fuzzExports(entries, { mayWait }));
  }, 300_000);
});

describe("the argument groups issue #16 listed", () => {
  it("a cyclic pattern gets a BadArgumentError, not a stack overflow", () =>
    withRuntime(async () => {
      const t = EtsTable.create("t");
      expect(() => EtsTable.match(t, cyclic() as never)).toThrow(BadArgumentError);
      expect(() => EtsTable.select(t, [[cyclic(), [], [EtsTable.$_]]] as never)).toThrow(
        BadArgumentError,
      );
    }));
});
