// Restart intensity against a simple model: the list of restart times (Erlang's add_restart).
import { exitFrom, send, sleep, trapExit } from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { started, worker } from "./helpers.js";

/** The model: keep the restarts no older than the period, add this one, compare with maxRestarts. */
function model(maxRestarts: number, maxSeconds: number, times: readonly number[]): boolean[] {
  let kept: number[] = [];
  return times.map((now) => {
    kept = [now, ...kept.filter((t) => t >= now - maxSeconds * 1000)];
    return kept.length <= maxRestarts;
  });
}

/** Restart times from gaps between them. */
function timesOf(gaps: readonly number[]): number[] {
  let t = 0;
  return gaps.map((g) => (t += g));
}

const gapsArb = fc.array(
  fc.oneof(fc.integer({ min: 0, max: 7000 }), fc.constantFrom(0, 999, 1000, 1001, 5000)),
  {
    maxLength: 60,
  },
);

describe("RestartIntensity", () => {
  test("agrees with the list model on every restart", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        gapsArb,
        (maxR, maxS, gaps) => {
          const times = timesOf(gaps);
          const counter = new Supervisor.RestartIntensity(maxR, maxS);
          expect(times.map((t) => counter.add(t))).toEqual(model(maxR, maxS, times));
        },
      ),
      { numRuns: 500 },
    );
  });

  test("a huge maxRestarts costs nothing up front and still counts", () => {
    const counter = new Supervisor.RestartIntensity(1_000_000_000, 1);
    let ok = true;
    for (let i = 0; i < 10_000; i++) ok &&= counter.add(i / 100);
    expect(ok).toBe(true);
    expect(counter.count).toBe(10_000);
  });

  test("validates its arguments", () => {
    expect(() => new Supervisor.RestartIntensity(-1, 5)).toThrow(Supervisor.SupervisorFlagsError);
    expect(() => new Supervisor.RestartIntensity(3, 0)).toThrow(/maxSeconds/);
  });
});

describe("a supervisor under random crashes", () => {
  test("stops exactly at the restart the model says is one too many", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 1, maxLength: 12 }),
        (maxR, maxS, gaps) =>
          withRuntime(async ({ clock }) => {
            trapExit(true);
            const sup = await Supervisor.startLink([worker("c")], {
              strategy: "one_for_one",
              maxRestarts: maxR,
              maxSeconds: maxS,
            });
            let pid = await started("c");
            const times = timesOf(gaps);
            const allowed = model(maxR, maxS, times);
            const t0 = clock.now();
            for (let i = 0; i < times.length; i++) {
              await sleep(t0 + (times[i] as number) - clock.now());
              send(pid, "crash");
              if (allowed[i]) {
                pid = await started("c");
              } else {
                expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
                return;
              }
            }
            await refuteReceive(exitFrom(sup), { timeout: 0 });
          }),
      ),
      { numRuns: 60 },
    );
  });
});
