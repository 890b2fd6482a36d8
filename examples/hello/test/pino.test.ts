import pino from "pino";
import { expect, test } from "vitest";
import { main } from "../src/crash-report.js";
import { pinoLogger } from "../src/pino-logger.js";

function records(options: { sasl?: boolean } = {}) {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
  return { lines, logger: pinoLogger(pino({ level: "debug", base: null }, destination), options) };
}

test("a crash is one pino error record with the process's metadata", async () => {
  const { lines, logger } = records();
  await main({ logger });
  expect(lines).toHaveLength(1);
  const [record] = lines;
  expect(record).toMatchObject({
    level: 50, // pino's error
    msg: "GenServer <0.3.0> terminating: Error: cannot pop an empty stack",
    pid: "<0.3.0>",
    name: "stack",
    behaviour: "GenServer",
    kind: "error",
    lastMessage: "pop",
    state: [],
    client: "<0.1.0>",
    clientAlive: true,
    err: { type: "Error", message: "cannot pop an empty stack" },
  });
  const err = record?.["err"] as { stack?: unknown } | undefined;
  expect(String(err?.stack)).toMatch(/crash-report\.ts/);
});

test("with sasl, the supervisor's reports come through at their levels", async () => {
  const { lines, logger } = records({ sasl: true });
  await main({ logger });
  expect(lines.map((r) => [r["level"], r["behaviour"]])).toEqual([
    [30, "Supervisor"], // info: started child
    [50, "GenServer"], // the crash
    [50, "GenServer"], // the runtime's crash report for the same process
    [50, "Supervisor"], // child terminated
    [30, "Supervisor"], // restarted
  ]);
  expect(lines.every((r) => typeof r["pid"] === "string")).toBe(true);
});
