/**
 * The MessagePort carrier: core's signals between two nodes over one MessagePort, batched
 * per event-loop turn, encoded and revived by the codec. One carrier per connected pair.
 *
 * @module
 * @internal
 */
import type { MessagePort } from "node:worker_threads";
import { formatReason, type Pid, type Ref, type Signal, type Transport } from "@trellis/core";
import { Decoder, Encoder } from "./codec.js";
import type { NodeContext } from "./node-context.js";
import { deliverSignal } from "./seam.js";

type PidC = [string, number, number, number];
type RefC = [string, number, number];

// Frame entry kinds. Every entry is an array whose first element is its kind.
const MSG = 0;
const LINK = 1;
const UNLINK = 2;
const EXIT = 3;
const MONITOR = 4;
const DEMONITOR = 5;
const DOWN = 6;
const REPLY = 7;
/** Carrier-level: a spawn or a remote call request. */
export const SPAWN = 8;
/** Carrier-level: the answer to {@link SPAWN}. */
export const SPAWNED = 9;

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
  private scheduled = false;
  private closed = false;

  constructor(ctx: NodeContext, peer: string, port: MessagePort) {
    this.ctx = ctx;
    this.peer = peer;
    this.port = port;
    this.enc = new Encoder(ctx.interner);
    this.dec = new Decoder(ctx.rt, ctx.interner);
    port.on("message", (batch: unknown[]) => this.receive(batch));
    port.on("close", () => this.ctx.peerGone(this));
  }

  // -------------------------------------------------------------------------------------
  // Out

  private pid(p: Pid): PidC {
    return this.ctx.interner.pidOut(p);
  }

  private ref(r: Ref): RefC {
    return this.ctx.interner.refOut(r);
  }

  /** Encodes `v`; a flag says whether the receiver must revive it. */
  private value(v: unknown, path: string, strict: boolean): [unknown, number] {
    const saved = this.enc.transfer.length;
    try {
      const e = this.enc.encode(v, path, strict);
      return [e, this.enc.changed ? 1 : 0];
    } catch (err) {
      this.enc.transfer.length = saved;
      throw err;
    }
  }

  deliver(signal: Signal): void {
    if (this.closed) return;
    switch (signal.type) {
      case "message": {
        // Throws UncloneableError to the sender before anything is queued.
        const [m, r] = this.value(signal.message, "message", true);
        this.push([MSG, this.pid(signal.to), m, r]);
        return;
      }
      case "link":
        this.push([LINK, this.pid(signal.from), this.pid(signal.to)]);
        return;
      case "unlink":
        this.push([UNLINK, this.pid(signal.from), this.pid(signal.to)]);
        return;
      case "exit": {
        const [reason, r] = this.value(signal.reason, "reason", false);
        this.push([EXIT, this.pid(signal.from), this.pid(signal.to), reason, r, signal.link]);
        return;
      }
      case "monitor":
        this.push([MONITOR, this.pid(signal.from), this.pid(signal.to), this.ref(signal.ref)]);
        return;
      case "demonitor":
        this.push([DEMONITOR, this.pid(signal.from), this.pid(signal.to), this.ref(signal.ref)]);
        return;
      case "down": {
        const [reason, r] = this.value(signal.reason, "reason", false);
        this.push([
          DOWN,
          this.pid(signal.from),
          this.pid(signal.to),
          this.ref(signal.ref),
          reason,
          r,
        ]);
        return;
      }
      case "reply": {
        const [v, r] = this.value(signal.value, "reply", true);
        this.push([REPLY, this.ref(signal.ref), v, r]);
        return;
      }
      default:
        // A signal kind this carrier does not know (added to core later): say so, once.
        this.ctx.rt.logger.log({
          kind: "warning",
          message: `worker carrier to ${this.peer}: dropped a signal it cannot carry: ${formatReason((signal as { type?: unknown }).type)}`,
        });
    }
  }

  /** Sends a carrier-level spawn request; throws UncloneableError for bad arguments. */
  spawnRequest(f: SpawnFrame): void {
    const [args, r] = this.value(f.args, "args", true);
    this.push([
      SPAWN,
      f.id,
      f.from === undefined ? null : this.pid(f.from),
      f.module,
      f.fn,
      args,
      r,
      f.link,
      f.mode,
    ]);
  }

  /** Sends the answer to a spawn request. */
  spawnReply(f: SpawnedFrame): void {
    let v: unknown;
    let r: number;
    let ok = f.ok;
    try {
      [v, r] = this.value(f.value, "result", true);
    } catch (err) {
      ok = false;
      [v, r] = this.value(err, "result", false);
    }
    this.push([SPAWNED, f.id, ok, v, r]);
  }

  private push(entry: unknown[]): void {
    this.out.push(entry);
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
      // The codec should have refused anything uncloneable at the sender; if a value still
      // slipped through (a host object), send what can go, one entry at a time.
      for (const entry of batch) {
        try {
          this.port.postMessage([entry]);
        } catch {
          this.ctx.rt.logger.log({
            kind: "error",
            message: `worker carrier to ${this.peer}: dropped a signal that cannot be cloned: ${formatReason(err)}`,
            reason: err,
          });
        }
      }
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

  private receive(batch: unknown[]): void {
    if (this.closed) return;
    const rt = this.ctx.rt;
    const i = this.ctx.interner;
    const d = this.dec;
    for (const raw of batch) {
      const e = raw as unknown[];
      switch (e[0]) {
        case MSG:
          deliverSignal(rt, {
            type: "message",
            to: i.pidIn(e[1] as PidC),
            message: e[3] === 1 ? d.decode(e[2]) : e[2],
          });
          break;
        case LINK:
          deliverSignal(rt, {
            type: "link",
            from: i.pidIn(e[1] as PidC),
            to: i.pidIn(e[2] as PidC),
          });
          break;
        case UNLINK:
          deliverSignal(rt, {
            type: "unlink",
            from: i.pidIn(e[1] as PidC),
            to: i.pidIn(e[2] as PidC),
          });
          break;
        case EXIT:
          deliverSignal(rt, {
            type: "exit",
            from: i.pidIn(e[1] as PidC),
            to: i.pidIn(e[2] as PidC),
            reason: e[4] === 1 ? d.decode(e[3]) : e[3],
            link: e[5] === true,
          });
          break;
        case MONITOR:
          deliverSignal(rt, {
            type: "monitor",
            from: i.pidIn(e[1] as PidC),
            to: i.pidIn(e[2] as PidC),
            ref: i.refIn(e[3] as RefC),
          });
          break;
        case DEMONITOR:
          deliverSignal(rt, {
            type: "demonitor",
            from: i.pidIn(e[1] as PidC),
            to: i.pidIn(e[2] as PidC),
            ref: i.refIn(e[3] as RefC),
          });
          break;
        case DOWN:
          deliverSignal(rt, {
            type: "down",
            from: i.pidIn(e[1] as PidC),
            to: i.pidIn(e[2] as PidC),
            ref: i.refIn(e[3] as RefC),
            reason: e[5] === 1 ? d.decode(e[4]) : e[4],
          });
          break;
        case REPLY:
          deliverSignal(rt, {
            type: "reply",
            ref: i.refIn(e[1] as RefC),
            value: e[3] === 1 ? d.decode(e[2]) : e[2],
          });
          break;
        case SPAWN:
          this.ctx.serveSpawn(this, {
            id: e[1] as number,
            from: e[2] === null ? undefined : i.pidIn(e[2] as PidC),
            module: e[3] as string,
            fn: e[4] as string,
            args: (e[6] === 1 ? d.decode(e[5]) : e[5]) as unknown[],
            link: e[7] === true,
            mode: e[8] === "call" ? "call" : "spawn",
          });
          break;
        case SPAWNED:
          this.ctx.spawnAnswered(this.peer, {
            id: e[1] as number,
            ok: e[2] === true,
            value: e[4] === 1 ? d.decode(e[3]) : e[3],
          });
          break;
      }
    }
  }
}
