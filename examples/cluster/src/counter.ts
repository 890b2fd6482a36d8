// The GenServer the server node serves: a counter that Trellis and Elixir callers share.
// `{add, N}` (from Elixir) arrives as the tuple [atom("add"), n]; `:get` as atom("get").
import { atom } from "@trellis/distribution";
import * as GenServer from "@trellis/gen-server";

const { ok, reply } = GenServer.Result;
const add = atom("add");

export const Counter: GenServer.Definition<
  number,
  GenServer.Result.OkResult<number>,
  unknown,
  never
> = GenServer.define({
  init: (n: number) => ok(n),
  handleCall: (req: unknown, _from, n: number) => {
    if (Array.isArray(req) && req[0] === add && typeof req[1] === "number") {
      return reply(n + req[1], n + req[1]);
    }
    return reply(n, n);
  },
});
