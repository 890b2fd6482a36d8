// Examples pulled into the documentation ({@includeCode}); examples.test.ts runs them.

// #region basic
import { type Pid, receive, send, spawnLink } from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";

/** A child spec for a process that answers `{ from, text }` with the text in capitals. */
export function shouter(id: string): Supervisor.ChildSpec {
  return {
    id,
    // Start the child linked to the caller (the supervisor) and resolve with its pid.
    start: async () =>
      spawnLink(async () => {
        for (;;) {
          const { from, text } = await receive<{ from: Pid; text: string }>();
          send(from, text.toUpperCase());
        }
      }),
  };
}

export async function startShouters(): Promise<Pid> {
  const sup = await Supervisor.startLink([shouter("left"), shouter("right")], {
    strategy: "one_for_one", // restart only the child that exits
    maxRestarts: 3, // more than 3 restarts…
    maxSeconds: 5, // …within 5 seconds stop the supervisor
  });
  const children = await Supervisor.whichChildren(sup);
  console.log(children.map((c) => c.id)); // ["right", "left"]: newest first
  return sup;
}
// #endregion basic

// #region definition
/** A supervisor whose children depend on its argument, computed when it starts. */
export const Pool: Supervisor.Definition<number> = Supervisor.define((size: number) =>
  Supervisor.init(
    Array.from({ length: size }, (_, i) => shouter(`shouter-${i}`)),
    { strategy: "one_for_one", maxRestarts: size },
  ),
);

export async function startPool(): Promise<Pid | "ignore"> {
  return Supervisor.startLink(Pool, 4, { name: "pool" });
}
// #endregion definition

// #region tree
/** A root supervisor with a nested one: the pool restarts as a unit, after "db". */
export async function startApp(db: Supervisor.ChildSpec): Promise<Pid> {
  return Supervisor.startLink(
    [
      db,
      Supervisor.childSpec(Pool, 2, { id: "pool" }), // type "supervisor", shutdown Infinity
    ],
    { strategy: "rest_for_one" }, // if db restarts, the pool restarts too
  );
}
// #endregion tree
