// On Node 20 and 22, AsyncLocalStorage runs on async hooks: every enabled store is copied into
// every promise the program makes, for as long as it stays enabled. The scheduler asks once,
// with a store of its own, whether contexts are frames; that probe must not stay enabled, or
// every promise pays the copy twice (ADR 0004, "Session 5: Node 22"). On Node 24+ promises
// carry no store keys, and the check holds trivially.
import { createRuntime, spawn } from "@trellis/core";
import { describe, expect, it } from "vitest";

/** How many async-hooks store keys a new promise made here carries. */
function storeKeys(): number {
  const p = Promise.resolve().then(() => undefined);
  return Object.getOwnPropertySymbols(p).filter((s) => s.description === "kResourceStore").length;
}

describe("async-context stores", () => {
  it("a promise made in a process carries at most the processes' own store beyond those before", async () => {
    const before = storeKeys();
    const rt = createRuntime();
    const keys = await rt.run(async () => {
      // a second process body: the probe has run by then, whichever body asked first
      const done = new Promise<number>((resolve) => {
        spawn(async () => {
          await Promise.resolve();
          resolve(storeKeys());
        });
      });
      return done;
    });
    await rt.shutdown();
    expect(keys - before).toBeLessThanOrEqual(1);
    expect(storeKeys() - before).toBeLessThanOrEqual(1);
  });
});
