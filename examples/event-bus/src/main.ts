import { pathToFileURL } from "node:url";
import { createRuntime, receive, self } from "@trellis/core";
import * as GenEvent from "@trellis/gen-event";
import {
  describe,
  isDelivery,
  type OrderEvent,
  publishToHandlers,
  publishToSubscribers,
  Reporter,
  startPubSub,
  subscribe,
} from "./bus.js";

const events: OrderEvent[] = [
  { type: "placed", order: "A-1", cents: 1250 },
  { type: "shipped", order: "A-1" },
];

/** Publishes the same two events to GenEvent handlers and to Registry subscribers. */
export async function main(log: (line: string) => void): Promise<void> {
  const rt = createRuntime();
  await rt.run(async () => {
    log("-- GenEvent: a handler runs inside the manager process");
    const manager = await GenEvent.startLink<OrderEvent>();
    await GenEvent.addHandler(manager, Reporter, (line) => log(`handler: ${line}`));
    for (const event of events) await publishToHandlers(manager, event);
    log(`the handler saw ${await GenEvent.call(manager, Reporter, "seen")} events`);
    await GenEvent.stop(manager);

    log("-- Registry: two subscriber processes on a topic");
    await startPubSub("bus");
    for (const label of ["mailer", "stock"]) await subscribe("bus", label, self());
    for (const event of events)
      log(`published to ${publishToSubscribers("bus", event)} subscribers`);
    // Each subscriber handles the events in its own process and reports back.
    const received: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { label, event } = await receive(isDelivery);
      received.push(`${label}: ${describe(event)}`);
    }
    for (const line of received.sort()) log(line);
  });
  await rt.shutdown();
}

// Run as a script (pnpm start), not when a test imports main.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(console.log);
}
