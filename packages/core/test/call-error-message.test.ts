// A call error's message is formatted when it is first read, not when the error is made
// (ADR 0004, session 4, second round: a burst of call timeouts made thousands of errors whose
// text nobody read). Read, it is the same text as before, wherever it is read from.
import { inspect } from "node:util";
import {
  CallError,
  CallingSelfError,
  CallTimeoutError,
  call,
  exit,
  isCallRequest,
  NoProcessError,
  type Pid,
  startSpecial,
} from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

/** A request whose formatting is counted (the formatter calls `toJSON`). */
function counted(): { request: { toJSON(): string }; formats: () => number } {
  let n = 0;
  return {
    request: {
      toJSON() {
        n++;
        return "counted";
      },
    },
    formats: () => n,
  };
}

const TIMEOUT_TEXT =
  "no reply within the timeout (the server is still running; raise the timeout or make the server answer sooner)";

describe("a call error's message", () => {
  it("is formatted on its first read, once, with the text it always had", () => {
    const { request, formats } = counted();
    const op = { module: "GenServer", function: "call", args: ["s1", request, 100] };
    const err = new CallTimeoutError(op);
    expect(formats()).toBe(0);
    expect(err.message).toBe(`GenServer.call(s1, "counted", 100) failed: ${TIMEOUT_TEXT}`);
    expect(formats()).toBe(1);
    expect(err.message).toBe(`GenServer.call(s1, "counted", 100) failed: ${TIMEOUT_TEXT}`);
    expect(String(err)).toBe(`CallTimeoutError: ${err.message}`);
    expect(formats()).toBe(1);
  });

  it("reads the same through the stack, toString and inspect, for every call error", () => {
    const op = { module: "GenServer", function: "call", args: ["s1", "work", 5000] };
    const cases: [CallError, string][] = [
      [new CallError("boom", op), "the server exited with reason boom"],
      [new CallError({ shutdown: 1 }, op), 'the server exited with reason {"shutdown":1}'],
      [new CallTimeoutError(op), TIMEOUT_TEXT],
      [new NoProcessError(op), "no process is alive at that pid or name"],
      [new CallingSelfError(op), "a process cannot call itself"],
    ];
    for (const [err, why] of cases) {
      const text = `GenServer.call(s1, work, 5000) failed: ${why}`;
      expect(err.message).toBe(text);
      expect(err.stack?.split("\n")[0]).toBe(`${err.name}: ${text}`);
      expect(err.toString()).toBe(`${err.name}: ${text}`);
      expect(inspect(err)).toContain(`${err.name}: ${text}`);
      // not enumerable, as an error's own message is
      expect(Object.keys(err)).not.toContain("message");
      expect(JSON.stringify(err)).not.toContain("failed:");
    }
  });

  it("can be assigned, as any error's message", () => {
    const err = new CallError("boom", { module: "GenServer", function: "call", args: [] });
    err.message = `while loading: ${err.message}`;
    expect(err.message).toBe(
      "while loading: GenServer.call() failed: the server exited with reason boom",
    );
    expect(String(err)).toBe(`CallError: ${err.message}`);
    expect(Object.getOwnPropertyDescriptor(err, "message")?.enumerable).toBe(false);
    const other = new CallError("boom", { module: "GenServer", function: "call", args: [] });
    expect(other.message).toBe("GenServer.call() failed: the server exited with reason boom");
  });

  it("of a timed-out call is not formatted unless read", () =>
    withRuntime(async () => {
      const pid = (await startSpecial(() => ({
        type: "ok",
        process: {
          handleMessage(msg) {
            expect(isCallRequest(msg)).toBe(true);
          },
        },
      }))) as Pid;
      const { request, formats } = counted();
      const err = await call(pid, request, { timeout: 20 }).then(
        () => expect.fail("the call was answered"),
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CallTimeoutError);
      expect(formats()).toBe(0);
      expect((err as CallTimeoutError).message).toContain('"counted", 20) failed: no reply');
      expect(formats()).toBe(1);
      exit(pid, "kill");
    }));
});
