// childSpec, named handles, declared transitions and diagrams.
import { BadArgumentError, isExit, trapExit, whereis } from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { expect, describe as group, test } from "vitest";
import { DoorLock } from "./examples/door-lock.js";
import { PaymentFlow } from "./examples/payment.js";
import { type AnyTypes, exitReason, keep } from "./support.js";

const { ok, nextState } = GenStateMachine.Result;

group("childSpec", () => {
  test("the spec starts the machine linked to the caller, with the given name", () =>
    withRuntime(async () => {
      const spec = GenStateMachine.childSpec(DoorLock, "1234", { id: "door", name: "door" });
      expect(spec).toMatchObject({ id: "door", type: "worker", modules: ["GenStateMachine"] });
      expect("restart" in spec).toBe(false);
      const pid = await spec.start();
      expect(whereis("door")).toBe(pid);
      trapExit(true);
      await GenStateMachine.stop("door", "shutdown");
      expect((await assertReceive(isExit)).from).toBe(pid);
    }));

  test("defaults from define's options; the id defaults to the definition", () => {
    const def = GenStateMachine.define(
      {
        types: {} as AnyTypes,
        callbackMode: "handleEvent",
        init: (_: undefined) => ok("s", null),
        handleEvent: (event) => keep(event),
      },
      { restart: "transient", shutdown: "brutal_kill" },
    );
    const spec = GenStateMachine.childSpec(def);
    expect(spec.id).toBe(def);
    expect(spec.restart).toBe("transient");
    expect(spec.shutdown).toBe("brutal_kill");
    expect(GenStateMachine.childSpec(def, undefined, { restart: "temporary" }).restart).toBe(
      "temporary",
    );
    expect(() =>
      GenStateMachine.childSpec(def, undefined, { restart: "sometimes" as never }),
    ).toThrow(BadArgumentError);
    expect(() => GenStateMachine.childSpec({} as typeof def)).toThrow(BadArgumentError);
  });
});

group("named handles", () => {
  test("named gives a typed handle by name", () =>
    withRuntime(async () => {
      const door = GenStateMachine.named(DoorLock, "front-door");
      const pid = await GenStateMachine.start(DoorLock, "1", { name: door });
      expect(GenStateMachine.whereis(door)).toBe(pid);
      expect(await GenStateMachine.call(door, { type: "status" })).toBe("locked");
      GenStateMachine.cast(door, { type: "press", digit: "1" });
      expect(await GenStateMachine.call(door, { type: "status" })).toBe("open");
      await GenStateMachine.stop(door);
      expect(GenStateMachine.whereis(door)).toBeUndefined();
      expect(() => GenStateMachine.named(DoorLock, "" as string)).toThrow(BadArgumentError);
      expect(() => GenStateMachine.whereis(42 as unknown as string)).toThrow(BadArgumentError);
    }));
});

group("declared transitions", () => {
  test("a state change that is not declared makes the machine exit", () =>
    withRuntime(async () => {
      trapExit(true);
      interface T {
        state: "a" | "b" | "c";
        data: null;
        casts: "b" | "c";
      }
      const def = GenStateMachine.define({
        types: {} as T,
        callbackMode: "stateFunctions",
        transitions: [{ from: "a", to: "b" }],
        init: (_: undefined) => ok("a", null),
        states: {
          a: (event) => (event.type === "cast" ? nextState(event.content, null) : undefined),
          b: (event) => (event.type === "cast" ? nextState(event.content, null) : undefined),
          c: () => undefined,
        },
      });
      const m = await GenStateMachine.startLink(def);
      GenStateMachine.cast(m, "b");
      GenStateMachine.cast(m, "c");
      expect(await exitReason(m)).toEqual({ undeclared_transition: { from: "b", to: "c" } });
    }));

  test("handleEvent machines compare declared states with equals", () =>
    withRuntime(async () => {
      trapExit(true);
      interface T {
        state: readonly [string, number];
        data: null;
        casts: readonly [string, number];
      }
      const def = GenStateMachine.define({
        types: {} as T,
        callbackMode: "handleEvent",
        transitions: [{ from: ["room", 1], to: ["room", 2] }],
        init: (_: undefined) => ok(["room", 1], null),
        handleEvent: (event) =>
          event.type === "cast" ? nextState(event.content, null) : undefined,
      });
      const m = await GenStateMachine.startLink(def);
      GenStateMachine.cast(m, ["room", 2]);
      GenStateMachine.cast(m, ["room", 3]);
      expect(await exitReason(m)).toEqual({
        undeclared_transition: { from: ["room", 2], to: ["room", 3] },
      });
    }));

  test("bad declarations are rejected by define", () => {
    interface T {
      state: "a" | "b";
      data: null;
    }
    const base = {
      types: {} as T,
      callbackMode: "stateFunctions" as const,
      init: (_: undefined) => ok("a", null),
      states: { a: () => undefined, b: () => undefined },
    };
    expect(() =>
      GenStateMachine.define({ ...base, transitions: [{ from: "a", to: "z" as "b" }] }),
    ).toThrow(/each transition/);
    expect(() => GenStateMachine.define({ ...base, initial: "z" as "a" })).toThrow(/initial/);
    expect(() => GenStateMachine.define({ ...base, transitions: "a->b" as unknown as [] })).toThrow(
      BadArgumentError,
    );
  });
});

group("diagram", () => {
  test("a stateFunctions machine: initial state, transitions with labels, every state", () => {
    interface T {
      state: "idle" | "busy" | "broken state" | "lonely";
      data: null;
    }
    const def = GenStateMachine.define({
      types: {} as T,
      callbackMode: "stateFunctions",
      initial: "idle",
      transitions: [
        { from: "idle", to: "busy", label: "work" },
        { from: "busy", to: "broken state", label: "crash\nbang" },
      ],
      init: (_: undefined) => ok("idle", null),
      states: {
        idle: () => undefined,
        busy: () => undefined,
        "broken state": () => undefined,
        lonely: () => undefined,
      },
    });
    expect(GenStateMachine.diagram(def, { title: "Worker" })).toBe(
      [
        "---",
        "title: Worker",
        "---",
        "stateDiagram-v2",
        '    state "broken state" as s3',
        "    [*] --> idle",
        "    idle --> busy: work",
        "    busy --> s3: crash bang",
        "    lonely",
      ].join("\n"),
    );
  });

  test("the examples", () => {
    expect(GenStateMachine.diagram(DoorLock)).toBe(
      [
        "stateDiagram-v2",
        "    [*] --> locked",
        "    locked --> open: right code",
        "    open --> locked: state timeout",
      ].join("\n"),
    );
    expect(GenStateMachine.diagram(PaymentFlow)).toContain(
      "    authorized --> expired: 7 days without capture",
    );
  });

  test("a handleEvent machine without transitions cannot be drawn", () => {
    const def = GenStateMachine.define({
      types: {} as AnyTypes,
      callbackMode: "handleEvent",
      init: (_: undefined) => ok("s", null),
      handleEvent: (event) => keep(event),
    });
    expect(() => GenStateMachine.diagram(def)).toThrow(BadArgumentError);
    expect(() => GenStateMachine.diagram({} as typeof def)).toThrow(BadArgumentError);
  });
});
