// GenServer.call / cast / stop to `{ name, node }` (Elixir's `GenServer.call({name, node}, …)`)
// between two runtimes connected in memory, under one virtual clock.
import {
  CallError,
  CallTimeoutError,
  connectInMemory,
  createRuntime,
  downFor,
  monitor,
  NoProcessError,
  type Runtime,
  VirtualClock,
} from "@trellis/core";
import { assertNoLeaks, assertReceive } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";

const { ok, reply, noreply } = GenServer.Result;

const Counter = GenServer.define({
  init: (n: number) => ok(n),
  handleCall(request: "get" | "slow" | "crash", _from, n: number) {
    if (request === "crash") throw new Error("asked to crash");
    if (request === "slow") return noreply(n);
    return reply(n, n);
  },
  handleCast: (by: number, n: number) => noreply(n + by),
});

async function withNodes(
  body: (a: Runtime, b: Runtime, disconnect: () => void) => Promise<void>,
): Promise<void> {
  const clock = new VirtualClock();
  // the crash test's reports are expected: keep them off the console
  const logger = { log: () => {} };
  const a = createRuntime({ clock, node: "a@host", logger });
  const b = createRuntime({ clock, node: "b@host", logger });
  const connection = connectInMemory(a, b);
  try {
    await body(a, b, () => connection.disconnect());
    await clock.settle();
    assertNoLeaks(a);
    assertNoLeaks(b);
  } finally {
    await a.shutdown();
    await b.shutdown();
  }
}

const counter = { name: "counter", node: "b@host" };

describe("GenServer with { name, node }", () => {
  it("call and cast reach the server registered on the other node; stop stops it", () =>
    withNodes(async (a, b) => {
      const pid = await b.run(() => GenServer.start(Counter, 40, { name: "counter" }));
      await a.run(async () => {
        expect(GenServer.whereis(counter)).toEqual(counter);
        expect(await GenServer.call(counter, "get")).toBe(40);
        GenServer.cast(counter, 2);
        expect(await GenServer.call(counter, "get")).toBe(42);
        const ref = monitor(counter);
        await GenServer.stop(counter);
        const down = await assertReceive(downFor(ref));
        expect(down.pid).toEqual(counter);
        expect(down.reason).toBe("normal");
      });
      expect(b.isAlive(pid)).toBe(false);
    }));

  it("a name nobody holds: call rejects with NoProcessError, cast is dropped", () =>
    withNodes(async (a) => {
      await a.run(async () => {
        await expect(GenServer.call(counter, "get")).rejects.toBeInstanceOf(NoProcessError);
        expect(() => GenServer.cast(counter, 1)).not.toThrow();
      });
    }));

  it("the server crashing mid-call rejects with its reason; a timeout with CallTimeoutError", () =>
    withNodes(async (a, b) => {
      await b.run(() => GenServer.start(Counter, 0, { name: "counter" }));
      await a.run(async () => {
        const slow = await GenServer.call(counter, "slow", 1000).catch((e: unknown) => e);
        expect(slow).toBeInstanceOf(CallTimeoutError);
        const err = await GenServer.call(counter, "crash").catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CallError);
        expect(((err as CallError).reason as Error).message).toBe("asked to crash");
      });
    }));

  it("an unreachable node, or a connection that drops mid-call, rejects with nodedown", () =>
    withNodes(async (a, b, disconnect) => {
      const pid = await b.run(() => GenServer.start(Counter, 0, { name: "counter" }));
      await a.run(async () => {
        const far = await GenServer.call({ name: "counter", node: "c@host" }, "get").catch(
          (e: unknown) => e,
        );
        expect((far as CallError).reason).toEqual({ nodedown: "c@host" });
        const pending = GenServer.call(counter, "slow", Number.POSITIVE_INFINITY).catch(
          (e: unknown) => e,
        );
        disconnect();
        const lost = await pending;
        expect(lost).toBeInstanceOf(CallError);
        expect((lost as CallError).reason).toEqual({ nodedown: "b@host" });
      });
      b.exit(pid, "kill");
    }));
});
