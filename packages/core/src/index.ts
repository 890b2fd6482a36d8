/**
 * The Trellis process runtime.
 *
 * @packageDocumentation
 */

/**
 * The version of `@trellis/core`.
 *
 * @example
 * ```ts
 * import { VERSION } from "@trellis/core";
 * console.log(VERSION);
 * ```
 * @since 0.1.0
 * @category Runtime
 */
export const VERSION: string = "0.0.0";
