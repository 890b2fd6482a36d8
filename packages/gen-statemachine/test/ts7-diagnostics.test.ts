// Issue #15 item 14: under TypeScript 7 (tsgo), when no overload of GenStateMachine's
// `call`/`cast` matches, only the last overload's error is reported. The typed overload is
// last, so a wrong request to a typed handle must be reported as that request, not as the
// handle's brand.
// This runs the real TypeScript 7 compiler (fetched once by npx) on a tiny project and
// checks the diagnostic text. A compiler that cannot be fetched fails the test, saying so.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { compileWithTs7, TS7_LIMIT_MS } from "../../core/test/support/ts7.js";

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

it(
  "TypeScript 7 names the bad request of call and cast, not the handle's brand",
  async () => {
    const result = await compileWithTs7(packageDir, source);
    expect(result.code).not.toBe(0);
    // exactly the two bad lines (9 and 10); the good call and cast compile
    expect([...result.errors.keys()].sort((a, b) => a - b)).toEqual([9, 10]);
    const call = result.errors.get(9);
    const cast = result.errors.get(10);
    expect(call).toContain(`'"open"'`);
    expect(call).toMatch(/'"status" \| "code"'|'"code" \| "status"'/);
    expect(cast).toContain(`'"status"'`);
    expect(cast).toMatch(/'"press" \| "reset"'|'"reset" \| "press"'/);
    expect(result.output).not.toContain("~gen-");
    expect(result.output).not.toContain("Untyped");
  },
  TS7_LIMIT_MS,
);
