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
  From,
  formatReason,
  type Inbound,
  Pid,
  type Ref,
  type Signal,
  type Transport,
} from "@trellis/core";
import { Decoder, Encoder } from "./codec.js";
import type { NodeContext } from "./node-context.js";
import { deliverSignal } from "./seam.js";

// A batch is one flat array: each entry is its kind followed by its fields. A pid takes four
// slots (node, id, serial, creation) and a ref three (node, id, creation), where the node is
// 0 for the sending node, 1 for the receiving one, or the name of a third node: small
// integers cost the structured-clone algorithm far less than nested arrays and repeated
// strings.
const MSG = 0;
const LINK = 1;
const UNLINK = 2;
const EXIT = 3;
const MONITOR = 4;
const DEMONITOR = 5;
const DOWN = 6;
const REPLY = 7;
/** A call request: its From travels as slots, not as an encoded object. */
const CALL = 10;
/** Carrier-level: a spawn or a remote call request. */
export const SPAWN = 8;
/** Carrier-level: the answer to {@link SPAWN}. */
export const SPAWNED = 9;
// Signals to a name on the receiving node (`{ name, node }`): the name travels as a string.
const SEND_NAMED = 11;
/** A call request to a name: its From travels as slots, as for {@link CALL}. */
const CALL_NAMED = 12;
const MONITOR_NAMED = 13;
const DEMONITOR_NAMED = 14;
/** The DOWN of a monitor by name: the name on the sending node instead of a pid. */
const DOWN_NAMED = 15;

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
  private out: unknown[] = [];
  private readonly enc: Encoder;
  private readonly dec: Decoder;
  private readonly here: string;
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
    port.on("message", (batch: unknown[]) => this.receive(batch));
    port.on("close", () => this.ctx.peerGone(this));
  }

  // -------------------------------------------------------------------------------------
  // Out

  private node(node: string): string | number {
    return node === this.here ? 0 : node === this.peer ? 1 : node;
  }

  private pid(out: unknown[], p: Pid): void {
    this.ctx.interner.pidOut(p);
    out.push(this.node(p.node), p.id, p.serial, p.creation);
  }

  private ref(out: unknown[], r: Ref): void {
    this.ctx.interner.refOut(r);
    out.push(this.node(r.node), r.id, r.creation);
  }

  /** Encodes `v` and pushes it and its revive flag. */
  private value(out: unknown[], v: unknown, path: string, strict: boolean): void {
    const saved = this.enc.transfer.length;
    try {
      const e = this.enc.encode(v, path, strict);
      out.push(e, this.enc.changed ? 1 : 0);
    } catch (err) {
      this.enc.transfer.length = saved;
      throw err;
    }
  }

  deliver(signal: Signal): void {
    if (this.closed) return;
    const out = this.out;
    const mark = out.length;
    try {
      switch (signal.type) {
        case "message": {
          const m = signal.message;
          if (m instanceof CallRequest) {
            // Throws UncloneableError to the caller before anything is queued.
            out.push(CALL);
            this.pid(out, signal.to);
            const from = m.from;
            this.ctx.interner.fromOut(from);
            if (from.pid === undefined) out.push(null, 0, 0, 0);
            else this.pid(out, from.pid);
            this.ref(out, from.ref);
            this.value(out, m.request, "request", true);
          } else {
            out.push(MSG);
            this.pid(out, signal.to);
            this.value(out, m, "message", true);
          }
          break;
        }
        case "link":
          out.push(LINK);
          this.pid(out, signal.from);
          this.pid(out, signal.to);
          break;
        case "unlink":
          out.push(UNLINK);
          this.pid(out, signal.from);
          this.pid(out, signal.to);
          break;
        case "exit":
          out.push(EXIT);
          this.pid(out, signal.from);
          this.pid(out, signal.to);
          this.value(out, signal.reason, "reason", false);
          out.push(signal.link);
          break;
        case "monitor":
        case "demonitor":
          out.push(signal.type === "monitor" ? MONITOR : DEMONITOR);
          this.pid(out, signal.from);
          this.pid(out, signal.to);
          this.ref(out, signal.ref);
          break;
        case "down":
          if (signal.from instanceof Pid) {
            out.push(DOWN);
            this.pid(out, signal.from);
          } else {
            out.push(DOWN_NAMED, signal.from.name);
          }
          this.pid(out, signal.to);
          this.ref(out, signal.ref);
          this.value(out, signal.reason, "reason", false);
          break;
        case "reply":
          out.push(REPLY);
          this.ref(out, signal.ref);
          this.value(out, signal.value, "reply", true);
          break;
        case "send-named": {
          const m = signal.message;
          const from = signal.from;
          if (m instanceof CallRequest) {
            out.push(CALL_NAMED, signal.to.name);
            this.ctx.interner.fromOut(m.from);
            if (m.from.pid === undefined) out.push(null, 0, 0, 0);
            else this.pid(out, m.from.pid);
            this.ref(out, m.from.ref);
            this.value(out, m.request, "request", true);
          } else {
            out.push(SEND_NAMED, signal.to.name);
            if (from === undefined) out.push(null, 0, 0, 0);
            else this.pid(out, from);
            this.value(out, m, "message", true);
          }
          break;
        }
        case "monitor-named":
        case "demonitor-named":
          out.push(signal.type === "monitor-named" ? MONITOR_NAMED : DEMONITOR_NAMED);
          out.push(signal.to.name);
          this.pid(out, signal.from);
          this.ref(out, signal.ref);
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
      out.length = mark;
      throw err;
    }
    this.scheduleFlush();
  }

  /** Sends a carrier-level spawn request; throws UncloneableError for bad arguments. */
  spawnRequest(f: SpawnFrame): void {
    const out = this.out;
    const mark = out.length;
    try {
      out.push(SPAWN, f.id);
      if (f.from === undefined) out.push(null, 0, 0, 0);
      else this.pid(out, f.from);
      out.push(f.module, f.fn, f.link, f.mode);
      this.value(out, f.args, "args", true);
    } catch (err) {
      out.length = mark;
      throw err;
    }
    this.scheduleFlush();
  }

  /** Sends the answer to a spawn request. */
  spawnReply(f: SpawnedFrame): void {
    const out = this.out;
    const mark = out.length;
    out.push(SPAWNED, f.id, f.ok);
    try {
      this.value(out, f.value, "result", true);
    } catch (err) {
      out.length = mark;
      out.push(SPAWNED, f.id, false);
      this.value(out, err, "result", false);
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
    if (this.out.length === 0 || this.closed) return;
    const batch = this.out;
    const transfer = this.enc.transfer;
    this.out = [];
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

  private receive(b: unknown[]): void {
    if (this.closed) return;
    const it = this.ctx.interner;
    const d = this.dec;
    const peer = this.peer;
    const here = this.here;
    let i = 0;
    const node = (): string => {
      const n = b[i++];
      return n === 0 ? peer : n === 1 ? here : (n as string);
    };
    const pid = (): Pid => {
      const n = node();
      const p = it.pidIn(n, b[i] as number, b[i + 1] as number, b[i + 2] as number);
      i += 3;
      return p;
    };
    const optPid = (): Pid | undefined => {
      if (b[i] === null) {
        i += 4;
        return undefined;
      }
      return pid();
    };
    const ref = (): Ref => {
      const n = node();
      const r = it.refIn(n, b[i] as number, b[i + 1] as number);
      i += 2;
      return r;
    };
    const value = (): unknown => {
      const v = b[i];
      const revive = b[i + 1] === 1;
      i += 2;
      return revive ? d.decode(v) : v;
    };
    while (i < b.length) {
      const kind = b[i++];
      switch (kind) {
        case MSG: {
          const to = pid();
          deliverSignal(this.inbound, { type: "message", to, message: value() });
          break;
        }
        case CALL: {
          const to = pid();
          const fromPid = optPid();
          const r = ref();
          const request = value();
          const from = it.fromBack(r) ?? new From(fromPid, r);
          deliverSignal(this.inbound, {
            type: "message",
            to,
            message: new CallRequest(from, request),
          });
          break;
        }
        case LINK:
        case UNLINK: {
          const from = pid();
          const to = pid();
          deliverSignal(this.inbound, { type: kind === LINK ? "link" : "unlink", from, to });
          break;
        }
        case EXIT: {
          const from = pid();
          const to = pid();
          const reason = value();
          deliverSignal(this.inbound, { type: "exit", from, to, reason, link: b[i++] === true });
          break;
        }
        case MONITOR:
        case DEMONITOR: {
          const from = pid();
          const to = pid();
          deliverSignal(this.inbound, {
            type: kind === MONITOR ? "monitor" : "demonitor",
            from,
            to,
            ref: ref(),
          });
          break;
        }
        case DOWN: {
          const from = pid();
          const to = pid();
          const r = ref();
          deliverSignal(this.inbound, { type: "down", from, to, ref: r, reason: value() });
          break;
        }
        case REPLY: {
          const r = ref();
          deliverSignal(this.inbound, { type: "reply", ref: r, value: value() });
          break;
        }
        case SEND_NAMED: {
          const to = { name: b[i++] as string, node: here };
          const from = optPid();
          deliverSignal(this.inbound, { type: "send-named", from, to, message: value() });
          break;
        }
        case CALL_NAMED: {
          const to = { name: b[i++] as string, node: here };
          const fromPid = optPid();
          const r = ref();
          const request = value();
          const from = it.fromBack(r) ?? new From(fromPid, r);
          deliverSignal(this.inbound, {
            type: "send-named",
            from: fromPid,
            to,
            message: new CallRequest(from, request),
          });
          break;
        }
        case MONITOR_NAMED:
        case DEMONITOR_NAMED: {
          const to = { name: b[i++] as string, node: here };
          const from = pid();
          deliverSignal(this.inbound, {
            type: kind === MONITOR_NAMED ? "monitor-named" : "demonitor-named",
            from,
            to,
            ref: ref(),
          });
          break;
        }
        case DOWN_NAMED: {
          const from = { name: b[i++] as string, node: peer };
          const to = pid();
          const r = ref();
          deliverSignal(this.inbound, { type: "down", from, to, ref: r, reason: value() });
          break;
        }
        case SPAWN: {
          const id = b[i++] as number;
          const from = optPid();
          const module = b[i] as string;
          const fn = b[i + 1] as string;
          const link = b[i + 2] === true;
          const mode = b[i + 3] === "call" ? "call" : "spawn";
          i += 4;
          const args = value() as unknown[];
          this.ctx.serveSpawn(this, { id, from, module, fn, args, link, mode });
          break;
        }
        case SPAWNED: {
          const id = b[i++] as number;
          const ok = b[i++] === true;
          this.ctx.spawnAnswered(peer, { id, ok, value: value() });
          break;
        }
        default:
          // Not a batch this carrier wrote: stop reading it.
          return;
      }
    }
  }
}
