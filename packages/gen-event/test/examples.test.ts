// Runs the running example of the module documentation and of docs/guides/gen-event.md.
import { type Pid, self, spawnLink } from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as GenEvent from "@trellis/gen-event";
import { expect, it } from "vitest";
import { type AppEvent, AuditLog, Metrics, watchMetrics } from "./examples/app-events.js";

it("an audit log and metrics on one manager", () =>
  withRuntime(async () => {
    // #region usage
    const lines: string[] = [];
    const events = await GenEvent.startLink<AppEvent>({ name: "app-events" });
    await GenEvent.addHandler(events, AuditLog, { write: (line) => lines.push(line) });
    await GenEvent.addHandler(events, Metrics);

    GenEvent.notify(events, { type: "login", user: "ann" });
    GenEvent.notify(events, { type: "payment", user: "ann", cents: 1250 });
    await GenEvent.syncNotify(events, { type: "logout", user: "ann" });

    lines; // ["login ann", "payment ann 1250", "logout ann"]
    await GenEvent.call(events, Metrics, "snapshot"); // { logins: 1, logouts: 1, cents: 1250 }
    await GenEvent.whichHandlers(events); // [Metrics, AuditLog]: the newest first
    await GenEvent.deleteHandler(events, AuditLog); // 3: what its terminate returned
    // #endregion usage
    expect(lines).toEqual(["login ann", "payment ann 1250", "logout ann"]);
    expect(await GenEvent.call(events, Metrics, "snapshot")).toEqual({
      logins: 1,
      logouts: 1,
      cents: 1250,
    });
    expect(await GenEvent.whichHandlers(events)).toEqual([Metrics]);
  }));

it("a crashing handler is removed alone, and its supervising process reinstalls it", () =>
  withRuntime(async ({ logs }) => {
    const lines: string[] = [];
    const events = await GenEvent.startLink<AppEvent>();
    await GenEvent.addHandler(events, AuditLog, { write: (line) => lines.push(line) });
    const test: Pid = self();
    spawnLink(() => watchMetrics(events, test));
    await assertReceive((m) => m === "metrics installed");
    GenEvent.notify(events, { type: "login", user: "bob" });
    GenEvent.notify(events, { type: "payment", user: "eve", cents: -5 }); // Metrics throws
    await assertReceive((m) => m === "metrics installed");
    GenEvent.notify(events, { type: "login", user: "cy" });
    expect(await GenEvent.call(events, Metrics, "snapshot")).toEqual({
      logins: 1,
      logouts: 0,
      cents: 0,
    });
    expect(lines).toEqual(["login bob", "payment eve -5", "login cy"]);
    expect(logs.some((r) => r.kind === "error" && r.handler === Metrics)).toBe(true);
  }));
