import { createRuntime, Sys } from "@trellis/core";
import { define, notify, request, startLink } from "./request-server.js";

// #region usage
type Req = { type: "add"; amount: number } | { type: "total" };

const Account = define({
  init: (opening: number) => opening,
  handle: (req: Req, balance: number): [number, number] =>
    req.type === "add" ? [balance + req.amount, balance + req.amount] : [balance, balance],
});

const rt = createRuntime();
const total = await rt.run(async () => {
  const account = await startLink(Account, 100, { name: "account" });
  notify("account", { type: "add", amount: 20 });
  await request("account", { type: "add", amount: 5 });
  console.log("state seen by Sys.getState:", await Sys.getState(account));
  return request<number>("account", { type: "total" });
});
console.log("total:", total); // 125
// #endregion usage
await rt.shutdown();
