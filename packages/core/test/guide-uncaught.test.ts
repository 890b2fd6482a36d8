import { expect, it } from "vitest";
import { runFixture } from "./support/fixture.js";

it("the guide's onUncaughtError handler gets an error with no process context", async () => {
  const { out, err, code } = await runFixture("guide-uncaught.ts");
  expect(err.trim()).toBe("escaped outside any process (uncaughtException): no process here");
  expect(out.trim()).toBe("still running after the error");
  expect(code).toBe(1);
}, 40_000);
