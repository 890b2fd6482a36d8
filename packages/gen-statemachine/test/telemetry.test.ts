// The trellis.stateMachine.transition event.
import type { Metadata } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { describe, expect, it } from "vitest";

const { ok, nextState, keepState } = GenStateMachine.Result;

describe("trellis.stateMachine.transition", () => {
  it("is emitted when the state changes, not when it is kept", () =>
    withRuntime(async ({ runtime }) => {
      interface T {
        state: "locked" | "open";
        data: number;
        casts: "push" | "coin" | "noop";
        calls: never;
      }
      const def = GenStateMachine.define({
        types: {} as T,
        callbackMode: "stateFunctions",
        init: (_: undefined) => ok("locked", 0),
        states: {
          locked: (event, n) =>
            event.type === "cast" && event.content === "coin"
              ? nextState("open", n + 1)
              : keepState(n),
          open: (event, n) =>
            event.type === "cast" && event.content === "push"
              ? nextState("locked", n)
              : keepState(n),
        },
      });
      const seen: Metadata[] = [];
      runtime.telemetry.attach("t", ["trellis", "stateMachine", "transition"], (_e, _m, md) =>
        seen.push(md),
      );
      const m = await GenStateMachine.start(def);
      GenStateMachine.cast(m, "noop");
      GenStateMachine.cast(m, "coin");
      GenStateMachine.cast(m, "push");
      await GenStateMachine.stop(m);
      runtime.telemetry.detach("t");
      expect(seen.map((s) => [s.from, s.to, (s.event as { content: unknown }).content])).toEqual([
        ["locked", "open", "coin"],
        ["open", "locked", "push"],
      ]);
      expect(seen[0]?.pid).toBe(m);
    }));

  it("a GenStateMachine.call emits trellis.call start and stop named after GenStateMachine", () =>
    withRuntime(async ({ runtime }) => {
      interface T {
        state: "on";
        data: null;
        casts: never;
        calls: GenStateMachine.Request<"where", string>;
      }
      const def = GenStateMachine.define({
        types: {} as T,
        callbackMode: "stateFunctions",
        init: (_: undefined) => ok("on", null),
        states: {
          on: (event, data) =>
            event.type === "call"
              ? keepState(data, GenStateMachine.Action.reply(event.from, "on"))
              : keepState(data),
        },
      });
      const seen: string[] = [];
      runtime.telemetry.attachMany(
        "t",
        [
          ["trellis", "call", "start"],
          ["trellis", "call", "stop"],
        ],
        (e, _m, md) => seen.push(`${e[2]} ${String(md.module)}.${String(md.function)}`),
      );
      const m = await GenStateMachine.start(def);
      expect(await GenStateMachine.call(m, "where")).toBe("on");
      runtime.telemetry.detach("t");
      expect(seen).toEqual(["start GenStateMachine.call", "stop GenStateMachine.call"]);
      await GenStateMachine.stop(m);
    }));
});
