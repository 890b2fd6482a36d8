// Property: no stage ever receives more events than it asked for, whatever the demands,
// dispatchers, producer behaviour and pipeline shape.
import { type Pid, type Ref, self, send } from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as GenStage from "@trellis/gen-stage";
import fc from "fast-check";
import { expect, it } from "vitest";

interface Ledger {
  readonly asked: Map<Ref, number>;
  readonly sent: Map<Ref, number>;
  readonly violations: string[];
}

/** Wraps a dispatcher to check, at every send, that the consumer asked for that many. */
function spy<E>(inner: GenStage.Dispatcher<E>, ledger: Ledger): GenStage.Dispatcher<E> {
  return {
    name: `Spy(${inner.name})`,
    create(context) {
      const instance = inner.create({
        send(to, events) {
          const sent = (ledger.sent.get(to.ref) ?? 0) + events.length;
          ledger.sent.set(to.ref, sent);
          const asked = ledger.asked.get(to.ref) ?? 0;
          if (sent > asked) ledger.violations.push(`sent ${sent} > asked ${asked}`);
          context.send(to, events);
        },
        askAgain: (to, count) => context.askAgain(to, count),
      });
      return {
        subscribe: (options, from) => instance.subscribe(options, from),
        cancel: (from) => instance.cancel(from),
        ask(count, from) {
          ledger.asked.set(from.ref, (ledger.asked.get(from.ref) ?? 0) + count);
          return instance.ask(count, from);
        },
        dispatch: (events, length) => instance.dispatch(events, length),
      };
    },
  };
}

interface Scenario {
  readonly dispatcher: "demand" | "broadcast" | "partition";
  /** Out of 4: how much of the demand handleDemand returns (0 to 8 quarters: up to twice). */
  readonly producerQuarters: readonly number[];
  readonly middle: {
    readonly maxDemand: number;
    readonly minDemand: number;
    readonly fanOut: number;
  } | null;
  readonly consumers: readonly {
    readonly maxDemand: number;
    readonly minDemand: number;
    readonly manual: number | null;
  }[];
}

const consumerArb = fc
  .record({
    maxDemand: fc.integer({ min: 1, max: 20 }),
    min: fc.integer({ min: 0, max: 19 }),
    manual: fc.option(fc.integer({ min: 1, max: 6 })),
  })
  .map(({ maxDemand, min, manual }) => ({ maxDemand, minDemand: min % maxDemand, manual }));

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  dispatcher: fc.constantFrom("demand" as const, "broadcast" as const, "partition" as const),
  producerQuarters: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 6 }),
  middle: fc.option(
    fc
      .record({
        maxDemand: fc.integer({ min: 1, max: 15 }),
        min: fc.integer({ min: 0, max: 14 }),
        fanOut: fc.integer({ min: 0, max: 3 }),
      })
      .map(({ maxDemand, min, fanOut }) => ({ maxDemand, minDemand: min % maxDemand, fanOut })),
  ),
  consumers: fc.array(consumerArb, { minLength: 1, maxLength: 3 }),
});

it("no stage receives more events than it asked for", async () => {
  await fc.assert(
    fc.asyncProperty(scenarioArb, (scenario) =>
      withRuntime(async ({ logs }) => {
        const me = self();
        const ledger: Ledger = { asked: new Map(), sent: new Map(), violations: [] };
        const n = scenario.consumers.length;
        const inner =
          scenario.dispatcher === "broadcast" && scenario.middle === null
            ? GenStage.broadcastDispatcher<number>()
            : scenario.dispatcher === "partition" && scenario.middle === null
              ? GenStage.partitionDispatcher<number>({ partitions: n, hash: (e) => e % n })
              : GenStage.demandDispatcher<number>();

        // Returns a share of the demand (from none to twice as much) and owes the rest, which
        // it emits later from handleInfo, as a producer waiting on I/O would.
        const Source = GenStage.define({
          init: () =>
            GenStage.Result.producer(
              { next: 0, turn: 0, owed: 0 },
              { dispatcher: spy(inner, ledger), bufferSize: Number.POSITIVE_INFINITY },
            ),
          handleDemand(demand, s) {
            const q = scenario.producerQuarters[s.turn % scenario.producerQuarters.length] ?? 4;
            const count = Math.floor((demand * q) / 4);
            const events = Array.from({ length: count }, (_, i) => s.next + i);
            const owed = s.owed + Math.max(0, demand - count);
            if (owed > 0) send(self(), "later");
            return GenStage.Result.noreply(events, {
              next: s.next + count,
              turn: s.turn + 1,
              owed,
            });
          },
          handleInfo(_later, s) {
            const events = Array.from({ length: s.owed }, (_, i) => s.next + i);
            return GenStage.Result.noreply(events, { ...s, next: s.next + s.owed, owed: 0 });
          },
        });
        const source = await GenStage.startLink(Source);
        let upstream: Pid = source;
        if (scenario.middle !== null) {
          const { maxDemand, minDemand, fanOut } = scenario.middle;
          const Middle = GenStage.define({
            init: () =>
              GenStage.Result.producerConsumer(null, {
                subscribeTo: [{ to: source, maxDemand, minDemand }],
                dispatcher: spy(GenStage.demandDispatcher<number>(), ledger),
              }),
            handleEvents: (events: number[], _from, s) =>
              GenStage.Result.noreply(
                events.flatMap((e) => Array.from({ length: fanOut === 0 ? 1 : fanOut }, () => e)),
                s,
              ),
          });
          upstream = await GenStage.startLink(Middle);
        }
        const Sink = GenStage.define({
          init: (arg: { index: number; manual: number | null }) =>
            GenStage.Result.consumer({ ...arg, asked: 0, received: 0 }),
          handleSubscribe(_kind, _options, from, s) {
            if (s.manual === null) return GenStage.Result.automatic(s);
            GenStage.ask(from, s.manual);
            return GenStage.Result.manual({ ...s, asked: s.manual });
          },
          handleEvents(events: number[], from, s) {
            const received = s.received + events.length;
            send(me, {
              got: events.length,
              index: s.index,
              over: s.manual !== null && received > s.asked,
            });
            if (s.manual === null) return GenStage.Result.noreply([], { ...s, received });
            GenStage.ask(from, s.manual);
            return GenStage.Result.noreply([], { ...s, received, asked: s.asked + s.manual });
          },
        });
        // A broadcast consumer that subscribes while events are asked for gets them too
        // (Elixir's rule): every consumer then starts with the same demand.
        const first = scenario.consumers[0] as Scenario["consumers"][number];
        const consumers =
          scenario.dispatcher === "broadcast" && scenario.middle === null
            ? scenario.consumers.map((c) => ({
                ...c,
                maxDemand: first.maxDemand,
                minDemand: Math.min(c.minDemand, first.maxDemand - 1),
                manual: c.manual === null ? null : first.maxDemand,
              }))
            : scenario.consumers;
        const sinks = await Promise.all(
          consumers.map((c, index) => GenStage.startLink(Sink, { index, manual: c.manual })),
        );
        // subscribe everyone before any demand reaches the producer
        await Promise.all(
          consumers.map((c, index) =>
            GenStage.syncSubscribe(sinks[index] as Pid, {
              to: upstream,
              maxDemand: c.maxDemand,
              minDemand: c.minDemand,
              partition: index,
            }),
          ),
        );
        const total = new Array<number>(n).fill(0);
        while (Math.min(...total) < 30 && total.reduce((a, b) => a + b, 0) < 60 * n) {
          const m = await assertReceive<{ got: number; index: number; over: boolean }>(
            (x) => typeof x === "object" && x !== null && "got" in x,
            { timeout: 1000 },
          );
          expect(m.over).toBe(false);
          total[m.index] = (total[m.index] ?? 0) + m.got;
        }
        expect(ledger.violations).toEqual([]);
        expect(logs.filter((r) => r.message.includes("in excess"))).toEqual([]);
      }),
    ),
    {
      numRuns: 60,
      examples: [
        [
          {
            dispatcher: "broadcast",
            producerQuarters: [0],
            middle: null,
            consumers: [
              { maxDemand: 1, minDemand: 0, manual: 2 },
              { maxDemand: 1, minDemand: 0, manual: null },
            ],
          },
        ],
      ],
    },
  );
});
