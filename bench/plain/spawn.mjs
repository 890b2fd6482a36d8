// spawn + exit: one parent actor spawns N children under monitors; each child exits on its
// first turn; the parent waits for the N DOWN messages. `spawn_exit` has a handler-style
// parent; `spawn_exit_receive` a parent that is an async function taking each DOWN with
// `await receive(self)`, the shape of Trellis's `spawn_exit`, without a runtime around it.
import { exit, receive, send, spawn, spawnMonitor, spawnReceiver } from "./actor.mjs";
import { rate, report, size } from "./common.mjs";

const N = size(100_000);

const exitAtOnce = (self) => exit(self, "normal");
const never = () => {};

function spawnExit(n) {
  return new Promise((resolve) => {
    let downs = 0;
    const parent = spawn((self, msg) => {
      if (msg === "go") {
        for (let i = 0; i < n; i++) spawnMonitor(self.pid, never, undefined, exitAtOnce);
      } else if (msg.tag === "DOWN" && ++downs === n) {
        exit(self, "normal");
        resolve();
      }
    });
    send(parent, "go");
  });
}

function spawnExitReceive(n) {
  return new Promise((resolve) => {
    spawnReceiver(async (self) => {
      for (let i = 0; i < n; i++) spawnMonitor(self.pid, never, undefined, exitAtOnce);
      for (let i = 0; i < n; i++) {
        const msg = await receive(self);
        if (msg.tag !== "DOWN") throw new Error(`expected a DOWN message, got ${String(msg)}`);
      }
      exit(self, "normal");
      resolve();
    });
  });
}

await spawnExit(Math.max(1, N / 10)); // warm-up
report("spawn_exit", await rate(N, () => spawnExit(N)), "procs/s");
await spawnExitReceive(Math.max(1, N / 10)); // warm-up
report("spawn_exit_receive", await rate(N, () => spawnExitReceive(N)), "procs/s");
