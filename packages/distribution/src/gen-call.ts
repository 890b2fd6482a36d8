/**
 * The message of a call to `{name, node}`: `{'$gen_call', {From, [alias | Ref]}, Request}`,
 * kept as its fields so that the wire writes it without building the tuple.
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
