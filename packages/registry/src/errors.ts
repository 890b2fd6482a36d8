/**
 * The errors the Registry throws. All of them are `BadArgumentError`s (Elixir raises
 * `ArgumentError` in the same places), so `TrellisError.is(err, "badarg")` recognises them.
 *
 * @module
 */
import { BadArgumentError, formatReason } from "@trellis/core";

/**
 * The option of {@link RegistryOptionError}.
 *
 * @since 0.1.0
 * @category Errors
 */
export type RegistryOption = "keys" | "name" | "partitions" | "listeners" | "meta" | "options";

/**
 * An invalid option to `start`/`startLink`/`childSpec` (Elixir's ArgumentError "expected
 * :keys to be given and be one of…"). `option` names the offending option.
 *
 * @example
 * ```ts
 * import * as Registry from "@trellis/registry";
 * try {
 *   await Registry.startLink({ keys: "uniq" as "unique" });
 * } catch (err) {
 *   if (err instanceof Registry.RegistryOptionError) err.option; // "keys"
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class RegistryOptionError extends BadArgumentError {
  /** Which option was wrong. */
  readonly option: RegistryOption;
  /** The value given. */
  readonly value: unknown;

  /** @param option the option @param value what was given @param expected what is accepted */
  constructor(option: RegistryOption, value: unknown, expected: string) {
    super(`Registry: invalid option ${option}: expected ${expected}, got ${formatReason(value)}`);
    this.option = option;
    this.value = value;
  }
}

/**
 * The registry named (or handed) to a Registry function is not running in the caller's
 * runtime (Elixir's ArgumentError "unknown registry"). Start it first, or check the name.
 *
 * @example
 * ```ts
 * import * as Registry from "@trellis/registry";
 * try {
 *   Registry.lookup("no_such_registry", "key");
 * } catch (err) {
 *   err instanceof Registry.UnknownRegistryError; // true
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class UnknownRegistryError extends BadArgumentError {
  /** The registry as given (a name or a handle). */
  readonly registry: unknown;

  /** @param operation the function called @param registry what was given */
  constructor(operation: string, registry: unknown) {
    super(
      `Registry.${operation}: unknown registry ${typeof registry === "string" ? JSON.stringify(registry) : formatReason(registry)}: it is not running in this runtime (start it with Registry.startLink, or check the name)`,
    );
    this.registry = registry;
  }
}

/**
 * An operation that only a unique registry supports was used on a duplicate registry:
 * `updateValue`, and via names (Elixir's ArgumentError ":via is not supported for duplicate
 * registries").
 *
 * @example
 * ```ts
 * import * as Registry from "@trellis/registry";
 * const topics = await Registry.startLink({ keys: "duplicate" });
 * try {
 *   Registry.via(topics, "news");
 * } catch (err) {
 *   err instanceof Registry.UniqueOnlyError; // true
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class UniqueOnlyError extends BadArgumentError {
  /** The operation that was refused (`"via"`, `"updateValue"`). */
  readonly operation: string;

  /** @param operation the function called */
  constructor(operation: string) {
    super(
      operation === "via"
        ? 'Registry.via: via is not supported for duplicate registries (a name must identify one process); use a registry started with keys: "unique"'
        : `Registry.${operation}: not supported for duplicate registries; use a registry started with keys: "unique"`,
    );
    this.operation = operation;
  }
}
