// The messages between the client functions and the manager process. Not exported from the
// package: nothing but GenEvent's own functions makes them.
import type { From, Pid } from "@trellis/core";
import type { NotFoundReason } from "../errors.js";
import type { ParsedId } from "./util.js";

/** `tagOf` of a {@link Notification}. */
export const NOTIFICATION = 1;
/** `tagOf` of a {@link ManagerRequest}. */
export const REQUEST = 2;

/** The tag of a manager message (`NOTIFICATION`, `REQUEST`), 0 for anything else. */
export let tagOf: (v: unknown) => number;

/**
 * The private brand both manager messages share, with their tag: telling a notification from
 * a request is one brand check that succeeds and a private read, where a brand per class
 * made every request fail the notification's check first, which costs about three times a
 * check that succeeds on Node 22 and later (ADR 0004, "Session 4: Node 22"). A private brand
 * check runs no code of a hostile message (no Proxy trap, no getter).
 */
class Tagged {
  readonly #tag: number;
  constructor(tag: number) {
    this.#tag = tag;
  }

  static {
    tagOf = (v) => (typeof v === "object" && v !== null && #tag in v ? v.#tag : 0);
  }
}

/** `notify(manager, event)`: Erlang's `{notify, Event}`. */
export class Notification extends Tagged {
  readonly event: unknown;
  constructor(event: unknown) {
    super(NOTIFICATION);
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
export class ManagerRequest extends Tagged {
  readonly from: From;
  readonly command: Command;
  constructor(from: From, command: Command) {
    super(REQUEST);
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
