// Starting: init results (item 1), names and start_monitor (item 2), init actions (item 18).
import {
  AlreadyStartedError,
  BadArgumentError,
  exit,
  formatReason,
  InitError,
  isAlive,
  isDown,
  isExit,
  NotInProcessError,
  type Pid,
  receive,
  self,
  send,
  sleep,
  trapExit,
  whereis,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { expect, describe as group, test } from "vitest";
import { type AnyTypes, exitReason, keep, type Started, scripted } from "./support.js";

const { ok, ignore, stop, error, keepStateAndData } = GenStateMachine.Result;
const { nextEvent, stateTimeout, postpone } = GenStateMachine.Action;

function withInit(init: (arg: unknown) => unknown) {
  return GenStateMachine.define({
    types: {} as AnyTypes,
    callbackMode: "handleEvent",
    init: init as (arg: unknown) => GenStateMachine.InitResult<AnyTypes>,
    handleEvent: (event) => keep(event),
  }) as GenStateMachine.Definition<AnyTypes, unknown, Started>;
}

async function initFailure(p: Promise<unknown>): Promise<unknown> {
  const err = await p.then(
    () => {
      throw new Error("the start should have failed");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InitError);
  return (err as InitError).reason;
}

group("start results (item 1)", () => {
  test("ok resolves with the pid of a running machine", () =>
    withRuntime(async () => {
      const m = await GenStateMachine.start(withInit(() => ok("idle", 1)));
      expect(isAlive(m)).toBe(true);
      expect(await GenStateMachine.call(m, "x")).toBe("ok");
      await GenStateMachine.stop(m);
    }));

  test("ignore resolves with 'ignore' and the process exits normal", () =>
    withRuntime(async () => {
      trapExit(true);
      const r = await GenStateMachine.startLink(
        withInit(() => ignore()),
        undefined,
        {
          name: "ignored",
        },
      );
      expect(r).toBe("ignore");
      expect(whereis("ignored")).toBeUndefined();
      await refuteReceive(isExit);
    }));

  test("stop(R) and error(R) reject with an InitError carrying R", () =>
    withRuntime(async () => {
      expect(await initFailure(GenStateMachine.start(withInit(() => stop("no"))))).toBe("no");
      expect(await initFailure(GenStateMachine.start(withInit(() => error({ bad: 1 }))))).toEqual({
        bad: 1,
      });
    }));

  test("an invalid init result rejects with { bad_return_from_init: value }", () =>
    withRuntime(async () => {
      for (const bad of [42, null, { type: "nextState", state: "a", data: 1 }, { type: "ok" }]) {
        expect(await initFailure(GenStateMachine.start(withInit(() => bad)))).toEqual({
          bad_return_from_init: bad,
        });
      }
      // stop with data is a state function result, not an init result
      const withData = { type: "stop", reason: "r", data: 1 };
      expect(await initFailure(GenStateMachine.start(withInit(() => withData)))).toEqual({
        bad_return_from_init: withData,
      });
    }));

  test("init throwing or exiting rejects with the reason itself (no stack wrapping)", () =>
    withRuntime(async () => {
      const boom = new Error("boom");
      expect(
        await initFailure(
          GenStateMachine.start(
            withInit(() => {
              throw boom;
            }),
          ),
        ),
      ).toBe(boom);
      expect(
        await initFailure(GenStateMachine.start(withInit(() => exit({ shutdown: "not today" })))),
      ).toEqual({ shutdown: "not today" });
      expect(await initFailure(GenStateMachine.start(withInit(() => Promise.reject(boom))))).toBe(
        boom,
      );
    }));

  test("the timeout option: an init that takes too long rejects with 'timeout'", () =>
    withRuntime(async () => {
      const slow = withInit(async () => {
        await sleep(10_000);
        return ok("idle", null);
      });
      expect(await initFailure(GenStateMachine.start(slow, undefined, { timeout: 100 }))).toBe(
        "timeout",
      );
      const m = await GenStateMachine.start(slow, undefined, { timeout: 20_000 });
      await GenStateMachine.stop(m);
    }));

  test("a failed startLink does not kill the caller", () =>
    withRuntime(async () => {
      expect(await initFailure(GenStateMachine.startLink(withInit(() => stop("nope"))))).toBe(
        "nope",
      );
      await refuteReceive();
    }));

  test("bad arguments reject with a BadArgumentError", () =>
    withRuntime(async () => {
      const def = withInit(() => ok("a", 1));
      await expect(GenStateMachine.start({} as typeof def, undefined)).rejects.toBeInstanceOf(
        BadArgumentError,
      );
      await expect(GenStateMachine.start(def, undefined, { name: "" })).rejects.toBeInstanceOf(
        BadArgumentError,
      );
      await expect(GenStateMachine.start(def, undefined, { timeout: -1 })).rejects.toBeInstanceOf(
        BadArgumentError,
      );
    }));

  test("startLink outside process code rejects with NotInProcessError", async () => {
    await expect(GenStateMachine.startLink(withInit(() => ok("a", 1)))).rejects.toBeInstanceOf(
      NotInProcessError,
    );
  });
});

group("names, links and monitors (item 2)", () => {
  test("a local name: registered before init, freed on exit; a second start gets already_started", () =>
    withRuntime(async () => {
      let seenName: Pid | undefined;
      const def = withInit(() => {
        seenName = whereis("door");
        return ok("locked", null);
      });
      const m = await GenStateMachine.start(def, undefined, { name: "door" });
      expect(seenName).toBe(m);
      expect(GenStateMachine.whereis("door")).toBe(m);
      const err = await GenStateMachine.start(def, undefined, { name: "door" }).catch((e) => e);
      expect(err).toBeInstanceOf(AlreadyStartedError);
      expect((err as AlreadyStartedError).pid).toBe(m);
      expect(await GenStateMachine.call("door", "hello")).toBe("ok");
      await GenStateMachine.stop("door");
      expect(whereis("door")).toBeUndefined();
    }));

  test("a via name", () =>
    withRuntime(async () => {
      const names = new Map<unknown, Pid>();
      const registry = {
        registerName: (k: unknown, p: Pid) => {
          if (names.has(k)) return false;
          names.set(k, p);
          return true;
        },
        unregisterName: (k: unknown) => void names.delete(k),
        whereisName: (k: unknown) => names.get(k),
        send: (k: unknown, msg: unknown) => {
          const p = names.get(k);
          if (p !== undefined) send(p, msg);
        },
      };
      const { via } = await import("@trellis/core");
      const name = via(registry, "door-1");
      const m = await GenStateMachine.start(
        withInit(() => ok("locked", null)),
        undefined,
        {
          name,
        },
      );
      expect(names.get("door-1")).toBe(m);
      expect(await GenStateMachine.call(name, "x")).toBe("ok");
      await GenStateMachine.stop(name);
      expect(names.has("door-1")).toBe(false);
    }));

  test("startLink links: a crash reaches a trapping caller", () =>
    withRuntime(async () => {
      trapExit(true);
      const m = await GenStateMachine.startLink(withInit(() => ok("a", null)));
      GenStateMachine.cast(m, "anything");
      await GenStateMachine.stop(m, "boom");
      expect(await exitReason(m)).toBe("boom");
    }));

  test("startMonitor resolves with [pid, ref]; the DOWN comes when the machine exits", () =>
    withRuntime(async () => {
      const [m, ref] = await GenStateMachine.startMonitor(withInit(() => ok("a", null)));
      expect(isAlive(m)).toBe(true);
      await GenStateMachine.stop(m, { shutdown: "bye" });
      const down = await assertReceive(isDown);
      expect(down.ref).toBe(ref);
      expect(down.reason).toEqual({ shutdown: "bye" });
      expect(await GenStateMachine.startMonitor(withInit(() => ignore()))).toBe("ignore");
      await expect(GenStateMachine.startMonitor(withInit(() => stop("x")))).rejects.toBeInstanceOf(
        InitError,
      );
      await refuteReceive(isDown);
    }));
});

group("init actions (item 18)", () => {
  test("init's next events come first, after the enter call, before waiting messages", () =>
    withRuntime(async () => {
      const seen: string[] = [];
      const def = scripted(seen, keep, {
        stateEnter: true,
        init: () => ok("s0", null, [nextEvent("internal", 1), nextEvent("internal", 2)]),
      });
      const m = await GenStateMachine.start(def);
      GenStateMachine.cast(m, "c");
      await GenStateMachine.call(m, "sync");
      expect(seen).toEqual([
        's0 enter "s0"',
        "s0 internal 1",
        "s0 internal 2",
        's0 cast "c"',
        's0 call "sync"',
      ]);
      await GenStateMachine.stop(m);
    }));

  test("init may set timeouts; postpone is ignored there", () =>
    withRuntime(async ({ clock }) => {
      const seen: string[] = [];
      const t0 = clock.now();
      let firedAt = -1;
      const def = scripted(
        seen,
        (event) => {
          if (event.type === "stateTimeout") firedAt = clock.now();
          return keep(event);
        },
        { init: () => ok("s0", null, [postpone(), stateTimeout(500, "init-timer")]) },
      );
      const m = await GenStateMachine.start(def);
      await sleep(1000);
      expect(seen).toEqual(['s0 stateTimeout "init-timer"']);
      expect(firedAt - t0).toBe(500);
      await GenStateMachine.stop(m);
    }));

  test("a bad action in init makes the machine exit after the start succeeded", () =>
    withRuntime(async () => {
      trapExit(true);
      const def = withInit(() => ok("a", null, { type: "dance" }));
      const m = await GenStateMachine.startLink(def);
      expect(await exitReason(m)).toEqual({ bad_action_from_state_function: { type: "dance" } });
    }));

  test("an async init", () =>
    withRuntime(async () => {
      const def = withInit(async () => {
        await sleep(10);
        return ok("ready", null, nextEvent("internal", "go"));
      });
      const m = await GenStateMachine.start(def);
      expect(await GenStateMachine.call(m, "x")).toBe("ok");
      await GenStateMachine.stop(m);
    }));

  test("init runs in the new process", () =>
    withRuntime(async () => {
      const me = self();
      const def = withInit(() => {
        send(me, { initIn: self() });
        return ok("a", null);
      });
      const m = await GenStateMachine.start(def);
      const msg = await receive<{ initIn: Pid }>();
      expect(msg.initIn).toBe(m);
      await GenStateMachine.stop(m);
      void keepStateAndData;
    }));
});

group("definition names (readable default child ids)", () => {
  test("a definition reads as its name, given or numbered", () => {
    const unnamed = scripted([], keep);
    expect(unnamed.name).toMatch(/^GenStateMachine#\d+$/);
    expect(formatReason({ id: unnamed })).toBe(`{"id":"${unnamed.name}"}`);
    const named = GenStateMachine.define(
      {
        types: {} as AnyTypes,
        callbackMode: "handleEvent",
        init: () => GenStateMachine.Result.ok("s", null),
        handleEvent: () => GenStateMachine.Result.keepStateAndData(),
      },
      { name: "DoorLock" },
    );
    expect(named.name).toBe("DoorLock");
    expect(String(named)).toBe("DoorLock");
    expect(formatReason(named)).toBe('"DoorLock"');
  });
});
