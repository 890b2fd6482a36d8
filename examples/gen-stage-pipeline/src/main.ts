import { pathToFileURL } from "node:url";
import { createRuntime, downFor, monitor, type RuntimeOptions, receive, self } from "@trellis/core";
import { isProgress, startPipeline } from "./pipeline.js";

/**
 * Runs 300 readings through the pipeline and narrates what happened; `options` go to the
 * runtime (tests pass a logger).
 */
export async function main(
  log: (line: string) => void,
  options: RuntimeOptions = {},
): Promise<void> {
  const rt = createRuntime(options);
  await rt.run(async () => {
    const readings = 300;
    const maxNotifiers = 5;
    const { alerts } = await startPipeline({
      observer: self(),
      readings,
      threshold: 90,
      maxNotifiers,
      notifyMs: 20,
    });
    const alertsDown = monitor(alerts);
    let read = 0;
    let notified = 0;
    let busiest = 0;
    let readAtFirstNotice = 0;
    // 30 of the 300 readings are 90 or more
    while (notified < 30) {
      // only the progress messages: the monitor's DOWN message may come in between
      const p = await receive(isProgress);
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
    // The feed has ended (or is about to): the alerts stage, subscribed to it permanently,
    // stops "normal" once it has handed out every alert. Wait for it, so that the run
    // always ends the same way, then stop what is left (the notifiers' supervisor).
    const down = await receive(downFor(alertsDown));
    log(`the alerts stage stopped (${String(down.reason)}) after the feed ended`);
  });
  await rt.shutdown();
}

// Run as a script (pnpm start), not when a test imports main.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(console.log);
}
