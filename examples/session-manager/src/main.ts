import { pathToFileURL } from "node:url";
import { createRuntime, sleep, VirtualClock } from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";
import { addToCart, findSession, IDLE_MS, sessionCount, startSessions } from "./sessions.js";

/**
 * Opens two sessions, keeps one busy and lets the other go idle. The runtime runs on a
 * virtual clock so that half an hour of idleness takes no time at all.
 */
export async function main(log: (line: string) => void): Promise<void> {
  const rt = createRuntime({ clock: new VirtualClock() });
  await rt.run(async () => {
    const top = await startSessions();
    log(`ann's cart: ${await addToCart("ann", "tea")}`);
    log(`ben's cart: ${await addToCart("ben", "milk")}`);
    log(`ann's cart: ${await addToCart("ann", "cake")}`); // the same session, found by name
    log(`sessions running: ${await sessionCount()}`);

    await sleep(IDLE_MS - 60_000);
    await addToCart("ann", "jam"); // ann is active; ben is not
    await sleep(2 * 60_000);
    log(
      `after 31 minutes: ann ${findSession("ann") ? "online" : "gone"}, ben ${findSession("ben") ? "online" : "gone"}`,
    );
    log(`sessions running: ${await sessionCount()}`);
    log(`ben comes back to a new, empty cart: ${await addToCart("ben", "eggs")}`);
    await Supervisor.stop(top);
  });
  await rt.shutdown();
}

// Run as a script (pnpm start), not when a test imports main.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(console.log);
}
