// ConsumerSupervisor: a child per event, demand bounded by the running children.
import {
  BadArgumentError,
  exit,
  isAlive,
  isDown,
  monitor,
  type Pid,
  receive,
  self,
  send,
  spawnLink,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenStage from "@trellis/gen-stage";
import { describe, expect, it } from "vitest";
import { has, Numbers, Pusher } from "./support.js";

type Started = { started: number; pid: Pid };

/** A child that reports its event and waits for "done" (or crashes on "crash"). */
function worker(
  me: Pid,
  restart: "temporary" | "transient" = "temporary",
): GenStage.ChildTemplate<number> {
  return {
    id: "worker",
    restart,
    start: async (event: number) =>
      spawnLink(async () => {
        send(me, { started: event, pid: self() });
        const msg = await receive();
        if (msg === "crash") throw new Error(`worker ${event} crashed`);
      }),
  };
}

describe("ConsumerSupervisor", () => {
  it("starts a child per event, and keeps at most maxDemand running", () =>
    withRuntime(async () => {
      const me = self();
      const numbers = await GenStage.startLink(Numbers, { report: me });
      const sup = await GenStage.startConsumerSupervisor(worker(me), {
        subscribeTo: [{ to: numbers, maxDemand: 3, minDemand: 1 }],
      });
      expect((await assertReceive<{ demand: number }>(has("demand"))).demand).toBe(3);
      const running: Started[] = [];
      for (let i = 0; i < 3; i++) running.push(await assertReceive<Started>(has("started")));
      expect(running.map((r) => r.started)).toEqual([0, 1, 2]);
      await refuteReceive(has("demand"));
      expect(await GenStage.countConsumerChildren(sup)).toMatchObject({ active: 3 });
      // one ends: not yet maxDemand - minDemand (2) ended, no new demand
      send((running[0] as Started).pid, "done");
      await refuteReceive(has("demand"));
      send((running[1] as Started).pid, "done");
      expect((await assertReceive<{ demand: number }>(has("demand"))).demand).toBe(2);
      const more = [
        await assertReceive<Started>(has("started")),
        await assertReceive<Started>(has("started")),
      ];
      expect(more.map((r) => r.started)).toEqual([3, 4]);
      expect((await GenStage.whichConsumerChildren(sup)).length).toBe(3);
    }));

  it("restarts a transient child with the same event, not a temporary one", () =>
    withRuntime(async () => {
      const me = self();
      const numbers = await GenStage.startLink(Numbers, {});
      await GenStage.startConsumerSupervisor(worker(me, "transient"), {
        subscribeTo: [{ to: numbers, maxDemand: 1 }],
      });
      const first = await assertReceive<Started>(has("started"));
      send(first.pid, "crash");
      const again = await assertReceive<Started>(has("started"));
      expect(again.started).toBe(first.started);
      expect(again.pid).not.toEqual(first.pid);
      send(again.pid, "done");
      expect((await assertReceive<Started>(has("started"))).started).toBe(first.started + 1);
    }));

  it("runs each event once with transient children that end at once, and stays up", () =>
    withRuntime(async () => {
      const me = self();
      const jobs = await GenStage.startLink(Pusher, {});
      const sup = await GenStage.startConsumerSupervisor(
        {
          id: "job",
          restart: "transient",
          start: async (job: number) => spawnLink(() => send(me, { ran: job })),
        },
        { subscribeTo: [{ to: jobs, maxDemand: 10 }], maxRestarts: 0, link: false },
      );
      const ref = monitor(sup);
      // more than maxDemand, so the supervisor must keep asking as its children end
      await GenStage.call(jobs, { emit: Array.from({ length: 50 }, (_, i) => i) });
      const ran: number[] = [];
      while (ran.length < 50) ran.push((await assertReceive<{ ran: number }>(has("ran"))).ran);
      expect([...ran].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      await refuteReceive((m) => isDown(m) && m.ref === ref);
      await refuteReceive(has("ran"));
      expect(isAlive(sup)).toBe(true);
    }));

  it("restarts with the same event a transient child that crashes at once", () =>
    withRuntime(async () => {
      const me = self();
      const numbers = await GenStage.startLink(Numbers, {});
      let tries = 0;
      await GenStage.startConsumerSupervisor(
        {
          id: "job",
          restart: "transient",
          start: async (job: number) => {
            const attempt = ++tries;
            return spawnLink(() => {
              send(me, { ran: job, attempt });
              if (job === 0 && attempt === 1) throw new Error("first attempt fails");
            });
          },
        },
        { subscribeTo: [{ to: numbers, maxDemand: 1 }] },
      );
      type Ran = { ran: number; attempt: number };
      expect(await assertReceive<Ran>(has("ran"))).toEqual({ ran: 0, attempt: 1 });
      expect(await assertReceive<Ran>(has("ran"))).toEqual({ ran: 0, attempt: 2 });
      expect(await assertReceive<Ran>(has("ran"))).toEqual({ ran: 1, attempt: 3 });
    }));

  it("a temporary child that crashes is done with its event", () =>
    withRuntime(async () => {
      const me = self();
      const numbers = await GenStage.startLink(Numbers, {});
      await GenStage.startConsumerSupervisor(worker(me), {
        subscribeTo: [{ to: numbers, maxDemand: 1 }],
      });
      const first = await assertReceive<Started>(has("started"));
      send(first.pid, "crash");
      expect((await assertReceive<Started>(has("started"))).started).toBe(first.started + 1);
    }));

  it("stops with shutdown past maxRestarts, and stops its children when it stops", () =>
    withRuntime(async () => {
      const me = self();
      const numbers = await GenStage.startLink(Numbers, {});
      const sup = await GenStage.startConsumerSupervisor(worker(me, "transient"), {
        subscribeTo: [{ to: numbers, maxDemand: 2, cancel: "temporary" }],
        maxRestarts: 1,
        link: false,
      });
      const ref = monitor(sup);
      const a = await assertReceive<Started>(has("started"));
      const b = await assertReceive<Started>(has("started"));
      send(a.pid, "crash");
      const a2 = await assertReceive<Started>(has("started"));
      send(a2.pid, "crash");
      const down = await assertReceive((m) => isDown(m) && m.ref === ref);
      expect((down as { reason: unknown }).reason).toBe("shutdown");
      expect(isAlive(b.pid)).toBe(false);
    }));

  it("refuses a permanent child template", () =>
    withRuntime(async () => {
      const template = {
        ...worker(self()),
        restart: "permanent",
      } as unknown as GenStage.ChildTemplate<number>;
      await expect(GenStage.startConsumerSupervisor(template)).rejects.toThrow(BadArgumentError);
      expect(() => GenStage.consumerSupervisorChildSpec(template)).toThrow(
        /"temporary" or "transient"/,
      );
    }));

  it("runs under a supervisor from its child spec", () =>
    withRuntime(async () => {
      const me = self();
      await GenStage.startLink(Numbers, {}, { name: "jobs" });
      const spec = GenStage.consumerSupervisorChildSpec(worker(me), {
        subscribeTo: [{ to: "jobs", maxDemand: 1 }],
        name: "runner",
      });
      expect(spec.type).toBe("supervisor");
      const { startLink } = await import("@trellis/supervisor");
      await startLink([spec], { strategy: "one_for_one" });
      const started = await assertReceive<Started>(has("started"));
      expect(started.started).toBe(0);
      exit(started.pid, "normal");
    }));
});
