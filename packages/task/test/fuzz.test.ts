// Every exported function of @trellis/task, called with arbitrary and hostile arguments
// (issue #16, item 7): each returns, throws a typed error or rejects with one, and harms no
// other process.

import { BadArgumentError } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Task from "@trellis/task";
import { describe, expect, it } from "vitest";
import {
  cyclic,
  expectNoProblems,
  exportedFunctions,
  fuzzExports,
} from "../../core/test/support/fuzz.js";

// Functions whose arguments can legitimately make them wait.
const mayWait = new Set<string>([]);

describe("fuzzing @trellis/task's exports", () => {
  it("every call returns, throws a typed error or rejects with one, and harms nobody", async () => {
    const entries = exportedFunctions(Task as unknown as Record<string, unknown>, new Set());
    expectNoProblems(await fuzzExports(entries, { mayWait }));
  }, 300_000);
});

describe("the argument groups issue #16 listed", () => {
  it("Task.Supervisor.start(null) and cyclic values get typed errors", () =>
    withRuntime(async () => {
      expect(() => Task.Supervisor.start(null as never)).toThrow(BadArgumentError);
      expect(() => Task.async(cyclic() as never)).toThrow(BadArgumentError);
      await expect(Task.await(cyclic() as never)).rejects.toBeInstanceOf(BadArgumentError);
    }));
});
