import {
  addExitHook,
  BadArgumentError,
  CallError,
  CallTimeoutError,
  call,
  cast,
  downFor,
  exit,
  isAlive,
  isCallRequest,
  isCastRequest,
  isDown,
  isExit,
  monitor,
  NoProcessError,
  NotInProcessError,
  type Pid,
  type ProcessStatus,
  parentOf,
  receive,
  reply,
  type SpecialProcess,
  Sys,
  self,
  send,
  setMessageHandler,
  sleep,
  spawn,
  spawnLink,
  startSpecial,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

interface Counter {
  count: number;
  seen: unknown[];
}

/**
 * A counter special process: casts `n` add n (a cast `{ slow: n }` takes 100 ms), calls get
 * the state; getState/replaceState expose it.
 */
async function counter(
  options: { name?: string; formatStatus?: boolean; replaceable?: boolean } = {},
): Promise<Pid> {
  let state: Counter = { count: 0, seen: [] };
  const sp: SpecialProcess = {
    async handleMessage(msg) {
      if (isCastRequest(msg)) {
        const req = msg.request as number | { slow: number };
        if (typeof req === "number") {
          state = { count: state.count + req, seen: [...state.seen, req] };
        } else {
          await sleep(100);
          state = { count: state.count + req.slow, seen: [...state.seen, req] };
        }
      } else if (isCallRequest(msg)) reply(msg.from, state);
    },
    getState: () => state,
  };
  if (options.replaceable !== false) {
    sp.replaceState = (fn) => {
      state = fn(state) as Counter;
      return state;
    };
  }
  if (options.formatStatus === true) sp.formatStatus = () => ({ count: state.count });
  const pid = await startSpecial(() => ({ type: "ok", process: sp }), {
    behaviour: "Counter",
    ...(options.name === undefined ? {} : { name: options.name }),
  });
  return pid as Pid;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await p;
  } catch (e) {
    return e;
  }
  throw new Error(`expected a rejection, got ${String(value)}`);
}

describe("Sys.getState and Sys.replaceState", () => {
  it("reads and replaces the state, by pid or by name", () =>
    withRuntime(async () => {
      const pid = await counter({ name: "counter" });
      cast(pid, 5);
      expect(await Sys.getState(pid)).toEqual({ count: 5, seen: [5] });
      const replaced = await Sys.replaceState("counter", (s) => ({
        ...(s as Counter),
        count: 100,
      }));
      expect(replaced).toEqual({ count: 100, seen: [5] });
      cast(pid, 1);
      expect(await call(pid, "get")).toEqual({ count: 101, seen: [5, 1] });
      expect(await Sys.getState("counter")).toEqual({ count: 101, seen: [5, 1] });
      exit(pid, "kill");
    }));

  it("a throwing fn leaves the state unchanged and rejects; the process keeps running", () =>
    withRuntime(async () => {
      const pid = await counter();
      cast(pid, 3);
      const oops = new Error("bad update");
      const err = await rejection(
        Sys.replaceState(pid, () => {
          throw oops;
        }),
      );
      expect(err).toBeInstanceOf(CallError);
      expect((err as CallError).reason).toEqual({ callback_failed: oops });
      expect((err as CallError).operation.module).toBe("sys");
      expect(await Sys.getState(pid)).toEqual({ count: 3, seen: [3] });
      cast(pid, 1);
      expect(await call(pid, "get")).toEqual({ count: 4, seen: [3, 1] });
      exit(pid, "kill");
    }));

  it("a process without replaceState rejects replaceState; a bad fn is rejected", () =>
    withRuntime(async () => {
      const pid = await counter({ replaceable: false });
      const err = await rejection(Sys.replaceState(pid, (s) => s));
      expect((err as CallError).reason).toEqual({
        callback_failed: expect.any(BadArgumentError),
      });
      await expect(Sys.replaceState(pid, 42 as unknown as () => unknown)).rejects.toBeInstanceOf(
        BadArgumentError,
      );
      exit(pid, "kill");
    }));

  it("a process without getState reports undefined", () =>
    withRuntime(async () => {
      const pid = (await startSpecial(() => ({
        type: "ok",
        process: { handleMessage() {} },
      }))) as Pid;
      expect(await Sys.getState(pid)).toBeUndefined();
      exit(pid, "kill");
    }));

  it("a dead target rejects with NoProcessError; a plain process makes it time out", () =>
    withRuntime(async ({ clock }) => {
      await expect(Sys.getState("nobody")).rejects.toBeInstanceOf(NoProcessError);
      const plain = spawn(() => receive(() => false));
      const err = await rejection(Sys.getState(plain, 300));
      expect(err).toBeInstanceOf(CallTimeoutError);
      expect((err as CallTimeoutError).operation).toEqual({
        module: "sys",
        function: "get_state",
        args: [plain, 300],
      });
      expect(clock.now()).toBe(300);
      exit(plain, "kill");
    }));
});

describe("Sys.getStatus", () => {
  it("describes the process", () =>
    withRuntime(async () => {
      const pid = await counter({ name: "c" });
      cast(pid, 2);
      const status: ProcessStatus = await Sys.getStatus(pid);
      expect(status).toEqual({
        pid,
        status: "running",
        behaviour: "Counter",
        parent: undefined, // unlinked: no parent
        name: "c",
        messageQueueLength: 0,
        state: { count: 2, seen: [2] },
      });
      expect(parentOf(pid)).toBeUndefined();
      exit(pid, "kill");
    }));

  it("shows what formatStatus returns as the state", () =>
    withRuntime(async () => {
      const pid = await counter({ formatStatus: true });
      cast(pid, 7);
      expect((await Sys.getStatus(pid)).state).toEqual({ count: 7 });
      exit(pid, "kill");
    }));
});

describe("Sys.suspend and Sys.resume", () => {
  it("while suspended, ordinary messages stay queued and calls time out; resume handles them in order", () =>
    withRuntime(async ({ clock }) => {
      const pid = await counter();
      await Sys.suspend(pid);
      cast(pid, 1);
      cast(pid, 2);
      const t0 = clock.now();
      await expect(call(pid, "get", { timeout: 1_000 })).rejects.toBeInstanceOf(CallTimeoutError);
      expect(clock.now() - t0).toBe(1_000);
      cast(pid, 3);
      const status = await Sys.getStatus(pid);
      expect(status.status).toBe("suspended");
      // the two casts, the timed-out call and the third cast
      expect(status.messageQueueLength).toBe(4);
      expect(await Sys.getState(pid)).toEqual({ count: 0, seen: [] });
      // replaceState works while suspended
      await Sys.replaceState(pid, (s) => ({ ...(s as Counter), count: 10 }));
      await Sys.resume(pid);
      expect(await call(pid, "get")).toEqual({ count: 16, seen: [1, 2, 3] });
      expect((await Sys.getStatus(pid)).status).toBe("running");
      // the late reply to the timed-out call never shows up
      await refuteReceive();
      exit(pid, "kill");
    }));

  it("resume on a running process and a second suspend are harmless", () =>
    withRuntime(async () => {
      const pid = await counter();
      await Sys.resume(pid);
      await Sys.suspend(pid);
      await Sys.suspend(pid);
      cast(pid, 1);
      await Sys.resume(pid);
      expect(await call(pid, "get")).toEqual({ count: 1, seen: [1] });
      exit(pid, "kill");
    }));

  it("a suspended process still obeys its parent's exit signal", () =>
    withRuntime(async () => {
      trapExit(true);
      const pid = (await startSpecial(
        () => {
          trapExit(true);
          return { type: "ok", process: { handleMessage() {} } };
        },
        { link: true },
      )) as Pid;
      await Sys.suspend(pid);
      const ref = monitor(pid);
      exit(pid, "shutdown");
      expect((await assertReceive(downFor(ref))).reason).toBe("shutdown");
    }));

  it("a suspended process can be killed; pending system calls fail", () =>
    withRuntime(async () => {
      const pid = await counter();
      await Sys.suspend(pid);
      const ref = monitor(pid);
      exit(pid, "kill");
      expect((await assertReceive(downFor(ref))).reason).toBe("killed");
      await expect(Sys.resume(pid)).rejects.toBeInstanceOf(NoProcessError);
    }));
});

describe("system messages are handled between callbacks, in mailbox order", () => {
  it("a getState queued between two casts sees the first only", () =>
    withRuntime(async () => {
      const pid = await counter();
      await Sys.suspend(pid); // hold the mailbox so that all three are queued together
      cast(pid, 1);
      const resumed = Sys.resume(pid);
      const between = Sys.getState(pid);
      cast(pid, 2);
      await resumed;
      expect(await between).toEqual({ count: 1, seen: [1] });
      expect(await Sys.getState(pid)).toEqual({ count: 3, seen: [1, 2] });
      exit(pid, "kill");
    }));

  it("waits for an asynchronous callback to finish", () =>
    withRuntime(async ({ clock }) => {
      const pid = await counter();
      cast(pid, { slow: 5 });
      const state = await Sys.getState(pid);
      expect(state).toEqual({ count: 5, seen: [{ slow: 5 }] });
      expect(clock.now()).toBe(100);
      exit(pid, "kill");
    }));

  it("never reaches handleMessage", () =>
    withRuntime(async () => {
      const seen: unknown[] = [];
      const pid = (await startSpecial(() => ({
        type: "ok",
        process: {
          handleMessage(msg) {
            seen.push(msg);
          },
          getState: () => "s",
        },
      }))) as Pid;
      await Sys.getState(pid);
      await Sys.getStatus(pid);
      await Sys.suspend(pid);
      await Sys.resume(pid);
      send(pid, "user");
      await Sys.getState(pid);
      expect(seen).toEqual(["user"]);
      exit(pid, "kill");
    }));
});

describe("setMessageHandler", () => {
  it("calls the handler once per message, in order, also for messages queued before", () =>
    withRuntime(async () => {
      const test = self();
      const seen: unknown[] = [];
      const pid = spawn(async () => {
        await receive((m) => m === "go");
        setMessageHandler((msg) => {
          seen.push(msg);
          if (msg === "done") send(test, [...seen]);
        });
      });
      send(pid, "early");
      send(pid, "go");
      for (let i = 0; i < 500; i++) send(pid, i);
      send(pid, "done");
      const all = await assertReceive(Array.isArray);
      expect(all).toEqual(["early", ...Array.from({ length: 500 }, (_, i) => i), "done"]);
      expect(seen.length).toBe(502);
      exit(pid, "kill");
    }));

  it("keeps the process alive after its function returns", () =>
    withRuntime(async () => {
      const pid = spawn(() => setMessageHandler(() => {}));
      await sleep(1_000);
      expect(isAlive(pid)).toBe(true);
      exit(pid, "kill");
    }));

  it("a handler returning a promise blocks the next message until it settles", () =>
    withRuntime(async ({ clock }) => {
      const test = self();
      const log: string[] = [];
      const pid = spawn(() =>
        setMessageHandler(async (msg) => {
          log.push(`start ${String(msg)} @${clock.now()}`);
          await sleep(100);
          log.push(`end ${String(msg)} @${clock.now()}`);
          if (msg === "b") send(test, "finished");
        }),
      );
      send(pid, "a");
      send(pid, "b");
      await assertReceive((m) => m === "finished", { timeout: 1_000 });
      expect(log).toEqual(["start a @0", "end a @100", "start b @100", "end b @200"]);
      exit(pid, "kill");
    }));

  it("a handler that throws crashes the process with the error", () =>
    withRuntime(async ({ logs }) => {
      const boom = new Error("handler threw");
      const after: unknown[] = [];
      const pid = spawn(() =>
        setMessageHandler((msg) => {
          if (msg === "bad") throw boom;
          after.push(msg);
        }),
      );
      const ref = monitor(pid);
      send(pid, "bad");
      send(pid, "never handled");
      expect((await assertReceive(downFor(ref))).reason).toBe(boom);
      expect(after).toEqual([]);
      expect(logs.some((r) => r.kind === "crash" && r.reason === boom)).toBe(true);
    }));

  it("a handler whose promise rejects crashes the process with the error", () =>
    withRuntime(async () => {
      const boom = new Error("async handler failed");
      const pid = spawn(() =>
        setMessageHandler(async () => {
          await sleep(10);
          throw boom;
        }),
      );
      const ref = monitor(pid);
      send(pid, "x");
      expect((await assertReceive(downFor(ref))).reason).toBe(boom);
    }));

  it("can be replaced from inside the handler", () =>
    withRuntime(async () => {
      const test = self();
      const pid = spawn(() =>
        setMessageHandler((first) => {
          send(test, ["first", first]);
          setMessageHandler((msg) => void send(test, ["second", msg]));
        }),
      );
      send(pid, 1);
      send(pid, 2);
      send(pid, 3);
      expect(await receive()).toEqual(["first", 1]);
      expect(await receive()).toEqual(["second", 2]);
      expect(await receive()).toEqual(["second", 3]);
      exit(pid, "kill");
    }));

  it("rejects use outside a process and non-functions", () =>
    withRuntime(async () => {
      expect(() => setMessageHandler("nope" as unknown as () => void)).toThrow(BadArgumentError);
      await Promise.resolve();
    }).then(() => {
      expect(() => setMessageHandler(() => {})).toThrow(NotInProcessError);
    }));
});

describe("addExitHook", () => {
  it("runs before monitors fire: what the hook sends arrives before the DOWN", () =>
    withRuntime(async () => {
      const test = self();
      const pid = spawn(() => receive());
      addExitHook(pid, (reason) => {
        send(test, { hook: reason });
      });
      const ref = monitor(pid);
      exit(pid, "kill");
      const first = await receive();
      expect(first).toEqual({ hook: "killed" });
      const second = await receive();
      expect(isDown(second) && second.ref === ref).toBe(true);
    }));

  it("runs before links fire: what the hook sends arrives before the EXIT", () =>
    withRuntime(async () => {
      trapExit(true);
      const test = self();
      const pid = spawnLink(async () => {
        await receive((m) => m === "stop");
        throw new Error("stopping");
      });
      addExitHook(pid, () => void send(test, "from the hook"));
      send(pid, "stop");
      expect(await receive()).toBe("from the hook");
      const msg = await receive();
      expect(isExit(msg) && msg.from === pid).toBe(true);
    }));

  it("can send from a process that exits on its own", () =>
    withRuntime(async () => {
      const test = self();
      const normal = spawn(async () => {
        await receive();
      });
      const crashing = spawn(() =>
        setMessageHandler(() => {
          throw new Error("bye");
        }),
      );
      const exiting = spawn(async () => {
        await receive();
        exit("done");
      });
      // killed by a signal it sends itself, synchronously, from its own code
      const selfKilled = spawn(async () => {
        await receive();
        exit(self(), "kill");
      });
      for (const pid of [normal, crashing, exiting, selfKilled]) {
        addExitHook(pid, (reason) => void send(test, { from: pid, reason }));
        monitor(pid);
        send(pid, "go");
      }
      const notes: unknown[] = [];
      for (let i = 0; i < 4; i++) {
        notes.push(await assertReceive((m) => typeof m === "object" && m !== null && "from" in m));
      }
      const byPid = (n: unknown): number => (n as { from: Pid }).from.id;
      expect(notes.sort((a, b) => byPid(a) - byPid(b))).toEqual([
        { from: normal, reason: "normal" },
        { from: crashing, reason: expect.any(Error) },
        { from: exiting, reason: "done" },
        { from: selfKilled, reason: "killed" },
      ]);
      for (let i = 0; i < 4; i++) await assertReceive(isDown);
    }));

  it("the remover takes the hook off", () =>
    withRuntime(async () => {
      const calls: string[] = [];
      const pid = spawn(() => receive());
      const removeA = addExitHook(pid, () => calls.push("a"));
      addExitHook(pid, () => calls.push("b"));
      removeA();
      removeA(); // twice is harmless
      const ref = monitor(pid);
      exit(pid, "kill");
      await receive(downFor(ref));
      expect(calls).toEqual(["b"]);
    }));

  it("a throwing hook is reported and does not stop the others or the signals", () =>
    withRuntime(async ({ logs }) => {
      const calls: string[] = [];
      const pid = spawn(() => receive());
      addExitHook(pid, () => {
        throw new Error("hook failed");
      });
      addExitHook(pid, () => calls.push("second"));
      const ref = monitor(pid);
      exit(pid, "kill");
      expect((await receive(downFor(ref))).reason).toBe("killed");
      expect(calls).toEqual(["second"]);
      expect(logs.some((r) => r.kind === "error" && /hook failed/.test(r.message))).toBe(true);
    }));

  it("refuses a dead pid", () =>
    withRuntime(async () => {
      const pid = spawn(() => {});
      await sleep(1);
      expect(() => addExitHook(pid, () => {})).toThrow(BadArgumentError);
    }));
});

describe("Sys.terminate", () => {
  const stoppable = (test: Pid, terminate?: (reason: unknown) => void | Promise<void>) =>
    startSpecial(
      () => ({
        type: "ok",
        process: {
          handleMessage() {},
          handleStop(reason) {
            send(test, { terminating: reason });
            return terminate?.(reason);
          },
        },
      }),
      { name: "stoppable" },
    ) as Promise<Pid>;

  it("runs terminate, then resolves once the process is gone with that reason", () =>
    withRuntime(async ({ runtime }) => {
      const pid = await stoppable(self());
      const ref = monitor(pid);
      await Sys.terminate(pid, { shutdown: "maintenance" });
      expect(isAlive(pid)).toBe(false);
      expect(runtime.whereis("stoppable")).toBeUndefined();
      expect(await assertReceive()).toEqual({ terminating: { shutdown: "maintenance" } });
      expect((await assertReceive(downFor(ref))).reason).toEqual({ shutdown: "maintenance" });
    }));

  it("defaults to reason normal and waits for an async terminate", () =>
    withRuntime(async ({ clock }) => {
      const pid = await stoppable(self(), () => sleep(250));
      const ref = monitor(pid);
      const t0 = clock.now();
      await Sys.terminate(pid);
      expect(clock.now() - t0).toBe(250);
      expect((await assertReceive(downFor(ref))).reason).toBe("normal");
    }));

  it("works while the process is suspended", () =>
    withRuntime(async () => {
      const pid = await stoppable(self());
      await Sys.suspend(pid);
      await Sys.terminate(pid, "shutdown");
      expect(isAlive(pid)).toBe(false);
    }));

  it("rejects with the crash reason when terminate throws, and with NoProcessError for a dead process", () =>
    withRuntime(async ({ logs }) => {
      const boom = new Error("terminate failed");
      const pid = await stoppable(self(), () => {
        throw boom;
      });
      const err = await Sys.terminate(pid).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallError);
      expect((err as CallError).reason).toBe(boom);
      expect(logs.some((r) => r.kind === "crash" && r.reason === boom)).toBe(true);
      await expect(Sys.terminate(pid)).rejects.toBeInstanceOf(NoProcessError);
    }));
});
