import { CallTimeoutError, exit, InitError, isExit, Sys, self, trapExit } from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import { expect, test } from "vitest";
import { define, notify, request, startLink } from "../src/request-server.js";

type Req = { type: "add"; amount: number } | { type: "total" } | { type: "stall" };
const Account = define({
  init: (opening: number) => {
    if (opening < 0) throw new RangeError("negative opening balance");
    return opening;
  },
  handle: (req: Req, balance: number): [number, number] => {
    if (req.type === "add") return [balance + req.amount, balance + req.amount];
    return [balance, balance];
  },
});

test("answers requests in order and keeps its state", () =>
  withRuntime(async () => {
    const pid = await startLink(Account, 100);
    notify(pid, { type: "add", amount: 20 });
    expect(await request(pid, { type: "add", amount: 5 })).toBe(125);
    expect(await request(pid, { type: "total" })).toBe(125);
    expect(await Sys.getState(pid)).toBe(125);
  }));

test("a failing init rejects the start with InitError", () =>
  withRuntime(async () => {
    const err = await startLink(Account, -1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InitError);
    expect((err as InitError).reason).toBeInstanceOf(RangeError);
  }));

test("the server is linked to its starter and stops with it", () =>
  withRuntime(async ({ runtime }) => {
    trapExit(true);
    const pid = await startLink(Account, 0);
    exit(pid, "shutdown");
    const msg = await assertReceive(isExit);
    expect(msg.from).toBe(pid);
    expect(msg.reason).toBe("shutdown");
    expect(runtime.isAlive(pid)).toBe(false);
    expect(runtime.processInfo(self())?.links).toEqual([]);
  }));

test("requests time out with a CallTimeoutError when the server is suspended", () =>
  withRuntime(async () => {
    const pid = await startLink(Account, 0);
    await Sys.suspend(pid);
    await expect(request(pid, { type: "total" }, 1000)).rejects.toBeInstanceOf(CallTimeoutError);
    await Sys.resume(pid);
  }));
