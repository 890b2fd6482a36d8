// The idle timeout and hibernate: CONFORMANCE §2 items 22, 23 and 33.
import { isAlive, type Pid, Sys, self, send, sleep, TIMEOUT } from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";
import { event } from "./support.js";

const { ok, reply, noreply } = GenServer.Result;

interface Setup {
  readonly test: Pid;
  /** What init returns besides the state. */
  readonly actions: GenServer.Result.Actions<never>;
  /** Messages init sends itself before returning. */
  readonly preload?: readonly unknown[];
}

type Request = GenServer.Request<
  { type: "ping"; actions?: GenServer.Result.Actions<never> },
  "pong"
>;

/** A server with an idle timeout chosen by the test; it reports every info message. */
const Idle = GenServer.define({
  init(setup: Setup) {
    for (const m of setup.preload ?? []) send(self(), m);
    return ok(setup.test, setup.actions);
  },
  handleCall: (request: Request, _from, test) =>
    reply("pong" as const, test, request.actions ?? {}),
  handleCast: (actions: GenServer.Result.Actions<never>, test) => noreply(test, actions),
  handleInfo(message, test) {
    send(test, { event: "info", message });
    return noreply(test);
  },
});

const info = event<{ message: unknown }>("info");

describe("idle timeout", () => {
  it("delivers TIMEOUT to handleInfo when nothing arrives in time (item 22)", () =>
    withRuntime(async ({ clock }) => {
      await GenServer.startLink(Idle, { test: self(), actions: { timeout: 300 } });
      expect((await assertReceive(info, { timeout: 1000 })).message).toBe(TIMEOUT);
      expect(clock.now()).toBe(300);
    }));

  it("from handleCall, handleCast and handleInfo results too (item 22)", () =>
    withRuntime(async ({ clock }) => {
      const pid = await GenServer.startLink(Idle, { test: self(), actions: {} });
      await GenServer.call(pid, { type: "ping", actions: { timeout: 100 } });
      expect((await assertReceive(info, { timeout: 1000 })).message).toBe(TIMEOUT);
      expect(clock.now()).toBe(100);
      GenServer.cast(pid, { timeout: 50 });
      expect((await assertReceive(info, { timeout: 1000 })).message).toBe(TIMEOUT);
      expect(clock.now()).toBe(150);
      // handleInfo returned no timeout: nothing more
      await refuteReceive(info, { timeout: 10_000 });
    }));

  it("is cancelled by a call, a cast or another message that arrives first (item 23)", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Idle, { test: self(), actions: { timeout: 300 } });
      expect(await GenServer.call(pid, { type: "ping" })).toBe("pong");
      await refuteReceive(info, { timeout: 1000 });
      GenServer.cast(pid, { timeout: 300 });
      GenServer.cast(pid, {});
      await refuteReceive(info, { timeout: 1000 });
      GenServer.cast(pid, { timeout: 300 });
      send(pid, "hello");
      expect((await assertReceive(info)).message).toBe("hello");
      await refuteReceive(info, { timeout: 1000 });
    }));

  it("is not cancelled by system messages (item 23)", () =>
    withRuntime(async ({ clock }) => {
      const pid = await GenServer.startLink(Idle, { test: self(), actions: { timeout: 300 } });
      await sleep(200);
      expect(await Sys.getState(pid)).toBe(self());
      await Sys.getStatus(pid);
      expect((await assertReceive(info, { timeout: 1000 })).message).toBe(TIMEOUT);
      // fires at the original deadline (OTP 25 would restart the interval: see the mapping)
      expect(clock.now()).toBe(300);
    }));

  it("0 with a message already waiting: the message is handled, no timeout ever (item 22)", () =>
    withRuntime(async () => {
      await GenServer.startLink(Idle, {
        test: self(),
        actions: { timeout: 0 },
        preload: ["waiting"],
      });
      expect((await assertReceive(info)).message).toBe("waiting");
      await refuteReceive(info, { timeout: 10_000 });
    }));

  it("0 with an empty mailbox fires at once (item 22)", () =>
    withRuntime(async ({ clock }) => {
      await GenServer.startLink(Idle, { test: self(), actions: { timeout: 0 } });
      expect((await assertReceive(info)).message).toBe(TIMEOUT);
      expect(clock.now()).toBe(0);
    }));

  it("Infinity means no timeout and leaves no timer behind", () =>
    withRuntime(async ({ runtime }) => {
      const pid = await GenServer.startLink(Idle, {
        test: self(),
        actions: { timeout: Number.POSITIVE_INFINITY },
      });
      expect(await GenServer.call(pid, { type: "ping" })).toBe("pong");
      expect(runtime.pendingTimers()).toBe(0);
      await refuteReceive(info, { timeout: 100_000 });
    }));

  it("a cancelled timeout leaves no timer behind", () =>
    withRuntime(async ({ runtime }) => {
      const pid = await GenServer.startLink(Idle, { test: self(), actions: { timeout: 60_000 } });
      expect(runtime.pendingTimers()).toBe(1);
      await GenServer.call(pid, { type: "ping" });
      expect(runtime.pendingTimers()).toBe(0);
    }));

  it("delivers a message of its own, after a relative or absolute time (item 33)", () =>
    withRuntime(async ({ clock }) => {
      const pid = await GenServer.startLink(Idle, {
        test: self(),
        actions: { timeout: { after: 250, message: "idle!" } },
      });
      expect((await assertReceive(info, { timeout: 1000 })).message).toBe("idle!");
      expect(clock.now()).toBe(250);
      GenServer.cast(pid, { timeout: { after: 1000, abs: true } });
      expect((await assertReceive(info, { timeout: 1000 })).message).toBe(TIMEOUT);
      expect(clock.now()).toBe(1000);
      // an absolute time in the past fires at once
      GenServer.cast(pid, { timeout: { after: 10, abs: true, message: "past" } });
      expect((await assertReceive(info)).message).toBe("past");
      expect(clock.now()).toBe(1000);
    }));
});

describe("hibernate", () => {
  it("is accepted and changes nothing", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Idle, { test: self(), actions: { hibernate: true } });
      expect(await GenServer.call(pid, { type: "ping", actions: { hibernate: true } })).toBe(
        "pong",
      );
      GenServer.cast(pid, { hibernate: false });
      expect(await GenServer.call(pid, { type: "ping" })).toBe("pong");
      expect(isAlive(pid)).toBe(true);
      await refuteReceive(info, { timeout: 10_000 });
    }));
});
