// The examples of docs/guides/agent.md that are not in examples/visits.ts, word for word
// (scripts/sync-docs.mjs writes each region into the guide).

import * as Agent from "@trellis/agent";
import { withRuntime } from "@trellis/core/testing";
import { expect, it } from "vitest";
import * as Visits from "./examples/visits.js";

/** Stands for slow work on a snapshot of the state. */
function render(counts: ReadonlyMap<string, number>): string {
  return [...counts].map(([page, n]) => `${page}: ${n}`).join("\n");
}

it("takes a snapshot and does the slow work in the caller", () =>
  withRuntime(async () => {
    const visits = await Visits.startLink();
    Visits.visit(visits, "/home");
    // #region snapshot
    const snapshot = await Agent.get(visits, (counts) => counts); // quick
    const report = render(snapshot); // slow, but in the caller
    // #endregion snapshot
    expect(report).toBe("/home: 1");
  }));

it("is reached by name and supervised from a child spec", () =>
  withRuntime(async () => {
    // #region named
    await Agent.startLink(() => new Map<string, string>(), { name: "config" });
    await Agent.get("config", (config: Map<string, string>) => config.get("mode"));

    const spec = Agent.childSpec(() => new Map(), { id: "config", name: "config" });
    // #endregion named
    expect(await Agent.get("config", (config: Map<string, string>) => config.size)).toBe(0);
    expect(spec).toMatchObject({ id: "config" });
  }));
