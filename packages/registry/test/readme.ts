// The example of packages/registry/README.md, run by test/readme.test.ts and, from the
// packed tarballs, by CI in a fresh npm project.
// #region readme
import { createRuntime, downFor, monitor, receive, self, send, spawn } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import * as Registry from "@trellis/registry";

type Balance = GenServer.Request<{ type: "balance" }, number>;
const Account = GenServer.define({
  init: (id: number) => GenServer.Result.ok({ id, balance: 100 }),
  handleCall: (_request: Balance, _from, account) =>
    GenServer.Result.reply(account.balance, account),
});

const runtime = createRuntime();
await runtime.run(async () => {
  // Naming: one process per key.
  await Registry.startLink({ keys: "unique", name: "accounts" });
  await GenServer.startLink(Account, 42, { name: Registry.via("accounts", ["acct", 42]) });
  const account = GenServer.named(Account, Registry.via("accounts", ["acct", 42]));
  console.log(await GenServer.call(account, { type: "balance" })); // 100

  // Pub/sub: many processes per key.
  const topics = await Registry.startLink<string, null>({ keys: "duplicate", partitions: 4 });
  const me = self();
  const subscriber = spawn(async () => {
    Registry.register(topics, "news", null); // in each subscriber
    send(me, "subscribed");
    console.log(await receive()); // { news: 'hello' }
  });
  const ref = monitor(subscriber);
  await receive((m) => m === "subscribed");
  Registry.dispatch(topics, "news", (entries) => {
    for (const [pid] of entries) send(pid, { news: "hello" });
  });
  await receive(downFor(ref));
});
await runtime.shutdown();
// #endregion readme
