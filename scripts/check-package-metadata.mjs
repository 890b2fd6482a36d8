#!/usr/bin/env node
// Checks that every published package under packages/ carries the metadata the npm page
// needs, and that its README's links work there (npm shows the README out of the repository,
// so a relative link like ../../docs/guides/x.md leads nowhere).
//
//   node scripts/check-package-metadata.mjs         check; exit 1 with what to add
//   node scripts/check-package-metadata.mjs --fix   write the fields that have one right value
//                                                   (repository, homepage, bugs, author,
//                                                   engines, publishConfig); keywords and
//                                                   README links stay for you to write
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = "https://github.com/trellis-otp/trellis";
export const NODE_RANGE = ">=22.12";
export const AUTHOR = "The Trellis authors";
export const CORE_PEER = "workspace:0.x";
export const BUILD = "tsdown --config-loader unrun";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fix = process.argv.includes("--fix");

/** The value each field must have in packages/<dir>/package.json. */
export function expectedFields(dir) {
  return {
    author: AUTHOR,
    homepage: `${REPO}/tree/main/packages/${dir}#readme`,
    repository: { type: "git", url: `git+${REPO}.git`, directory: `packages/${dir}` },
    bugs: { url: `${REPO}/issues` },
    engines: { node: NODE_RANGE },
    publishConfig: { access: "public" },
  };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Links in markdown (inline links and images, reference definitions, HTML href/src). */
function links(markdown) {
  const out = [];
  const text = markdown.replace(/^```[\s\S]*?^```/gm, (block) => block.replace(/[^\n]/g, " "));
  const patterns = [
    /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g,
    /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm,
    /\b(?:href|src)="([^"]+)"/g,
  ];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      const line = text.slice(0, m.index).split("\n").length;
      out.push({ url: m[1], line });
    }
  }
  return out;
}

const problems = [];
const packagesDir = join(root, "packages");
for (const dir of readdirSync(packagesDir).sort()) {
  const file = join(packagesDir, dir, "package.json");
  if (!existsSync(file)) continue;
  const pkg = JSON.parse(readFileSync(file, "utf8"));
  if (pkg.private === true) continue;
  const where = `packages/${dir}/package.json`;
  const want = expectedFields(dir);
  const missing = {};
  for (const [key, value] of Object.entries(want)) {
    if (!same(pkg[key], value)) missing[key] = value;
  }
  if (Object.keys(missing).length > 0) {
    if (fix) {
      const next = {};
      for (const [key, value] of Object.entries(pkg)) {
        next[key] = key in missing ? missing[key] : value;
        if (key === "license") {
          for (const k of ["author", "homepage", "repository", "bugs"]) {
            if (k in missing && !(k in pkg)) next[k] = missing[k];
          }
        }
      }
      for (const [key, value] of Object.entries(missing)) if (!(key in next)) next[key] = value;
      writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
      console.log(`fixed ${where}: ${Object.keys(missing).join(", ")}`);
    } else {
      problems.push(
        `${where}: set these fields exactly (or run \`node scripts/check-package-metadata.mjs --fix\`):\n${JSON.stringify(missing, null, 2).slice(2, -2)}`,
      );
    }
  }
  if (!Array.isArray(pkg.keywords) || pkg.keywords.length < 3) {
    problems.push(
      `${where}: add "keywords": at least three search words, e.g. ["erlang", "otp", "elixir", "<what the package is>"]`,
    );
  }
  if (typeof pkg.description !== "string" || pkg.description.length < 20) {
    problems.push(`${where}: add a "description" of one sentence (what the package is for)`);
  }
  if (pkg.scripts?.build !== undefined && pkg.scripts.build !== BUILD) {
    problems.push(
      `${where}: set "scripts": { "build": "${BUILD}" } (Node 22.18+ would load tsdown.config.ts natively and fail on its .js import of the shared config)`,
    );
  }
  const corePeer = pkg.peerDependencies?.["@trellis/core"];
  if (corePeer !== undefined && corePeer !== CORE_PEER) {
    problems.push(
      `${where}: set "peerDependencies": { "@trellis/core": "${CORE_PEER}" } (one version for all packages, docs/adr/0003-versioning.md), and keep "@trellis/core": "workspace:*" in devDependencies`,
    );
  }
  if (pkg.license !== "MIT") problems.push(`${where}: add "license": "MIT"`);
  if (!Array.isArray(pkg.files) || !pkg.files.includes("README.md")) {
    problems.push(`${where}: "files" must list "README.md" so the npm page shows it`);
  }
  const readme = join(packagesDir, dir, "README.md");
  if (!existsSync(readme)) {
    problems.push(`packages/${dir}/README.md: missing; write one (what, install, a short example)`);
    continue;
  }
  for (const { url, line } of links(readFileSync(readme, "utf8"))) {
    if (/^(https?:|mailto:|#)/.test(url)) continue;
    const path = url.replace(/^\.\//, "");
    problems.push(
      `packages/${dir}/README.md:${line}: the link "${url}" does not work on the npm page; write it absolute, e.g. ${REPO}/blob/main/${join("packages", dir, path)}`,
    );
  }
}

if (problems.length > 0) {
  console.error(`package metadata: ${problems.length} problem(s)\n`);
  console.error(problems.join("\n\n"));
  process.exit(1);
}
if (!fix) console.log("package metadata: every published package is complete");
