import { pathToFileURL } from "node:url";
import { createRuntime, type RuntimeOptions } from "@trellis/core";
import * as Task from "@trellis/task";
import { after, failing, fetchPartialProfile, fetchProfile } from "./aggregator.js";

/** Fetches a full profile, then a partial one from a slow and a crashing backend. */
/** Runs the example, printing through `log`; `options` go to the runtime (tests pass a logger). */
export async function main(
  log: (line: string) => void,
  options: RuntimeOptions = {},
): Promise<void> {
  const rt = createRuntime(options);
  await rt.run(async () => {
    const full = await fetchProfile("ada", {
      account: after(30, "account"),
      orders: after(50, "orders"),
      prefs: after(10, "prefs"),
    });
    log(`full profile: ${JSON.stringify(full)}`);

    const sup = await Task.Supervisor.startLink({ name: "lookups" });
    const partial = await fetchPartialProfile(
      "lookups",
      "ada",
      {
        account: after(30, "account"),
        orders: after(60_000, "orders"), // far too slow: killed after 200 ms
        prefs: failing(10, "prefs service is down"), // crashes: a result, not a crash of ours
      },
      200,
    );
    log(`partial profile: ${JSON.stringify(partial.sections)}`);
    for (const [name, why] of Object.entries(partial.missing)) log(`missing ${name}: ${why}`);
    log(`tasks still running: ${(await Task.Supervisor.children(sup)).length}`);
  });
  await rt.shutdown();
}

// Run as a script (pnpm start), not when a test imports main.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(console.log);
}
