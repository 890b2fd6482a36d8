// The guide's Counter (docs/guides/multi-core.md), loaded by the worker nodes.
import { self } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";

export type CounterCall =
  | GenServer.Request<{ readonly add: number }, number>
  | GenServer.Request<"node", string>;

export const Counter: GenServer.Definition<
  number,
  GenServer.Result.OkResult<number>,
  CounterCall
> = GenServer.define({
  init: (n: number) => GenServer.Result.ok(n),
  handleCall: (request: CounterCall, _from, n) =>
    request === "node"
      ? GenServer.Result.reply(self().node, n)
      : GenServer.Result.reply(n + request.add, n + request.add),
});
