import { readFileSync } from "node:fs";
import { sleep } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { expect, test } from "vitest";
import { main } from "../src/main.js";
import { HOLD_MS, Payment, paymentDiagram } from "../src/payment.js";

test("authorize, capture, refund; everything else is refused", () =>
  withRuntime(async () => {
    const pay = await GenStateMachine.startLink(Payment, 100);
    expect(await GenStateMachine.call(pay, { type: "capture" })).toEqual({
      refused: "cannot capture: the payment is pending",
    });
    expect(await GenStateMachine.call(pay, { type: "authorize" })).toEqual({ ok: "authorized" });
    expect(await GenStateMachine.call(pay, { type: "authorize" })).toEqual({
      refused: "cannot authorize: the payment is authorized",
    });
    expect(await GenStateMachine.call(pay, { type: "capture" })).toEqual({ ok: "captured" });
    expect(await GenStateMachine.call(pay, { type: "refund" })).toEqual({ ok: "refunded" });
    expect(await GenStateMachine.call(pay, { type: "refund" })).toEqual({
      refused: "cannot refund: the payment is refunded",
    });
  }));

test("an authorization not captured within the hold is voided, not a moment before", () =>
  withRuntime(async ({ clock }) => {
    const pay = await GenStateMachine.startLink(Payment, 100);
    await GenStateMachine.call(pay, { type: "authorize" });
    await sleep(HOLD_MS - 1);
    expect(await GenStateMachine.call(pay, { type: "status" })).toBe("authorized");
    await sleep(1);
    expect(await GenStateMachine.call(pay, { type: "status" })).toBe("voided");
    expect(clock.now()).toBe(HOLD_MS);
    expect(await GenStateMachine.call(pay, { type: "capture" })).toEqual({
      refused: "cannot capture: the payment is voided",
    });
  }));

test("a capture in time cancels the timeout", () =>
  withRuntime(async () => {
    const pay = await GenStateMachine.startLink(Payment, 100);
    await GenStateMachine.call(pay, { type: "authorize" });
    await sleep(HOLD_MS - 1);
    await GenStateMachine.call(pay, { type: "capture" });
    await sleep(2 * HOLD_MS);
    expect(await GenStateMachine.call(pay, { type: "status" })).toBe("captured");
  }));

test("the README's diagram is the one GenStateMachine.diagram draws", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const fenced = /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(fenced?.trim()).toBe(paymentDiagram().trim());
});

test("main prints the run", async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  expect(lines).toEqual([
    'first authorize: {"ok":"authorized"}',
    'first capture: {"ok":"captured"}',
    'first refund: {"ok":"refunded"}',
    'first capture: {"refused":"cannot capture: the payment is refunded"}',
    'second authorize: {"ok":"authorized"}',
    "second after 24h: voided",
    'second capture: {"refused":"cannot capture: the payment is voided"}',
  ]);
});
