/**
 * Telemetry: named events with measurements and metadata, the idea of Elixir's `:telemetry`.
 *
 * Core and every behaviour emit events at the points an operator cares about (a process
 * spawned or exited, a call started or stopped, a supervisor restarting a child, a state
 * machine changing state, a task timing out). Nothing listens by default, and then an emit
 * point costs one boolean check. Attach a handler to listen:
 *
 * ```ts
 * import { Telemetry } from "@trellis/core";
 * Telemetry.attach("log-calls", ["trellis", "call", "stop"], (_event, m, meta) => {
 *   console.log(`${String(meta.target)} answered in ${m.duration} ms`);
 * });
 * ```
 *
 * Handlers run synchronously, in the emitter, in the order they were attached. A handler
 * that throws is detached and the runtime's logger gets an `"error"` report; the emitter
 * never sees the exception. Each runtime (a node) has its own handler table,
 * {@link Runtime.telemetry}.
 *
 * @module
 */
import { BadArgumentError, formatReason } from "./errors.js";
import type { LogReport, Runtime } from "./runtime.js";

/**
 * An event name: a list of segments, `["trellis", "call", "stop"]` (Elixir's list of atoms).
 * Keep the arrays you emit constant: handlers are looked up once per array.
 *
 * @example
 * ```ts
 * import type { EventName } from "@trellis/core";
 * const CACHE_MISS: EventName = ["my_app", "cache", "miss"];
 * ```
 * @since 0.1.0
 * @category Telemetry
 */
export type EventName = readonly string[];

/**
 * The numbers an event carries: durations in milliseconds, counts, sizes.
 *
 * @example
 * ```ts
 * import type { Measurements } from "@trellis/core";
 * const m: Measurements = { duration: 12.5, rows: 3 };
 * ```
 * @since 0.1.0
 * @category Telemetry
 */
export type Measurements = Readonly<Record<string, number>>;

/**
 * What an event is about: pids, reasons, names, requests.
 *
 * @example
 * ```ts
 * import type { Metadata } from "@trellis/core";
 * const meta: Metadata = { table: "users", key: 42 };
 * ```
 * @since 0.1.0
 * @category Telemetry
 */
export type Metadata = Readonly<Record<string, unknown>>;

/**
 * A telemetry handler: called synchronously for each event it is attached to, with the
 * `config` given at attach time. It must not throw: a handler that throws is detached.
 *
 * @example
 * ```ts
 * import type { TelemetryHandler } from "@trellis/core";
 * const count: TelemetryHandler = (event, measurements) => {
 *   console.log(event.join("."), measurements);
 * };
 * ```
 * @since 0.1.0
 * @category Telemetry
 */
export type TelemetryHandler = (
  event: EventName,
  measurements: Measurements,
  metadata: Metadata,
  config: unknown,
) => void;

/**
 * One attached handler, as {@link TelemetryHub.listHandlers} reports it.
 *
 * @example
 * ```ts
 * import { Telemetry } from "@trellis/core";
 * for (const h of Telemetry.listHandlers(["trellis"])) console.log(h.id, h.event.join("."));
 * ```
 * @since 0.1.0
 * @category Telemetry
 */
export interface HandlerInfo {
  /** The id it was attached under. */
  readonly id: string;
  /** The event it listens to. */
  readonly event: EventName;
  /** The handler. */
  readonly handler: TelemetryHandler;
  /** The config passed to it. */
  readonly config: unknown;
}

interface Attached extends HandlerInfo {
  readonly key: string;
}

const SEP = "\u0000";

function keyOf(what: string, event: unknown): string {
  if (
    !Array.isArray(event) ||
    event.length === 0 ||
    !event.every((s) => typeof s === "string" && s.length > 0)
  ) {
    throw new BadArgumentError(
      `${what}: an event name is a non-empty array of non-empty strings, e.g. ["trellis", "call", "stop"]; got ${formatReason(event)}`,
    );
  }
  return (event as string[]).join(SEP);
}

let spanIds = 0;

/**
 * The telemetry handler table of one runtime: {@link Runtime.telemetry}. The module object
 * {@link Telemetry} acts on the calling process's runtime (or the default runtime).
 *
 * @example
 * ```ts
 * import { createRuntime } from "@trellis/core";
 * const rt = createRuntime({ clock: "virtual" });
 * rt.telemetry.attach("spawns", ["trellis", "process", "spawn"], (_e, _m, meta) => {
 *   console.log("spawned", String(meta.pid));
 * });
 * rt.spawn(async () => {});
 * ```
 * @since 0.1.0
 * @category Telemetry
 */
export class TelemetryHub {
  /**
   * Whether any handler is attached. Emit points test this first, so that an event nobody
   * listens to costs one property read.
   */
  enabled = false;
  private readonly byId = new Map<string, Attached[]>();
  private readonly byEvent = new Map<string, Attached[]>();
  /** Handlers by event array identity: emit points pass constant arrays, so no join per emit. */
  private cache = new WeakMap<EventName, readonly Attached[] | null>();
  private readonly host: { report(r: LogReport): void; now(): number };

  /** @internal Made by the runtime. */
  constructor(host: { report(r: LogReport): void; now(): number }) {
    this.host = host;
  }

  /**
   * Attaches `handler` to one event under a unique `id`.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const rt = createRuntime();
   * rt.telemetry.attach("exits", ["trellis", "process", "exit"], (_e, _m, meta) => {
   *   console.log(String(meta.pid), "exited:", meta.reason);
   * });
   * ```
   * @throws {BadArgumentError} if `id` is already attached, or for a bad event name
   */
  attach(id: string, event: EventName, handler: TelemetryHandler, config?: unknown): void {
    this.attachMany(id, [event], handler, config);
  }

  /**
   * Attaches `handler` to several events under one `id` (detached together).
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const rt = createRuntime();
   * rt.telemetry.attachMany(
   *   "calls",
   *   [["trellis", "call", "stop"], ["trellis", "call", "exception"]],
   *   (event, m) => console.log(event.at(-1), m.duration),
   * );
   * ```
   * @throws {BadArgumentError} if `id` is already attached, or for a bad event name
   */
  attachMany(
    id: string,
    events: readonly EventName[],
    handler: TelemetryHandler,
    config?: unknown,
  ): void {
    if (typeof id !== "string" || id.length === 0)
      throw new BadArgumentError(`telemetry attach: the id must be a non-empty string`);
    if (typeof handler !== "function") {
      throw new BadArgumentError(
        `telemetry attach: the handler must be a function, got ${formatReason(handler)}`,
      );
    }
    if (this.byId.has(id)) {
      throw new BadArgumentError(
        `telemetry attach: a handler is already attached as "${id}"; detach it first or pick another id`,
      );
    }
    if (!Array.isArray(events) || events.length === 0)
      throw new BadArgumentError(`telemetry attach: give at least one event name`);
    const entries: Attached[] = events.map((event) => ({
      id,
      event: [...event],
      key: keyOf("telemetry attach", event),
      handler,
      config,
    }));
    this.byId.set(id, entries);
    this.cache = new WeakMap();
    for (const a of entries) {
      const list = this.byEvent.get(a.key);
      // copy on write: an emit in progress keeps iterating its own array
      this.byEvent.set(a.key, list === undefined ? [a] : [...list, a]);
    }
    this.enabled = true;
  }

  /**
   * Detaches the handler attached as `id`. Returns `false` if there was none.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * createRuntime().telemetry.detach("nobody"); // false
   * ```
   */
  detach(id: string): boolean {
    const entries = this.byId.get(id);
    if (entries === undefined) return false;
    this.byId.delete(id);
    this.cache = new WeakMap();
    for (const a of entries) {
      const rest = (this.byEvent.get(a.key) ?? []).filter((x) => x.id !== id);
      if (rest.length === 0) this.byEvent.delete(a.key);
      else this.byEvent.set(a.key, rest);
    }
    this.enabled = this.byId.size > 0;
    return true;
  }

  /**
   * The attached handlers whose event starts with `prefix` (all of them for `[]`).
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * createRuntime().telemetry.listHandlers(["trellis"]); // []
   * ```
   */
  listHandlers(prefix: EventName = []): HandlerInfo[] {
    const out: HandlerInfo[] = [];
    for (const entries of this.byId.values()) {
      for (const a of entries) {
        if (prefix.every((s, i) => a.event[i] === s))
          out.push({ id: a.id, event: a.event, handler: a.handler, config: a.config });
      }
    }
    return out;
  }

  /**
   * Whether a handler is attached to `event`. Emit points whose metadata costs something to
   * build ask first. Treat event arrays as immutable: the answer is cached per array.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const rt = createRuntime();
   * const EVENT = ["my_app", "cache", "miss"] as const;
   * if (rt.telemetry.listening(EVENT)) rt.telemetry.execute(EVENT, { count: 1 }, {});
   * ```
   */
  listening(event: EventName): boolean {
    return this.enabled && this.handlersOf(event) !== null;
  }

  private handlersOf(event: EventName): readonly Attached[] | null {
    let list = this.cache.get(event);
    if (list === undefined) {
      list = Array.isArray(event) ? (this.byEvent.get(event.join(SEP)) ?? null) : null;
      this.cache.set(event, list);
    }
    return list;
  }

  /**
   * Emits an event: calls every handler attached to `event`, in attach order. A handler
   * that throws is detached and reported to the runtime's logger; `execute` itself never
   * throws because of a handler.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const rt = createRuntime();
   * rt.telemetry.execute(["my_app", "cache", "miss"], { count: 1 }, { key: "user:1" });
   * ```
   */
  execute(event: EventName, measurements: Measurements, metadata: Metadata = {}): void {
    if (!this.enabled) return;
    const list = this.handlersOf(event);
    if (list === null) return;
    for (const a of list) {
      try {
        a.handler(event, measurements, metadata, a.config);
      } catch (e) {
        this.detach(a.id);
        this.host.report({
          kind: "error",
          message: `telemetry handler "${a.id}" threw on ${event.join(".")} and was detached: ${formatReason(e)}`,
          reason: e,
          handlerId: a.id,
        });
      }
    }
  }

  /**
   * Runs `fn` between a `[...prefix, "start"]` and a `[...prefix, "stop"]` event (or
   * `[...prefix, "exception"]` if it throws or rejects, with `kind` and `reason` in the
   * metadata), like Elixir's `:telemetry.span`. Stop and exception carry `duration` in
   * milliseconds of the runtime's clock; all three share a `telemetrySpanContext` value.
   * Returns what `fn` returns (a promise is awaited for the stop event).
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const rt = createRuntime();
   * const rows = await rt.telemetry.span(["my_app", "query"], { table: "users" }, async () => {
   *   return [{ id: 1 }];
   * });
   * ```
   */
  span<T>(prefix: EventName, metadata: Metadata, fn: () => T): T {
    if (typeof fn !== "function") {
      throw new BadArgumentError(
        `telemetry span: expected a function to run, got ${formatReason(fn)}`,
      );
    }
    if (!this.enabled) return fn();
    const start = this.host.now();
    const meta = { ...metadata, telemetrySpanContext: ++spanIds };
    this.execute([...prefix, "start"], { monotonicTime: start, systemTime: Date.now() }, meta);
    const fail = (e: unknown): never => {
      this.execute(
        [...prefix, "exception"],
        { duration: this.host.now() - start, monotonicTime: this.host.now() },
        { ...meta, kind: "error", reason: e },
      );
      throw e;
    };
    const stop = (): void =>
      this.execute(
        [...prefix, "stop"],
        { duration: this.host.now() - start, monotonicTime: this.host.now() },
        meta,
      );
    let r: T;
    try {
      r = fn();
    } catch (e) {
      return fail(e);
    }
    if (r instanceof Promise) {
      return r.then((v: unknown) => {
        stop();
        return v;
      }, fail) as T;
    }
    stop();
    return r;
  }
}
