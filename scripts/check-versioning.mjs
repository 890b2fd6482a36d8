#!/usr/bin/env node
// Proves the versioning scheme (docs/adr/0003-versioning.md) on a scratch copy of the repo:
//
//   1. the first release: `changeset version` with today's changesets must give every
//      published package 0.1.0 (or leave it below 1.0.0 when it has no changeset yet);
//   2. a core-only minor after that release: with every package at its released version,
//      one changeset `"@trellis/core": minor` must not move any other package to a new
//      major.
//
// Only package.jsons, the workspace file and .changeset/ are copied; nothing in the repo
// changes. Prints the before/after of both runs. Exit 1 when a rule is broken.
//
//   node scripts/check-versioning.mjs
import { execFileSync } from "node:child_process";
import {
  cpSync,
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
const changesetBin = join(root, "node_modules", "@changesets", "cli", "bin.js");
const groups = ["packages", "examples"];

function readJson(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}

/** Copies what changesets reads into a fresh directory; returns it. */
function scratchCopy() {
  const dir = mkdtempSync(join(tmpdir(), "trellis-versioning-"));
  for (const f of ["package.json", "pnpm-workspace.yaml"]) cpSync(join(root, f), join(dir, f));
  cpSync(join(root, ".changeset"), join(dir, ".changeset"), { recursive: true });
  const dirs = [...groups.flatMap((g) => readdirSync(join(root, g)).map((d) => `${g}/${d}`))];
  if (existsSync(join(root, "bench", "package.json"))) dirs.push("bench");
  for (const d of dirs) {
    const pkg = join(root, d, "package.json");
    if (!existsSync(pkg)) continue;
    mkdirSync(join(dir, d), { recursive: true });
    cpSync(pkg, join(dir, d, "package.json"));
  }
  // changesets looks for the workspace root through git; a scratch repo keeps it local
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
  return dir;
}

/** name -> version of every published (non-private) package under packages/. */
function versions(dir) {
  const out = new Map();
  for (const d of readdirSync(join(dir, "packages"))) {
    const file = join(dir, "packages", d, "package.json");
    if (!existsSync(file)) continue;
    const pkg = readJson(file);
    if (pkg.private !== true) out.set(pkg.name, pkg.version);
  }
  return out;
}

function runVersion(dir) {
  execFileSync(process.execPath, [changesetBin, "version"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

const major = (v) => Number(v.split(".")[0]);

function table(before, after) {
  const w = Math.max(...[...before.keys()].map((n) => n.length));
  return [...before.keys()]
    .sort()
    .map((n) => `  ${n.padEnd(w)}  ${before.get(n)} -> ${after.get(n)}`)
    .join("\n");
}

const problems = [];
const dir = scratchCopy();
try {
  // 1. the first release, with the changesets in the repo today
  const initial = versions(dir);
  runVersion(dir);
  const released = versions(dir);
  console.log(`first release (the changesets in .changeset/):\n${table(initial, released)}\n`);
  for (const [name, v] of released) {
    if (major(v) !== major(initial.get(name))) {
      problems.push(`${name} would be released as ${v}; a first release must stay below 1.0.0`);
    }
  }

  // 2. a core-only minor on top of that release
  for (const f of readdirSync(join(dir, ".changeset"))) {
    if (f.endsWith(".md") && f !== "README.md") rmSync(join(dir, ".changeset", f));
  }
  writeFileSync(
    join(dir, ".changeset", "core-only-minor.md"),
    '---\n"@trellis/core": minor\n---\n\nA new core feature (scratch changeset of check-versioning).\n',
  );
  runVersion(dir);
  const next = versions(dir);
  console.log(`then a core-only minor:\n${table(released, next)}\n`);
  for (const [name, v] of next) {
    if (name !== "@trellis/core" && major(v) !== major(released.get(name))) {
      problems.push(
        `${name} jumps from ${released.get(name)} to ${v} on a core-only minor: a dependent must not change major when core adds a feature`,
      );
    }
  }
  if (next.get("@trellis/core") === released.get("@trellis/core")) {
    problems.push("@trellis/core did not move on its own minor changeset");
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(`versioning: ${problems.length} problem(s) (see docs/adr/0003-versioning.md)`);
  console.error(
    'A package that takes core as a peer needs "@trellis/core": "workspace:0.x" in peerDependencies;\n.changeset/config.json needs "fixed": [["@trellis/*"]] and onlyUpdatePeerDependentsWhenOutOfRange.',
  );
  for (const p of problems) console.error(`- ${p}`);
  process.exit(1);
}
console.log(
  "versioning: the first release is 0.x and a core-only minor moves no dependent's major",
);
