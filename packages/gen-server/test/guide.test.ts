// The examples of docs/guides/gen-server.md that are not in examples/stock.ts, word for word
// (scripts/sync-docs.mjs writes each region into the guide). `download` stands for any slow
// I/O (a fetch, a query).
import { downFor, monitor, receive, Sys, spawn, TIMEOUT } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { expect, it, test } from "vitest";
import * as Stock from "./examples/stock.js";

async function download(url: string): Promise<string> {
  return `contents of ${url}`;
}

it("replies later, from another process", () =>
  withRuntime(async () => {
    // #region jobs
    const Jobs = GenServer.define({
      init: () => GenServer.Result.ok(null),
      handleCall(job: GenServer.Request<{ url: string }, string>, from, state) {
        spawn(async () => {
          GenServer.reply(from, await download(job.url));
        });
        return GenServer.Result.noreply(state); // free to take the next request
      },
    });
    // #endregion jobs
    const jobs = await GenServer.startLink(Jobs, undefined);
    expect(await GenServer.call(jobs, { url: "a.example" })).toBe("contents of a.example");
  }));

it("finishes a slow initialisation in handleContinue", () =>
  withRuntime(async () => {
    // #region continue
    const Catalog = GenServer.define({
      init: (url: string) =>
        GenServer.Result.ok({ url, items: [] as string[] }, { continue: "load" }),
      async handleContinue(_arg: "load", state) {
        const items = (await download(state.url)).split(" ");
        return GenServer.Result.noreply({ ...state, items });
      },
    });
    // #endregion continue
    const catalog = await GenServer.startLink(Catalog, "c.example");
    expect(await Sys.getState(catalog)).toEqual({
      url: "c.example",
      items: ["contents", "of", "c.example"],
    });
  }));

it("stops an idle session after its timeout", () =>
  withRuntime(async ({ clock }) => {
    // #region idle
    const Session = GenServer.define({
      init: (user: string) => GenServer.Result.ok(user, { timeout: 30 * 60_000 }),
      handleCast: (_touch: "touch", user) =>
        GenServer.Result.noreply(user, { timeout: 30 * 60_000 }),
      handleInfo: (message, user) =>
        message === TIMEOUT
          ? GenServer.Result.stop("normal", user)
          : GenServer.Result.noreply(user),
    });
    // #endregion idle
    const session = await GenServer.start(Session, "ann");
    const ref = monitor(session);
    expect((await receive(downFor(ref))).reason).toBe("normal");
    expect(clock.now()).toBe(30 * 60_000);
  }));

it("gives a typed handle by name", () =>
  withRuntime(async () => {
    const Counter = GenServer.define({
      init: () => GenServer.Result.ok(41),
      handleCall: (_r: GenServer.Request<{ type: "next" }, number>, _from, n) =>
        GenServer.Result.reply(n + 1, n + 1),
    });
    await GenServer.startLink(Counter, undefined, { name: "counter" });
    // #region named
    const counter = GenServer.named(Counter, "counter");
    await GenServer.call(counter, { type: "next" }); // Promise<number>
    // #endregion named
    expect(await GenServer.call(counter, { type: "next" })).toBe(43);
  }));

it("takes child spec defaults from define", () => {
  const callbacks = { init: () => GenServer.Result.ok(new Map<string, string>()) };
  // #region childspec
  const Cache = GenServer.define(callbacks, { restart: "transient", shutdown: 10_000 });
  GenServer.childSpec(Cache, undefined, { id: "cache", name: "cache" });
  // #endregion childspec
  expect(GenServer.childSpec(Cache, undefined, { id: "cache", name: "cache" })).toMatchObject({
    id: "cache",
    restart: "transient",
    shutdown: 10_000,
    type: "worker",
  });
});

it("answers the system messages", () =>
  withRuntime(async () => {
    const server = await Stock.startLink({ apples: 3 });
    // #region sys
    await Sys.getState(server); // the state
    await Sys.replaceState(server, (s) => new Map(s as Map<string, number>).set("pears", 1));
    await Sys.getStatus(server); // { behaviour: "GenServer", state: formatStatus(…), … }
    await Sys.suspend(server); // calls and casts wait until Sys.resume(server)
    // #endregion sys
    await Sys.resume(server);
    expect(await Stock.count(server, "pears")).toBe(1);
  }));

// #region testing
test("reserving more than the stock fails", () =>
  withRuntime(async () => {
    const stock = await Stock.startLink({ apples: 1 });
    expect(await Stock.reserve(stock, "apples", 2)).toBe(false);
  }));
// #endregion testing
