// Event timeouts (items 13, 14), state timeouts (item 15), generic timeouts (item 16) and
// zero-time timeouts and absolute times (item 17). Virtual time: hours take no real time.
import { BadArgumentError, Sys, sleep, type Term, trapExit } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { expect, describe as group, test } from "vitest";
import { type AnyTypes, exitReason, keep, scripted } from "./support.js";

const { ok, nextState, keepState, keepStateAndData, repeatStateAndData } = GenStateMachine.Result;
const {
  eventTimeout,
  cancelEventTimeout,
  updateEventTimeout,
  stateTimeout,
  cancelStateTimeout,
  updateStateTimeout,
  genericTimeout,
  cancelGenericTimeout,
  updateGenericTimeout,
  nextEvent,
  postpone,
} = GenStateMachine.Action;

type Step = (
  event: GenStateMachine.CastEvent,
  state: Term,
) => GenStateMachine.HandlerResult<AnyTypes> | undefined;

/**
 * A machine that records events with the virtual time they arrived at (relative to the
 * start), and whose casts are handled by `onCast` (default: keep).
 */
async function timed(
  seen: string[],
  clock: { now(): number },
  onCast: Step,
  options: { init?: () => GenStateMachine.InitResult<AnyTypes> } = {},
) {
  const t0 = clock.now();
  const def = scripted(
    seen,
    (event, state) => {
      seen[seen.length - 1] = `${clock.now() - t0} ${seen[seen.length - 1]}`;
      if (event.type === "cast") return onCast(event, state) ?? keepStateAndData();
      return keep(event);
    },
    options.init === undefined ? {} : { init: options.init },
  );
  return GenStateMachine.start(def, "s");
}

group("event timeout (items 13, 14)", () => {
  test("fires as an eventTimeout event with its content when nothing else happens", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, () => keepStateAndData(eventTimeout(1000, "idle")));
      GenStateMachine.cast(m, "arm");
      await sleep(2000);
      expect(seen).toEqual(['0 s cast "arm"', '1000 s eventTimeout "idle"']);
      await GenStateMachine.stop(m);
    }));

  test("cancelled by any event: a mailbox event, an inserted event, a retried postponed event", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, (event, state) => {
        switch (event.content) {
          case "arm":
            return keepStateAndData(eventTimeout(1000, "should not fire"));
          case "arm+insert":
            return keepStateAndData([eventTimeout(1000, "nope"), nextEvent("internal", "i")]);
          case "postponed":
            return state === "s" ? keepStateAndData(postpone()) : keepStateAndData();
          case "arm+change":
            // the postponed event retried in "t" cancels the event timeout
            return nextState("t", null, eventTimeout(1000, "nope"));
          default:
            return keepStateAndData();
        }
      });
      GenStateMachine.cast(m, "arm");
      await sleep(500);
      GenStateMachine.cast(m, "other");
      await sleep(2000);
      GenStateMachine.cast(m, "arm+insert");
      await sleep(2000);
      GenStateMachine.cast(m, "postponed");
      GenStateMachine.cast(m, "arm+change");
      await sleep(2000);
      expect(seen.filter((s) => s.includes("eventTimeout"))).toEqual([]);
      expect(seen.map((s) => s.replace(/^\d+ /, ""))).toEqual([
        's cast "arm"',
        's cast "other"',
        's cast "arm+insert"',
        's internal "i"',
        's cast "postponed"',
        's cast "arm+change"',
        't cast "postponed"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("system messages do not cancel it; a stale timer message is dropped", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, (event) =>
        event.content === "arm" ? keepStateAndData(eventTimeout(1000, "idle")) : keepStateAndData(),
      );
      GenStateMachine.cast(m, "arm");
      await sleep(100);
      await Sys.getState(m);
      await Sys.getStatus(m);
      await sleep(2000);
      expect(seen).toEqual(['0 s cast "arm"', '1000 s eventTimeout "idle"']);
      // Now the timer fires while the machine is suspended, behind a cast: the cast
      // cancels the event timeout, and the timer message already in the mailbox is dropped.
      GenStateMachine.cast(m, "arm");
      await sleep(10);
      await Sys.suspend(m);
      GenStateMachine.cast(m, "other");
      await sleep(2000); // the timer message is now queued behind "other"
      await Sys.resume(m);
      await GenStateMachine.call(m, "sync");
      expect(seen.slice(2).map((s) => s.replace(/^\d+ /, ""))).toEqual([
        's cast "arm"',
        's cast "other"',
        's call "sync"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("a 0 event timeout fires before messages already waiting in the mailbox", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, (event) =>
        event.content === "zero" ? keepStateAndData(eventTimeout(0, "now")) : keepStateAndData(),
      );
      GenStateMachine.cast(m, "zero");
      GenStateMachine.cast(m, "waiting");
      await GenStateMachine.call(m, "sync");
      expect(seen).toEqual([
        '0 s cast "zero"',
        '0 s eventTimeout "now"',
        '0 s cast "waiting"',
        '0 s call "sync"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("a 0 event timeout is cancelled when inserted or postponed events are queued", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, (event, state) => {
        if (event.content === "zero+insert") {
          return keepStateAndData([eventTimeout(0, "no"), nextEvent("internal", "i")]);
        }
        if (event.content === "p") return state === "s" ? keepStateAndData(postpone()) : undefined;
        if (event.content === "zero+change") return nextState("t", null, eventTimeout(0, "no"));
        return keepStateAndData();
      });
      GenStateMachine.cast(m, "zero+insert");
      GenStateMachine.cast(m, "p");
      GenStateMachine.cast(m, "zero+change");
      await GenStateMachine.call(m, "sync");
      expect(seen.filter((s) => s.includes("eventTimeout"))).toEqual([]);
      await GenStateMachine.stop(m);
    }));

  test("cancel, Infinity and update (with no timer running, update fires at once)", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, (event) => {
        switch (event.content) {
          case "arm+cancel":
            return keepStateAndData([eventTimeout(100, "x"), cancelEventTimeout()]);
          case "arm+update":
            return keepStateAndData([eventTimeout(100, "old"), updateEventTimeout("new")]);
          case "update":
            return keepStateAndData(updateEventTimeout("at once"));
          case "infinity":
            return keepStateAndData([eventTimeout(100, "x"), eventTimeout(Infinity, "y")]);
          default:
            return keepStateAndData();
        }
      });
      GenStateMachine.cast(m, "arm+cancel");
      await sleep(500);
      GenStateMachine.cast(m, "infinity");
      await sleep(500);
      GenStateMachine.cast(m, "arm+update");
      await sleep(500);
      GenStateMachine.cast(m, "update");
      await sleep(500);
      expect(seen).toEqual([
        '0 s cast "arm+cancel"',
        '500 s cast "infinity"',
        '1000 s cast "arm+update"',
        // the last event timeout action wins: the update, and no event timeout runs (the
        // transition cancelled it), so it fires at once. Updating an event timeout always
        // does: any event has cancelled the running one first.
        '1000 s eventTimeout "new"',
        '1500 s cast "update"',
        '1500 s eventTimeout "at once"',
      ]);
      await GenStateMachine.stop(m);
    }));
});

group("state timeout (item 15)", () => {
  test("other events do not cancel it; a state change does", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, (event, state) => {
        switch (event.content) {
          case "arm":
            return keepStateAndData(stateTimeout(1000, state));
          case "leave":
            return nextState(state === "s" ? "t" : "s", null);
          case "keep":
            return keepState(null);
          case "repeat":
            return repeatStateAndData();
          case "same":
            return nextState(state, null);
          default:
            return keepStateAndData();
        }
      });
      GenStateMachine.cast(m, "arm");
      await sleep(200);
      GenStateMachine.cast(m, "keep");
      GenStateMachine.cast(m, "repeat");
      GenStateMachine.cast(m, "same");
      GenStateMachine.cast(m, "other");
      await sleep(1000);
      GenStateMachine.cast(m, "arm");
      await sleep(500);
      GenStateMachine.cast(m, "leave");
      await sleep(2000);
      expect(seen).toEqual([
        '0 s cast "arm"',
        '200 s cast "keep"',
        '200 s cast "repeat"',
        '200 s cast "same"',
        '200 s cast "other"',
        '1000 s stateTimeout "s"',
        '1200 s cast "arm"',
        '1700 s cast "leave"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("set in a transition's actions it belongs to the new state", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, () => nextState("t", null, stateTimeout(300, "in t")));
      GenStateMachine.cast(m, "go");
      await sleep(1000);
      expect(seen).toEqual(['0 s cast "go"', '300 t stateTimeout "in t"']);
      await GenStateMachine.stop(m);
    }));

  test("setting it again replaces it (time and content); cancel; update keeps the timer", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, (event) => {
        switch (event.content) {
          case "a":
            return keepStateAndData(stateTimeout(1000, "first"));
          case "b":
            return keepStateAndData(stateTimeout(200, "second"));
          case "c":
            return keepStateAndData(cancelStateTimeout());
          case "d":
            return keepStateAndData(updateStateTimeout("updated"));
          default:
            return keepStateAndData();
        }
      });
      GenStateMachine.cast(m, "a");
      await sleep(100);
      GenStateMachine.cast(m, "b");
      await sleep(1500);
      GenStateMachine.cast(m, "a");
      await sleep(100);
      GenStateMachine.cast(m, "c");
      await sleep(1500);
      GenStateMachine.cast(m, "a");
      await sleep(600);
      GenStateMachine.cast(m, "d");
      await sleep(1000);
      expect(seen).toEqual([
        '0 s cast "a"',
        '100 s cast "b"',
        '300 s stateTimeout "second"',
        '1600 s cast "a"',
        '1700 s cast "c"',
        '3200 s cast "a"',
        '3800 s cast "d"',
        '4200 s stateTimeout "updated"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("a 0 state timeout is delivered before messages not yet received", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, (event) =>
        event.content === "zero"
          ? keepStateAndData([stateTimeout(0, "st"), nextEvent("internal", "first")])
          : keepStateAndData(),
      );
      GenStateMachine.cast(m, "zero");
      GenStateMachine.cast(m, "waiting");
      await GenStateMachine.call(m, "sync");
      expect(seen).toEqual([
        '0 s cast "zero"',
        '0 s internal "first"', // a state timeout is not cancelled by the inserted event
        '0 s stateTimeout "st"',
        '0 s cast "waiting"',
        '0 s call "sync"',
      ]);
      await GenStateMachine.stop(m);
    }));
});

group("generic timeouts (item 16)", () => {
  test("survive events and state changes; independent names; set again restarts; Infinity cancels", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, (event, state) => {
        switch (event.content) {
          case "arm":
            return keepStateAndData([
              genericTimeout("a", 1000, "A"),
              genericTimeout(["b", 1], 1600, "B"),
              genericTimeout("c", 2000, "C"),
            ]);
          case "move":
            return nextState(state === "s" ? "t" : "s", null);
          case "restart-a":
            return keepStateAndData(genericTimeout("a", 1000, "A2"));
          case "cancel-c":
            return keepStateAndData([genericTimeout("c", Infinity, "no")]);
          default:
            return keepStateAndData();
        }
      });
      GenStateMachine.cast(m, "arm");
      await sleep(500);
      GenStateMachine.cast(m, "move");
      GenStateMachine.cast(m, "restart-a");
      GenStateMachine.cast(m, "cancel-c");
      await sleep(3000);
      expect(seen).toEqual([
        '0 s cast "arm"',
        '500 s cast "move"',
        '500 t cast "restart-a"',
        '500 t cast "cancel-c"',
        '1500 t genericTimeout "a" "A2"',
        '1600 t genericTimeout ["b",1] "B"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("update swaps the content without restarting; cancel; update of a stopped one fires at once", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, (event) => {
        switch (event.content) {
          case "arm":
            return keepStateAndData(genericTimeout("g", 1000, "old"));
          case "update":
            return keepStateAndData(updateGenericTimeout("g", "new"));
          case "cancel":
            return keepStateAndData(cancelGenericTimeout("g"));
          default:
            return keepStateAndData();
        }
      });
      GenStateMachine.cast(m, "arm");
      await sleep(600);
      GenStateMachine.cast(m, "update");
      await sleep(1000);
      GenStateMachine.cast(m, "arm");
      GenStateMachine.cast(m, "cancel");
      await sleep(2000);
      GenStateMachine.cast(m, "update");
      await sleep(10);
      expect(seen).toEqual([
        '0 s cast "arm"',
        '600 s cast "update"',
        '1000 s genericTimeout "g" "new"',
        '1600 s cast "arm"',
        '1600 s cast "cancel"',
        '3600 s cast "update"',
        '3600 s genericTimeout "g" "new"',
      ]);
      await GenStateMachine.stop(m);
    }));
});

group("zero timeouts and absolute times (item 17)", () => {
  test("zero timeouts fire in the order they were set", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, (event) =>
        event.content === "go"
          ? keepStateAndData([
              genericTimeout("x", 0, 1),
              stateTimeout(0, 2),
              genericTimeout("y", 0, 3),
              eventTimeout(0, 4),
            ])
          : keepStateAndData(),
      );
      GenStateMachine.cast(m, "go");
      GenStateMachine.cast(m, "mailbox");
      await GenStateMachine.call(m, "sync");
      // the event timeout, set last, is cancelled by the generic timeout event before it
      expect(seen.map((s) => s.replace(/^\d+ /, ""))).toEqual([
        's cast "go"',
        's genericTimeout "x" 1',
        "s stateTimeout 2",
        's genericTimeout "y" 3',
        's cast "mailbox"',
        's call "sync"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("a pending zero state timeout cancels an event timeout set after it, not one set before", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, (event) => {
        if (event.content === "state-first") {
          return keepStateAndData([stateTimeout(0, "st"), eventTimeout(0, "et")]);
        }
        if (event.content === "event-first") {
          return keepStateAndData([eventTimeout(0, "et"), stateTimeout(0, "st")]);
        }
        return keepStateAndData();
      });
      GenStateMachine.cast(m, "state-first");
      await GenStateMachine.call(m, "sync");
      GenStateMachine.cast(m, "event-first");
      await GenStateMachine.call(m, "sync");
      expect(seen.map((s) => s.replace(/^\d+ /, ""))).toEqual([
        's cast "state-first"',
        's stateTimeout "st"',
        's call "sync"',
        's cast "event-first"',
        's eventTimeout "et"',
        's stateTimeout "st"',
        's call "sync"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("the last timeout action of each kind wins; a zero one set again moves to the end", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, (event) => {
        if (event.content === "go") {
          return keepStateAndData([
            stateTimeout(0, "s1"),
            genericTimeout("g", 0, "g1"),
            stateTimeout(100, "s2"),
            stateTimeout(0, "s3"),
          ]);
        }
        return keepStateAndData();
      });
      GenStateMachine.cast(m, "go");
      await sleep(500);
      expect(seen.map((s) => s.replace(/^\d+ /, ""))).toEqual([
        's cast "go"',
        's genericTimeout "g" "g1"',
        's stateTimeout "s3"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("absolute times (abs: true) fire at that instant of the monotonic clock", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const at = clock.now() + 1234;
      const m = await timed(seen, clock, (event) =>
        event.content === "go"
          ? keepStateAndData([
              stateTimeout(at, "abs", { abs: true }),
              genericTimeout("past", clock.now() - 50, "late", { abs: true }),
            ])
          : keepStateAndData(),
      );
      GenStateMachine.cast(m, "go");
      await sleep(2000);
      expect(seen).toEqual([
        '0 s cast "go"',
        '0 s genericTimeout "past" "late"',
        '1234 s stateTimeout "abs"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("timeouts longer than 2^31-1 ms work", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const long = 2 ** 32;
      const m = await timed(seen, clock, () => keepStateAndData(stateTimeout(long, "much later")));
      GenStateMachine.cast(m, "go");
      await sleep(long + 1);
      expect(seen).toEqual(['0 s cast "go"', `${long} s stateTimeout "much later"`]);
      await GenStateMachine.stop(m);
    }));

  test("timeouts from init and timers die with the machine", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const m = await timed(seen, clock, () => keepStateAndData(), {
        init: () =>
          ok("s", null, [stateTimeout(10_000, 1), genericTimeout("g", 20_000, 2), 30_000]),
      });
      await GenStateMachine.stop(m); // withRuntime's leak check fails if a timer is left
    }));
});

group("bad timeouts", () => {
  test("the constructors reject a time that is not a non-negative number or Infinity", () => {
    for (const t of [-1, Number.NaN, "10" as unknown as number]) {
      expect(() => eventTimeout(t)).toThrow(BadArgumentError);
      expect(() => stateTimeout(t)).toThrow(BadArgumentError);
      expect(() => genericTimeout("g", t)).toThrow(BadArgumentError);
    }
    expect(() => stateTimeout(-1)).toThrow(/got -1/);
    expect(() => stateTimeout(Infinity, "x", { abs: true })).toThrow(BadArgumentError);
    expect(() => stateTimeout(1, "x", { abs: "yes" as unknown as boolean })).toThrow(
      BadArgumentError,
    );
    expect(() => genericTimeout(Symbol("x") as unknown as string, 1)).toThrow(BadArgumentError);
    expect(() => cancelGenericTimeout((() => 1) as unknown as string)).toThrow(BadArgumentError);
    expect(stateTimeout(-5, "x", { abs: true })).toEqual({
      type: "stateTimeout",
      time: -5,
      content: "x",
      abs: true,
    });
  });

  test("a malformed timeout action makes the machine exit with bad_action_from_state_function", () =>
    withRuntime(async () => {
      trapExit(true);
      const bad: unknown[] = [
        -5,
        Number.NaN,
        { type: "stateTimeout", time: -1 },
        { type: "eventTimeout", time: "soon" },
        { type: "eventTimeout", time: 5, abs: "yes" },
        { type: "eventTimeout", time: Infinity, abs: true },
        { type: "genericTimeout", time: 5 },
        { type: "genericTimeout", name: () => 1, time: 5 },
        { type: "reply", from: "me", value: 1 },
        { type: "whatever" },
        "postpone",
        null,
      ];
      for (const action of bad) {
        const def = scripted([], () =>
          keepStateAndData(action as GenStateMachine.TransitionAction<AnyTypes>),
        );
        const m = await GenStateMachine.startLink(def, "s");
        GenStateMachine.cast(m, "go");
        expect(await exitReason(m)).toEqual({ bad_action_from_state_function: action });
      }
    }));
});
