import {
  abortSignal,
  BadArgumentError,
  createRuntime,
  downFor,
  ExitError,
  exit,
  exitFrom,
  getProcessData,
  isAlive,
  isExit,
  link,
  monitor,
  type Pid,
  ProcessExitedError,
  putProcessData,
  readTimer,
  receive,
  register,
  self,
  send,
  sendAfter,
  sleep,
  spawn,
  spawnLink,
  startSpecial,
  trapExit,
  whereis,
} from "@trellis/core";
import { assertNoLeaks, assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

const waitForever = (): Promise<unknown> => receive(() => false);

describe("crash reports", () => {
  it("errors and throws are logged with the pid, name and reason; exit(reason) is not", () =>
    withRuntime(async ({ logs }) => {
      const err = new Error("kaboom");
      const [a, b, c] = [
        spawn(async () => {
          register("crasher", self());
          await receive();
          throw err;
        }),
        spawn(() => exit("boom")),
        spawn(() => {
          throw 7;
        }),
      ];
      const refs = [monitor(a), monitor(b), monitor(c)];
      await sleep(1);
      send(a, "go");
      const downs = [];
      for (const ref of refs) downs.push(await assertReceive(downFor(ref)));
      // b exited with "boom" (its DOWN says so) but, as on the BEAM (`spawn(fn -> exit(:boom)
      // end)` logs nothing, `raise`/`throw` log "Process … raised an exception"), a plain
      // process's exit(reason) is no crash.
      expect(downs.map((d) => d.reason)).toEqual([err, "boom", { nocatch: 7 }]);
      expect(logs.length).toBe(2);
      const byPid = new Map(logs.map((r) => [r.pid, r]));
      expect(byPid.get(a)).toMatchObject({ kind: "crash", pid: a, name: "crasher", reason: err });
      expect(byPid.get(a)?.message).toMatch(/crasher.*kaboom/);
      expect(byPid.has(b)).toBe(false);
      expect(byPid.get(c)).toMatchObject({ kind: "crash", reason: { nocatch: 7 } });
    }));

  it("a special process's exit(reason) is still reported (proc_lib's crash report)", () =>
    withRuntime(async ({ logs }) => {
      const pid = await startSpecial(() => ({
        type: "ok",
        process: {
          handleMessage: () => {
            throw new ExitError("bad_state");
          },
        },
      }));
      const ref = monitor(pid);
      send(pid, "go");
      await assertReceive(downFor(ref));
      expect(logs).toEqual([expect.objectContaining({ kind: "crash", pid, reason: "bad_state" })]);
    }));

  it("normal, shutdown and { shutdown } exits are not logged", () =>
    withRuntime(async ({ logs }) => {
      const bodies = [
        () => undefined,
        async () => "returned",
        () => exit("normal"),
        () => exit("shutdown"),
        () => exit({ shutdown: { detail: 1 } }),
        () => Promise.reject(new ExitError("shutdown")),
      ];
      const refs = bodies.map((body) => monitor(spawn(body)));
      const reasons = [];
      for (const ref of refs) reasons.push((await assertReceive(downFor(ref))).reason);
      expect(reasons).toEqual([
        "normal",
        "normal",
        "normal",
        "shutdown",
        { shutdown: { detail: 1 } },
        "shutdown",
      ]);
      expect(logs).toEqual([]);
    }));

  it("a process killed by an exit signal is not a crash and is not logged", () =>
    withRuntime(async ({ logs }) => {
      const a = spawn(waitForever);
      const b = spawn(waitForever);
      const refs = [monitor(a), monitor(b)];
      exit(a, "kill");
      exit(b, "some reason");
      for (const ref of refs) await assertReceive(downFor(ref));
      expect(logs).toEqual([]);
    }));
});

describe("rejected promises", () => {
  it("a rejected promise crashes only its own process", () =>
    withRuntime(async () => {
      const me = self();
      const bystander = spawn(async () => {
        await receive((m) => m === "ping");
        send(me, "pong");
        await waitForever();
      });
      const err = new Error("rejected");
      const victim = spawn(async () => {
        await sleep(5);
        await Promise.reject(err);
      });
      const ref = monitor(victim);
      expect((await assertReceive(downFor(ref))).reason).toBe(err);
      send(bystander, "ping");
      await assertReceive((m) => m === "pong");
      expect(isAlive(bystander)).toBe(true);
      expect(isAlive(me)).toBe(true);
      exit(bystander, "kill");
    }));
});

describe("killed while awaiting", () => {
  it("a process awaiting a promise that never settles is gone at once when killed", () =>
    withRuntime(async ({ runtime, logs }) => {
      const me = self();
      trapExit(true);
      let signal: AbortSignal | undefined;
      const victim = spawnLink(async () => {
        register("victim", self());
        signal = abortSignal();
        sendAfter(self(), "never delivered", 10_000);
        send(me, "parked");
        await new Promise(() => {});
      });
      await assertReceive((m) => m === "parked");
      const ref = monitor(victim);
      const timer = sendAfter(victim, "also dropped", 500);
      expect(runtime.pendingTimers()).toBe(2);
      expect(whereis("victim")).toBe(victim);
      expect(signal?.aborted).toBe(false);

      exit(victim, "kill");

      // synchronously: no longer a process, name freed, timers gone, signal aborted
      expect(runtime.processes()).toEqual([me]);
      expect(isAlive(victim)).toBe(false);
      expect(runtime.processInfo(victim)).toBeUndefined();
      expect(whereis("victim")).toBeUndefined();
      expect(readTimer(timer)).toBe(false);
      expect(runtime.pendingTimers()).toBe(0);
      expect(signal?.aborted).toBe(true);
      expect(signal?.reason).toBeInstanceOf(ExitError);
      expect((signal?.reason as ExitError | undefined)?.reason).toBe("killed");
      // the link and the monitor fire
      expect((await assertReceive(exitFrom(victim))).reason).toBe("killed");
      expect((await assertReceive(downFor(ref))).reason).toBe("killed");
      expect(logs).toEqual([]);
    }));

  it("the abort signal fires for every exit reason, also a normal return", () =>
    withRuntime(async () => {
      const seen: unknown[] = [];
      const ref = monitor(
        spawn(async () => {
          abortSignal().addEventListener("abort", function (this: AbortSignal) {
            seen.push((this.reason as ExitError).reason);
          });
          await sleep(1);
        }),
      );
      await assertReceive(downFor(ref));
      expect(seen).toEqual(["normal"]);
    }));

  it("a leftover continuation of a killed process can no longer act", () =>
    withRuntime(async ({ runtime }) => {
      const me = self();
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const outcome: Record<string, unknown> = {};
      let finished!: () => void;
      const done = new Promise<void>((r) => {
        finished = r;
      });
      const victim = spawn(async () => {
        send(me, "parked");
        await gate;
        const attempt = (what: string, fn: () => unknown): void => {
          try {
            outcome[what] = fn();
          } catch (e) {
            outcome[what] = e;
          }
        };
        attempt("send", () => send(me, "from the dead"));
        attempt("spawn", () => spawn(() => send(me, "child of the dead")));
        attempt("spawnLink", () => spawnLink(waitForever));
        attempt("link", () => link(me));
        attempt("register", () => register("zombie", me));
        attempt("sendAfter", () => sendAfter(me, "late", 10));
        attempt("monitor", () => monitor(me));
        attempt("receive", () => receive());
        finished();
      });
      await assertReceive((m) => m === "parked");
      exit(victim, "kill");
      release();
      await done;
      for (const what of [
        "send",
        "spawn",
        "spawnLink",
        "link",
        "register",
        "sendAfter",
        "monitor",
        "receive",
      ]) {
        expect(outcome[what], what).toBeInstanceOf(ProcessExitedError);
        expect((outcome[what] as ProcessExitedError).reason, what).toBe("killed");
      }
      await refuteReceive();
      expect(runtime.processes()).toEqual([me]);
      expect(whereis("zombie")).toBeUndefined();
      expect(runtime.processInfo(me)?.links).toEqual([]);
      expect(runtime.pendingTimers()).toBe(0);
    }));
});

describe("processInfo", () => {
  it("reports status, queue length, links, monitors, trapExit and reductions", () =>
    withRuntime(async ({ runtime }) => {
      const me = self();
      const worker = spawn(async () => {
        for (;;) {
          const m = await receive();
          if (m === "stop") return;
        }
      });
      // not run yet
      expect(runtime.processInfo(worker)?.status).toBe("runnable");
      await sleep(1);
      const idle = runtime.processInfo(worker);
      expect(idle?.status).toBe("waiting");
      expect(idle?.reductions).toBe(0);
      expect(idle?.trapExit).toBe(false);
      expect(idle?.pid).toBe(worker);

      link(worker);
      const ref = monitor(worker);
      const mine = runtime.processInfo(me);
      expect(mine?.status).toBe("running");
      expect(mine?.links).toEqual([worker]);
      expect(mine?.monitors).toEqual([{ ref, pid: worker }]);
      expect(mine?.monitoredBy).toEqual([]);
      const theirs = runtime.processInfo(worker);
      expect(theirs?.links).toEqual([me]);
      expect(theirs?.monitoredBy).toEqual([me]);
      expect(theirs?.monitors).toEqual([]);
      expect(theirs?.registeredName).toBeUndefined();
      expect(theirs?.behaviour).toBeUndefined();

      send(worker, "a");
      send(worker, "b");
      send(worker, "c");
      expect(runtime.processInfo(worker)?.status).toBe("runnable");
      expect(runtime.processInfo(worker)?.messageQueueLength).toBe(3);
      await sleep(1);
      const after = runtime.processInfo(worker);
      expect(after?.messageQueueLength).toBe(0);
      expect(after?.reductions).toBe(3);
      expect(after?.status).toBe("waiting");

      send(me, "x");
      send(me, "y");
      expect(runtime.processInfo(me)?.messageQueueLength).toBe(2);
      trapExit(true);
      expect(runtime.processInfo(me)?.trapExit).toBe(true);
      await receive();
      await receive();

      send(worker, "stop");
      expect((await assertReceive(downFor(ref))).reason).toBe("normal");
      expect(runtime.processInfo(worker)).toBeUndefined();
      expect(runtime.processInfo(me)?.links).toEqual([]);
      expect(runtime.processInfo(me)?.monitors).toEqual([]);
      await assertReceive(exitFrom(worker));
    }));

  it("a process awaiting something other than receive is busy", () =>
    withRuntime(async ({ runtime }) => {
      let release!: () => void;
      const pid = spawn(async () => {
        await new Promise<void>((r) => {
          release = r;
        });
      });
      await sleep(1);
      expect(runtime.processInfo(pid)?.status).toBe("busy");
      const ref = monitor(pid);
      release();
      await assertReceive(downFor(ref));
    }));
});

describe("processes()", () => {
  it("lists the live processes, oldest first", () =>
    withRuntime(async ({ runtime }) => {
      const me = self();
      const a = spawn(waitForever);
      const b = spawn(() => undefined);
      const c = spawn(waitForever);
      expect(runtime.processes()).toEqual([me, a, b, c]);
      await sleep(1);
      expect(runtime.processes()).toEqual([me, a, c]);
      exit(a, "kill");
      exit(c, "kill");
      expect(runtime.processes()).toEqual([me]);
    }));
});

describe("runtime.run", () => {
  it("resolves with what the function returns, and the process is gone", () =>
    withRuntime(async ({ runtime }) => {
      const value = await runtime.run(async () => {
        send(self(), 21);
        return ((await receive()) as number) * 2;
      });
      expect(value).toBe(42);
      expect(runtime.processes()).toEqual([self()]);
      expect(await runtime.run(() => "sync")).toBe("sync");
    }));

  it("rejects with the thrown error when the function crashes", () =>
    withRuntime(async ({ runtime, logs }) => {
      const err = new Error("run failed");
      await expect(
        runtime.run(async () => {
          await sleep(5);
          throw err;
        }),
      ).rejects.toBe(err);
      expect(logs.map((r) => r.reason)).toEqual([err]);
    }));

  it("rejects with an ExitError carrying the reason when the process is killed", () =>
    withRuntime(async ({ runtime }) => {
      const me = self();
      const running = runtime.run(async () => {
        send(me, self());
        await waitForever();
      });
      const pid = (await receive()) as Pid;
      exit(pid, "kill");
      const err = await running.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ExitError);
      expect((err as ExitError).reason).toBe("killed");
    }));

  it("rejects with the ExitError of exit(reason)", () =>
    withRuntime(async ({ runtime }) => {
      const err = await runtime
        .run(() => exit({ shutdown: "early" }))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(ExitError);
      expect((err as ExitError).reason).toEqual({ shutdown: "early" });
    }));

  it("works from outside any process on a runtime of its own", async () => {
    const rt = createRuntime({ clock: "virtual" });
    try {
      const now = await rt.run(async () => {
        await sleep(1000);
        return rt.now();
      });
      expect(now).toBe(1000);
      assertNoLeaks(rt);
    } finally {
      await rt.shutdown();
    }
  });
});

describe("fairness", () => {
  interface Progress {
    count: number;
    /** Called by the pinging process after each round trip, in process code. */
    onCount?: (count: number) => void;
  }

  /**
   * Two processes, linked to the caller, exchanging `n` messages in total; both end
   * normally and the caller then receives "done".
   */
  function pingPong(n: number, progress: Progress): void {
    const me = self();
    const pong = spawnLink(async () => {
      for (;;) {
        const [from, i] = (await receive()) as [Pid, number];
        send(from, i + 1);
        if (i + 1 >= n) return;
      }
    });
    spawnLink(async () => {
      send(pong, [self(), 1]);
      for (;;) {
        const i = (await receive()) as number;
        progress.count = i;
        progress.onCount?.(i);
        if (i >= n) {
          send(me, "done");
          return;
        }
        send(pong, [self(), i + 1]);
      }
    });
  }

  it(
    "a ping-pong of 1M messages does not starve a third process, the host or its messages",
    () =>
      withRuntime(async ({ runtime }) => {
        const n = 1_000_000;
        let thirdSawCount = -1;
        let hostSawCount = -1;
        let wokenSawCount = -1;
        let third: Pid | undefined;
        const progress: Progress = {
          count: 0,
          onCount: (i) => {
            if (i !== 1000) return;
            // the exchange is under way: a new process becomes runnable
            third = spawn(async () => {
              thirdSawCount = progress.count;
              await receive((m) => m === "wake");
              wokenSawCount = progress.count;
            });
          },
        };
        // a host callback that wakes the third process with a message, once it exists
        let finished = false;
        const poll = (): void => {
          if (finished) return;
          if (third === undefined || thirdSawCount < 0) {
            setImmediate(poll);
            return;
          }
          hostSawCount = progress.count;
          runtime.send(third, "wake");
        };
        setImmediate(poll);
        pingPong(n, progress);
        await assertReceive((m) => m === "done", { timeout: Number.POSITIVE_INFINITY });
        finished = true;
        expect(progress.count).toBe(n);
        expect(thirdSawCount).toBeGreaterThanOrEqual(1000);
        expect(thirdSawCount).toBeLessThan(n);
        expect(hostSawCount).toBeGreaterThanOrEqual(thirdSawCount);
        expect(hostSawCount).toBeLessThan(n);
        expect(wokenSawCount).toBeGreaterThanOrEqual(hostSawCount);
        expect(wokenSawCount).toBeLessThan(n);
      }),
    30_000,
  );

  it(
    "a timer of a third process fires during a long exchange (real clock)",
    () =>
      withRuntime(async () => {
        const rt = createRuntime({ clock: "real" });
        try {
          const n = 400_000;
          const result = await rt.run(async () => {
            const progress: Progress = { count: 0 };
            let timerSawCount = -1;
            spawnLink(async () => {
              sendAfter(self(), "tick", 1);
              await receive((m) => m === "tick");
              timerSawCount = progress.count;
            });
            pingPong(n, progress);
            await receive((m) => m === "done");
            return { timerSawCount, final: progress.count };
          });
          expect(result.final).toBe(n);
          expect(result.timerSawCount).toBeGreaterThanOrEqual(0);
          expect(result.timerSawCount).toBeLessThan(n);
          assertNoLeaks(rt);
        } finally {
          await rt.shutdown();
        }
      }),
    30_000,
  );

  it(
    "a busy exchange yields to the event loop",
    () =>
      withRuntime(async () => {
        const progress: Progress = { count: 0 };
        let ticks = 0;
        let running = true;
        const tick = (): void => {
          if (!running) return;
          ticks++;
          setImmediate(tick);
        };
        setImmediate(tick);
        pingPong(200_000, progress);
        await assertReceive((m) => m === "done", { timeout: Number.POSITIVE_INFINITY });
        running = false;
        expect(progress.count).toBe(200_000);
        expect(ticks).toBeGreaterThan(0);
      }),
    30_000,
  );
});

describe("killing processes that have not run yet", () => {
  it("survivors run after their queue neighbours are killed before running", () =>
    withRuntime(async () => {
      const me = self();
      const pids: Pid[] = [];
      for (let i = 0; i < 20; i++)
        pids.push(
          spawn(async () => {
            send(me, i);
            await receive();
          }),
        );
      pids.forEach((p, i) => {
        if (i % 2 === 0) exit(p, "kill");
      });
      const got: number[] = [];
      for (let k = 0; k < 10; k++)
        got.push(await assertReceive((m): m is number => typeof m === "number"));
      expect(got.sort((a, b) => a - b)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
      await refuteReceive();
      for (const p of pids) exit(p, "kill");
    }));

  it("every child that linked before dying sends its EXIT", () =>
    withRuntime(async () => {
      const me = self();
      trapExit(true);
      const pids: Pid[] = [];
      for (let i = 0; i < 20; i++)
        pids.push(
          spawn(async () => {
            link(me);
            send(me, "linked");
            await receive();
          }),
        );
      for (let i = 0; i < 20; i++) await assertReceive((m) => m === "linked");
      for (const p of pids) exit(p, "kill");
      for (let i = 0; i < 20; i++) expect((await assertReceive(isExit)).reason).toBe("killed");
    }));
});

describe("the process dictionary", () => {
  it("putProcessData returns the previous value; undefined removes; processInfo shows it", () =>
    withRuntime(async ({ runtime }) => {
      expect(putProcessData("request", "r-1")).toBeUndefined();
      expect(putProcessData("request", "r-2")).toBe("r-1");
      expect(getProcessData("request")).toBe("r-2");
      expect(runtime.processInfo(self())?.dictionary).toEqual({ request: "r-2" });
      expect(putProcessData("request", undefined)).toBe("r-2");
      expect(runtime.processInfo(self())?.dictionary).toEqual({});
    }));

  it("getProcessData reads another process's dictionary; a dead one has none", () =>
    withRuntime(async () => {
      const me = self();
      const pid = spawn(async () => {
        putProcessData("role", "worker");
        send(me, "ready");
        await receive();
      });
      await assertReceive((m) => m === "ready");
      expect(getProcessData("role", pid)).toBe("worker");
      exit(pid, "kill");
      expect(getProcessData("role", pid)).toBeUndefined();
      expect(() => putProcessData(42 as unknown as string, 1)).toThrow(BadArgumentError);
    }));
});
