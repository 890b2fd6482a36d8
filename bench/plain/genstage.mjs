// The limit for GenStage: the same three-stage demand-driven pipeline (producer ->
// producer-consumer -> consumer, asks of 1000 then 500 per 500 events handled) on the
// minimal actor runtime, with none of GenStage's bookkeeping: no subscriptions, monitors,
// dispatchers, buffers or callbacks; the producer-consumer passes its consumer's asks up.
import { kill, send, spawn } from "./actor.mjs";
import { rate, report, size } from "./common.mjs";

const MAX = 1000;
const MIN = 500;

function producer() {
  return spawn((_self, msg) => {
    // msg: { ask, to }
    const n = msg.ask;
    const events = new Array(n);
    const next = producer.next;
    for (let i = 0; i < n; i++) events[i] = next + i;
    producer.next = next + n;
    send(msg.to, { events });
  }, undefined);
}
producer.next = 0;

function middle(up) {
  const state = { down: 0 };
  const pid = spawn((self, msg) => {
    if (msg.ask !== undefined) {
      state.down = msg.to;
      send(up, { ask: msg.ask, to: self.pid });
      return;
    }
    const events = msg.events;
    const out = new Array(events.length);
    for (let i = 0; i < events.length; i++) out[i] = events[i] + 1;
    send(state.down, { events: out });
  }, state);
  return pid;
}

function consumer(up, n, done) {
  const state = { seen: 0, pending: 0 };
  const pid = spawn((self, msg) => {
    const len = msg.events.length;
    state.seen += len;
    state.pending += len;
    while (state.pending >= MAX - MIN) {
      state.pending -= MAX - MIN;
      send(up, { ask: MAX - MIN, to: self.pid });
    }
    if (state.seen >= n) done();
  }, state);
  send(up, { ask: MAX, to: pid });
  return pid;
}

async function pipeline(n) {
  producer.next = 0;
  let pids = [];
  const r = await rate(n, () => {
    return new Promise((resolve) => {
      const p = producer();
      const m = middle(p);
      const c = consumer(m, n, resolve);
      pids = [p, m, c];
    });
  });
  for (const pid of pids) kill(pid, "normal");
  return r;
}

const N = size(5_000_000);
await pipeline(Math.max(1, Math.floor(N / 2)));
report("genstage_events", await pipeline(N), "events/s");
