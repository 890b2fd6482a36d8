import { pathToFileURL } from "node:url";
import { createRuntime, receive, self } from "@trellis/core";
import { type Progress, startPipeline } from "./pipeline.js";

/** Runs 300 readings through the pipeline and narrates what happened. */
export async function main(log: (line: string) => void): Promise<void> {
  const rt = createRuntime();
  await rt.run(async () => {
    const readings = 300;
    const maxNotifiers = 5;
    await startPipeline({ observer: self(), readings, threshold: 90, maxNotifiers, notifyMs: 20 });
    let read = 0;
    let notified = 0;
    let busiest = 0;
    let readAtFirstNotice = 0;
    // 30 of the 300 readings are 90 or more
    while (notified < 30) {
      const p = (await receive()) as Progress;
      if (p.type === "read") read = p.count;
      else {
        if (notified === 0) readAtFirstNotice = read;
        notified++;
        busiest = Math.max(busiest, p.running);
        if (notified % 10 === 0)
          log(`${notified} alerts sent, ${read} readings taken from the feed`);
      }
    }
    log(
      `when the first alert went out, ${readAtFirstNotice} of ${readings} readings had been read`,
    );
    log(`at most ${busiest} notifiers ran at once (maxDemand ${maxNotifiers})`);
  });
  await rt.shutdown();
}

// Run as a script (pnpm start), not when a test imports main.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(console.log);
}
