// Bad input: typed errors with clear messages, never a silent hang.
import {
  BadArgumentError,
  exit,
  InitError,
  isDown,
  makeRef,
  monitor,
  type Pid,
  self,
  send,
  spawn,
} from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as GenStage from "@trellis/gen-stage";
import { describe, expect, it } from "vitest";
import { AskMsg } from "../src/internal/protocol.js";
import { has, Numbers, Probe, Pusher } from "./support.js";

async function downOf(pid: Pid, ref = monitor(pid)): Promise<unknown> {
  const d = await assertReceive((m) => isDown(m) && m.ref === ref);
  return (d as { reason: unknown }).reason;
}

describe("subscription options", () => {
  it.each([
    [
      { maxDemand: 10, minDemand: 10 },
      /minDemand must be an integer from 0 to maxDemand - 1 \(9\), got 10/,
    ],
    [{ maxDemand: 10, minDemand: 20 }, /minDemand/],
    [{ maxDemand: 0 }, /maxDemand must be an integer >= 1, got 0/],
    [{ maxDemand: -5 }, /maxDemand/],
    [{ maxDemand: 2.5 }, /maxDemand/],
    [{ minDemand: -1 }, /minDemand/],
    [{ cancel: "sometimes" }, /cancel must be "permanent", "transient" or "temporary"/],
  ])("syncSubscribe rejects %o with a BadArgumentError", (options, message) =>
    withRuntime(async () => {
      const numbers = await GenStage.startLink(Numbers, {});
      const probe = await GenStage.startLink(Probe, { to: self() });
      const attempt = GenStage.syncSubscribe(probe, {
        to: numbers,
        ...(options as Record<string, unknown>),
      });
      await expect(attempt).rejects.toThrow(BadArgumentError);
      await expect(attempt).rejects.toThrow(message);
    }),
  );

  it("a subscribeTo with minDemand >= maxDemand fails the start with the error", () =>
    withRuntime(async () => {
      const numbers = await GenStage.startLink(Numbers, {});
      const start = GenStage.start(Probe, {
        to: self(),
        subscribeTo: [{ to: numbers, minDemand: 5, maxDemand: 5 }],
      });
      await expect(start).rejects.toThrow(InitError);
      const reason = await start.catch((e: InitError) => e.reason);
      expect(reason).toBeInstanceOf(BadArgumentError);
    }));

  it("a subscription without a producer is refused", () =>
    withRuntime(async () => {
      const probe = await GenStage.startLink(Probe, { to: self() });
      await expect(
        GenStage.syncSubscribe(probe, { to: 42 } as unknown as GenStage.SubscribeOptions),
      ).rejects.toThrow(/expected a producer/);
    }));

  it("bad init options fail the start with { bad_opts }", () =>
    withRuntime(async () => {
      const Bad = GenStage.define({
        init: () => GenStage.Result.producer(null, { bufferSize: -1 }),
        handleDemand: (_d, s) => GenStage.Result.noreply([], s),
      });
      await expect(GenStage.start(Bad)).rejects.toMatchObject({
        reason: {
          bad_opts: expect.stringMatching(/bufferSize must be an integer >= 0 or Infinity/),
        },
      });
      const Unknown = GenStage.define({
        init: () =>
          GenStage.Result.consumer(null, { bufferSize: 3 } as GenStage.Result.ConsumerOptions),
      });
      await expect(GenStage.start(Unknown)).rejects.toMatchObject({
        reason: { bad_opts: expect.stringMatching(/unknown option bufferSize for a consumer/) },
      });
    }));
});

describe("demand", () => {
  it("GenStage.ask refuses negative demand", () =>
    withRuntime(async () => {
      expect(() => GenStage.ask({ pid: self(), ref: makeRef() }, -3)).toThrow(BadArgumentError);
      expect(() => GenStage.ask({ pid: self(), ref: makeRef() }, -3)).toThrow(
        /demand must be an integer >= 0, got -3/,
      );
    }));

  it("a producer cancels a subscription that sends negative demand", () =>
    withRuntime(async () => {
      const me = self();
      const pusher = await GenStage.startLink(Pusher, {});
      const probe = await GenStage.startLink(Probe, { to: me, manual: true });
      await GenStage.syncSubscribe(probe, { to: pusher, cancel: "temporary" });
      const { from } = await assertReceive<{ from: GenStage.Subscription }>(has("subscribed"));
      // forge the consumer's demand message, as a buggy or hostile peer could
      send(pusher, new AskMsg(probe, from.ref, -1));
      const c = await assertReceive<{ cancelled: GenStage.Cancellation }>(has("cancelled"));
      expect(c.cancelled.kind).toBe("cancel");
      expect(String(c.cancelled.reason)).toMatch(/demand must be an integer >= 0, got -1/);
    }));
});

describe("subscribing to what is not a producer", () => {
  it("a consumer subscribed to a consumer exits with a NotAProducerError", () =>
    withRuntime(async () => {
      const me = self();
      const target = await GenStage.startLink(Probe, { to: me });
      const subscriber = await GenStage.start(Probe, { to: me });
      const ref = monitor(subscriber);
      await GenStage.syncSubscribe(subscriber, { to: target });
      const reason = await downOf(subscriber, ref);
      expect(reason).toBeInstanceOf(GenStage.NotAProducerError);
      expect((reason as GenStage.NotAProducerError).stage).toEqual(target);
      expect(String((reason as Error).message)).toMatch(
        /is a consumer: it cannot be subscribed to/,
      );
    }));

  it("syncSubscribe on a producer rejects with a NotAProducerError", () =>
    withRuntime(async () => {
      const a = await GenStage.startLink(Numbers, {});
      const b = await GenStage.startLink(Numbers, {});
      await expect(GenStage.syncSubscribe(a, { to: b })).rejects.toThrow(
        GenStage.NotAProducerError,
      );
    }));

  it("a temporary subscription to a plain process just waits, as in Elixir", () =>
    withRuntime(async () => {
      const me = self();
      const plain = spawn(async () => {
        await new Promise(() => {});
      });
      const probe = await GenStage.startLink(Probe, { to: me });
      const ref = await GenStage.syncSubscribe(probe, { to: plain, cancel: "temporary" });
      expect(ref).toBeDefined();
      expect(await GenStage.call(probe, "ping")).toBe("pong");
      exit(plain, "kill");
    }));
});

describe("a consumer that returns events", () => {
  it("exits with a ConsumerEventsError", () =>
    withRuntime(async () => {
      const Leaky = GenStage.define({
        init: (producer: Pid) => GenStage.Result.consumer(null, { subscribeTo: [producer] }),
        handleEvents: (events: number[], _from, s) =>
          // a consumer's events do not type-check; force them as plain JS would
          GenStage.Result.noreply(events as never[], s),
      });
      const numbers = await GenStage.startLink(Numbers, {});
      const leaky = await GenStage.start(Leaky, numbers);
      const reason = await downOf(leaky);
      expect(reason).toBeInstanceOf(GenStage.ConsumerEventsError);
      expect((reason as GenStage.ConsumerEventsError).events.length).toBe(500);
    }));
});

describe("definitions and results", () => {
  it("define checks its callbacks", () => {
    expect(() => GenStage.define({} as never)).toThrow(/init must be a function/);
    expect(() =>
      GenStage.define({ init: () => GenStage.Result.consumer(null), handleEvents: 3 } as never),
    ).toThrow(/handleEvents must be a function/);
  });

  it("an invalid callback result stops the stage with { bad_return_value }", () =>
    withRuntime(async () => {
      const Wrong = GenStage.define({
        init: () => GenStage.Result.producer(null),
        handleDemand: () => ({ type: "noreply" }) as never,
      });
      const wrong = await GenStage.start(Wrong);
      const ref = monitor(wrong);
      await GenStage.startLink(Probe, {
        to: self(),
        subscribeTo: [{ to: wrong, cancel: "temporary" }],
      });
      expect(await downOf(wrong, ref)).toEqual({ bad_return_value: { type: "noreply" } });
    }));
});
