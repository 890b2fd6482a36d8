// What a request round trip from an async process to a handler process costs on this Node,
// without Trellis: the plain-JS shape of `event_sync_notify` (and of any call from an async
// process), for comparing Node majors (issue 18, ADR 0004 "Session 5: Node 22"). Not a runner
// workload: run it under each Node,
//
//   node bench/plain/sync-request.mjs
//   npx -y -p node@22 node bench/plain/sync-request.mjs
//
// Prints CPU-time rates (user + system, helper threads included), one line per variant. A
// caller awaits 1M requests one after another; each is a new promise whose resolver goes with
// the message into the server's mailbox, a run queue drained by one promise reaction per pass
// runs the server, which hands the message to 10 handlers and resolves the promise.
//   req_bare   no async context at all
//   req_als    the caller runs under `AsyncLocalStorage.run` and reads its store per request
//   req_scope  and the server's batch runs in its own context (`AsyncResource.runInAsyncScope`),
//              as Trellis's handler processes do
import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";

const als = new AsyncLocalStorage();
const N = Number(process.env.N ?? 1_000_000);
const HANDLERS = 10;

function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * A FIFO on a power-of-two ring buffer, as Trellis's mailboxes and run queue: `Array#shift`
 * on a short array costs ~10x more on V8 12+ (Node 22 and later) than on Node 20's V8 11.3,
 * which would measure the array, not the round trip.
 */
class Ring {
  buf = new Array(16).fill(undefined);
  head = 0;
  size = 0;
  push(item) {
    if (this.size === this.buf.length) {
      const old = this.buf;
      this.buf = new Array(old.length * 2).fill(undefined);
      for (let i = 0; i < this.size; i++) this.buf[i] = old[(this.head + i) & (old.length - 1)];
      this.head = 0;
    }
    this.buf[(this.head + this.size) & (this.buf.length - 1)] = item;
    this.size++;
  }
  shift() {
    const item = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.size--;
    return item;
  }
}

let captured;
const capture = (r) => {
  captured = r;
};

function variant(ctx, scope) {
  const RESOLVED = Promise.resolve();
  const server = {
    box: new Ring(),
    queued: false,
    states: new Array(HANDLERS).fill(0),
    res: undefined,
  };
  let scheduled = false;
  const runQueue = new Ring();
  function handleBatch(p) {
    while (p.box.size > 0) {
      const m = p.box.shift();
      for (let i = 0; i < HANDLERS; i++) p.states[i] = p.states[i] + 1;
      m.resolve(undefined);
    }
  }
  function runLoop() {
    while (runQueue.size > 0) {
      const p = runQueue.shift();
      p.queued = false;
      if (scope) {
        p.res ??= new AsyncResource("server");
        p.res.runInAsyncScope(handleBatch, undefined, p);
      } else handleBatch(p);
    }
    scheduled = false;
  }
  function request(self, msg) {
    if (ctx && als.getStore() !== self) throw new Error("lost the context");
    const promise = new Promise(capture);
    server.box.push({ msg, resolve: captured });
    if (!server.queued) {
      server.queued = true;
      runQueue.push(server);
      if (!scheduled) {
        scheduled = true;
        void RESOLVED.then(runLoop);
      }
    }
    return promise;
  }
  async function caller(self, n) {
    for (let i = 0; i < n; i++) await request(self, "ping");
  }
  return (n) => {
    const self = {};
    return ctx ? als.run(self, caller, self, n) : caller(self, n);
  };
}

async function measure(name, run) {
  await run(Math.floor(N / 10));
  const t0 = cpuMs();
  await run(N);
  console.log(`${name} ${Math.round(N / ((cpuMs() - t0) / 1000))} ops/s`);
}

// bare first: once an AsyncLocalStorage has run, Node 20 and 22 keep their promise hooks on
await measure("req_bare", variant(false, false));
await measure("req_als", variant(true, false));
await measure("req_scope", variant(true, true));
