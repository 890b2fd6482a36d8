// Examples pulled into the documentation ({@includeCode}); examples.test.ts runs them.

// #region basic
import { type Pid, receive, send, spawnLink } from "@trellis/core";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as Supervisor from "@trellis/supervisor";

/** A session process for one user: the supervisor passes its extraArguments first. */
function session(user: string): Supervisor.ChildSpec {
  return {
    id: "session", // ignored by a DynamicSupervisor
    restart: "transient", // restart after a crash, forget after a normal exit
    start: async (...extra: unknown[]) =>
      spawnLink(async () => {
        const [greeting] = extra as [string];
        for (;;) {
          const from = await receive<Pid>();
          send(from, `${greeting}, ${user}`);
        }
      }),
  };
}

export async function startSessions(): Promise<Pid> {
  const sessions = await DynamicSupervisor.startLink({
    name: "sessions",
    maxChildren: 10_000,
    extraArguments: ["Hello"],
  });
  await DynamicSupervisor.startChild(sessions, session("ada"));
  await DynamicSupervisor.startChild(sessions, session("grace"));
  console.log(await DynamicSupervisor.countChildren(sessions));
  // { specs: 2, active: 2, supervisors: 0, workers: 2 }
  return sessions;
}
// #endregion basic

// #region supervised
/** The usual place of a DynamicSupervisor: under the application's supervisor. */
export async function startApp(): Promise<Pid> {
  return Supervisor.startLink(
    [DynamicSupervisor.childSpec({ name: "jobs", id: "jobs", maxRestarts: 10 })],
    { strategy: "one_for_one" },
  );
}
// #endregion supervised
