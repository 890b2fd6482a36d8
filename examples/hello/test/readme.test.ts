import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");

test("the README's example is this file, word for word", () => {
  const readme = readFileSync(join(root, "../../README.md"), "utf8");
  const snippet = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(snippet).toBe(readFileSync(join(root, "src/readme.ts"), "utf8"));
});

test("the README's example runs and prints what it says", () => {
  const out = execFileSync(
    process.execPath,
    ["--conditions=@trellis/source", "--import", "tsx", "src/readme.ts"],
    { cwd: root, encoding: "utf8", timeout: 30_000 },
  );
  expect(out.trim()).toBe("counter: 1");
}, 30_000);
