// The Trellis side of the distribution benchmark, in its own OS process: a node named
// tsrv@127.0.0.1 with a `bench_echo` GenServer and a `bench_sink` counting process.
// Arguments: the EPMD port and the cookie. Prints READY, runs until killed.
// DIST_BUSY_WAIT (milliseconds) sets the node's `busyWait`, as in `dist.ts`.
import { createRuntime, type Pid, receive, register, self, send } from "@trellis/core";
import { atom, startNode } from "@trellis/distribution";
import * as GenServer from "@trellis/gen-server";

const [epmdPort, cookie] = process.argv.slice(2);
const rt = createRuntime({ node: "tsrv@127.0.0.1", creation: Date.now() % 2 ** 31 });
const busy = process.env.DIST_BUSY_WAIT;
await startNode(rt, {
  cookie: cookie as string,
  epmd: { port: Number(epmdPort) },
  ...(busy === undefined ? {} : { busyWait: Number(busy) }),
});

const Echo = GenServer.define({
  init: () => GenServer.Result.ok(0),
  handleCall: (_req: unknown, _from, n: number) => GenServer.Result.reply(n + 1, n + 1),
});
await rt.run(() => GenServer.start(Echo, undefined, { name: "bench_echo" }));
const COUNT = atom("count");
rt.spawn(async () => {
  register("bench_sink", self());
  let n = 0;
  for (;;) {
    const m = await receive();
    if (Array.isArray(m) && m[0] === COUNT) send(m[1] as Pid, [COUNT, n]);
    else n++;
  }
});
console.log("READY");
