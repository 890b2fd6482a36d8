// 1M plain sends to one process that counts them and reports when it has seen them all.
import { exit, send, spawn } from "./actor.mjs";
import { rate, report, size } from "./common.mjs";

const N = size(1_000_000);

function sends(n) {
  return rate(
    n,
    () =>
      new Promise((resolve) => {
        let seen = 0;
        const sink = spawn((self) => {
          if (++seen === n) {
            exit(self, "normal");
            resolve();
          }
        });
        for (let i = 0; i < n; i++) send(sink, i);
      }),
  );
}

await sends(Math.max(1, N / 10)); // warm-up
report("send", await sends(N), "msgs/s");
