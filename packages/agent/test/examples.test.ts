// Runs the documentation's example (test/examples/visits.ts).
import { withRuntime } from "@trellis/core/testing";
import { expect, it } from "vitest";
import * as Visits from "./examples/visits.js";

it("the visits example works as the docs say", () =>
  withRuntime(async () => {
    // #region usage
    const visits = await Visits.startLink();
    Visits.visit(visits, "/home");
    Visits.visit(visits, "/home");
    await Visits.count(visits, "/home"); // 2
    await Visits.reset(visits); // Map { "/home" => 2 }
    await Visits.count(visits, "/home"); // 0
    // #endregion usage
    Visits.visit(visits, "/about");
    expect(await Visits.count(visits, "/about")).toBe(1);
    expect([...(await Visits.reset(visits))]).toEqual([["/about", 1]]);
    expect(await Visits.count(visits, "/about")).toBe(0);
  }));
