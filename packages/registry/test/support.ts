// Helpers shared by the Registry tests.
import { type Pid, receive, sleep, spawnLink } from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";

/** A linked process that runs `setup`, then waits until it is told "stop" or killed. */
export function holder(setup: () => void = () => {}): Pid {
  return spawnLink(async () => {
    setup();
    await receive((m) => m === "stop");
  });
}

/** Lets everything runnable run (the partitions' cleanup among it). */
export async function settle(): Promise<void> {
  await sleep(0);
  await sleep(0);
}

/** The partition pids of a registry, in partition order. */
export async function partitions(registry: Pid): Promise<Pid[]> {
  const children = await Supervisor.whichChildren(registry);
  return children
    .slice()
    .sort((a, b) => (a.id as number) - (b.id as number))
    .map((c) => c.pid as Pid);
}
