// Examples pulled into the documentation ({@includeCode}); examples.test.ts runs them.

// #region define
import * as Application from "@trellis/application";
import { Env } from "@trellis/application";
import { type Pid, receive, send, spawnLink } from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";

/** A process that answers `{ from, name }` with a greeting. */
function greeter(greeting: string): Supervisor.ChildSpec {
  return {
    id: "greeter",
    start: async () =>
      spawnLink(async () => {
        for (;;) {
          const { from, name } = await receive<{ from: Pid; name: string }>();
          send(from, `${greeting}, ${name}!`);
        }
      }),
  };
}

export const Greetings: Application.Application<{ greeting: Application.EnvSpec<string> }> =
  Application.define({
    name: "greetings",
    env: {
      // from the config object, else the GREETING environment variable, else "Hello"
      greeting: Env.string({ default: "Hello", variable: "GREETING" }),
    },
    start: ({ env }) =>
      Supervisor.startLink([greeter(env.greeting)], { strategy: "one_for_one", name: "greetings" }),
  });
// #endregion define

// #region dependencies
/** An application that needs Greetings: Greetings starts first and stops last. */
export const Frontdesk: Application.Application<{ desk: Application.EnvSpec<number> }> =
  Application.define({
    name: "frontdesk",
    dependencies: [Greetings],
    env: { desk: Env.integer({ default: 1, min: 1 }) },
    start: () => Supervisor.startLink([], { strategy: "one_for_one" }),
    prepStop: (state) => {
      console.log("frontdesk: no new visitors"); // stop taking work before the tree stops
      return state;
    },
  });

export async function openAndClose(): Promise<string[]> {
  const started = await Application.start(Frontdesk, {
    config: { greetings: { greeting: "Welcome" } },
  }); // ["greetings", "frontdesk"]
  Application.getEnv(Greetings, "greeting"); // "Welcome": typed as string
  await Application.stopAll(); // frontdesk, then greetings
  return started;
}
// #endregion dependencies
