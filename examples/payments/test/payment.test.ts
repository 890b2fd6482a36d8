import { readFileSync } from "node:fs";
import { downFor, exit, monitor, receive, sleep, whereis } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { describe, expect, test } from "vitest";
import { name, PAYMENTS } from "../src/names.js";
import * as Payment from "../src/payment.js";
import { ledgerRow } from "../src/store.js";
import { pieces, startPieces } from "./support.js";

const args = (id: string, amount = 500): Payment.PaymentArgs => ({
  id,
  customer: "ann",
  amount,
  authorizationTimeoutMs: 1000,
  retentionMs: 5000,
  maxAmountCents: 10_000,
});

const start = async (id: string, amount = 500): Promise<void> => {
  await startPieces([pieces.store(), pieces.registry(), pieces.payments()]);
  await Payment.start(args(id, amount));
};

describe("a payment's state machine", () => {
  test("authorize, capture, refund: the ledger records each state", () =>
    withRuntime(async () => {
      await start("p1");
      expect(ledgerRow("p1")).toEqual(["p1", "ann", 500, "pending", null, 0]);
      expect(await Payment.authorize("p1")).toMatchObject({ id: "p1", state: "authorized" });
      expect(await Payment.capture("p1")).toMatchObject({ state: "captured" });
      expect(await Payment.refund("p1")).toMatchObject({ state: "refunded" });
      expect(ledgerRow("p1")).toEqual(["p1", "ann", 500, "refunded", 0, 1]);
    }));

  test("a payment is captured once; a second capture is refused", () =>
    withRuntime(async () => {
      await start("p1");
      await Payment.authorize("p1");
      expect(await Payment.capture("p1")).toMatchObject({ state: "captured" });
      expect(await Payment.capture("p1")).toEqual({
        error: "cannot capture a payment that is captured",
        state: "captured",
      });
      expect(ledgerRow("p1")?.[5]).toBe(1);
    }));

  test("an amount over the limit is declined", () =>
    withRuntime(async () => {
      await start("p1", 20_000);
      expect(await Payment.authorize("p1")).toMatchObject({ state: "declined" });
      expect(await Payment.capture("p1")).toMatchObject({ state: "declined" });
    }));

  test("an authorization not captured in time is voided by the state timeout, to the ms", () =>
    withRuntime(async ({ clock }) => {
      await start("p1");
      await Payment.authorize("p1");
      const authorizedAt = clock.now();
      await sleep(999);
      expect(await Payment.status("p1")).toMatchObject({ state: "authorized" });
      expect(await Payment.awaitState("p1", "voided", 5000)).toMatchObject({ state: "voided" });
      expect(clock.now() - authorizedAt).toBe(1000);
      expect(await Payment.capture("p1")).toMatchObject({
        error: "cannot capture a payment that is voided",
      });
    }));

  test("a capture in time wins: the state change cancels the state timeout", () =>
    withRuntime(async () => {
      await start("p1");
      await Payment.authorize("p1");
      await sleep(999);
      await Payment.capture("p1");
      await sleep(10_000); // past the authorization's deadline and the retention
      expect(ledgerRow("p1")?.[3]).toBe("captured");
    }));

  test("a capture sent while pending is postponed until the authorization", () =>
    withRuntime(async () => {
      await start("p1");
      const capture = Payment.capture("p1");
      expect(await Payment.status("p1")).toMatchObject({ state: "pending" });
      await Payment.authorize("p1");
      expect(await capture).toMatchObject({ state: "captured" });
    }));

  test("awaiting a state: postponed until it comes, refused at once when it cannot", () =>
    withRuntime(async () => {
      await start("p1");
      const captured = Payment.awaitState("p1", "captured", 5000);
      await Payment.authorize("p1");
      await Payment.capture("p1");
      expect(await captured).toMatchObject({ state: "captured" });
      expect(await Payment.awaitState("p1", "voided", 5000)).toEqual({
        error: "payment is captured, it will never be voided",
        state: "captured",
      });
    }));

  test("killed mid-flow, it is restarted from the ledger with the time left on its deadline", () =>
    withRuntime(async ({ clock }) => {
      await start("p1");
      await Payment.authorize("p1");
      const authorizedAt = clock.now();
      await sleep(400);
      const first = whereis(name("payment/p1"));
      if (first === undefined) throw new Error("no machine");
      exit(first, "kill");
      await DynamicSupervisor.countChildren(PAYMENTS); // answered after the restart
      const second = whereis(name("payment/p1"));
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
      expect(await Payment.status("p1")).toMatchObject({ state: "authorized" });
      await Payment.awaitState("p1", "voided", 5000);
      expect(clock.now() - authorizedAt).toBe(1000); // not 1400: the deadline was kept
    }));

  test("a killed captured payment comes back captured: no second capture", () =>
    withRuntime(async () => {
      await start("p1");
      await Payment.authorize("p1");
      await Payment.capture("p1");
      const machine = whereis(name("payment/p1"));
      if (machine !== undefined) exit(machine, "kill");
      await DynamicSupervisor.countChildren(PAYMENTS);
      expect(await Payment.capture("p1")).toMatchObject({ error: expect.any(String) });
      expect(await Payment.refund("p1")).toMatchObject({ state: "refunded" });
      expect(ledgerRow("p1")?.[5]).toBe(1);
    }));

  test("a settled payment retires after the retention time; its ledger row stays", () =>
    withRuntime(async ({ clock }) => {
      await start("p1");
      await Payment.authorize("p1");
      await Payment.capture("p1");
      const capturedAt = clock.now();
      const machine = whereis(name("payment/p1"));
      if (machine === undefined) throw new Error("no machine");
      const down = await receive(downFor(monitor(machine)));
      expect(down.reason).toBe("normal");
      expect(clock.now() - capturedAt).toBe(5000);
      expect(Payment.isRunning("p1")).toBe(false);
      expect(await DynamicSupervisor.whichChildren(PAYMENTS)).toEqual([]);
      expect(ledgerRow("p1")?.[3]).toBe("captured");
    }));

  test("the README's diagram is the machine that runs", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    expect(readme).toContain(GenStateMachine.diagram(Payment.PaymentFlow));
  });
});
