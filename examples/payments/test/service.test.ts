import { exit, type Pid, whereis } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenEvent from "@trellis/gen-event";
import * as Supervisor from "@trellis/supervisor";
import { expect, test } from "vitest";
import { ensure, whereisCustomer } from "../src/customer.js";
import * as Events from "../src/events.js";
import { EVENTS, ROOT } from "../src/names.js";
import * as Service from "../src/service.js";
import { ledger } from "../src/store.js";
import { TEST_CONFIG } from "./support.js";

const ORDER = [
  "config",
  "events",
  "event-handlers",
  "store",
  "tasks",
  "registry",
  "payments",
  "customers",
  "http",
];

/** The root's children, id → pid, in start order. */
async function children(): Promise<Map<string, Pid>> {
  const list = (await Supervisor.whichChildren(ROOT)).reverse();
  return new Map(list.map((c) => [String(c.id), c.pid as Pid]));
}

test("the root supervisor starts its children in dependency order", () =>
  withRuntime(async () => {
    await Service.startLink({ config: TEST_CONFIG });
    expect([...(await children()).keys()]).toEqual(ORDER);
    const handlers = await GenEvent.whichHandlers(GenEvent.named(EVENTS));
    expect(handlers).toEqual([Events.Metrics, Events.AuditLog]);
  }));

test("rest_for_one: when the store dies, what was started after it restarts, not what came before", () =>
  withRuntime(async () => {
    await Service.startLink({ config: TEST_CONFIG });
    const before = await children();
    const store = before.get("store");
    if (store === undefined) throw new Error("no store");
    exit(store, "kill");
    const after = await children(); // answered once the restarts are done
    for (const id of ORDER) {
      const kept = ORDER.indexOf(id) < ORDER.indexOf("store");
      expect(after.get(id) === before.get(id), id).toBe(kept);
    }
    expect(ledger()).toEqual([]); // the tables were created again, empty
  }));

test("when the registry dies, the processes named in it restart with what follows it", () =>
  withRuntime(async () => {
    await Service.startLink({ config: TEST_CONFIG });
    await ensure("ann");
    const before = await children();
    const registry = before.get("registry");
    if (registry === undefined) throw new Error("no registry");
    exit(registry, "kill");
    const after = await children();
    for (const id of ORDER) {
      const kept = ORDER.indexOf(id) < ORDER.indexOf("registry");
      expect(after.get(id) === before.get(id), id).toBe(kept);
    }
    expect(whereisCustomer("ann")).toBeUndefined(); // the customers started afresh, empty
    expect(await ensure("ann")).toBeDefined(); // and names work in the new registry
  }));

test("when the event manager dies, the handler guard restarts with it and reinstalls the handlers", () =>
  withRuntime(async () => {
    await Service.startLink({ config: TEST_CONFIG });
    const manager = whereis(EVENTS);
    if (manager === undefined) throw new Error("no manager");
    exit(manager, "kill");
    await Supervisor.countChildren(ROOT);
    const handlers = await GenEvent.whichHandlers(GenEvent.named(EVENTS));
    expect(handlers).toEqual([Events.Metrics, Events.AuditLog]);
  }));

test("the HTTP listener is last: its crash restarts nothing else", () =>
  withRuntime(async () => {
    await Service.startLink({ config: TEST_CONFIG });
    const before = await children();
    const http = before.get("http");
    if (http === undefined) throw new Error("no listener");
    exit(http, "kill");
    const after = await children();
    for (const id of ORDER) expect(after.get(id) === before.get(id), id).toBe(id !== "http");
  }));

test("stopping the tree stops everything it started", () =>
  withRuntime(async ({ runtime, self }) => {
    await Service.startLink({ config: TEST_CONFIG });
    await Service.stop();
    expect(runtime.processes()).toEqual([self]);
  }));
