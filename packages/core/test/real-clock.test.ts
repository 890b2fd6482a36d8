import { expect, it } from "vitest";
import { runFixture } from "./support/fixture.js";

it("a cancelled timer does not keep Node alive until it would have fired", async () => {
  // the timer was 60 s away; the fixture is killed at 30 s so a regression fails instead of hanging
  const { out, code, ms } = await runFixture("cancelled-timer.ts");
  expect(out.trim()).toBe("done");
  expect(code).toBe(0);
  expect(ms).toBeLessThan(20_000);
});
