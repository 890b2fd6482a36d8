// GenServer.call / cast / stop to `{ name, node }` (Elixir's `GenServer.call({name, node}, …)`)
// between two runtimes connected in memory, under one virtual clock.
import { CallError, CallTimeoutError, downFor, monitor, NoProcessError } from "@trellis/core";
import { assertReceive } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";
import { withTwoNodes } from "../../core/test/support/two-nodes.js";

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

// the crash test's reports are expected: keep them off the console
const withNodes = (body: Parameters<typeof withTwoNodes>[0]) =>
  withTwoNodes(body, { logger: { log: () => {} } });

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
