/**
 * The `Telemetry` module object: the handler table of the calling process's runtime.
 *
 * @module
 */
import { currentProc, defaultRuntime, type Runtime } from "./runtime.js";
import type {
  EventName,
  HandlerInfo,
  Measurements,
  Metadata,
  TelemetryHandler,
} from "./telemetry.js";

function hub(runtime: Runtime | undefined) {
  return (runtime ?? currentProc()?.rt ?? defaultRuntime()).telemetry;
}

/**
 * Options of the {@link Telemetry} functions.
 *
 * @example
 * ```ts
 * import { createRuntime, Telemetry } from "@trellis/core";
 * const runtime = createRuntime();
 * Telemetry.attach("t", ["app", "tick"], (_e, _m, _meta, config) => console.log(config), {
 *   runtime,
 *   config: { verbose: true },
 * });
 * ```
 * @since 0.1.0
 * @category Telemetry
 */
export interface TelemetryOptions {
  /** The runtime whose handler table to use. Default: the calling process's runtime, or the default runtime. */
  readonly runtime?: Runtime;
  /** A value passed to the handler as its fourth argument. */
  readonly config?: unknown;
}

/**
 * Telemetry events, the idea of Elixir's `:telemetry`: attach handlers to named events,
 * emit events of your own, and time work with {@link Telemetry.span}. Each runtime has its
 * own handler table ({@link Runtime.telemetry}); these functions use the calling process's
 * runtime, the default runtime outside process code, or `options.runtime`.
 *
 * Events emitted by Trellis (measurements in milliseconds of the runtime's clock):
 *
 * | event | measurements | metadata |
 * | --- | --- | --- |
 * | `trellis.process.spawn` | `monotonicTime` | `pid`, `spawner` |
 * | `trellis.process.exit` | `monotonicTime`, `reductions` | `pid`, `reason`, `name`, `behaviour` |
 * | `trellis.call.start` | `monotonicTime`, `systemTime` | `caller`, `target`, `module`, `function`, `args`, `ref`, `context` (settable) |
 * | `trellis.call.stop` | `duration`, `monotonicTime` | as start |
 * | `trellis.call.exception` | `duration`, `monotonicTime` | as start, `kind`, `reason` |
 * | `trellis.genServer.handleCall.start/stop/exception` | `duration` on stop | `pid`, `request`, `from`, `context` |
 * | `trellis.stateMachine.transition` | `monotonicTime` | `pid`, `from`, `to`, `event` |
 * | `trellis.supervisor.child.restart` | `restarts` | `supervisor`, `id`, `pid` |
 * | `trellis.supervisor.child.shutdown` | `monotonicTime` | `supervisor`, `id`, `pid`, `reason` |
 * | `trellis.supervisor.intensity.exceeded` | `maxRestarts`, `maxSeconds` | `supervisor`, `id` |
 * | `trellis.task.timeout` | `timeout` | `task`, `owner` |
 *
 * @example
 * ```ts
 * import { Telemetry } from "@trellis/core";
 * Telemetry.attach("slow-calls", ["trellis", "call", "stop"], (_e, m, meta) => {
 *   if ((m.duration ?? 0) > 100) console.warn("slow call to", String(meta.target));
 * });
 * Telemetry.execute(["my_app", "job", "done"], { count: 1 }, { queue: "mail" });
 * Telemetry.detach("slow-calls");
 * ```
 * @since 0.1.0
 * @category Telemetry
 */
export const Telemetry: {
  /** Attaches `handler` to `event` under a unique `id`. */
  attach(id: string, event: EventName, handler: TelemetryHandler, options?: TelemetryOptions): void;
  /** Attaches `handler` to several events under one `id`. */
  attachMany(
    id: string,
    events: readonly EventName[],
    handler: TelemetryHandler,
    options?: TelemetryOptions,
  ): void;
  /** Detaches the handler attached as `id`; `false` if there was none. */
  detach(id: string, options?: TelemetryOptions): boolean;
  /** Emits an event to the handlers attached to it. */
  execute(
    event: EventName,
    measurements: Measurements,
    metadata?: Metadata,
    options?: TelemetryOptions,
  ): void;
  /** Runs `fn` between `start` and `stop` (or `exception`) events under `prefix`. */
  span<T>(prefix: EventName, metadata: Metadata, fn: () => T, options?: TelemetryOptions): T;
  /** The attached handlers whose event starts with `prefix`. */
  listHandlers(prefix?: EventName, options?: TelemetryOptions): HandlerInfo[];
} = {
  attach: (id, event, handler, options) =>
    hub(options?.runtime).attach(id, event, handler, options?.config),
  attachMany: (id, events, handler, options) =>
    hub(options?.runtime).attachMany(id, events, handler, options?.config),
  detach: (id, options) => hub(options?.runtime).detach(id),
  execute: (event, measurements, metadata, options) =>
    hub(options?.runtime).execute(event, measurements, metadata),
  span: (prefix, metadata, fn, options) => hub(options?.runtime).span(prefix, metadata, fn),
  listHandlers: (prefix, options) => hub(options?.runtime).listHandlers(prefix),
};
