import {
  type CancelTimerMessage,
  cancelTimer,
  type DownMessage,
  downFor,
  type ExitMessage,
  exit,
  exitFrom,
  isCancelTimer,
  isDown,
  isExit,
  isTimeout,
  monitor,
  type Pid,
  type ProcessInfo,
  type Ref,
  type Runtime,
  readTimer,
  receive,
  self,
  send,
  sendAfter,
  spawn,
  spawnLink,
  spawnMonitor,
  startTimer,
  TIMEOUT,
  type TimeoutMessage,
  trapExit,
} from "@trellis/core";
import { describe, expectTypeOf, test } from "vitest";

interface Ping {
  readonly type: "ping";
  readonly from: Pid;
}
const isPing = (m: unknown): m is Ping =>
  typeof m === "object" && m !== null && (m as { type?: unknown }).type === "ping";

describe("receive", () => {
  test("a type guard narrows the result", () => {
    expectTypeOf(receive(isPing)).toEqualTypeOf<Promise<Ping>>();
    expectTypeOf(receive(isDown)).toEqualTypeOf<Promise<DownMessage>>();
    expectTypeOf(receive(isExit)).toEqualTypeOf<Promise<ExitMessage>>();
    expectTypeOf(receive(isTimeout)).toEqualTypeOf<Promise<TimeoutMessage>>();
    expectTypeOf(receive(isCancelTimer)).toEqualTypeOf<Promise<CancelTimerMessage>>();
  });

  test("without a guard it is unknown unless given a type argument", () => {
    expectTypeOf(receive()).toEqualTypeOf<Promise<unknown>>();
    const longString = (m: unknown): boolean => typeof m === "string" && m.length > 2;
    expectTypeOf(receive(longString)).toEqualTypeOf<Promise<unknown>>();
    expectTypeOf(receive<string>(longString)).toEqualTypeOf<Promise<string>>();
    // TypeScript infers a predicate from a simple arrow, so this narrows too
    expectTypeOf(receive((m) => m === 1)).toEqualTypeOf<Promise<1>>();
  });

  test("with options the result may be TIMEOUT", () => {
    expectTypeOf(receive(isPing, { timeout: 100 })).toEqualTypeOf<Promise<Ping | typeof TIMEOUT>>();
    expectTypeOf(receive(undefined, { timeout: 0 })).toEqualTypeOf<Promise<unknown>>();
    expectTypeOf(receive<string>((m) => m === "x", { timeout: 5 })).toEqualTypeOf<
      Promise<string | typeof TIMEOUT>
    >();
  });

  test("narrowing away TIMEOUT leaves the message type", async () => {
    const m = await receive(isPing, { timeout: 10 });
    if (m !== TIMEOUT) expectTypeOf(m).toEqualTypeOf<Ping>();
    expectTypeOf(TIMEOUT).toBeSymbol();
  });

  test("the options must be ReceiveOptions", () => {
    // @ts-expect-error: timeout must be a number
    void receive(isPing, { timeout: "soon" });
  });
});

describe("matchers", () => {
  test("downFor and exitFrom are type guards for DOWN and EXIT", () => {
    const ref = {} as Ref;
    const pid = {} as Pid;
    expectTypeOf(downFor(ref)).toEqualTypeOf<(msg: unknown) => msg is DownMessage>();
    expectTypeOf(exitFrom(pid)).toEqualTypeOf<(msg: unknown) => msg is ExitMessage>();
    expectTypeOf(receive(downFor(ref))).toEqualTypeOf<Promise<DownMessage>>();
    expectTypeOf(receive(exitFrom(pid))).toEqualTypeOf<Promise<ExitMessage>>();
    expectTypeOf(receive(downFor(ref), { timeout: 5 })).toEqualTypeOf<
      Promise<DownMessage | typeof TIMEOUT>
    >();
  });

  test("DOWN and EXIT fields", () => {
    const down = {} as DownMessage;
    expectTypeOf(down.type).toEqualTypeOf<"DOWN">();
    expectTypeOf(down.ref).toEqualTypeOf<Ref>();
    expectTypeOf(down.pid).toEqualTypeOf<Pid | { readonly name: string; readonly node: string }>();
    expectTypeOf(down.reason).toBeUnknown();
    const ex = {} as ExitMessage;
    expectTypeOf(ex.type).toEqualTypeOf<"EXIT">();
    expectTypeOf(ex.from).toEqualTypeOf<Pid>();
  });
});

describe("processes and signals", () => {
  test("spawn, spawnLink and spawnMonitor", () => {
    expectTypeOf(spawn(async () => {})).toEqualTypeOf<Pid>();
    expectTypeOf(spawnLink(() => 1)).toEqualTypeOf<Pid>();
    expectTypeOf(spawnMonitor(async () => {})).toEqualTypeOf<[Pid, Ref]>();
    expectTypeOf(spawn).parameter(0).parameter(0).toEqualTypeOf<Pid>();
    expectTypeOf(monitor).returns.toEqualTypeOf<Ref>();
    expectTypeOf(self).returns.toEqualTypeOf<Pid>();
  });

  test("exit(reason) never returns; exit(pid, reason) does", () => {
    expectTypeOf(exit).toBeFunction();
    const one = (): never => exit("shutdown");
    expectTypeOf(one).returns.toBeNever();
    const two = (pid: Pid) => exit(pid, "kill");
    expectTypeOf(two).returns.toBeVoid();
    // code after exit(reason) is unreachable, so a function may end with it
    const needsNumber = (n: number): number => (n > 0 ? n : exit("negative"));
    expectTypeOf(needsNumber).returns.toEqualTypeOf<number>();
  });

  test("send returns the message with its own type", () => {
    const pid = {} as Pid;
    expectTypeOf(send(pid, { type: "ping" as const, n: 1 })).toEqualTypeOf<{
      type: "ping";
      n: number;
    }>();
    expectTypeOf(send("name", 42)).toEqualTypeOf<number>();
    // @ts-expect-error: a destination must be a pid or a name
    send(42, "x");
  });

  test("trapExit takes and returns a boolean", () => {
    expectTypeOf(trapExit).parameters.toEqualTypeOf<[boolean]>();
    expectTypeOf(trapExit).returns.toEqualTypeOf<boolean>();
  });

  test("processInfo may be undefined", () => {
    expectTypeOf<Runtime["processInfo"]>().returns.toEqualTypeOf<ProcessInfo | undefined>();
    expectTypeOf<ProcessInfo["status"]>().toEqualTypeOf<
      "running" | "runnable" | "waiting" | "busy"
    >();
  });
});

describe("timers", () => {
  test("sendAfter and startTimer return a Ref", () => {
    const pid = {} as Pid;
    expectTypeOf(sendAfter(pid, "x", 10)).toEqualTypeOf<Ref>();
    expectTypeOf(startTimer("name", "x", 10, { abs: true })).toEqualTypeOf<Ref>();
  });

  test("cancelTimer: number | false, or undefined with async: true", () => {
    const ref = {} as Ref;
    expectTypeOf(cancelTimer(ref)).toEqualTypeOf<number | false>();
    expectTypeOf(cancelTimer(ref, {})).toEqualTypeOf<number | false>();
    expectTypeOf(cancelTimer(ref, { async: false })).toEqualTypeOf<number | false>();
    expectTypeOf(cancelTimer(ref, { async: true })).toEqualTypeOf<undefined>();
    expectTypeOf(readTimer(ref)).toEqualTypeOf<number | false>();
  });

  test("TimeoutMessage carries the message type", () => {
    expectTypeOf<TimeoutMessage<string>["message"]>().toEqualTypeOf<string>();
    expectTypeOf<TimeoutMessage["ref"]>().toEqualTypeOf<Ref>();
    expectTypeOf<CancelTimerMessage["remaining"]>().toEqualTypeOf<number | false>();
  });
});
