// Restart intensity of a DynamicSupervisor against the list-of-times model.
import { exitFrom, type Pid, send, sleep, trapExit } from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import fc from "fast-check";
import { expect, test } from "vitest";
import { started, worker } from "./helpers.js";

test("a DynamicSupervisor stops exactly at the restart the model says is one too many", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 4 }),
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 1, maxLength: 12 }),
      (maxRestarts, maxSeconds, gaps) =>
        withRuntime(async ({ clock }) => {
          trapExit(true);
          const sup = await DynamicSupervisor.startLink({ maxRestarts, maxSeconds });
          let pid = (await DynamicSupervisor.startChild(sup, worker("c"))) as Pid;
          await started("c");
          let kept: number[] = [];
          let t = clock.now();
          for (const gap of gaps) {
            t += gap;
            await sleep(t - clock.now());
            kept = [t, ...kept.filter((r) => r >= t - maxSeconds * 1000)];
            send(pid, "crash");
            if (kept.length <= maxRestarts) {
              pid = (await started("c")).pid;
            } else {
              expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
              return;
            }
          }
          await refuteReceive(exitFrom(sup), { timeout: 0 });
        }),
    ),
    { numRuns: 40 },
  );
});
