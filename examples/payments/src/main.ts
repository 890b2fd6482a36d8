// `npm run demo` (the README's first command) runs this: the payments service under one
// supervision tree, driven through its HTTP API, with faults injected; it exits non-zero if
// an invariant fails. DEMO_LOAD_MS sets the length of the load phase (0 skips it);
// `--observer` also starts the observer on the demo's runtime and prints its URL.
//
// It starts through Application.runMain: the demo's driver is an application, so Node stays
// up while it runs, Ctrl-C (or SIGTERM) stops it gracefully, and when the demo is over it
// stops the application itself and the exit code says whether every invariant held.
import * as Application from "@trellis/application";
import { spawnLink } from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";
import { runDemo } from "./demo.js";
import { startObserver } from "./observe.js";

const loadMs = Number(process.env["DEMO_LOAD_MS"] ?? "20000");
let ok = false;

const Demo = Application.define({
  name: "payments_demo",
  start: () =>
    Supervisor.startLink(
      [
        {
          id: "driver",
          restart: "temporary",
          start: async () =>
            spawnLink(async () => {
              const result = await runDemo({
                loadMs: Number.isFinite(loadMs) && loadMs >= 0 ? loadMs : 1500,
                ...(process.argv.includes("--observer") ? { attach: startObserver } : {}),
              });
              ok = result.ok;
              void Application.stopAll(); // the demo is over: stop, and let Node exit
            }),
        },
      ],
      { strategy: "one_for_one" },
    ),
});

const code = await Application.runMain(Demo);
process.exitCode = code !== 0 ? code : ok ? 0 : 1;
