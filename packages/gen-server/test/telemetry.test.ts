// Telemetry events of the server side of a call (trellis.genServer.handleCall.*).
import { type EventName, type Measurements, type Metadata, receive } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";

const { ok, reply } = GenServer.Result;

type Calls =
  | GenServer.Request<"ping", string>
  | GenServer.Request<"slow", string>
  | GenServer.Request<"boom", never>;

const Echo = GenServer.define({
  init: () => ok(0),
  async handleCall(request: Calls, _from, n: number) {
    if (request === "boom") throw new Error("boom");
    if (request === "slow") await receive(() => false, { timeout: 30 });
    return reply(`pong ${n}`, n + 1);
  },
});

describe("trellis.genServer.handleCall events", () => {
  it("start and stop around handleCall, with the context the caller's handler set", () =>
    withRuntime(async ({ runtime }) => {
      const seen: { e: string; m: Measurements; md: Metadata }[] = [];
      const server = await GenServer.start(Echo, undefined);
      runtime.telemetry.attachMany(
        "t",
        [
          ["trellis", "call", "start"],
          ["trellis", "genServer", "handleCall", "start"],
          ["trellis", "genServer", "handleCall", "stop"],
        ],
        (e: EventName, m, md) => {
          if (e[1] === "call") (md as { context: unknown }).context = { span: 42 };
          else seen.push({ e: e.slice(2).join("."), m, md });
        },
      );
      expect(await GenServer.call(server, "slow")).toBe("pong 0");
      runtime.telemetry.detach("t");
      expect(seen.map((s) => s.e)).toEqual(["handleCall.start", "handleCall.stop"]);
      expect(seen[0]?.md).toMatchObject({ pid: server, request: "slow", context: { span: 42 } });
      expect(seen[1]?.m.duration).toBe(30);
      await GenServer.stop(server);
    }));

  it("exception when handleCall throws; the server still crashes as without telemetry", () =>
    withRuntime(async ({ runtime }) => {
      const seen: Metadata[] = [];
      const server = await GenServer.start(Echo, undefined);
      runtime.telemetry.attach(
        "t",
        ["trellis", "genServer", "handleCall", "exception"],
        (_e, _m, md) => seen.push(md),
      );
      await expect(GenServer.call(server, "boom")).rejects.toThrow(/boom/);
      runtime.telemetry.detach("t");
      expect(seen).toHaveLength(1);
      expect(seen[0]?.reason).toMatchObject({ message: "boom" });
    }));

  it("emits nothing once the handler is detached", () =>
    withRuntime(async ({ runtime }) => {
      let n = 0;
      const server = await GenServer.start(Echo, undefined);
      runtime.telemetry.attach("t", ["trellis", "genServer", "handleCall", "stop"], () => void n++);
      await GenServer.call(server, "ping");
      runtime.telemetry.detach("t");
      await GenServer.call(server, "ping");
      expect(n).toBe(1);
      await GenServer.stop(server);
    }));
});
