/**
 * # @trellis/opentelemetry
 *
 * Bridges Trellis telemetry events to OpenTelemetry (`@opentelemetry/api`): a client span
 * per call with the server's `handleCall` as its child (the span context travels inside the
 * call, across nodes too), and metrics for process count, mailbox lengths, supervisor
 * restarts and call durations. Register your OpenTelemetry SDK as usual, then:
 *
 * ```ts
 * import { instrument } from "@trellis/opentelemetry";
 * const instrumentation = instrument(); // the default runtime, the global providers
 * ```
 *
 * Without OpenTelemetry's SDK the API is a no-op, and without `instrument` Trellis emits
 * nothing: the cost of an unobserved system is one boolean check per emit point.
 *
 * @packageDocumentation
 */
export {
  type CarriedSpanContext,
  type Instrumentation,
  type InstrumentOptions,
  instrument,
} from "./bridge.js";
