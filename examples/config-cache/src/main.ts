// Loads a configuration into an Agent, changes one value, then reloads it from its source.
// `pnpm --filter @trellis-examples/config-cache start`
import { pathToFileURL } from "node:url";
import { createRuntime } from "@trellis/core";
import * as ConfigCache from "./config-cache.js";

export async function main(log: (line: string) => void): Promise<void> {
  // A stand-in for a file on disk: what the next load returns.
  let onDisk: ConfigCache.Values = { mode: "dev", workers: "2" };
  const source = () => onDisk;

  const rt = createRuntime();
  await rt.run(async () => {
    const cache = await ConfigCache.startLink(source, "config");
    log(`v${await ConfigCache.version(cache)}: mode=${await ConfigCache.get(cache, "mode")}`);

    await ConfigCache.set(cache, "workers", "4");
    log(`v${await ConfigCache.version(cache)}: workers=${await ConfigCache.get(cache, "workers")}`);

    onDisk = { mode: "prod", workers: "2", region: "eu" };
    // The source wins: the hand-set workers=4 goes back to the file's 2.
    const changed = await ConfigCache.reload(cache, source);
    log(`reloaded, changed: ${changed.join(", ")}`);
    log(`v${await ConfigCache.version(cache)}: mode=${await ConfigCache.get(cache, "mode")}`);

    const failed = await ConfigCache.reload(cache, () => {
      throw new Error("config file is unreadable");
    }).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
    log(`bad reload: ${String(failed)}; still v${await ConfigCache.version(cache)}`);
  });
  await rt.shutdown();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(console.log);
}
