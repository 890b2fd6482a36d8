// The examples of docs/guides/observability.md that are not README examples, each in the
// test that runs it (regions).
import { format } from "node:util";
import { sleep, Telemetry } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { expect, test, vi } from "vitest";

const Slow = GenServer.define({
  init: () => GenServer.Result.ok(null),
  handleCall: async (ms: GenServer.Request<number, string>, _from, state) => {
    await sleep(ms);
    return GenServer.Result.reply("done", state);
  },
});

test("a handler of call stop events warns about calls slower than 100 ms", () =>
  withRuntime(async () => {
    const warnings: string[] = [];
    let target = "";
    const warn = vi.spyOn(console, "warn").mockImplementation((...args) => {
      warnings.push(format(...args));
    });
    try {
      // #region slow-calls
      Telemetry.attach("slow-calls", ["trellis", "call", "stop"], (_event, m, meta) => {
        if ((m.duration ?? 0) > 100)
          console.warn(
            `${String(meta.module)}.call to ${String(meta.target)} took ${m.duration} ms`,
          );
      });
      // #endregion slow-calls
      const slow = await GenServer.start(Slow, null);
      target = String(slow);
      expect(await GenServer.call(slow, 150)).toBe("done"); // virtual time: at once
      expect(await GenServer.call(slow, 10)).toBe("done");
      Telemetry.detach("slow-calls");
      await GenServer.stop(slow);
    } finally {
      warn.mockRestore();
    }
    expect(warnings).toEqual([`GenServer.call to ${target} took 150 ms`]);
  }));
