import { self, send } from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { expect, test, vi } from "vitest";
import { startApp, startPool, startShouters } from "./examples.js";
import { started, worker } from "./helpers.js";

test("basic example", () =>
  withRuntime(async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const sup = await startShouters();
    expect(log).toHaveBeenCalledWith(["right", "left"]);
    log.mockRestore();
    const [right] = await Supervisor.whichChildren(sup);
    send(right?.pid as never, { from: self(), text: "hi" });
    expect(await assertReceive()).toBe("HI");
  }));

test("definition example", () =>
  withRuntime(async () => {
    await startPool();
    expect(await Supervisor.countChildren("pool")).toEqual({
      specs: 4,
      active: 4,
      supervisors: 0,
      workers: 4,
    });
  }));

test("tree example", () =>
  withRuntime(async () => {
    const app = await startApp(worker("db"));
    await started("db");
    const tree = await Supervisor.tree(app);
    expect(tree.map((n) => n.id)).toEqual(["pool", "db"]);
    expect(tree[0]?.children).toHaveLength(2);
  }));
