import { Sys } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenEvent from "@trellis/gen-event";
import { expect, test } from "vitest";
import * as Events from "../src/events.js";
import { EVENTS, HANDLERS } from "../src/names.js";
import { startPieces } from "./support.js";

const events = GenEvent.named<Events.ServiceEvent>(EVENTS);

test("the audit log writes one line per event, naming the mechanism", () =>
  withRuntime(async () => {
    const lines: string[] = [];
    await startPieces([
      Events.managerSpec(),
      Events.handlersSpec({ write: (line) => lines.push(line) }),
    ]);
    Events.notify({ type: "http", method: "GET", path: "/", status: 200, ms: 1 });
    Events.notify({
      type: "payment",
      id: "pay-1",
      customer: "ann",
      amount: 1250,
      from: "pending",
      to: "authorized",
      cause: "state timeout 300 ms armed",
    });
    Events.notify({ type: "rate_limited", customer: "ann", retryAfterMs: 40 });
    await Events.flush();
    expect(lines).toEqual([
      "[GenStateMachine] payment pay-1 (ann, 12.50): pending → authorized (state timeout 300 ms armed)",
      "[GenServer] rate limiter ann: bucket empty, request refused; a sendAfter timer refills it in 40 ms",
    ]);
    expect(await GenEvent.call(events, Events.AuditLog, "lines")).toBe(2);
  }));

test("the metrics count responses, latencies, payments and double captures", () =>
  withRuntime(async () => {
    await startPieces([Events.managerSpec(), Events.handlersSpec({ write: () => {} })]);
    for (let ms = 1; ms <= 100; ms++) {
      Events.notify({ type: "http", method: "GET", path: "/", status: ms <= 90 ? 200 : 429, ms });
    }
    const payment = { type: "payment", customer: "ann", amount: 1, cause: "" } as const;
    Events.notify({ ...payment, id: "a", from: "pending", to: "authorized" });
    Events.notify({ ...payment, id: "a", from: "authorized", to: "captured" });
    Events.notify({ ...payment, id: "b", from: "pending", to: "authorized" });
    Events.notify({ ...payment, id: "b", from: "authorized", to: "captured" });
    Events.notify({ ...payment, id: "b", from: "authorized", to: "captured" });
    const m = await Events.metrics();
    expect(m.requests).toBe(100);
    expect(m.responses).toEqual({ "200": 90, "429": 10 });
    expect(m.p50Ms).toBe(50);
    expect(m.p99Ms).toBe(99);
    expect(m.payments).toEqual({ captured: 2 });
    expect(m.capturedTwice).toEqual(["b"]);
  }));

test("a crashed handler is reinstalled by the process that supervises it", () =>
  withRuntime(async () => {
    const lines: string[] = [];
    let failures = 1;
    const sink = {
      write(line: string) {
        if (failures-- > 0) throw new Error("the audit disk is full");
        lines.push(line);
      },
    };
    await startPieces([Events.managerSpec(), Events.handlersSpec(sink)]);
    const idle = { type: "session_idle", customer: "ann", idleMs: 5 } as const;
    Events.notify(idle); // the sink throws: the handler crashes and is removed
    await Events.flush();
    // the guard got a HandlerExit and installs a fresh AuditLog; it answers once it has
    expect(await Sys.getState(HANDLERS)).toMatchObject({ reinstalled: 1 });
    expect(await GenEvent.whichHandlers(events)).toContain(Events.AuditLog);
    Events.notify(idle);
    await Events.flush();
    expect(lines).toEqual([
      '[GenServer] session ann: no request for 5 ms, the idle timeout fired; it stops "normal"',
    ]);
  }));
