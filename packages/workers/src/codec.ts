/**
 * What crosses a MessagePort: values prepared for the structured-clone algorithm on the way
 * out, and revived on the way in, so that every term Trellis defines (pids, refs, the
 * runtime's messages, call envelopes, errors, `TermMap`) arrives as what it was.
 *
 * Encoding copies only what it has to: a message of plain data (no pid, no class instance)
 * is handed to `postMessage` as it is, and flagged so that the receiver does not walk it.
 *
 * @module
 * @internal
 */
import {
  AlreadyStartedError,
  BadArgumentError,
  CallError,
  CallingSelfError,
  CallRequest,
  CallTimeoutError,
  CancelTimerMessage,
  CastRequest,
  DownMessage,
  ExitError,
  ExitMessage,
  From,
  InitError,
  isCancelTimer,
  isDown,
  isExit,
  isTimeout,
  NoProcessError,
  NotInProcessError,
  Pid,
  ProcessExitedError,
  Ref,
  type Runtime,
  SystemRequest,
  TermMap,
  TimeoutMessage,
  TrellisError,
} from "@trellis/core";
import { SharedCounters } from "./counters.js";
import { SpawnError, UncloneableError, WorkerStartError } from "./errors.js";
import type { Interner } from "./interner.js";

/** The key that marks an encoded value. A user object with this key is escaped. */
const TAG = "\u0000t";
const MAX_DEPTH = 256;

const transferMarks = new WeakSet<object>();

/**
 * Marks a binary to be moved, not copied, when it is sent to another worker: after the
 * send, it is detached (empty) in the sender. Returns `bytes`. Sending to a process of the
 * same node ignores the mark.
 *
 * @example
 * ```ts
 * import { send } from "@trellis/core";
 * import { transfer } from "@trellis/workers";
 * const frame = new Uint8Array(1 << 20);
 * send(remotePid, { frame: transfer(frame) }); // frame.byteLength is 0 afterwards
 * ```
 * @since 0.1.0
 * @category Messages
 */
export function transfer<T extends ArrayBuffer | ArrayBufferView>(bytes: T): T {
  if (bytes instanceof ArrayBuffer) transferMarks.add(bytes);
  else if (ArrayBuffer.isView(bytes) && bytes.buffer instanceof ArrayBuffer)
    transferMarks.add(bytes.buffer);
  else
    throw new BadArgumentError(
      "transfer: expected an ArrayBuffer or a view of one (a SharedArrayBuffer is shared, not moved)",
    );
  return bytes;
}

type PidC = [string, number, number, number];
type RefC = [string, number, number];

const objectProto: object = Object.prototype;

function isPlain(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === objectProto || proto === null;
}

function describe(v: unknown): string {
  if (typeof v === "function") return v.name ? `a function (${v.name})` : "a function";
  if (typeof v === "symbol") return `a unique symbol (${String(v)})`;
  const ctor = (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)
    ?.constructor;
  return `a ${ctor?.name ?? "value"}`;
}

const ERROR_CLASSES: Record<string, object> = {
  Error: Error.prototype,
  TypeError: TypeError.prototype,
  RangeError: RangeError.prototype,
  SyntaxError: SyntaxError.prototype,
  ReferenceError: ReferenceError.prototype,
  EvalError: EvalError.prototype,
  URIError: URIError.prototype,
  TrellisError: TrellisError.prototype,
  BadArgumentError: BadArgumentError.prototype,
  NotInProcessError: NotInProcessError.prototype,
  ProcessExitedError: ProcessExitedError.prototype,
  ExitError: ExitError.prototype,
  CallError: CallError.prototype,
  CallTimeoutError: CallTimeoutError.prototype,
  NoProcessError: NoProcessError.prototype,
  CallingSelfError: CallingSelfError.prototype,
  AlreadyStartedError: AlreadyStartedError.prototype,
  InitError: InitError.prototype,
  UncloneableError: UncloneableError.prototype,
  SpawnError: SpawnError.prototype,
  WorkerStartError: WorkerStartError.prototype,
};

/**
 * Encodes values for one postMessage. `strict` encoders throw {@link UncloneableError};
 * lenient ones (exit reasons, which must always be delivered) replace what cannot cross by
 * its description.
 */
export class Encoder {
  readonly interner: Interner;
  /** Buffers to move with the batch. */
  transfer: ArrayBuffer[] = [];
  /** Set when the last `encode` changed anything: the receiver must revive. */
  changed = false;
  private strict = true;

  constructor(interner: Interner) {
    this.interner = interner;
  }

  /** Encodes `v` (the part at `path`); returns `v` itself when it is plain data. */
  encode(v: unknown, path: string, strict: boolean): unknown {
    this.changed = false;
    this.strict = strict;
    return this.enc(v, path, 0);
  }

  private bad(path: string, v: unknown): unknown {
    if (this.strict) throw new UncloneableError(path, describe(v));
    this.changed = true;
    return typeof v === "function" ? `#Fun<${v.name || "anonymous"}>` : `#${describe(v)}`;
  }

  private mark(): void {
    this.changed = true;
  }

  private enc(v: unknown, path: string, depth: number): unknown {
    switch (typeof v) {
      case "number":
      case "string":
      case "boolean":
      case "undefined":
      case "bigint":
        return v;
      case "symbol": {
        const key = Symbol.keyFor(v);
        if (key === undefined) return this.bad(path, v);
        this.mark();
        return { [TAG]: "sym", k: key };
      }
      case "function":
        return this.bad(path, v);
    }
    if (v === null) return v;
    if (depth > MAX_DEPTH) {
      if (this.strict) throw new UncloneableError(path, "a value nested too deeply (a cycle?)");
      this.mark();
      return "#too-deep";
    }
    const o = v as object;
    const d = depth + 1;
    if (Array.isArray(o)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < o.length; i++) {
        const x: unknown = o[i];
        const y = this.enc(x, path, d);
        if (y !== x && out === undefined) out = o.slice(0, i);
        if (out !== undefined) out.push(y);
      }
      if (out === undefined) return o;
      this.mark();
      return out;
    }
    if (isPlain(o)) {
      const rec = o as Record<string, unknown>;
      let out: Record<string, unknown> | undefined;
      const keys = Object.keys(rec);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        const x = rec[k];
        const y = this.enc(x, path === "" ? k : `${path}.${k}`, d);
        if (y !== x && out === undefined) {
          out = {};
          for (let j = 0; j < i; j++) out[keys[j] as string] = rec[keys[j] as string];
        }
        if (out !== undefined) out[k] = y;
      }
      if (Object.hasOwn(rec, TAG)) {
        this.mark();
        return { [TAG]: "obj", v: out ?? { ...rec } };
      }
      if (out === undefined) {
        if (Object.getPrototypeOf(o) === null) {
          this.mark();
          return { ...rec };
        }
        return o;
      }
      this.mark();
      return out;
    }
    if (Pid.is(o)) {
      this.mark();
      this.interner.pidOut(o);
      return { [TAG]: "pid", c: [o.node, o.id, o.serial, o.creation] };
    }
    if (Ref.is(o)) {
      this.mark();
      this.interner.refOut(o);
      return { [TAG]: "ref", c: [o.node, o.id, o.creation] };
    }
    this.mark();
    if (o instanceof CallRequest)
      return { [TAG]: "call", f: this.from(o.from), r: this.enc(o.request, `${path}.request`, d) };
    if (o instanceof CastRequest)
      return { [TAG]: "cast", r: this.enc(o.request, `${path}.request`, d) };
    if (o instanceof SystemRequest)
      return { [TAG]: "sys", f: this.from(o.from), c: this.enc(o.command, `${path}.command`, d) };
    if (o instanceof From) return this.from(o);
    if (isExit(o))
      return { [TAG]: "EXIT", f: this.enc(o.from, path, d), r: this.lenient(o.reason, d) };
    if (isDown(o))
      return {
        [TAG]: "DOWN",
        ref: this.enc(o.ref, path, d),
        p: this.enc(o.pid, path, d),
        r: this.lenient(o.reason, d),
      };
    if (isTimeout(o))
      return {
        [TAG]: "timeout",
        ref: this.enc(o.ref, path, d),
        m: this.enc(o.message, `${path}.message`, d),
      };
    if (isCancelTimer(o))
      return { [TAG]: "cancel", ref: this.enc(o.ref, path, d), left: o.remaining };
    if (o instanceof SharedCounters) return { [TAG]: "ctr", b: o.buffer };
    if (o instanceof TermMap) {
      const e: unknown[] = [];
      for (const [k, x] of o as TermMap) e.push([this.enc(k, path, d), this.enc(x, path, d)]);
      return { [TAG]: "tmap", e };
    }
    if (o instanceof Map) {
      const e: unknown[] = [];
      for (const [k, x] of o) e.push([this.enc(k, path, d), this.enc(x, path, d)]);
      return { [TAG]: "map", e };
    }
    if (o instanceof Set) {
      const e: unknown[] = [];
      for (const x of o) e.push(this.enc(x, path, d));
      return { [TAG]: "set", e };
    }
    if (o instanceof Error) return this.error(o, path, d);
    if (o instanceof ArrayBuffer) {
      if (transferMarks.has(o)) this.transfer.push(o);
      return o;
    }
    if (ArrayBuffer.isView(o)) {
      const buf = o.buffer;
      if (buf instanceof ArrayBuffer && transferMarks.has(buf) && !this.transfer.includes(buf))
        this.transfer.push(buf);
      return o;
    }
    if (
      o instanceof Date ||
      o instanceof RegExp ||
      o instanceof SharedArrayBuffer ||
      o instanceof Boolean ||
      o instanceof Number ||
      o instanceof String
    )
      return o;
    if (
      o instanceof WeakMap ||
      o instanceof WeakSet ||
      o instanceof WeakRef ||
      o instanceof Promise ||
      typeof (o as { then?: unknown }).then === "function"
    )
      return this.bad(path, o);
    // Another class instance: its own enumerable data crosses as a plain object, as the
    // structured-clone algorithm would send it (the prototype stays behind).
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o))
      out[k] = this.enc((o as Record<string, unknown>)[k], `${path}.${k}`, d);
    return out;
  }

  private lenient(reason: unknown, depth: number): unknown {
    const saved = this.strict;
    this.strict = false;
    try {
      return this.enc(reason, "reason", depth);
    } finally {
      this.strict = saved;
    }
  }

  private from(f: From): unknown {
    const it = this.interner;
    it.fromOut(f);
    const p = f.pid;
    const r = f.ref;
    if (p !== undefined) it.pidOut(p);
    it.refOut(r);
    return {
      [TAG]: "from",
      p: p === undefined ? null : [p.node, p.id, p.serial, p.creation],
      ref: [r.node, r.id, r.creation],
    };
  }

  private error(e: Error, path: string, d: number): unknown {
    const props: Record<string, unknown> = {};
    for (const k of Object.keys(e)) {
      if (k === "name") continue;
      props[k] = this.lenient((e as unknown as Record<string, unknown>)[k], d);
    }
    const cause = "cause" in e ? this.lenient(e.cause, d) : undefined;
    return {
      [TAG]: "err",
      n: e.name,
      m: e.message,
      s: e.stack,
      p: props,
      ...("cause" in e ? { c: cause } : {}),
      path,
    };
  }
}

/** Revives encoded values in place (they are fresh copies made by postMessage). */
export class Decoder {
  readonly interner: Interner;
  readonly rt: Runtime;

  constructor(rt: Runtime, interner: Interner) {
    this.rt = rt;
    this.interner = interner;
  }

  decode(v: unknown): unknown {
    if (typeof v !== "object" || v === null) return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = this.decode(v[i]);
      return v;
    }
    if (Object.getPrototypeOf(v) !== objectProto) return v;
    const o = v as Record<string, unknown>;
    const tag = o[TAG];
    if (tag === undefined) {
      for (const k of Object.keys(o)) o[k] = this.decode(o[k]);
      return o;
    }
    switch (tag) {
      case "pid": {
        const c = o.c as PidC;
        return this.interner.pidIn(c[0], c[1], c[2], c[3]);
      }
      case "ref": {
        const c = o.c as RefC;
        return this.interner.refIn(c[0], c[1], c[2]);
      }
      case "sym":
        return Symbol.for(o.k as string);
      case "obj": {
        const inner = o.v as Record<string, unknown>;
        for (const k of Object.keys(inner)) inner[k] = this.decode(inner[k]);
        return inner;
      }
      case "call":
        return new CallRequest(this.from(o.f), this.decode(o.r));
      case "cast":
        return new CastRequest(this.decode(o.r));
      case "sys":
        return new SystemRequest(this.from(o.f), this.decode(o.c) as never);
      case "from":
        return this.from(o);
      case "EXIT":
        return new ExitMessage(this.decode(o.f) as Pid, this.decode(o.r));
      case "DOWN":
        return new DownMessage(
          this.decode(o.ref) as Ref,
          this.decode(o.p) as Pid,
          this.decode(o.r),
        );
      case "timeout":
        return new TimeoutMessage(this.decode(o.ref) as Ref, this.decode(o.m));
      case "cancel":
        return new CancelTimerMessage(this.decode(o.ref) as Ref, o.left as number | false);
      case "ctr":
        return new SharedCounters(o.b as SharedArrayBuffer);
      case "tmap": {
        const m = new TermMap();
        for (const e of o.e as [unknown, unknown][])
          m.set(this.decode(e[0]) as never, this.decode(e[1]));
        return m;
      }
      case "map": {
        const m = new Map<unknown, unknown>();
        for (const e of o.e as [unknown, unknown][]) m.set(this.decode(e[0]), this.decode(e[1]));
        return m;
      }
      case "set": {
        const s = new Set<unknown>();
        for (const e of o.e as unknown[]) s.add(this.decode(e));
        return s;
      }
      case "err": {
        const name = o.n as string;
        const proto = ERROR_CLASSES[name] ?? Error.prototype;
        const e = Object.create(proto) as Error & Record<string, unknown>;
        Object.defineProperty(e, "message", { value: o.m, writable: true, configurable: true });
        Object.defineProperty(e, "stack", { value: o.s, writable: true, configurable: true });
        const props = o.p as Record<string, unknown>;
        for (const k of Object.keys(props)) e[k] = this.decode(props[k]);
        if (e.name !== name)
          Object.defineProperty(e, "name", { value: name, writable: true, configurable: true });
        if ("c" in o)
          Object.defineProperty(e, "cause", {
            value: this.decode(o.c),
            writable: true,
            configurable: true,
          });
        return e;
      }
      default:
        return o;
    }
  }

  private from(o: unknown): From {
    const f = o as { p: PidC | null; ref: RefC };
    const ref = this.interner.refIn(f.ref[0], f.ref[1], f.ref[2]);
    // Back home: the very envelope that left, so a reply reaches the waiting call directly.
    // Otherwise the reply goes back as a signal: core routes it by the call's reference.
    return (
      this.interner.fromBack(ref) ??
      new From(f.p === null ? undefined : this.interner.pidIn(f.p[0], f.p[1], f.p[2], f.p[3]), ref)
    );
  }
}
