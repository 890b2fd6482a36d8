/**
 * The errors of `@trellis/distribution`.
 *
 * @module
 */
import { TrellisError } from "@trellis/core";

/**
 * Bytes that are not a valid External Term Format term (Erlang's `binary_to_term` raising
 * `badarg`): truncated input, an unknown tag, a length that runs past the end, invalid
 * UTF-8 in an atom, nesting deeper than allowed, and so on. `offset` is where decoding
 * stopped. Every failure of {@link decode} is a `DecodeError`, whatever the input.
 *
 * @example
 * ```ts
 * import { DecodeError, decode } from "@trellis/distribution";
 * try {
 *   decode(Uint8Array.of(131, 255));
 * } catch (err) {
 *   if (err instanceof DecodeError) console.log(err.offset, err.message);
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class DecodeError extends TrellisError {
  /** The byte offset at which the input was found invalid. */
  readonly offset: number;

  /**
   * @param message - what is wrong
   * @param offset - where
   */
  constructor(message: string, offset: number) {
    super("badarg", `decode: ${message} (at byte ${offset})`);
    this.offset = offset;
  }
}
