// Supervisor: a one-for-one supervisor actor restarts a child that throws on request; the
// new child reports to a driver actor, which makes it crash again: CYCLES crash + restart
// cycles. Restart intensity is checked in O(1) with a ring of the last maxRestarts + 1
// restart times.
import { exit, send, spawn, spawnMonitor } from "./actor.mjs";
import { rate, report, size } from "./common.mjs";

const CYCLES = size(10_000);
const MAX_RESTARTS = 100_000;
const MAX_SECONDS = 1;

function crasher(notify) {
  const init = (self) => send(notify, { started: self.pid });
  const handle = (_self, msg) => {
    if (msg === "crash") throw new Error("boom");
  };
  return [handle, init];
}

function supervisor(notify) {
  const [handle, init] = crasher(notify);
  const times = new Float64Array(MAX_RESTARTS + 1);
  let restarts = 0;
  const startChild = (self) => spawnMonitor(self.pid, handle, undefined, init);
  return spawn(
    (self, msg) => {
      if (msg.tag !== "DOWN") return;
      const t = performance.now();
      const slot = restarts % times.length;
      // the slot holds the restart maxRestarts + 1 restarts ago
      if (restarts >= times.length && t - times[slot] <= MAX_SECONDS * 1000) {
        exit(self, "shutdown");
        return;
      }
      times[slot] = t;
      restarts++;
      startChild(self);
    },
    undefined,
    startChild,
  );
}

// The driver crashes each new child until `remaining` reaches 0, then calls `done`.
let current = 0;
let remaining = 0;
let done = null;
const driver = spawn((_self, msg) => {
  current = msg.started;
  if (remaining > 0) {
    remaining--;
    send(current, "crash");
  } else if (done !== null) {
    const d = done;
    done = null;
    d();
  }
});

function cycles(n) {
  return new Promise((resolve) => {
    done = resolve;
    remaining = n - 1;
    send(current, "crash");
  });
}

await new Promise((resolve) => {
  done = resolve;
  supervisor(driver);
});
await cycles(Math.max(1, CYCLES / 10)); // warm-up
report("sup_restart", await rate(CYCLES, () => cycles(CYCLES)), "restarts/s");
