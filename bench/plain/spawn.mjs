// spawn + exit: one parent actor spawns N children under monitors; each child exits on its
// first turn; the parent waits for the N DOWN messages.
import { exit, send, spawn, spawnMonitor } from "./actor.mjs";
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

await spawnExit(Math.max(1, N / 10)); // warm-up
report("spawn_exit", await rate(N, () => spawnExit(N)), "procs/s");
