import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withRuntime } from "@trellis/core/testing";
import { afterAll, expect, it } from "vitest";
import { statusCounts } from "./examples/log-pipeline.js";

const dir = mkdtempSync(join(tmpdir(), "gen-stage-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("counts the requests of a log file read through a pipeline", () =>
  // real file I/O: virtual time must not run ahead while the file is read
  withRuntime(
    async () => {
      const path = join(dir, "access.log");
      const lines: string[] = [];
      for (let i = 0; i < 5000; i++)
        lines.push(`GET /item/${i} ${i % 10 === 0 ? 500 : 200} ${i % 50}ms`);
      lines.push("not a request");
      writeFileSync(path, `${lines.join("\n")}\n`);
      const counts = await statusCounts(path);
      expect(counts.get(200)).toBe(4500);
      expect(counts.get(500)).toBe(500);
      expect(counts.size).toBe(2);
    },
    { autoAdvance: false },
  ));
