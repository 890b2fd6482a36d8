#!/usr/bin/env node
// What a user gets from npm: packs every published package (pnpm pack, which rewrites the
// workspace: ranges as a publish does), installs the tarballs with plain npm into a fresh
// project outside the repository, and runs each package's README example there
// (packages/<name>/test/readme.ts, the file the README's code block is written from) with
// plain `node`, which strips the types (Node 22.18 and later). Run after the build
// (`pnpm check:packages`). Exit 1 if an install or an example fails.
//
//   node scripts/check-tarballs.mjs
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pnpm = join(root, "node_modules", ".bin", "pnpm");
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `check-tarballs: needs Node 22.18 or later to run .ts files, got ${process.version}`,
  );
  process.exit(1);
}

const packages = readdirSync(join(root, "packages"))
  .map((d) => join(root, "packages", d))
  .filter((dir) => existsSync(join(dir, "package.json")))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
  .filter(({ pkg }) => pkg.private !== true);

const work = mkdtempSync(join(tmpdir(), "trellis-tarballs-"));
const failures = [];
try {
  const tarballs = join(work, "tarballs");
  mkdirSync(tarballs);
  for (const { dir, pkg } of packages) {
    if (!existsSync(join(dir, "dist"))) {
      throw new Error(`${pkg.name} has no dist/: run the build first (pnpm check:packages)`);
    }
    execFileSync(pnpm, ["pack", "--pack-destination", tarballs], { cwd: dir, stdio: "ignore" });
  }
  const app = join(work, "app");
  mkdirSync(app);
  writeFileSync(
    join(app, "package.json"),
    `${JSON.stringify({ name: "trellis-user-app", private: true, type: "module" }, null, 2)}\n`,
  );
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  console.log(`installing ${files.length} tarballs with npm into a fresh project`);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...files], {
    cwd: app,
    stdio: "inherit",
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  for (const { dir, pkg } of packages) {
    const example = join(dir, "test", "readme.ts");
    if (!existsSync(example)) {
      failures.push(`${pkg.name}: no test/readme.ts (the README's example, run by a test)`);
      continue;
    }
    const file = join(app, `${pkg.name.replace("@trellis/", "")}.ts`);
    copyFileSync(example, file);
    const run = spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", file], {
      cwd: app,
      encoding: "utf8",
      timeout: 30_000,
    });
    const out = run.stdout.trim().split("\n").join(" | ");
    if (run.status === 0 && run.stderr.trim() === "") {
      console.log(`ok   ${pkg.name}: ${out}`);
    } else {
      failures.push(
        `${pkg.name}: its README example failed in a fresh project (exit ${run.status}${run.signal ? `, ${run.signal}` : ""})\n${run.stdout}${run.stderr}`,
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`check-tarballs: ${failures.length} failure(s)\n${failures.join("\n\n")}`);
  process.exit(1);
}
console.log("check-tarballs: every package installs from its tarball and its README example runs");
