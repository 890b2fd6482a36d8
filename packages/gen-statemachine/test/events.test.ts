// Callback modes (item 3), event types (item 4), call (item 5), results (item 6) and
// unmatched events (item 19).
import {
  BadArgumentError,
  CallError,
  CallTimeoutError,
  From,
  NoProcessError,
  receive,
  self,
  send,
  sleep,
  spawn,
  type Term,
  trapExit,
} from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { expect, describe as group, test } from "vitest";
import { type AnyTypes, exitReason, keep, scripted } from "./support.js";

const {
  ok,
  nextState,
  keepState,
  keepStateAndData,
  repeatState,
  repeatStateAndData,
  stop,
  stopAndReply,
} = GenStateMachine.Result;
const { reply, nextEvent, eventTimeout } = GenStateMachine.Action;

group("callback modes (item 3)", () => {
  test("stateFunctions: the state names the function that handles the event", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      interface T {
        state: "a" | "b";
        data: number;
        casts: "go";
        calls: GenStateMachine.Request<"where", string>;
      }
      const def = GenStateMachine.define({
        types: {} as T,
        callbackMode: "stateFunctions",
        init: (_: undefined) => ok("a", 0),
        states: {
          a(event, n) {
            seen.push(`a ${event.type} ${n}`);
            if (event.type === "call") return keepStateAndData(reply(event.from, "a"));
            return nextState("b", n + 1);
          },
          b(event, n) {
            seen.push(`b ${event.type} ${n}`);
            if (event.type === "call") return keepStateAndData(reply(event.from, "b"));
            return nextState("a", n + 1);
          },
        },
      });
      const m = await GenStateMachine.start(def);
      GenStateMachine.cast(m, "go");
      expect(await GenStateMachine.call(m, "where")).toBe("b");
      GenStateMachine.cast(m, "go");
      expect(await GenStateMachine.call(m, "where")).toBe("a");
      expect(seen).toEqual(["a cast 0", "b call 1", "b cast 1", "a call 2"]);
      await GenStateMachine.stop(m);
    }));

  test("stateFunctions: `this` is the states object, so states can share helpers", () =>
    withRuntime(async () => {
      interface T {
        state: "only";
        data: null;
        calls: GenStateMachine.Request<"hi", string>;
      }
      const states = {
        only(event: GenStateMachine.HandlerEvent<T, false>) {
          return event.type === "call"
            ? keepStateAndData(reply(event.from, (this as { greet?: string }).greet ?? "none"))
            : undefined;
        },
      };
      Object.defineProperty(states, "greet", { value: "hello", enumerable: false });
      const def = GenStateMachine.define({
        types: {} as T,
        callbackMode: "stateFunctions",
        init: (_: undefined) => ok("only", null),
        states,
      });
      const m = await GenStateMachine.start(def);
      expect(await GenStateMachine.call(m, "hi")).toBe("hello");
      await GenStateMachine.stop(m);
    }));

  test("handleEvent: any term is a state, compared with core's equals", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const def = scripted(
        seen,
        (event, state) => {
          if (event.type === "cast") {
            // a new array equal to the current state: not a state change
            if (event.content === "same") return nextState([...(state as Term[])] as Term, null);
            return nextState(["room", { n: 2 }], null);
          }
          return keep(event);
        },
        { stateEnter: true },
      );
      const m = await GenStateMachine.start(def, ["room", { n: 1 }]);
      GenStateMachine.cast(m, "same");
      GenStateMachine.cast(m, "move");
      GenStateMachine.cast(m, "same");
      await GenStateMachine.call(m, "sync");
      expect(seen).toEqual([
        '["room",{"n":1}] enter ["room",{"n":1}]',
        '["room",{"n":1}] cast "same"',
        '["room",{"n":1}] cast "move"',
        '["room",{"n":2}] enter ["room",{"n":1}]',
        '["room",{"n":2}] cast "same"',
        '["room",{"n":2}] call "sync"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("an unknown callback mode, or missing callbacks, is a BadArgumentError at define", () => {
    const base = { types: {} as AnyTypes, init: () => ok("a", null) };
    const bad: unknown[] = [
      { ...base, callbackMode: "state_functions", states: {} },
      { ...base, callbackMode: undefined },
      { ...base, callbackMode: "stateFunctions" },
      { ...base, callbackMode: "stateFunctions", states: {} },
      { ...base, callbackMode: "stateFunctions", states: { a: 1 } },
      { ...base, callbackMode: "handleEvent" },
      { ...base, callbackMode: "handleEvent", handleEvent: () => undefined, states: {} },
      { ...base, callbackMode: "handleEvent", handleEvent: () => undefined, stateEnter: "yes" },
      { ...base, callbackMode: "handleEvent", handleEvent: () => undefined, terminate: 1 },
      { types: {}, callbackMode: "handleEvent", handleEvent: () => undefined },
      null,
    ];
    for (const b of bad) {
      expect(() =>
        GenStateMachine.define(b as Parameters<typeof GenStateMachine.define>[0]),
      ).toThrow(BadArgumentError);
    }
    expect(() =>
      GenStateMachine.define(bad[0] as Parameters<typeof GenStateMachine.define>[0]),
    ).toThrow(/callbackMode must be "stateFunctions" or "handleEvent", got state_functions/);
  });
});

group("event types (item 4)", () => {
  test("call, cast, info, internal, event/state/generic timeouts and enter", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const def = scripted(
        seen,
        (event, state) => {
          if (event.type === "cast" && event.content === "timeouts") {
            return keepStateAndData([
              nextEvent("internal", "i"),
              GenStateMachine.Action.genericTimeout("g", 20, "gc"),
              GenStateMachine.Action.stateTimeout(10, "sc"),
            ]);
          }
          if (event.type === "stateTimeout") return keepStateAndData(eventTimeout(5, "ec"));
          if (event.type === "genericTimeout") return nextState(`${state as string}!`, null);
          return keep(event);
        },
        { stateEnter: true },
      );
      const m = await GenStateMachine.start(def, "s");
      send(m, { plain: "message" });
      GenStateMachine.cast(m, "timeouts");
      await sleep(100);
      expect(await GenStateMachine.call(m, "sync")).toBe("ok");
      expect(seen).toEqual([
        's enter "s"',
        's info {"plain":"message"}',
        's cast "timeouts"',
        's internal "i"',
        's stateTimeout "sc"',
        's eventTimeout "ec"',
        's genericTimeout "g" "gc"',
        's! enter "s"',
        's! call "sync"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("nextEvent can insert every event type but enter", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      let fromSeen: unknown;
      const def = scripted(seen, (event) => {
        if (event.type === "call" && event.content === "insert") {
          fromSeen = event.from;
          return keepStateAndData([
            nextEvent("cast", "c"),
            nextEvent("info", "i"),
            nextEvent("internal", "n"),
            nextEvent("eventTimeout", "e"),
            nextEvent("stateTimeout", "s"),
            nextEvent({ type: "genericTimeout", name: ["g", 1], content: "g" }),
            nextEvent({ type: "call", content: "inner", from: event.from }),
          ]);
        }
        return keep(event);
      });
      const m = await GenStateMachine.start(def, "x");
      // the inserted call answers the outer caller
      expect(await GenStateMachine.call(m, "insert")).toBe("ok");
      expect(fromSeen).toBeInstanceOf(From);
      expect(seen).toEqual([
        'x call "insert"',
        'x cast "c"',
        'x info "i"',
        'x internal "n"',
        'x eventTimeout "e"',
        'x stateTimeout "s"',
        'x genericTimeout ["g",1] "g"',
        'x call "inner"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("inserting an enter event, or a call without a from, is a bad action", () =>
    withRuntime(async () => {
      trapExit(true);
      for (const event of [
        { type: "enter", oldState: "x" },
        { type: "call", content: 1 },
        { type: "genericTimeout", content: 1 },
        { type: "bogus" },
      ]) {
        const action = { type: "nextEvent", event };
        const def = scripted([], () =>
          keepStateAndData(action as unknown as GenStateMachine.TransitionAction<AnyTypes>),
        );
        const m = await GenStateMachine.startLink(def, "x");
        GenStateMachine.cast(m, "go");
        expect(await exitReason(m)).toEqual({ bad_action_from_state_function: action });
      }
      expect(() => GenStateMachine.Action.nextEvent("enter" as "internal", 1)).toThrow(
        BadArgumentError,
      );
    }));
});

group("call (item 5)", () => {
  test("the default timeout is Infinity: a reply after an hour still arrives", () =>
    withRuntime(async ({ clock }) => {
      const def = scripted([], (event) => {
        if (event.type === "call") {
          const from = event.from;
          spawn(async () => {
            await sleep(3_600_000);
            GenStateMachine.reply(from, "late");
          });
          return keepStateAndData();
        }
        return keep(event);
      });
      const m = await GenStateMachine.start(def, "a");
      const t0 = clock.now();
      expect(await GenStateMachine.call(m, "slow")).toBe("late");
      expect(clock.now() - t0).toBe(3_600_000);
      await GenStateMachine.stop(m);
    }));

  test("a timeout rejects with CallTimeoutError naming GenStateMachine.call", () =>
    withRuntime(async () => {
      const def = scripted([], () => keepStateAndData());
      const m = await GenStateMachine.start(def, "a");
      const err = await GenStateMachine.call(m, "ping", 100).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallTimeoutError);
      expect((err as CallTimeoutError).reason).toBe("timeout");
      expect((err as CallTimeoutError).operation).toEqual({
        module: "GenStateMachine",
        function: "call",
        args: [m, "ping", 100],
      });
      await expect(GenStateMachine.call(m, "ping", { timeout: 50 })).rejects.toBeInstanceOf(
        CallTimeoutError,
      );
      await GenStateMachine.stop(m);
    }));

  test("a dead machine: NoProcessError with the Infinity timeout in the operation", () =>
    withRuntime(async () => {
      const m = await GenStateMachine.start(scripted([], keep), "a");
      await GenStateMachine.stop(m);
      const err = await GenStateMachine.call(m, "ping").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NoProcessError);
      expect((err as NoProcessError).operation.args).toEqual([m, "ping", Infinity]);
      await expect(GenStateMachine.call("nobody", "ping")).rejects.toBeInstanceOf(NoProcessError);
    }));

  test("from is the caller's pid and a unique tag; replies can come from another state", () =>
    withRuntime(async () => {
      const froms: From[] = [];
      const def = scripted([], (event, state) => {
        if (event.type === "call" && event.content === "wait") {
          froms.push(event.from);
          return keepStateAndData();
        }
        if (event.type === "cast") {
          return nextState(
            "b",
            null,
            froms.map((f) => reply(f, `answered in ${state as string}->b`)),
          );
        }
        return keep(event);
      });
      const m = await GenStateMachine.start(def, "a");
      const p1 = GenStateMachine.call(m, "wait");
      const p2 = GenStateMachine.call(m, "wait");
      await sleep(1);
      expect(froms.map((f) => f.pid)).toEqual([self(), self()]);
      expect(froms[0]?.ref).not.toBe(froms[1]?.ref);
      GenStateMachine.cast(m, "release");
      expect(await p1).toBe("answered in a->b");
      expect(await p2).toBe("answered in a->b");
      await GenStateMachine.stop(m);
    }));

  test("a call that makes the machine exit rejects with a CallError carrying the reason", () =>
    withRuntime(async () => {
      const m = await GenStateMachine.start(
        scripted([], () => stop("gone")),
        "a",
      );
      const err = await GenStateMachine.call(m, "x").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallError);
      expect((err as CallError).reason).toBe("gone");
    }));

  test("replying twice is a BadArgumentError", () =>
    withRuntime(async () => {
      trapExit(true);
      let from: From | undefined;
      const def = scripted([], (event) => {
        if (event.type === "call") {
          from = event.from;
          return keepStateAndData([reply(event.from, 1), reply(event.from, 2)]);
        }
        return keep(event);
      });
      const m = await GenStateMachine.startLink(def, "a");
      expect(await GenStateMachine.call(m, "x")).toBe(1);
      const reason = await exitReason(m);
      expect(reason).toBeInstanceOf(BadArgumentError);
      expect(String((reason as Error).message)).toMatch(/already answered/);
      expect(() => GenStateMachine.reply(from as From, 3)).toThrow(BadArgumentError);
      expect(() => GenStateMachine.reply({} as From, 3)).toThrow(BadArgumentError);
    }));

  test("a bad call timeout rejects with a BadArgumentError", () =>
    withRuntime(async () => {
      const m = await GenStateMachine.start(scripted([], keep), "a");
      await expect(GenStateMachine.call(m, "x", -1)).rejects.toBeInstanceOf(BadArgumentError);
      await expect(
        GenStateMachine.call(m, "x", "soon" as unknown as number),
      ).rejects.toBeInstanceOf(BadArgumentError);
      await expect(GenStateMachine.call(m, "x", null as unknown as number)).rejects.toBeInstanceOf(
        BadArgumentError,
      );
      await GenStateMachine.stop(m);
    }));

  test("hibernate is accepted and does nothing", () =>
    withRuntime(async () => {
      const def = scripted([], (event) =>
        event.type === "call"
          ? keepStateAndData([GenStateMachine.Action.hibernate(), reply(event.from, "awake")])
          : keep(event),
      );
      const m = await GenStateMachine.start(def, "a");
      expect(await GenStateMachine.call(m, "x")).toBe("awake");
      await GenStateMachine.stop(m);
    }));

  test("calls and casts work from outside process code", () =>
    withRuntime(async ({ runtime }) => {
      const m = await GenStateMachine.start(scripted([], keep), "a");
      const answer = await new Promise((resolve, reject) => {
        setImmediate(() => {
          GenStateMachine.call(m, "outside").then(resolve, reject);
        });
      });
      expect(answer).toBe("ok");
      expect(runtime.pendingCalls()).toBe(0); // the outside call has ended, nothing waits
      await GenStateMachine.stop(m);
    }));
});

group("results (item 6)", () => {
  test("every result form", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const def = scripted(
        seen,
        (event, state, data) => {
          if (event.type === "enter") return keepStateAndData();
          if (event.type === "call") return keepStateAndData(reply(event.from, { state, data }));
          switch (event.content) {
            case "next":
              return nextState("b", 1);
            case "nextActions":
              return nextState("c", 2, nextEvent("internal", "x"));
            case "keep":
              return keepState(3);
            case "keepActions":
              return keepState(4, [nextEvent("internal", "y")]);
            case "repeat":
              return repeatState(5);
            case "repeatActions":
              return repeatState(6, nextEvent("internal", "z"));
            case "repeatAndData":
              return repeatStateAndData();
            case "repeatAndDataActions":
              return repeatStateAndData([]);
            default:
              return keepStateAndData();
          }
        },
        { stateEnter: true },
      );
      const m = await GenStateMachine.start(def, "a");
      const step = async (c: string) => {
        GenStateMachine.cast(m, c);
        return GenStateMachine.call(m, "?");
      };
      expect(await step("next")).toEqual({ state: "b", data: 1 });
      expect(await step("nextActions")).toEqual({ state: "c", data: 2 });
      expect(await step("keep")).toEqual({ state: "c", data: 3 });
      expect(await step("keepActions")).toEqual({ state: "c", data: 4 });
      expect(await step("repeat")).toEqual({ state: "c", data: 5 });
      expect(await step("repeatActions")).toEqual({ state: "c", data: 6 });
      expect(await step("repeatAndData")).toEqual({ state: "c", data: 6 });
      expect(await step("repeatAndDataActions")).toEqual({ state: "c", data: 6 });
      expect(seen.filter((s) => s.includes("enter") || s.includes("internal"))).toEqual([
        'a enter "a"',
        'b enter "a"',
        'c enter "b"',
        'c internal "x"',
        'c internal "y"',
        'c enter "c"',
        'c enter "c"',
        'c internal "z"',
        'c enter "c"',
        'c enter "c"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("hand-written results and actions are the same as the constructors'", () =>
    withRuntime(async () => {
      const def = scripted([], (event) => {
        if (event.type === "call") {
          return {
            type: "nextState",
            state: "z",
            data: 9,
            actions: { type: "reply", from: event.from, value: "plain" },
          } as GenStateMachine.HandlerResult<AnyTypes>;
        }
        return { type: "keepStateAndData" };
      });
      const m = await GenStateMachine.start(def, "a");
      expect(await GenStateMachine.call(m, "x")).toBe("plain");
      expect(await import("@trellis/core").then((c) => c.Sys.getState(m))).toEqual({
        state: "z",
        data: 9,
      });
      await GenStateMachine.stop(m);
    }));

  test("a bare number among the actions is an event timeout whose content is the number", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const def = scripted(seen, (event) =>
        event.type === "cast" ? keepStateAndData(250) : keep(event),
      );
      const m = await GenStateMachine.start(def, "a");
      GenStateMachine.cast(m, "arm");
      await sleep(300);
      expect(seen).toEqual(['a cast "arm"', "a eventTimeout 250"]);
      await GenStateMachine.stop(m);
    }));

  test("a thrown result counts as a return (Erlang's throw)", () =>
    withRuntime(async () => {
      const def = scripted([], (event) => {
        if (event.type === "call") throw keepStateAndData(reply(event.from, "thrown"));
        if (event.type === "cast") return Promise.reject(nextState("b", null));
        return keep(event);
      });
      const m = await GenStateMachine.start(def, "a");
      expect(await GenStateMachine.call(m, "x")).toBe("thrown");
      GenStateMachine.cast(m, "async throw");
      expect(await GenStateMachine.call(m, "x")).toBe("thrown");
      expect(await import("@trellis/core").then((c) => c.Sys.getState(m))).toEqual({
        state: "b",
        data: null,
      });
      await GenStateMachine.stop(m);
    }));

  test("async handlers: events stay in order and nothing else is handled meanwhile", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const def = scripted(
        seen,
        async (event, _state, data) => {
          if (event.type === "cast") {
            await sleep(100);
            return keepState((data as number) + 1, nextEvent("internal", data));
          }
          if (event.type === "call") return keepStateAndData(reply(event.from, data));
          return keepStateAndData();
        },
        { init: () => ok("a", 0) },
      );
      const m = await GenStateMachine.start(def);
      GenStateMachine.cast(m, "one");
      GenStateMachine.cast(m, "two");
      expect(await GenStateMachine.call(m, "n")).toBe(2);
      expect(seen).toEqual([
        'a cast "one"',
        "a internal 0",
        'a cast "two"',
        "a internal 1",
        'a call "n"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("stop and stopAndReply with data: terminate sees the new data", () =>
    withRuntime(async () => {
      const me = self();
      const def = scripted(
        [],
        (event) => {
          if (event.type === "call")
            return stopAndReply("normal", reply(event.from, "bye"), "last");
          return stop("normal", "final");
        },
        { terminate: (reason, state, data) => send(me, { reason, state, data }) },
      );
      const a = await GenStateMachine.start(def, "s1");
      expect(await GenStateMachine.call(a, "x")).toBe("bye");
      expect(await receive()).toEqual({ reason: "normal", state: "s1", data: "last" });
      const b = await GenStateMachine.start(def, "s2");
      GenStateMachine.cast(b, "x");
      expect(await receive()).toEqual({ reason: "normal", state: "s2", data: "final" });
      const c = await GenStateMachine.start(
        scripted([], () => ({ type: "stop" }) as GenStateMachine.HandlerResult<AnyTypes>, {
          terminate: (reason, state, data) => send(me, { reason, state, data }),
        }),
        "s3",
      );
      GenStateMachine.cast(c, "x");
      expect(await receive()).toEqual({ reason: "normal", state: "s3", data: null });
    }));
});

group("unmatched events (item 19)", () => {
  test("a handler that returns undefined crashes with function_clause", () =>
    withRuntime(async () => {
      trapExit(true);
      const def = scripted([], () => undefined);
      const m = await GenStateMachine.startLink(def, "s");
      GenStateMachine.cast(m, "surprise");
      const reason = (await exitReason(m)) as {
        function_clause: { state: unknown; event: unknown };
      };
      expect(reason.function_clause.state).toBe("s");
      expect(reason.function_clause.event).toMatchObject({ type: "cast", content: "surprise" });
    }));

  test("stateFunctions: a state without a function crashes with function_clause", () =>
    withRuntime(async () => {
      trapExit(true);
      interface T {
        state: string;
        data: null;
        casts: string;
      }
      const def = GenStateMachine.define({
        types: {} as T,
        callbackMode: "stateFunctions",
        init: (_: undefined) => ok("known", null),
        states: {
          known: (_event: unknown) => nextState("unknown", null),
        } as unknown as GenStateMachine.StateFunctions<T>,
      });
      const m = await GenStateMachine.startLink(def);
      GenStateMachine.cast(m, "go");
      GenStateMachine.cast(m, "again");
      const reason = (await exitReason(m)) as { function_clause: Record<string, unknown> };
      expect(reason.function_clause["state"]).toBe("unknown");
      expect(reason.function_clause["event"]).toMatchObject({ type: "cast", content: "again" });
      expect(reason.function_clause["reason"]).toBe("no state function for this state");
    }));
});
