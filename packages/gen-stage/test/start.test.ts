// Starting, callbacks, names, supervision and nodes.
import {
  AlreadyStartedError,
  connectInMemory,
  createRuntime,
  exit,
  InitError,
  isDown,
  type LogReport,
  monitor,
  type Pid,
  Sys,
  self,
  send,
  VirtualClock,
  via,
} from "@trellis/core";
import { assertNoLeaks, assertReceive, withRuntime } from "@trellis/core/testing";
import * as GenStage from "@trellis/gen-stage";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, it } from "vitest";
import { has, Numbers, Probe, Pusher } from "./support.js";

type Events = { events: number[]; from: GenStage.Subscription; by: Pid };

describe("init", () => {
  it("ignore resolves with ignore, stop and throws reject with an InitError", () =>
    withRuntime(async () => {
      const Choosy = GenStage.define({
        init: (choice: "ignore" | "stop" | "throw" | "bad") => {
          if (choice === "ignore") return GenStage.Result.ignore();
          if (choice === "stop") return GenStage.Result.stop("no_config");
          if (choice === "throw") throw new Error("boom");
          return { type: "nonsense" } as never;
        },
      });
      expect(await GenStage.start(Choosy, "ignore")).toBe("ignore");
      await expect(GenStage.start(Choosy, "stop")).rejects.toMatchObject({ reason: "no_config" });
      await expect(GenStage.start(Choosy, "throw")).rejects.toThrow(InitError);
      await expect(GenStage.start(Choosy, "bad")).rejects.toMatchObject({
        reason: { bad_return_value: { type: "nonsense" } },
      });
    }));

  it("an async init and an async handleSubscribe complete before start resolves", () =>
    withRuntime(async () => {
      const me = self();
      const numbers = await GenStage.startLink(Numbers, {});
      const Slow = GenStage.define({
        init: async (producer: Pid) => {
          await Promise.resolve();
          return GenStage.Result.consumer(null, { subscribeTo: [{ to: producer, maxDemand: 2 }] });
        },
        handleSubscribe: async (kind, _o, _f, s) => {
          await Promise.resolve();
          send(me, { subscribed: kind });
          return GenStage.Result.automatic(s);
        },
        handleEvents: async (events: number[], _f, s) => {
          await Promise.resolve();
          send(me, { events });
          return GenStage.Result.noreply([], s);
        },
      });
      await GenStage.startLink(Slow, numbers);
      await assertReceive(has("subscribed"));
      expect((await assertReceive<Events>(has("events"))).events).toEqual([0]);
      expect((await assertReceive<Events>(has("events"))).events).toEqual([1]);
    }));
});

describe("call, cast, info and terminate", () => {
  it("reply with events, cast with events, info, and GenStage.stop running terminate", () =>
    withRuntime(async () => {
      const me = self();
      const Queue = GenStage.define({
        init: () => GenStage.Result.producer(0),
        handleDemand: (_d, n) => GenStage.Result.noreply([], n),
        handleCall: (item: number, _from, n) => GenStage.Result.reply(n + 1, [item], n + 1),
        handleCast: (item: number, n) => GenStage.Result.noreply([item], n + 1),
        handleInfo: (msg, n) => GenStage.Result.noreply([msg as number], n + 1),
        terminate: (reason, n) => {
          send(me, { terminated: reason, n });
        },
      });
      const queue = await GenStage.startLink(Queue);
      await GenStage.startLink(Probe, { to: me, subscribeTo: [{ to: queue, maxDemand: 10 }] });
      expect(await GenStage.call(queue, 10)).toBe(1);
      GenStage.cast(queue, 20);
      send(queue, 30);
      const got: number[] = [];
      while (got.length < 3) got.push(...(await assertReceive<Events>(has("events"))).events);
      expect(got).toEqual([10, 20, 30]);
      await GenStage.stop(queue, "normal");
      expect(await assertReceive(has("terminated"))).toEqual({ terminated: "normal", n: 3 });
    }));

  it("stopReply answers then stops; a noreply call is answered later with GenStage.reply", () =>
    withRuntime(async () => {
      const Later = GenStage.define({
        init: () => GenStage.Result.consumer<import("@trellis/core").From | null>(null),
        handleCall(request: "wait" | "release" | "quit", from, waiting) {
          if (request === "wait") return GenStage.Result.noreply([], from);
          if (request === "release") {
            if (waiting !== null) GenStage.reply(waiting, "released");
            return GenStage.Result.reply("ok", [], null);
          }
          return GenStage.Result.stopReply("normal", "bye", waiting);
        },
      });
      const later = await GenStage.start(Later);
      const waiting = GenStage.call(later, "wait");
      expect(await GenStage.call(later, "release")).toBe("ok");
      expect(await waiting).toBe("released");
      const ref = monitor(later);
      expect(await GenStage.call(later, "quit")).toBe("bye");
      await assertReceive((m) => isDown(m) && m.ref === ref && m.reason === "normal");
    }));

  it("a crash in a callback stops the stage with the error and logs a report", () =>
    withRuntime(async ({ logs }) => {
      const Fragile = GenStage.define({
        init: () => GenStage.Result.producer(null),
        handleDemand: () => {
          throw new Error("no more numbers");
        },
      });
      const fragile = await GenStage.start(Fragile);
      const ref = monitor(fragile);
      await GenStage.start(Probe, { to: self(), subscribeTo: [fragile] });
      const down = await assertReceive((m) => isDown(m) && m.ref === ref);
      expect(String((down as { reason: unknown }).reason)).toMatch(/no more numbers/);
      expect(
        logs.some(
          (r: LogReport) => r.message.includes("GenStage") && r.message.includes("terminating"),
        ),
      ).toBe(true);
    }));

  it("Sys.getStatus shows the stage type, dispatcher, consumers and buffer", () =>
    withRuntime(async () => {
      const pusher = await GenStage.startLink(Pusher, {});
      const probe = await GenStage.startLink(Probe, { to: self(), subscribeTo: [pusher] });
      const status = await Sys.getStatus(pusher);
      expect(status.state).toMatchObject({
        stage: "producer",
        dispatcher: "DemandDispatcher",
        consumers: [probe],
        bufferSize: 0,
      });
      expect((await Sys.getStatus(probe)).state).toMatchObject({
        stage: "consumer",
        producers: [pusher],
      });
      expect(await Sys.getState(pusher)).toBeUndefined();
    }));
});

describe("names", () => {
  it("registers a name, subscribes by name, and refuses a taken name", () =>
    withRuntime(async () => {
      const me = self();
      const numbers = await GenStage.startLink(Numbers, {}, { name: "numbers" });
      await GenStage.startLink(Probe, { to: me, subscribeTo: [{ to: "numbers", maxDemand: 2 }] });
      expect((await assertReceive<Events>(has("events"))).from.pid).toEqual(numbers);
      const second = GenStage.start(Numbers, {}, { name: "numbers" });
      await expect(second).rejects.toThrow(AlreadyStartedError);
    }));

  it("works with via names", () =>
    withRuntime(async () => {
      const me = self();
      const table = new Map<string, Pid>();
      const registry = {
        registerName(k: string, p: Pid): boolean {
          if (table.has(k)) return false;
          table.set(k, p);
          return true;
        },
        unregisterName: (k: string) => void table.delete(k),
        whereisName: (k: string) => table.get(k),
        send: (k: string, m: unknown) => void send(table.get(k) as Pid, m),
      };
      const name = via(registry, "numbers");
      const numbers = await GenStage.startLink(Numbers, {}, { name });
      expect(table.get("numbers")).toEqual(numbers);
      await GenStage.startLink(Probe, { to: me, subscribeTo: [{ to: name, maxDemand: 2 }] });
      expect((await assertReceive<Events>(has("events"))).from.pid).toEqual(numbers);
      const typed = GenStage.named(Numbers, "typed");
      expect(typed).toBe("typed");
    }));
});

describe("supervision", () => {
  it("child specs start a pipeline under a rest_for_one supervisor, restarted after a crash", () =>
    withRuntime(async () => {
      const me = self();
      const sup = await Supervisor.startLink(
        [
          GenStage.childSpec(Numbers, {}, { name: "numbers", id: "numbers" }),
          GenStage.childSpec(
            Probe,
            { to: me, subscribeTo: [{ to: "numbers", maxDemand: 2 }] },
            { id: "probe" },
          ),
        ],
        { strategy: "rest_for_one" },
      );
      const first = await assertReceive<Events>(has("events"));
      exit(first.from.pid, "kill");
      // the producer is restarted, then the consumer after it, which subscribes again
      const again = await assertReceive<Events>(
        (m) => has("events")(m) && (m as Events).from.pid !== first.from.pid,
      );
      expect(again.events).toEqual([0]);
      const spec = GenStage.childSpec(Numbers, {}, { restart: "transient", shutdown: 100 });
      expect(spec).toMatchObject({
        id: Numbers,
        restart: "transient",
        shutdown: 100,
        type: "worker",
      });
      void sup;
    }));
});

describe("across nodes", () => {
  it("a consumer on one node consumes a producer on another; a disconnect cancels with noconnection", async () => {
    const clock = new VirtualClock();
    const logs: LogReport[] = [];
    const logger = { log: (r: LogReport) => void logs.push(r) };
    const a = createRuntime({ clock, node: "a@host", logger });
    const b = createRuntime({ clock, node: "b@host", logger });
    const connection = connectInMemory(a, b);
    try {
      const numbers = (await b.run(() => GenStage.start(Numbers, {}))) as Pid;
      await a.run(async () => {
        const me = self();
        expect(numbers.node).toBe("b@host");
        const probe = await GenStage.start(Probe, {
          to: me,
          subscribeTo: [{ to: numbers, maxDemand: 4 }],
        });
        const seen: number[] = [];
        while (seen.length < 20) seen.push(...(await assertReceive<Events>(has("events"))).events);
        expect(seen.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i));
        const ref = monitor(probe);
        connection.disconnect();
        const down = await assertReceive((m) => isDown(m) && m.ref === ref);
        expect((down as { reason: unknown }).reason).toBe("noconnection");
      });
      await b.run(async () => {
        // the producer on b forgot the consumer it lost
        const status = await Sys.getStatus(numbers);
        expect((status.state as { consumers: Pid[] }).consumers).toEqual([]);
        await GenStage.stop(numbers);
      });
      await clock.settle();
      assertNoLeaks(a);
      assertNoLeaks(b);
    } finally {
      await a.shutdown();
      await b.shutdown();
    }
  });
});
