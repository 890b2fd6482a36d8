// The examples of docs/guides/processes.md, word for word (scripts/sync-docs.mjs writes each
// region into the guide). Each runs in a test process of its own runtime.
import { setTimeout } from "node:timers/promises";
import { format } from "node:util";
import {
  abortSignal,
  cancelTimer,
  downFor,
  exit,
  monitor,
  readTimer,
  receive,
  self,
  send,
  sendAfter,
  spawn,
  startTimer,
  TIMEOUT,
  TimeoutMessage,
} from "@trellis/core";
import { refuteReceive, withRuntime } from "@trellis/core/testing";
import { expect, test, vi } from "vitest";

test("run: the bridge from async code into a process", { timeout: 30_000 }, async () => {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args) => {
    lines.push(format(...args));
  });
  try {
    await import("./guide-processes-run.js");
  } finally {
    log.mockRestore();
  }
  expect(lines).toEqual(["hello"]);
});

test("spawn", () =>
  withRuntime(async () => {
    const parent = self();
    // #region spawn
    const pid = spawn(async (me) => {
      // runs concurrently, later; `me` is its own pid, as self() would say
      send(parent, { hello: me });
    });
    // #endregion spawn
    expect(await receive()).toEqual({ hello: pid });
  }));

test("selective receive", () =>
  withRuntime(async () => {
    // #region receive
    send(self(), { a: 1 });
    send(self(), { b: 2 });
    send(self(), { a: 3 });
    const b = await receive(
      (m): m is { b: number } => typeof m === "object" && m !== null && "b" in m,
    );
    // b is { b: 2 }; the mailbox still holds { a: 1 }, { a: 3 } in that order

    const none = await receive((m) => m === "never", { timeout: 0 }); // polls once
    if (none === TIMEOUT) {
      // Erlang's `after 0`
    }
    // #endregion receive
    expect(b).toEqual({ b: 2 });
    expect(none).toBe(TIMEOUT);
    expect(await receive()).toEqual({ a: 1 });
    expect(await receive()).toEqual({ a: 3 });
  }));

test("monitor", () =>
  withRuntime(async () => {
    // #region monitor
    const ref = monitor(spawn(async () => {}));
    const down = await receive(downFor(ref));
    down.reason; // "normal"
    // #endregion monitor
    expect(down.reason).toBe("normal");
  }));

test("abortSignal stops the I/O of a killed process", () =>
  withRuntime(async () => {
    // #region abort
    const parent = self();
    let signal: AbortSignal | undefined;
    const worker = spawn(async () => {
      signal = abortSignal(); // aborted when this process exits, for any reason
      send(parent, "started");
      await setTimeout(60_000, undefined, { signal }); // as you would pass it to fetch()
    });
    await receive((m) => m === "started");
    exit(worker, "kill");
    await receive(downFor(monitor(worker)));
    signal?.aborted; // true: the timer (or the request) is cancelled
    // #endregion abort
    expect(signal?.aborted).toBe(true);
  }));

test("timers", () =>
  withRuntime(async ({ clock }) => {
    // #region timers
    const ref = sendAfter(self(), "tick", 1000); // delivers "tick"
    const left = readTimer(ref); // 1000: ms left
    const cancelled = cancelTimer(ref); // 1000, and the message will not come
    startTimer(self(), "tick", 50); // delivers TimeoutMessage { ref, message: "tick" }
    // #endregion timers
    expect([left, cancelled]).toEqual([1000, 1000]);
    expect(clock.now()).toBe(0);
    const timeout = await receive();
    expect(timeout).toBeInstanceOf(TimeoutMessage);
    expect((timeout as TimeoutMessage).message).toBe("tick");
    expect(clock.now()).toBe(50);
    await refuteReceive(() => true, { timeout: 2000 }); // the cancelled "tick" never comes
  }));
