// The example of packages/gen-server/README.md, run by test/readme.test.ts and, from the
// packed tarballs, by CI in a fresh npm project.
// #region readme
import { createRuntime } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";

const { ok, reply, noreply } = GenServer.Result;

type CounterCall = GenServer.Request<{ type: "get" }, number>;
type CounterCast = { type: "add"; n: number };

const Counter = GenServer.define({
  init: (start: number) => ok(start),
  handleCall: (_request: CounterCall, _from, n) => reply(n, n),
  handleCast: (request: CounterCast, n) => noreply(n + request.n),
});

// Process code runs inside a runtime: run() starts a process for the function.
const runtime = createRuntime();
await runtime.run(async () => {
  const counter = await GenServer.startLink(Counter, 0, { name: "counter" });
  GenServer.cast(counter, { type: "add", n: 2 });
  console.log(await GenServer.call(counter, { type: "get" })); // 2, typed as number
  await GenServer.stop(counter);
});
await runtime.shutdown();
// #endregion readme
