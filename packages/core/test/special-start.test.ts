import {
  AlreadyStartedError,
  BadArgumentError,
  call,
  createRuntime,
  downFor,
  exit,
  InitError,
  type InitResult,
  isAlive,
  isCallRequest,
  isExit,
  monitor,
  type NameRegistry,
  NotInProcessError,
  type Pid,
  parentOf,
  receive,
  reply,
  self,
  send,
  sleep,
  spawn,
  spawnLink,
  startSpecial,
  trapExit,
  VirtualClock,
  via,
  whereis,
} from "@trellis/core";
import { assertNoLeaks, assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

/** A special process that answers every call with what `answer` returns and ignores the rest. */
function answering(answer: (request: unknown) => unknown = (r) => r): InitResult {
  return {
    type: "ok",
    process: {
      handleMessage(msg) {
        if (isCallRequest(msg)) reply(msg.from, answer(msg.request));
      },
    },
  };
}

/** A NameRegistry over a Map, as a user would write one. */
function mapRegistry(): NameRegistry<string> & { table: Map<string, Pid> } {
  const table = new Map<string, Pid>();
  return {
    table,
    registerName: (key, pid) => {
      if (table.has(key)) return false;
      table.set(key, pid);
      return true;
    },
    unregisterName: (key) => void table.delete(key),
    whereisName: (key) => table.get(key),
    send: (key, msg) => {
      const pid = table.get(key);
      if (pid === undefined) throw new Error(`no process named ${key}`);
      send(pid, msg);
    },
  };
}

/**
 * Resolves with the rejection of `p` (fails if it resolves). `probe` runs at the very moment
 * the awaiting code resumes, before any other queued job: what it sees is what a starter sees.
 */
async function rejection(p: Promise<unknown>, probe?: () => void): Promise<unknown> {
  let value: unknown;
  try {
    value = await p;
  } catch (e) {
    probe?.();
    return e;
  }
  throw new Error(`expected a rejection, got ${String(value)}`);
}

describe("startSpecial: init returns ok", () => {
  it("resolves with the pid of a running process that handles messages", () =>
    withRuntime(async ({ runtime }) => {
      const pid = await startSpecial(() => answering((r) => `echo ${String(r)}`), {
        behaviour: "Echo",
      });
      expect(pid).not.toBe("ignore");
      const server = pid as Pid;
      expect(isAlive(server)).toBe(true);
      expect(await call(server, "hi")).toBe("echo hi");
      const info = runtime.processInfo(server);
      expect(info?.behaviour).toBe("Echo");
      // an unlinked start has no parent (in OTP it is its own parent)
      expect(info?.parent).toBeUndefined();
      exit(server, "kill");
    }));

  it("runs init inside the new process, with its own pid", () =>
    withRuntime(async () => {
      const me = self();
      let seen: { arg: Pid; self: Pid } | undefined;
      const pid = await startSpecial((arg) => {
        seen = { arg, self: self() };
        expect(self()).not.toBe(me);
        return answering();
      });
      expect(seen?.arg).toBe(pid);
      expect(seen?.self).toBe(pid);
      exit(pid as Pid, "kill");
    }));

  it("waits for an asynchronous init before resolving", () =>
    withRuntime(async ({ clock }) => {
      const pid = await startSpecial(async () => {
        await sleep(1_000);
        return answering();
      });
      expect(clock.now()).toBe(1_000);
      expect(await call(pid as Pid, 7)).toBe(7);
      exit(pid as Pid, "kill");
    }));

  it("runs continue before any queued message, including one init sent to itself", () =>
    withRuntime(async () => {
      const log: string[] = [];
      const pid = await startSpecial((me) => {
        send(me, "from init");
        return {
          type: "ok",
          process: {
            handleMessage(msg) {
              log.push(String(msg));
            },
          },
          continue: async () => {
            await sleep(500);
            log.push("continue");
          },
        };
      });
      // sent while continue is still sleeping: must wait for it
      send(pid as Pid, "from test");
      await sleep(1_000);
      expect(log).toEqual(["continue", "from init", "from test"]);
      exit(pid as Pid, "kill");
    }));

  it("crashes the process when continue throws", () =>
    withRuntime(async ({ logs }) => {
      const boom = new Error("continue failed");
      const pid = (await startSpecial(() => ({
        ...answering(),
        continue: () => {
          throw boom;
        },
      }))) as Pid;
      const ref = monitor(pid);
      const down = await assertReceive(downFor(ref));
      expect(down.reason).toBe(boom);
      expect(logs.some((r) => r.kind === "crash" && r.reason === boom)).toBe(true);
    }));
});

describe("startSpecial: init does not return ok", () => {
  it("ignore resolves with 'ignore' and the process has exited normal by then", () =>
    withRuntime(async () => {
      const test = self();
      let child: Pid | undefined;
      const result = await startSpecial((me) => {
        child = me;
        monitorFromTest(test, me);
        return { type: "ignore" };
      });
      expect(result).toBe("ignore");
      expect(isAlive(child as Pid)).toBe(false);
      const down = await assertReceive((m): m is { down: unknown } => isDownNote(m));
      expect(down.down).toBe("normal");
    }));

  it.each([
    ["stop", "boom"],
    ["error", { bad: "config" }],
    ["stop", "normal"],
  ] as const)(
    "%s rejects with an InitError carrying the reason (%j), the process exits with it",
    (type, reason) =>
      withRuntime(async () => {
        const test = self();
        let child: Pid | undefined;
        let aliveAtReturn: boolean | undefined;
        const err = await rejection(
          startSpecial((me) => {
            child = me;
            monitorFromTest(test, me);
            return { type, reason };
          }),
          () => (aliveAtReturn = isAlive(child as Pid)),
        );
        expect(err).toBeInstanceOf(InitError);
        expect((err as InitError).reason).toEqual(reason);
        // synchronous failure: the process is gone when the start returns
        expect(aliveAtReturn).toBe(false);
        const down = await assertReceive((m): m is { down: unknown } => isDownNote(m));
        expect(down.down).toEqual(reason);
      }),
  );

  it("init throwing rejects with an InitError whose reason is the Error", () =>
    withRuntime(async ({ logs }) => {
      const boom = new Error("init exploded");
      let child: Pid | undefined;
      let aliveAtReturn: boolean | undefined;
      const err = await rejection(
        startSpecial((me) => {
          child = me;
          throw boom;
        }),
        () => (aliveAtReturn = isAlive(child as Pid)),
      );
      expect(err).toBeInstanceOf(InitError);
      expect((err as InitError).reason).toBe(boom);
      expect((err as InitError).cause).toBe(boom);
      expect(aliveAtReturn).toBe(false);
      expect(logs.filter((r) => r.kind === "crash").map((r) => r.reason)).toEqual([boom]);
    }));

  it("init rejecting asynchronously is the same as throwing", () =>
    withRuntime(async () => {
      const boom = new Error("later");
      const err = await rejection(
        startSpecial(async () => {
          await sleep(10);
          throw boom;
        }),
      );
      expect((err as InitError).reason).toBe(boom);
    }));

  it("init calling exit(reason) rejects with that reason", () =>
    withRuntime(async () => {
      const err = await rejection(startSpecial(() => exit({ shutdown: "no config" })));
      expect(err).toBeInstanceOf(InitError);
      expect((err as InitError).reason).toEqual({ shutdown: "no config" });
    }));

  it.each([
    ["undefined", undefined],
    ["a string", "ok"],
    ["an unknown type", { type: "okay" }],
    ["ok without a process", { type: "ok" }],
    ["ok with a process lacking handleMessage", { type: "ok", process: {} }],
  ])("an invalid result (%s) rejects with {bad_return_value}", (_what, value) =>
    withRuntime(async () => {
      let child: Pid | undefined;
      let aliveAtReturn: boolean | undefined;
      const err = await rejection(
        startSpecial((me) => {
          child = me;
          return value as unknown as InitResult;
        }),
        () => (aliveAtReturn = isAlive(child as Pid)),
      );
      expect(err).toBeInstanceOf(InitError);
      expect((err as InitError).reason).toEqual({ bad_return_value: value });
      expect(aliveAtReturn).toBe(false);
    }),
  );
});

/** From inside init: makes process `to` get `{ down: reason }` when `pid` exits. */
function monitorFromTest(to: Pid, pid: Pid): void {
  spawn(async () => {
    const ref = monitor(pid);
    const down = await receive(downFor(ref));
    send(to, { down: down.reason });
  });
}
function isDownNote(m: unknown): m is { down: unknown } {
  return typeof m === "object" && m !== null && "down" in m;
}

describe("startSpecial: names", () => {
  it("registers a local name before init runs and frees it when the process dies", () =>
    withRuntime(async () => {
      let duringInit: Pid | undefined;
      const pid = (await startSpecial(
        () => {
          duringInit = whereis("cache");
          return answering();
        },
        { name: "cache" },
      )) as Pid;
      expect(duringInit).toBe(pid);
      expect(whereis("cache")).toBe(pid);
      expect(await call("cache", "by name")).toBe("by name");
      const ref = monitor(pid);
      exit(pid, "kill");
      await assertReceive(downFor(ref));
      expect(whereis("cache")).toBeUndefined();
    }));

  it("a taken local name rejects with AlreadyStartedError carrying the holder; init does not run", () =>
    withRuntime(async () => {
      const holder = (await startSpecial(() => answering(), { name: "cache" })) as Pid;
      let ran = false;
      let second: Pid | undefined;
      const err = await rejection(
        startSpecial(
          (me) => {
            second = me;
            ran = true;
            return answering();
          },
          { name: "cache" },
        ),
      );
      expect(err).toBeInstanceOf(AlreadyStartedError);
      expect((err as AlreadyStartedError).pid).toBe(holder);
      expect((err as AlreadyStartedError).processName).toBe("cache");
      expect(ran).toBe(false);
      expect(second).toBeUndefined();
      expect(whereis("cache")).toBe(holder);
      exit(holder, "kill");
    }));

  it("a failed init frees the name before the start returns, so a restart can take it", () =>
    withRuntime(async () => {
      let holderAtReturn: Pid | undefined = self();
      await rejection(
        startSpecial(() => ({ type: "stop", reason: "boom" }), { name: "svc" }),
        () => {
          holderAtReturn = whereis("svc");
        },
      );
      expect(holderAtReturn).toBeUndefined();
      const pid = (await startSpecial(() => answering(), { name: "svc" })) as Pid;
      expect(whereis("svc")).toBe(pid);
      exit(pid, "kill");
    }));

  it("registers a via name before init and unregisters it when the process dies", () =>
    withRuntime(async () => {
      const registry = mapRegistry();
      const name = via(registry, "worker-1");
      let duringInit: Pid | undefined;
      const pid = (await startSpecial(
        () => {
          duringInit = registry.table.get("worker-1");
          return answering();
        },
        { name },
      )) as Pid;
      expect(duringInit).toBe(pid);
      expect(whereis(name)).toBe(pid);
      expect(await call(name, "via")).toBe("via");
      const ref = monitor(pid);
      exit(pid, "shutdown");
      await assertReceive(downFor(ref));
      expect(registry.table.has("worker-1")).toBe(false);
    }));

  it("a taken via name rejects with AlreadyStartedError carrying the holder", () =>
    withRuntime(async () => {
      const registry = mapRegistry();
      const name = via(registry, "k");
      const holder = (await startSpecial(() => answering(), { name })) as Pid;
      const err = await rejection(startSpecial(() => answering(), { name }));
      expect(err).toBeInstanceOf(AlreadyStartedError);
      expect((err as AlreadyStartedError).pid).toBe(holder);
      // the loser must not unregister the winner
      expect(registry.table.get("k")).toBe(holder);
      exit(holder, "kill");
    }));

  it("a failed init unregisters the via name before the start returns", () =>
    withRuntime(async () => {
      const registry = mapRegistry();
      let sizeAtReturn: number | undefined;
      await rejection(
        startSpecial(() => ({ type: "error", reason: "nope" }), { name: via(registry, "x") }),
        () => (sizeAtReturn = registry.table.size),
      );
      expect(sizeAtReturn).toBe(0);
    }));

  it.each([
    ["an empty string", ""],
    ['"undefined"', "undefined"],
    ["a number", 42],
    ["an object that is not a via name", { key: "x" }],
  ])("a bad name (%s) throws BadArgumentError", (_what, name) =>
    withRuntime(async ({ runtime }) => {
      expect(() => startSpecial(() => answering(), { name: name as unknown as string })).toThrow(
        BadArgumentError,
      );
      expect(runtime.processes()).toEqual([self()]);
    }),
  );

  it("a non-function init or a bad timeout throws BadArgumentError", () =>
    withRuntime(async () => {
      expect(() => startSpecial(42 as unknown as () => InitResult)).toThrow(BadArgumentError);
      expect(() => startSpecial(() => answering(), { timeout: -1 })).toThrow(BadArgumentError);
      expect(() => startSpecial(() => answering(), { timeout: Number.NaN })).toThrow(
        BadArgumentError,
      );
    }));
});

describe("startSpecial: start timeout", () => {
  it("rejects with InitError('timeout') after the timeout and kills the process", () =>
    withRuntime(async ({ clock, runtime }) => {
      let child: Pid | undefined;
      let atReturn: { alive: boolean; name: Pid | undefined } | undefined;
      const err = await rejection(
        startSpecial(
          async (me) => {
            child = me;
            await sleep(60_000);
            return answering();
          },
          { timeout: 1_000, name: "slow" },
        ),
        () => (atReturn = { alive: isAlive(child as Pid), name: whereis("slow") }),
      );
      expect(err).toBeInstanceOf(InitError);
      expect((err as InitError).reason).toBe("timeout");
      expect(clock.now()).toBe(1_000);
      expect(atReturn).toEqual({ alive: false, name: undefined });
      expect(runtime.pendingTimers()).toBe(0);
    }));

  it("an init that finishes in time cancels the start timer", () =>
    withRuntime(async ({ runtime }) => {
      const pid = (await startSpecial(
        async () => {
          await sleep(999);
          return answering();
        },
        { timeout: 1_000 },
      )) as Pid;
      expect(runtime.pendingTimers()).toBe(0);
      await sleep(5_000);
      expect(isAlive(pid)).toBe(true);
      exit(pid, "kill");
    }));

  it("a timed-out linked start does not take the caller down", () =>
    withRuntime(async () => {
      const err = await rejection(
        startSpecial(() => new Promise<InitResult>(() => {}), { timeout: 10, link: true }),
      );
      expect((err as InitError).reason).toBe("timeout");
      expect(isAlive(self())).toBe(true);
    }));
});

describe("startSpecial: link and parent", () => {
  it("link: true links the new process to the caller; the default does not", () =>
    withRuntime(async ({ runtime }) => {
      const linked = (await startSpecial(() => answering(), { link: true })) as Pid;
      const unlinked = (await startSpecial(() => answering())) as Pid;
      expect(runtime.processInfo(linked)?.links).toEqual([self()]);
      expect(runtime.processInfo(self())?.links).toContain(linked);
      expect(runtime.processInfo(unlinked)?.links).toEqual([]);
      trapExit(true);
      exit(linked, "boom");
      const msg = await assertReceive(isExit);
      expect(msg.from).toBe(linked);
      expect(msg.reason).toBe("boom");
      exit(unlinked, "kill");
    }));

  it("a linked start that fails does not kill a non-trapping caller", () =>
    withRuntime(async () => {
      for (const init of [
        (): InitResult => ({ type: "stop", reason: "boom" }),
        (): InitResult => ({ type: "error", reason: "boom" }),
        (): InitResult => {
          throw new Error("boom");
        },
        (): InitResult => "garbage" as unknown as InitResult,
      ]) {
        const err = await rejection(startSpecial(init, { link: true }));
        expect(err).toBeInstanceOf(InitError);
      }
      await refuteReceive();
      expect(isAlive(self())).toBe(true);
    }));

  it("a process killed during init fails the start with its exit reason, not the caller", () =>
    withRuntime(async () => {
      let child: Pid | undefined;
      const start = startSpecial(
        async (me) => {
          child = me;
          await sleep(1_000);
          return answering();
        },
        { link: true },
      );
      spawn(async () => {
        await sleep(10);
        exit(child as Pid, "kill");
      });
      const err = await rejection(start);
      expect(err).toBeInstanceOf(InitError);
      expect((err as InitError).reason).toBe("killed");
      expect(isAlive(self())).toBe(true);
    }));

  it("a linked start that fails leaves no EXIT message for a trapping caller", () =>
    withRuntime(async () => {
      trapExit(true);
      await rejection(startSpecial(() => ({ type: "stop", reason: "boom" }), { link: true }));
      await rejection(
        startSpecial(
          () => {
            throw new Error("crash");
          },
          { link: true },
        ),
      );
      const holder = (await startSpecial(() => answering(), { name: "n" })) as Pid;
      await rejection(startSpecial(() => answering(), { name: "n", link: true }));
      expect(await startSpecial(() => ({ type: "ignore" }), { link: true })).toBe("ignore");
      await refuteReceive();
      exit(holder, "kill");
    }));

  it("the parent's exit signal reaches handleParentExit when the process traps exits", () =>
    withRuntime(async () => {
      const test = self();
      trapExit(true); // the child is linked to us and will exit with "shutdown"
      const pid = (await startSpecial(
        () => {
          trapExit(true);
          return {
            type: "ok",
            process: {
              handleMessage(msg) {
                send(test, { handled: msg });
              },
              handleParentExit(reason) {
                send(test, { parentExit: reason });
                exit("shutdown");
              },
            },
          };
        },
        { link: true },
      )) as Pid;
      expect(parentOf(pid)).toBe(test);
      const ref = monitor(pid);
      exit(pid, "shutdown");
      const note = await assertReceive(
        (m): m is { parentExit: unknown } =>
          typeof m === "object" && m !== null && "parentExit" in m,
      );
      expect(note.parentExit).toBe("shutdown");
      expect((await assertReceive(downFor(ref))).reason).toBe("shutdown");
      await refuteReceive((m) => typeof m === "object" && m !== null && "handled" in m);
    }));

  it("without handleParentExit, the parent's exit signal makes it exit with that reason", () =>
    withRuntime(async () => {
      trapExit(true);
      const pid = (await startSpecial(
        () => {
          trapExit(true);
          return answering();
        },
        { link: true },
      )) as Pid;
      const ref = monitor(pid);
      exit(pid, { shutdown: "stop now" });
      expect((await assertReceive(downFor(ref))).reason).toEqual({ shutdown: "stop now" });
    }));

  it("an unlinked start has no parent: an EXIT from its starter reaches handleMessage", () =>
    withRuntime(async () => {
      const test = self();
      const pid = (await startSpecial(() => {
        trapExit(true);
        return {
          type: "ok",
          process: {
            handleMessage(msg) {
              send(test, { handled: msg });
            },
            handleParentExit() {
              send(test, "wrong: parent exit");
            },
          },
        };
      })) as Pid;
      expect(parentOf(pid)).toBeUndefined();
      exit(pid, "shutdown");
      const note = await assertReceive(
        (m): m is { handled: unknown } => typeof m === "object" && m !== null && "handled" in m,
      );
      expect(note.handled).toMatchObject({ from: test, reason: "shutdown" });
      await refuteReceive((m) => m === "wrong: parent exit");
      exit(pid, "kill");
    }));

  it("an EXIT from a process other than the parent reaches handleMessage", () =>
    withRuntime(async () => {
      const test = self();
      const pid = (await startSpecial(() => {
        trapExit(true);
        return {
          type: "ok",
          process: {
            handleMessage(msg) {
              if (isCallRequest(msg)) {
                const worker = spawnLink(async () => exit("worker done"));
                reply(msg.from, worker);
              } else send(test, { handled: msg });
            },
            handleParentExit() {
              send(test, "wrong: parent exit");
            },
          },
        };
      })) as Pid;
      const worker = await call<Pid>(pid, "spawn a worker");
      const note = await assertReceive(
        (m): m is { handled: unknown } => typeof m === "object" && m !== null && "handled" in m,
      );
      expect(isExit(note.handled)).toBe(true);
      expect(note.handled).toMatchObject({ from: worker, reason: "worker done" });
      // exit(pid, reason) from a third process is an EXIT from a non-parent as well
      const stranger = spawn(() => exit(pid, "from a stranger"));
      const note2 = await assertReceive(
        (m): m is { handled: unknown } => typeof m === "object" && m !== null && "handled" in m,
      );
      expect(note2.handled).toMatchObject({ from: stranger, reason: "from a stranger" });
      await refuteReceive((m) => m === "wrong: parent exit");
      exit(pid, "kill");
    }));
});

describe("startSpecial outside process code", () => {
  it("startLink (link: true) outside a process is rejected with NotInProcessError", async () => {
    const runtime = createRuntime({ clock: new VirtualClock() });
    expect(() => startSpecial(() => answering(), { link: true, runtime })).toThrow(
      NotInProcessError,
    );
    expect(runtime.processes()).toEqual([]);
    await runtime.shutdown();
  });

  it("start (no link) works outside a process, in the given runtime, with no parent", async () => {
    const clock = new VirtualClock();
    const runtime = createRuntime({ clock, logger: { log() {} } });
    const pid = (await startSpecial(() => answering(), { runtime, name: "outside" })) as Pid;
    expect(runtime.whereis("outside")).toBe(pid);
    expect(runtime.processInfo(pid)?.parent).toBeUndefined();
    expect(await call(pid, "from outside")).toBe("from outside");
    const err = await rejection(startSpecial(() => ({ type: "stop", reason: "no" }), { runtime }));
    expect((err as InitError).reason).toBe("no");
    runtime.exit(pid, "kill");
    await clock.settle();
    assertNoLeaks(runtime);
    await runtime.shutdown();
  });
});
