// What happens in the service, as events on one GenEvent manager, and the two handlers
// plugged into it: an audit log (one readable line per event) and metrics (counters and
// latencies, read with GenEvent.call). Both are supervised handlers: a small GenServer
// installs them with addSupHandler and reinstalls one that crashed.
import type { Pid } from "@trellis/core";
import * as GenEvent from "@trellis/gen-event";
import * as GenServer from "@trellis/gen-server";
import type { BackendName } from "./config.js";
import { EVENTS, HANDLERS } from "./names.js";
import type { PaymentState } from "./payment.js";

/** Everything the service reports. */
export type ServiceEvent =
  /** Handled by nobody: `flush` sends it and waits for it. */
  | { readonly type: "sync" }
  | {
      readonly type: "http";
      readonly method: string;
      readonly path: string;
      readonly status: number;
      readonly ms: number;
    }
  | { readonly type: "customer_started"; readonly customer: string; readonly supervisor: Pid }
  | {
      readonly type: "session_started";
      readonly customer: string;
      readonly pid: Pid;
      readonly idleMs: number;
    }
  | { readonly type: "session_idle"; readonly customer: string; readonly idleMs: number }
  | {
      readonly type: "rate_limited";
      readonly customer: string;
      readonly retryAfterMs: number;
    }
  | {
      readonly type: "payment";
      readonly id: string;
      readonly customer: string;
      readonly amount: number;
      readonly from: PaymentState | null;
      readonly to: PaymentState;
      /** What made it happen, in words. */
      readonly cause: string;
    }
  | {
      readonly type: "payment_resumed";
      readonly id: string;
      readonly state: PaymentState;
      readonly pid: Pid;
      /** For an authorized payment: how long the authorization still holds. */
      readonly remainingMs: number | null;
    }
  | { readonly type: "payment_retired"; readonly id: string; readonly state: PaymentState }
  | {
      readonly type: "profile";
      readonly customer: string;
      readonly source: "cache" | "backends";
      readonly missing: readonly BackendName[];
    }
  | {
      readonly type: "backend_failed";
      readonly customer: string;
      readonly backend: BackendName;
      readonly reason: "timeout" | "crash";
      readonly detail: string;
    };

/** Reports an event; never fails, never waits (GenEvent.notify). */
export function notify(event: ServiceEvent): void {
  GenEvent.notify(GenEvent.named<ServiceEvent>(EVENTS), event);
}

/** Waits until every event reported so far by the caller has been handled. */
export function flush(): Promise<void> {
  return GenEvent.syncNotify(GenEvent.named<ServiceEvent>(EVENTS), { type: "sync" });
}

const money = (cents: number): string => (cents / 100).toFixed(2);

/** One line saying what happened and which OTP mechanism did it; `undefined` to skip. */
export function describe(e: ServiceEvent): string | undefined {
  switch (e.type) {
    case "sync":
    case "http":
      return undefined; // the metrics count requests; the audit log records what they did
    case "customer_started":
      return `[DynamicSupervisor] started customer/${e.customer} ${e.supervisor}: a Supervisor of its rate limiter and session, named via the registry`;
    case "session_started":
      return `[GenServer] session ${e.customer} ${e.pid} is up; it stops after ${e.idleMs} ms without a request (idle timeout)`;
    case "session_idle":
      return `[GenServer] session ${e.customer}: no request for ${e.idleMs} ms, the idle timeout fired; it stops "normal"`;
    case "rate_limited":
      return `[GenServer] rate limiter ${e.customer}: bucket empty, request refused; a sendAfter timer refills it in ${e.retryAfterMs} ms`;
    case "payment": {
      const from = e.from === null ? "started" : `${e.from} → ${e.to}`;
      return `[GenStateMachine] payment ${e.id} (${e.customer}, ${money(e.amount)}): ${from} (${e.cause})`;
    }
    case "payment_resumed":
      return `[GenStateMachine] payment ${e.id} restarted as ${e.pid}, resumed from the ETS ledger in state ${e.state}${e.remainingMs === null ? "" : `; state timeout re-armed for the ${Math.round(e.remainingMs)} ms left`}`;
    case "payment_retired":
      return `[GenStateMachine] payment ${e.id} retired in state ${e.state} (state timeout); its ledger row stays`;
    case "profile":
      return e.source === "cache"
        ? `[ETS] profile ${e.customer}: cache hit, read from the table in the request's own process (no process hop)`
        : e.missing.length === 0
          ? `[Task.Supervisor] profile ${e.customer}: all backends answered; cached in ETS`
          : `[Task.Supervisor] profile ${e.customer}: partial answer, missing ${e.missing.join(", ")} (not cached)`;
    case "backend_failed":
      return e.reason === "timeout"
        ? `[Task] backend ${e.backend} for ${e.customer}: no answer in time, the task was killed (${e.detail})`
        : `[Task] backend ${e.backend} for ${e.customer}: the task crashed (${e.detail}); asyncNolink kept the crash away from the request`;
  }
}

/** Where the audit log writes its lines. */
export interface AuditSink {
  write(line: string): void;
}

const { ok, reply } = GenEvent.Result;

/** Writes one line per event to its sink. */
export const AuditLog: GenEvent.Handler<ServiceEvent, AuditSink, "lines", number> =
  GenEvent.defineHandler(
    {
      init: (sink: AuditSink) => ok({ sink, lines: 0 }),
      handleEvent(event: ServiceEvent, s) {
        const line = describe(event);
        if (line === undefined) return ok(s);
        s.sink.write(line);
        return ok({ ...s, lines: s.lines + 1 });
      },
      handleCall: (_request: "lines", s) => reply(s.lines, s),
    },
    { name: "AuditLog" },
  );

/** What the metrics handler answers. */
export interface MetricsSnapshot {
  /** Requests answered, by status code. */
  readonly responses: Readonly<Record<string, number>>;
  readonly requests: number;
  /** Over the latest requests (at least 10,000 of them). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rateLimited: number;
  /** Payments by their latest state. */
  readonly payments: Readonly<Partial<Record<PaymentState, number>>>;
  /** Payments captured more than once (must stay empty). */
  readonly capturedTwice: readonly string[];
  readonly sessionsStarted: number;
  readonly sessionsIdled: number;
  readonly profiles: {
    readonly complete: number;
    readonly partial: number;
    readonly cached: number;
  };
  readonly backendFailures: number;
}

/** How many of the latest latencies the percentiles are computed over (at least). */
const LATENCY_WINDOW = 10_000;

interface MetricsState {
  requests: number;
  readonly responses: Map<number, number>;
  readonly latencies: number[];
  rateLimited: number;
  readonly paymentState: Map<string, PaymentState>;
  readonly captures: Map<string, number>;
  sessionsStarted: number;
  sessionsIdled: number;
  readonly profiles: { complete: number; partial: number; cached: number };
  backendFailures: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? 0;
}

function snapshot(m: MetricsState): MetricsSnapshot {
  const sorted = [...m.latencies].sort((a, b) => a - b);
  const payments: Partial<Record<PaymentState, number>> = {};
  for (const state of m.paymentState.values()) payments[state] = (payments[state] ?? 0) + 1;
  return {
    responses: Object.fromEntries([...m.responses].map(([status, n]) => [String(status), n])),
    requests: m.requests,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    rateLimited: m.rateLimited,
    payments,
    capturedTwice: [...m.captures].filter(([, n]) => n > 1).map(([id]) => id),
    sessionsStarted: m.sessionsStarted,
    sessionsIdled: m.sessionsIdled,
    profiles: { ...m.profiles },
    backendFailures: m.backendFailures,
  };
}

/**
 * Counters and latencies. The state is mutated in place: handlers run one at a time inside
 * the manager, and nobody else sees it (`snapshot` copies it out).
 */
export const Metrics: GenEvent.Handler<ServiceEvent, undefined, "snapshot", MetricsSnapshot> =
  GenEvent.defineHandler(
    {
      init: (_: undefined) =>
        ok<MetricsState>({
          requests: 0,
          responses: new Map(),
          latencies: [],
          rateLimited: 0,
          paymentState: new Map(),
          captures: new Map(),
          sessionsStarted: 0,
          sessionsIdled: 0,
          profiles: { complete: 0, partial: 0, cached: 0 },
          backendFailures: 0,
        }),
      handleEvent(e: ServiceEvent, m) {
        switch (e.type) {
          case "http":
            m.requests++;
            m.responses.set(e.status, (m.responses.get(e.status) ?? 0) + 1);
            m.latencies.push(e.ms);
            // percentiles over the latest requests: the memory stays bounded
            if (m.latencies.length > 2 * LATENCY_WINDOW) m.latencies.splice(0, LATENCY_WINDOW);
            break;
          case "rate_limited":
            m.rateLimited++;
            break;
          case "payment":
            m.paymentState.set(e.id, e.to);
            if (e.to === "captured") m.captures.set(e.id, (m.captures.get(e.id) ?? 0) + 1);
            break;
          case "payment_resumed":
            m.paymentState.set(e.id, e.state);
            break;
          case "session_started":
            m.sessionsStarted++;
            break;
          case "session_idle":
            m.sessionsIdled++;
            break;
          case "profile":
            if (e.source === "cache") m.profiles.cached++;
            else if (e.missing.length === 0) m.profiles.complete++;
            else m.profiles.partial++;
            break;
          case "backend_failed":
            m.backendFailures++;
            break;
        }
        return ok(m);
      },
      handleCall: (_request: "snapshot", m) => reply(snapshot(m), m),
    },
    { name: "Metrics" },
  );

/** The metrics so far. */
export function metrics(): Promise<MetricsSnapshot> {
  return GenEvent.call(GenEvent.named<ServiceEvent>(EVENTS), Metrics, "snapshot");
}

/** The manager's child spec. */
export function managerSpec(): GenEvent.ChildSpec {
  return GenEvent.childSpec({ id: "events", name: EVENTS });
}

// The process that keeps the handlers installed. The manager links to it (addSupHandler):
// when a handler leaves, it gets a HandlerExit and reinstalls a crashed one; when it exits,
// the manager removes its handlers. Under a rest_for_one supervisor after the manager, it
// restarts with the manager and installs them again.
const HandlerGuard = GenServer.define({
  async init(sink: AuditSink) {
    await GenEvent.addSupHandler(GenEvent.named<ServiceEvent>(EVENTS), AuditLog, sink);
    await GenEvent.addSupHandler(GenEvent.named<ServiceEvent>(EVENTS), Metrics, undefined);
    return GenServer.Result.ok({ sink, reinstalled: 0 });
  },
  async handleInfo(message, state) {
    if (!GenEvent.isHandlerExit(message)) return GenServer.Result.noreply(state);
    const { reason, handler } = message;
    if (reason === "normal" || reason === "shutdown") return GenServer.Result.noreply(state);
    // crashed: install a fresh copy (Metrics restarts from zero, as a restarted process would)
    if (handler === AuditLog) {
      await GenEvent.addSupHandler(GenEvent.named<ServiceEvent>(EVENTS), AuditLog, state.sink);
    } else if (handler === Metrics) {
      await GenEvent.addSupHandler(GenEvent.named<ServiceEvent>(EVENTS), Metrics, undefined);
    }
    return GenServer.Result.noreply({ ...state, reinstalled: state.reinstalled + 1 });
  },
});

/** The child spec of the handler guard; it must start after the manager. */
export function handlersSpec(sink: AuditSink): GenServer.ChildSpec {
  return GenServer.childSpec(HandlerGuard, sink, { id: "event-handlers", name: HANDLERS });
}
