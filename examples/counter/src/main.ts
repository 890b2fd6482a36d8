// Runs the counter under a supervisor: calls and casts, then a crash and a restart.
// `pnpm --filter @trellis-examples/counter start`
import { pathToFileURL } from "node:url";
import {
  createRuntime,
  downFor,
  exit,
  monitor,
  type RuntimeOptions,
  receive,
  whereis,
} from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";
import * as Counter from "./counter.js";

/** Runs the example, printing through `log`; `options` go to the runtime (tests pass a logger). */
export async function main(
  log: (line: string) => void,
  options: RuntimeOptions = {},
): Promise<void> {
  const rt = createRuntime(options);
  await rt.run(async () => {
    const sup = await Supervisor.startLink([Counter.childSpec("visits", 10)], {
      strategy: "one_for_one",
    });
    const visits = Counter.named("visits");

    log(`increment -> ${await Counter.increment(visits)}`); // 11
    Counter.add(visits, 5); // a cast: returns at once
    log(`after add 5 -> ${await Counter.get(visits)}`); // 16: the call comes after the cast
    Counter.reset(visits);
    log(`after reset -> ${await Counter.get(visits)}`); // 10

    await Counter.increment(visits);
    const before = whereis("visits");
    if (before === undefined) throw new Error("the counter is not running");
    const ref = monitor(before);
    exit(before, "kill");
    const down = await receive(downFor(ref));
    log(`counter crashed (${String(down.reason)})`);
    const after = whereis("visits");
    log(`restarted by the supervisor: ${after !== undefined && after !== before}`);
    log(`value after restart -> ${await Counter.get(visits)}`); // 10: the initial state

    await Supervisor.stop(sup);
  });
  await rt.shutdown();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(console.log);
}
