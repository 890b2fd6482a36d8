// The example of packages/supervisor/README.md, run by test/readme.test.ts and, from the
// packed tarballs, by CI in a fresh npm project.
// #region readme
import { createRuntime, receive, spawnLink } from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";

const worker = (id: string): Supervisor.ChildSpec => ({
  id,
  // start the child linked to the caller (the supervisor) and resolve with its pid
  start: async () =>
    spawnLink(async () => {
      await receive();
    }),
});

const runtime = createRuntime();
await runtime.run(async () => {
  const sup = await Supervisor.startLink([worker("a"), worker("b")], {
    strategy: "one_for_one",
    maxRestarts: 3,
    maxSeconds: 5,
  });
  const children = await Supervisor.whichChildren(sup);
  console.log(children.map((child) => child.id)); // [ 'b', 'a' ]
  await Supervisor.stop(sup);
});
await runtime.shutdown();
// #endregion readme
