/**
 * Test helpers for Trellis.
 *
 * @module
 */

/**
 * Placeholder.
 *
 * @example
 * ```ts
 * import { TESTING } from "@trellis/core/testing";
 * ```
 * @since 0.1.0
 * @category Testing
 */
export const TESTING: boolean = true;
