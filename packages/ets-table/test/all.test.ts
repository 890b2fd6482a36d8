// Ets.all: every live table of a runtime (ets:all/0).
import { createRuntime, exit, receive, spawn } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Ets from "@trellis/ets-table";
import { expect, test } from "vitest";

test("lists named and unnamed tables, forgets deleted ones and those of a dead owner", () =>
  withRuntime(async ({ runtime }) => {
    const a = Ets.create("a", { named: true });
    const b = Ets.create("b");
    const owner = spawn(async () => {
      Ets.create("c");
      await receive(() => false);
    });
    await new Promise((r) => setImmediate(r));
    expect(Ets.all().map((t) => Ets.info(t, "name"))).toEqual(["a", "b", "c"]);
    expect(Ets.all(runtime)).toHaveLength(3);
    expect(Ets.all(createRuntime())).toEqual([]);
    Ets.deleteTable(b);
    exit(owner, "kill");
    await new Promise((r) => setImmediate(r));
    expect(Ets.all()).toEqual([a]);
  }));
