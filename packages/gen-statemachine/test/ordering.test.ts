// State enter calls (items 9, 10), postpone (item 11) and inserted events (item 12).
import { Sys, sleep, spawn, trapExit } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { expect, describe as group, test } from "vitest";
import { exitReason, keep, scripted } from "./support.js";

const { nextState, keepState, keepStateAndData, repeatState, repeatStateAndData } =
  GenStateMachine.Result;
const { reply, nextEvent, postpone, stateTimeout, eventTimeout } = GenStateMachine.Action;

/** Casts each of `contents`, then waits until the machine has handled them. */
async function casts(m: GenStateMachine.Server, ...contents: string[]): Promise<void> {
  for (const c of contents) GenStateMachine.cast(m, c);
  await GenStateMachine.call(m, "sync");
}

group("state enter calls (item 9)", () => {
  test("after init, on real changes and on repeatState; not on keepState or nextState to the same state", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const def = scripted(
        seen,
        (event, state) => {
          if (event.type !== "cast") return keep(event);
          switch (event.content) {
            case "toB":
              return nextState("b", null);
            case "same":
              return nextState(state, null);
            case "keep":
              return keepState(null);
            case "repeat":
              return repeatState(null);
            case "repeatAndData":
              return repeatStateAndData();
            default:
              return keepStateAndData();
          }
        },
        { stateEnter: true },
      );
      const m = await GenStateMachine.start(def, "a");
      await casts(m, "same", "keep", "toB", "same", "keep", "repeat", "repeatAndData");
      expect(seen.filter((s) => s.includes(" enter "))).toEqual([
        'a enter "a"',
        'b enter "a"',
        'b enter "b"',
        'b enter "b"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("no enter calls without stateEnter", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const def = scripted(seen, (event) =>
        event.type === "cast" ? nextState(event.content === "x" ? "b" : "c", null) : keep(event),
      );
      const m = await GenStateMachine.start(def, "a");
      await casts(m, "x", "y");
      expect(seen).toEqual(['a cast "x"', 'b cast "y"', 'c call "sync"']);
      await GenStateMachine.stop(m);
    }));

  test("enter actions combine with the transition's: a reply in the transition, a state timeout in the enter call", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const def = scripted(
        seen,
        (event, state) => {
          if (event.type === "enter") {
            return state === "b"
              ? keepStateAndData(stateTimeout(100, "from-enter"))
              : keepStateAndData();
          }
          if (event.type === "call" && event.content === "go") {
            return nextState("b", null, reply(event.from, "going"));
          }
          return keep(event);
        },
        { stateEnter: true },
      );
      const m = await GenStateMachine.start(def, "a");
      const t0 = clock.now();
      expect(await GenStateMachine.call(m, "go")).toBe("going");
      await sleep(200);
      expect(seen).toContain('b stateTimeout "from-enter"');
      expect(clock.now() - t0).toBeGreaterThanOrEqual(100);
      await GenStateMachine.stop(m);
    }));
});

group("enter call restrictions (item 10)", () => {
  async function enterExit(
    onEnter: () => GenStateMachine.HandlerResult<import("./support.js").AnyTypes>,
  ): Promise<unknown> {
    trapExit(true);
    let first = true;
    const guarded = scripted(
      [],
      (event, state) => {
        if (event.type === "enter") {
          if (first) {
            first = false;
            return keepStateAndData();
          }
          return onEnter();
        }
        if (event.type === "cast") return nextState(state === "a" ? "b" : "a", null);
        return keep(event);
      },
      { stateEnter: true, init: () => GenStateMachine.Result.ok("a", null) },
    );
    const m = await GenStateMachine.startLink(guarded);
    GenStateMachine.cast(m, "go");
    return exitReason(m);
  }

  test("changing state in an enter call: bad_state_enter_return_from_state_function", () =>
    withRuntime(async () => {
      const result = nextState("elsewhere", null);
      expect(await enterExit(() => result)).toEqual({
        bad_state_enter_return_from_state_function: result,
      });
    }));

  test("postpone or nextEvent in an enter call: bad_state_enter_action_from_state_function", () =>
    withRuntime(async () => {
      expect(await enterExit(() => keepStateAndData(postpone()))).toEqual({
        bad_state_enter_action_from_state_function: { type: "postpone" },
      });
      const ne = nextEvent("internal", 1);
      expect(await enterExit(() => keepStateAndData([ne]))).toEqual({
        bad_state_enter_action_from_state_function: ne,
      });
    }));

  test("allowed: nextState to the same state, timeouts, replies; repeatState re-runs the enter call with the same old state", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      let enters = 0;
      const def = scripted(
        seen,
        (event, state) => {
          if (event.type === "enter") {
            enters++;
            if (state === "b" && enters === 2) return repeatState(null, eventTimeout(10, "e"));
            return nextState(state, null, stateTimeout(50, "s"));
          }
          if (event.type === "cast") return nextState("b", null);
          return keep(event);
        },
        { stateEnter: true },
      );
      const m = await GenStateMachine.start(def, "a");
      GenStateMachine.cast(m, "go");
      await sleep(100);
      expect(seen).toEqual([
        'a enter "a"',
        'a cast "go"',
        'b enter "a"', // repeatState with an event timeout…
        'b enter "a"', // …runs it again, with the same old state
        'b eventTimeout "e"',
        'b stateTimeout "s"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("replies are allowed in an enter call", () =>
    withRuntime(async () => {
      let pending: GenStateMachine.ReplyTo | undefined;
      const def = scripted(
        [],
        (event) => {
          if (event.type === "enter" && pending !== undefined) {
            const from = pending;
            pending = undefined;
            return keepStateAndData(reply(from, "from enter"));
          }
          if (event.type === "call") {
            pending = event.from;
            return nextState("b", null);
          }
          return keepStateAndData();
        },
        { stateEnter: true },
      );
      const m = await GenStateMachine.start(def, "a");
      expect(await GenStateMachine.call(m, "go")).toBe("from enter");
      await GenStateMachine.stop(m);
    }));
});

group("postpone (item 11)", () => {
  test("retried only after a real state change, oldest first, before newer events", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const def = scripted(
        seen,
        (event, state) => {
          if (event.type !== "cast") return keep(event);
          const c = event.content as string;
          if (state === "waiting") {
            if (c.startsWith("p")) return keepStateAndData(postpone());
            if (c === "keep") return keepState(null);
            if (c === "same") return nextState("waiting", null);
            if (c === "repeat") return repeatStateAndData();
            if (c === "connect") return nextState("connected", null);
          }
          return keepStateAndData();
        },
        { stateEnter: true },
      );
      const m = await GenStateMachine.start(def, "waiting");
      await casts(m, "p1", "p2", "keep", "same", "repeat");
      expect(seen.filter((s) => s.startsWith("connected"))).toEqual([]);
      await casts(m, "p3", "connect", "after");
      expect(seen.slice(seen.indexOf('waiting cast "connect"'))).toEqual([
        'waiting cast "connect"',
        'connected enter "waiting"',
        'connected cast "p1"',
        'connected cast "p2"',
        'connected cast "p3"',
        'connected cast "after"',
        'connected call "sync"',
      ]);
      // each postponed event was seen once in "waiting", plus once again after each
      // non-change (keep, same, repeat)? No: postponed events are not retried then.
      expect(seen.filter((s) => s === 'waiting cast "p1"')).toHaveLength(1);
      await GenStateMachine.stop(m);
    }));

  test("postponing and changing state at once retries the event in the new state at once", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const def = scripted(seen, (event, state) => {
        if (event.type === "cast" && state === "a") return nextState("b", null, postpone());
        return keep(event);
      });
      const m = await GenStateMachine.start(def, "a");
      await casts(m, "x", "y");
      expect(seen).toEqual(['a cast "x"', 'b cast "x"', 'b cast "y"', 'b call "sync"']);
      await GenStateMachine.stop(m);
    }));

  test("a call can be postponed and answered in the state that handles it", () =>
    withRuntime(async () => {
      const def = scripted([], (event, state) => {
        if (event.type === "call" && event.content === "ping") {
          return state === "wfor_conf"
            ? keepStateAndData(postpone())
            : keepStateAndData(reply(event.from, `pong from ${state as string}`));
        }
        if (event.type === "cast") return nextState("connected", null);
        return keep(event);
      });
      const m = await GenStateMachine.start(def, "wfor_conf");
      const ping = GenStateMachine.call(m, "ping");
      await sleep(10);
      GenStateMachine.cast(m, "confirm");
      expect(await ping).toBe("pong from connected");
      await GenStateMachine.stop(m);
    }));

  test("postponed events stay postponed across state changes that postpone them again", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const def = scripted(seen, (event, state) => {
        if (event.type !== "cast") return keep(event);
        if (event.content === "next") {
          return nextState(state === "a" ? "b" : state === "b" ? "c" : "c", null);
        }
        return state === "c" ? keepStateAndData() : keepStateAndData(postpone());
      });
      const m = await GenStateMachine.start(def, "a");
      await casts(m, "e1", "e2", "next", "next");
      expect(seen).toEqual([
        'a cast "e1"',
        'a cast "e2"',
        'a cast "next"',
        'b cast "e1"',
        'b cast "e2"',
        'b cast "next"',
        'c cast "e1"',
        'c cast "e2"',
        'c call "sync"',
      ]);
      await GenStateMachine.stop(m);
    }));
});

group("inserted events (item 12)", () => {
  test("next events come first, in action order, ahead of the mailbox", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const def = scripted(seen, (event) => {
        if (event.type === "cast" && event.content === "go") {
          return keepStateAndData([nextEvent("internal", 1), nextEvent("internal", 2)]);
        }
        if (event.type === "internal" && event.content === 1) {
          return keepStateAndData(nextEvent("internal", "1a"));
        }
        return keep(event);
      });
      const m = await GenStateMachine.start(def, "s");
      await casts(m, "go", "later");
      expect(seen).toEqual([
        's cast "go"',
        "s internal 1",
        's internal "1a"',
        "s internal 2",
        's cast "later"',
        's call "sync"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("on a state change: the new next events, then the retried postponed events, then the mailbox", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const def = scripted(seen, (event, state) => {
        if (event.type === "cast" && state === "start") {
          if (event.content === "ok1" || event.content === "ok2") {
            return keepStateAndData(postpone());
          }
          if (event.content === "go") {
            return nextState("next", null, [nextEvent("cast", "ok3"), nextEvent("cast", "ok4")]);
          }
        }
        return keep(event);
      });
      const m = await GenStateMachine.start(def, "start");
      await casts(m, "ok1", "ok2", "go", "ok5");
      expect(seen.filter((s) => s.startsWith("next"))).toEqual([
        'next cast "ok3"',
        'next cast "ok4"',
        'next cast "ok1"',
        'next cast "ok2"',
        'next cast "ok5"',
        'next call "sync"',
      ]);
      expect(await Sys.getState(m)).toEqual({ state: "next", data: null });
      await GenStateMachine.stop(m);
    }));
});

group("long runs of inserted events", () => {
  // On the BEAM (OTP 25) a gen_statem that inserts {next_event, internal, N + 1} 100,000
  // times handles them all before the next mailbox message, and other processes keep running.
  test("100,000 inserted events run to the end; other processes run meanwhile", () =>
    withRuntime(async () => {
      let step = 0;
      let otherSaw = -1;
      const seen: string[] = [];
      const def = scripted(seen, (event) => {
        if (event.type === "cast" && event.content === "go")
          return keepStateAndData(nextEvent("internal", 1));
        if (event.type === "internal") {
          step = event.content as number;
          seen.length = 0;
          // another process, ready to run from the first step on
          if (step === 1)
            spawn(() => {
              otherSaw = step;
            });
          return step < 100_000
            ? keepStateAndData(nextEvent("internal", step + 1))
            : keepStateAndData();
        }
        return keep(event);
      });
      const m = await GenStateMachine.startLink(def, "s");
      GenStateMachine.cast(m, "go");
      expect(await GenStateMachine.call(m, "sync")).toBe("ok");
      expect(step).toBe(100_000);
      expect(otherSaw).toBeGreaterThan(0);
      expect(otherSaw).toBeLessThan(100_000);
    }));
});
