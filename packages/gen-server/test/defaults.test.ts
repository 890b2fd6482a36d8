// Elixir's default callbacks and logging: CONFORMANCE §2 items 29 and 30.
import {
  CallError,
  isAlive,
  isDown,
  type LogReport,
  monitor,
  type Pid,
  self,
  send,
} from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";

const { ok, reply, noreply, stop } = GenServer.Result;

const Bare = GenServer.define({ init: () => ok({ secret: "hunter2", visible: 1 }) });

const errors = (logs: LogReport[]): LogReport[] =>
  logs.filter((r) => r.kind === "error" || r.kind === "crash");

describe("default callbacks", () => {
  it("no handleCall: a call crashes the server and the caller gets the error (item 29)", () =>
    withRuntime(async () => {
      // Bare has no handleCall, so its typed handle accepts no call: go through a plain pid
      const pid: Pid = await GenServer.start(Bare);
      const err = await GenServer.call(pid, "anything").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallError);
      const reason = (err as CallError).reason;
      expect(reason).toBeInstanceOf(Error);
      expect((reason as Error).message).toMatch(/no handleCall callback was provided/);
      expect(isAlive(pid)).toBe(false);
    }));

  it("no handleCast: a cast crashes the server (item 29)", () =>
    withRuntime(async () => {
      const pid: Pid = await GenServer.start(Bare);
      const ref = monitor(pid);
      GenServer.cast(pid, "anything");
      const down = await assertReceive((m) => isDown(m) && m.ref === ref);
      const reason = isDown(down) ? down.reason : undefined;
      expect((reason as Error).message).toMatch(/no handleCast callback was provided/);
    }));

  it("no handleInfo: the message is logged and the server keeps running (item 29)", () =>
    withRuntime(async ({ logs }) => {
      const pid = await GenServer.start(Bare, undefined, { name: "bare" });
      send(pid, { unexpected: true });
      await GenServer.stop(pid); // handled after the message
      expect(logs).toHaveLength(1);
      const report = logs[0] as LogReport;
      expect(report.kind).toBe("error");
      expect(report.pid).toBe(pid);
      expect(report.name).toBe("bare");
      expect(report.message).toMatch(/unexpected message/);
      expect(report["unexpectedMessage"]).toEqual({ unexpected: true });
    }));

  it("terminate defaults to doing nothing", () =>
    withRuntime(async () => {
      const pid = await GenServer.start(Bare);
      await GenServer.stop(pid, "shutdown");
      expect(isAlive(pid)).toBe(false);
    }));
});

describe("logging", () => {
  const Stopper = GenServer.define({
    init: (test: Pid) => ok({ test, secret: "hunter2" }),
    handleCast: (reason: unknown, state) => stop(reason, state),
    handleCall(request: GenServer.Request<{ crash: Error }, never>, _from, _state) {
      throw request.crash;
    },
    formatStatus: (status) => ({ ...status, state: { secret: "<redacted>" } }),
  });

  it("normal, shutdown and { shutdown } are not logged (item 30)", () =>
    withRuntime(async ({ logs }) => {
      for (const reason of ["normal", "shutdown", { shutdown: "bye" }]) {
        const pid = await GenServer.start(Stopper, self());
        const ref = monitor(pid);
        GenServer.cast(pid, reason);
        await assertReceive((m) => isDown(m) && m.ref === ref);
      }
      expect(logs).toEqual([]);
    }));

  it("any other reason is logged with the server, last message, state and reason (items 30, 11)", () =>
    withRuntime(async ({ logs }) => {
      const pid = await GenServer.start(Stopper, self(), { name: "stopper" });
      const ref = monitor(pid);
      GenServer.cast(pid, "boom");
      await assertReceive((m) => isDown(m) && m.ref === ref);
      const report = errors(logs).find((r) => r["behaviour"] === "GenServer");
      expect(report).toBeDefined();
      expect(report?.kind).toBe("error");
      expect(report?.pid).toBe(pid);
      expect(report?.name).toBe("stopper");
      expect(report?.reason).toBe("boom");
      expect(report?.["lastMessage"]).toBe("boom");
      // the state goes through formatStatus
      expect(report?.["state"]).toEqual({ secret: "<redacted>" });
      expect(JSON.stringify(logs)).not.toMatch(/hunter2/);
    }));

  it("a crash in a call is reported with the client", () =>
    withRuntime(async ({ logs }) => {
      const pid = await GenServer.start(Stopper, self());
      const crash = new RangeError("out of range");
      await GenServer.call(pid, { crash }).catch(() => undefined);
      const report = errors(logs).find((r) => r["behaviour"] === "GenServer");
      expect(report?.reason).toBe(crash);
      expect(report?.["lastMessage"]).toEqual({ crash });
      expect(report?.["client"]).toBe(self());
      expect(report?.message).toMatch(/out of range/);
    }));

  it("a throwing formatStatus does not hide the crash report", () =>
    withRuntime(async ({ logs }) => {
      const Fragile = GenServer.define({
        init: () => ok(1),
        handleCast: (_r: "die", n) => stop("boom", n),
        formatStatus() {
          throw new Error("cannot format");
        },
      });
      const pid = await GenServer.start(Fragile);
      const ref = monitor(pid);
      GenServer.cast(pid, "die");
      await assertReceive((m) => isDown(m) && m.ref === ref);
      const report = errors(logs).find((r) => r["behaviour"] === "GenServer");
      expect(report?.reason).toBe("boom");
      expect(String(report?.["state"])).toMatch(/formatStatus threw/);
    }));

  it("handles a burst of synchronous casts in order", () =>
    withRuntime(async () => {
      const Sync = GenServer.define({
        init: () => ok(0),
        handleCall: (_r: GenServer.Request<"inc", number>, _from, n) => reply(n + 1, n + 1),
        handleCast: (_r: "inc", n) => noreply(n + 1),
      });
      const pid = await GenServer.startLink(Sync);
      for (let i = 0; i < 1000; i++) GenServer.cast(pid, "inc");
      expect(await GenServer.call(pid, "inc")).toBe(1001);
    }));
});
