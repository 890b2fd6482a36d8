/**
 * The messages of a call to `{name, node}`: `{'$gen_call', {From, [alias | Ref]}, Request}`
 * and its reply `{[alias | Ref], Value}`, kept as their fields so that the wire writes them
 * without building the tuples, and the bytes that start them, so that they are read field by
 * field too.
 *
 * @internal
 * @module
 */
import type { Pid, Ref } from "@trellis/core";

/** @internal `{'$gen_call', {caller, [alias | ref]}, request}`. */
export class GenCall {
  constructor(
    readonly caller: Pid,
    readonly ref: Ref,
    readonly request: unknown,
  ) {}
}

/** @internal `{[alias | ref], value}`: the reply to a call made with an alias. */
export class GenReply {
  constructor(
    readonly ref: Ref,
    readonly value: unknown,
  ) {}
}

const SMALL_TUPLE = 104;
const LIST = 108;
const SMALL_ATOM_UTF8 = 119;
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** @internal `{'$gen_call', {` up to the caller's pid. */
export const GEN_CALL_HEAD: Uint8Array = Uint8Array.of(
  SMALL_TUPLE,
  3,
  SMALL_ATOM_UTF8,
  9,
  ...ascii("$gen_call"),
  SMALL_TUPLE,
  2,
);

/** @internal `[alias | ` up to the reference. */
export const ALIAS_HEAD: Uint8Array = Uint8Array.of(
  LIST,
  0,
  0,
  0,
  1,
  SMALL_ATOM_UTF8,
  5,
  ...ascii("alias"),
);

/** @internal `{[alias | ` up to the reference of a reply. */
export const REPLY_HEAD: Uint8Array = Uint8Array.of(SMALL_TUPLE, 2, ...ALIAS_HEAD);

/** @internal Whether `buf[at, end)` starts with `bytes`. */
export function startsWith(buf: Uint8Array, at: number, end: number, bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (end - at < n) return false;
  for (let i = 0; i < n; i++) if (buf[at + i] !== bytes[i]) return false;
  return true;
}
