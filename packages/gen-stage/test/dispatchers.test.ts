// The demand, broadcast and partition dispatchers.
import { BadArgumentError, isDown, monitor, type Pid, self } from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenStage from "@trellis/gen-stage";
import { describe, expect, it } from "vitest";
import { has, Probe, Pusher } from "./support.js";

type Events = { events: number[]; from: GenStage.Subscription; by: Pid };
type Cancelled = { cancelled: GenStage.Cancellation; from: GenStage.Subscription };

/** Collects events until `count` arrived, by the consumer that received them. */
async function collect(count: number): Promise<Map<Pid, number[]>> {
  const out = new Map<Pid, number[]>();
  let n = 0;
  while (n < count) {
    const e = await assertReceive<Events>(has("events"));
    out.set(e.by, [...(out.get(e.by) ?? []), ...e.events]);
    n += e.events.length;
  }
  return out;
}

describe("the demand dispatcher", () => {
  it("sends each event to one consumer, the one with the most pending demand", () =>
    withRuntime(async () => {
      const me = self();
      const pusher = await GenStage.startLink(Pusher, {});
      const a = await GenStage.startLink(Probe, {
        to: me,
        subscribeTo: [{ to: pusher, maxDemand: 4 }],
      });
      const b = await GenStage.startLink(Probe, {
        to: me,
        subscribeTo: [{ to: pusher, maxDemand: 4 }],
      });
      await GenStage.call(pusher, { emit: [1, 2, 3, 4, 5, 6] });
      // both want 4; the first subscribed is served first, then the one with most demand
      const got = await collect(6);
      expect(got.get(a)).toEqual([1, 2, 3, 4]);
      expect(got.get(b)).toEqual([5, 6]);
      await refuteReceive(has("events"));
    }));

  it("keeps the demand of a consumer that left, so that new demand is not asked twice", () =>
    withRuntime(async () => {
      const me = self();
      const pusher = await GenStage.startLink(Pusher, { report: me });
      const a = await GenStage.start(Probe, {
        to: me,
        subscribeTo: [{ to: pusher, maxDemand: 5, cancel: "temporary" }],
      });
      expect((await assertReceive<{ demand: number }>(has("demand"))).demand).toBe(5);
      const ref = monitor(a);
      await GenStage.stop(a);
      await assertReceive((m) => isDown(m) && m.ref === ref);
      // a new consumer asks 5: the producer already has 5 outstanding, so handleDemand sees none
      await GenStage.startLink(Probe, { to: me, subscribeTo: [{ to: pusher, maxDemand: 5 }] });
      await refuteReceive(has("demand"));
      await GenStage.call(pusher, { emit: [1, 2] });
      expect((await assertReceive<Events>(has("events"))).events).toEqual([1, 2]);
    }));
});

describe("the broadcast dispatcher", () => {
  it("sends every event to every consumer", () =>
    withRuntime(async () => {
      const me = self();
      const pusher = await GenStage.startLink(Pusher, {
        report: me,
        options: { dispatcher: GenStage.broadcastDispatcher() },
      });
      const a = await GenStage.startLink(Probe, {
        to: me,
        subscribeTo: [{ to: pusher, maxDemand: 4 }],
      });
      const b = await GenStage.startLink(Probe, {
        to: me,
        subscribeTo: [{ to: pusher, maxDemand: 4 }],
      });
      expect((await assertReceive<{ demand: number }>(has("demand"))).demand).toBe(4);
      await GenStage.call(pusher, { emit: [1, 2, 3, 4, 5] });
      const got = await collect(8);
      expect(got.get(a)).toEqual([1, 2, 3, 4]);
      expect(got.get(b)).toEqual([1, 2, 3, 4]);
      // the fifth waits until both ask again, which they did after their first batch
      const next = await collect(2);
      expect(next.get(a)).toEqual([5]);
      expect(next.get(b)).toEqual([5]);
    }));

  it("goes as fast as the slowest consumer", () =>
    withRuntime(async () => {
      const me = self();
      const pusher = await GenStage.startLink(Pusher, {
        options: { dispatcher: GenStage.broadcastDispatcher() },
      });
      // a manual consumer that never asks holds everyone back
      await GenStage.startLink(Probe, { to: me, manual: true, subscribeTo: [pusher] });
      await GenStage.startLink(Probe, { to: me, subscribeTo: [{ to: pusher, maxDemand: 4 }] });
      await GenStage.call(pusher, { emit: [1, 2] });
      await refuteReceive(has("events"));
      expect(await GenStage.estimateBufferedCount(pusher)).toBe(2);
    }));

  it("filters with a selector and asks again for what it filtered out", () =>
    withRuntime(async () => {
      const me = self();
      const pusher = await GenStage.startLink(Pusher, {
        options: { dispatcher: GenStage.broadcastDispatcher() },
      });
      const even = await GenStage.startLink(Probe, {
        to: me,
        subscribeTo: [{ to: pusher, maxDemand: 4, selector: (n: number) => n % 2 === 0 }],
      });
      await GenStage.call(pusher, { emit: [1, 2, 3, 4, 5, 6, 7, 8] });
      const got: number[] = [];
      while (got.length < 4) {
        const e = await assertReceive<Events>(has("events"));
        expect(e.by).toEqual(even);
        got.push(...e.events);
      }
      expect(got).toEqual([2, 4, 6, 8]);
    }));

  it("refuses a second subscription from the same process", () =>
    withRuntime(async () => {
      const me = self();
      const pusher = await GenStage.startLink(Pusher, {
        options: { dispatcher: GenStage.broadcastDispatcher() },
      });
      const probe = await GenStage.startLink(Probe, { to: me, subscribeTo: [pusher] });
      await GenStage.syncSubscribe(probe, { to: pusher, cancel: "temporary" });
      const c = await assertReceive<Cancelled>(has("cancelled"));
      expect(c.cancelled.kind).toBe("cancel");
      expect(c.cancelled.reason).toBeInstanceOf(BadArgumentError);
      expect(String((c.cancelled.reason as Error).message)).toMatch(/already subscribed/);
    }));
});

describe("the partition dispatcher", () => {
  it("sends each event to the consumer of its partition", () =>
    withRuntime(async () => {
      const me = self();
      const dispatcher = GenStage.partitionDispatcher<number>({
        partitions: ["odd", "even"],
        hash: (n) => (n % 2 === 0 ? "even" : "odd"),
      });
      const pusher = await GenStage.startLink(Pusher, { options: { dispatcher } });
      const odd = await GenStage.startLink(Probe, {
        to: me,
        subscribeTo: [{ to: pusher, partition: "odd", maxDemand: 10 }],
      });
      const even = await GenStage.startLink(Probe, {
        to: me,
        subscribeTo: [{ to: pusher, partition: "even", maxDemand: 10 }],
      });
      await GenStage.call(pusher, { emit: [1, 2, 3, 4, 5, 6] });
      const got = await collect(6);
      expect(got.get(odd)).toEqual([1, 3, 5]);
      expect(got.get(even)).toEqual([2, 4, 6]);
    }));

  it("hashes terms into n partitions by default, and keeps per-partition order", () =>
    withRuntime(async () => {
      const me = self();
      const dispatcher = GenStage.partitionDispatcher<number>({ partitions: 3 });
      const pusher = await GenStage.startLink(Pusher, { options: { dispatcher } });
      const consumers = await Promise.all(
        [0, 1, 2].map((partition) =>
          GenStage.startLink(Probe, {
            to: me,
            subscribeTo: [{ to: pusher, partition, maxDemand: 100 }],
          }),
        ),
      );
      const events = Array.from({ length: 60 }, (_, i) => i);
      await GenStage.call(pusher, { emit: events });
      const got = await collect(60);
      expect([...got.values()].flat().sort((x, y) => x - y)).toEqual(events);
      for (const c of consumers) {
        const mine = got.get(c) ?? [];
        expect(mine).toEqual([...mine].sort((x, y) => x - y));
      }
    }));

  it("refuses a subscription without a partition, or to an unknown or taken one", () =>
    withRuntime(async () => {
      const me = self();
      const dispatcher = GenStage.partitionDispatcher<number>({ partitions: 2 });
      const pusher = await GenStage.startLink(Pusher, { options: { dispatcher } });
      const probe = await GenStage.startLink(Probe, {
        to: me,
        subscribeTo: [{ to: pusher, partition: 0 }],
      });
      for (const options of [{}, { partition: 7 }, { partition: 0 }]) {
        await GenStage.syncSubscribe(probe, { to: pusher, cancel: "temporary", ...options });
        const c = await assertReceive<Cancelled>(has("cancelled"));
        expect(c.cancelled.reason).toBeInstanceOf(BadArgumentError);
      }
    }));

  it("rejects bad options", () => {
    expect(() => GenStage.partitionDispatcher({ partitions: 0 })).toThrow(BadArgumentError);
    expect(() => GenStage.partitionDispatcher({ partitions: ["a", "b"] })).toThrow(/hash function/);
  });
});
