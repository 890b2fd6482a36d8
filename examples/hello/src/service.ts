// The service at the end of docs/guides/getting-started.md: the stack's supervision tree as
// an application. src/service-main.ts runs it; test/service.test.ts runs that as a real OS
// process and stops it with SIGINT, as Ctrl-C does.

// #region service
import * as Application from "@trellis/application";
import { Env } from "@trellis/application";
import * as Supervisor from "@trellis/supervisor";
import { stackSpec } from "./getting-started.js";

export const Hello: Application.Application<{ items: Application.EnvSpec<string> }> =
  Application.define({
    name: "hello",
    // STACK_ITEMS=a,b,c sets the first items; the default is one item, "a"
    env: { items: Env.string({ default: "a", variable: "STACK_ITEMS" }) },
    start: async ({ env }) => {
      const sup = await Supervisor.startLink([stackSpec(env.items.split(","))], {
        strategy: "one_for_one",
      });
      console.log("hello: the stack is running; press Ctrl-C to stop it");
      return sup;
    },
    stop: () => console.log("hello: stopped"),
  });
// #endregion service
