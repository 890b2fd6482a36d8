import type { LogReport } from "@trellis/core";
import { expect, test } from "vitest";
import { main } from "../src/getting-started.js";

test("the getting-started guide's code does what the guide says", async () => {
  const lines: string[] = [];
  const reports: LogReport[] = [];
  await main((line) => lines.push(line), { logger: { log: (r) => void reports.push(r) } });
  expect(lines).toEqual([
    "pushed, size 2",
    "popped b",
    "the stack went down: killed",
    "restarted as a new process: true",
    "state back to the initial one: a",
  ]);
  // the supervisor reports the crash it handled (an error report, like Erlang's child_terminated)
  expect(reports.filter((r) => r.kind === "error").map((r) => r.reason)).toEqual(["killed"]);
});
