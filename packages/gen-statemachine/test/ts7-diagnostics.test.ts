// Issue #15 item 14: under TypeScript 7 (tsgo), when no overload of GenStateMachine's
// `call`/`cast` matches, only the last overload's error is reported. The typed overload is
// last, so a wrong request to a typed handle must be reported as that request, not as the
// handle's brand.
// This runs the real TypeScript 7 compiler (fetched once by npx) on a tiny project and
// checks the diagnostic text. A compiler that cannot be fetched fails the test, saying so.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const TS7 = "7.0.2";
const LIMIT_MS = 150_000;
const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

const source = `import * as GenStateMachine from "@trellis/gen-statemachine";
type DoorCall =
  | GenStateMachine.Request<{ type: "status" }, string>
  | GenStateMachine.Request<{ type: "code" }, number>;
type DoorCast = { type: "press"; digit: string } | { type: "reset" };
declare const door: GenStateMachine.Server<DoorCall, DoorCast>;
export const status: Promise<string> = GenStateMachine.call(door, { type: "status" });
GenStateMachine.cast(door, { type: "reset" });
void GenStateMachine.call(door, { type: "open" });
GenStateMachine.cast(door, { type: "status" });
`;

const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    lib: ["ES2023"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    customConditions: ["@trellis/source"],
    types: ["node"],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  },
  files: ["bad.ts"],
};

interface Run {
  readonly code: number | null;
  readonly output: string;
  readonly timedOut: boolean;
}

/** Runs `npx -y -p typescript@7 tsc -p dir`, killing its whole process group on timeout. */
function tsc7(dir: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["-y", "-p", `typescript@${TS7}`, "tsc", "-p", dir], {
      cwd: dir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, LIMIT_MS - 10_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

describe("TypeScript 7 diagnostics for call and cast", () => {
  it(
    "name the bad request, not the handle's brand",
    async () => {
      // Inside the package, so that "@trellis/gen-statemachine" resolves to this package.
      const dir = mkdtempSync(join(packageDir, ".ts7-"));
      try {
        writeFileSync(join(dir, "bad.ts"), source);
        writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
        const run = await tsc7(dir);
        if (run.timedOut) throw new Error(`TypeScript ${TS7} did not finish in time`);
        if (!/bad\.ts\(\d+,\d+\)/.test(run.output)) {
          throw new Error(
            `could not run TypeScript ${TS7} through npx (is the npm registry or the npx cache available?):\n${run.output}`,
          );
        }
        expect(run.code).not.toBe(0);
        const errors = run.output
          .split(/\r?\n(?=bad\.ts\()/)
          .filter((e) => e.startsWith("bad.ts("));
        // exactly the two bad lines (9 and 10); the good call and cast compile
        expect(errors.map((e) => e.slice(0, e.indexOf(","))).sort()).toEqual([
          "bad.ts(10",
          "bad.ts(9",
        ]);
        const [call, cast] = [
          errors.find((e) => e.startsWith("bad.ts(9,")),
          errors.find((e) => e.startsWith("bad.ts(10,")),
        ];
        expect(call).toContain(`'"open"'`);
        expect(call).toMatch(/'"status" \| "code"'|'"code" \| "status"'/);
        expect(cast).toContain(`'"status"'`);
        expect(cast).toMatch(/'"press" \| "reset"'|'"reset" \| "press"'/);
        expect(run.output).not.toContain("~gen-");
        expect(run.output).not.toContain("Untyped");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    LIMIT_MS,
  );
});
