// The first example of docs/guides/processes.md, run by guide-processes.test.ts.
// #region run
import { createRuntime, receive, self, send } from "@trellis/core";

const rt = createRuntime();
const reply = await rt.run(async () => {
  send(self(), "hello");
  return receive();
});
console.log(reply); // hello
// #endregion run
await rt.shutdown();
