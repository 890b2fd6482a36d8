/**
 * Names: the local name table (`register`, `unregister`), via names held by a name
 * registry, and resolving a destination to a pid.
 *
 * @module
 */
import { BadArgumentError, formatReason } from "../errors.js";
import { Pid } from "../pid.js";
import type { Runtime } from "../runtime.js";
import type { Dest, RemoteName, ViaName } from "./types.js";

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

const NODE_NAME = /^[^@\s]+@[^@\s]+$/;

/**
 * @internal Whether `v` is meant as a {@link RemoteName}: an object with a `name` or a `node`
 * that is neither a pid nor a via name. {@link remoteName} checks it.
 */
export function isRemoteName(v: unknown): v is RemoteName {
  return (
    typeof v === "object" &&
    v !== null &&
    !(v instanceof Pid) &&
    ("node" in v || "name" in v) &&
    !isViaName(v)
  );
}

/**
 * @internal A checked copy of a `{ name, node }` destination, made of its two strings only;
 * a {@link BadArgumentError} for a name that is not a non-empty string or a node not like
 * `name@host`.
 */
export function remoteName(what: string, v: RemoteName): RemoteName {
  const name: unknown = v.name;
  const node: unknown = v.node;
  if (
    typeof name !== "string" ||
    name.length === 0 ||
    name === "undefined" ||
    typeof node !== "string" ||
    !NODE_NAME.test(node)
  ) {
    throw new BadArgumentError(
      `${what}: a { name, node } destination needs a non-empty string name and a node like "name@host", got ${formatReason(v)}`,
    );
  }
  return { name, node };
}

/**
 * Resolves a destination: a local pid (`undefined` if nobody holds the name), or, for a
 * `{ name, node }` on another node, its checked copy (looked up there when a signal arrives).
 */
export function target(rt: Runtime, dest: Dest, what: string): Pid | RemoteName | undefined {
  if (dest instanceof Pid) return dest;
  if (typeof dest === "string") return rt.names.get(dest)?.pid;
  if (isViaName(dest)) return dest.via.whereisName(dest.key);
  if (isRemoteName(dest)) {
    const r = remoteName(what, dest);
    return r.node === rt.node ? rt.names.get(r.name)?.pid : r;
  }
  throw new BadArgumentError(
    `${what}: expected a pid, a registered name, a via name or { name, node }, got ${formatReason(dest)}`,
  );
}

/** Resolves a destination to a local pid, or undefined (also for a name on another node). */
export function resolve(rt: Runtime, dest: Dest): Pid | undefined {
  const t = target(rt, dest, "resolve");
  return t instanceof Pid ? t : undefined;
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
