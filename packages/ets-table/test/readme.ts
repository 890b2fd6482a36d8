// The example of packages/ets-table/README.md, run by test/readme.test.ts and, from the
// packed tarballs, by CI in a fresh npm project.
// #region readme
import { createRuntime, downFor, monitor, receive, spawn } from "@trellis/core";
import * as Ets from "@trellis/ets-table";

const runtime = createRuntime();
await runtime.run(async () => {
  // The process that creates a table owns it:
  const users = Ets.create<[id: number, name: string, age: number]>("users", {
    type: "ordered_set",
    named: true,
  });
  Ets.insertMany(users, [
    [1, "ann", 31],
    [2, "bob", 17],
  ]);

  // Any process reads it, by handle or by name:
  const reader = spawn(() => {
    console.log(Ets.lookup(users, 1)); // [ [ 1, 'ann', 31 ] ]
    console.log(Ets.lookupElement(users, 2, 1)); // bob (positions are 0-based)
    const adults = Ets.select(users, [
      [[Ets.$1, Ets._, Ets.$2], [Ets.expr(">=", Ets.$2, 18)], [Ets.$1]],
    ]);
    console.log(adults); // [ 1 ]
  });
  await receive(downFor(monitor(reader))); // the table lives as long as its owner
});
await runtime.shutdown();
// #endregion readme
