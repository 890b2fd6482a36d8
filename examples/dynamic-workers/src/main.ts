// Starts workers on demand, hits maxChildren, then crashes and finishes some of them and
// prints what the DynamicSupervisor does about it.
// `pnpm --filter @trellis-examples/dynamic-workers start`
import { pathToFileURL } from "node:url";
import { createRuntime, whereis } from "@trellis/core";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import { ChildError } from "@trellis/supervisor";
import * as Workers from "./workers.js";

export async function main(log: (line: string) => void): Promise<void> {
  const rt = createRuntime({ logger: { log: () => {} } }); // keep crash reports out of the output
  await rt.run(async () => {
    const sup = await Workers.startSupervisor(3);
    await Workers.startWorker("workers", "a", "transient");
    await Workers.startWorker("workers", "b", "transient");
    await Workers.startWorker("workers", "c", "temporary");
    log(`started a, b (transient) and c (temporary): ${await Workers.running("workers")} running`);
    log(`a doubles 21 -> ${await Workers.work("a", 21)}`);

    const full = await Workers.startWorker("workers", "d", "transient").catch((e: unknown) => e);
    log(`starting d: ${full instanceof ChildError ? `refused (${full.reason})` : "started"}`);

    const before = whereis(Workers.nameOf("a"));
    await Workers.crashAndWait("a");
    const after = whereis(Workers.nameOf("a"));
    log(`a crashed: restarted as a new process: ${after !== undefined && after !== before}`);

    await Workers.crashAndWait("c");
    log(`c crashed: restarted: ${whereis(Workers.nameOf("c")) !== undefined}`);

    await Workers.finishAndWait("b");
    log(`b finished normally: restarted: ${whereis(Workers.nameOf("b")) !== undefined}`);

    const counts = await DynamicSupervisor.countChildren(sup);
    log(`countChildren: ${JSON.stringify(counts)}`);
    const children = await DynamicSupervisor.whichChildren(sup);
    log(`whichChildren: ${children.map((c) => `${c.type} ${String(c.pid)}`).join(", ")}`);
    await DynamicSupervisor.stop(sup);
  });
  await rt.shutdown();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(console.log);
}
