import { pathToFileURL } from "node:url";
import { createRuntime, downFor, exit, monitor, type RuntimeOptions, receive } from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";
import { query, served, slotFor, startPool, workerAt } from "./pool.js";

const SIZE = 3;

/** Starts a pool of three, runs queries by key, crashes one worker and uses it again. */
/** Runs the example, printing through `log`; `options` go to the runtime (tests pass a logger). */
export async function main(
  log: (line: string) => void,
  options: RuntimeOptions = {},
): Promise<void> {
  const rt = createRuntime(options);
  await rt.run(async () => {
    const pool = await startPool(SIZE);
    for (const user of ["alice", "frank", "grace"]) {
      log(`${user} -> ${await query(user, `select * from orders where user = '${user}'`, SIZE)}`);
    }
    const slot = slotFor("alice", SIZE);
    const before = workerAt(slot);
    if (before === undefined) throw new Error(`nobody holds slot ${slot}`);
    log(`slot ${slot} has served ${await served(slot)} query`);

    const ref = monitor(before);
    exit(before, "kill"); // the connection dies
    log(`slot ${slot} went down: ${String((await receive(downFor(ref))).reason)}`);

    // A call to the supervisor is handled after the worker's exit signal, so once it
    // answers, the worker has been restarted under the same via name. Callers change nothing.
    await Supervisor.whichChildren(pool);
    log(`alice -> ${await query("alice", "select 1", SIZE)}`);
    log(`slot ${slot} is a new process: ${workerAt(slot) !== before}`);
    log(`slot ${slot} has served ${await served(slot)} query since its restart`);
    await Supervisor.stop(pool);
  });
  await rt.shutdown();
}

// Run as a script (pnpm start), not when a test imports main.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(console.log);
}
