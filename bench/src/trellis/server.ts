// The counter GenServer used by call, cast and fanin (beam/server.exs): "inc" adds one and
// replies with the new count, "get" reads; the cast "inc" adds one.
import * as GenServer from "@trellis/gen-server";

const { ok, reply, noreply } = GenServer.Result;

/** The counter's calls, each with its reply type. */
export type CounterCall = GenServer.Request<"inc", number> | GenServer.Request<"get", number>;

export const Counter: GenServer.Definition<
  number,
  GenServer.Result.OkResult<number>,
  CounterCall,
  "inc",
  never
> = GenServer.define({
  init: (n: number) => ok(n),
  handleCall: (request: CounterCall, _from, n) =>
    request === "inc" ? reply(n + 1, n + 1) : reply(n, n),
  handleCast: (_request: "inc", n) => noreply(n + 1),
});
