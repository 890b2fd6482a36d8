/**
 * Recognising Trellis's own objects (system messages, envelopes) without running any code
 * the object's author controls: no Proxy trap, no getter, no `Symbol.hasInstance` of theirs.
 * A hostile message (a revoked Proxy, a Proxy whose `getPrototypeOf` throws) is then just an
 * ordinary message, instead of killing the process that looks at it.
 *
 * @module
 */
import { types } from "node:util";
import { BadArgumentError } from "./errors.js";
import { safeFormat } from "./format.js";

/** Prototype chains longer than this are not ours. */
const MAX_CHAIN = 32;

/**
 * @internal Whether `value` carries `brand` (a `Symbol.for` key, so that objects made by
 * another copy of the package are recognised too) on itself or its prototype chain. Proxies
 * are never branded: they are rejected before any trap can run.
 */
export function hasBrand(value: unknown, brand: symbol): boolean {
  if (typeof value !== "object" || value === null) return false;
  let o: object | null = value;
  for (let i = 0; o !== null && i < MAX_CHAIN; i++) {
    if (types.isProxy(o)) return false;
    if (Object.hasOwn(o, brand)) return true;
    o = Object.getPrototypeOf(o) as object | null;
  }
  return false;
}

/**
 * Whether `value` is an instance of `ctor` (its prototype chain holds `ctor.prototype`),
 * decided without running any code the value's author controls: a Proxy anywhere on the
 * chain means "no", before any of its traps can run, and no `Symbol.hasInstance` is
 * consulted. Behaviours use it to recognise their own message classes in a mailbox, where a
 * hostile message (a revoked Proxy) would make a plain `instanceof` throw and kill the
 * process before any user code runs.
 *
 * @example
 * ```ts
 * import { isInstanceOf } from "@trellis/core";
 * class Tick {}
 * isInstanceOf(new Tick(), Tick); // true
 * const { proxy, revoke } = Proxy.revocable({}, {});
 * revoke();
 * isInstanceOf(proxy, Tick); // false, where `proxy instanceof Tick` throws
 * ```
 * @throws {BadArgumentError} if `ctor` is not a class (a function)
 * @since 0.1.0
 * @category Toolkit
 */
export function isInstanceOf<T>(
  value: unknown,
  ctor: abstract new (...args: never[]) => T,
): value is T {
  if (typeof ctor !== "function") {
    throw new BadArgumentError(`isInstanceOf: expected a class, got ${safeFormat(ctor)}`);
  }
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const proto: unknown = (ctor as { prototype?: unknown }).prototype;
  let o: object | null = value;
  for (let i = 0; i < MAX_CHAIN; i++) {
    if (types.isProxy(o)) return false;
    o = Object.getPrototypeOf(o) as object | null;
    if (o === null) return false;
    if (o === proto) return true;
  }
  return false;
}
