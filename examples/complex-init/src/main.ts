// Starts the catalog three times: normally; with bad settings (init fails); and under a
// supervisor with a database that refuses the first connection (a step crashes, the
// supervisor restarts the server, and the second attempt gets through).
// `pnpm --filter @trellis-examples/complex-init start`
import { pathToFileURL } from "node:url";
import { createRuntime, InitError } from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";
import * as Catalog from "./catalog.js";

export async function main(log: (line: string) => void): Promise<void> {
  let attempts = 0;
  const setup = (url: string, failFirstConnect: boolean): Catalog.Setup => ({
    url,
    connect: (to) => {
      attempts++;
      log(`  connect ${to} (attempt ${attempts})`);
      if (failFirstConnect && attempts === 1) throw new Error("connection refused");
      return `conn-${attempts}`;
    },
    load: (connection) => {
      log(`  load over ${connection}`);
      return ["apples", "pears"];
    },
    warmUp: (items) => log(`  warm up ${items.length} items`),
  });

  const rt = createRuntime({ logger: { log: () => {} } }); // keep the crash report out of the output
  await rt.run(async () => {
    log("start:");
    const catalog = await Catalog.startLink(setup("db://catalog", false));
    const ready = await Catalog.status(catalog);
    log(`status: ${ready.phase}, ${ready.items.join(" ")}`);

    log("start with no url:");
    const err = await Catalog.startLink(setup("", false)).catch((e: unknown) => e);
    log(
      `rejected with ${err instanceof InitError ? `InitError: ${String(err.reason)}` : String(err)}`,
    );

    attempts = 0;
    log("supervised, first connect refused:");
    const sup = await Supervisor.startLink(
      [Catalog.childSpec(setup("db://flaky", true), "catalog")],
      { strategy: "one_for_one" },
    );
    const after = await Catalog.status("catalog");
    log(`status after restart: ${after.phase} on ${String(after.connection)}`);
    await Supervisor.stop(sup);
  });
  await rt.shutdown();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(console.log);
}
