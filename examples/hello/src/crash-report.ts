// The crash of docs/guides/crash-reports.md: a supervised stack popped once too often.
// Run it with `pnpm --filter @trellis-examples/hello exec tsx --conditions=@trellis/source
// src/crash-report.ts`; examples/hello/test/crash-report.test.ts checks the report.
import { createRuntime, type RuntimeOptions } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import * as Supervisor from "@trellis/supervisor";

// #region stack
type Pop = GenServer.Request<"pop", string>;

const Stack = GenServer.define({
  init: (items: string[]) => GenServer.Result.ok(items),
  handleCall: (_request: Pop, _from, items) => {
    const [head, ...tail] = items;
    if (head === undefined) throw new Error("cannot pop an empty stack");
    return GenServer.Result.reply(head, tail);
  },
});
// #endregion stack

/** Starts the supervised stack, pops twice (the second pop crashes it), and shuts down. */
export async function main(options: RuntimeOptions = {}): Promise<void> {
  const rt = createRuntime(options);
  await rt.run(async () => {
    // #region crash
    const children = [GenServer.childSpec(Stack, ["a"], { name: "stack", id: "stack" })];
    const sup = await Supervisor.startLink(children, { strategy: "one_for_one" });
    const stack = GenServer.named(Stack, "stack");
    await GenServer.call(stack, "pop"); // "a"
    await GenServer.call(stack, "pop").catch(() => undefined); // the server crashes
    // #endregion crash
    await Supervisor.stop(sup);
  });
  await rt.shutdown();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
