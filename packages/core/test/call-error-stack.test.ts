// Errors the runtime raises from its own timers and monitors (a call's timeout, a call whose
// server died) carry no stack frames: those frames would only show the runtime's internals,
// and capturing them was the largest cost of a burst of call timeouts (ADR 0004).
import {
  CallError,
  CallTimeoutError,
  call,
  ExitError,
  exit,
  isCallRequest,
  type Pid,
  startSpecial,
} from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

/** A special process that never answers a call. */
async function mute(): Promise<Pid> {
  const pid = await startSpecial(() => ({
    type: "ok",
    process: {
      handleMessage(msg) {
        expect(isCallRequest(msg)).toBe(true);
      },
    },
  }));
  return pid as Pid;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

describe("errors raised by the runtime's timers and monitors", () => {
  it("a call timeout's stack is its name and message only, and the stack limit is restored", () =>
    withRuntime(async () => {
      const limit = Error.stackTraceLimit;
      const pid = await mute();
      const err = await rejection(call(pid, "hello?", { timeout: 50 }));
      expect(err).toBeInstanceOf(CallTimeoutError);
      expect(err.stack).toBe(`CallTimeoutError: ${err.message}`);
      expect(Error.stackTraceLimit).toBe(limit);
      // errors raised by user code keep their frames
      expect(new Error("mine").stack).toMatch(/\n\s+at /);
      exit(pid, "kill");
    }));

  it("a call whose server dies meanwhile rejects with a frameless CallError carrying the reason", () =>
    withRuntime(async () => {
      const pid = await mute();
      const pending = rejection(call(pid, "never answered", { timeout: 1000 }));
      exit(pid, "boom");
      const err = await pending;
      expect(err).toBeInstanceOf(CallError);
      expect((err as CallError).reason).toBe("boom");
      expect(err.stack).toBe(`CallError: ${err.message}`);
    }));
});

describe("an exit whose reason is an error", () => {
  it("carries the reason's frames, not its own; other exits keep theirs", () => {
    const limit = Error.stackTraceLimit;
    const cause = new Error("boom");
    const wrapped = new ExitError(cause);
    expect(wrapped.stack).toBe(`ExitError: ${wrapped.message}`);
    expect(wrapped.reason).toBe(cause);
    expect(cause.stack).toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new ExitError("shutdown").stack).toMatch(/\n\s+at /);
    expect(new ExitError({ shutdown: cause }).stack).toMatch(/\n\s+at /);
    // subclasses (a call's failure) are not affected
    const op = { module: "GenServer", function: "call", args: [] };
    expect(new CallError(cause, op).stack).toMatch(/\n\s+at /);
  });
});
