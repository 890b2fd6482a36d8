// Type tests: the machine's declared types flow to handlers, results, actions and handles;
// wrong states, events, requests and replies do not compile.
import type { From, Pid, Ref } from "@trellis/core";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { describe, expectTypeOf, test } from "vitest";
import { DoorLock, type DoorTypes } from "./examples/door-lock.js";
import { PaymentFlow, type PaymentState } from "./examples/payment.js";

const { ok, ignore, nextState, keepState, keepStateAndData } = GenStateMachine.Result;
const { reply, nextEvent, postpone } = GenStateMachine.Action;

declare const door: GenStateMachine.ServerOf<DoorTypes>;

describe("handles", () => {
  test("start resolves with a typed handle; 'ignore' only when init can ignore", () => {
    expectTypeOf(GenStateMachine.start(DoorLock, "1234")).resolves.toEqualTypeOf<
      GenStateMachine.ServerOf<DoorTypes>
    >();
    interface T {
      state: "s";
      data: null;
    }
    const Maybe = GenStateMachine.define({
      types: {} as T,
      callbackMode: "handleEvent",
      init: (on: boolean) => (on ? ok("s", null) : ignore()),
      handleEvent: () => keepStateAndData(),
    });
    expectTypeOf(GenStateMachine.start(Maybe, true)).resolves.toEqualTypeOf<
      GenStateMachine.Server<never, never> | "ignore"
    >();
    expectTypeOf(GenStateMachine.startMonitor(DoorLock, "1")).resolves.toEqualTypeOf<
      [GenStateMachine.ServerOf<DoorTypes>, Ref]
    >();
    // the argument is checked
    // @ts-expect-error: the door's init takes a string
    void GenStateMachine.start(DoorLock, 1234);
    // a handle is a pid
    expectTypeOf(door).toMatchTypeOf<Pid>();
  });

  test("call: only declared requests; the reply type is inferred", () => {
    expectTypeOf(GenStateMachine.call(door, { type: "status" })).resolves.toEqualTypeOf<
      "locked" | "open"
    >();
    // @ts-expect-error: not a request of the door
    void GenStateMachine.call(door, { type: "open sesame" });
    // @ts-expect-error: casts are not calls
    void GenStateMachine.call(door, { type: "press", digit: "1" });
    const pay = {} as GenStateMachine.ServerOf<import("./examples/payment.js").PaymentTypes>;
    expectTypeOf(
      GenStateMachine.call(pay, { type: "status" }),
    ).resolves.toEqualTypeOf<PaymentState>();
    expectTypeOf(GenStateMachine.call(pay, { type: "capture" })).resolves.toEqualTypeOf<
      { captured: number } | { error: string }
    >();
  });

  test("cast: only declared casts", () => {
    GenStateMachine.cast(door, { type: "press", digit: "1" });
    // @ts-expect-error: a missing field
    GenStateMachine.cast(door, { type: "press" });
    // @ts-expect-error: calls are not casts
    GenStateMachine.cast(door, { type: "status" });
  });

  test("plain pids and names take anything; the reply is unknown unless given", () => {
    const pid = {} as Pid;
    expectTypeOf(GenStateMachine.call(pid, "anything")).resolves.toEqualTypeOf<unknown>();
    expectTypeOf(GenStateMachine.call<number>("counter", "get")).resolves.toEqualTypeOf<number>();
    GenStateMachine.cast("anyone", { whatever: true });
  });

  test("named handles carry the types", () => {
    const named = GenStateMachine.named(DoorLock, "front-door");
    expectTypeOf(GenStateMachine.call(named, { type: "status" })).resolves.toEqualTypeOf<
      "locked" | "open"
    >();
    // @ts-expect-error: not a request of the door
    void GenStateMachine.call(named, "status");
    expectTypeOf(GenStateMachine.whereis(named)).toEqualTypeOf<
      | GenStateMachine.Server<
          GenStateMachine.CallsOf<DoorTypes>,
          GenStateMachine.CastsOf<DoorTypes>
        >
      | undefined
    >();
  });
});

interface LightTypes {
  state: "off" | "on";
  data: { flips: number };
  calls: GenStateMachine.Request<"flip", "off" | "on"> | GenStateMachine.Request<"flips", number>;
  casts: { type: "reset" };
  internal: { check: "bulb" };
}

describe("definitions", () => {
  test("handlers see the declared events, states and data", () => {
    GenStateMachine.define({
      types: {} as LightTypes,
      callbackMode: "stateFunctions",
      init: (_: undefined) => ok("off", { flips: 0 }),
      states: {
        off(event, data) {
          expectTypeOf(data).toEqualTypeOf<{ flips: number }>();
          if (event.type === "call") {
            expectTypeOf(event.content).toMatchTypeOf<"flip" | "flips">();
            expectTypeOf(event.from).toEqualTypeOf<
              GenStateMachine.ReplyTo<"off" | "on" | number>
            >();
            return nextState("on", { flips: data.flips + 1 }, reply(event.from, "on"));
          }
          if (event.type === "cast") {
            expectTypeOf(event.content).toEqualTypeOf<{ type: "reset" }>();
            return keepState({ flips: 0 });
          }
          if (event.type === "internal") {
            expectTypeOf(event.content).toEqualTypeOf<{ check: "bulb" }>();
          }
          if (event.type === "genericTimeout") {
            expectTypeOf(event.name).toMatchTypeOf<import("@trellis/core").Term>();
          }
          // @ts-expect-error: no enter calls without stateEnter: true
          if (event.type === "enter") return keepStateAndData();
          return keepStateAndData(nextEvent("internal", { check: "bulb" }));
        },
        on: (_event, data) => nextState("off", data),
      },
    });
  });

  test("with stateEnter: true the enter event comes with the old state", () => {
    GenStateMachine.define({
      types: {} as LightTypes,
      callbackMode: "handleEvent",
      stateEnter: true,
      init: (_: undefined) => ok("off", { flips: 0 }),
      handleEvent(event, state, data) {
        expectTypeOf(state).toEqualTypeOf<"off" | "on">();
        if (event.type === "enter") {
          expectTypeOf(event.oldState).toEqualTypeOf<"off" | "on">();
          return keepStateAndData();
        }
        return keepState(data);
      },
    });
  });

  test("a state function for an unknown state, or a missing one, does not compile", () => {
    GenStateMachine.define({
      types: {} as LightTypes,
      callbackMode: "stateFunctions",
      init: (_: undefined) => ok("off", { flips: 0 }),
      states: {
        off: () => keepStateAndData(),
        on: () => keepStateAndData(),
        // @ts-expect-error: "dimmed" is not a state of the light
        dimmed: () => keepStateAndData(),
      },
    });
    GenStateMachine.define({
      types: {} as LightTypes,
      callbackMode: "stateFunctions",
      init: (_: undefined) => ok("off", { flips: 0 }),
      // @ts-expect-error: the state function for "on" is missing
      states: {
        off: () => keepStateAndData(),
      },
    });
  });

  test("a transition to an unknown state, or with the wrong data, does not compile", () => {
    GenStateMachine.define({
      types: {} as LightTypes,
      callbackMode: "handleEvent",
      init: (_: undefined) => ok("off", { flips: 0 }),
      // @ts-expect-error: "dimmed" is not a state
      handleEvent: (_event, _state, data) => nextState("dimmed", data),
    });
    GenStateMachine.define({
      types: {} as LightTypes,
      callbackMode: "handleEvent",
      init: (_: undefined) => ok("off", { flips: 0 }),
      // @ts-expect-error: the data is { flips: number }
      handleEvent: () => keepState({ flips: "many" }),
    });
    GenStateMachine.define({
      types: {} as LightTypes,
      callbackMode: "handleEvent",
      // @ts-expect-error: init must start in a declared state
      init: (_: undefined) => ok("broken", { flips: 0 }),
      handleEvent: () => keepStateAndData(),
    });
  });

  test("unknown events and requests do not compile", () => {
    GenStateMachine.define({
      types: {} as LightTypes,
      callbackMode: "handleEvent",
      init: (_: undefined) => ok("off", { flips: 0 }),
      handleEvent(event) {
        // @ts-expect-error: no such event type
        if (event.type === "timeout") return keepStateAndData();
        // @ts-expect-error: "toggle" is not a call of the light
        if (event.type === "call" && event.content === "toggle") return keepStateAndData();
        return keepStateAndData();
      },
    });
  });

  test("a reply of the wrong type, or an undeclared internal event, does not compile", () => {
    GenStateMachine.define({
      types: {} as LightTypes,
      callbackMode: "handleEvent",
      init: (_: undefined) => ok("off", { flips: 0 }),
      handleEvent(event) {
        if (event.type === "call") {
          // @ts-expect-error: replies are "off" | "on" | number
          return keepStateAndData(reply(event.from, { nope: true }));
        }
        return keepStateAndData(nextEvent("internal", { check: "bulb" }));
      },
    });
    GenStateMachine.define({
      types: {} as LightTypes,
      callbackMode: "handleEvent",
      init: (_: undefined) => ok("off", { flips: 0 }),
      // @ts-expect-error: the internal events carry { check: "bulb" }
      handleEvent: () => keepStateAndData(nextEvent("internal", { check: "fuse" })),
    });
  });

  test("actions and results have precise types", () => {
    expectTypeOf(postpone()).toEqualTypeOf<GenStateMachine.PostponeAction>();
    expectTypeOf(nextState("a", 1)).toEqualTypeOf<
      GenStateMachine.NextStateResult<"a", number, never>
    >();
    const from = {} as GenStateMachine.ReplyTo<number>;
    expectTypeOf(reply(from, 1)).toEqualTypeOf<GenStateMachine.ReplyAction<number>>();
    // @ts-expect-error: the caller expects a number
    reply(from, "one");
    // a plain From accepts anything
    reply({} as From, { any: "thing" });
    // @ts-expect-error: the caller expects a number
    GenStateMachine.reply(from, "one");
  });

  test("the types field is required", () => {
    GenStateMachine.define(
      // @ts-expect-error: types is missing
      {
        callbackMode: "handleEvent",
        init: (_: undefined) => ok("off", null),
        handleEvent: () => keepStateAndData(),
      },
    );
  });

  test("the examples", () => {
    expectTypeOf(GenStateMachine.diagram(PaymentFlow)).toEqualTypeOf<string>();
  });
});
