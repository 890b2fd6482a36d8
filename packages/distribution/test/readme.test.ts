import { format } from "node:util";
import { expect, test, vi } from "vitest";

test("the README's example runs and prints what its comments say", {
  timeout: 30_000,
}, async () => {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args) => {
    lines.push(format(...args));
  });
  try {
    await import("./readme.js");
  } finally {
    log.mockRestore();
  }
  expect(lines).toEqual(["40", "[ 'server@127.0.0.1' ]"]);
});
