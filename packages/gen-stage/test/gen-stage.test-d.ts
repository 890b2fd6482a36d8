// Type tests: what compiles, what is inferred, what is refused.
import type { Pid } from "@trellis/core";
import * as GenStage from "@trellis/gen-stage";
import { describe, expectTypeOf, it } from "vitest";

const { producer, producerConsumer, consumer, noreply, reply } = GenStage.Result;

describe("define", () => {
  it("infers the state from init and the events from handleDemand", () => {
    const Numbers = GenStage.define({
      init: (start: number) => producer({ next: start }),
      handleDemand(demand, s) {
        expectTypeOf(demand).toEqualTypeOf<number>();
        expectTypeOf(s).toEqualTypeOf<{ next: number }>();
        return noreply([String(s.next)], { next: s.next + demand });
      },
    });
    expectTypeOf(GenStage.start(Numbers, 0)).resolves.toEqualTypeOf<GenStage.Stage<string>>();
  });

  it("infers the events of a producer that emits only from handleCast", () => {
    const Pusher = GenStage.define({
      init: () => producer(0),
      handleDemand: (_d, s) => noreply([], s),
      handleCast: (n: number, s) => noreply([n], s + 1),
    });
    expectTypeOf(GenStage.start(Pusher)).resolves.toEqualTypeOf<GenStage.Stage<number>>();
  });

  it("types a producer-consumer's input and output", () => {
    const Lengths = GenStage.define({
      init: () => producerConsumer(null),
      handleEvents(words: string[], from, s) {
        expectTypeOf(from).toEqualTypeOf<GenStage.Subscription>();
        return noreply(
          words.map((w) => w.length),
          s,
        );
      },
    });
    expectTypeOf(GenStage.start(Lengths)).resolves.toEqualTypeOf<GenStage.Stage<number>>();
  });

  it("refuses a consumer that emits events", () => {
    GenStage.define({
      init: () => consumer(null),
      handleEvents: (_events: number[], _from, s) => noreply([], s),
    });
    GenStage.define(
      // @ts-expect-error a consumer cannot emit events
      {
        init: () => consumer(null),
        handleEvents: (events: number[], _from, s) => noreply(events, s),
      },
    );
  });

  it("resolves with ignore only when init may ignore", () => {
    const Maybe = GenStage.define({
      init: (go: boolean) => (go ? consumer(0) : GenStage.Result.ignore()),
      handleEvents: (_e: number[], _f, s) => noreply([], s),
    });
    expectTypeOf(GenStage.start(Maybe, true)).resolves.toEqualTypeOf<
      GenStage.Stage<never> | "ignore"
    >();
  });

  it("requires the argument unless init accepts undefined", () => {
    const Needs = GenStage.define({ init: (n: number) => consumer(n) });
    // @ts-expect-error the argument is required
    void GenStage.start(Needs);
    const Optional = GenStage.define({ init: (n?: number) => consumer(n ?? 0) });
    void GenStage.start(Optional);
  });
});

describe("results", () => {
  it("discriminates by type", () => {
    expectTypeOf(noreply([1], "s")).toEqualTypeOf<GenStage.Result.NoReplyResult<number, string>>();
    expectTypeOf(reply(true, [], 0)).toEqualTypeOf<
      GenStage.Result.ReplyResult<boolean, never, number>
    >();
    expectTypeOf(GenStage.Result.stop("normal")).toEqualTypeOf<GenStage.Result.InitStopResult>();
    expectTypeOf(GenStage.Result.stop("normal", 1)).toEqualTypeOf<
      GenStage.Result.StopResult<number>
    >();
    expectTypeOf(GenStage.Result.manual(1).type).toEqualTypeOf<"manual">();
  });
});

describe("clients", () => {
  it("stream yields the events of typed stages", () => {
    const numbers = {} as GenStage.Stage<number>;
    expectTypeOf(GenStage.stream([numbers])).toEqualTypeOf<AsyncIterable<number>>();
    expectTypeOf(GenStage.stream([{ to: numbers, maxDemand: 10 }])).toEqualTypeOf<
      AsyncIterable<number>
    >();
  });

  it("fromIterable types its producer by the source", () => {
    async function* lines(): AsyncGenerator<string> {
      yield "a";
    }
    expectTypeOf(GenStage.fromIterable(lines())).resolves.toEqualTypeOf<GenStage.Stage<string>>();
  });

  it("ask and cancel take a subscription", () => {
    const pid = {} as Pid;
    // @ts-expect-error a pid is not a subscription
    GenStage.ask(pid, 1);
    expectTypeOf(GenStage.syncSubscribe).parameter(1).toMatchTypeOf<GenStage.SubscribeOptions>();
  });
});
