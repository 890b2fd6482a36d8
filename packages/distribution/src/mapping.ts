/**
 * How core's values cross the wire: call and cast envelopes, exit reasons, EXIT and DOWN
 * messages, errors; and how pids and references of this node decode back to the very
 * objects core uses (core compares them with `===`).
 *
 * @internal
 * @module
 */
import {
  BadArgumentError,
  CallRequest,
  CastRequest,
  DownMessage,
  ExitMessage,
  formatReason,
  Pid,
  Ref,
} from "@trellis/core";
import type { DecodeOptions } from "./etf/decode.js";
import type { EncodeOptions } from "./etf/encode.js";
import { GenCall, GenReply } from "./gen-call.js";
import { SlotMap } from "./slot-map.js";
import {
  Atom,
  atom,
  type ErlTerm,
  ImproperList,
  internPid,
  internRef,
  WeakTable,
} from "./terms.js";

/** @internal */
export const A: {
  readonly [K in
    | "empty"
    | "alias"
    | "genCall"
    | "genCast"
    | "shutdown"
    | "nodedown"
    | "process"
    | "exit"
    | "down"
    | "noproc"
    | "yes"
    | "isAuth"
    | "link"
    | "monitor"
    | "erpc"
    | "executeCall"
    | "error"
    | "return"
    | "undef"]: Atom;
} = {
  empty: atom(""),
  alias: atom("alias"),
  genCall: atom("$gen_call"),
  genCast: atom("$gen_cast"),
  shutdown: atom("shutdown"),
  nodedown: atom("nodedown"),
  process: atom("process"),
  exit: atom("EXIT"),
  down: atom("DOWN"),
  noproc: atom("noproc"),
  yes: atom("yes"),
  isAuth: atom("is_auth"),
  link: atom("link"),
  erpc: atom("erpc"),
  executeCall: atom("execute_call"),
  error: atom("error"),
  return: atom("return"),
  undef: atom("undef"),
  monitor: atom("monitor"),
} as const;

/**
 * The codec context of one node: its own pids and references decode to the objects that
 * were encoded (remembered weakly), other nodes' are interned.
 *
 * @internal
 */
export class NodeCodec {
  private readonly pids = new WeakTable<Pid, number | string>();
  private readonly refs = new WeakTable<Ref, number>();
  private lastSeen: Pid | undefined;
  private lastSeenRef: Ref | undefined;
  /**
   * References whose owner says when they are done with (a call's): held strongly until
   * then, so they need no weak reference (a `WeakRef` per call made the garbage collector
   * a quarter of a call's cost on Node 24).
   */
  private readonly held = new SlotMap<number, Ref>();
  readonly encodeOptions: EncodeOptions;
  readonly decodeOptions: DecodeOptions;
  /** The pid used as the sender when there is no sending process. */
  readonly nodePid: Pid;

  constructor(
    readonly node: string,
    readonly creation: number,
  ) {
    this.nodePid = new Pid(node, 0, 0, creation);
    this.encodeOptions = {
      other: (v) => this.other(v),
      seen: (v) => {
        // a packet names the same pid and reference several times: remember the last ones
        if (v === this.lastSeen || v === this.lastSeenRef) return;
        if (v.creation !== this.creation || v.node !== this.node) return;
        if (v instanceof Pid) {
          this.pids.put(pidKey(v.id, v.serial), v);
          this.lastSeen = v;
        } else if (v.constructor === Ref) {
          if (!this.held.has(v.id)) this.refs.put(v.id, v);
          this.lastSeenRef = v;
        }
      },
    };
    this.decodeOptions = {
      pid: (node, id, serial, creation) => {
        if (creation !== this.creation || node !== this.node) {
          return internPid(node, id, serial, creation);
        }
        const last = this.lastSeen;
        if (last !== undefined && last.id === id && last.serial === serial) return last;
        const key = pidKey(id, serial);
        let p = this.pids.get(key);
        if (p === undefined) {
          // never sent, or long dead: a pid of ours with no process behind it
          p = new Pid(node, id, serial, creation);
          this.pids.add(key, p);
        }
        return p;
      },
      ref: (node, creation, words) => {
        if (
          words.length === 3 &&
          words[2] === 0 &&
          (words[1] as number) < 0x200000 && // a safe integer id, as core makes them
          creation === this.creation &&
          node === this.node
        ) {
          const id = (words[0] as number) + (words[1] as number) * 0x100000000;
          // the reply to a call names the reference the call was just sent with
          const last = this.lastSeenRef;
          if (last !== undefined && last.id === id) return last;
          const r = this.held.get(id) ?? this.refs.get(id);
          if (r !== undefined) return r;
        }
        return internRef(node, creation, words);
      },
    };
  }

  /** Decodes `ref` to itself until {@link release}, without a weak reference. */
  hold(ref: Ref): void {
    this.held.set(ref.id, ref);
  }

  /** Ends {@link hold}: a later copy of `ref` decodes to a stand-in. */
  release(ref: Ref): void {
    this.held.delete(ref.id);
  }

  /** Core values that are not Erlang terms, in their Erlang form. */
  private other(v: unknown): ErlTerm {
    if (v instanceof CallRequest) {
      const from = v.from;
      return [
        A.genCall,
        [from.pid ?? this.nodePid, new ImproperList([A.alias], from.ref)],
        v.request as ErlTerm,
      ];
    }
    if (v instanceof CastRequest) return [A.genCast, v.request as ErlTerm];
    if (v instanceof GenCall) {
      return [A.genCall, [v.caller, new ImproperList([A.alias], v.ref)], v.request as ErlTerm];
    }
    if (v instanceof GenReply) return [new ImproperList([A.alias], v.ref), v.value as ErlTerm];
    if (v instanceof ExitMessage) return [A.exit, v.from, reasonToTerm(v.reason)];
    if (v instanceof DownMessage) {
      const object = v.pid instanceof Pid ? v.pid : [atom(v.pid.name), atom(v.pid.node)];
      return [A.down, v.ref, A.process, object, reasonToTerm(v.reason)];
    }
    if (v instanceof Error) return [atom(v.name), v.message];
    throw new BadArgumentError(
      `cannot send ${formatReason(v)} to another node: it has no Erlang term form (see the distribution guide's mapping)`,
    );
  }
}

/** A key for this node's pid `<id, serial>`: a number when both fit, else a string. */
function pidKey(id: number, serial: number): number | string {
  return serial < 0x100000 && id < 0x100000000 ? serial * 0x100000000 + id : `${id}.${serial}`;
}

/**
 * Core's exit reasons as Erlang terms: a string reason is an atom (`"normal"` is `normal`),
 * `{ shutdown: x }` is `{shutdown, X}`, an `Error` is `{ErrorName, <<"message">>}`.
 *
 * @internal
 */
export function reasonToTerm(reason: unknown): ErlTerm {
  if (typeof reason === "string") return reason.length <= 255 ? atom(reason) : reason;
  if (reason instanceof Error) return [atom(reason.name), reason.message];
  if (
    typeof reason === "object" &&
    reason !== null &&
    Object.getPrototypeOf(reason) === Object.prototype
  ) {
    const keys = Object.keys(reason);
    if (keys.length === 1) {
      const r = reason as Record<string, unknown>;
      if (keys[0] === "shutdown") return [A.shutdown, r.shutdown as ErlTerm];
      if (keys[0] === "nodedown" && typeof r.nodedown === "string")
        return [A.nodedown, atom(r.nodedown)];
    }
  }
  return reason as ErlTerm;
}

/**
 * Erlang exit reasons as core's: an atom is its name (`normal` is `"normal"`), `{shutdown,
 * X}` is `{ shutdown: x }`; anything else stays as decoded.
 *
 * @internal
 */
export function reasonFromTerm(term: ErlTerm): unknown {
  if (term instanceof Atom) return term.name;
  if (term === true || term === false) return String(term);
  if (term === null) return "nil";
  if (term === undefined) return "undefined";
  if (Array.isArray(term) && term.length === 2 && term[0] === A.shutdown)
    return { shutdown: term[1] };
  return term;
}

/** @internal A safe fallback when a reason cannot be encoded: its text form. */
export function printableReason(reason: unknown): ErlTerm {
  return formatReason(reason);
}
