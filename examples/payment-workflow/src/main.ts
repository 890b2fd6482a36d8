import { pathToFileURL } from "node:url";
import { createRuntime, sleep, VirtualClock } from "@trellis/core";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { HOLD_MS, Payment } from "./payment.js";

/**
 * Takes one payment all the way to a refund, and lets a second one's authorization lapse.
 * The runtime runs on a virtual clock so that the 24-hour hold passes at once.
 */
export async function main(log: (line: string) => void): Promise<void> {
  const rt = createRuntime({ clock: new VirtualClock() });
  await rt.run(async () => {
    const first = await GenStateMachine.startLink(Payment, 4200);
    for (const type of ["authorize", "capture", "refund", "capture"] as const) {
      log(`first ${type}: ${JSON.stringify(await GenStateMachine.call(first, { type }))}`);
    }

    const second = await GenStateMachine.startLink(Payment, 990);
    log(
      `second authorize: ${JSON.stringify(await GenStateMachine.call(second, { type: "authorize" }))}`,
    );
    await sleep(HOLD_MS); // nobody captures it for a day
    log(`second after 24h: ${await GenStateMachine.call(second, { type: "status" })}`);
    log(
      `second capture: ${JSON.stringify(await GenStateMachine.call(second, { type: "capture" }))}`,
    );
    await GenStateMachine.stop(first);
    await GenStateMachine.stop(second);
  });
  await rt.shutdown();
}

// Run as a script (pnpm start), not when a test imports main.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(console.log);
}
