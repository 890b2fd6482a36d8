/**
 * Types read off a GenServer definition, for handles of servers started on other nodes.
 *
 * @module
 */
import type * as GenServer from "@trellis/gen-server";

/**
 * The calls a GenServer definition accepts.
 *
 * @example
 * ```ts
 * import type { CallsOfDefinition } from "@trellis/workers";
 * import type { Counter } from "./counter.js";
 * type C = CallsOfDefinition<typeof Counter>;
 * ```
 * @since 0.1.0
 * @category Types
 */
export type CallsOfDefinition<D> =
  D extends GenServer.Definition<infer _A, infer _I, infer C, infer _K, infer _N> ? C : never;

/**
 * The casts a GenServer definition accepts.
 *
 * @example
 * ```ts
 * import type { CastsOfDefinition } from "@trellis/workers";
 * import type { Counter } from "./counter.js";
 * type K = CastsOfDefinition<typeof Counter>;
 * ```
 * @since 0.1.0
 * @category Types
 */
export type CastsOfDefinition<D> =
  D extends GenServer.Definition<infer _A, infer _I, infer _C, infer K, infer _N> ? K : never;

/**
 * The argument of a GenServer definition's `init`.
 *
 * @example
 * ```ts
 * import type { ArgOfDefinition } from "@trellis/workers";
 * import type { Counter } from "./counter.js";
 * type A = ArgOfDefinition<typeof Counter>; // number
 * ```
 * @since 0.1.0
 * @category Types
 */
export type ArgOfDefinition<D> =
  D extends GenServer.Definition<infer A, infer _I, infer _C, infer _K, infer _N> ? A : never;
