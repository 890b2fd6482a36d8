// Cancel modes and dying sides.
import { exit, isDown, monitor, type Pid, Sys, self, send, trapExit } from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenStage from "@trellis/gen-stage";
import { describe, expect, it } from "vitest";
import { has, Numbers, Probe, Pusher } from "./support.js";

type Cancelled = { cancelled: GenStage.Cancellation; from: GenStage.Subscription };

async function downOf(pid: Pid, ref = monitor(pid)): Promise<unknown> {
  const d = await assertReceive((m) => isDown(m) && m.ref === ref);
  return (d as { reason: unknown }).reason;
}

describe("a consumer whose producer dies", () => {
  it.each([
    ["permanent", "normal", true],
    ["permanent", "boom", true],
    ["transient", "normal", false],
    ["transient", "shutdown", false],
    ["transient", "boom", true],
    ["temporary", "boom", false],
  ] as const)("with cancel %s and reason %s: exits = %s", (mode, reason, exits) =>
    withRuntime(async () => {
      const me = self();
      const producer = await GenStage.start(Pusher, {});
      const probe = await GenStage.start(Probe, {
        to: me,
        subscribeTo: [{ to: producer, cancel: mode }],
      });
      const ref = monitor(probe);
      await GenStage.stop(producer, reason).catch(() => undefined);
      const c = await assertReceive<Cancelled>(has("cancelled"));
      expect(c.cancelled).toEqual({ kind: "down", reason });
      if (exits) {
        expect(await downOf(probe, ref)).toBe(reason);
      } else {
        await refuteReceive((m) => isDown(m) && m.ref === ref);
        expect(await GenStage.call(probe, "ping")).toBe("pong");
        exit(probe, "kill");
      }
    }),
  );
});

describe("a producer whose consumer dies", () => {
  it("forgets it: handleCancel down, and the dispatcher no longer counts it", () =>
    withRuntime(async () => {
      const me = self();
      const CancelSpy = GenStage.define({
        init: () => GenStage.Result.producer(null),
        handleDemand: (_d, s) => GenStage.Result.noreply([], s),
        handleCancel(cancellation, from, s) {
          send(me, { producerCancelled: cancellation, from });
          return GenStage.Result.noreply([], s);
        },
        handleCall: (events: number[], _f, s) => GenStage.Result.reply("ok", events, s),
      });
      const producer = await GenStage.startLink(CancelSpy);
      const a = await GenStage.start(Probe, {
        to: me,
        subscribeTo: [{ to: producer, maxDemand: 2 }],
      });
      const b = await GenStage.startLink(Probe, {
        to: me,
        subscribeTo: [{ to: producer, maxDemand: 2 }],
      });
      exit(a, "kill");
      const c = await assertReceive<{
        producerCancelled: GenStage.Cancellation;
        from: GenStage.Subscription;
      }>(has("producerCancelled"));
      expect(c.producerCancelled).toEqual({ kind: "down", reason: "killed" });
      expect(c.from.pid).toEqual(a);
      // everything now goes to b
      await GenStage.call(producer, [1, 2]);
      for (const n of [1, 2]) {
        const got = await assertReceive<{ events: number[]; from: GenStage.Subscription }>(
          has("events"),
        );
        expect(got.events).toEqual([n]);
        expect(got.from.pid).toEqual(producer);
      }
      const status = await Sys.getStatus(producer);
      expect((status.state as { consumers: Pid[] }).consumers).toEqual([b]);
    }));
});

describe("cancelling", () => {
  it("GenStage.cancel from a permanent consumer stops it with the reason, after handleCancel", () =>
    withRuntime(async () => {
      const me = self();
      const Canceller = GenStage.define({
        init: (producer: Pid) =>
          GenStage.Result.consumer(null, { subscribeTo: [{ to: producer, maxDemand: 2 }] }),
        handleEvents(_events: number[], from, s) {
          GenStage.cancel(from, "enough");
          return GenStage.Result.noreply([], s);
        },
        handleCancel(cancellation, _from, s) {
          send(me, { consumerCancelled: cancellation });
          return GenStage.Result.noreply([], s);
        },
      });
      const numbers = await GenStage.startLink(Numbers, {});
      const consumer = await GenStage.start(Canceller, numbers);
      const ref = monitor(consumer);
      const c = await assertReceive<{ consumerCancelled: unknown }>(has("consumerCancelled"));
      expect(c.consumerCancelled).toEqual({ kind: "cancel", reason: "enough" });
      expect(await downOf(consumer, ref)).toBe("enough");
      const status = await Sys.getStatus(numbers);
      expect((status.state as { consumers: Pid[] }).consumers).toEqual([]);
    }));

  it("a temporary consumer keeps running after its subscription is cancelled", () =>
    withRuntime(async () => {
      const me = self();
      const SelfCancelling = GenStage.define({
        init: (producer: Pid) =>
          GenStage.Result.consumer(0, {
            subscribeTo: [{ to: producer, maxDemand: 2, cancel: "temporary" }],
          }),
        handleEvents(_events: number[], from, n) {
          if (n === 0) GenStage.cancel(from, "enough");
          return GenStage.Result.noreply([], n + 1);
        },
        handleCancel(cancellation, _from, n) {
          send(me, { consumerCancelled: cancellation });
          return GenStage.Result.noreply([], n);
        },
        handleCall: (_r: "count", _f, n) => GenStage.Result.reply(n, [], n),
      });
      const numbers = await GenStage.startLink(Numbers, {});
      const consumer = await GenStage.startLink(SelfCancelling, numbers);
      const c = await assertReceive<{ consumerCancelled: unknown }>(has("consumerCancelled"));
      expect(c.consumerCancelled).toEqual({ kind: "cancel", reason: "enough" });
      expect(await GenStage.call(consumer, "count")).toBeGreaterThanOrEqual(1);
    }));

  it("subscribing to a producer that is not alive: a permanent consumer exits noproc, a temporary one runs", () =>
    withRuntime(async () => {
      const me = self();
      const dead = await GenStage.start(Numbers, {});
      await GenStage.stop(dead);
      // a dead pid: as in Elixir the monitor fires at once, and the consumer exits noproc
      const late = await GenStage.start(Probe, { to: me, subscribeTo: [dead] });
      const c = await assertReceive<Cancelled>(has("cancelled"));
      expect(c.cancelled).toEqual({ kind: "down", reason: "noproc" });
      expect(await downOf(late)).toBe("noproc");
      // a name nobody holds: the start itself fails
      await expect(
        GenStage.start(Probe, { to: me, subscribeTo: ["nobody"] }),
      ).rejects.toMatchObject({
        reason: "noproc",
      });
      const ok = await GenStage.startLink(Probe, {
        to: me,
        subscribeTo: [{ to: dead, cancel: "temporary" }],
      });
      expect(await GenStage.call(ok, "ping")).toBe("pong");
    }));

  it("a stage that traps exits runs terminate when its parent stops it", () =>
    withRuntime(async () => {
      const me = self();
      const Trapping = GenStage.define({
        init: () => {
          trapExit(true);
          return GenStage.Result.producer(null);
        },
        handleDemand: (_d, s) => GenStage.Result.noreply([], s),
        terminate: (reason) => {
          send(me, { terminated: reason });
        },
      });
      trapExit(true);
      const t = await GenStage.startLink(Trapping);
      const ref = monitor(t);
      exit(t, "shutdown");
      expect(await downOf(t, ref)).toBe("shutdown");
      expect(
        await assertReceive((m) => typeof m === "object" && m !== null && "terminated" in m),
      ).toEqual({
        terminated: "shutdown",
      });
    }));
});
