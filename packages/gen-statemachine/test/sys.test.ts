// sys (item 21): getState, replaceState (also while suspended; a throwing function leaves
// the state unchanged), getStatus, suspend/resume.
import { CallError, Sys } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { expect, describe as group, test } from "vitest";
import { keep, scripted } from "./support.js";

const { ok, nextState, keepStateAndData } = GenStateMachine.Result;
const { postpone, stateTimeout, genericTimeout } = GenStateMachine.Action;

group("sys (item 21)", () => {
  test("getState returns { state, data }", () =>
    withRuntime(async () => {
      const m = await GenStateMachine.start(
        scripted([], keep, { init: () => ok(["open", 2], { who: "ann" }) }),
      );
      expect(await Sys.getState(m)).toEqual({ state: ["open", 2], data: { who: "ann" } });
      await GenStateMachine.stop(m);
    }));

  test("replaceState works while suspended; a throwing function leaves the state as it was", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const m = await GenStateMachine.start(scripted(seen, keep), "a");
      await Sys.suspend(m);
      GenStateMachine.cast(m, "while suspended");
      const replaced = await Sys.replaceState(m, (s) => ({
        ...(s as { state: unknown; data: unknown }),
        state: "b",
        data: 42,
      }));
      expect(replaced).toEqual({ state: "b", data: 42 });
      const err = await Sys.replaceState(m, () => {
        throw new Error("nope");
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallError);
      const bad = await Sys.replaceState(m, () => "not a state").catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(CallError);
      expect(await Sys.getState(m)).toEqual({ state: "b", data: 42 });
      expect(seen).toEqual([]);
      await Sys.resume(m);
      await GenStateMachine.call(m, "sync");
      expect(seen).toEqual(['b cast "while suspended"', 'b call "sync"']);
      await GenStateMachine.stop(m);
    }));

  test("replacing the state is not a state change: postponed events stay postponed", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const def = scripted(seen, (event, state) =>
        event.type === "cast" && state === "a" ? keepStateAndData(postpone()) : keep(event),
      );
      const m = await GenStateMachine.start(def, "a");
      GenStateMachine.cast(m, "p");
      await Sys.replaceState(m, () => ({ state: "b", data: null }));
      await GenStateMachine.call(m, "sync");
      expect(seen).toEqual(['a cast "p"', 'b call "sync"']);
      await GenStateMachine.stop(m);
    }));

  test("getStatus shows the state, data, postponed events and timeouts, through formatStatus", () =>
    withRuntime(async () => {
      interface T {
        state: "idle" | "busy";
        data: { password: string; jobs: number };
        casts: "work" | "later";
      }
      const def = GenStateMachine.define({
        types: {} as T,
        callbackMode: "stateFunctions",
        init: (_: undefined) => ok("idle", { password: "hunter2", jobs: 0 }),
        states: {
          idle: (event, data) =>
            event.type === "cast" && event.content === "work"
              ? nextState("busy", { ...data, jobs: 1 }, [
                  stateTimeout(1000, "give up"),
                  genericTimeout("tick", 500, 1),
                ])
              : keepStateAndData(),
          busy: (event) =>
            event.type === "cast" ? keepStateAndData(postpone()) : keepStateAndData(),
        },
        formatStatus: (status) => ({ ...status, data: { ...status.data, password: "***" } }),
      });
      const m = await GenStateMachine.start(def);
      GenStateMachine.cast(m, "work");
      GenStateMachine.cast(m, "later");
      const status = await Sys.getStatus(m);
      expect(status.behaviour).toBe("GenStateMachine");
      expect(status.status).toBe("running");
      expect(status.state).toMatchObject({
        state: "busy",
        data: { password: "***", jobs: 1 },
        timeouts: [
          { type: "stateTimeout", content: "give up" },
          { type: "genericTimeout", name: "tick", content: 1 },
        ],
      });
      expect((status.state as { postponed: unknown[] }).postponed).toMatchObject([
        { type: "cast", content: "later" },
      ]);
      await GenStateMachine.stop(m);
    }));

  test("a formatStatus that throws does not break getStatus", () =>
    withRuntime(async () => {
      interface T {
        state: "s";
        data: number;
      }
      const def = GenStateMachine.define({
        types: {} as T,
        callbackMode: "handleEvent",
        init: (_: undefined) => ok("s", 1),
        handleEvent: () => keepStateAndData(),
        formatStatus: () => {
          throw new Error("bad format");
        },
      });
      const m = await GenStateMachine.start(def);
      const status = await Sys.getStatus(m);
      expect(String((status.state as { state: unknown }).state)).toMatch(/bad format/);
      await GenStateMachine.stop(m);
    }));
});
