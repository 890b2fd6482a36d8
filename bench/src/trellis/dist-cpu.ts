// The CPU cost of the distribution, both sides together: two Trellis nodes in this one
// process, connected over loopback TCP as separate OS processes would be, and the CPU time
// (user + system, from process.cpuUsage) per remote GenServer call by {name, node} and per
// one-way send. On a shared machine this moves far less than the calls/s of dist.ts, whose
// round trips also wait for the scheduler to wake the other process.
// DIST_CPU=call (or send) runs only that part, for a profile of it (`--cpu-prof`).
// Both nodes run with `busyWait: 0`: polling after traffic is CPU spent waiting, not work,
// and in one process the two nodes would keep one event loop polling for each other.
import { cpuUsage } from "node:process";
import { createRuntime, type Pid, receive, register, self, send } from "@trellis/core";
import { atom, startNode, startPortMapper } from "@trellis/distribution";
import * as GenServer from "@trellis/gen-server";
import { report, size, tick } from "./common.js";

const ONLY = process.env.DIST_CPU;
const CALLS = ONLY === "send" ? 0 : size(20_000);
const SENDS = ONLY === "call" ? 0 : size(200_000);
const mapper = await startPortMapper({ port: 0 });
const cookie = `bench-${process.pid}`;
const COUNT = atom("count");

const srt = createRuntime({ node: "tsrv@127.0.0.1", creation: 1 });
const server = await startNode(srt, { cookie, epmd: { port: mapper.port }, busyWait: 0 });
const Echo = GenServer.define({
  init: () => GenServer.Result.ok(0),
  handleCall: (_req: unknown, _from, n: number) => GenServer.Result.reply(n + 1, n + 1),
});
await srt.run(() => GenServer.start(Echo, undefined, { name: "bench_echo" }));
srt.spawn(async () => {
  register("bench_sink", self());
  let n = 0;
  for (;;) {
    const m = await receive();
    if (Array.isArray(m) && m[0] === COUNT) send(m[1] as Pid, [COUNT, n]);
    else n++;
  }
});

const rt = createRuntime({ node: "tcli@127.0.0.1", creation: 2 });
const client = await startNode(rt, { cookie, epmd: { port: mapper.port }, busyWait: 0 });
const echo = { name: "bench_echo", node: srt.node };
const sink = { name: "bench_sink", node: srt.node };
const inc = atom("inc");
const msg = atom("msg");

/** CPU microseconds per operation while `fn` runs `ops` operations: in all, in the kernel. */
async function cpuPer(ops: number, fn: () => Promise<void>): Promise<[number, number]> {
  const c0 = cpuUsage();
  await fn();
  const c = cpuUsage(c0);
  return [(c.user + c.system) / ops, c.system / ops];
}

const [call, oneWay] = await rt.run(async () => {
  const calls = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) await client.call(echo, [inc, i]);
  };
  const count = async (): Promise<number> => {
    client.send(sink, [COUNT, self()]);
    const m = (await receive((x) => Array.isArray(x) && x[0] === COUNT, {
      timeout: 60_000,
    })) as [unknown, number];
    return m[1];
  };
  const sends = async (n: number): Promise<void> => {
    const before = await count();
    for (let i = 0; i < n; i++) {
      client.send(sink, [msg, i]);
      if (i % 1000 === 999) await tick();
    }
    const after = await count();
    if (after !== before + n) throw new Error(`the sink counted ${after - before} of ${n}`);
  };
  await calls(Math.ceil(CALLS / 10));
  const call = await cpuPer(CALLS, () => calls(CALLS));
  await sends(Math.ceil(SENDS / 10));
  return [call, await cpuPer(SENDS, () => sends(SENDS))];
});
// the kernel's share (loopback writes and reads, polling) separately
if (CALLS > 0) {
  report("dist_cpu_call", call[0], "us/call");
  report("dist_cpu_call_kernel", call[1], "us/call");
}
if (SENDS > 0) {
  report("dist_cpu_send", oneWay[0], "us/msg");
  report("dist_cpu_send_kernel", oneWay[1], "us/msg");
}

await client.stop();
await server.stop();
await rt.shutdown();
await srt.shutdown();
await mapper.close();
