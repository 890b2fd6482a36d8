// The code of docs/guides/getting-started.md, run by examples/hello/test/getting-started.test.ts.

import type { RuntimeOptions } from "@trellis/core";

// #region server
import { createRuntime, downFor, exit, monitor, receive, whereis } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import * as Supervisor from "@trellis/supervisor";

type Req =
  | GenServer.Request<{ type: "push"; item: string }, number>
  | GenServer.Request<{ type: "pop" }, string | undefined>;

/** A stack of strings behind a process. */
const Stack = GenServer.define({
  init: (items: string[]) => GenServer.Result.ok(items),
  handleCall: (req: Req, _from, items) => {
    if (req.type === "push") return GenServer.Result.reply(items.length + 1, [...items, req.item]);
    return GenServer.Result.reply(items.at(-1), items.slice(0, -1));
  },
});
// #endregion server

/** Runs the example, printing through `log`; `options` go to the runtime (tests pass a logger). */
export async function main(
  log: (line: string) => void,
  options: RuntimeOptions = {},
): Promise<void> {
  const rt = createRuntime(options);
  await rt.run(async () => {
    // #region supervise
    const sup = await Supervisor.startLink([GenServer.childSpec(Stack, ["a"], { name: "stack" })], {
      strategy: "one_for_one",
      maxRestarts: 3,
      maxSeconds: 5,
    });
    const stack = GenServer.named(Stack, "stack");
    log(`pushed, size ${await GenServer.call(stack, { type: "push", item: "b" })}`); // 2
    log(`popped ${await GenServer.call(stack, { type: "pop" })}`); // b
    // #endregion supervise

    // #region crash
    const before = whereis("stack");
    if (before === undefined) throw new Error("the stack is not running");
    const ref = monitor(before);
    exit(before, "kill"); // let it crash
    const down = await receive(downFor(ref));
    log(`the stack went down: ${String(down.reason)}`); // killed
    // The supervisor has already started a new one, under the same name, from its spec:
    const after = whereis("stack");
    log(`restarted as a new process: ${after !== undefined && after !== before}`); // true
    log(`state back to the initial one: ${await GenServer.call(stack, { type: "pop" })}`); // a
    // #endregion crash

    await Supervisor.stop(sup);
  });
  await rt.shutdown();
}

/** The stack's child spec, for the service at the end of the guide (src/service.ts). */
export function stackSpec(items: string[]): Supervisor.ChildSpec {
  return GenServer.childSpec(Stack, items, { name: "stack" });
}
