#!/usr/bin/env node
// Writes code from tested files into the markdown, so GitHub, npm and the API site all show
// the same code, and that code is the code the tests run.
//
// In any markdown file it scans (README.md, docs/**/*.md, packages/*/README.md,
// examples/*/README.md), a block
//
//   <!-- code: ../../packages/task/test/examples.ts#basic -->
//   ```ts
//   (written by this script)
//   ```
//   <!-- /code -->
//
// gets the lines of the named region of that file (between `// #region basic` and
// `// #endregion basic`, other region markers dropped, common indentation removed), or the
// whole file without `#region`. The path is relative to the markdown file. A line holding
// only a typedoc directive `{@includeCode path#region}` is turned into such a block.
//
//   node scripts/sync-docs.mjs           write the blocks
//   node scripts/sync-docs.mjs --check   exit 1 if a block differs from its source (CI)
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");

/** The markdown files the script keeps in sync. */
export function markdownFiles() {
  const out = [join(root, "README.md"), join(root, "CONTRIBUTING.md")];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name !== "api" && e.name !== "node_modules") walk(p);
      else if (e.isFile() && e.name.endsWith(".md")) out.push(p);
    }
  };
  walk(join(root, "docs"));
  for (const group of ["packages", "examples"]) {
    for (const d of readdirSync(join(root, group))) {
      const readme = join(root, group, d, "README.md");
      if (existsSync(readme)) out.push(readme);
    }
  }
  return out.filter((f) => existsSync(f));
}

const LANG = { ".ts": "ts", ".mts": "ts", ".tsx": "tsx", ".js": "js", ".mjs": "js", ".sh": "sh" };

/** The code of `file`, or of its region `name`, dedented. Throws with a clear message. */
export function extract(file, name) {
  if (!existsSync(file)) throw new Error(`no such file ${relative(root, file)}`);
  const lines = readFileSync(file, "utf8").split("\n");
  const marker = /^\s*\/\/\s*#(region|endregion)\b\s*(.*?)\s*$/;
  let body;
  if (name === undefined) {
    body = lines.filter((l) => !marker.test(l));
    while (body.length > 0 && body.at(-1)?.trim() === "") body.pop();
  } else {
    const start = lines.findIndex((l) => {
      const m = marker.exec(l);
      return m?.[1] === "region" && m[2] === name;
    });
    if (start < 0) throw new Error(`no "// #region ${name}" in ${relative(root, file)}`);
    const end = lines.findIndex((l, i) => {
      const m = marker.exec(l);
      return i > start && m?.[1] === "endregion" && (m[2] === name || m[2] === "");
    });
    if (end < 0) throw new Error(`no "// #endregion ${name}" in ${relative(root, file)}`);
    body = lines.slice(start + 1, end).filter((l) => !marker.test(l));
  }
  const indent = Math.min(
    ...body.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)?.[0].length ?? 0),
  );
  return body.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join("\n");
}

function block(md, ref) {
  const [path, name] = ref.split("#");
  const file = join(dirname(md), path);
  const lang = LANG[extname(file)] ?? "";
  const code = extract(file, name === "" ? undefined : name);
  return `<!-- code: ${ref} -->\n\`\`\`${lang}\n${code}\n\`\`\`\n<!-- /code -->`;
}

const BLOCK = /<!-- code: (\S+) -->\n```[^\n]*\n[\s\S]*?\n```\n<!-- \/code -->/g;
const DIRECTIVE = /^\{@includeCode (\S+)\}$/gm;

/** The markdown with every block rewritten from its source. */
export function sync(md, text) {
  return text
    .replace(DIRECTIVE, (_, ref) => block(md, ref))
    .replace(BLOCK, (_, ref) => block(md, ref));
}

const drift = [];
const errors = [];
for (const md of markdownFiles()) {
  const text = readFileSync(md, "utf8");
  let next;
  try {
    next = sync(md, text);
  } catch (e) {
    errors.push(`${relative(root, md)}: ${e instanceof Error ? e.message : String(e)}`);
    continue;
  }
  if (next === text) continue;
  if (check) drift.push(relative(root, md));
  else {
    writeFileSync(md, next);
    console.log(`synced ${relative(root, md)}`);
  }
}
if (errors.length > 0) {
  console.error(`sync-docs: a code block names code that is not there:\n${errors.join("\n")}`);
  process.exit(1);
}
if (drift.length > 0) {
  console.error(
    `sync-docs: these files show code that differs from the tested files it comes from:\n  ${drift.join("\n  ")}\nRun \`node scripts/sync-docs.mjs\` and commit the result (edit the code in the source file, not in the markdown).`,
  );
  process.exit(1);
}
if (check) {
  console.log("sync-docs: every code block matches its source");
  // Code blocks written by hand are not run by any test: list them, so they can move to
  // tested files (`--strict` makes them an error).
  const literal = [];
  for (const md of markdownFiles()) {
    const text = readFileSync(md, "utf8").replace(BLOCK, "");
    const blocks = text.match(/^```(?:ts|typescript|js|javascript)\s*\n[\s\S]*?^```/gm) ?? [];
    // a block of import lines only shows what to import; it has nothing to run
    const code = (b) =>
      b
        .split("\n")
        .slice(1, -1)
        .filter((l) => l.trim() !== "");
    const n = blocks.filter((b) => !code(b).every((l) => l.startsWith("import "))).length;
    if (n > 0) literal.push(`${relative(root, md)} (${n})`);
  }
  if (literal.length > 0) {
    console.log(
      `sync-docs: hand-written TS/JS blocks, not from tested files: ${literal.join(", ")}`,
    );
    if (process.argv.includes("--strict")) process.exit(1);
  }
}
