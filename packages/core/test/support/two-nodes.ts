// Two runtimes named a@host and b@host, connected in memory under one virtual clock: the
// body runs, the clock settles, neither runtime may leak a process or timer, and both are
// shut down whatever happens. Shared by the `{ name, node }` tests of several packages.
import {
  connectInMemory,
  createRuntime,
  type Logger,
  type Runtime,
  VirtualClock,
} from "@trellis/core";
import { assertNoLeaks } from "@trellis/core/testing";

export async function withTwoNodes(
  body: (a: Runtime, b: Runtime, disconnect: () => void) => Promise<void>,
  options: { readonly logger?: Logger } = {},
): Promise<void> {
  const clock = new VirtualClock();
  const logger = options.logger === undefined ? {} : { logger: options.logger };
  const a = createRuntime({ clock, node: "a@host", ...logger });
  const b = createRuntime({ clock, node: "b@host", ...logger });
  const connection = connectInMemory(a, b);
  try {
    await body(a, b, () => connection.disconnect());
    await clock.settle();
    assertNoLeaks(a);
    assertNoLeaks(b);
  } finally {
    await a.shutdown();
    await b.shutdown();
  }
}
