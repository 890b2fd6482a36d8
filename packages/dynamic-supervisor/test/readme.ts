// The example of packages/dynamic-supervisor/README.md, run by test/readme.test.ts and, from
// the packed tarballs, by CI in a fresh npm project.
// #region readme
import { createRuntime, receive, spawnLink } from "@trellis/core";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";

const runtime = createRuntime();
await runtime.run(async () => {
  const sessions = await DynamicSupervisor.startLink({ name: "sessions", maxChildren: 10_000 });
  // a pid, or "ignore" when the child's start() returns "ignore"
  const pid = await DynamicSupervisor.startChild(sessions, {
    id: "session",
    restart: "transient",
    start: async () =>
      spawnLink(async () => {
        await receive();
      }),
  });
  const counts = await DynamicSupervisor.countChildren(sessions);
  console.log(counts); // { specs: 1, active: 1, supervisors: 0, workers: 1 }
  if (pid !== "ignore") await DynamicSupervisor.terminateChild(sessions, pid);
  console.log((await DynamicSupervisor.countChildren(sessions)).active); // 0
});
await runtime.shutdown();
// #endregion readme
