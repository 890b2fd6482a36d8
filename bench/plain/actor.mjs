// A deliberately minimal actor runtime: the "physical limit" that Trellis is compared with.
//
// An actor is a handler `(self, msg) => void` plus a state, a power-of-two ring-buffer
// mailbox, an optional first-turn `init`, and monitors. Actors live in a process table
// (Map pid -> actor). One run queue is drained in a loop; an actor handles at most BUDGET
// messages per turn before going to the back of the queue. A drain starts on a microtask;
// after MAX_DRAINS microtask drains in a row, or MAX_MSGS messages in one drain, the next
// drain goes through setImmediate so timers and I/O get a turn. A handler that throws
// ends its actor, and the actor's monitors get DOWN messages.
//
// It has none of OTP's guarantees: no links, no selective receive, no call timeouts, no
// names, no message copying. `SCHED=immediate` makes every drain start with setImmediate.

const BUDGET = 100;
const MAX_DRAINS = 1000;
const MAX_MSGS = 10000;
const IMMEDIATE = process.env.SCHED === "immediate";

/** A growable FIFO on a power-of-two circular array. */
export class Ring {
  constructor(capacity = 4) {
    this.buf = new Array(capacity);
    this.mask = capacity - 1;
    this.head = 0;
    this.len = 0;
  }

  push(x) {
    if (this.len > this.mask) this.grow();
    this.buf[(this.head + this.len) & this.mask] = x;
    this.len++;
  }

  shift() {
    const x = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.len--;
    return x;
  }

  grow() {
    const old = this.buf;
    const cap = old.length * 2;
    const buf = new Array(cap);
    for (let i = 0; i < this.len; i++) buf[i] = old[(this.head + i) & this.mask];
    this.buf = buf;
    this.mask = cap - 1;
    this.head = 0;
  }
}

class Actor {
  constructor(pid, handler, state, init) {
    this.pid = pid;
    this.handler = handler;
    this.state = state;
    this.init = init;
    this.mbox = null; // a Ring, allocated on the first message
    this.waiter = null; // receive-style processes: the resolver of a pending receive()
    this.monitors = null; // flat [ref, watcherPid, ref, watcherPid, ...]
    this.queued = false;
    this.alive = true;
  }
}

const table = new Map();
const runq = new Ring(1024);
let nextPid = 1;
let nextRef = 1;
let scheduled = false;
let streak = 0;

function enqueue(a) {
  a.queued = true;
  runq.push(a);
  if (!scheduled) schedule();
}

function schedule() {
  scheduled = true;
  if (IMMEDIATE || streak >= MAX_DRAINS) {
    streak = 0;
    setImmediate(drain);
  } else {
    streak++;
    queueMicrotask(drain);
  }
}

// `scheduled` stays true while a drain runs, so sends from handlers do not schedule another.
function drain() {
  let handled = 0;
  while (runq.len > 0) {
    const a = runq.shift();
    a.queued = false;
    if (!a.alive) continue;
    if (a.init !== null) {
      const init = a.init;
      a.init = null;
      try {
        init(a);
      } catch (error) {
        exit(a, { error });
        continue;
      }
      if (!a.alive) continue;
    }
    let n = 0;
    while (n < BUDGET && a.mbox !== null && a.mbox.len > 0) {
      const msg = a.mbox.shift();
      n++;
      try {
        a.handler(a, msg);
      } catch (error) {
        exit(a, { error });
        break;
      }
      if (!a.alive) break;
    }
    handled += n;
    if (a.alive && !a.queued && a.mbox !== null && a.mbox.len > 0) {
      a.queued = true;
      runq.push(a);
    }
    if (handled >= MAX_MSGS) break;
  }
  if (runq.len > 0) {
    // This drain's budget is used up: let the event loop run before the next one.
    streak = 0;
    setImmediate(drain);
  } else {
    scheduled = false;
  }
}

/** Starts a handler-style actor; `init(self)`, if given, runs on its first turn. */
export function spawn(handler, state = undefined, init = null) {
  const pid = nextPid++;
  const a = new Actor(pid, handler, state, init);
  table.set(pid, a);
  if (init !== null) enqueue(a);
  return pid;
}

/** spawn + monitor by `watcher`, atomically. Returns [pid, ref]. */
export function spawnMonitor(watcher, handler, state = undefined, init = null) {
  const pid = spawn(handler, state, init);
  return [pid, monitor(watcher, pid)];
}

/**
 * Starts a receive-style process: `body(self)` is an async function that awaits
 * receive(self). Kept minimal for the memory comparison: the body must end its process
 * itself (exit(self, reason)) or be killed, and must not throw.
 */
export function spawnReceiver(body) {
  const pid = nextPid++;
  const a = new Actor(pid, null, undefined, null);
  table.set(pid, a);
  body(a);
  return pid;
}

/** The next message of a receive-style process. */
export function receive(self) {
  if (self.mbox !== null && self.mbox.len > 0) return Promise.resolve(self.mbox.shift());
  return new Promise((resolve) => {
    self.waiter = resolve;
  });
}

/** Sends `msg` to `pid`; a message to a dead pid is dropped. */
export function send(pid, msg) {
  const a = table.get(pid);
  if (a === undefined) return;
  if (a.waiter !== null) {
    const w = a.waiter;
    a.waiter = null;
    w(msg);
    return;
  }
  if (a.mbox === null) a.mbox = new Ring();
  a.mbox.push(msg);
  if (!a.queued && a.handler !== null) enqueue(a);
}

/** `watcher` gets {tag: "DOWN", ref, pid, reason} when `target` ends. Returns the ref. */
export function monitor(watcher, target) {
  const ref = nextRef++;
  const a = table.get(target);
  if (a === undefined) {
    send(watcher, { tag: "DOWN", ref, pid: target, reason: "noproc" });
  } else {
    if (a.monitors === null) a.monitors = [];
    a.monitors.push(ref, watcher);
  }
  return ref;
}

/** Ends actor `self` (an actor object, as handlers receive it) with `reason`. */
export function exit(self, reason) {
  if (!self.alive) return;
  self.alive = false;
  self.mbox = null;
  self.waiter = null;
  table.delete(self.pid);
  const mons = self.monitors;
  if (mons !== null) {
    self.monitors = null;
    for (let i = 0; i < mons.length; i += 2) {
      send(mons[i + 1], { tag: "DOWN", ref: mons[i], pid: self.pid, reason });
    }
  }
}

/** Ends the actor named `pid` from outside. */
export function kill(pid, reason = "killed") {
  const a = table.get(pid);
  if (a !== undefined) exit(a, reason);
}

/** The live actor object of `pid` (for wiring during set-up), or undefined. */
export function actorOf(pid) {
  return table.get(pid);
}

/** Request/response: the server's handler answers with `msg.reply(value)`. */
export function call(pid, request) {
  return new Promise((reply) => send(pid, { request, reply }));
}

/** Fire-and-forget request to a server that uses the same message shape as call(). */
export function cast(pid, request) {
  send(pid, { request, reply: null });
}

/** Number of live actors. */
export function count() {
  return table.size;
}
