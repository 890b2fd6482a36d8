// The running example of @trellis/gen-server's module documentation and of
// docs/guides/gen-server.md: a stock of items that clients count, reserve and restock.
// test/examples.test.ts runs it.

// #region server
import * as GenServer from "@trellis/gen-server";

const { ok, reply, noreply } = GenServer.Result;

/** Calls, each with its reply type. */
export type StockCall =
  | GenServer.Request<{ type: "count"; item: string }, number>
  | GenServer.Request<{ type: "reserve"; item: string; quantity: number }, boolean>;

/** Casts: nobody waits for them. */
export type StockCast = { type: "restock"; item: string; quantity: number };

const Stock = GenServer.define({
  init: (initial: Record<string, number>) => ok(new Map(Object.entries(initial))),

  handleCall(request: StockCall, _from, stock) {
    const have = stock.get(request.item) ?? 0;
    switch (request.type) {
      case "count":
        return reply(have, stock);
      case "reserve":
        if (have < request.quantity) return reply(false, stock);
        return reply(true, new Map(stock).set(request.item, have - request.quantity));
    }
  },

  handleCast(request: StockCast, stock) {
    const have = stock.get(request.item) ?? 0;
    return noreply(new Map(stock).set(request.item, have + request.quantity));
  },
});
// #endregion server

// #region client
/** The typed handle of a running stock. */
export type StockServer = GenServer.Server<StockCall, StockCast>;

/** Starts the stock, linked to the caller and registered as "stock". */
export function startLink(initial: Record<string, number>): Promise<StockServer> {
  return GenServer.startLink(Stock, initial, { name: "stock" });
}

/** How many of `item` are left. */
export function count(stock: StockServer, item: string): Promise<number> {
  return GenServer.call(stock, { type: "count", item });
}

/** Takes `quantity` of `item` if there are enough; says whether it did. */
export function reserve(stock: StockServer, item: string, quantity: number): Promise<boolean> {
  return GenServer.call(stock, { type: "reserve", item, quantity }, { timeout: 1000 });
}

/** Adds `quantity` of `item`, without waiting. */
export function restock(stock: StockServer, item: string, quantity: number): void {
  GenServer.cast(stock, { type: "restock", item, quantity });
}

/** The child spec for a supervisor. */
export function childSpec(initial: Record<string, number>): GenServer.ChildSpec {
  return GenServer.childSpec(Stock, initial, { name: "stock" });
}
// #endregion client
