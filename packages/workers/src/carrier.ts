/**
 * The MessagePort carrier: core's signals between two nodes over one MessagePort, batched
 * per event-loop turn, encoded and revived by the codec. One carrier per connected pair.
 *
 * @module
 * @internal
 */
import type { MessagePort } from "node:worker_threads";
import {
  CallRequest,
  CastRequest,
  From,
  formatReason,
  type Inbound,
  Pid,
  type Ref,
  type Signal,
  type Transport,
} from "@trellis/core";
import { BatchReader, BatchWriter } from "./batch.js";
import { Decoder, Encoder } from "./codec.js";
import type { PidTable, RefTable } from "./interner.js";
import type { NodeContext } from "./node-context.js";
import { deliverSignal } from "./seam.js";

// A batch (see batch.ts) is a run of signals, each its kind followed by its fields. A pid is
// four numbers (node, id, serial, creation) and a ref three (node, id, creation), where the
// node is 0 for the sending node, 1 for the receiving one, THIRD for a third node (its name
// is the next value of the side array), or NO_PID for a missing pid (no more numbers).
// Payloads go to the side array, each with a number that says whether it must be revived.
const MSG = 0;
const LINK = 1;
const UNLINK = 2;
const EXIT = 3;
const MONITOR = 4;
const DEMONITOR = 5;
const DOWN = 6;
const REPLY = 7;
/** A call request: its From travels as numbers, not as an encoded object. */
const CALL = 10;
/** A cast request: only its request travels, not an encoded envelope. */
const CAST = 11;
/** Carrier-level: a spawn or a remote call request. */
export const SPAWN = 8;
/** Carrier-level: the answer to {@link SPAWN}. */
export const SPAWNED = 9;
// Signals to a name on the receiving node (`{ name, node }`): the name travels as a string.
const SEND_NAMED = 12;
/** A call request to a name: its From travels as for {@link CALL}. */
const CALL_NAMED = 13;
const MONITOR_NAMED = 14;
const DEMONITOR_NAMED = 15;
/** The DOWN of a monitor by name: the name on the sending node instead of a pid. */
const DOWN_NAMED = 16;

const THIRD = 2;
const NO_PID = 3;

/** Thrown (and caught by `receive`) when a batch does not read as one this carrier wrote. */
const BAD_BATCH: unique symbol = Symbol("bad batch");

/** A carrier-level request to spawn (or run and answer) a named function. */
export interface SpawnFrame {
  readonly id: number;
  readonly from: Pid | undefined;
  readonly module: string;
  readonly fn: string;
  readonly args: readonly unknown[];
  readonly link: boolean;
  /** "spawn": reply with the pid; "call": run to completion and reply with the result. */
  readonly mode: "spawn" | "call";
}

/** The answer to a {@link SpawnFrame}. */
export interface SpawnedFrame {
  readonly id: number;
  readonly ok: boolean;
  /** The pid (spawn), the result (call) or the error. */
  readonly value: unknown;
}

export class Carrier implements Transport {
  readonly ctx: NodeContext;
  readonly peer: string;
  readonly port: MessagePort;
  private readonly out = new BatchWriter();
  private readonly in = new BatchReader();
  private readonly enc: Encoder;
  private readonly dec: Decoder;
  private readonly here: string;
  /** The intern tables of this node and of the peer (where nearly every pid and ref lives). */
  private readonly herePids: PidTable;
  private readonly peerPids: PidTable;
  private readonly hereRefs: RefTable;
  private readonly peerRefs: RefTable;
  private scheduled = false;
  private closed = false;
  /** The receiving end core handed out for this connection (set by the node context). */
  inbound: Inbound | undefined = undefined;

  constructor(ctx: NodeContext, peer: string, port: MessagePort) {
    this.ctx = ctx;
    this.peer = peer;
    this.port = port;
    this.here = ctx.rt.node;
    this.enc = new Encoder(ctx.interner);
    this.dec = new Decoder(ctx.rt, ctx.interner);
    this.herePids = ctx.interner.pidTable(this.here);
    this.peerPids = ctx.interner.pidTable(peer);
    this.hereRefs = ctx.interner.refTable(this.here);
    this.peerRefs = ctx.interner.refTable(peer);
    port.on("message", (batch: unknown) => this.receive(batch));
    port.on("close", () => this.ctx.peerGone(this));
  }

  // -------------------------------------------------------------------------------------
  // Out

  private pid(p: Pid): void {
    const out = this.out;
    const n = p.node;
    const it = this.ctx.interner;
    if (n === this.here) {
      it.pidOut(p, this.herePids);
      out.num(0);
    } else if (n === this.peer) {
      it.pidOut(p, this.peerPids);
      out.num(1);
    } else {
      it.pidOut(p);
      out.num(THIRD);
      out.obj(n);
    }
    out.num(p.id);
    out.num(p.serial);
    out.num(p.creation);
  }

  private optPid(p: Pid | undefined): void {
    if (p === undefined) this.out.num(NO_PID);
    else this.pid(p);
  }

  /**
   * Writes a ref; `keep` registers it so that it comes back as the same object (not needed
   * for a demonitor: nothing the peer sends back for that monitor is wanted).
   */
  private ref(r: Ref, keep = true): void {
    const out = this.out;
    const n = r.node;
    const it = this.ctx.interner;
    if (n === this.here) {
      if (keep) it.refOut(r, this.hereRefs);
      out.num(0);
    } else if (n === this.peer) {
      if (keep) it.refOut(r, this.peerRefs);
      out.num(1);
    } else {
      if (keep) it.refOut(r);
      out.num(THIRD);
      out.obj(n);
    }
    out.num(r.id);
    out.num(r.creation);
  }

  /** Encodes `v` and writes it and its revive flag. */
  private value(v: unknown, path: string, strict: boolean): void {
    const saved = this.enc.transfer.length;
    try {
      const e = this.enc.encode(v, path, strict);
      this.out.obj(e);
      this.out.num(this.enc.changed ? 1 : 0);
    } catch (err) {
      this.enc.transfer.length = saved;
      throw err;
    }
  }

  /** Writes a call request's From (interned for the reply's way back) and its request. */
  private callRequest(m: CallRequest): void {
    const from = m.from;
    const fr = from.ref;
    this.ctx.interner.fromOut(
      from,
      fr.node === this.here ? this.hereRefs : fr.node === this.peer ? this.peerRefs : undefined,
    );
    this.optPid(from.pid);
    this.ref(fr, false);
    this.value(m.request, "request", true);
  }

  deliver(signal: Signal): void {
    if (this.closed) return;
    const out = this.out;
    const n = out.n;
    const o = out.objs.length;
    try {
      switch (signal.type) {
        case "message": {
          const m = signal.message;
          if (m instanceof CallRequest) {
            // Throws UncloneableError to the caller before anything is queued.
            out.num(CALL);
            this.pid(signal.to);
            this.callRequest(m);
          } else if (m instanceof CastRequest) {
            out.num(CAST);
            this.pid(signal.to);
            this.value(m.request, "request", true);
          } else {
            out.num(MSG);
            this.pid(signal.to);
            this.value(m, "message", true);
          }
          break;
        }
        case "link":
        case "unlink":
          out.num(signal.type === "link" ? LINK : UNLINK);
          this.pid(signal.from);
          this.pid(signal.to);
          break;
        case "exit":
          out.num(EXIT);
          this.pid(signal.from);
          this.pid(signal.to);
          this.value(signal.reason, "reason", false);
          out.num(signal.link ? 1 : 0);
          break;
        case "monitor":
          out.num(MONITOR);
          this.pid(signal.from);
          this.pid(signal.to);
          this.ref(signal.ref);
          break;
        case "demonitor":
          out.num(DEMONITOR);
          this.pid(signal.from);
          this.pid(signal.to);
          this.ref(signal.ref, false);
          break;
        case "down":
          if (signal.from instanceof Pid) {
            out.num(DOWN);
            this.pid(signal.from);
          } else {
            out.num(DOWN_NAMED);
            out.obj(signal.from.name);
          }
          this.pid(signal.to);
          this.ref(signal.ref);
          this.value(signal.reason, "reason", false);
          break;
        case "reply":
          out.num(REPLY);
          this.ref(signal.ref);
          this.value(signal.value, "reply", true);
          break;
        case "send-named": {
          const m = signal.message;
          if (m instanceof CallRequest) {
            out.num(CALL_NAMED);
            out.obj(signal.to.name);
            this.callRequest(m);
          } else {
            out.num(SEND_NAMED);
            out.obj(signal.to.name);
            this.optPid(signal.from);
            this.value(m, "message", true);
          }
          break;
        }
        case "monitor-named":
          out.num(MONITOR_NAMED);
          out.obj(signal.to.name);
          this.pid(signal.from);
          this.ref(signal.ref);
          break;
        case "demonitor-named":
          out.num(DEMONITOR_NAMED);
          out.obj(signal.to.name);
          this.pid(signal.from);
          this.ref(signal.ref, false);
          break;
        default:
          // A signal kind this carrier does not know (added to core later): say so.
          this.ctx.rt.logger.log({
            kind: "warning",
            message: `worker carrier to ${this.peer}: dropped a signal it cannot carry: ${formatReason((signal as { type?: unknown }).type)}`,
          });
          return;
      }
    } catch (err) {
      out.rewind(n, o);
      throw err;
    }
    this.scheduleFlush();
  }

  /** Sends a carrier-level spawn request; throws UncloneableError for bad arguments. */
  spawnRequest(f: SpawnFrame): void {
    const out = this.out;
    const n = out.n;
    const o = out.objs.length;
    try {
      out.num(SPAWN);
      out.num(f.id);
      this.optPid(f.from);
      out.obj(f.module);
      out.obj(f.fn);
      out.num(f.link ? 1 : 0);
      out.num(f.mode === "call" ? 1 : 0);
      this.value(f.args, "args", true);
    } catch (err) {
      out.rewind(n, o);
      throw err;
    }
    this.scheduleFlush();
  }

  /** Sends the answer to a spawn request. */
  spawnReply(f: SpawnedFrame): void {
    const out = this.out;
    const n = out.n;
    const o = out.objs.length;
    out.num(SPAWNED);
    out.num(f.id);
    out.num(f.ok ? 1 : 0);
    try {
      this.value(f.value, "result", true);
    } catch (err) {
      out.rewind(n, o);
      out.num(SPAWNED);
      out.num(f.id);
      out.num(0);
      this.value(err, "result", false);
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Posts everything queued in this turn as one batch. */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.out.empty || this.closed) return;
    const batch = this.out.take();
    const transfer = this.enc.transfer;
    this.enc.transfer = [];
    try {
      this.port.postMessage(batch, transfer);
    } catch (err) {
      // The codec refuses anything uncloneable at the sender; a value that still slipped
      // through (a host object) costs this batch, and is reported.
      this.ctx.rt.logger.log({
        kind: "error",
        message: `worker carrier to ${this.peer}: dropped a batch that cannot be cloned: ${formatReason(err)}`,
        reason: err,
      });
    }
  };

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.ctx.carrierClosed(this);
    try {
      this.port.close();
    } catch {
      // already closed
    }
  }

  // -------------------------------------------------------------------------------------
  // In

  /** The name of a third node, from the side array. */
  private readNode(): string {
    const name = this.in.obj();
    if (typeof name !== "string") throw BAD_BATCH;
    return name;
  }

  /** Reads a process name (a string) or rejects the batch. */
  private readName(): string {
    const name = this.in.obj();
    if (typeof name !== "string") throw BAD_BATCH;
    return name;
  }

  private readPid(node: number): Pid {
    const r = this.in;
    const it = this.ctx.interner;
    const name = node === THIRD ? this.readNode() : undefined;
    const id = r.num();
    const serial = r.num();
    const creation = r.num();
    if (node === 0) return it.pidIn(this.peer, id, serial, creation, this.peerPids);
    if (node === 1) return it.pidIn(this.here, id, serial, creation, this.herePids);
    if (name === undefined) throw BAD_BATCH;
    return it.pidIn(name, id, serial, creation);
  }

  private readRef(): Ref {
    const r = this.in;
    const it = this.ctx.interner;
    const node = r.num();
    const name = node === THIRD ? this.readNode() : undefined;
    const id = r.num();
    const creation = r.num();
    if (node === 0) return it.refIn(this.peer, id, creation, this.peerRefs);
    if (node === 1) return it.refIn(this.here, id, creation, this.hereRefs);
    if (name === undefined) throw BAD_BATCH;
    return it.refIn(name, id, creation);
  }

  private readValue(): unknown {
    const v = this.in.obj();
    return this.in.num() === 1 ? this.dec.decode(v) : v;
  }

  /**
   * Applies a batch from the peer. What this carrier did not write (which only a bug or
   * foreign code posting to the port can produce) is dropped from the first thing that
   * does not read as a signal, with a warning; the signals before it are delivered.
   */
  receive(batch: unknown): void {
    if (this.closed) return;
    const r = this.in;
    try {
      if (!r.reset(batch)) throw BAD_BATCH;
      this.apply();
    } catch (e) {
      // Never let it escape: an exception in a port's message handler would end the thread.
      this.ctx.rt.logger.log({
        kind: "warning",
        message: `worker carrier from ${this.peer}: dropped the rest of a batch it cannot read${e === BAD_BATCH ? "" : `: ${formatReason(e)}`}`,
      });
    } finally {
      r.done();
    }
  }

  private apply(): void {
    const r = this.in;
    const it = this.ctx.interner;
    const inbound = this.inbound;
    const pid = (): Pid => this.readPid(r.num());
    while (r.more) {
      const kind = r.num();
      switch (kind) {
        case MSG: {
          const to = pid();
          deliverSignal(inbound, { type: "message", to, message: this.readValue() });
          break;
        }
        case CALL: {
          const to = pid();
          const n = r.num();
          const fromPid = n === NO_PID ? undefined : this.readPid(n);
          const ref = this.readRef();
          const request = this.readValue();
          const from =
            (ref.node === this.here ? it.fromBack(ref, this.hereRefs) : undefined) ??
            new From(fromPid, ref);
          deliverSignal(inbound, { type: "message", to, message: new CallRequest(from, request) });
          break;
        }
        case CAST: {
          const to = pid();
          const message = new CastRequest(this.readValue());
          deliverSignal(inbound, { type: "message", to, message });
          break;
        }
        case LINK:
        case UNLINK: {
          const from = pid();
          const to = pid();
          deliverSignal(inbound, { type: kind === LINK ? "link" : "unlink", from, to });
          break;
        }
        case EXIT: {
          const from = pid();
          const to = pid();
          const reason = this.readValue();
          deliverSignal(inbound, { type: "exit", from, to, reason, link: r.num() === 1 });
          break;
        }
        case MONITOR: {
          const from = pid();
          const to = pid();
          deliverSignal(inbound, { type: "monitor", from, to, ref: this.readRef() });
          break;
        }
        case DEMONITOR: {
          const from = pid();
          const to = pid();
          const ref = this.readRef();
          deliverSignal(inbound, { type: "demonitor", from, to, ref });
          // The monitor is gone (and with it, for a call, the call): the ref's trip is over.
          if (ref.node === this.peer) this.peerRefs.done(ref.id);
          break;
        }
        case DOWN: {
          const from = pid();
          const to = pid();
          const ref = this.readRef();
          deliverSignal(inbound, { type: "down", from, to, ref, reason: this.readValue() });
          break;
        }
        case REPLY: {
          const ref = this.readRef();
          deliverSignal(inbound, { type: "reply", ref, value: this.readValue() });
          // The call is answered: its ref (ours) has made its round trip.
          if (ref.node === this.here) this.hereRefs.done(ref.id);
          break;
        }
        case SEND_NAMED: {
          const to = { name: this.readName(), node: this.here };
          const n = r.num();
          const from = n === NO_PID ? undefined : this.readPid(n);
          deliverSignal(inbound, { type: "send-named", from, to, message: this.readValue() });
          break;
        }
        case CALL_NAMED: {
          const to = { name: this.readName(), node: this.here };
          const n = r.num();
          const fromPid = n === NO_PID ? undefined : this.readPid(n);
          const ref = this.readRef();
          const request = this.readValue();
          const from =
            (ref.node === this.here ? it.fromBack(ref, this.hereRefs) : undefined) ??
            new From(fromPid, ref);
          const message = new CallRequest(from, request);
          deliverSignal(inbound, { type: "send-named", from: fromPid, to, message });
          break;
        }
        case MONITOR_NAMED:
        case DEMONITOR_NAMED: {
          const to = { name: this.readName(), node: this.here };
          const from = pid();
          const ref = this.readRef();
          const type = kind === MONITOR_NAMED ? "monitor-named" : "demonitor-named";
          deliverSignal(inbound, { type, from, to, ref });
          // As for DEMONITOR: the monitor is gone, the ref's trip is over.
          if (kind === DEMONITOR_NAMED && ref.node === this.peer) this.peerRefs.done(ref.id);
          break;
        }
        case DOWN_NAMED: {
          const from = { name: this.readName(), node: this.peer };
          const to = pid();
          const ref = this.readRef();
          deliverSignal(inbound, { type: "down", from, to, ref, reason: this.readValue() });
          break;
        }
        case SPAWN: {
          const id = r.num();
          const n = r.num();
          const from = n === NO_PID ? undefined : this.readPid(n);
          const module = r.obj();
          const fn = r.obj();
          if (typeof module !== "string" || typeof fn !== "string") throw BAD_BATCH;
          const link = r.num() === 1;
          const mode = r.num() === 1 ? "call" : "spawn";
          const args = this.readValue() as unknown[];
          this.ctx.serveSpawn(this, { id, from, module, fn, args, link, mode });
          break;
        }
        case SPAWNED: {
          const id = r.num();
          const ok = r.num() === 1;
          this.ctx.spawnAnswered(this.peer, { id, ok, value: this.readValue() });
          break;
        }
        default:
          throw BAD_BATCH;
      }
    }
  }
}
