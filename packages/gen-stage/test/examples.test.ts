import { receive, self } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenStage from "@trellis/gen-stage";
import { expect, it } from "vitest";
import { Counter, Multiplier, Sink } from "./examples/pipeline.js";

it("runs the pipeline of the package documentation", () =>
  withRuntime(async () => {
    // #region usage
    await GenStage.startLink(Counter, 0, { name: "counter" });
    await GenStage.startLink(Multiplier, 2, { name: "multiplier" });
    await GenStage.startLink(Sink, self());
    // the sink receives 0, 2, 4, 6… in batches of at most maxDemand - minDemand
    // #endregion usage
    const seen: number[] = [];
    while (seen.length < 100) {
      const batch = (await receive()) as number[];
      expect(batch.length).toBeLessThanOrEqual(5);
      seen.push(...batch);
    }
    expect(seen.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
  }));
