/**
 * Runs on a worker node, called by `startServerOn`: loads the definition and starts it.
 *
 * @module
 * @internal
 */
import type { ProcessName } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { SpawnError } from "./errors.js";

/** @internal Starts the GenServer exported as `exportName` by `module`; returns its pid. */
export async function startDefinedServer(
  module: string,
  exportName: string,
  arg: unknown,
  options: { name?: ProcessName; timeout?: number },
): Promise<unknown> {
  const mod = (await import(module)) as Record<string, unknown>;
  const def = mod[exportName];
  if (def === undefined)
    throw new SpawnError("export", "", `module ${module} has no export named "${exportName}"`);
  const started = await GenServer.start(def as never, arg as never, options);
  return started;
}
