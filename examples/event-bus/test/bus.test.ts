import { exit, isExit, receive, self, trapExit } from "@trellis/core";
import { refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenEvent from "@trellis/gen-event";
import * as Registry from "@trellis/registry";
import { expect, test } from "vitest";
import {
  isDelivery,
  type OrderEvent,
  publishToHandlers,
  publishToSubscribers,
  Reporter,
  startPubSub,
  subscribe,
  TOPIC,
} from "../src/bus.js";
import { main } from "../src/main.js";

const placed: OrderEvent = { type: "placed", order: "B-7", cents: 300 };

test("GenEvent: every event reaches the handler, in order, before syncNotify resolves", () =>
  withRuntime(async () => {
    const lines: string[] = [];
    const manager = await GenEvent.startLink<OrderEvent>();
    await GenEvent.addHandler(manager, Reporter, (line) => lines.push(line));
    await publishToHandlers(manager, placed);
    await publishToHandlers(manager, { type: "shipped", order: "B-7" });
    expect(lines).toEqual(["B-7 placed (300c)", "B-7 shipped"]);
    expect(await GenEvent.call(manager, Reporter, "seen")).toBe(2);
    await GenEvent.stop(manager);
  }));

test("Registry: each subscriber gets its own copy, and one that exits is dropped", () =>
  withRuntime(async () => {
    const registry = await startPubSub("bus");
    const mailer = await subscribe("bus", "mailer", self());
    await subscribe("bus", "stock", self());
    expect(publishToSubscribers("bus", placed)).toBe(2);
    const got = [await receive(isDelivery), await receive(isDelivery)].map((d) => d.label);
    expect(got.sort()).toEqual(["mailer", "stock"]);

    trapExit(true); // the subscribers are linked to us
    exit(mailer, "kill");
    await receive(isExit);
    // (the Registry removes the dead entry asynchronously; a send to it is simply dropped)
    publishToSubscribers("bus", placed);
    expect((await receive(isDelivery)).label).toBe("stock");
    await refuteReceive(isDelivery, { timeout: 100 });
    expect(Registry.lookup(registry, TOPIC).map(([, label]) => label)).toEqual(["stock"]);
  }));

test("Registry: publishing with no subscribers sends nothing", () =>
  withRuntime(async () => {
    await startPubSub("empty");
    expect(publishToSubscribers("empty", placed)).toBe(0);
  }));

test("main prints both deliveries", async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  expect(lines).toEqual([
    "-- GenEvent: a handler runs inside the manager process",
    "handler: A-1 placed (1250c)",
    "handler: A-1 shipped",
    "the handler saw 2 events",
    "-- Registry: two subscriber processes on a topic",
    "published to 2 subscribers",
    "published to 2 subscribers",
    "mailer: A-1 placed (1250c)",
    "mailer: A-1 shipped",
    "stock: A-1 placed (1250c)",
    "stock: A-1 shipped",
  ]);
});
