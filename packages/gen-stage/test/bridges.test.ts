// Bridges: fromIterable (async iterables, ReadableStream), toWritable, and GenStage.stream.
import { ExitError, isDown, monitor, type Pid, self } from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenStage from "@trellis/gen-stage";
import { describe, expect, it } from "vitest";
import { has, Numbers, Probe } from "./support.js";

type Events = { events: number[]; from: GenStage.Subscription; by: Pid };
type Subscribed = { from: GenStage.Subscription; by: Pid };
type Cancelled = { cancelled: GenStage.Cancellation };

describe("fromIterable", () => {
  it("pulls from an async iterable only as consumers ask, and closes it when stopped", () =>
    withRuntime(async () => {
      const me = self();
      let pulled = 0;
      let closed = false;
      async function* source(): AsyncGenerator<number> {
        try {
          for (let i = 0; ; i++) {
            pulled++;
            yield i;
          }
        } finally {
          closed = true;
        }
      }
      const producer = await GenStage.fromIterable(source());
      const probe = await GenStage.startLink(Probe, {
        to: me,
        manual: true,
        subscribeTo: [{ to: producer, cancel: "temporary" }],
      });
      const { from } = await assertReceive<Subscribed>(has("subscribed"));
      await refuteReceive(has("events"));
      expect(pulled).toBe(0);
      GenStage.cast(probe, { ask: 3, from });
      const got: number[] = [];
      while (got.length < 3) got.push(...(await assertReceive<Events>(has("events"))).events);
      expect(got).toEqual([0, 1, 2]);
      await refuteReceive(has("events"));
      expect(pulled).toBe(3);
      GenStage.cast(probe, { ask: 2, from });
      while (got.length < 5) got.push(...(await assertReceive<Events>(has("events"))).events);
      expect(got).toEqual([0, 1, 2, 3, 4]);
      expect(pulled).toBe(5);
      await GenStage.stop(producer);
      await assertReceive(has("cancelled"));
      // the generator is suspended at a yield: return() runs its finally
      await Promise.resolve();
      expect(closed).toBe(true);
    }));

  it("stops normal after the last event of a finite source", () =>
    withRuntime(async () => {
      const me = self();
      const producer = await GenStage.fromIterable([1, 2, 3, 4, 5]);
      const ref = monitor(producer);
      await GenStage.startLink(Probe, {
        to: me,
        subscribeTo: [{ to: producer, maxDemand: 10, cancel: "transient" }],
      });
      const got: number[] = [];
      while (got.length < 5) got.push(...(await assertReceive<Events>(has("events"))).events);
      expect(got).toEqual([1, 2, 3, 4, 5]);
      const down = await assertReceive((m) => isDown(m) && m.ref === ref);
      expect((down as { reason: unknown }).reason).toBe("normal");
      expect((await assertReceive<Cancelled>(has("cancelled"))).cancelled).toEqual({
        kind: "down",
        reason: "normal",
      });
    }));

  it("stops with the error when the source throws", () =>
    withRuntime(async () => {
      async function* failing(): AsyncGenerator<number> {
        yield 1;
        throw new Error("disk on fire");
      }
      const producer = await GenStage.fromIterable(failing());
      const ref = monitor(producer);
      await GenStage.startLink(Probe, {
        to: self(),
        subscribeTo: [{ to: producer, cancel: "temporary" }],
      });
      const down = await assertReceive((m) => isDown(m) && m.ref === ref);
      expect(String((down as { reason: unknown }).reason)).toMatch(/disk on fire/);
    }));

  it("reads a Web ReadableStream", () =>
    withRuntime(async () => {
      const me = self();
      const readable = new ReadableStream<number>({
        start(controller) {
          for (const n of [10, 20, 30]) controller.enqueue(n);
          controller.close();
        },
      });
      const producer = await GenStage.fromIterable(readable);
      await GenStage.startLink(Probe, {
        to: me,
        subscribeTo: [{ to: producer, maxDemand: 10, cancel: "temporary" }],
      });
      const got: number[] = [];
      while (got.length < 3) got.push(...(await assertReceive<Events>(has("events"))).events);
      expect(got).toEqual([10, 20, 30]);
    }));

  it("refuses what is not iterable", () =>
    withRuntime(async () => {
      await expect(GenStage.fromIterable(42 as never)).rejects.toThrow(
        /expected an async iterable/,
      );
    }));
});

describe("toWritable", () => {
  it("writes every event, waits for the sink, and closes it when the producers finish", () =>
    withRuntime(async () => {
      const written: number[] = [];
      let closed = false;
      const writable = new WritableStream<number>(
        {
          async write(chunk) {
            await Promise.resolve();
            written.push(chunk);
          },
          close() {
            closed = true;
          },
        },
        { highWaterMark: 1 },
      );
      const producer = await GenStage.fromIterable(Array.from({ length: 50 }, (_, i) => i));
      const sink = await GenStage.toWritable(writable, [{ to: producer, maxDemand: 8 }]);
      const ref = monitor(sink);
      const down = await assertReceive((m) => isDown(m) && m.ref === ref, { timeout: 1000 });
      expect((down as { reason: unknown }).reason).toBe("normal");
      expect(written).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(closed).toBe(true);
    }));

  it("refuses what is not a WritableStream", () =>
    withRuntime(async () => {
      await expect(GenStage.toWritable({} as never, ["x"])).rejects.toThrow(
        /expected a WritableStream/,
      );
    }));
});

describe("GenStage.stream", () => {
  it("iterates a producer, holding no more than maxDemand, and cancels on break", () =>
    withRuntime(async () => {
      const me = self();
      const numbers = await GenStage.startLink(Numbers, { report: me });
      const got: number[] = [];
      for await (const n of GenStage.stream<number>([{ to: numbers, maxDemand: 10 }])) {
        got.push(n);
        if (got.length === 35) break;
      }
      expect(got).toEqual(Array.from({ length: 35 }, (_, i) => i));
      // demand reached the producer only as the loop took events: at most 35 + maxDemand
      let asked = 0;
      for (;;) {
        const d = await assertReceive<{ demand: number }>(has("demand")).catch(() => undefined);
        if (d === undefined) break;
        asked += d.demand;
      }
      expect(asked).toBeGreaterThanOrEqual(35);
      expect(asked).toBeLessThanOrEqual(45);
      const status = await (await import("@trellis/core")).Sys.getStatus(numbers);
      expect((status.state as { consumers: Pid[] }).consumers).toEqual([]);
    }));

  it("ends when the producer finishes, and throws when it fails", () =>
    withRuntime(async () => {
      const finite = await GenStage.fromIterable([1, 2, 3]);
      const got: number[] = [];
      for await (const n of GenStage.stream<number>([finite])) got.push(n);
      expect(got).toEqual([1, 2, 3]);
      async function* failing(): AsyncGenerator<number> {
        yield 1;
        throw new Error("broken source");
      }
      const bad = await GenStage.fromIterable(failing());
      const seen: number[] = [];
      const run = async (): Promise<void> => {
        for await (const n of GenStage.stream<number>([bad])) seen.push(n);
      };
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExitError);
      expect(String((error as ExitError).exitReason)).toMatch(/broken source/);
      expect(seen).toEqual([1]);
    }));

  it("refuses an empty list", () => {
    expect(() => GenStage.stream([])).toThrow(/non-empty list/);
  });
});
