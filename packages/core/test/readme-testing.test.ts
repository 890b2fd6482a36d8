// The "Testing your processes" example of packages/core/README.md, word for word.
// #region readme
import { self, sendAfter } from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import { expect, test } from "vitest";

test("five minutes pass in a few milliseconds", () =>
  withRuntime(async ({ clock }) => {
    sendAfter(self(), "later", 5 * 60_000);
    await assertReceive((m) => m === "later", { timeout: 10 * 60_000 });
    expect(clock.now()).toBe(5 * 60_000);
  }));
// #endregion readme
