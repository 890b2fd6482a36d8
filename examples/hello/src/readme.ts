import { createRuntime } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import * as Supervisor from "@trellis/supervisor";

type Req = GenServer.Request<{ type: "inc" }, number> | GenServer.Request<{ type: "get" }, number>;

const Counter = GenServer.define({
  init: (start: number) => GenServer.Result.ok(start),
  handleCall: (req: Req, _from, n) =>
    req.type === "inc" ? GenServer.Result.reply(n + 1, n + 1) : GenServer.Result.reply(n, n),
});

await createRuntime().run(async () => {
  // a supervisor restarts the counter if it crashes
  await Supervisor.startLink([GenServer.childSpec(Counter, 0, { name: "counter" })], {
    strategy: "one_for_one",
  });
  const counter = GenServer.named(Counter, "counter");
  const n = await GenServer.call(counter, { type: "inc" }); // typed as number
  console.log(`counter: ${n}`); // counter: 1
});
