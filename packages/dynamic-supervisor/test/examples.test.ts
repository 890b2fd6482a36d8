import { self, send } from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as Supervisor from "@trellis/supervisor";
import { expect, test, vi } from "vitest";
import { startApp, startSessions } from "./examples.js";

test("basic example", () =>
  withRuntime(async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const sup = await startSessions();
    expect(log).toHaveBeenCalledWith({ specs: 2, active: 2, supervisors: 0, workers: 2 });
    log.mockRestore();
    const [first] = await DynamicSupervisor.whichChildren(sup);
    send(first?.pid as never, self());
    expect(await assertReceive()).toMatch(/^Hello, (ada|grace)$/);
  }));

test("supervised example", () =>
  withRuntime(async () => {
    const app = await startApp();
    expect(await Supervisor.whichChildren(app)).toMatchObject([{ id: "jobs", type: "supervisor" }]);
    expect(await DynamicSupervisor.countChildren("jobs")).toMatchObject({ specs: 0 });
  }));
