import { expect, test } from "vitest";
import { main } from "../src/getting-started.js";

test("the getting-started guide's code does what the guide says", async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  expect(lines).toEqual([
    "pushed, size 2",
    "popped b",
    "the stack went down: killed",
    "restarted as a new process: true",
    "state back to the initial one: a",
  ]);
});
