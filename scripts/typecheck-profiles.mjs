#!/usr/bin/env node
// Type-checks the type tests (packages/*/test/**/*.test-d.ts) the way users will compile
// the public types:
//
// - under two profiles: the repository's own (tsconfig.typetests.json: strict plus
//   exactOptionalPropertyTypes, noUncheckedIndexedAccess…) and a user's plain
//   `strict: true` (tsconfig.strict.json);
// - with three compilers: the installed TypeScript, TypeScript 7, and the oldest supported
//   one (5.5, stated in README.md). The other versions are fetched once with npx.
//
// Usage: node scripts/typecheck-profiles.mjs [--only installed|7|oldest]
// Exits with status 1 if any run fails, after running all of them.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const OLDEST = "5.5.4";
const NEWEST = "7.0.2";

const compilers = [
  { label: "installed", command: join(root, "node_modules", ".bin", "tsc"), args: [] },
  { label: "7", command: "npx", args: ["-y", "-p", `typescript@${NEWEST}`, "tsc"] },
  { label: "oldest", command: "npx", args: ["-y", "-p", `typescript@${OLDEST}`, "tsc"] },
];
const profiles = ["tsconfig.typetests.json", "tsconfig.strict.json"];

const only = process.argv.includes("--only")
  ? process.argv[process.argv.indexOf("--only") + 1]
  : undefined;
if (only !== undefined && !compilers.some((c) => c.label === only)) {
  console.error(`typecheck-profiles: --only takes installed, 7 or oldest, got ${only}`);
  process.exit(2);
}

let failed = 0;
for (const compiler of compilers) {
  if (only !== undefined && compiler.label !== only) continue;
  const version = spawnSync(compiler.command, [...compiler.args, "-v"], {
    cwd: root,
    encoding: "utf8",
    timeout: 300_000,
  });
  const name = (version.stdout ?? "").trim() || `TypeScript (${compiler.label})`;
  for (const profile of profiles) {
    const started = Date.now();
    const run = spawnSync(compiler.command, [...compiler.args, "-p", profile], {
      cwd: root,
      stdio: "inherit",
      timeout: 600_000,
    });
    const ok = run.status === 0;
    if (!ok) failed++;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`${ok ? "ok  " : "FAIL"} ${name}, ${profile} (${seconds} s)`);
  }
}
process.exit(failed === 0 ? 0 : 1);
