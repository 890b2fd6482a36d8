// Demand accounting: automatic and manual demand, batches, accumulate/forward, the buffer.
import { BadArgumentError, exit, isDown, makeRef, monitor, self } from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenStage from "@trellis/gen-stage";
import { describe, expect, it } from "vitest";
import { Doubler, has, Numbers, Probe, Pusher } from "./support.js";

type Events = { events: number[]; from: GenStage.Subscription };
type Demand = { demand: number };
type Subscribed = { subscribed: string; from: GenStage.Subscription };

describe("automatic demand", () => {
  it("asks maxDemand at once, receives batches of maxDemand - minDemand, and asks again at minDemand", () =>
    withRuntime(async () => {
      const me = self();
      const numbers = await GenStage.startLink(Numbers, { report: me });
      await GenStage.startLink(Probe, {
        to: me,
        subscribeTo: [{ to: numbers, maxDemand: 10, minDemand: 4 }],
      });
      expect((await assertReceive<Demand>(has("demand"))).demand).toBe(10);
      // 10 events in batches of at most 6: [0..5] then [6..9]; after the first batch
      // 4 are left (<= minDemand): ask 6 more
      expect((await assertReceive<Events>(has("events"))).events).toEqual([0, 1, 2, 3, 4, 5]);
      expect((await assertReceive<Events>(has("events"))).events).toEqual([6, 7, 8, 9]);
      expect((await assertReceive<Demand>(has("demand"))).demand).toBe(6);
    }));

  it("defaults to maxDemand 1000 and minDemand 500", () =>
    withRuntime(async () => {
      const me = self();
      const numbers = await GenStage.startLink(Numbers, { report: me });
      await GenStage.startLink(Probe, { to: me, subscribeTo: [numbers] });
      const sub = await assertReceive<{ options: GenStage.SubscribeOptions }>(has("subscribed"));
      expect(sub.options.maxDemand).toBe(1000);
      expect(sub.options.minDemand).toBe(500);
      expect((await assertReceive<Demand>(has("demand"))).demand).toBe(1000);
      const first = await assertReceive<Events>(has("events"));
      expect(first.events.length).toBe(500);
    }));

  it("a producer that returns fewer events keeps the demand and fills it later", () =>
    withRuntime(async () => {
      const me = self();
      const pusher = await GenStage.startLink(Pusher, { report: me });
      await GenStage.startLink(Probe, { to: me, subscribeTo: [{ to: pusher, maxDemand: 3 }] });
      expect((await assertReceive<Demand>(has("demand"))).demand).toBe(3);
      await GenStage.call(pusher, { emit: [1, 2] });
      expect((await assertReceive<Events>(has("events"))).events).toEqual([1, 2]);
      // 1 left of 3, which is <= minDemand (1): the consumer asked for 2 more
      expect((await assertReceive<Demand>(has("demand"))).demand).toBe(2);
      // 5 more emitted: 3 are wanted (handled in batches of 2), 2 wait in the buffer
      await GenStage.call(pusher, { emit: [3, 4, 5, 6, 7] });
      expect((await assertReceive<Events>(has("events"))).events).toEqual([3, 4]);
      expect((await assertReceive<Events>(has("events"))).events).toEqual([5]);
      // the ask after [3, 4] is met from the buffer, not by handleDemand
      expect((await assertReceive<Events>(has("events"))).events).toEqual([6, 7]);
      // the next demand handleDemand sees is the ask after [6, 7]
      expect((await assertReceive<Demand>(has("demand"))).demand).toBe(3);
      expect(await GenStage.estimateBufferedCount(pusher)).toBe(0);
    }));
});

describe("manual demand", () => {
  it("receives nothing until the consumer asks, then exactly what it asked", () =>
    withRuntime(async () => {
      const me = self();
      const numbers = await GenStage.startLink(Numbers, { report: me });
      const probe = await GenStage.startLink(Probe, { to: me, manual: true });
      await GenStage.syncSubscribe(probe, { to: numbers });
      const { from } = await assertReceive<Subscribed>(has("subscribed"));
      await refuteReceive(has("demand"));
      const Asker = GenStage.define({
        init: () => GenStage.Result.consumer(null),
        handleSubscribe: (_k, _o, f, s) => {
          GenStage.ask(f, 3);
          return GenStage.Result.manual(s);
        },
        handleEvents: (_events: number[], _f, s) => GenStage.Result.noreply([], s),
      });
      expect(from.pid).toEqual(numbers);
      const asker = await GenStage.startLink(Asker);
      await GenStage.syncSubscribe(asker, { to: numbers });
      expect((await assertReceive<Demand>(has("demand"))).demand).toBe(3);
      await refuteReceive(has("demand"));
    }));

  it("GenStage.ask rejects negative and fractional demand", () =>
    withRuntime(async () => {
      const from = { pid: self(), ref: makeRef() };
      expect(() => GenStage.ask(from, -1)).toThrow(/integer >= 0, got -1/);
      expect(() => GenStage.ask(from, 1.5)).toThrow(BadArgumentError);
      expect(() => GenStage.ask({} as GenStage.Subscription, 1)).toThrow(/expected a subscription/);
    }));
});

describe("producer-consumers", () => {
  it("transform events and ask upstream only as their consumers ask", () =>
    withRuntime(async () => {
      const me = self();
      const numbers = await GenStage.startLink(Numbers, { report: me });
      const doubler = await GenStage.startLink(Doubler, [{ to: numbers, maxDemand: 4 }]);
      // no consumer yet: the doubler asked 4, got 4, and holds them (no downstream demand)
      expect((await assertReceive<Demand>(has("demand"))).demand).toBe(4);
      await refuteReceive(has("demand"));
      await GenStage.startLink(Probe, {
        to: me,
        manual: true,
        subscribeTo: [{ to: doubler }],
      });
      await refuteReceive(has("events"));
      expect(await GenStage.estimateBufferedCount(doubler)).toBe(0);
    }));

  it("stop pulling from upstream when their consumer dies with demand outstanding", () =>
    withRuntime(async () => {
      const me = self();
      const pusher = await GenStage.startLink(Pusher, {});
      const doubler = await GenStage.startLink(Doubler, [{ to: pusher, maxDemand: 4 }]);
      const probe = await GenStage.start(Probe, {
        to: me,
        manual: true,
        subscribeTo: [{ to: doubler, cancel: "temporary" }],
      });
      const { from } = await assertReceive<Subscribed>(has("subscribed"));
      GenStage.cast(probe, { ask: 10, from });
      expect(await GenStage.call(probe, "ping")).toBe("pong");
      exit(probe, "kill");
      await refuteReceive(has("events"));
      // 100 events upstream: the producer-consumer takes what the dead consumer had asked
      // for (10, and one batch of its own demand), not everything
      await GenStage.call(pusher, { emit: Array.from({ length: 100 }, (_, i) => i) });
      await refuteReceive(() => true);
      expect(await GenStage.estimateBufferedCount(doubler)).toBeLessThanOrEqual(14);
      expect(await GenStage.estimateBufferedCount(pusher)).toBeGreaterThanOrEqual(86);
    }));

  it("hand out what they hold before stopping when their producer finishes", () =>
    withRuntime(async ({ logs }) => {
      const me = self();
      const pusher = await GenStage.start(Pusher, {});
      const doubler = await GenStage.start(Doubler, [{ to: pusher, maxDemand: 10 }]);
      const doublerDown = monitor(doubler);
      const probe = await GenStage.startLink(Probe, {
        to: me,
        manual: true,
        subscribeTo: [{ to: doubler, cancel: "temporary" }],
      });
      const { from } = await assertReceive<Subscribed>(has("subscribed"));
      GenStage.cast(probe, { ask: 2, from });
      await GenStage.call(pusher, { emit: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
      const got: number[] = [];
      while (got.length < 2) got.push(...(await assertReceive<Events>(has("events"))).events);
      // the producer finishes while the doubler still holds 8 events
      await GenStage.stop(pusher);
      await refuteReceive((m) => isDown(m) && m.ref === doublerDown);
      GenStage.cast(probe, { ask: 100, from });
      while (got.length < 10) got.push(...(await assertReceive<Events>(has("events"))).events);
      expect(got).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
      const down = await assertReceive((m) => isDown(m) && m.ref === doublerDown);
      expect((down as { reason: unknown }).reason).toBe("normal");
      // the report of a permanent subscription's end comes once, when it stops (the other
      // report is the dispatcher's warning about the probe's uneven asks)
      expect(logs.filter((r) => r.kind === "info").map((r) => [r.kind, r.message])).toEqual([
        [
          "info",
          `GenStage consumer ${String(doubler)} is stopping after receiving cancel from producer ${String(pusher)} with reason: normal`,
        ],
      ]);
    }));

  it("run a three-stage pipeline in order", () =>
    withRuntime(async () => {
      const me = self();
      const numbers = await GenStage.startLink(Numbers, {});
      const doubler = await GenStage.startLink(Doubler, [{ to: numbers, maxDemand: 8 }]);
      await GenStage.startLink(Probe, { to: me, subscribeTo: [{ to: doubler, maxDemand: 5 }] });
      const seen: number[] = [];
      while (seen.length < 50) seen.push(...(await assertReceive<Events>(has("events"))).events);
      expect(seen.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    }));
});

describe("demand modes", () => {
  it("accumulate holds demand until forward", () =>
    withRuntime(async () => {
      const me = self();
      const numbers = await GenStage.startLink(Numbers, {
        report: me,
        options: { demand: "accumulate" },
      });
      expect(await GenStage.demandMode(numbers)).toBe("accumulate");
      await GenStage.startLink(Probe, { to: me, subscribeTo: [{ to: numbers, maxDemand: 2 }] });
      await GenStage.startLink(Probe, { to: me, subscribeTo: [{ to: numbers, maxDemand: 2 }] });
      await refuteReceive(has("demand"));
      GenStage.demand(numbers, "forward");
      expect((await assertReceive<Demand>(has("demand"))).demand).toBe(2);
      expect((await assertReceive<Demand>(has("demand"))).demand).toBe(2);
      expect(await GenStage.demandMode(numbers)).toBe("forward");
    }));
});

describe("the buffer", () => {
  it("keeps events emitted with no consumer and hands them to the first one", () =>
    withRuntime(async () => {
      const me = self();
      const pusher = await GenStage.startLink(Pusher, {});
      GenStage.cast(pusher, { emit: [1, 2, 3] });
      expect(await GenStage.estimateBufferedCount(pusher)).toBe(3);
      await GenStage.startLink(Probe, { to: me, subscribeTo: [pusher] });
      expect((await assertReceive<Events>(has("events"))).events).toEqual([1, 2, 3]);
    }));

  it("discards the oldest events past bufferSize (keep last) and logs the overflow", () =>
    withRuntime(async ({ logs }) => {
      const me = self();
      const pusher = await GenStage.startLink(Pusher, { options: { bufferSize: 3 } });
      await GenStage.call(pusher, { emit: [1, 2] });
      await GenStage.call(pusher, { emit: [3, 4, 5, 6] });
      expect(await GenStage.estimateBufferedCount(pusher)).toBe(3);
      const warning = logs.find((r) => r.message.includes("has discarded"));
      expect(warning?.message).toMatch(
        /GenStage producer <[\d.]+> has discarded 3 events from buffer/,
      );
      expect(warning?.kind).toBe("warning");
      await GenStage.startLink(Probe, { to: me, subscribeTo: [pusher] });
      expect((await assertReceive<Events>(has("events"))).events).toEqual([4, 5, 6]);
    }));

  it("keeps the first events with bufferKeep first", () =>
    withRuntime(async ({ logs }) => {
      const me = self();
      const pusher = await GenStage.startLink(Pusher, {
        options: { bufferSize: 3, bufferKeep: "first" },
      });
      await GenStage.call(pusher, { emit: [1, 2] });
      await GenStage.call(pusher, { emit: [3, 4, 5, 6] });
      expect(logs.some((r) => r.message.includes("has discarded 3 events"))).toBe(true);
      await GenStage.startLink(Probe, { to: me, subscribeTo: [pusher] });
      expect((await assertReceive<Events>(has("events"))).events).toEqual([1, 2, 3]);
    }));

  it("formatDiscarded can silence the warning", () =>
    withRuntime(async ({ logs }) => {
      const Quiet = GenStage.define({
        init: () => GenStage.Result.producer(0, { bufferSize: 1 }),
        handleDemand: (_d, s) => GenStage.Result.noreply([], s),
        handleCast: (n: number, s) => GenStage.Result.noreply([n, n], s + 1),
        formatDiscarded: () => false,
      });
      const quiet = await GenStage.startLink(Quiet);
      GenStage.cast(quiet, 1);
      expect(await GenStage.estimateBufferedCount(quiet)).toBe(1);
      expect(logs.some((r) => r.message.includes("discarded"))).toBe(false);
    }));
});
