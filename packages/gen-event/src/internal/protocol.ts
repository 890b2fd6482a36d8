// The messages between the client functions and the manager process. Not exported from the
// package: nothing but GenEvent's own functions makes them.
import type { From, Pid } from "@trellis/core";
import type { NotFoundReason } from "../errors.js";
import type { ParsedId } from "./util.js";

/** `notify(manager, event)`: Erlang's `{notify, Event}`. */
export class Notification {
  /** Brands instances: a private brand check runs no code of a hostile message (no Proxy trap). */
  readonly #own = true;

  /** Whether `v` was made by this class: a few nanoseconds, where core's `isInstanceOf` takes ~60–100. */
  static is(v: unknown): v is Notification {
    return typeof v === "object" && v !== null && #own in v;
  }
  readonly event: unknown;
  constructor(event: unknown) {
    this.event = event;
  }
}

/** What a client asks the manager to do. */
export type Command =
  | {
      readonly kind: "add";
      readonly handler: ParsedId;
      readonly args: unknown;
      readonly supervisor: Pid | undefined;
    }
  | { readonly kind: "delete"; readonly handler: ParsedId; readonly args: unknown }
  | {
      readonly kind: "swap";
      readonly from: ParsedId;
      readonly to: ParsedId;
      readonly terminateArgs: unknown;
      readonly initArgs: unknown;
      /** `undefined`: the new handler keeps the old one's supervisor; a pid: supervised by it. */
      readonly supervisor: Pid | undefined;
    }
  | { readonly kind: "call"; readonly handler: ParsedId; readonly request: unknown }
  | { readonly kind: "syncNotify"; readonly event: unknown }
  | { readonly kind: "which" };

/** A synchronous request to the manager: Erlang's `{From, Tag, Cmd}`. */
export class ManagerRequest {
  /** Brands instances: a private brand check runs no code of a hostile message (no Proxy trap). */
  readonly #own = true;

  /** Whether `v` was made by this class: a few nanoseconds, where core's `isInstanceOf` takes ~60–100. */
  static is(v: unknown): v is ManagerRequest {
    return typeof v === "object" && v !== null && #own in v;
  }
  readonly from: From;
  readonly command: Command;
  constructor(from: From, command: Command) {
    this.from = from;
    this.command = command;
  }
}

/** Why a request failed, for the client to turn into an error. */
export type Failure =
  | { readonly kind: "not_found"; readonly reason: NotFoundReason }
  | { readonly kind: "call"; readonly reason: unknown }
  | { readonly kind: "init"; readonly result: unknown };

/** The manager's answer to a request. */
export type Answer =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly failure: Failure };

/** The answer of a request that succeeded with nothing to say. */
export const OK: Answer = Object.freeze({ ok: true, value: undefined });
