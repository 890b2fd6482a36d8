// Runs the documentation's example (test/examples/stock.ts).
import { withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { expect, it } from "vitest";
import * as Stock from "./examples/stock.js";

it("the stock example works as the docs say", () =>
  withRuntime(async () => {
    // #region usage
    const stock = await Stock.startLink({ apples: 3 });
    await Stock.reserve(stock, "apples", 2); // true
    await Stock.reserve(stock, "apples", 2); // false: only 1 left
    Stock.restock(stock, "pears", 5);
    await Stock.count(stock, "pears"); // 5
    // #endregion usage
    expect(await Stock.count(stock, "apples")).toBe(1);
    expect(await Stock.reserve(stock, "pears", 5)).toBe(true);
    expect(await Stock.count(stock, "pears")).toBe(0);
    expect(GenServer.whereis("stock")).toBe(stock);
  }));

it("the stock example's child spec starts it", () =>
  withRuntime(async () => {
    const spec = Stock.childSpec({ apples: 1 });
    const pid = (await spec.start()) as Stock.StockServer;
    expect(await Stock.count(pid, "apples")).toBe(1);
  }));
