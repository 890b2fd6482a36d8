// The example of packages/gen-event/README.md, run by test/readme.test.ts and, from the
// packed tarballs, by CI in a fresh npm project.
// #region readme
import { createRuntime } from "@trellis/core";
import * as GenEvent from "@trellis/gen-event";

const { ok, reply } = GenEvent.Result;

type AppEvent = { type: "login"; user: string } | { type: "logout"; user: string };

const Logins = GenEvent.defineHandler(
  {
    init: () => ok(0),
    handleEvent: (event: AppEvent, n) => ok(event.type === "login" ? n + 1 : n),
    handleCall: (_request: "count", n) => reply(n, n),
  },
  { name: "Logins" },
);

const runtime = createRuntime();
await runtime.run(async () => {
  const events = await GenEvent.startLink<AppEvent>({ name: "events" });
  await GenEvent.addHandler(events, Logins);
  GenEvent.notify(events, { type: "login", user: "ann" });
  await GenEvent.syncNotify(events, { type: "logout", user: "ann" });
  console.log(await GenEvent.call(events, Logins, "count")); // 1
  await GenEvent.stop(events);
});
await runtime.shutdown();
// #endregion readme
