// The running examples of the docs, end to end.
import { Sys, sleep } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { expect, describe as group, test } from "vitest";
import { DoorLock, enter, isOpen } from "./examples/door-lock.js";
import { AUTHORIZATION_TTL, PaymentFlow } from "./examples/payment.js";

group("door lock", () => {
  test("the right code opens it; it locks itself after ten seconds", () =>
    withRuntime(async ({ clock }) => {
      // #region usage
      const door = await GenStateMachine.startLink(DoorLock, "1234");
      expect(await isOpen(door)).toBe(false);
      enter(door, "1234");
      expect(await isOpen(door)).toBe(true);
      // ten seconds later (virtual time in tests)
      await sleep(10_000);
      expect(await isOpen(door)).toBe(false);
      // #endregion usage
      enter(door, "1234");
      expect(await isOpen(door)).toBe(true);
      const opened = clock.now();
      enter(door, "99"); // ignored while open
      await sleep(9_999);
      expect(await isOpen(door)).toBe(true);
      await sleep(1);
      expect(await isOpen(door)).toBe(false);
      expect(clock.now() - opened).toBe(10_000);
    }));

  test("a wrong code starts over; a half-typed code is forgotten after 30 s", () =>
    withRuntime(async () => {
      const door = await GenStateMachine.startLink(DoorLock, "1234");
      enter(door, "1235");
      enter(door, "12");
      expect(await Sys.getState(door)).toMatchObject({ data: { entered: "12" } });
      await sleep(30_000);
      expect(await Sys.getState(door)).toMatchObject({ data: { entered: "" } });
      enter(door, "34"); // "34" is not the end of "1234" any more: it was forgotten
      expect(await isOpen(door)).toBe(false);
      enter(door, "12"); // "3412": a wrong code, start over
      enter(door, "1234");
      expect(await isOpen(door)).toBe(true);
    }));
});

group("payment", () => {
  test("pending → authorized → captured → refunded", () =>
    withRuntime(async () => {
      const pay = await GenStateMachine.startLink(PaymentFlow, { id: "p1", amount: 100 });
      expect(await GenStateMachine.call(pay, { type: "refund" })).toEqual({
        error: "cannot refund when pending",
      });
      expect(await GenStateMachine.call(pay, { type: "authorize" })).toBe("authorized");
      expect(await GenStateMachine.call(pay, { type: "capture" })).toEqual({ captured: 100 });
      expect(await GenStateMachine.call(pay, { type: "refund" })).toEqual({ refunded: 100 });
      expect(await GenStateMachine.call(pay, { type: "status" })).toBe("refunded");
    }));

  test("a capture before the authorization waits for it (postpone)", () =>
    withRuntime(async () => {
      // #region payment-usage
      const payment = await GenStateMachine.startLink(PaymentFlow, { id: "p2", amount: 5 });
      const capture = GenStateMachine.call(payment, { type: "capture" }); // postponed: waits
      expect(await GenStateMachine.call(payment, { type: "status" })).toBe("pending");
      expect(await GenStateMachine.call(payment, { type: "authorize" })).toBe("authorized");
      expect(await capture).toEqual({ captured: 5 });
      expect(await GenStateMachine.call(payment, { type: "status" })).toBe("captured");
      // #endregion payment-usage
    }));

  // #region testing
  test("an authorization expires after seven days without a capture (state timeout)", () =>
    withRuntime(async () => {
      const pay = await GenStateMachine.startLink(PaymentFlow, { id: "p3", amount: 5 });
      await GenStateMachine.call(pay, { type: "authorize" });
      await sleep(AUTHORIZATION_TTL - 1); // virtual time: takes no real time
      expect(await GenStateMachine.call(pay, { type: "status" })).toBe("authorized");
      await sleep(1);
      expect(await GenStateMachine.call(pay, { type: "status" })).toBe("expired");
      expect(await GenStateMachine.call(pay, { type: "capture" })).toEqual({
        error: "cannot capture when expired",
      });
    }));
  // #endregion testing
});
