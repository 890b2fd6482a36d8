// A burst of requests against a token bucket, then a pause while the timer refills it.
// Runs on a virtual clock, so the pauses take no real time.
// `pnpm --filter @trellis-examples/rate-limiter start`
import { pathToFileURL } from "node:url";
import { createRuntime, sleep } from "@trellis/core";
import * as RateLimiter from "./rate-limiter.js";

export async function main(log: (line: string) => void): Promise<void> {
  const rt = createRuntime({ clock: "virtual" });
  await rt.run(async () => {
    // 3 tokens at most, 1 more every second.
    const limiter = await RateLimiter.startLink({ capacity: 3, refill: 1, everyMs: 1000 });

    const burst: string[] = [];
    for (let i = 0; i < 5; i++) burst.push(await RateLimiter.request(limiter));
    log(`burst of 5: ${burst.join(" ")}`);

    await sleep(1000);
    log(
      `after 1s: ${await RateLimiter.tokens(limiter)} token, request -> ${await RateLimiter.request(limiter)}`,
    );

    await sleep(10_000);
    log(`after 10s idle: ${await RateLimiter.tokens(limiter)} tokens (capped at capacity)`);
  });
  await rt.shutdown();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(console.log);
}
