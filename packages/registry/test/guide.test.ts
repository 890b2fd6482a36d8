// The examples of docs/guides/registry.md, word for word (scripts/sync-docs.mjs writes each
// region into the guide). Each runs in a test process of its own runtime.
import { receive, self, send, spawnLink } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Ets from "@trellis/ets-table";
import * as GenServer from "@trellis/gen-server";
import * as Registry from "@trellis/registry";
import * as Supervisor from "@trellis/supervisor";
import { expect, it } from "vitest";

type Balance = GenServer.Request<{ type: "balance" }, number>;
/** A bank account: a GenServer holding a balance. */
const Account = GenServer.define({
  init: (id: number) => GenServer.Result.ok({ id, balance: 100 }),
  handleCall: (_request: Balance, _from, account) =>
    GenServer.Result.reply(account.balance, account),
});

it("registers and looks up unique keys", () =>
  withRuntime(async () => {
    // #region unique
    const reg = await Registry.startLink<string, { role: string }>({
      keys: "unique",
      name: "workers",
      partitions: 4, // default 1
    });
    Registry.register(reg, "worker:1", { role: "payments" }); // { type: "ok", owner }
    Registry.lookup("workers", "worker:1"); // [[pid, { role: "payments" }]]
    // #endregion unique
    expect(Registry.lookup("workers", "worker:1")).toEqual([[self(), { role: "payments" }]]);
  }));

it("names processes with via names", () =>
  withRuntime(async () => {
    // #region via
    await Registry.startLink({ keys: "unique", name: "accounts" });

    const account = (id: number) => Registry.via("accounts", ["account", id]);

    await GenServer.startLink(Account, 42, { name: account(42) });
    await GenServer.call(account(42), { type: "balance" });
    // #endregion via
    expect(await GenServer.call<number>(account(42), { type: "balance" })).toBe(100);
  }));

it("starts first in a rest_for_one supervisor", () =>
  withRuntime(async () => {
    const accountsSupervisorSpec = GenServer.childSpec(Account, 7, {
      id: "account-7",
      name: Registry.via("accounts", ["account", 7]),
    });
    // #region supervised
    await Supervisor.startLink(
      [Registry.childSpec({ keys: "unique", name: "accounts" }), accountsSupervisorSpec],
      { strategy: "rest_for_one" },
    );
    // #endregion supervised
    expect(Registry.lookup("accounts", ["account", 7])).toHaveLength(1);
  }));

it("looks up and matches", () =>
  withRuntime(async () => {
    const reg = await Registry.startLink<string, { role: string; load?: number }>({
      keys: "duplicate",
    });
    Registry.register(reg, "worker:1", { role: "payments", load: 12 });
    const pid = self();
    // #region lookup
    Registry.lookup(reg, "worker:1"); // [[pid, value]] or []
    Registry.keys(reg, pid); // the keys pid holds
    Registry.values(reg, "worker:1", pid); // its values under that key
    Registry.match(reg, "worker:1", { role: "payments" }); // value patterns (partial objects)
    Registry.match(reg, "worker:1", { load: Ets.$1 }, [Ets.expr(">", Ets.$1, 10)]); // guards
    Registry.count(reg);
    Registry.select(reg, [[[Ets.$1, Ets.$2, Ets._], [], [[Ets.$1, Ets.$2]]]]); // [key, pid] pairs
    // #endregion lookup
    expect(Registry.keys(reg, pid)).toEqual(["worker:1"]);
    expect(
      Registry.match(reg, "worker:1", { load: Ets.$1 }, [Ets.expr(">", Ets.$1, 10)]),
    ).toHaveLength(1);
    expect(Registry.select(reg, [[[Ets.$1, Ets.$2, Ets._], [], [[Ets.$1, Ets.$2]]]])).toEqual([
      ["worker:1", pid],
    ]);
  }));

it("dispatches to the subscribers of a topic", () =>
  withRuntime(async () => {
    const test = self();
    // #region pubsub
    const pubsub = await Registry.startLink<string, { since: number }>({
      keys: "duplicate",
      name: "pubsub",
      partitions: 4,
    });

    // A subscriber:
    const subscriber = spawnLink(async () => {
      Registry.register(pubsub, "prices", { since: Date.now() });
      send(test, "subscribed");
      for (;;) send(test, await receive()); // here: hands each message to the test
    });
    await receive((m) => m === "subscribed");

    // A publisher:
    Registry.dispatch(pubsub, "prices", (subscribers) => {
      for (const [pid] of subscribers) send(pid, { topic: "prices", eur: 1.08 });
    });

    // With several partitions, one process per partition sends in parallel:
    await Registry.dispatch(
      pubsub,
      "prices",
      (subscribers) => {
        for (const [pid] of subscribers) send(pid, { topic: "prices", eur: 1.09 });
      },
      { parallel: true },
    );
    // #endregion pubsub
    expect(await receive()).toEqual({ topic: "prices", eur: 1.08 });
    expect(await receive()).toEqual({ topic: "prices", eur: 1.09 });
    expect(Registry.lookup(pubsub, "prices").map(([pid]) => pid)).toEqual([subscriber]);
  }));
