import { readFileSync } from "node:fs";
import { consoleLogger, type LogLevel } from "@trellis/core";
import { expect, test } from "vitest";
import { main } from "../src/crash-report.js";

const guide = new URL("../../../docs/guides/crash-reports.md", import.meta.url);
const source = new URL("../src/crash-report.ts", import.meta.url).pathname;

async function reports(level: LogLevel, sasl = false): Promise<string[]> {
  const out: string[] = [];
  await main({ logger: consoleLogger({ level, sasl, write: (text) => out.push(text) }) });
  return out;
}

test("one crash, one report: who, why, where in your code, last message, state, client", async () => {
  const out = await reports("info");
  expect(out).toHaveLength(1);
  const text = (out[0] ?? "").replaceAll(source, "src/crash-report.ts");
  expect(text).toBe(
    [
      '[trellis] error: GenServer "stack" (<0.3.0>) terminating: Error: cannot pop an empty stack',
      "    at Object.handleCall (src/crash-report.ts:15:35)",
      '    (7 Trellis and Node frames hidden; level "debug" shows them)',
      "Last message (from <0.1.0>): 'pop'",
      "State: []",
      "Client <0.1.0> is alive",
    ].join("\n"),
  );
  // the guide shows this very report, word for word
  expect(readFileSync(guide, "utf8")).toContain(`\`\`\`text\n${text}\n\`\`\``);
});

test("at level debug the stack is written in full", async () => {
  const [text] = await reports("debug");
  expect(text?.split("\n").filter((l) => l.startsWith("    at ")).length).toBeGreaterThan(5);
});

test("with SASL reports on, the supervisor's reports and the runtime's crash report appear too", async () => {
  const out = await reports("info", true);
  expect(out.map((t) => t.split("\n")[0])).toEqual([
    '[trellis] info: Supervisor <0.2.0>: started child "stack" as <0.3.0>',
    '[trellis] error: GenServer "stack" (<0.3.0>) terminating: Error: cannot pop an empty stack',
    "[trellis] error: process <0.3.0> (stack) exited: Error: cannot pop an empty stack",
    '[trellis] error: Supervisor <0.2.0>: child "stack" (<0.3.0>) exited: Error: cannot pop an empty stack',
    '[trellis] info: Supervisor <0.2.0>: started child "stack" as <0.4.0>',
  ]);
});
