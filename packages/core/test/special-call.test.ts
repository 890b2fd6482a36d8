import {
  BadArgumentError,
  CallError,
  CallingSelfError,
  CallRequest,
  CallTimeoutError,
  CastRequest,
  call,
  cast,
  createRuntime,
  downFor,
  exit,
  From,
  isAlive,
  isCallRequest,
  isCastRequest,
  monitor,
  type NameRegistry,
  NoProcessError,
  type Pid,
  receive,
  register,
  reply,
  request,
  self,
  send,
  sleep,
  spawn,
  startSpecial,
  VirtualClock,
  via,
} from "@trellis/core";
import { assertNoLeaks, assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

type OnCall = (request: unknown, from: From) => void;

/** Starts a special process that hands every call to `onCall` and forwards casts and other messages to `notify`. */
async function server(onCall: OnCall, notify?: Pid, name?: string): Promise<Pid> {
  const pid = await startSpecial(
    () => ({
      type: "ok",
      process: {
        handleMessage(msg) {
          if (isCallRequest(msg)) onCall(msg.request, msg.from);
          else if (notify !== undefined) send(notify, { got: msg });
        },
      },
    }),
    name === undefined ? {} : { name },
  );
  return pid as Pid;
}

const echo: OnCall = (req, from) => reply(from, req);

/** Resolves with the rejection of `p`; fails if it resolves. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await p;
  } catch (e) {
    return e;
  }
  throw new Error(`expected a rejection, got ${String(value)}`);
}

function isNote(m: unknown): m is { got: unknown } {
  return typeof m === "object" && m !== null && "got" in m;
}

describe("call and reply", () => {
  it("resolves with the reply and hands the server a CallRequest with a From", () =>
    withRuntime(async () => {
      let seen: { from: From; request: unknown } | undefined;
      const pid = await server((req, from) => {
        seen = { from, request: req };
        reply(from, { doubled: (req as number) * 2 });
      });
      expect(await call(pid, 21)).toEqual({ doubled: 42 });
      expect(seen?.request).toBe(21);
      expect(seen?.from).toBeInstanceOf(From);
      expect(seen?.from.pid).toBe(self());
      exit(pid, "kill");
    }));

  it("calls by registered name and by via name", () =>
    withRuntime(async () => {
      const pid = await server(echo, undefined, "echo");
      expect(await call("echo", "by name")).toBe("by name");
      const table = new Map<string, Pid>([["e", pid]]);
      const registry: NameRegistry<string> = {
        registerName: () => false,
        unregisterName: () => {},
        whereisName: (k) => table.get(k),
        send: (k, m) => void send(table.get(k) as Pid, m),
      };
      expect(await call(via(registry, "e"), "by via")).toBe("by via");
      exit(pid, "kill");
    }));

  it("the reply does not go through the caller's mailbox", () =>
    withRuntime(async () => {
      const pid = await server(echo);
      send(self(), "already here");
      expect(await call(pid, "x")).toBe("x");
      expect(await receive()).toBe("already here");
      await refuteReceive();
      exit(pid, "kill");
    }));

  it("the default timeout is 5000 ms: a server that never replies makes the call reject then", () =>
    withRuntime(async ({ clock }) => {
      const pid = await server(() => {});
      const start = clock.now();
      const err = await rejection(call(pid, "hello?", { module: "GenServer" }));
      expect(err).toBeInstanceOf(CallTimeoutError);
      expect(err).toBeInstanceOf(CallError);
      expect((err as CallTimeoutError).reason).toBe("timeout");
      expect((err as CallTimeoutError).operation).toEqual({
        module: "GenServer",
        function: "call",
        args: [pid, "hello?", 5000],
      });
      expect(clock.now() - start).toBe(5000);
      exit(pid, "kill");
    }));

  it("honours an explicit timeout", () =>
    withRuntime(async ({ clock }) => {
      const pid = await server(() => {});
      const err = await rejection(call(pid, "x", { timeout: 250 }));
      expect(err).toBeInstanceOf(CallTimeoutError);
      expect(clock.now()).toBe(250);
      exit(pid, "kill");
    }));

  it("timeout Infinity waits as long as it takes", () =>
    withRuntime(async ({ clock, runtime }) => {
      const pid = await server((_req, from) => {
        spawn(async () => {
          await sleep(3_600_000);
          reply(from, "an hour later");
        });
      });
      const pending = call(pid, "x", { timeout: Number.POSITIVE_INFINITY });
      await sleep(1); // everything idle: the helper is sleeping
      expect(runtime.pendingTimers()).toBe(1); // the helper's sleep; the call has none
      expect(await pending).toBe("an hour later");
      expect(clock.now()).toBe(3_600_000);
      exit(pid, "kill");
    }));

  it.each([-1, Number.NaN, "5000"])(
    "a bad timeout (%s) throws BadArgumentError synchronously",
    (timeout) =>
      withRuntime(async () => {
        const pid = await server(echo);
        expect(() => call(pid, "x", { timeout: timeout as number })).toThrow(BadArgumentError);
        exit(pid, "kill");
      }),
  );

  it("a bad destination throws BadArgumentError synchronously", () =>
    withRuntime(async () => {
      expect(() => call(42 as unknown as Pid, "x")).toThrow(BadArgumentError);
      expect(() => call({ not: "a name" } as unknown as Pid, "x")).toThrow(BadArgumentError);
    }));

  it("after a timeout the server keeps running and the late reply never reaches the caller", () =>
    withRuntime(async () => {
      let pendingFrom: From | undefined;
      const pid = await server((req, from) => {
        if (req === "slow") pendingFrom = from;
        else if (req === "release") {
          reply(pendingFrom as From, "late reply");
          reply(from, "released");
        }
      });
      await expect(call(pid, "slow", { timeout: 100 })).rejects.toBeInstanceOf(CallTimeoutError);
      expect(isAlive(pid)).toBe(true);
      expect(await call(pid, "release")).toBe("released");
      await refuteReceive();
      exit(pid, "kill");
    }));

  it("a reply after the caller has exited is dropped silently", () =>
    withRuntime(async () => {
      let pendingFrom: From | undefined;
      const pid = await server((req, from) => {
        if (req === "hold") pendingFrom = from;
        else reply(from, "ok");
      });
      const caller = spawn(() => call(pid, "hold"));
      await sleep(10);
      exit(caller, "kill");
      reply(pendingFrom as From, "too late");
      expect(await call(pid, "still fine?")).toBe("ok");
      exit(pid, "kill");
    }));

  it("a caller killed mid-call leaves no pending call behind", () =>
    withRuntime(async ({ runtime }) => {
      const pid = await server(() => {});
      const callers = [
        spawn(() => call(pid, "forever", { timeout: Number.POSITIVE_INFINITY })),
        spawn(() => call(pid, "with a timeout", { timeout: 60_000 })),
      ];
      await sleep(10);
      for (const caller of callers) exit(caller, "kill");
      exit(pid, "kill");
      await sleep(10);
      expect(runtime.pendingTimers()).toBe(0);
      // withRuntime's leak check fails if a call is still waiting for a reply
    }));

  it("calling a dead pid rejects with NoProcessError", () =>
    withRuntime(async () => {
      const dead = spawn(() => {});
      const ref = monitor(dead);
      await receive(downFor(ref));
      const err = await rejection(call(dead, "x", { module: "GenServer" }));
      expect(err).toBeInstanceOf(NoProcessError);
      expect((err as NoProcessError).reason).toBe("noproc");
      expect((err as NoProcessError).operation.module).toBe("GenServer");
    }));

  it("calling an unknown name (local or via) rejects with NoProcessError", () =>
    withRuntime(async () => {
      await expect(call("nobody", "x")).rejects.toBeInstanceOf(NoProcessError);
      const registry: NameRegistry<string> = {
        registerName: () => true,
        unregisterName: () => {},
        whereisName: () => undefined,
        send: () => {
          throw new Error("nobody");
        },
      };
      await expect(call(via(registry, "k"), "x")).rejects.toBeInstanceOf(NoProcessError);
    }));

  it("calling yourself by pid or by name rejects with CallingSelfError", () =>
    withRuntime(async () => {
      await expect(call(self(), "x")).rejects.toBeInstanceOf(CallingSelfError);
      register("me", self());
      const err = await rejection(call("me", "x"));
      expect(err).toBeInstanceOf(CallingSelfError);
      expect((err as CallingSelfError).reason).toBe("calling_self");
      await refuteReceive();
    }));

  it("the server dying mid-call rejects with a CallError carrying its reason", () =>
    withRuntime(async () => {
      const pid = await server(() => {});
      const pending = rejection(call(pid, "x"));
      await sleep(10);
      exit(pid, "kill");
      const err = await pending;
      expect(err).toBeInstanceOf(CallError);
      expect(err).not.toBeInstanceOf(CallTimeoutError);
      expect((err as CallError).reason).toBe("killed");
    }));

  it("a server that crashes while handling the call passes its error to the caller", () =>
    withRuntime(async () => {
      const boom = new Error("handler failed");
      const pid = await server(() => {
        throw boom;
      });
      const err = await rejection(call(pid, "x"));
      expect((err as CallError).reason).toBe(boom);
    }));

  it("a reply sent just before the server exits wins over the exit", () =>
    withRuntime(async () => {
      const pid = await server((_req, from) => {
        reply(from, "bye");
        exit("boom");
      });
      expect(await call(pid, "x")).toBe("bye");
    }));

  it("an uncaught call error in a process crashes it with the error as reason", () =>
    withRuntime(async () => {
      const pid = await server(() => {});
      const caller = spawn(() => call(pid, "x", { timeout: 100 }));
      const ref = monitor(caller);
      const down = await assertReceive(downFor(ref), { timeout: 1_000 });
      expect(down.reason).toBeInstanceOf(CallTimeoutError);
      exit(pid, "kill");
    }));

  it("an uncaught call error to a server that stopped with 'shutdown' exits with {shutdown: err}", () =>
    withRuntime(async ({ logs }) => {
      const pid = await server(() => {});
      const caller = spawn(() => call(pid, "x"));
      const ref = monitor(caller);
      await sleep(10);
      exit(pid, "shutdown");
      const down = await assertReceive(downFor(ref));
      const reason = down.reason as { shutdown: CallError };
      expect(Object.keys(reason)).toEqual(["shutdown"]);
      expect(reason.shutdown).toBeInstanceOf(CallError);
      expect(reason.shutdown.reason).toBe("shutdown");
      // a quiet reason: no crash report
      expect(logs.filter((r) => r.kind === "crash")).toEqual([]);
    }));

  it("a deferred reply from another process reaches the caller", () =>
    withRuntime(async () => {
      const pid = await server((req, from) => {
        spawn(async () => {
          await sleep(50);
          reply(from, `deferred ${String(req)}`);
        });
      });
      expect(await call(pid, "job")).toBe("deferred job");
      exit(pid, "kill");
    }));

  it("reply rejects something that is not a From", () =>
    withRuntime(async () => {
      expect(() => reply({ pid: self() } as unknown as From, 1)).toThrow(BadArgumentError);
    }));

  it("concurrent calls from one process each get their own reply", () =>
    withRuntime(async () => {
      const pid = await server((req, from) => {
        // answer in reverse order of arrival
        spawn(async () => {
          await sleep(100 - (req as number));
          reply(from, (req as number) * 10);
        });
      });
      const results = await Promise.all([1, 2, 3, 4, 5].map((n) => call<number>(pid, n)));
      expect(results).toEqual([10, 20, 30, 40, 50]);
      exit(pid, "kill");
    }));

  it("leaves no monitor and no timer behind, whatever the outcome", () =>
    withRuntime(async ({ runtime }) => {
      let held: From | undefined;
      const pid = await server((req, from) => {
        if (req === "hold") held = from;
        else if (req === "timeout") {
        } else reply(from, req);
      });
      const clean = (): void => {
        expect(runtime.pendingTimers()).toBe(0);
        expect(runtime.processInfo(pid)?.monitoredBy).toEqual([]);
        expect(runtime.processInfo(self())?.monitors).toEqual([]);
      };
      const pending = call(pid, "hold");
      await sleep(1);
      expect(runtime.processInfo(pid)?.monitoredBy).toEqual([self()]);
      reply(held as From, "done");
      expect(await pending).toBe("done");
      clean();
      expect(await call(pid, "a")).toBe("a");
      clean();
      await expect(call(pid, "timeout", { timeout: 10 })).rejects.toBeInstanceOf(CallTimeoutError);
      clean();
      const dying = call(pid, "hold");
      await sleep(1);
      exit(pid, "kill");
      await expect(dying).rejects.toBeInstanceOf(CallError);
      expect(runtime.pendingTimers()).toBe(0);
      expect(runtime.processInfo(self())?.monitors).toEqual([]);
    }));
});

describe("call outside process code", () => {
  it("uses the runtime of the pid, and leaves nothing behind", async () => {
    const clock = new VirtualClock();
    const runtime = createRuntime({ clock, logger: { log() {} } });
    let held: From | undefined;
    const pid = await startSpecial(
      () => ({
        type: "ok",
        process: {
          handleMessage(msg) {
            if (!isCallRequest(msg)) return;
            if (msg.request === "hold") held = msg.from;
            else if (msg.request !== "ignore") reply(msg.from, `re: ${String(msg.request)}`);
          },
        },
      }),
      { runtime },
    );
    const server = pid as Pid;
    expect(await call(server, "hello")).toBe("re: hello");
    expect(held).toBeUndefined();

    // timeouts run on the pid's runtime clock
    await expect(call(server, "ignore", { timeout: 1_000 })).rejects.toBeInstanceOf(
      CallTimeoutError,
    );
    expect(clock.now()).toBe(1_000);

    // a From of an outside call has no pid
    const pending = call(server, "hold", { timeout: Number.POSITIVE_INFINITY });
    await clock.settle();
    expect(held?.pid).toBeUndefined();
    reply(held as From, "answered");
    expect(await pending).toBe("answered");

    // the server dying mid-call
    const dying = call(server, "hold", { timeout: Number.POSITIVE_INFINITY });
    await clock.settle();
    runtime.exit(server, "kill");
    const err = await rejection(dying);
    expect((err as CallError).reason).toBe("killed");
    await expect(call(server, "x")).rejects.toBeInstanceOf(NoProcessError);

    assertNoLeaks(runtime);
    await runtime.shutdown();
  });
});

describe("cast", () => {
  it("delivers a CastRequest and returns undefined at once", () =>
    withRuntime(async () => {
      const pid = await server(echo, self());
      expect(cast(pid, { op: "inc" })).toBeUndefined();
      const note = await assertReceive(isNote);
      expect(isCastRequest(note.got)).toBe(true);
      expect(note.got).toBeInstanceOf(CastRequest);
      expect((note.got as CastRequest).request).toEqual({ op: "inc" });
      expect(note.got).not.toBeInstanceOf(CallRequest);
      exit(pid, "kill");
    }));

  it("casts of one short string share a frozen envelope; other requests get their own", () =>
    withRuntime(async () => {
      const pid = await server(echo, self());
      const req = { op: "inc" };
      cast(pid, "tick");
      cast(pid, "tick");
      cast(pid, req);
      cast(pid, req);
      const long = "x".repeat(33);
      cast(pid, long);
      cast(pid, long);
      const got: unknown[] = [];
      for (let i = 0; i < 6; i++) got.push((await assertReceive(isNote)).got);
      const [t1, t2, o1, o2, l1, l2] = got as CastRequest[];
      expect(t1).toBe(t2);
      expect(Object.isFrozen(t1)).toBe(true);
      expect(t1).toEqual({ type: "$gen_cast", request: "tick" });
      expect(isCastRequest(t1)).toBe(true);
      expect(Object.isFrozen(o1)).toBe(false);
      expect(o1).not.toBe(o2);
      expect(o1?.request).toBe(req);
      expect(l1).not.toBe(l2);
      expect(l1?.request).toBe(long);
      exit(pid, "kill");
    }));

  it("delivers by registered name and by via name", () =>
    withRuntime(async () => {
      const pid = await server(echo, self(), "casted");
      cast("casted", 1);
      const table = new Map([["k", pid]]);
      const registry: NameRegistry<string> = {
        registerName: () => false,
        unregisterName: () => {},
        whereisName: (k) => table.get(k),
        send: (k, m) => void send(table.get(k) as Pid, m),
      };
      cast(via(registry, "k"), 2);
      const a = await assertReceive(isNote);
      const b = await assertReceive(isNote);
      expect([(a.got as CastRequest).request, (b.got as CastRequest).request]).toEqual([1, 2]);
      exit(pid, "kill");
    }));

  it("always succeeds: dead pid, unknown name, unknown via name, throwing registry, bad destination", () =>
    withRuntime(async () => {
      const dead = spawn(() => {});
      await sleep(1);
      expect(isAlive(dead)).toBe(false);
      const registry: NameRegistry<string> = {
        registerName: () => true,
        unregisterName: () => {},
        whereisName: () => undefined,
        send: () => {
          throw new Error("no such key");
        },
      };
      const throwing: NameRegistry<string> = {
        ...registry,
        whereisName: () => {
          throw new Error("registry down");
        },
      };
      expect(() => cast(dead, "x")).not.toThrow();
      expect(() => cast("nobody", "x")).not.toThrow();
      expect(() => cast(via(registry, "k"), "x")).not.toThrow();
      expect(() => cast(via(throwing, "k"), "x")).not.toThrow();
      expect(() => cast(42 as unknown as Pid, "x")).not.toThrow();
      await refuteReceive();
    }));

  it("casts and calls from one process arrive in the order they were sent", () =>
    withRuntime(async () => {
      const log: unknown[] = [];
      const pid = await startSpecial(() => ({
        type: "ok",
        process: {
          handleMessage(msg) {
            if (isCastRequest(msg)) log.push(msg.request);
            else if (isCallRequest(msg)) reply(msg.from, [...log]);
          },
        },
      }));
      cast(pid as Pid, 1);
      cast(pid as Pid, 2);
      expect(await call(pid as Pid, "log")).toEqual([1, 2]);
      exit(pid as Pid, "kill");
    }));
});

describe("request (custom envelopes)", () => {
  it("sends what wrap builds and resolves with the reply to its From", () =>
    withRuntime(async () => {
      class Ask {
        constructor(
          readonly from: From,
          readonly question: string,
        ) {}
      }
      const pid = spawn(async () => {
        const ask = await receive((m): m is Ask => m instanceof Ask);
        reply(ask.from, ask.question.toUpperCase());
      });
      const answer = await request(
        pid,
        1_000,
        { module: "My", function: "ask", args: [] },
        (from) => new Ask(from, "why"),
      );
      expect(answer).toBe("WHY");
    }));

  it("times out with the given operation in the error", () =>
    withRuntime(async () => {
      const pid = spawn(() => receive(() => false));
      const err = await rejection(
        request(pid, 10, { module: "My", function: "ask", args: [1] }, () => "ignored"),
      );
      expect(err).toBeInstanceOf(CallTimeoutError);
      expect((err as CallTimeoutError).operation).toEqual({
        module: "My",
        function: "ask",
        args: [1],
      });
      expect((err as Error).message).toContain("My.ask(1)");
      exit(pid, "kill");
    }));
});
