// A card payment as a state machine: pending → authorized → captured → refunded, and an
// authorization that is not captured within HOLD_MS is voided by a state timeout.
import * as GenStateMachine from "@trellis/gen-statemachine";

const { ok, nextState, keepStateAndData } = GenStateMachine.Result;
const { reply, stateTimeout } = GenStateMachine.Action;

/** How long an authorization holds the money before it is voided: 24 hours. */
export const HOLD_MS: number = 24 * 60 * 60 * 1000;

export type Status = "pending" | "authorized" | "captured" | "refunded" | "voided";

/** What every request answers: the status after it, or why it was refused. */
export type Outcome = { ok: Status } | { refused: string };

export interface PaymentTypes {
  state: Status;
  data: { readonly amount: number };
  calls:
    | GenStateMachine.Request<{ type: "authorize" }, Outcome>
    | GenStateMachine.Request<{ type: "capture" }, Outcome>
    | GenStateMachine.Request<{ type: "refund" }, Outcome>
    | GenStateMachine.Request<{ type: "status" }, Status>;
}

type Command = "authorize" | "capture" | "refund";

/** Which command moves which state where. Anything else is refused. */
const moves: Partial<Record<Status, Partial<Record<Command, Status>>>> = {
  pending: { authorize: "authorized" },
  authorized: { capture: "captured" },
  captured: { refund: "refunded" },
};

export const Payment: GenStateMachine.Definition<PaymentTypes, number> = GenStateMachine.define({
  types: {} as PaymentTypes,
  callbackMode: "handleEvent",
  initial: "pending",
  transitions: [
    { from: "pending", to: "authorized", label: "authorize" },
    { from: "authorized", to: "captured", label: "capture" },
    { from: "authorized", to: "voided", label: "hold expires" },
    { from: "captured", to: "refunded", label: "refund" },
  ],
  init: (amount: number) => ok("pending", { amount }),
  handleEvent(event, state, data) {
    // The timeout armed on entering "authorized"; any state change cancels it.
    if (event.type === "stateTimeout") return nextState("voided", data);
    if (event.type !== "call") return keepStateAndData();
    const { content: request, from } = event;
    if (request.type === "status") return keepStateAndData(reply(from, state));
    const to = moves[state]?.[request.type];
    if (to === undefined) {
      return keepStateAndData(
        reply(from, { refused: `cannot ${request.type}: the payment is ${state}` }),
      );
    }
    const done = reply(from, { ok: to });
    if (to === "authorized") return nextState(to, data, [done, stateTimeout(HOLD_MS, "void")]);
    return nextState(to, data, done);
  },
});

/** The Mermaid state diagram of the declared transitions (what the README shows). */
export function paymentDiagram(): string {
  return GenStateMachine.diagram(Payment);
}
