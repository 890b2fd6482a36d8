/**
 * The bridge from Trellis telemetry events to OpenTelemetry metrics and traces.
 *
 * @module
 */
import {
  type Attributes,
  type Context,
  context,
  type Meter,
  type MeterProvider,
  metrics,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import { defaultRuntime, type Metadata, type Pid, type Ref, type Runtime } from "@trellis/core";

/**
 * Options of {@link instrument}.
 *
 * @example
 * ```ts
 * import { createRuntime } from "@trellis/core";
 * import type { InstrumentOptions } from "@trellis/opentelemetry";
 * const options: InstrumentOptions = { runtime: createRuntime(), metrics: false };
 * ```
 * @since 0.1.0
 * @category OpenTelemetry
 */
export interface InstrumentOptions {
  /** The runtime to instrument. Default: the default runtime. */
  readonly runtime?: Runtime;
  /** Where spans go. Default: the global tracer provider (`trace.getTracerProvider()`). */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global meter provider (`metrics.getMeterProvider()`). */
  readonly meterProvider?: MeterProvider;
  /** Whether to make spans. Default `true`. */
  readonly traces?: boolean;
  /** Whether to record metrics. Default `true`. */
  readonly metrics?: boolean;
}

/**
 * A running instrumentation: `stop` detaches it from the runtime's telemetry and ends the
 * spans still open.
 *
 * @example
 * ```ts
 * import { instrument } from "@trellis/opentelemetry";
 * const instrumentation = instrument();
 * instrumentation.stop();
 * ```
 * @since 0.1.0
 * @category OpenTelemetry
 */
export interface Instrumentation {
  /** Detaches from the runtime; open spans end with an error status. */
  stop(): void;
}

/**
 * What travels with a call (`From.context`): the caller's span, as plain data so that it
 * crosses nodes too.
 *
 * @example
 * ```ts
 * import { isCallRequest, setMessageHandler } from "@trellis/core";
 * import type { CarriedSpanContext } from "@trellis/opentelemetry";
 * setMessageHandler((msg) => {
 *   if (isCallRequest(msg)) console.log((msg.from.context as CarriedSpanContext | undefined)?.traceId);
 * });
 * ```
 * @since 0.1.0
 * @category OpenTelemetry
 */
export interface CarriedSpanContext {
  /** Always `"otel"`: marks the context as this bridge's. */
  readonly kind: "otel";
  /** The W3C trace id (32 hex digits). */
  readonly traceId: string;
  /** The caller span's id (16 hex digits). */
  readonly spanId: string;
  /** The W3C trace flags (1: sampled). */
  readonly traceFlags: number;
}

const NAME = "@trellis/opentelemetry";
let instances = 0;

function isCarried(v: unknown): v is CarriedSpanContext {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as CarriedSpanContext).kind === "otel" &&
    typeof (v as CarriedSpanContext).traceId === "string" &&
    typeof (v as CarriedSpanContext).spanId === "string"
  );
}

/**
 * Bridges a runtime's telemetry events to OpenTelemetry.
 *
 * **Traces.** Each call (`GenServer.call`, `GenStateMachine.call`, any toolkit `call`) gets a
 * client span named after the operation (`GenServer.call`), a child of the caller's active
 * context. Its span context travels inside the call (`From.context`), so the server's
 * `handleCall` becomes a server span, child of the client span, also when the server runs on
 * another node. A call that times out or whose server dies ends with an error status.
 *
 * **Metrics.** `trellis.process.count` and `trellis.mailbox.length` (sum and max, observable
 * gauges read at each collection), `trellis.supervisor.restarts` (a counter by supervisor and
 * child id) and `trellis.call.duration` (a histogram in milliseconds by operation and outcome).
 *
 * @example
 * ```ts
 * import { instrument } from "@trellis/opentelemetry";
 * // after registering your OpenTelemetry SDK (NodeSDK, or providers of your own):
 * const instrumentation = instrument();
 * // … later
 * instrumentation.stop();
 * ```
 * @since 0.1.0
 * @category OpenTelemetry
 */
export function instrument(options: InstrumentOptions = {}): Instrumentation {
  const rt = options.runtime ?? defaultRuntime();
  const tracer: Tracer | undefined =
    options.traces === false
      ? undefined
      : (options.tracerProvider ?? trace.getTracerProvider()).getTracer(NAME);
  const meter: Meter | undefined =
    options.metrics === false
      ? undefined
      : (options.meterProvider ?? metrics.getMeterProvider()).getMeter(NAME);
  const id = `${NAME}#${++instances}`;
  const clientSpans = new Map<Ref, Span>();
  const serverSpans = new Map<Ref, Span>();

  const callDuration = meter?.createHistogram("trellis.call.duration", {
    unit: "ms",
    description: "Duration of calls, from the caller's side",
  });
  const restarts = meter?.createCounter("trellis.supervisor.restarts", {
    description: "Children restarted by supervisors",
  });
  const processCount = meter?.createObservableGauge("trellis.process.count", {
    description: "Live processes",
  });
  const mailbox = meter?.createObservableGauge("trellis.mailbox.length", {
    description: "Messages waiting in mailboxes: the sum over all processes, and the longest",
  });
  const observe = (result: { observe(v: number, a?: Attributes): void }): void => {
    result.observe(rt.processes().length);
  };
  const observeMailboxes = (result: { observe(v: number, a?: Attributes): void }): void => {
    let sum = 0;
    let max = 0;
    for (const pid of rt.processes()) {
      const n = rt.processInfo(pid)?.messageQueueLength ?? 0;
      sum += n;
      if (n > max) max = n;
    }
    result.observe(sum, { "trellis.aggregate": "sum" });
    result.observe(max, { "trellis.aggregate": "max" });
  };
  processCount?.addCallback(observe);
  mailbox?.addCallback(observeMailboxes);

  const opName = (m: Metadata): string => `${String(m.module)}.${String(m.function)}`;

  rt.telemetry.attachMany(
    id,
    [
      ["trellis", "call", "start"],
      ["trellis", "call", "stop"],
      ["trellis", "call", "exception"],
      ["trellis", "genServer", "handleCall", "start"],
      ["trellis", "genServer", "handleCall", "stop"],
      ["trellis", "genServer", "handleCall", "exception"],
      ["trellis", "supervisor", "child", "restart"],
    ],
    (event, measurements, meta) => {
      const where = event[1];
      const phase = event[event.length - 1];
      if (where === "call") {
        const ref = meta.ref as Ref;
        if (phase === "start") {
          if (tracer === undefined) return;
          const span = tracer.startSpan(
            opName(meta),
            {
              kind: SpanKind.CLIENT,
              attributes: {
                "trellis.target": String(meta.target),
                ...(meta.caller === undefined ? {} : { "trellis.caller": String(meta.caller) }),
              },
            },
            context.active(),
          );
          clientSpans.set(ref, span);
          const sc = span.spanContext();
          (meta as { context: unknown }).context = {
            kind: "otel",
            traceId: sc.traceId,
            spanId: sc.spanId,
            traceFlags: sc.traceFlags,
          } satisfies CarriedSpanContext;
          return;
        }
        callDuration?.record(measurements.duration ?? 0, {
          "trellis.operation": opName(meta),
          "trellis.outcome": phase === "stop" ? "ok" : "error",
        });
        const span = clientSpans.get(ref);
        if (span === undefined) return;
        clientSpans.delete(ref);
        if (phase === "exception") fail(span, meta.reason);
        span.end();
        return;
      }
      if (where === "genServer") {
        if (tracer === undefined) return;
        const ref = (meta.from as { ref: Ref }).ref;
        if (phase === "start") {
          const carried = meta.context;
          const parent: Context = isCarried(carried)
            ? trace.setSpanContext(ROOT_CONTEXT, {
                traceId: carried.traceId,
                spanId: carried.spanId,
                traceFlags: carried.traceFlags,
                isRemote: true,
              })
            : context.active();
          serverSpans.set(
            ref,
            tracer.startSpan(
              "GenServer.handleCall",
              { kind: SpanKind.SERVER, attributes: { "trellis.server": String(meta.pid as Pid) } },
              parent,
            ),
          );
          return;
        }
        const span = serverSpans.get(ref);
        if (span === undefined) return;
        serverSpans.delete(ref);
        if (phase === "exception") fail(span, meta.reason);
        span.end();
        return;
      }
      restarts?.add(1, {
        "trellis.supervisor": String(meta.supervisor),
        "trellis.child": typeof meta.id === "string" ? meta.id : String(meta.id),
      });
    },
  );

  return {
    stop() {
      rt.telemetry.detach(id);
      processCount?.removeCallback(observe);
      mailbox?.removeCallback(observeMailboxes);
      for (const span of [...clientSpans.values(), ...serverSpans.values()]) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: "instrumentation stopped" });
        span.end();
      }
      clientSpans.clear();
      serverSpans.clear();
    },
  };
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === "string") return reason;
  try {
    return JSON.stringify(reason) ?? String(reason);
  } catch {
    return String(reason);
  }
}

function fail(span: Span, reason: unknown): void {
  const message = describe(reason);
  if (reason instanceof Error) span.recordException(reason);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
