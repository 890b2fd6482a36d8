/**
 * GenServers on worker nodes: a definition exported by a module, started on a node, used
 * through a typed handle like a local one.
 *
 * @module
 */
import {
  BadArgumentError,
  formatReason,
  inProcess,
  link,
  type ProcessName,
  type Runtime,
} from "@trellis/core";
import type * as GenServer from "@trellis/gen-server";
import { moduleSpecifier } from "./node-context.js";
import { callOn } from "./remote.js";
import type { ArgOfDefinition, CallsOfDefinition, CastsOfDefinition } from "./types.js";

const fromSource = import.meta.url.endsWith(".ts");
const STARTER = new URL(fromSource ? "./server-start.ts" : "./server-start.js", import.meta.url);

/**
 * Where a GenServer definition lives, so that another node can load it: a module and the
 * name of the export. The type parameter is the definition's type, so that
 * {@link startServerOn} returns a typed handle.
 *
 * @example
 * ```ts
 * import { remoteDefinition, type RemoteDefinition } from "@trellis/workers";
 * import type { Counter } from "./counter.js";
 * const def: RemoteDefinition<typeof Counter> = remoteDefinition(new URL("./counter.js", import.meta.url), "Counter");
 * ```
 * @since 0.1.0
 * @category Remote
 */
export interface RemoteDefinition<D> {
  /** The module, as a `file:` URL or a package name. */
  readonly module: string;
  /** The export that holds the definition. */
  readonly export: string;
  /** @internal Carries the definition's type only. */
  readonly $definition?: D;
}

/**
 * Names a GenServer definition exported by a module, for {@link startServerOn}.
 *
 * @example
 * ```ts
 * import { remoteDefinition } from "@trellis/workers";
 * import type { Hasher } from "./hasher.js";
 * const HasherDef = remoteDefinition<typeof Hasher>(new URL("./hasher.js", import.meta.url), "Hasher");
 * ```
 * @since 0.1.0
 * @category Remote
 */
export function remoteDefinition<D>(module: string | URL, exportName: string): RemoteDefinition<D> {
  if (typeof exportName !== "string" || exportName.length === 0) {
    throw new BadArgumentError(
      `remoteDefinition: expected an export name, got ${formatReason(exportName)}`,
    );
  }
  return { module: moduleSpecifier(module, "remoteDefinition"), export: exportName };
}

/**
 * Options of {@link startServerOn}.
 *
 * @example
 * ```ts
 * import type { StartServerOnOptions } from "@trellis/workers";
 * const options: StartServerOnOptions = { name: "counter", timeout: 5000 };
 * ```
 * @since 0.1.0
 * @category Remote
 */
export interface StartServerOnOptions {
  /** Register the server under this (local) name on its node. */
  readonly name?: string;
  /** Milliseconds `init` may take. */
  readonly timeout?: number;
  /** Link the server to the caller once started (must be in process code). Default `false`. */
  readonly link?: boolean;
  /** The runtime to ask from outside process code. Default: the default runtime. */
  readonly runtime?: Runtime;
}

/**
 * Starts, on `node`, the GenServer that `definition` names, and resolves with its typed
 * handle: `GenServer.call` and `GenServer.cast` on it work from any node, and type-check
 * as for a local server. `init` runs on that node. With `link: true` the server is linked to
 * the caller once it runs.
 *
 * @example
 * ```ts
 * import * as GenServer from "@trellis/gen-server";
 * import { remoteDefinition, startServerOn } from "@trellis/workers";
 * import type { Counter } from "./counter.js";
 * const def = remoteDefinition<typeof Counter>(new URL("./counter.js", import.meta.url), "Counter");
 * const counter = await startServerOn("worker1@nohost", def, 0);
 * await GenServer.call(counter, "get"); // 0, answered on worker1
 * ```
 * @throws {SpawnError} (rejects) when the module or export is missing, `init` fails, or the node is down
 * @throws {UncloneableError} (rejects) when the argument cannot cross
 * @since 0.1.0
 * @category Remote
 */
export async function startServerOn<D>(
  node: string,
  definition: RemoteDefinition<D>,
  arg: ArgOfDefinition<D>,
  options: StartServerOnOptions = {},
): Promise<GenServer.Server<CallsOfDefinition<D>, CastsOfDefinition<D>>> {
  if (options.link === true && !inProcess())
    throw new BadArgumentError("startServerOn: link: true needs a calling process");
  const startOptions: { name?: ProcessName; timeout?: number } = {};
  if (options.name !== undefined) startOptions.name = options.name;
  if (options.timeout !== undefined) startOptions.timeout = options.timeout;
  const pid = await callOn(
    node,
    {
      module: STARTER,
      function: "startDefinedServer",
      args: [definition.module, definition.export, arg, startOptions],
    },
    options.runtime === undefined ? undefined : { runtime: options.runtime },
  );
  if (options.link === true) link(pid as never);
  return pid as GenServer.Server<CallsOfDefinition<D>, CastsOfDefinition<D>>;
}
