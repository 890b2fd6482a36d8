/**
 * The runtime's public types: names, destinations, log reports, options, and the signals,
 * transports and inbound ends through which runtimes of different nodes talk.
 *
 * @module
 */
import type { Clock } from "../clock.js";
import type { LogLevel } from "../console-logger.js";
import type { RegisteredName } from "../messages.js";
import type { Pid, Ref } from "../pid.js";

/**
 * A name registry that plugs into every `name` option and every `send`: Erlang's
 * `{via, Module, Name}`. `@trellis/registry` implements it; so can you.
 *
 * @example
 * ```ts
 * import type { NameRegistry, Pid } from "@trellis/core";
 * import { send } from "@trellis/core";
 * const table = new Map<string, Pid>();
 * const simple: NameRegistry<string> = {
 *   registerName: (key, pid) => (table.has(key) ? false : (table.set(key, pid), true)),
 *   unregisterName: (key) => void table.delete(key),
 *   whereisName: (key) => table.get(key),
 *   send: (key, msg) => {
 *     const pid = table.get(key);
 *     if (pid === undefined) throw new Error(`no process named ${key}`);
 *     send(pid, msg);
 *   },
 * };
 * ```
 * @since 0.1.0
 * @category Names
 */
export interface NameRegistry<K = unknown> {
  /** Registers `pid` under `key`; returns `false` if the key is taken. */
  registerName(key: K, pid: Pid): boolean;
  /** Removes `key`. */
  unregisterName(key: K): void;
  /** The pid registered under `key`, or `undefined`. */
  whereisName(key: K): Pid | undefined;
  /** Sends `message` to the process registered under `key`; throws if there is none. */
  send(key: K, message: unknown): void;
}

/**
 * A name held by a {@link NameRegistry}: Erlang's `{via, Module, Name}`. Make one with
 * {@link via}.
 *
 * @since 0.1.0
 * @category Names
 */
export interface ViaName<K = unknown> {
  /** The registry. */
  readonly via: NameRegistry<K>;
  /** The key in that registry. */
  readonly key: K;
}

/**
 * A process name: a locally registered name (a string, Erlang's atom) or a {@link ViaName}.
 *
 * @since 0.1.0
 * @category Names
 */
export type ProcessName = string | ViaName;

/**
 * A process registered under `name` on node `node`: Erlang's `{Name, Node}`. It is a
 * {@link Dest} wherever one is taken: `send`, `monitor`, `call`, `cast` and the behaviours'
 * `call`/`cast` (GenServer, GenStateMachine, Agent). The name is looked up on that node when
 * the signal arrives there: a message to a name nobody holds is dropped (as in OTP), a
 * monitor gets a DOWN `"noproc"`, and a node that cannot be reached gives `"noconnection"`.
 * A `RemoteName` on the runtime's own node is the local name. Same shape as the
 * {@link RegisteredName} a DOWN carries for a monitor by name.
 *
 * @example
 * ```ts
 * import { type RemoteName, send } from "@trellis/core";
 * const counter: RemoteName = { name: "counter", node: "b@localhost" };
 * send(counter, "increment");
 * ```
 * @since 0.1.0
 * @category Names
 */
export interface RemoteName {
  /** The registered name on that node. */
  readonly name: string;
  /** The node, `"name@host"`. */
  readonly node: string;
}

/**
 * Where a message can go: a pid, a name, or a name on another node ({@link RemoteName}).
 *
 * @since 0.1.0
 * @category Processes
 */
export type Dest = Pid | ProcessName | RemoteName;

/**
 * A log record from the runtime.
 *
 * @since 0.1.0
 * @category Runtime
 */
export interface LogReport {
  /**
   * What happened: `"crash"` for a process that exited abnormally by its own exception (for
   * a plain process an error or throw, not `exit(reason)`, as in OTP).
   */
  readonly kind: "crash" | "error" | "warning" | "info";
  /** A readable one-line summary. */
  readonly message: string;
  /** The process concerned, if any. */
  readonly pid?: Pid;
  /** Its registered name, if any. */
  readonly name?: string;
  /** The exit reason, for crashes. */
  readonly reason?: unknown;
  /** The severity; when absent it follows `kind` (see {@link levelOf}). */
  readonly level?: LogLevel;
  /** The behaviour of the process concerned, if any (`"GenServer"`…). */
  readonly behaviour?: string;
  /** Where the report comes from; `["otp", "sasl"]` marks supervisor and crash reports. */
  readonly domain?: readonly string[];
  /** Anything else a behaviour attaches (state, last message…). */
  readonly [extra: string]: unknown;
}

/**
 * Where a runtime sends its reports. The default is {@link consoleLogger}.
 *
 * @example
 * ```ts
 * import { createRuntime, type Logger, type LogReport } from "@trellis/core";
 * const seen: LogReport[] = [];
 * const logger: Logger = { log: (r) => void seen.push(r) };
 * const rt = createRuntime({ logger });
 * ```
 * @since 0.1.0
 * @category Runtime
 */
export interface Logger {
  /** Receives one report. Must not throw. */
  log(report: LogReport): void;
  /**
   * Whether a report of `level` (from `domain`, e.g. `["otp", "sasl"]` for supervisor and
   * crash reports) would be written. When it answers `false` the runtime and the behaviours
   * do not build that report at all, as OTP's logger checks the level before a report is
   * formatted; such reports never reach {@link Logger.log}. Without it every report is
   * built and logged. Must not throw (a throw counts as `true`).
   */
  wants?(level: LogLevel, domain: readonly string[] | undefined): boolean;
}

/**
 * Options of {@link createRuntime}.
 *
 * @since 0.1.0
 * @category Runtime
 */
export interface RuntimeOptions {
  /** The node name, as in `name@host`. Default `"nonode@nohost"`. */
  readonly node?: string;
  /** The node's creation number (distinguishes restarts of a node). Default `1`. */
  readonly creation?: number;
  /** `"real"` (default), `"virtual"` (a new {@link VirtualClock}), or a clock instance. */
  readonly clock?: Clock | "real" | "virtual";
  /** Where reports go. Default: {@link consoleLogger} at level `"info"`, without SASL reports. */
  readonly logger?: Logger;
  /** Messages a process may handle in one turn before others get theirs. Default `200`. */
  readonly budget?: number;
  /** Milliseconds of work after which the scheduler yields to the event loop. Default `2`. */
  readonly sliceMs?: number;
}

/**
 * A signal crossing from one runtime to another: the one routing point through which every
 * send, link, unlink, exit, monitor and demonitor to a process of another node leaves.
 *
 * @since 0.1.0
 * @category Nodes
 */
export type Signal =
  | {
      /** A message. */
      readonly type: "message";
      /** The receiving process. */
      readonly to: Pid;
      /** The message. */
      readonly message: unknown;
    }
  | {
      /** Create a link. */
      readonly type: "link";
      /** The process asking for the link. */
      readonly from: Pid;
      /** The process to link to. */
      readonly to: Pid;
    }
  | {
      /** Remove a link. */
      readonly type: "unlink";
      /** The process removing the link. */
      readonly from: Pid;
      /** The other end of the link. */
      readonly to: Pid;
    }
  | {
      /** An exit signal. */
      readonly type: "exit";
      /** The exiting (or signalling) process. */
      readonly from: Pid;
      /** The receiving process. */
      readonly to: Pid;
      /** The exit reason. */
      readonly reason: unknown;
      /** `true` for a link's exit signal, `false` for `exit(pid, reason)`. */
      readonly link: boolean;
    }
  | {
      /** Start monitoring. */
      readonly type: "monitor";
      /** The watching process. */
      readonly from: Pid;
      /** The watched process. */
      readonly to: Pid;
      /** The monitor reference. */
      readonly ref: Ref;
    }
  | {
      /** Stop monitoring. */
      readonly type: "demonitor";
      /** The watching process. */
      readonly from: Pid;
      /** The watched process. */
      readonly to: Pid;
      /** The monitor reference. */
      readonly ref: Ref;
    }
  | {
      /** A monitored process went down. */
      readonly type: "down";
      /** The process that went down, or the name it was monitored by (`"monitor-named"`). */
      readonly from: Pid | RemoteName;
      /** The watching process. */
      readonly to: Pid;
      /** The monitor reference. */
      readonly ref: Ref;
      /** Why it went down. */
      readonly reason: unknown;
    }
  | {
      /** The reply to a call. */
      readonly type: "reply";
      /** The call's reference. */
      readonly ref: Ref;
      /** The reply. */
      readonly value: unknown;
    }
  | {
      /** A message to the process registered under a name on the peer (Erlang's REG_SEND). */
      readonly type: "send-named";
      /** The sending process, if the message was sent from process code. */
      readonly from: Pid | undefined;
      /** The name, on the receiving node. */
      readonly to: RemoteName;
      /** The message. */
      readonly message: unknown;
    }
  | {
      /** Start monitoring the process registered under a name on the peer. */
      readonly type: "monitor-named";
      /** The watching process. */
      readonly from: Pid;
      /** The watched name, on the receiving node. */
      readonly to: RemoteName;
      /** The monitor reference. */
      readonly ref: Ref;
    }
  | {
      /** Stop a monitor made by `"monitor-named"`. */
      readonly type: "demonitor-named";
      /** The watching process. */
      readonly from: Pid;
      /** The watched name, on the receiving node. */
      readonly to: RemoteName;
      /** The monitor reference. */
      readonly ref: Ref;
    };

/**
 * A connection to another node: carries signals there. See `connectInMemory`.
 *
 * @since 0.1.0
 * @category Nodes
 */
export interface Transport {
  /** Carries one signal to the peer node, preserving order per sender and receiver. */
  deliver(signal: Signal): void;
  /** Called once when this runtime drops the connection (disconnect, shutdown): tell the peer. */
  close?(): void;
}

/**
 * The receiving end of a connection, returned by {@link Runtime.connect}: the transport
 * hands it every signal the peer node sends. Whoever holds it can inject signals as that
 * peer, so a transport keeps it to itself.
 *
 * @example
 * ```ts
 * import { createRuntime, type Signal } from "@trellis/core";
 * const rt = createRuntime({ node: "a@host" });
 * const inbound = rt.connect("b@host", { deliver: (signal: Signal) => void signal });
 * // later, for each signal decoded from the wire:
 * // inbound.receive(signal);
 * ```
 * @since 0.1.0
 * @category Nodes
 */
export interface Inbound {
  /**
   * Hands over one signal from the peer. Dropped (and reported as a warning) when it is
   * malformed, names a sender that is not on the peer node or a target that is not on this
   * one; ignored once the connection has been dropped.
   */
  receive(signal: Signal): void;
}

/**
 * What {@link Runtime.processInfo} tells about a process.
 *
 * @since 0.1.0
 * @category Introspection
 */
export interface ProcessInfo {
  /** The process. */
  readonly pid: Pid;
  /**
   * `running` (executing now, e.g. the caller itself), `runnable` (queued to run), `waiting`
   * (blocked in `receive`, or an idle special process), or `busy` (awaiting something other
   * than a message, such as I/O inside a callback).
   */
  readonly status: "running" | "runnable" | "waiting" | "busy";
  /** Messages in the mailbox. */
  readonly messageQueueLength: number;
  /** Linked processes. */
  readonly links: readonly Pid[];
  /** Monitors this process holds: the monitored pid (or name) and the reference. */
  readonly monitors: readonly {
    /** The monitor reference. */
    readonly ref: Ref;
    /** The monitored process, or the name it was monitored by. */
    readonly pid: Pid | string;
  }[];
  /** Processes monitoring this one. */
  readonly monitoredBy: readonly Pid[];
  /** The locally registered name, or `undefined`. */
  readonly registeredName: string | undefined;
  /** The behaviour running in it (`"GenServer"`…), or `undefined` for a plain process. */
  readonly behaviour: string | undefined;
  /** Messages handled so far (Trellis's reductions). */
  readonly reductions: number;
  /** A rough estimate of the bytes it holds. */
  readonly memory: number;
  /** Whether it traps exits. */
  readonly trapExit: boolean;
  /** The process that started it, if it was started by the special-process toolkit. */
  readonly parent: Pid | undefined;
  /** Its process dictionary (`putProcessData`), e.g. a task's `$callers` and `$ancestors`. */
  readonly dictionary: Readonly<Record<string, unknown>>;
}

/**
 * What `receive` resolves with when its timeout expires (Erlang's `after` branch).
 *
 * @example
 * ```ts
 * import { receive, TIMEOUT } from "@trellis/core";
 * const msg = await receive(() => true, { timeout: 100 });
 * if (msg === TIMEOUT) console.log("nothing came");
 * ```
 * @since 0.1.0
 * @category Processes
 */
export const TIMEOUT: unique symbol = Symbol.for("trellis.receive.timeout");
