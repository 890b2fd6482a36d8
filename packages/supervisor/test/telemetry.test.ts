// Telemetry events of a supervisor: child restart, child shutdown, intensity exceeded.
import { downFor, type Measurements, type Metadata, monitor, send, trapExit } from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, it } from "vitest";
import { started, worker } from "./helpers.js";

describe("supervisor telemetry", () => {
  it("child restart, child shutdown, and intensity exceeded", () =>
    withRuntime(async ({ runtime }) => {
      const seen: { e: string; m: Measurements; md: Metadata }[] = [];
      runtime.telemetry.attachMany(
        "t",
        [
          ["trellis", "supervisor", "child", "restart"],
          ["trellis", "supervisor", "child", "shutdown"],
          ["trellis", "supervisor", "intensity", "exceeded"],
        ],
        (e, m, md) => seen.push({ e: e.slice(2).join("."), m, md }),
      );
      trapExit(true);
      const sup = await Supervisor.startLink([worker("a"), worker("b")], {
        strategy: "one_for_one",
        maxRestarts: 1,
        maxSeconds: 5,
      });
      const a1 = await started("a");
      await started("b");
      send(a1, "crash");
      const a2 = await started("a");
      expect(seen.map((s) => s.e)).toEqual(["child.restart"]);
      expect(seen[0]?.md).toMatchObject({ supervisor: sup, id: "a", pid: a2 });
      expect(seen[0]?.m.restarts).toBe(1);
      const ref = monitor(sup);
      send(a2, "crash");
      await assertReceive(downFor(ref), { timeout: 1000 });
      runtime.telemetry.detach("t");
      expect(seen.map((s) => s.e)).toEqual([
        "child.restart",
        "intensity.exceeded",
        "child.shutdown",
      ]);
      expect(seen[1]?.m).toEqual({ maxRestarts: 1, maxSeconds: 5 });
      expect(seen[2]?.md).toMatchObject({ supervisor: sup, id: "b", reason: "shutdown" });
    }));
});
