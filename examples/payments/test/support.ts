// Shared by the tests: a configuration with short timeouts, and the tree's own child specs
// to start only the pieces a test needs, under a supervisor linked to the test process.
import type { ChildSpec, Pid } from "@trellis/core";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as Supervisor from "@trellis/supervisor";
import * as Task from "@trellis/task";
import * as Config from "../src/config.js";
import * as Events from "../src/events.js";
import { CUSTOMERS, PAYMENTS, registrySpec, TASKS } from "../src/names.js";
import * as Store from "../src/store.js";

export const TEST_CONFIG: Config.Config = {
  ...Config.DEFAULT_CONFIG,
  authorizationTimeoutMs: 1000,
  settledRetentionMs: 5000,
  maxAmountCents: 10_000,
  sessionIdleMs: 2000,
  rateLimit: { capacity: 3, refill: 1, intervalMs: 100 },
  backendTimeoutMs: 200,
  cacheTtlMs: 10_000,
  backends: {
    accounts: { mode: "ok", latencyMs: 10 },
    risk: { mode: "ok", latencyMs: 20 },
    loyalty: { mode: "ok", latencyMs: 15 },
  },
};

/** The child specs of the tree's long-lived pieces, as the root supervisor has them. */
export const pieces = {
  config: (config: Config.Config = TEST_CONFIG): ChildSpec => Config.childSpec(config),
  events: (lines?: string[]): ChildSpec[] => [
    Events.managerSpec(),
    Events.handlersSpec({ write: (line) => lines?.push(line) }),
  ],
  store: (): ChildSpec => Store.childSpec(),
  registry: (): ChildSpec => registrySpec(),
  tasks: (): ChildSpec => Task.Supervisor.childSpec({ id: "tasks", name: TASKS }),
  payments: (): ChildSpec => DynamicSupervisor.childSpec({ id: "payments", name: PAYMENTS }),
  customers: (): ChildSpec => DynamicSupervisor.childSpec({ id: "customers", name: CUSTOMERS }),
};

/** Starts `children` under a one_for_one supervisor linked to the calling (test) process. */
export function startPieces(children: readonly (ChildSpec | ChildSpec[])[]): Promise<Pid> {
  return Supervisor.startLink(children.flat(), { strategy: "one_for_one" });
}
