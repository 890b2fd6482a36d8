// The pino recipe of packages/core/README.md ("Logging"), tested by
// examples/hello/test/pino.test.ts.
// #region pino
import { isSaslReport, type Logger, levelOf } from "@trellis/core";
import type { Logger as Pino } from "pino";

/**
 * A Trellis logger that writes every report through pino, as one structured record: the
 * report's `message` as pino's `msg`, an `Error` reason as `err`, the pid and the client as
 * strings, and the other fields (name, behaviour, lastMessage, state…) as they are.
 * Supervisor (SASL) reports are left out unless `sasl` is true.
 */
export function pinoLogger(pino: Pino, options: { sasl?: boolean } = {}): Logger {
  return {
    log(report) {
      if (!options.sasl && isSaslReport(report)) return;
      const { message, reason, pid, client, level: _level, ...fields } = report;
      const record = {
        ...fields,
        ...(pid === undefined ? {} : { pid: String(pid) }),
        ...(client === undefined ? {} : { client: String(client) }),
        ...(reason instanceof Error ? { err: reason } : reason === undefined ? {} : { reason }),
      };
      const level = levelOf(report);
      pino[level === "warning" ? "warn" : level](record, message);
    },
  };
}
// #endregion pino
