// The service as an application: its env (the port, how long a drain may take) and its
// supervision tree, whose only child is the listener.
import * as Application from "@trellis/application";
import { Env } from "@trellis/application";
import * as Supervisor from "@trellis/supervisor";
import { listenerSpec } from "./listener.js";

/** Where the service says what it does. Default: stdout. */
export const output: { log: (line: string) => void } = {
  log: (line) => console.log(line),
};

export const HttpDrain: Application.Application<{
  port: Application.EnvSpec<number>;
  drainMs: Application.EnvSpec<number>;
}> = Application.define({
  name: "http_drain",
  env: {
    port: Env.integer({ default: 8080, min: 0, max: 65535, variable: "PORT" }),
    // the listener's shutdown time: how long requests in flight may take to finish
    drainMs: Env.integer({ default: 10_000, min: 0, variable: "DRAIN_MS" }),
  },
  start: ({ env }) =>
    Supervisor.startLink(
      [listenerSpec({ port: env.port, log: (l) => output.log(l) }, env.drainMs)],
      {
        strategy: "one_for_one",
      },
    ),
  stop: () => output.log("stopped"),
});
