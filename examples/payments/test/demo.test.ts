// The demo itself, shorter: the scripted scenario and a short load with faults, on a real
// runtime; every invariant must hold.
import { expect, test } from "vitest";
import { runDemo } from "../src/demo.js";

test("the demo runs, recovers from its faults, and all its invariants hold", async () => {
  const lines: string[] = [];
  const result = await runDemo({ loadMs: 400, clients: 4, print: (line) => lines.push(line) });
  expect(result.invariants.filter((c) => !c.ok)).toEqual([]);
  expect(result.ok).toBe(true);
  const text = lines.join("\n");
  expect(text).toContain("authorized → voided (not captured within 300 ms: state timeout)");
  expect(text).toContain("resumed from the ETS ledger in state authorized");
  expect(text).toContain("child session");
  expect(text).toMatch(/← 200 ×\d, 429 ×\d/);
  expect(text).toContain("partial answer, missing risk, loyalty");
  expect(text).toContain("idle timeout fired");
  expect(text).toContain("All invariants hold");
}, 20_000);
