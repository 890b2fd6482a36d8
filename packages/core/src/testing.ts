/**
 * # @trellis/core/testing
 *
 * Test support for code built on Trellis, as ExUnit gives Elixir: every test gets a fresh
 * runtime with a virtual clock, runs in a process of its own (so `self()`, `receive` and
 * calls work, and crashes propagate), and ends with a leak check.
 *
 * ```ts
 * import { test, expect } from "vitest";
 * import { send, self } from "@trellis/core";
 * import { assertReceive, withRuntime } from "@trellis/core/testing";
 *
 * test("echo", () =>
 *   withRuntime(async () => {
 *     send(self(), "hi");
 *     expect(await assertReceive((m) => m === "hi")).toBe("hi");
 *   }));
 * ```
 *
 * When the test body returns, the test process exits with `"shutdown"` (as an ExUnit test
 * process does), so everything it linked to stops too; virtual time moves on while they
 * stop, then stands still, and the test fails if any process, timer or pending call is left.
 * Time is virtual: waiting minutes of process time takes milliseconds, and the same test
 * gives the same result every run.
 *
 * @module
 */
import { VirtualClock } from "./clock.js";
import { ExitError, formatReason, NotInProcessError } from "./errors.js";
import type { Pid } from "./pid.js";
import { createRuntime, currentProc, type LogReport, type Runtime, TIMEOUT } from "./runtime.js";
import { addExitHook } from "./special.js";

/**
 * What {@link withRuntime} gives the test body.
 *
 * @since 0.1.0
 * @category Testing
 */
export interface TestContext {
  /** The test's own runtime. */
  readonly runtime: Runtime;
  /** Its virtual clock (auto-advancing). */
  readonly clock: VirtualClock;
  /** Every report the runtime logged (crash reports…), in order. */
  readonly logs: LogReport[];
  /** The test process. */
  readonly self: Pid;
}

/**
 * Options of {@link withRuntime}.
 *
 * @since 0.1.0
 * @category Testing
 */
export interface WithRuntimeOptions {
  /** The node name of the runtime. Default `"nonode@nohost"`. */
  readonly node?: string;
  /** Whether the virtual clock jumps to the next timer when everything is idle. Default `true`. */
  readonly autoAdvance?: boolean;
  /** Skip the leak check (for tests about leaks themselves). Default `false`. */
  readonly allowLeaks?: boolean;
}

/**
 * An assertion of the testing helpers failed: no message arrived, an unexpected one did, or
 * something was left running.
 *
 * @example
 * ```ts
 * import { TestAssertionError } from "@trellis/core/testing";
 * new TestAssertionError("expected a message").name; // "TestAssertionError"
 * ```
 * @since 0.1.0
 * @category Testing
 */
export class TestAssertionError extends Error {
  /** @param message what went wrong @param options the underlying cause, if any */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TestAssertionError";
  }
}

/**
 * Runs `body` as a test process in a fresh runtime with a virtual clock, then checks that
 * nothing is left running: when `body` returns, the test process exits with `"shutdown"`
 * (linked processes stop too). While processes are left, virtual time moves on one due timer
 * at a time (for at most 60 s of virtual time), so that shutdowns that take time can finish;
 * then time stands still and the returned promise rejects with a {@link TestAssertionError}
 * listing any process still alive, timer still pending or call still waiting for a reply.
 * The runtime is shut down in every case. Resolves with what `body` returned; rejects with
 * what it threw, or with a {@link TestAssertionError} if the test process was killed before
 * `body` returned (by a linked process that crashed, for example).
 *
 * @example
 * ```ts
 * import { test, expect } from "vitest";
 * import { receive, self, sendAfter } from "@trellis/core";
 * import { withRuntime } from "@trellis/core/testing";
 *
 * test("a timer five minutes out fires at once in virtual time", () =>
 *   withRuntime(async ({ clock }) => {
 *     sendAfter(self(), "later", 300_000);
 *     expect(await receive()).toBe("later");
 *     expect(clock.now()).toBe(300_000);
 *   }));
 * ```
 * @since 0.1.0
 * @category Testing
 */
export async function withRuntime<T>(
  body: (context: TestContext) => T | PromiseLike<T>,
  options: WithRuntimeOptions = {},
): Promise<T> {
  const autoAdvance = options.autoAdvance ?? true;
  const clock = new VirtualClock({ autoAdvance });
  const logs: LogReport[] = [];
  const runtime = createRuntime({
    clock,
    logger: { log: (r) => void logs.push(r) },
    ...(options.node === undefined ? {} : { node: options.node }),
  });
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  try {
    const testExit = await new Promise<unknown>((exited) => {
      const testPid = runtime.spawn(async (self) => {
        try {
          outcome = { ok: true, value: await body({ runtime, clock, logs, self }) };
        } catch (e) {
          outcome = { ok: false, error: e };
        }
        throw new ExitError("shutdown");
      });
      // Also when the test process dies before the body returns (killed through a link…),
      // which would otherwise leave the body awaiting forever.
      addExitHook(testPid, exited);
    });
    if (outcome === undefined) {
      throw new TestAssertionError(
        `the test process exited with reason ${formatReason(testExit)} before the test body returned (a linked process crashed, or something killed it)`,
        { cause: testExit },
      );
    }
    if (!outcome.ok) {
      await clock.settle();
      throw outcome.error;
    }
    await stopEverything(runtime, clock, autoAdvance);
    if (options.allowLeaks !== true) assertNoLeaks(runtime);
    return outcome.value;
  } finally {
    await runtime.shutdown();
  }
}

/** How long (virtual ms) and how many timer steps withRuntime waits for processes to stop. */
const STOP_WINDOW_MS = 60_000;
const STOP_STEPS = 1_000;

/**
 * After the test body: let the processes that the test process's exit is stopping finish,
 * moving virtual time one due timer at a time (when the test uses auto-advance), until no
 * process is left. Time is then no longer moved, so that a timer nothing will cancel stays
 * pending and the leak check sees it.
 */
async function stopEverything(
  runtime: Runtime,
  clock: VirtualClock,
  autoAdvance: boolean,
): Promise<void> {
  clock.autoAdvance = false;
  const deadline = clock.now() + STOP_WINDOW_MS;
  for (let step = 0; ; step++) {
    await clock.settle();
    if (!autoAdvance || runtime.processes().length === 0 || step >= STOP_STEPS) return;
    const next = clock.nextAlarm();
    if (next === undefined || next > deadline) return;
    await clock.advance(Math.max(0, next - clock.now()));
  }
}

/**
 * Throws a {@link TestAssertionError} if `runtime` still has processes, pending timers or
 * calls waiting for a reply, naming each process with its behaviour and registered name.
 *
 * @example
 * ```ts
 * import { createRuntime } from "@trellis/core";
 * import { assertNoLeaks } from "@trellis/core/testing";
 * assertNoLeaks(createRuntime()); // passes: nothing is running
 * ```
 * @since 0.1.0
 * @category Testing
 */
export function assertNoLeaks(runtime: Runtime): void {
  const problems: string[] = [];
  for (const pid of runtime.processes()) {
    const info = runtime.processInfo(pid);
    const what = [
      info?.behaviour,
      info?.registeredName === undefined ? undefined : `"${info.registeredName}"`,
    ]
      .filter((x) => x !== undefined)
      .join(" ");
    problems.push(`process ${pid}${what === "" ? "" : ` (${what})`} is still alive`);
  }
  const timers = runtime.pendingTimers();
  if (timers > 0) problems.push(`${timers} timer${timers === 1 ? " is" : "s are"} still pending`);
  const calls = runtime.pendingCalls();
  if (calls > 0) {
    problems.push(`${calls} call${calls === 1 ? " is" : "s are"} still waiting for a reply`);
  }
  if (problems.length > 0) {
    throw new TestAssertionError(
      `the test left things running; stop what it starts (or link it to the test process):\n  ${problems.join("\n  ")}`,
    );
  }
}

function mailboxDump(): string {
  const p = currentProc();
  if (p === undefined) return "";
  const items = p.mailbox.toArray();
  if (items.length === 0) return " The mailbox is empty.";
  return ` The mailbox holds ${items.length} message(s): ${items
    .slice(0, 10)
    .map((m) => formatReason(m))
    .join(", ")}${items.length > 10 ? ", …" : ""}`;
}

/**
 * Options of {@link assertReceive} and {@link refuteReceive}.
 *
 * @since 0.1.0
 * @category Testing
 */
export interface ReceiveAssertionOptions {
  /** Milliseconds (virtual in tests) to wait. Default `100`, as ExUnit. */
  readonly timeout?: number;
}

/**
 * Waits for a message matching `match` in the calling process's mailbox and returns it;
 * fails with a {@link TestAssertionError} (showing the mailbox) if none arrives within the
 * timeout (ExUnit's `assert_receive`).
 *
 * @example
 * ```ts
 * import { self, send } from "@trellis/core";
 * import { assertReceive } from "@trellis/core/testing";
 * send(self(), { type: "done" });
 * await assertReceive((m) => (m as { type: string }).type === "done");
 * ```
 * @throws {NotInProcessError} outside process code
 * @since 0.1.0
 * @category Testing
 */
export async function assertReceive<T = unknown>(
  match: ((msg: unknown) => msg is T) | ((msg: unknown) => boolean) = () => true,
  options: ReceiveAssertionOptions = {},
): Promise<T> {
  const p = currentProc();
  if (p === undefined) throw new NotInProcessError("assertReceive");
  const timeout = options.timeout ?? 100;
  const msg = await p.rt.receive(p, match, timeout);
  if (msg === TIMEOUT) {
    throw new TestAssertionError(
      `expected a matching message within ${timeout} ms, but none arrived.${mailboxDump()}`,
    );
  }
  return msg as T;
}

/**
 * Fails with a {@link TestAssertionError} if a message matching `match` arrives within the
 * timeout (ExUnit's `refute_receive`). With the default matcher, any message fails it.
 *
 * @example
 * ```ts
 * import { refuteReceive } from "@trellis/core/testing";
 * await refuteReceive((m) => m === "late reply");
 * ```
 * @throws {NotInProcessError} outside process code
 * @since 0.1.0
 * @category Testing
 */
export async function refuteReceive(
  match: (msg: unknown) => boolean = () => true,
  options: ReceiveAssertionOptions = {},
): Promise<void> {
  const p = currentProc();
  if (p === undefined) throw new NotInProcessError("refuteReceive");
  const msg = await p.rt.receive(p, match, options.timeout ?? 100);
  if (msg !== TIMEOUT) {
    throw new TestAssertionError(`expected no matching message, but received ${formatReason(msg)}`);
  }
}
