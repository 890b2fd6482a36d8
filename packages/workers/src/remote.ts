/**
 * Running code on another node: spawning a named function there (Erlang's
 * `spawn(Node, M, F, A)`), calling one and getting its result (`erpc:call`), and starting a
 * GenServer defined in a module.
 *
 * @module
 */
import {
  BadArgumentError,
  currentRuntime,
  formatReason,
  inProcess,
  link,
  type Pid,
  type Runtime,
  self,
} from "@trellis/core";
import { contextOf, moduleSpecifier } from "./node-context.js";

/**
 * A function to run on another node, named rather than passed (closures cannot cross
 * threads): the module (a `URL`, an absolute path or a package name), the export, the
 * arguments (data only).
 *
 * @example
 * ```ts
 * import type { RemoteFunction } from "@trellis/workers";
 * const fn: RemoteFunction = { module: new URL("./math.js", import.meta.url), function: "add", args: [1, 2] };
 * ```
 * @since 0.1.0
 * @category Remote
 */
export interface RemoteFunction {
  /** The module: `new URL("./jobs.js", import.meta.url)`, an absolute path, or a package name. */
  readonly module: string | URL;
  /** The export to call. */
  readonly function: string;
  /** Its arguments. Default `[]`. */
  readonly args?: readonly unknown[];
}

/**
 * Options of {@link spawnOn}.
 *
 * @example
 * ```ts
 * import type { SpawnOnOptions } from "@trellis/workers";
 * const options: SpawnOnOptions = { link: true };
 * ```
 * @since 0.1.0
 * @category Remote
 */
export interface SpawnOnOptions {
  /** Link the new process to the caller (must be in process code). Default `false`. */
  readonly link?: boolean;
  /** The runtime to ask from when called outside process code. Default: the default runtime. */
  readonly runtime?: Runtime;
}

function runtimeOf(options: { runtime?: Runtime } | undefined): Runtime {
  return inProcess() ? currentRuntime() : (options?.runtime ?? currentRuntime());
}

function check(node: unknown, fn: RemoteFunction, what: string): [string, string, unknown[]] {
  if (typeof node !== "string")
    throw new BadArgumentError(`${what}: node must be a node name, got ${formatReason(node)}`);
  if (typeof fn !== "object" || fn === null)
    throw new BadArgumentError(
      `${what}: expected { module, function, args }, got ${formatReason(fn)}`,
    );
  const module = moduleSpecifier(fn.module, what);
  if (typeof fn.function !== "string" || fn.function.length === 0)
    throw new BadArgumentError(
      `${what}: function must be an export name, got ${formatReason(fn.function)}`,
    );
  const args = fn.args ?? [];
  if (!Array.isArray(args))
    throw new BadArgumentError(`${what}: args must be an array, got ${formatReason(args)}`);
  return [module, fn.function, args];
}

/**
 * Spawns a process on `node` running the named export with the given arguments, and
 * resolves with its pid (Erlang's `spawn(Node, Module, Function, Args)`). The module is
 * loaded on that node first (once; later spawns reuse it). With `link: true` the process
 * is linked to the caller before it runs.
 *
 * @example
 * ```ts
 * import { send } from "@trellis/core";
 * import { spawnOn } from "@trellis/workers";
 * const jobs = new URL("./jobs.js", import.meta.url);
 * const pid = await spawnOn("worker1@nohost", { module: jobs, function: "echo", args: ["hi"] });
 * send(pid, "ping");
 * ```
 * @throws {SpawnError} (rejects) when the module does not load, has no such function, or the node is down
 * @throws {UncloneableError} (rejects) when an argument cannot cross
 * @throws {BadArgumentError} for a malformed request
 * @since 0.1.0
 * @category Remote
 */
export async function spawnOn(
  node: string,
  fn: RemoteFunction,
  options?: SpawnOnOptions,
): Promise<Pid> {
  const [module, name, args] = check(node, fn, "spawnOn");
  const rt = runtimeOf(options);
  const linked = options?.link === true;
  if (linked && !inProcess())
    throw new BadArgumentError(
      "spawnOn: link: true needs a calling process (run it in process code)",
    );
  const from = inProcess() ? self() : undefined;
  return (await contextOf(rt).request(node, module, name, args, from, linked, "spawn")) as Pid;
}

/**
 * Runs the named export on `node`, in a fresh process there, and resolves with what it
 * returns (awaited), like Erlang's `erpc:call(Node, M, F, A)`. A throw on the other side
 * rejects with a {@link SpawnError} whose `cause` is the error.
 *
 * @example
 * ```ts
 * import { callOn } from "@trellis/workers";
 * const sum = await callOn<number>("worker1@nohost", {
 *   module: new URL("./math.js", import.meta.url),
 *   function: "add",
 *   args: [1, 2],
 * });
 * ```
 * @throws {SpawnError} (rejects) when the module does not load, has no such function, throws, or the node goes down
 * @throws {UncloneableError} (rejects) when an argument or the result cannot cross
 * @since 0.1.0
 * @category Remote
 */
export async function callOn<R = unknown>(
  node: string,
  fn: RemoteFunction,
  options?: { readonly runtime?: Runtime },
): Promise<R> {
  const [module, name, args] = check(node, fn, "callOn");
  const rt = runtimeOf(options);
  return (await contextOf(rt).request(node, module, name, args, undefined, false, "call")) as R;
}

/** @internal Links the caller to `pid` if asked (used after a remote start). */
export function linkIfAsked(pid: Pid, asked: boolean | undefined): void {
  if (asked === true) link(pid);
}
