import { pathToFileURL } from "node:url";
import { createRuntime, sleep, VirtualClock } from "@trellis/core";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { CodeLock, OPEN_MS } from "./lock.js";

/** Tries a wrong code, the right one, and waits for the door to lock itself. */
export async function main(log: (line: string) => void): Promise<void> {
  // A virtual clock: the five seconds the door stays open pass at once.
  const rt = createRuntime({ clock: new VirtualClock() });
  await rt.run(async () => {
    const door = await GenStateMachine.startLink(CodeLock, "1234");
    for (const code of ["0000", "1111", "1234", "1234"]) {
      log(`enter ${code}: ${await GenStateMachine.call(door, { type: "enter", code })}`);
    }
    log(`status: ${JSON.stringify(await GenStateMachine.call(door, { type: "status" }))}`);
    await sleep(OPEN_MS);
    log(
      `after ${OPEN_MS} ms: ${JSON.stringify(await GenStateMachine.call(door, { type: "status" }))}`,
    );
    await GenStateMachine.stop(door);
  });
  await rt.shutdown();
}

// Run as a script (pnpm start), not when a test imports main.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(console.log);
}
