#!/usr/bin/env node
// Installs the workspace on a machine that has only Node and npm.
//
// pnpm is not preinstalled and corepack cannot verify signatures against the
// registry reachable here, so pnpm is fetched once through npm (npx) at the
// exact version pinned in package.json's "packageManager". pnpm is also a
// root devDependency, so after the first install every script finds it in
// node_modules/.bin. Re-running is cheap: when the lockfile has not changed
// since the last install, nothing happens.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const pinned = /^pnpm@(\d+\.\d+\.\d+)$/.exec(pkg.packageManager ?? "");
if (!pinned) {
  console.error(
    `setup: package.json "packageManager" must be "pnpm@x.y.z", got ${pkg.packageManager}`,
  );
  process.exit(1);
}
const marker = join(root, "node_modules", ".pnpm", "lock.yaml");
const lockfile = join(root, "pnpm-lock.yaml");
const upToDate =
  existsSync(marker) &&
  existsSync(join(root, "node_modules", ".bin", "pnpm")) &&
  statSync(marker).mtimeMs >= statSync(lockfile).mtimeMs;
if (upToDate && !process.argv.includes("--force")) process.exit(0);

const local = join(root, "node_modules", ".bin", "pnpm");
// --package names what to fetch even under an outer `npx -p node@N` (which leaves its own
// package in npm_config_package for nested npx calls)
const [cmd, args] = existsSync(local)
  ? [local, []]
  : ["npx", ["--yes", `--package=pnpm@${pinned[1]}`, "--", "pnpm"]];
console.log(`setup: installing the workspace with pnpm ${pinned[1]}`);
execFileSync(cmd, [...args, "install", "--frozen-lockfile"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, COREPACK_ENABLE_STRICT: "0", npm_config_update_notifier: "false" },
});
