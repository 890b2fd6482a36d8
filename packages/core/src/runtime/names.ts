/**
 * Names: the local name table (`register`, `unregister`), via names held by a name
 * registry, and resolving a destination to a pid.
 *
 * @module
 */
import { BadArgumentError, formatReason } from "../errors.js";
import { Pid } from "../pid.js";
import type { Runtime } from "../runtime.js";
import type { Dest, ViaName } from "./types.js";

/** @internal Whether `v` is a {@link ViaName}. */
export function isViaName(v: unknown): v is ViaName {
  return (
    typeof v === "object" &&
    v !== null &&
    "via" in v &&
    "key" in v &&
    typeof (v as ViaName).via === "object" &&
    typeof (v as ViaName).via?.whereisName === "function"
  );
}

/** Resolves a destination to a local pid, or undefined. */
export function resolve(rt: Runtime, dest: Dest): Pid | undefined {
  if (dest instanceof Pid) return dest;
  if (typeof dest === "string") return rt.names.get(dest)?.pid;
  if (isViaName(dest)) return dest.via.whereisName(dest.key);
  throw new BadArgumentError(
    `expected a pid, a registered name or a via name, got ${formatReason(dest)}`,
  );
}

/** Registers `name` for a live local process (Erlang's `register/2`). */
export function register(rt: Runtime, name: string, pid: Pid): void {
  if (typeof name !== "string" || name.length === 0 || name === "undefined") {
    throw new BadArgumentError(
      `register: a name must be a non-empty string other than "undefined", got ${formatReason(name)}`,
    );
  }
  if (!(pid instanceof Pid))
    throw new BadArgumentError(`register: expected a pid, got ${formatReason(pid)}`);
  const p = rt.lookup(pid);
  if (p === undefined)
    throw new BadArgumentError(`register: ${pid} is not a live process of this node`);
  const holder = rt.names.get(name);
  if (holder !== undefined) {
    throw new BadArgumentError(
      `register: the name "${name}" is already registered to ${holder.pid}`,
    );
  }
  if (p.name !== undefined)
    throw new BadArgumentError(`register: ${pid} is already registered as "${p.name}"`);
  rt.names.set(name, p);
  p.name = name;
}

/** Removes a locally registered name (Erlang's `unregister/1`). */
export function unregister(rt: Runtime, name: string): void {
  if (typeof name !== "string")
    throw new BadArgumentError(`unregister: expected a name (a string), got ${formatReason(name)}`);
  const p = rt.names.get(name);
  if (p === undefined)
    throw new BadArgumentError(`unregister: no process is registered as "${name}"`);
  rt.names.delete(name);
  p.name = undefined;
}
