// Writes through the cache server, reads from the table, and shows that reads do not wait
// for the server: with the server suspended, reads still answer at once while a write waits.
// `pnpm --filter @trellis-examples/cache-server start`
import { pathToFileURL } from "node:url";
import { createRuntime, Sys } from "@trellis/core";
import * as Ets from "@trellis/ets-table";
import * as Cache from "./cache-server.js";

export async function main(log: (line: string) => void): Promise<void> {
  const rt = createRuntime();
  await rt.run(async () => {
    const server = await Cache.startLink();
    await Cache.put("greeting", "hello");
    await Cache.put("lang", "ts");
    log(`get greeting -> ${Cache.get("greeting")} (size ${Cache.size()})`);

    await Sys.suspend(server); // the server handles no calls until resumed
    log(`server suspended; get lang -> ${Cache.get("lang")} (no message needed)`);
    let written = false;
    const write = Cache.put("lang", "erlang").then(() => {
      written = true;
    });
    log(`a write while suspended is waiting: ${!written}; get lang -> ${Cache.get("lang")}`);
    await Sys.resume(server);
    await write;
    log(`server resumed; get lang -> ${Cache.get("lang")}`);

    try {
      Ets.insert(Cache.TABLE, ["lang", "sneaky"]);
    } catch (e) {
      log(
        `writing the table directly: ${e instanceof Ets.AccessError ? "AccessError" : String(e)}`,
      );
    }
    log(`removed lang: ${await Cache.remove("lang")}; size ${Cache.size()}`);
  });
  await rt.shutdown();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(console.log);
}
