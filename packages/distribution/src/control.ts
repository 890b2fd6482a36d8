/**
 * Control messages (erl_dist_protocol, "Protocol between Connected Nodes") to and from
 * core's signals, for one connected peer.
 *
 * @internal
 * @module
 */
import { Pid, Ref, type Signal } from "@trellis/core";
import type { Wire } from "./connection.js";
import { type DecodeOptions, Decoder } from "./etf/decode.js";
import {
  ALIAS_HEAD,
  GEN_CALL_HEAD,
  GenCall,
  GenReply,
  REPLY_HEAD,
  startsWith,
} from "./gen-call.js";
import { A, printableReason, reasonFromTerm, reasonToTerm } from "./mapping.js";
import type { RuntimePort } from "./runtime-port.js";
import { SlotMap } from "./slot-map.js";
import {
  Atom,
  type ErlTerm,
  holdRef,
  ImproperList,
  internRef,
  List,
  releaseRef,
  releaseRefsOf,
} from "./terms.js";

/** @internal A control message that does not follow the protocol. */
export class ProtocolError extends Error {}

const LINK = 1;
const SEND = 2;
const EXIT = 3;
const UNLINK = 4;
const REG_SEND = 6;
const GROUP_LEADER = 7;
const EXIT2 = 8;
const SEND_TT = 12;
const EXIT_TT = 13;
const REG_SEND_TT = 16;
const EXIT2_TT = 18;
const MONITOR_P = 19;
const DEMONITOR_P = 20;
const MONITOR_P_EXIT = 21;
const SEND_SENDER = 22;
const SEND_SENDER_TT = 23;
const ALIAS_SEND = 33;
const ALIAS_SEND_TT = 34;
const SPAWN_REQUEST = 29;
const SPAWN_REPLY = 31;
const UNLINK_ID = 35;
const UNLINK_ID_ACK = 36;

/** The arity of the control tuples read field by field, by operation. */
const FIELDS: (number | undefined)[] = [];
FIELDS[SEND] = 3;
FIELDS[REG_SEND] = 4;
FIELDS[ALIAS_SEND] = 3;
FIELDS[MONITOR_P] = 4;
FIELDS[DEMONITOR_P] = 4;

const NO_MESSAGE: unique symbol = Symbol("no message");
const EMPTY_PACKET = new Uint8Array(0);

/** @internal A call to `{name, node}` waiting for its reply or its monitor. */
export interface NameCall {
  readonly caller: Pid;
  readonly name: string;
  answer(value: unknown): void;
  down(reason: unknown): void;
}

/**
 * @internal Names the node answers itself when no process holds them (`net_kernel`):
 * `handles` tells which, `message` gets what is sent to them. Monitors of them never fire.
 */
export interface SystemNames {
  handles(name: string): boolean;
  message(name: string, from: Pid, message: ErlTerm, peer: PeerLink): void;
  /** A SPAWN_REQUEST: start the process, answer with the pid or an error atom. */
  spawn(request: SpawnRequest, peer: PeerLink): Pid | Atom;
}

/** @internal What a SPAWN_REQUEST asks for. */
export interface SpawnRequest {
  readonly from: Pid;
  readonly module: Atom;
  readonly function: Atom;
  readonly args: readonly ErlTerm[];
}

/** @internal The protocol state of one connection. */
export class PeerLink {
  private nextUnlinkId = 1;
  /** The sender of a REG_SEND from outside process code: the node itself. */
  private readonly nodePid: Pid;
  /** Calls this node made to `{name, node}` on the peer, by their monitor/alias reference. */
  private readonly nameCalls = new SlotMap<Ref, NameCall>();
  /**
   * Calls from the peer waiting for a local server's reply, by the call's reference; the tag
   * `undefined` stands for `[alias | Ref]`.
   */
  private readonly inboundCalls = new SlotMap<
    Ref,
    { caller: Pid; tag: ErlTerm | undefined; to: Pid }
  >();

  /** One decoder for every packet of the connection (packets are handled one at a time). */
  private readonly decoder: Decoder;
  /** Whether the control message being decoded is a MONITOR_P (its reference is held). */
  private holding = false;

  constructor(
    readonly peer: string,
    readonly port: RuntimePort,
    readonly wire: Pick<Wire, "send">,
    decodeOptions: DecodeOptions,
    private readonly system: SystemNames,
  ) {
    const ref = decodeOptions.ref ?? internRef;
    this.decoder = new Decoder(EMPTY_PACKET, 0, {
      ...decodeOptions,
      // a MONITOR_P's reference lives until its DEMONITOR_P or DOWN: held, not interned weakly
      ref: (node, creation, words) =>
        this.holding && node === this.peer
          ? holdRef(node, creation, words)
          : ref(node, creation, words),
    });
    this.nodePid = new Pid(port.node, 0, 0, port.creation);
  }

  /** @internal How many calls from the peer still wait for a local server's reply. */
  get pendingInboundCalls(): number {
    return this.inboundCalls.size;
  }

  // -------------------------------------------------------------------------------------
  // Out: core signals to control messages

  /** Core hands a signal for the peer. */
  deliver(signal: Signal): void {
    switch (signal.type) {
      case "message":
        this.wire.send([SEND, A.empty, signal.to], true, signal.message);
        return;
      case "link":
        this.wire.send([LINK, signal.from, signal.to], false);
        return;
      case "unlink":
        this.wire.send([UNLINK_ID, this.nextUnlinkId++, signal.from, signal.to], false);
        return;
      case "exit":
        this.sendReason(
          signal.link ? EXIT : EXIT2,
          signal.from,
          signal.to,
          undefined,
          signal.reason,
        );
        return;
      case "monitor":
        this.wire.send([MONITOR_P, signal.from, signal.to, signal.ref], false);
        return;
      case "monitor-named":
        this.wire.send([MONITOR_P, signal.from, Atom.of(signal.to.name), signal.ref], false);
        return;
      case "demonitor-named":
        this.wire.send([DEMONITOR_P, signal.from, Atom.of(signal.to.name), signal.ref], false);
        return;
      case "send-named":
        this.regSend(signal.from ?? this.nodePid, signal.to.name, signal.message);
        return;
      case "demonitor":
        this.wire.send([DEMONITOR_P, signal.from, signal.to, signal.ref], false);
        return;
      case "down": {
        // a server that dies with a call pending answers with the DOWN of the caller's
        // monitor, which gen:call makes with the call's own reference: no reply will come
        this.inboundCalls.delete(signal.ref);
        releaseRef(signal.ref);
        // a monitor by name (MONITOR_P with an atom) ends with the name, as OTP's does
        const from = signal.from instanceof Pid ? signal.from : Atom.of(signal.from.name);
        this.sendReason(MONITOR_P_EXIT, from, signal.to, signal.ref, signal.reason);
        return;
      }
      case "reply": {
        // A local server answers a call the peer made: back as the message its caller awaits.
        const call = this.inboundCalls.get(signal.ref);
        if (call === undefined) return;
        this.inboundCalls.delete(signal.ref);
        if (call.tag === undefined) {
          this.wire.send(
            [ALIAS_SEND, call.to, signal.ref],
            true,
            new GenReply(signal.ref, signal.value),
          );
        } else this.reply(call.caller, call.tag, signal.value, call.to);
        return;
      }
    }
  }

  private sendReason(
    op: number,
    from: Pid | Atom,
    to: Pid,
    ref: Ref | undefined,
    reason: unknown,
  ): void {
    const build = (r: ErlTerm): ErlTerm[] =>
      ref === undefined ? [op, from, to, r] : [op, from, to, ref, r];
    try {
      this.wire.send(build(reasonToTerm(reason)), false);
    } catch {
      this.wire.send(build(printableReason(reason)), false);
    }
  }

  /** Sends a gen reply `{Tag, Value}` the way `gen:reply/2` does. */
  reply(caller: Pid, tag: ErlTerm, value: unknown, sender: Pid): void {
    const alias = aliasOf(tag);
    if (alias !== undefined) this.wire.send([ALIAS_SEND, sender, alias], true, [tag, value]);
    else this.wire.send([SEND, A.empty, caller], true, [tag, value]);
  }

  /**
   * Calls the process registered as `name` on the peer, as `gen:call/4` does: monitor by
   * name (the monitor reference is also the reply alias), then `{'$gen_call', {From,
   * [alias | Ref]}, Request}`.
   */
  callName(caller: Pid, name: string, ref: Ref, request: unknown, pending: NameCall): void {
    const target = Atom.of(name);
    this.nameCalls.set(ref, pending);
    this.wire.send([MONITOR_P, caller, target, ref], false);
    this.regSend(caller, name, new GenCall(caller, ref, request));
  }

  /** Gives up a name call (timeout): forget it and drop the monitor. */
  cancelNameCall(caller: Pid, name: string, ref: Ref): void {
    if (!this.nameCalls.delete(ref)) return;
    this.wire.send([DEMONITOR_P, caller, Atom.of(name), ref], false);
  }

  /** The connection is gone: every name call in flight fails. */
  lost(): void {
    const calls = this.nameCalls.values();
    this.nameCalls.clear();
    this.inboundCalls.clear();
    releaseRefsOf(this.peer);
    for (const c of calls) c.down("noconnection");
  }

  /** Sends `message` to the process registered as `name` on the peer. */
  regSend(from: Pid, name: string, message: unknown): void {
    this.wire.send([REG_SEND, from, A.empty, Atom.of(name)], true, message);
  }

  // -------------------------------------------------------------------------------------
  // In: one pass-through packet

  /** Handles a packet (its 112 byte first); throws DecodeError or ProtocolError if malformed. */
  packet(packet: Uint8Array): void {
    this.packetAt(packet, 0, packet.length);
  }

  /**
   * Handles the packet `buf[start, end)` (`buf[start]` is the 112 byte), decoding in place;
   * throws DecodeError or ProtocolError if malformed.
   */
  packetAt(buf: Uint8Array, start: number, end: number): void {
    const d = this.decoder;
    d.reset(buf, start + 1, end);
    // A control tuple starts 131, SMALL_TUPLE, arity, SMALL_INTEGER, operation: the common
    // ones are read field by field, without building the tuple
    const op = buf[start + 5] as number;
    const n = buf[start + 3];
    if (
      end - start > 6 &&
      buf[start + 4] === 97 &&
      buf[start + 2] === 104 &&
      buf[start + 1] === 131 &&
      FIELDS[op] === n
    ) {
      d.pos = start + 6;
      this.holding = op === MONITOR_P;
      const f1 = d.term();
      const f2 = d.term();
      const f3 = n === 4 ? d.term() : undefined;
      this.holding = false;
      // a call and its reply, read field by field too
      if (op === REG_SEND && this.genCallAt(buf, end)) {
        this.onRegSendCall(f1, f3);
        return;
      }
      if (op === ALIAS_SEND && this.replyAt(buf, end)) {
        this.onAliasReply(f2);
        return;
      }
      let message: ErlTerm | typeof NO_MESSAGE = NO_MESSAGE;
      if (d.pos < end) {
        message = d.versioned();
        if (d.pos !== end) throw new ProtocolError("bytes after the message");
      }
      this.op = op;
      this.msg = message;
      switch (op) {
        case SEND:
          this.message(this.local(f2), this.takeMessage());
          return;
        case REG_SEND:
          this.onRegSend(f1, f3, this.takeMessage());
          return;
        case ALIAS_SEND:
          this.onAliasSend(f2, this.takeMessage());
          return;
        case MONITOR_P:
          this.onMonitor(f1, f2, f3);
          return;
        default:
          this.onDemonitor(f1, f2, f3);
          return;
      }
    }
    // {MONITOR_P, …} starts 131, SMALL_TUPLE, arity, SMALL_INTEGER, 19
    this.holding = op === MONITOR_P && buf[start + 4] === 97 && buf[start + 2] === 104;
    const control = d.versioned();
    this.holding = false;
    let message: ErlTerm | typeof NO_MESSAGE = NO_MESSAGE;
    if (d.pos < end) {
      message = d.versioned();
      if (d.pos !== end) throw new ProtocolError("bytes after the message");
    }
    if (!Array.isArray(control) || control.length === 0 || typeof control[0] !== "number") {
      throw new ProtocolError("a control message must be a tuple starting with an operation");
    }
    this.control(control, message);
  }

  /** The fields of the call or reply {@link genCallAt} or {@link replyAt} read. */
  private readonly gen: { caller: Pid | undefined; ref: Ref | undefined; value: ErlTerm } = {
    caller: undefined,
    ref: undefined,
    value: undefined,
  };

  /**
   * Whether the message at the decoder is `{'$gen_call', {Pid, [alias | Ref]}, Request}`:
   * then its fields are in {@link gen} and the decoder is at `end`; else the decoder is where
   * it was. Every field goes through the decoder, so hostile bytes fail as in a whole term.
   */
  private genCallAt(buf: Uint8Array, end: number): boolean {
    const d = this.decoder;
    const at = d.pos;
    if (buf[at] !== 131 || !startsWith(buf, at + 1, end, GEN_CALL_HEAD)) return false;
    d.pos = at + 1 + GEN_CALL_HEAD.length;
    const caller = d.term();
    if (caller instanceof Pid && startsWith(buf, d.pos, end, ALIAS_HEAD)) {
      d.pos += ALIAS_HEAD.length;
      const ref = d.term();
      if (ref instanceof Ref) {
        const request = d.term();
        if (d.pos !== end) throw new ProtocolError("bytes after the message");
        this.gen.caller = caller;
        this.gen.ref = ref;
        this.gen.value = request;
        return true;
      }
    }
    d.pos = at;
    return false;
  }

  /** As {@link genCallAt}, for a reply `{[alias | Ref], Value}`. */
  private replyAt(buf: Uint8Array, end: number): boolean {
    const d = this.decoder;
    const at = d.pos;
    if (buf[at] !== 131 || !startsWith(buf, at + 1, end, REPLY_HEAD)) return false;
    d.pos = at + 1 + REPLY_HEAD.length;
    const ref = d.term();
    if (ref instanceof Ref) {
      const value = d.term();
      if (d.pos !== end) throw new ProtocolError("bytes after the message");
      this.gen.ref = ref;
      this.gen.value = value;
      return true;
    }
    d.pos = at;
    return false;
  }

  /** The message part of the packet being handled (no closure per packet). */
  private msg: ErlTerm | typeof NO_MESSAGE = NO_MESSAGE;
  private op = 0;
  private readonly takeMessage = (): ErlTerm => {
    const msg = this.msg;
    if (msg === NO_MESSAGE) throw new ProtocolError(`operation ${this.op} needs a message`);
    return msg;
  };

  private control(c: readonly ErlTerm[], msg: ErlTerm | typeof NO_MESSAGE): void {
    const op = c[0] as number;
    this.op = op;
    this.msg = msg;
    const withMessage = this.takeMessage;
    switch (op) {
      case LINK:
        arity(c, 3);
        this.port.signal(this.peer, { type: "link", from: pid(c[1]), to: this.local(c[2]) });
        return;
      case SEND:
      case SEND_TT:
        arity(c, op === SEND ? 3 : 4);
        this.message(this.local(c[2]), withMessage());
        return;
      case SEND_SENDER:
      case SEND_SENDER_TT:
        arity(c, op === SEND_SENDER ? 3 : 4);
        this.message(this.local(c[2]), withMessage());
        return;
      case REG_SEND:
      case REG_SEND_TT:
        arity(c, op === REG_SEND ? 4 : 5);
        this.onRegSend(c[1], c[3], withMessage());
        return;
      case ALIAS_SEND:
      case ALIAS_SEND_TT:
        arity(c, op === ALIAS_SEND ? 3 : 4);
        this.onAliasSend(c[2], withMessage());
        return;
      case EXIT:
      case EXIT2:
        arity(c, 4);
        this.port.signal(this.peer, {
          type: "exit",
          from: pid(c[1]),
          to: this.local(c[2]),
          reason: reasonFromTerm(c[3]),
          link: op === EXIT,
        });
        return;
      case EXIT_TT:
      case EXIT2_TT:
        arity(c, 5);
        this.port.signal(this.peer, {
          type: "exit",
          from: pid(c[1]),
          to: this.local(c[2]),
          reason: reasonFromTerm(c[4]),
          link: op === EXIT_TT,
        });
        return;
      case UNLINK:
        arity(c, 3);
        this.port.signal(this.peer, { type: "unlink", from: pid(c[1]), to: this.local(c[2]) });
        return;
      case UNLINK_ID: {
        arity(c, 4);
        const from = pid(c[2]);
        const to = this.local(c[3]);
        if (typeof c[1] !== "number" && typeof c[1] !== "bigint")
          throw new ProtocolError("UNLINK_ID without an id");
        this.port.signal(this.peer, { type: "unlink", from, to });
        this.wire.send([UNLINK_ID_ACK, c[1], to, from], false);
        return;
      }
      case UNLINK_ID_ACK:
        arity(c, 4);
        return;
      case GROUP_LEADER:
        return;
      case SPAWN_REQUEST: {
        arity(c, 6);
        const reqId = refOf(c[1]);
        const from = pid(c[2]);
        const mfa = c[4];
        const opts = c[5];
        const args = withMessage();
        if (
          !Array.isArray(mfa) ||
          mfa.length !== 3 ||
          !(mfa[0] instanceof Atom) ||
          !(mfa[1] instanceof Atom) ||
          !(args instanceof List) ||
          !(opts instanceof List)
        ) {
          throw new ProtocolError("a malformed SPAWN_REQUEST");
        }
        const result = this.system.spawn(
          { from, module: mfa[0], function: mfa[1], args: args.items },
          this,
        );
        let flags = 0;
        if (result instanceof Pid) {
          if (opts.items.includes(A.link)) {
            this.port.signal(this.peer, { type: "link", from, to: result });
            flags |= 1;
          }
          if (opts.items.includes(A.monitor)) {
            this.port.signal(this.peer, { type: "monitor", from, to: result, ref: reqId });
            flags |= 2;
          }
        }
        this.wire.send([SPAWN_REPLY, reqId, from, flags, result], false);
        return;
      }
      case MONITOR_P:
        arity(c, 4);
        this.onMonitor(c[1], c[2], c[3]);
        return;
      case DEMONITOR_P:
        arity(c, 4);
        this.onDemonitor(c[1], c[2], c[3]);
        return;
      case MONITOR_P_EXIT: {
        arity(c, 5);
        const to = this.local(c[2]);
        const ref = refOf(c[3]);
        const named = this.nameCalls.get(ref);
        if (named !== undefined) {
          this.nameCalls.delete(ref);
          named.down(reasonFromTerm(c[4]));
          return;
        }
        // a monitor by name ends with the name (FromProc is the atom)
        const from =
          c[1] instanceof Pid
            ? c[1]
            : c[1] instanceof Atom
              ? { name: c[1].name, node: this.peer }
              : undefined;
        if (from !== undefined) {
          this.port.signal(this.peer, {
            type: "down",
            from,
            to,
            ref,
            reason: reasonFromTerm(c[4]),
          });
        }
        return;
      }
      default:
        throw new ProtocolError(`unsupported operation ${op}`);
    }
  }

  private onRegSend(fromTerm: ErlTerm, nameTerm: ErlTerm, m: ErlTerm): void {
    const from = pid(fromTerm);
    if (!(nameTerm instanceof Atom)) {
      throw new ProtocolError("REG_SEND to something other than an atom");
    }
    const name = nameTerm.name;
    const to = this.port.whereis(name);
    if (to === undefined && this.system.handles(name)) {
      this.system.message(name, from, m, this);
      return;
    }
    // core resolves the name (and drops the message if nobody holds it, as in OTP)
    const message = to === undefined ? m : this.envelope(to, m);
    const dest = { name, node: this.port.node };
    // the sender is informative only: core takes it only when it is the peer's
    const sender = from.node === this.peer ? from : undefined;
    this.port.signal(this.peer, { type: "send-named", from: sender, to: dest, message });
  }

  /** A REG_SEND of a call {@link genCallAt} read: as {@link onRegSend}, without the tuple. */
  private onRegSendCall(fromTerm: ErlTerm, nameTerm: ErlTerm): void {
    const gen = this.gen;
    const caller = gen.caller as Pid;
    const ref = gen.ref as Ref;
    const request = gen.value;
    gen.caller = gen.ref = gen.value = undefined;
    const to = nameTerm instanceof Atom ? this.port.whereis(nameTerm.name) : undefined;
    if (to === undefined) {
      // nobody holds the name (or it is not an atom): the generic path, with the whole tuple
      const call = [A.genCall, [caller, new ImproperList([A.alias], ref)], request];
      this.onRegSend(fromTerm, nameTerm, call);
      return;
    }
    const from = pid(fromTerm);
    const name = (nameTerm as Atom).name;
    this.inboundCalls.set(ref, { caller, tag: undefined, to });
    const message = this.port.callRequest(caller, ref, request);
    const sender = from.node === this.peer ? from : undefined;
    const dest = { name, node: this.port.node };
    this.port.signal(this.peer, { type: "send-named", from: sender, to: dest, message });
  }

  /** An ALIAS_SEND of a reply {@link replyAt} read: as {@link onAliasSend}. */
  private onAliasReply(aliasTerm: ErlTerm): void {
    const gen = this.gen;
    const tag = gen.ref as Ref;
    const value = gen.value;
    gen.ref = gen.value = undefined;
    if (!(aliasTerm instanceof Ref)) {
      throw new ProtocolError("ALIAS_SEND to something other than a reference");
    }
    if (tag === aliasTerm) this.aliasReply(aliasTerm, value);
  }

  /** A reply to one of our calls, by its alias. */
  private aliasReply(alias: Ref, value: ErlTerm): void {
    const named = this.nameCalls.get(alias);
    if (named !== undefined) {
      this.nameCalls.delete(alias);
      this.wire.send([DEMONITOR_P, named.caller, Atom.of(named.name), alias], false);
      named.answer(value);
    } else this.port.signal(this.peer, { type: "reply", ref: alias, value });
  }

  private onAliasSend(aliasTerm: ErlTerm, m: ErlTerm): void {
    if (!(aliasTerm instanceof Ref)) {
      throw new ProtocolError("ALIAS_SEND to something other than a reference");
    }
    const alias = aliasTerm;
    // A reply to one of our calls: {[alias | Ref], Value} (or {Ref, Value})
    if (Array.isArray(m) && m.length === 2 && (aliasOf(m[0]) === alias || m[0] === alias)) {
      this.aliasReply(alias, m[1]);
    }
  }

  private onMonitor(fromTerm: ErlTerm, target: ErlTerm, refTerm: ErlTerm): void {
    const from = pid(fromTerm);
    const ref = refOf(refTerm);
    if (target instanceof Atom) {
      const name = target.name;
      if (this.port.whereis(name) === undefined && this.system.handles(name)) {
        releaseRef(ref);
        return;
      }
      // core resolves the name: a DOWN noproc if nobody holds it, else a DOWN by name
      const to = { name, node: this.port.node };
      this.port.signal(this.peer, { type: "monitor-named", from, to, ref });
    } else {
      this.port.signal(this.peer, { type: "monitor", from, to: this.local(target), ref });
    }
  }

  private onDemonitor(fromTerm: ErlTerm, target: ErlTerm, refTerm: ErlTerm): void {
    const from = pid(fromTerm);
    const ref = refOf(refTerm);
    // the caller gave up on a call (gen:call demonitors with the call's own reference)
    this.inboundCalls.delete(ref);
    releaseRef(ref);
    if (target instanceof Atom) {
      const to = { name: target.name, node: this.port.node };
      this.port.signal(this.peer, { type: "demonitor-named", from, to, ref });
    } else {
      this.port.signal(this.peer, { type: "demonitor", from, to: this.local(target), ref });
    }
  }

  /** A pid of this node, as a control message names it. */
  private local(term: ErlTerm): Pid {
    const p = pid(term);
    if (p.node !== this.port.node) throw new ProtocolError(`${p} is not a process of this node`);
    return p;
  }

  /** Delivers a message, turning gen_server envelopes into core's call and cast requests. */
  message(to: Pid, m: ErlTerm): void {
    this.port.signal(this.peer, { type: "message", to, message: this.envelope(to, m) });
  }

  private envelope(to: Pid, m: ErlTerm): unknown {
    if (!Array.isArray(m)) return m;
    if (m.length === 3 && m[0] === A.genCall) {
      const from = m[1];
      if (Array.isArray(from) && from.length === 2 && from[0] instanceof Pid) {
        const caller = from[0];
        const tag = from[1];
        const ref = aliasOf(tag) ?? (tag instanceof Ref ? tag : undefined);
        if (ref !== undefined) {
          this.inboundCalls.set(ref, { caller, tag, to });
          return this.port.callRequest(caller, ref, m[2]);
        }
      }
    } else if (m.length === 2 && m[0] === A.genCast) {
      return this.port.castRequest(m[1]);
    }
    return m;
  }
}

function arity(c: readonly ErlTerm[], n: number): void {
  if (c.length !== n)
    throw new ProtocolError(`operation ${String(c[0])} has ${c.length} elements, not ${n}`);
}

function pid(term: ErlTerm): Pid {
  if (!(term instanceof Pid)) throw new ProtocolError("expected a pid in the control message");
  return term;
}

function refOf(term: ErlTerm): Ref {
  if (!(term instanceof Ref))
    throw new ProtocolError("expected a reference in the control message");
  return term;
}

/** The alias reference of a gen call tag `[alias | Ref]` or `[[alias | Ref] | _]`. */
export function aliasOf(tag: ErlTerm): Ref | undefined {
  if (tag instanceof List)
    return tag.items[0] instanceof ImproperList ? aliasOf(tag.items[0]) : undefined;
  if (!(tag instanceof ImproperList)) return undefined;
  const head = tag.items[0];
  if (head === A.alias && tag.items.length === 1 && tag.tail instanceof Ref) return tag.tail;
  if (head instanceof ImproperList) return aliasOf(head);
  return undefined;
}
