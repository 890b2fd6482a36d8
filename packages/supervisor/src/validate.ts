/**
 * Child spec and flag validation.
 *
 * @module
 */

import type { ChildSpec } from "@trellis/core";
import { formatReason, isTerm, makeRef, type Term, TermMap } from "@trellis/core";
import { ChildSpecError } from "./errors.js";
import type { AutoShutdown, ResolvedChildSpec } from "./types.js";

/**
 * Options of {@link checkChildSpec} and {@link checkChildSpecs}.
 *
 * @example
 * ```ts
 * import { checkChildSpecs } from "@trellis/supervisor";
 * checkChildSpecs(specs, { autoShutdown: "any_significant" });
 * ```
 * @since 0.1.0
 * @category Building blocks
 */
export interface CheckChildSpecOptions {
  /**
   * The `autoShutdown` of the supervisor the specs are for. With `"never"` (the default),
   * a significant child is a `bad_combination`.
   */
  readonly autoShutdown?: AutoShutdown;
  /**
   * Check for a DynamicSupervisor: `id` is not needed (it is ignored), and `significant`
   * must be `false` (`invalid_significant`). Default `false`.
   */
  readonly dynamic?: boolean;
}

const RESTART_TYPES = new Set<unknown>(["permanent", "transient", "temporary"]);
const CHILD_TYPES = new Set<unknown>(["worker", "supervisor"]);

/**
 * Checks one child spec and returns it with every default filled in: `restart`
 * `"permanent"`, `shutdown` `5000` for a worker and `Infinity` for a supervisor, `type`
 * `"worker"`, `significant` `false`, `modules` `[]`.
 *
 * @example
 * ```ts
 * import { checkChildSpec } from "@trellis/supervisor";
 * const spec = checkChildSpec({ id: "db", start: async () => "ignore" });
 * spec.shutdown; // 5000
 * ```
 * @throws {ChildSpecError} naming the field and the value at fault
 * @since 0.1.0
 * @category Building blocks
 */
export function checkChildSpec(
  spec: ChildSpec,
  options: CheckChildSpecOptions = {},
): ResolvedChildSpec {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new ChildSpecError(
      "invalid_child_spec",
      undefined,
      spec,
      undefined,
      `a child spec is an object with at least an id and a start function, got ${formatReason(spec)}`,
    );
  }
  const dynamic = options.dynamic === true;
  const id = spec.id;
  if (!dynamic) {
    if (id === undefined) {
      throw new ChildSpecError(
        "missing_id",
        "id",
        id,
        undefined,
        "every child of a supervisor needs an id (any term)",
      );
    }
    if (!isTerm(id) && (typeof id !== "object" || id === null) && typeof id !== "function") {
      throw new ChildSpecError(
        "invalid_id",
        "id",
        id,
        undefined,
        "an id must be a term (a string, number, boolean, array or plain object of terms) or an object compared by identity, such as a behaviour definition",
      );
    }
  }
  const childId = dynamic ? undefined : id;
  const start = spec.start;
  if (start === undefined) {
    throw new ChildSpecError(
      "missing_start",
      "start",
      start,
      childId,
      "give a function that starts and links the child and resolves with its pid",
    );
  }
  if (typeof start !== "function") {
    throw new ChildSpecError(
      "invalid_start",
      "start",
      start,
      childId,
      'start must be a function that resolves with the pid of the child it started and linked, or "ignore"',
    );
  }
  const restart = spec.restart ?? "permanent";
  if (!RESTART_TYPES.has(restart)) {
    throw new ChildSpecError(
      "invalid_restart_type",
      "restart",
      restart,
      childId,
      'use "permanent", "transient" or "temporary"',
    );
  }
  const type = spec.type ?? "worker";
  if (!CHILD_TYPES.has(type)) {
    throw new ChildSpecError(
      "invalid_child_type",
      "type",
      type,
      childId,
      'use "worker" or "supervisor"',
    );
  }
  const shutdown = spec.shutdown ?? (type === "worker" ? 5000 : Number.POSITIVE_INFINITY);
  if (shutdown !== "brutal_kill" && !(typeof shutdown === "number" && shutdown >= 0)) {
    throw new ChildSpecError(
      "invalid_shutdown",
      "shutdown",
      shutdown,
      childId,
      'use milliseconds >= 0, Infinity or "brutal_kill"',
    );
  }
  const significant = spec.significant ?? false;
  if (typeof significant !== "boolean") {
    throw new ChildSpecError(
      "invalid_significant",
      "significant",
      significant,
      childId,
      "significant is true or false",
    );
  }
  if (significant) {
    if (dynamic) {
      throw new ChildSpecError(
        "invalid_significant",
        "significant",
        significant,
        childId,
        "the children of a DynamicSupervisor cannot be significant",
      );
    }
    if (restart === "permanent") {
      throw new ChildSpecError(
        "bad_combination",
        "significant",
        significant,
        childId,
        'a significant child must be "transient" or "temporary", not "permanent"',
      );
    }
    if ((options.autoShutdown ?? "never") === "never") {
      throw new ChildSpecError(
        "bad_combination",
        "significant",
        significant,
        childId,
        'significant children need a supervisor with autoShutdown "any_significant" or "all_significant"',
      );
    }
  }
  const modules = spec.modules ?? [];
  if (!Array.isArray(modules) || !modules.every((m) => typeof m === "string")) {
    throw new ChildSpecError(
      "invalid_modules",
      "modules",
      modules,
      childId,
      "modules is an array of strings",
    );
  }
  return { id, start, restart, shutdown, type, significant, modules };
}

/**
 * Checks a list of child specs as a supervisor does at start (Erlang's
 * `supervisor:check_childspecs/2`): every spec, and that no two have the same id. Returns
 * the specs with their defaults filled in.
 *
 * @example
 * ```ts
 * import { checkChildSpecs } from "@trellis/supervisor";
 * const start = async () => "ignore" as const;
 * checkChildSpecs([{ id: "a", start }, { id: "a", start }]);
 * // throws ChildSpecError: duplicate_child_name
 * ```
 * @throws {ChildSpecError} for the first invalid spec or duplicate id
 * @since 0.1.0
 * @category Building blocks
 */
export function checkChildSpecs(
  specs: readonly ChildSpec[],
  options: CheckChildSpecOptions = {},
): ResolvedChildSpec[] {
  if (!Array.isArray(specs)) {
    throw new ChildSpecError(
      "invalid_child_spec",
      undefined,
      specs,
      undefined,
      "the children must be an array of child specs",
    );
  }
  const seen = new TermMap<Term, true>();
  const out: ResolvedChildSpec[] = [];
  for (const spec of specs as readonly ChildSpec[]) {
    const resolved = checkChildSpec(spec, options);
    if (options.dynamic !== true) {
      const key = idKey(resolved.id);
      if (seen.has(key)) {
        throw new ChildSpecError(
          "duplicate_child_name",
          "id",
          resolved.id,
          resolved.id,
          "every child of a supervisor needs its own id",
        );
      }
      seen.set(key, true);
    }
    out.push(resolved);
  }
  return out;
}

const identityKeys = new WeakMap<object, Term>();

/**
 * @internal
 * The key a child id is looked up by. Terms compare structurally (`equals`); any other
 * object, such as a behaviour definition (Elixir's module as id), compares by identity: it
 * gets a private, unique stand-in reference.
 */
export function idKey(id: unknown): Term {
  if (isTerm(id)) return id;
  const obj = id as object;
  let key = identityKeys.get(obj);
  if (key === undefined) {
    key = makeRef(); // a reference equals only itself: no user id can collide with it
    identityKeys.set(obj, key);
  }
  return key;
}
