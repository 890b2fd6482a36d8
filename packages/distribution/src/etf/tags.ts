/**
 * External Term Format tag numbers (erl_ext_dist).
 *
 * @internal
 * @module
 */

/** @internal */
export const VERSION = 131;
/** @internal */
export const COMPRESSED = 80;
/** @internal */
export const ATOM_CACHE_REF = 82;
/** @internal */
export const NEW_FLOAT = 70;
/** @internal */
export const BIT_BINARY = 77;
/** @internal */
export const NEW_PID = 88;
/** @internal */
export const NEW_PORT = 89;
/** @internal */
export const NEWER_REFERENCE = 90;
/** @internal */
export const SMALL_INTEGER = 97;
/** @internal */
export const INTEGER = 98;
/** @internal */
export const FLOAT = 99;
/** @internal */
export const ATOM = 100;
/** @internal */
export const REFERENCE = 101;
/** @internal */
export const PORT = 102;
/** @internal */
export const PID = 103;
/** @internal */
export const SMALL_TUPLE = 104;
/** @internal */
export const LARGE_TUPLE = 105;
/** @internal */
export const NIL = 106;
/** @internal */
export const STRING = 107;
/** @internal */
export const LIST = 108;
/** @internal */
export const BINARY = 109;
/** @internal */
export const SMALL_BIG = 110;
/** @internal */
export const LARGE_BIG = 111;
/** @internal */
export const NEW_FUN = 112;
/** @internal */
export const EXPORT = 113;
/** @internal */
export const NEW_REFERENCE = 114;
/** @internal */
export const SMALL_ATOM = 115;
/** @internal */
export const MAP = 116;
/** @internal */
export const FUN = 117;
/** @internal */
export const ATOM_UTF8 = 118;
/** @internal */
export const SMALL_ATOM_UTF8 = 119;
/** @internal */
export const V4_PORT = 120;
