// The code the GenStage guide shows (docs/guides/gen-stage.md), run here so it cannot rot.
import { type Pid, receive, self, send, spawnLink } from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as GenStage from "@trellis/gen-stage";
import { expect, it } from "vitest";
import { Numbers, Probe, Pusher } from "./support.js";

it("manual demand: a consumer that asks for one event at a time", () =>
  withRuntime(async () => {
    // #region manual
    const OneAtATime = GenStage.define({
      init: (owner: Pid) => GenStage.Result.consumer(owner),
      handleSubscribe(_kind, _options, from, owner) {
        GenStage.ask(from, 1);
        return GenStage.Result.manual(owner);
      },
      handleEvents(jobs: number[], from, owner) {
        send(owner, jobs); // one job at a time: it asked for one
        GenStage.ask(from, 1);
        return GenStage.Result.noreply([], owner);
      },
    });
    // #endregion manual
    const numbers = await GenStage.startLink(Numbers, {});
    const consumer = await GenStage.startLink(OneAtATime, self());
    await GenStage.syncSubscribe(consumer, { to: numbers });
    for (let i = 0; i < 5; i++) expect(await receive()).toEqual([i]);
  }));

it("a partition dispatcher sends all events of a key to one consumer", () =>
  withRuntime(async () => {
    // #region partition
    const dispatcher = GenStage.partitionDispatcher<number>({
      partitions: ["even", "odd"],
      hash: (n) => (n % 2 === 0 ? "even" : "odd"),
    });
    // a consumer of the "even" partition subscribes with { to: producer, partition: "even" }
    // #endregion partition
    const me = self();
    const producer = await GenStage.startLink(Pusher, { options: { dispatcher } });
    const even = await GenStage.startLink(Probe, {
      to: me,
      subscribeTo: [{ to: producer, partition: "even", maxDemand: 10 }],
    });
    await GenStage.startLink(Probe, {
      to: me,
      subscribeTo: [{ to: producer, partition: "odd", maxDemand: 10 }],
    });
    await GenStage.call(producer, { emit: [1, 2, 3, 4] });
    const seen: { events: number[]; by: Pid }[] = [];
    while (seen.flatMap((s) => s.events).length < 4) {
      seen.push(
        await assertReceive<{ events: number[]; by: Pid }>(
          (m): m is { events: number[]; by: Pid } =>
            typeof m === "object" && m !== null && "events" in m,
        ),
      );
    }
    expect(seen.filter((s) => s.by === even).flatMap((s) => s.events)).toEqual([2, 4]);
  }));

type Job = number;

it("ConsumerSupervisor: a child per event, at most maxDemand at once", () =>
  withRuntime(async () => {
    const me = self();
    const runJob = async (job: Job): Promise<void> => {
      send(me, { ran: job });
    };
    await GenStage.startLink(Numbers, {}, { name: "jobs" });
    // #region consumer-supervisor
    const runner = await GenStage.startConsumerSupervisor(
      { id: "job", start: async (job: Job) => spawnLink(() => runJob(job)), restart: "transient" },
      { subscribeTo: [{ to: "jobs", maxDemand: 10 }] },
    );
    // #endregion consumer-supervisor
    const ran: number[] = [];
    while (ran.length < 20) {
      const m = await assertReceive<{ ran: number }>(
        (x): x is { ran: number } => typeof x === "object" && x !== null && "ran" in x,
      );
      ran.push(m.ran);
    }
    expect([...ran].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const { active } = (await GenStage.countConsumerChildren(runner)) as { active: number };
    expect(active).toBeLessThanOrEqual(10);
  }));
