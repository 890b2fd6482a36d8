// Runs the documentation's examples (test/examples.ts).
import { withRuntime } from "@trellis/core/testing";
import { describe, expect, it, vi } from "vitest";
import { priceList, priceWithin, startApp, total, tryPrice } from "./examples.js";

describe("the documentation's examples", () => {
  it("basic: awaits several tasks together", () =>
    withRuntime(async ({ clock }) => {
      expect(await total(["tea", "coffee", "milk"])).toBe(1300);
      expect(clock.now()).toBe(60); // concurrently: as long as the slowest
    }));

  it("yield: a slow task is shut down", () =>
    withRuntime(async () => {
      expect(await priceWithin("tea", 100)).toBe(300);
      expect(await priceWithin("a very long item name", 100)).toBeUndefined();
    }));

  it("stream: bounded concurrency, slow items become exit elements", () =>
    withRuntime(async () => {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      const prices = await priceList(["a", "bb", "an item whose name is too long to price"]);
      expect(prices).toEqual([100, 200]);
      expect(warn).toHaveBeenCalledWith(
        "no price for an item whose name is too long to price: timeout",
      );
      warn.mockRestore();
    }));

  it("supervised: failures come back as results", () =>
    withRuntime(async () => {
      await startApp();
      expect(await tryPrice("tea")).toBe(300);
      expect(await tryPrice("")).toEqual(new Error("no item"));
    }));
});
