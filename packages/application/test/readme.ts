// The example of packages/application/README.md, run by test/readme.test.ts and, from the
// packed tarballs, by CI in a fresh npm project.
//
// A service runs until SIGTERM or Ctrl-C; this demo stops itself once "web" is running (an
// ESM program runs this after the imports, before the code below).
void (async () => {
  while (!Application.whichApplications().some((a) => a.name === "web")) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Application.stopAll();
})();

// #region readme
import * as Application from "@trellis/application";
import { Env } from "@trellis/application";
import * as Supervisor from "@trellis/supervisor";

const Db = Application.define({
  name: "db",
  env: { url: Env.string({ default: "postgres://localhost/app", variable: "DATABASE_URL" }) },
  start: ({ env }) => {
    console.log(`db: connecting to ${env.url}`);
    return Supervisor.startLink([], { strategy: "one_for_one" });
  },
  stop: () => console.log("db: stopped"),
});

const Web = Application.define({
  name: "web",
  dependencies: [Db], // started first, stopped last
  env: { port: Env.integer({ default: 8080, min: 0, max: 65535, variable: "PORT" }) },
  start: ({ env }) => {
    console.log(`web: listening on port ${env.port}`);
    return Supervisor.startLink([], { strategy: "one_for_one" });
  },
  prepStop: (state) => state, // stop taking work before the tree stops
  stop: () => console.log("web: stopped"),
});

// main.ts: that is all. SIGTERM or Ctrl-C stops the applications, newest first, and exits.
const code = await Application.runMain(Web);
console.log(`exit code ${code}`); // exit code 0 (all stopped: this demo stops itself)
// #endregion readme
