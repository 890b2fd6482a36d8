// The example of packages/agent/README.md, run by test/readme.test.ts and, from the packed
// tarballs, by CI in a fresh npm project.
// #region readme

import * as Agent from "@trellis/agent";
import { createRuntime } from "@trellis/core";

const runtime = createRuntime();
await runtime.run(async () => {
  const cart = await Agent.startLink(() => [] as string[], { name: "cart" });
  Agent.cast(cart, (items) => [...items, "apple"]);
  await Agent.update(cart, (items) => [...items, "pear"]);
  console.log(await Agent.get(cart, (items) => items.length)); // 2
  console.log(await Agent.getAndUpdate(cart, (items) => [items, []])); // [ 'apple', 'pear' ]
  console.log(await Agent.get(cart, (items) => items.length)); // 0
  await Agent.stop(cart);
});
await runtime.shutdown();
// #endregion readme
