// The testing example of docs/guides/supervision.md, word for word (scripts/sync-docs.mjs
// writes the region into the guide).
import { exitFrom, Pid, receive, send, spawnLink, trapExit } from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { expect, test } from "vitest";

/** A child that crashes when it receives "crash". */
const crashy: Supervisor.ChildSpec = {
  id: "crashy",
  start: async () =>
    spawnLink(async () => {
      if ((await receive()) === "crash") throw new Error("asked to crash");
    }),
};

// #region testing
test("gives up after too many crashes", () =>
  withRuntime(async () => {
    trapExit(true);
    const sup = await Supervisor.startLink([crashy], { strategy: "one_for_one", maxRestarts: 0 });
    const [child] = await Supervisor.whichChildren(sup);
    if (!(child?.pid instanceof Pid)) throw new Error("the child is not running");
    send(child.pid, "crash");
    expect((await assertReceive(exitFrom(sup))).reason).toBe("shutdown");
  }));
// #endregion testing
