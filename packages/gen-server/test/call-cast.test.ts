// call, cast and deferred replies: CONFORMANCE §2 items 9-15.
import {
  CallError,
  CallingSelfError,
  CallTimeoutError,
  downFor,
  exit,
  type From,
  isAlive,
  isDown,
  monitor,
  NoProcessError,
  type Pid,
  self,
  send,
  sleep,
  spawn,
  spawnMonitor,
  via,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";
import { event, mapRegistry } from "./support.js";

const { ok, reply, noreply } = GenServer.Result;

type KvCall =
  | GenServer.Request<{ type: "get"; key: string }, number | undefined>
  | GenServer.Request<{ type: "hold" }, never>
  | GenServer.Request<{ type: "release"; value: string }, string>
  | GenServer.Request<{ type: "self-call" }, unknown>
  | GenServer.Request<{ type: "self-call-by-name" }, unknown>;
type KvCast = { type: "put"; key: string; value: number };

interface KvState {
  readonly data: ReadonlyMap<string, number>;
  readonly held: From | undefined;
}

/** A key-value server whose "hold" calls are answered later by "release". */
const Kv = GenServer.define({
  init: () => ok<KvState>({ data: new Map(), held: undefined }),
  async handleCall(request: KvCall, from, state) {
    switch (request.type) {
      case "get":
        return reply(state.data.get(request.key), state);
      case "hold":
        return noreply({ ...state, held: from });
      case "release":
        if (state.held !== undefined) GenServer.reply(state.held, request.value);
        return reply("released", { ...state, held: undefined });
      case "self-call":
        return reply(await GenServer.call(self(), "x").catch((e: unknown) => e), state);
      case "self-call-by-name":
        return reply(await GenServer.call("kv", "x").catch((e: unknown) => e), state);
    }
  },
  handleCast: (request: KvCast, state) =>
    noreply({ ...state, data: new Map(state.data).set(request.key, request.value) }),
});

describe("call", () => {
  it("resolves with the reply of handleCall (item 9)", () =>
    withRuntime(async () => {
      const kv = await GenServer.startLink(Kv);
      GenServer.cast(kv, { type: "put", key: "a", value: 1 });
      expect(await GenServer.call(kv, { type: "get", key: "a" })).toBe(1);
      expect(await GenServer.call(kv, { type: "get", key: "b" })).toBeUndefined();
    }));

  it("waits 5000 ms by default, then rejects with a CallTimeoutError (items 9, 10)", () =>
    withRuntime(async ({ clock }) => {
      const kv = await GenServer.startLink(Kv);
      const request = { type: "hold" } as const;
      const err = await GenServer.call(kv, request).catch((e: unknown) => e);
      expect(clock.now()).toBe(5000);
      expect(err).toBeInstanceOf(CallTimeoutError);
      const timeout = err as CallTimeoutError;
      expect(timeout.reason).toBe("timeout");
      expect(timeout.operation).toEqual({
        module: "GenServer",
        function: "call",
        args: [kv, request, 5000],
      });
      expect(timeout.message).toMatch(/GenServer\.call/);
      // the server keeps running, and the late reply never reaches the caller
      expect(isAlive(kv)).toBe(true);
      expect(await GenServer.call(kv, { type: "release", value: "late" })).toBe("released");
      await refuteReceive();
    }));

  it("takes a timeout as a number or as { timeout }, and Infinity waits forever (item 9)", () =>
    withRuntime(async ({ clock }) => {
      const kv = await GenServer.startLink(Kv);
      await expect(GenServer.call(kv, { type: "hold" }, 100)).rejects.toBeInstanceOf(
        CallTimeoutError,
      );
      expect(clock.now()).toBe(100);
      await expect(GenServer.call(kv, { type: "hold" }, { timeout: 200 })).rejects.toThrow(
        /GenServer\.call/,
      );
      expect(clock.now()).toBe(300);
      // a release one hour later answers a call that waits forever
      spawn(async () => {
        await sleep(3_600_000);
        await GenServer.call(kv, { type: "release", value: "at last" });
      });
      expect(await GenServer.call(kv, { type: "hold" }, Number.POSITIVE_INFINITY)).toBe("at last");
      expect(clock.now()).toBe(300 + 3_600_000);
    }));

  it("rejects a bad timeout without sending the request", () =>
    withRuntime(async () => {
      const kv = await GenServer.startLink(Kv);
      for (const bad of [-1, Number.NaN, "5" as unknown as number]) {
        await expect(GenServer.call(kv, { type: "get", key: "a" }, bad)).rejects.toThrow(
          /time|timeout/,
        );
      }
      expect(isAlive(kv)).toBe(true);
    }));

  it("rejects with NoProcessError for a dead pid or an unknown name (item 11)", () =>
    withRuntime(async () => {
      const kv = await GenServer.start(Kv);
      await GenServer.stop(kv);
      const dead = await GenServer.call(kv, { type: "get", key: "a" }).catch((e: unknown) => e);
      expect(dead).toBeInstanceOf(NoProcessError);
      expect((dead as NoProcessError).reason).toBe("noproc");
      expect((dead as NoProcessError).operation).toEqual({
        module: "GenServer",
        function: "call",
        args: [kv, { type: "get", key: "a" }, 5000],
      });
      await expect(GenServer.call("nobody", "ping")).rejects.toBeInstanceOf(NoProcessError);
      // Elixir's call(nil, …), from untyped code
      await expect(GenServer.call(undefined as never, "ping")).rejects.toBeInstanceOf(
        NoProcessError,
      );
      await expect(GenServer.call(via(mapRegistry(), "nobody"), "ping")).rejects.toBeInstanceOf(
        NoProcessError,
      );
    }));

  it("rejects with CallingSelfError when a server calls itself by pid or name (item 12)", () =>
    withRuntime(async () => {
      const kv = await GenServer.startLink(Kv, undefined, { name: "kv" });
      const byPid = await GenServer.call(kv, { type: "self-call" });
      expect(byPid).toBeInstanceOf(CallingSelfError);
      expect((byPid as CallingSelfError).reason).toBe("calling_self");
      const byName = await GenServer.call(kv, { type: "self-call-by-name" });
      expect(byName).toBeInstanceOf(CallingSelfError);
    }));

  it("rejects with the server's exit reason when it dies during the call (item 13)", () =>
    withRuntime(async () => {
      const kv = await GenServer.start(Kv);
      spawn(async () => {
        await sleep(10);
        exit(kv, "kill");
      });
      const err = await GenServer.call(kv, { type: "hold" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallError);
      expect((err as CallError).reason).toBe("killed");
      expect((err as CallError).operation.function).toBe("call");
    }));

  it("an uncaught call error crashes the calling process", () =>
    withRuntime(async () => {
      const kv = await GenServer.start(Kv);
      await GenServer.stop(kv);
      const [pid, ref] = spawnMonitor(async () => {
        await GenServer.call(kv, { type: "get", key: "a" });
      });
      const down = await assertReceive((m) => isDown(m) && m.ref === ref);
      expect(isDown(down) && down.pid).toBe(pid);
      expect(isDown(down) && down.reason).toBeInstanceOf(NoProcessError);
    }));

  it("works untyped, with a plain pid or name and any request", () =>
    withRuntime(async () => {
      const kv = await GenServer.startLink(Kv, undefined, { name: "kv" });
      const plain: Pid = kv;
      GenServer.cast(plain, { type: "put", key: "x", value: 9 });
      const value = await GenServer.call<number>("kv", { type: "get", key: "x" });
      expect(value).toBe(9);
      expect(await GenServer.call(plain, { type: "get", key: "x" }, 1000)).toBe(9);
    }));
});

describe("cast", () => {
  it("always returns, also to a dead pid, an unknown name or an unknown via name (item 14)", () =>
    withRuntime(async () => {
      const kv = await GenServer.start(Kv);
      await GenServer.stop(kv);
      expect(GenServer.cast(kv, { type: "put", key: "a", value: 1 })).toBeUndefined();
      expect(GenServer.cast("nobody", "hello")).toBeUndefined();
      expect(GenServer.cast(via(mapRegistry(), "nobody"), "hello")).toBeUndefined();
    }));

  it("is handled in the order sent, before a later call from the same client", () =>
    withRuntime(async () => {
      const kv = await GenServer.startLink(Kv);
      for (let i = 0; i < 100; i++) GenServer.cast(kv, { type: "put", key: "n", value: i });
      expect(await GenServer.call(kv, { type: "get", key: "n" })).toBe(99);
    }));
});

describe("results the loop takes on its fast path", () => {
  // A bare noreply (cast) or reply (call) skips the generic validation; anything else must
  // still get it. Same outcomes either way.
  const Results = GenServer.define({
    init: () => ok(0),
    handleCall: (request: GenServer.Request<string, unknown>, _from, n: number) => {
      if (request === "plain") return reply(n, n);
      if (request === "undefined actions") {
        const r = {
          type: "reply",
          reply: n,
          state: n + 1,
          timeout: undefined,
          hibernate: undefined,
        };
        return r as never;
      }
      if (request === "thenable") {
        // a reply that is also a thenable is awaited, as any promise-like result is
        return {
          type: "reply",
          reply: "not this",
          state: n,
          // biome-ignore lint/suspicious/noThenProperty: the point of the test
          then: (resolve: (v: unknown) => void) => resolve(reply("awaited", n + 10)),
        } as never;
      }
      return { type: "reply", reply: n, state: n, hibernate: "yes" } as never;
    },
    handleCast: (request: string, n: number) => {
      if (request === "inc") return noreply(n + 1);
      if (request === "undefined actions") {
        const r = { type: "noreply", state: n + 1, timeout: undefined, hibernate: undefined };
        return r as never;
      }
      return { type: "noreply", state: n, timeout: -1 } as never;
    },
  });

  it("bare results set the state (and reply); undefined actions count as none", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Results);
      GenServer.cast(pid, "inc");
      GenServer.cast(pid, "undefined actions");
      expect(await GenServer.call(pid, "plain")).toBe(2);
      expect(await GenServer.call(pid, "undefined actions")).toBe(2);
      expect(await GenServer.call(pid, "plain")).toBe(3);
      expect(await GenServer.call(pid, "thenable")).toBe("awaited");
      expect(await GenServer.call(pid, "plain")).toBe(13);
    }));

  it("a result with a bad action still crashes the server with bad_return_value", () =>
    withRuntime(async () => {
      const requests: ((pid: Pid) => void)[] = [
        (pid) => GenServer.cast(pid, "bad timeout"),
        (pid) => void GenServer.call(pid, "bad hibernate").catch(() => undefined),
      ];
      for (const ask of requests) {
        const server = await GenServer.start(Results);
        const ref = monitor(server);
        ask(server);
        const down = await assertReceive(downFor(ref));
        expect(down.reason).toMatchObject({ bad_return_value: { type: expect.any(String) } });
      }
    }));
});

describe("deferred reply", () => {
  it("noreply from handleCall, then GenServer.reply from another process (item 15)", () =>
    withRuntime(async ({ clock }) => {
      const Relay = GenServer.define({
        init: () => ok(null),
        handleCall(request: GenServer.Request<number, number>, from, state) {
          // hand the From to another process, which answers later
          spawn(async () => {
            await sleep(50);
            GenServer.reply(from, request * 2);
          });
          return noreply(state);
        },
      });
      const relay = await GenServer.startLink(Relay);
      expect(await GenServer.call(relay, 21)).toBe(42);
      expect(clock.now()).toBe(50);
    }));

  it("the server answers other requests while a reply is deferred", () =>
    withRuntime(async () => {
      const kv = await GenServer.startLink(Kv);
      const [waiter] = spawnMonitor(async () => {
        const answer = await GenServer.call(kv, { type: "hold" });
        send(waiterParent, { event: "answer", answer });
      });
      const waiterParent = self();
      void waiter;
      await sleep(1);
      expect(await GenServer.call(kv, { type: "get", key: "none" })).toBeUndefined();
      expect(await GenServer.call(kv, { type: "release", value: "go" })).toBe("released");
      expect((await assertReceive(event<{ answer: string }>("answer"))).answer).toBe("go");
      await assertReceive(isDown);
    }));

  it("GenServer.reply rejects something that is not a From", () =>
    withRuntime(async () => {
      expect(() => GenServer.reply({ ref: 1 } as unknown as From, 1)).toThrow(/From/);
    }));
});
