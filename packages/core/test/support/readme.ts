// Runs a package README's example (its test/readme.ts, which the README shows through
// sync-docs) and collects what it prints with console.log, for the readme tests.
import { format } from "node:util";
import { vi } from "vitest";

/** The lines `load()` (an `import("./readme.js")`) prints with `console.log`, in order. */
export async function printedBy(load: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args) => {
    lines.push(format(...args));
  });
  try {
    await load();
  } finally {
    log.mockRestore();
  }
  return lines;
}
