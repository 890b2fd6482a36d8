// The child spec example of docs/guides/gen-statemachine.md, word for word
// (scripts/sync-docs.mjs writes the region into the guide).
import * as GenStateMachine from "@trellis/gen-statemachine";
import { expect, it } from "vitest";
import { PaymentFlow } from "./examples/payment.js";

it("builds a child spec with the options given", () => {
  const spec =
    // #region childspec
    GenStateMachine.childSpec(
      PaymentFlow,
      { id: "p1", amount: 100 },
      { id: "p1", restart: "transient" },
    );
  // #endregion childspec
  expect(spec).toMatchObject({ id: "p1", restart: "transient", type: "worker" });
});
