// The service's supervision tree. The root supervisor starts its children in this order,
// and its strategy is rest_for_one because each child depends on the ones before it and on
// none after it (see README.md, "The tree"):
//
//   payments.root                     Supervisor, rest_for_one
//   ├─ config                         Agent: the configuration everybody reads
//   ├─ events                         GenEvent manager: audit log and metrics handlers
//   ├─ event-handlers                 GenServer: installs the handlers (addSupHandler), reinstalls crashed ones
//   ├─ store                          GenServer owning the ETS tables: profile cache, ledger, id counter
//   ├─ tasks                          Task.Supervisor: the profile backends' tasks
//   ├─ registry                       Registry (unique keys): the via-names of what follows
//   ├─ payments                       DynamicSupervisor: one GenStateMachine per payment (transient)
//   ├─ customers                      DynamicSupervisor: one Supervisor per active customer
//   │   └─ customer/<id>              Supervisor, one_for_one, autoShutdown any_significant
//   │       ├─ limiter/<id>           GenServer: token bucket refilled by sendAfter
//   │       └─ session/<id>           GenServer: the customer's session, idle timeout
//   └─ http                           GenServer: the node:http listener; one process per request
import type { Pid, Runtime } from "@trellis/core";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as Supervisor from "@trellis/supervisor";
import * as Task from "@trellis/task";
import * as Config from "./config.js";
import * as Events from "./events.js";
import * as Http from "./http.js";
import { CUSTOMERS, PAYMENTS, ROOT, registrySpec, TASKS } from "./names.js";
import * as Store from "./store.js";

export interface ServiceOptions {
  readonly config: Config.Config;
  /** The HTTP port; 0 (the default) takes a free one. */
  readonly port?: number;
  /** Where the audit log writes. Default: nowhere. */
  readonly audit?: Events.AuditSink;
}

const Root: Supervisor.Definition<ServiceOptions> = Supervisor.define((o: ServiceOptions) =>
  Supervisor.init(
    [
      Config.childSpec(o.config),
      Events.managerSpec(),
      Events.handlersSpec(o.audit ?? { write: () => {} }),
      Store.childSpec(),
      Task.Supervisor.childSpec({ id: "tasks", name: TASKS }),
      registrySpec(),
      DynamicSupervisor.childSpec({ id: "payments", name: PAYMENTS, maxRestarts: 10 }),
      DynamicSupervisor.childSpec({ id: "customers", name: CUSTOMERS, maxRestarts: 10 }),
      Http.childSpec(o.port ?? 0),
    ],
    { strategy: "rest_for_one", maxRestarts: 3, maxSeconds: 5 },
  ),
);

/** Starts the service linked to the caller; resolves with the root supervisor's pid. */
export async function startLink(options: ServiceOptions): Promise<Pid> {
  const root = await Supervisor.startLink(Root, options, { name: ROOT });
  if (root === "ignore") throw new Error("the root supervisor ignored its start");
  return root;
}

/**
 * Starts the service without a link, for a program's top level (or a test driving it from
 * outside process code); `runtime` chooses the runtime.
 */
export async function start(options: ServiceOptions, runtime?: Runtime): Promise<Pid> {
  const root = await Supervisor.start(Root, options, {
    name: ROOT,
    ...(runtime === undefined ? {} : { runtime }),
  });
  if (root === "ignore") throw new Error("the root supervisor ignored its start");
  return root;
}

/** Stops the whole tree, children first (newest first), and waits until it is gone. */
export function stop(): Promise<void> {
  return Supervisor.stop(ROOT);
}

/** The child spec of the whole service, to put it under a supervisor of your own. */
export function childSpec(options: ServiceOptions): Supervisor.ChildSpec {
  return Supervisor.childSpec(Root, options, { id: "payments", name: ROOT });
}
