// 1M sends from one process to a plain process (no behaviour) that counts them and reports
// when it has seen them all.
import { createRuntime, receive, self, send, spawn } from "@trellis/core";
import { rate, report, size, warm } from "./common.js";

const N = size(1_000_000);
const rt = createRuntime();

async function sends(n: number): Promise<number> {
  return rt.run(() =>
    rate(n, async () => {
      const main = self();
      const sink = spawn(async () => {
        for (let i = 0; i < n; i++) await receive();
        send(main, "done");
      });
      for (let i = 0; i < n; i++) send(sink, i);
      await receive((m) => m === "done");
    }),
  );
}

await sends(warm(N));
report("send", await sends(N), "msgs/s");
