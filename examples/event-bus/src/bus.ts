// The same order events delivered two ways: to handlers plugged into one GenEvent manager,
// and to subscriber processes registered under a topic in a duplicate-key Registry.
import { type Pid, receive, self, send, spawnLink } from "@trellis/core";
import * as GenEvent from "@trellis/gen-event";
import * as Registry from "@trellis/registry";

/** What the shop reports. */
export type OrderEvent =
  | { readonly type: "placed"; readonly order: string; readonly cents: number }
  | { readonly type: "shipped"; readonly order: string };

/** A one-line description of an event. */
export function describe(event: OrderEvent): string {
  return event.type === "placed"
    ? `${event.order} placed (${event.cents}c)`
    : `${event.order} shipped`;
}

// ---- 1. GenEvent: handlers are callbacks that run inside the manager process ----

/** A handler that hands each event to a function, and counts what it has seen. */
export const Reporter: GenEvent.Handler<OrderEvent, (line: string) => void, "seen", number> =
  GenEvent.defineHandler(
    {
      init: (sink: (line: string) => void) => GenEvent.Result.ok({ sink, seen: 0 }),
      handleEvent(event: OrderEvent, s) {
        s.sink(describe(event));
        return GenEvent.Result.ok({ ...s, seen: s.seen + 1 });
      },
      handleCall: (_request: "seen", s) => GenEvent.Result.reply(s.seen, s),
    },
    { name: "Reporter" },
  );

/** Publishes to every handler of `manager`; resolves once they have all run. */
export function publishToHandlers(
  manager: GenEvent.ManagerRef<OrderEvent>,
  event: OrderEvent,
): Promise<void> {
  return GenEvent.syncNotify(manager, event);
}

// ---- 2. Registry pub/sub: subscribers are processes that register under a topic ----

/** The topic every order event is published on. */
export const TOPIC = "orders";

/** Starts the pub/sub registry (duplicate keys: many subscribers per topic). */
export function startPubSub(name: string): Promise<Registry.RegistryHandle<string, string>> {
  return Registry.startLink<string, string>({ keys: "duplicate", name });
}

/** What a subscriber reports for each event it receives. */
export interface Delivery {
  readonly label: string;
  readonly event: OrderEvent;
}

/**
 * Starts a subscriber process, linked to the caller, that registers under `TOPIC` in
 * `registry` (its `label` as the value) and reports each event it receives to `report`.
 */
export async function subscribe(registry: string, label: string, report: Pid): Promise<Pid> {
  const parent = self();
  const pid = spawnLink(async () => {
    Registry.register<string, string>(registry, TOPIC, label);
    send(parent, { subscribed: label });
    for (;;) send(report, { label, event: await receive<OrderEvent>() } satisfies Delivery);
  });
  await receive(
    (m) => typeof m === "object" && m !== null && "subscribed" in m && m.subscribed === label,
  );
  return pid;
}

/** Whether `m` is a subscriber's report. */
export function isDelivery(m: unknown): m is Delivery {
  return typeof m === "object" && m !== null && "label" in m && "event" in m;
}

/** Sends `event` to every process subscribed to `TOPIC`; returns how many there were. */
export function publishToSubscribers(registry: string, event: OrderEvent): number {
  let count = 0;
  Registry.dispatch<string, string>(registry, TOPIC, (subscribers) => {
    for (const [pid] of subscribers) send(pid, event);
    count = subscribers.length;
  });
  return count;
}
