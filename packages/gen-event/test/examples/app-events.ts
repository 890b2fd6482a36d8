// The running example of @trellis/gen-event's module documentation and of
// docs/guides/gen-event.md: an application's event manager with an audit log and a metrics
// handler. test/examples.test.ts runs it.

// #region events
import { type Pid, receive, send } from "@trellis/core";
import * as GenEvent from "@trellis/gen-event";

const { ok, reply } = GenEvent.Result;

/** What happens in the application. */
export type AppEvent =
  | { readonly type: "login"; readonly user: string }
  | { readonly type: "logout"; readonly user: string }
  | { readonly type: "payment"; readonly user: string; readonly cents: number };
// #endregion events

// #region audit
/** Where the audit log writes its lines (a file, a socket… here, a function). */
export interface AuditSink {
  write(line: string): void;
}

/** Writes one line per event. */
export const AuditLog: GenEvent.Handler<AppEvent, AuditSink, "written", number> =
  GenEvent.defineHandler(
    {
      init: (sink: AuditSink) => ok({ sink, written: 0 }),
      handleEvent(event: AppEvent, s) {
        const extra = event.type === "payment" ? ` ${event.cents}` : "";
        s.sink.write(`${event.type} ${event.user}${extra}`);
        return ok({ ...s, written: s.written + 1 });
      },
      handleCall: (_request: "written", s) => reply(s.written, s),
      terminate: (_reason, s) => s.written,
    },
    { name: "AuditLog" },
  );
// #endregion audit

// #region metrics
/** Counters per event type, and the money taken. */
export interface Snapshot {
  readonly logins: number;
  readonly logouts: number;
  readonly cents: number;
}

/** Keeps counters; `call(manager, Metrics, "snapshot")` reads them. */
export const Metrics: GenEvent.Handler<AppEvent, unknown, "snapshot", Snapshot> =
  GenEvent.defineHandler(
    {
      init: () => ok<Snapshot>({ logins: 0, logouts: 0, cents: 0 }),
      handleEvent(event: AppEvent, m) {
        switch (event.type) {
          case "login":
            return ok({ ...m, logins: m.logins + 1 });
          case "logout":
            return ok({ ...m, logouts: m.logouts + 1 });
          case "payment":
            if (event.cents < 0) throw new RangeError(`negative payment: ${event.cents}`);
            return ok({ ...m, cents: m.cents + event.cents });
        }
      },
      handleCall: (_request: "snapshot", m) => reply(m, m),
    },
    { name: "Metrics" },
  );
// #endregion metrics

// #region watcher
/**
 * Keeps `Metrics` installed in `events`: installs it as a supervised handler, and
 * reinstalls it whenever it leaves because it crashed; tells `report` each time. Run it in
 * a process of its own (under a supervisor, in a real application); when that process exits,
 * the manager removes the handler it supervises.
 */
export async function watchMetrics(events: GenEvent.Manager<AppEvent>, report: Pid): Promise<void> {
  for (;;) {
    await GenEvent.addSupHandler(events, Metrics);
    send(report, "metrics installed");
    const exit = await receive(GenEvent.isHandlerExit);
    if (exit.reason === "normal" || exit.reason === "shutdown") return; // removed on purpose
    // it crashed ({ EXIT: error }) or returned a bad value: start again from zero
  }
}
// #endregion watcher
