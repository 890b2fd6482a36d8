// The exit reason of a server that ends with an error: the very error its callback threw (or
// stopped with), not a copy or a wrapper, and an ExitError given as a stop reason is the
// reason itself (the runtime does not unwrap it). The loop throws such an error as it is to
// end its process (no ExitError built around it, ADR 0004); these pin what that must keep.
import { createRuntime, ExitError, isDown, type LogReport, monitor, receive } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, test } from "vitest";

const { ok, stop } = GenServer.Result;

type Req = { throw: unknown } | { stop: unknown } | { reject: unknown };

const Server = GenServer.define({
  init: () => ok(0),
  handleCast: (r: Req, n) => {
    if ("throw" in r) throw r.throw;
    if ("stop" in r) return stop(r.stop, n);
    return Promise.reject(r.reject);
  },
});

async function exitOf(
  request: Req,
  wants = false,
): Promise<{ reason: unknown; logged: LogReport[] }> {
  const logged: LogReport[] = [];
  const rt = createRuntime({ logger: { log: (r) => void logged.push(r), wants: () => wants } });
  const reason = await rt.run(async () => {
    const pid = await GenServer.start(Server, undefined);
    const ref = monitor(pid);
    GenServer.cast(pid, request);
    const down = await receive((m) => isDown(m) && m.ref === ref, { timeout: 1000 });
    return (down as { reason: unknown }).reason;
  });
  await rt.shutdown();
  return { reason, logged };
}

describe("a GenServer's exit reason", () => {
  test("is the error handleCast threw, the same object", async () => {
    const boom = new Error("boom");
    expect((await exitOf({ throw: boom })).reason).toBe(boom);
  });

  test("is the error a stop result gives, the same object", async () => {
    const boom = new TypeError("bad");
    expect((await exitOf({ stop: boom })).reason).toBe(boom);
  });

  test("is the error a rejected handleCast gave, the same object", async () => {
    const boom = new RangeError("far");
    expect((await exitOf({ reject: boom })).reason).toBe(boom);
  });

  test("is an ExitError given as the stop reason, not the reason it carries", async () => {
    const e = new ExitError("inner");
    expect((await exitOf({ stop: e })).reason).toBe(e);
  });

  test("is the reason an ExitError thrown by the callback carries", async () => {
    expect((await exitOf({ throw: new ExitError({ shutdown: 1 }) })).reason).toEqual({
      shutdown: 1,
    });
  });

  test("is { nocatch } for a thrown non-error", async () => {
    expect((await exitOf({ throw: 42 })).reason).toEqual({ nocatch: 42 });
  });

  test("an error exit still gets GenServer's and the runtime's reports when wanted", async () => {
    const boom = new Error("boom");
    const { reason, logged } = await exitOf({ throw: boom }, true);
    expect(reason).toBe(boom);
    expect(logged.some((r) => r.behaviour === "GenServer" && /terminating/.test(r.message))).toBe(
      true,
    );
    expect(logged.some((r) => r.kind === "crash" && r.reason === boom)).toBe(true);
  });
});
