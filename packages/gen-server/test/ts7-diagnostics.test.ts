// Issue #15 item 14: under TypeScript 7 (tsgo), when no overload of `call`/`cast` matches,
// only the last overload's error is reported. The typed overload is last, so a wrong
// request to a typed handle must be reported as that request, not as the handle's brand.
// This runs the real TypeScript 7 compiler (fetched once by npx) on a tiny project and
// checks the diagnostic text. A compiler that cannot be fetched fails the test, saying so.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { compileWithTs7, TS7_LIMIT_MS } from "../../core/test/support/ts7.js";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

const source = `import * as GenServer from "@trellis/gen-server";
type StackCall =
  | GenServer.Request<{ type: "pop" }, string | undefined>
  | GenServer.Request<{ type: "size" }, number>;
type StackCast = { type: "push"; item: string } | { type: "clear" };
declare const stack: GenServer.Server<StackCall, StackCast>;
export const size: Promise<number> = GenServer.call(stack, { type: "size" });
GenServer.cast(stack, { type: "clear" });
void GenServer.call(stack, { type: "shift" });
GenServer.cast(stack, { type: "pop" });
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
    expect(call).toContain(`'"shift"'`);
    expect(call).toContain(`'"pop" | "size"'`);
    expect(cast).toContain(`'"pop"'`);
    expect(cast).toMatch(/'"clear" \| "push"'|'"push" \| "clear"'/);
    expect(result.output).not.toContain("~gen-server");
    expect(result.output).not.toContain("Untyped");
  },
  TS7_LIMIT_MS,
);
