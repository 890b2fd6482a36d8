// Registry: 100k processes each register a unique key (spawn included; each acks to the main
// process), then the main process looks up every key, 10 passes (1M lookups, timed together:
// one pass is ~30 ms, and whether a scavenge of what the registration left in the young
// generation lands inside it decided the figure on Node 26; the BEAM program times the same
// 10 passes). Then pub/sub: 10k processes register
// under one key of a duplicate-keys registry, and 100 dispatches each send a message to all
// of them (1M deliveries); timed until every subscriber has received all 100. Warm-up at
// 1/10 size. One partition per registry (Node runs one scheduler). The beam/registry.exs
// workload.
import { createRuntime, type Pid, receive, self, send, spawn } from "@trellis/core";
import * as Registry from "@trellis/registry";
import { rate, report, size, warm } from "./common.js";

const DISPATCHES = 100;
const LOOKUP_PASSES = 10;
const N = size(100_000);
const SUBS = size(10_000);
const rt = createRuntime();

type Names = Registry.RegistryHandle<number, null>;
type Topics = Registry.RegistryHandle<string, null>;

/** Receives `n` messages, each of which must be `msg`. */
async function awaitN(msg: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const got = await receive();
    if (got !== msg) throw new Error(`expected ${msg}, got ${String(got)}`);
  }
}

async function registerAll(names: Names, from: number, to: number): Promise<void> {
  const main = self();
  for (let i = from; i <= to; i++) {
    spawn(async () => {
      const r = Registry.register(names, i, null);
      if (r.type !== "ok") throw new Error(`register ${i}: ${r.type}`);
      send(main, "registered");
      await receive();
    });
  }
  await awaitN("registered", to - from + 1);
}

function lookupAll(names: Names, from: number, to: number): void {
  for (let i = from; i <= to; i++) {
    const entries = Registry.lookup(names, i);
    if (entries.length !== 1 || entries[0]?.[1] !== null) throw new Error(`lookup ${i}`);
  }
}

function stopAll(names: Names, from: number, to: number): void {
  for (let i = from; i <= to; i++) for (const [pid] of Registry.lookup(names, i)) send(pid, "stop");
}

async function subscribe(topics: Topics, topic: string, n: number): Promise<void> {
  const main: Pid = self();
  for (let s = 0; s < n; s++) {
    spawn(async () => {
      const r = Registry.register(topics, topic, null);
      if (r.type !== "ok") throw new Error(`register ${topic}: ${r.type}`);
      send(main, "subscribed");
      for (let k = 0; k < DISPATCHES; k++) await receive();
      send(main, "got_all");
    });
  }
  await awaitN("subscribed", n);
}

async function dispatch(topics: Topics, topic: string, n: number): Promise<void> {
  for (let i = 1; i <= DISPATCHES; i++) {
    const event = ["event", i] as const;
    Registry.dispatch(topics, topic, (entries) => {
      for (const [pid] of entries) send(pid, event);
    });
  }
  await awaitN("got_all", n);
}

async function measureDispatch(topics: Topics, topic: string, n: number): Promise<number> {
  await subscribe(topics, topic, n);
  return rate(DISPATCHES * n, () => dispatch(topics, topic, n));
}

await rt.run(async () => {
  const names = await Registry.startLink<number, null>({ keys: "unique" });
  const topics = await Registry.startLink<string, null>({ keys: "duplicate" });

  const w = warm(N);
  await registerAll(names, -w, -1);
  lookupAll(names, -w, -1);
  stopAll(names, -w, -1);
  const register = await rate(N, () => registerAll(names, 1, N));
  const lookup = await rate(N * LOOKUP_PASSES, () => {
    for (let p = 0; p < LOOKUP_PASSES; p++) lookupAll(names, 1, N);
  });
  stopAll(names, 1, N);
  report("registry_register", register, "ops/s");
  report("registry_lookup", lookup, "ops/s");

  await measureDispatch(topics, "warm", warm(SUBS));
  report("registry_dispatch", await measureDispatch(topics, "topic", SUBS), "msgs/s");
});
await rt.shutdown();
