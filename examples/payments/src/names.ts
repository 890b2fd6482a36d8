// Names. The long-lived processes of the tree have local names (one of each per runtime);
// the processes started on demand (one per customer, one per payment) are named through the
// service's Registry with via-names: `Registry.via(REGISTRY, "session/ann")` is accepted by
// every `name` option, every `call` and every `send`; the process registers itself when it
// starts, and the name is freed when it exits.
import type { ChildSpec, Pid, ViaName } from "@trellis/core";
import * as Registry from "@trellis/registry";

/** The local names of the tree's long-lived processes. */
export const ROOT = "payments.root";
export const EVENTS = "payments.events";
export const HANDLERS = "payments.event-handlers";
export const STORE = "payments.store";
export const REGISTRY = "payments.registry";
export const TASKS = "payments.tasks";
export const PAYMENTS = "payments.payments";
export const CUSTOMERS = "payments.customers";
export const HTTP = "payments.http";

/** What the registry names: one customer's supervisor, session and limiter, one payment. */
export type Key =
  | `customer/${string}`
  | `session/${string}`
  | `limiter/${string}`
  | `payment/${string}`;

/** The registry's child spec: unique keys, registered as {@link REGISTRY}. */
export function registrySpec(): ChildSpec {
  return { ...Registry.childSpec({ keys: "unique", name: REGISTRY }), id: "registry" };
}

/** The via-name of `key`, for `name` options, calls and sends. */
export function name(key: Key): ViaName<Key> {
  return Registry.via<Key, null>(REGISTRY, key);
}

/** The key `pid` is registered under, if any (for the demo's printouts). */
export function keyOf(pid: Pid): Key | undefined {
  return Registry.keys<Key, null>(REGISTRY, pid)[0];
}

/** How many names are registered. */
export function registered(): number {
  return Registry.count(REGISTRY);
}
