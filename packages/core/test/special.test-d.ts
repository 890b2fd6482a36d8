import {
  type CallOptions,
  type CallRequest,
  type CastRequest,
  call,
  cast,
  type From,
  type InitResult,
  isCallRequest,
  isCastRequest,
  isSystemRequest,
  type Pid,
  type ProcessStatus,
  type Ref,
  reply,
  request,
  type SpecialProcess,
  type StartSpecialOptions,
  Sys,
  type SystemRequest,
  startSpecial,
} from "@trellis/core";
import { assertReceive, type TestContext, withRuntime } from "@trellis/core/testing";
import { describe, expectTypeOf, test } from "vitest";

declare const pid: Pid;

describe("call", () => {
  test("resolves to the type argument, unknown by default", () => {
    expectTypeOf(call<number>(pid, "get")).toEqualTypeOf<Promise<number>>();
    expectTypeOf(call<{ ok: true; items: string[] }>("name", 1)).resolves.toEqualTypeOf<{
      ok: true;
      items: string[];
    }>();
    expectTypeOf(call(pid, "get")).toEqualTypeOf<Promise<unknown>>();
  });

  test("accepts a pid, a name or a via name, and typed options", () => {
    expectTypeOf(call).parameter(0).toEqualTypeOf<Parameters<typeof cast>[0]>();
    expectTypeOf<{ timeout: 100; module: "GenServer" }>().toExtend<CallOptions>();
    // @ts-expect-error: the timeout is a number
    call(pid, "x", { timeout: "5000" });
    // @ts-expect-error: no such option
    call(pid, "x", { retries: 3 });
    // @ts-expect-error: a destination is a pid or a name
    call(42, "x");
  });

  test("cast returns nothing; request resolves to unknown", () => {
    expectTypeOf(cast(pid, "x")).toEqualTypeOf<void>();
    expectTypeOf(
      request(pid, 100, { module: "M", function: "f", args: [] }, (from) => ({ from })),
    ).toEqualTypeOf<Promise<unknown>>();
  });
});

describe("From and requests", () => {
  test("From carries the caller (if any) and a ref", () => {
    expectTypeOf<From["pid"]>().toEqualTypeOf<Pid | undefined>();
    expectTypeOf<From["ref"]>().toEqualTypeOf<Ref>();
    expectTypeOf(reply).parameters.toEqualTypeOf<[From, unknown]>();
    // @ts-expect-error: a From is made by the toolkit, not by hand
    reply({ pid, ref: {} as Ref }, 1);
  });

  test("the guards narrow mailbox messages", () => {
    const msg: unknown = null;
    if (isCallRequest(msg)) {
      expectTypeOf(msg).toEqualTypeOf<CallRequest>();
      expectTypeOf(msg.from).toEqualTypeOf<From>();
      expectTypeOf(msg.type).toEqualTypeOf<"$gen_call">();
    }
    if (isCastRequest(msg)) {
      expectTypeOf(msg).toEqualTypeOf<CastRequest>();
      expectTypeOf(msg.request).toEqualTypeOf<unknown>();
    }
    if (isSystemRequest(msg)) expectTypeOf(msg).toEqualTypeOf<SystemRequest>();
    expectTypeOf<CallRequest<{ n: number }>["request"]>().toEqualTypeOf<{ n: number }>();
  });
});

describe("InitResult", () => {
  const process: SpecialProcess = { handleMessage() {} };

  test("the four shapes", () => {
    expectTypeOf({ type: "ok" as const, process }).toExtend<InitResult>();
    expectTypeOf({ type: "ok" as const, process, continue: async () => {} }).toExtend<InitResult>();
    expectTypeOf({ type: "ignore" as const }).toExtend<InitResult>();
    expectTypeOf({ type: "stop" as const, reason: "boom" }).toExtend<InitResult>();
    expectTypeOf({ type: "error" as const, reason: { any: "term" } }).toExtend<InitResult>();
  });

  test("rejects malformed results", () => {
    expectTypeOf({ type: "ok" as const }).not.toExtend<InitResult>();
    expectTypeOf({ type: "stop" as const }).not.toExtend<InitResult>();
    expectTypeOf({ type: "okay" as const, process }).not.toExtend<InitResult>();
    expectTypeOf({ type: "ok" as const, process: {} }).not.toExtend<InitResult>();
    expectTypeOf({ type: "ok" as const, process, continue: 1 }).not.toExtend<InitResult>();
  });

  test("startSpecial takes a sync or async init and resolves to a pid or 'ignore'", () => {
    expectTypeOf(startSpecial(() => ({ type: "ignore" }))).toEqualTypeOf<Promise<Pid | "ignore">>();
    expectTypeOf(startSpecial)
      .parameter(0)
      .toEqualTypeOf<(self: Pid) => InitResult | PromiseLike<InitResult>>();
    startSpecial(async (self) => {
      expectTypeOf(self).toEqualTypeOf<Pid>();
      return { type: "ok", process };
    });
    // @ts-expect-error: init must return an InitResult
    startSpecial(() => "ok");
    expectTypeOf<{ link: true; name: "x"; timeout: 100 }>().toExtend<StartSpecialOptions>();
    // @ts-expect-error: a name is a string or a via name
    startSpecial(() => ({ type: "ignore" }), { name: 42 });
  });

  test("SpecialProcess callbacks", () => {
    expectTypeOf<SpecialProcess["handleMessage"]>().toEqualTypeOf<
      (message: unknown) => void | PromiseLike<void>
    >();
    expectTypeOf<{
      handleMessage(m: unknown): void;
      getState(): number;
    }>().toExtend<SpecialProcess>();
    // @ts-expect-error: handleMessage is required
    const bad: SpecialProcess = { getState: () => 1 };
    void bad;
  });
});

describe("Sys", () => {
  test("getStatus resolves to a ProcessStatus", () => {
    expectTypeOf(Sys.getStatus(pid)).toEqualTypeOf<Promise<ProcessStatus>>();
    expectTypeOf<ProcessStatus["status"]>().toEqualTypeOf<"running" | "suspended">();
    expectTypeOf<ProcessStatus["pid"]>().toEqualTypeOf<Pid>();
    expectTypeOf<ProcessStatus["parent"]>().toEqualTypeOf<Pid | undefined>();
    expectTypeOf<ProcessStatus["name"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ProcessStatus["messageQueueLength"]>().toEqualTypeOf<number>();
  });

  test("the other commands", () => {
    expectTypeOf(Sys.getState(pid)).toEqualTypeOf<Promise<unknown>>();
    expectTypeOf(Sys.replaceState(pid, (s) => s, 100)).toEqualTypeOf<Promise<unknown>>();
    expectTypeOf(Sys.suspend("name")).toEqualTypeOf<Promise<void>>();
    expectTypeOf(Sys.resume(pid, 1000)).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error: replaceState needs a function
    Sys.replaceState(pid, { count: 1 });
  });
});

describe("testing helpers", () => {
  test("withRuntime resolves to the body's value; assertReceive narrows with a guard", () => {
    expectTypeOf(withRuntime(async () => 42)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(withRuntime(() => "sync")).toEqualTypeOf<Promise<string>>();
    expectTypeOf<TestContext["self"]>().toEqualTypeOf<Pid>();
    expectTypeOf(assertReceive(isCallRequest)).toEqualTypeOf<Promise<CallRequest>>();
    expectTypeOf(assertReceive()).toEqualTypeOf<Promise<unknown>>();
  });
});

describe("envelopes", () => {
  test("are nominal: an object of the same shape is not an envelope", () => {
    expectTypeOf<{ type: "$gen_call"; from: From; request: unknown }>().not.toExtend<CallRequest>();
    expectTypeOf<{ type: "$gen_cast"; request: unknown }>().not.toExtend<CastRequest>();
    expectTypeOf<{
      type: "system";
      from: From;
      command: { type: "getState" };
    }>().not.toExtend<SystemRequest>();
  });
});
