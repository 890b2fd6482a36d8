// What an `await`-based process costs on this Node, without Trellis: the plain-JS limit of
// `ring_hops` and `send` for processes written as async functions (issue 18, ADR 0004
// "Session 4: Node 22"). Not a runner workload: run it under each Node to compare them,
//
//   node bench/plain/await-ring.mjs
//   npx -y -p node@22 node bench/plain/await-ring.mjs
//   npx -y -p node@22 node --experimental-async-context-frame bench/plain/await-ring.mjs
//
// Prints CPU-time rates (user + system, helper threads included), one line per variant:
//   ring_bare     1,000 async functions pass a token round a ring, 2M hops; a receive is a
//                 promise resolved by the sender (no async context at all)
//   ring_als      the same, each process started with `AsyncLocalStorage.run` and reading
//                 its store on every receive and send (what `self()` after `await` needs)
//   ring_als_pass the same, and a send to a waiting process goes through a run queue drained
//                 by one promise reaction per pass (Trellis's scheduler shape)
//   send_bare     one process sends 1M messages to another that awaits each one (they are
//                 queued, so every receive resolves at once: a resolved promise per message)
//   send_als      the same with `AsyncLocalStorage.run` per process and a store read per op
import { AsyncLocalStorage } from "node:async_hooks";

const als = new AsyncLocalStorage();
const N = 1_000;
const HOPS = 2_000_000;
const SENDS = 1_000_000;

function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

class Proc {
  box = [];
  head = 0;
  resolve = undefined;
  queued = false;
}

let captured;
const capture = (r) => {
  captured = r;
};

/** One variant: `ctx` (an AsyncLocalStorage per process) and `pass` (a run queue). */
function variant(ctx, pass) {
  const runQueue = [];
  let scheduled = false;
  const RESOLVED = Promise.resolve();
  const me = (p) => (ctx ? als.getStore() : p);
  const start = (p, body) => (ctx ? als.run(p, body, p) : body(p));
  function runLoop() {
    while (runQueue.length > 0) {
      const p = runQueue.shift();
      p.queued = false;
      wake(p);
    }
    scheduled = false;
  }
  function wake(p) {
    if (p.resolve !== undefined && p.head < p.box.length) {
      const r = p.resolve;
      p.resolve = undefined;
      r(p.box[p.head++]);
    }
  }
  function deliver(p, msg) {
    p.box.push(msg);
    if (p.resolve === undefined) return;
    if (!pass) wake(p);
    else if (!p.queued) {
      p.queued = true;
      runQueue.push(p);
      if (!scheduled) {
        scheduled = true;
        void RESOLVED.then(runLoop);
      }
    }
  }
  function receive(self) {
    const p = me(self);
    if (p.head < p.box.length) return Promise.resolve(p.box[p.head++]);
    const promise = new Promise(capture);
    p.resolve = captured;
    return promise;
  }
  function send(self, to, msg) {
    me(self);
    deliver(to, msg);
  }
  return { start, receive, send, deliver };
}

async function ring(v, hops) {
  const procs = [];
  let done;
  const finished = new Promise((r) => {
    done = r;
  });
  const member = async (self) => {
    const next = await v.receive(self);
    for (;;) {
      const k = await v.receive(self);
      if (k === 0) return done();
      v.send(self, next, k - 1);
    }
  };
  for (let i = 0; i < N; i++) {
    const p = new Proc();
    procs.push(p);
    v.start(p, member);
  }
  for (let i = 0; i < N; i++) v.deliver(procs[i], procs[(i + 1) % N]);
  await null;
  v.deliver(procs[0], hops);
  await finished;
}

async function sends(v, n) {
  const sink = new Proc();
  let done;
  const finished = new Promise((r) => {
    done = r;
  });
  v.start(sink, async (self) => {
    for (let i = 0; i < n; i++) await v.receive(self);
    done();
  });
  const main = new Proc();
  v.start(main, (self) => {
    for (let i = 0; i < n; i++) v.send(self, sink, i);
  });
  await finished;
}

async function measure(name, ops, run) {
  await run(Math.floor(ops / 10));
  const t0 = cpuMs();
  await run(ops);
  const rate = ops / ((cpuMs() - t0) / 1000);
  console.log(`${name} ${Math.round(rate)} ops/s`);
}

const bare = variant(false, false);
const withAls = variant(true, false);
const withPass = variant(true, true);
// The bare variants first: once an AsyncLocalStorage has run, Node 20 and 22 keep their
// promise hooks on for the rest of the process.
await measure("ring_bare", HOPS, (n) => ring(bare, n));
await measure("send_bare", SENDS, (n) => sends(bare, n));
await measure("ring_als", HOPS, (n) => ring(withAls, n));
await measure("ring_als_pass", HOPS, (n) => ring(withPass, n));
await measure("send_als", SENDS, (n) => sends(withAls, n));
