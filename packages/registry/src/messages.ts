/**
 * The messages a Registry sends to its listeners.
 *
 * @module
 */
import type { Pid, Term } from "@trellis/core";
import type { RegistryRef } from "./registry.js";

const BRAND = Symbol.for("trellis.registry.event");

/**
 * Sent to every listener when a process registers a key (Elixir's
 * `{:register, registry, key, pid, value}`).
 *
 * @typeParam K - the key type
 * @typeParam V - the value type
 * @example
 * ```ts
 * import { receive } from "@trellis/core";
 * import * as Registry from "@trellis/registry";
 * const msg = await receive(Registry.isRegister);
 * console.log(msg.key, msg.pid, msg.value);
 * ```
 * @since 0.1.0
 * @category Listeners
 */
export class RegisterMessage<K extends Term = Term, V extends Term = Term> {
  /** Always `"register"`. */
  readonly type: "register" = "register";
  /** The registry: its name if it has one, else its handle. */
  readonly registry: RegistryRef<K, V>;
  /** The key. */
  readonly key: K;
  /** The process that registered. */
  readonly pid: Pid;
  /** The value it registered. */
  readonly value: V;

  /** @internal */
  constructor(registry: RegistryRef<K, V>, key: K, pid: Pid, value: V) {
    this.registry = registry;
    this.key = key;
    this.pid = pid;
    this.value = value;
  }
}
Object.defineProperty(RegisterMessage.prototype, BRAND, { value: "register" });

/**
 * Sent to every listener when a process unregisters a key with `unregister` or
 * `unregisterMatch` (Elixir's `{:unregister, registry, key, pid}`). Nothing is sent when a
 * registered process exits: listeners that care must monitor the process.
 *
 * @typeParam K - the key type
 * @example
 * ```ts
 * import { receive } from "@trellis/core";
 * import * as Registry from "@trellis/registry";
 * const msg = await receive(Registry.isUnregister);
 * console.log(msg.key, msg.pid);
 * ```
 * @since 0.1.0
 * @category Listeners
 */
export class UnregisterMessage<K extends Term = Term> {
  /** Always `"unregister"`. */
  readonly type: "unregister" = "unregister";
  /** The registry: its name if it has one, else its handle. */
  readonly registry: RegistryRef<K, Term>;
  /** The key. */
  readonly key: K;
  /** The process that unregistered. */
  readonly pid: Pid;

  /** @internal */
  constructor(registry: RegistryRef<K, Term>, key: K, pid: Pid) {
    this.registry = registry;
    this.key = key;
    this.pid = pid;
  }
}
Object.defineProperty(UnregisterMessage.prototype, BRAND, { value: "unregister" });

/**
 * Whether `msg` is a {@link RegisterMessage} (also one made by another copy of this package).
 *
 * @param msg - any message
 * @returns `true` for a register event
 * @example
 * ```ts
 * import { receive } from "@trellis/core";
 * import * as Registry from "@trellis/registry";
 * const event = await receive(Registry.isRegister);
 * ```
 * @since 0.1.0
 * @category Listeners
 */
export function isRegister(msg: unknown): msg is RegisterMessage {
  return (
    typeof msg === "object" &&
    msg !== null &&
    (msg as Record<symbol, unknown>)[BRAND] === "register"
  );
}

/**
 * Whether `msg` is an {@link UnregisterMessage} (also one made by another copy of this
 * package).
 *
 * @param msg - any message
 * @returns `true` for an unregister event
 * @example
 * ```ts
 * import { receive } from "@trellis/core";
 * import * as Registry from "@trellis/registry";
 * const event = await receive(Registry.isUnregister);
 * ```
 * @since 0.1.0
 * @category Listeners
 */
export function isUnregister(msg: unknown): msg is UnregisterMessage {
  return (
    typeof msg === "object" &&
    msg !== null &&
    (msg as Record<symbol, unknown>)[BRAND] === "unregister"
  );
}
