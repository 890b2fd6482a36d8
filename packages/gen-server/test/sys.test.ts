// sys: getState, replaceState, getStatus, suspend and resume through core's Sys.
import { CallError, CallTimeoutError, isAlive, type Pid, Sys, self } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";

const { ok, reply, noreply } = GenServer.Result;

interface Account {
  readonly owner: string;
  readonly balance: number;
  readonly pin: string;
}

const Bank = GenServer.define({
  init: (owner: string) => ok<Account>({ owner, balance: 0, pin: "1234" }),
  handleCall: (_r: GenServer.Request<"balance", number>, _from, account) =>
    reply(account.balance, account),
  handleCast: (amount: number, account) =>
    noreply({ ...account, balance: account.balance + amount }),
  formatStatus: (status) => ({ ...status, state: { ...status.state, pin: "****" } }),
});

describe("Sys on a GenServer", () => {
  it("getState returns the state, formatStatus does not apply", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Bank, "ada");
      GenServer.cast(pid, 10);
      expect(await Sys.getState(pid)).toEqual({ owner: "ada", balance: 10, pin: "1234" });
    }));

  it("replaceState changes the state the callbacks see; a throwing fn leaves it", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Bank, "ada");
      const next = await Sys.replaceState(pid, (s) => ({ ...(s as Account), balance: 99 }));
      expect(next).toEqual({ owner: "ada", balance: 99, pin: "1234" });
      expect(await GenServer.call(pid, "balance")).toBe(99);
      const err = await Sys.replaceState(pid, () => {
        throw new Error("no");
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallError);
      expect(await GenServer.call(pid, "balance")).toBe(99);
    }));

  it("getStatus shows the behaviour, parent, name and the state through formatStatus", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Bank, "ada", { name: "bank" });
      const status = await Sys.getStatus("bank");
      expect(status.pid).toBe(pid);
      expect(status.behaviour).toBe("GenServer");
      expect(status.parent).toBe(self());
      expect(status.name).toBe("bank");
      expect(status.status).toBe("running");
      expect(status.state).toEqual({ owner: "ada", balance: 0, pin: "****" });
    }));

  it("suspend holds calls and casts back until resume", () =>
    withRuntime(async ({ clock }) => {
      const pid: Pid = await GenServer.startLink(Bank, "ada");
      await Sys.suspend(pid);
      expect((await Sys.getStatus(pid)).status).toBe("suspended");
      GenServer.cast(pid, 5);
      await expect(GenServer.call(pid, "balance", 100)).rejects.toBeInstanceOf(CallTimeoutError);
      expect(clock.now()).toBe(100);
      // system messages still work while suspended
      expect(await Sys.getState(pid)).toMatchObject({ balance: 0 });
      await Sys.resume(pid);
      expect(await GenServer.call(pid, "balance")).toBe(5);
      expect(isAlive(pid)).toBe(true);
    }));
});
