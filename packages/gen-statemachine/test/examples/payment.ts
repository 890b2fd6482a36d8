// A card payment: pending → authorized → captured → refunded, or expired when an
// authorization is not captured in time. Written in "handleEvent" mode, with a state
// timeout and postponed events. The second running example of the guide.

// #region definition
import * as GenStateMachine from "@trellis/gen-statemachine";

const { ok, nextState, keepStateAndData } = GenStateMachine.Result;
const { reply, postpone, stateTimeout } = GenStateMachine.Action;

export type PaymentState = "pending" | "authorized" | "captured" | "refunded" | "expired";

export interface Payment {
  id: string;
  amount: number;
}

type Refused = { error: string };

export interface PaymentTypes {
  state: PaymentState;
  data: Payment;
  calls:
    | GenStateMachine.Request<{ type: "authorize" }, "authorized" | Refused>
    | GenStateMachine.Request<{ type: "capture" }, { captured: number } | Refused>
    | GenStateMachine.Request<{ type: "refund" }, { refunded: number } | Refused>
    | GenStateMachine.Request<{ type: "status" }, PaymentState>;
}

/** How long an authorization holds before it expires. */
export const AUTHORIZATION_TTL: number = 7 * 24 * 60 * 60 * 1000;

export const PaymentFlow: GenStateMachine.Definition<PaymentTypes, Payment> =
  GenStateMachine.define({
    types: {} as PaymentTypes,
    callbackMode: "handleEvent",
    initial: "pending",
    transitions: [
      { from: "pending", to: "authorized", label: "authorize" },
      { from: "authorized", to: "captured", label: "capture" },
      { from: "authorized", to: "expired", label: "7 days without capture" },
      { from: "captured", to: "refunded", label: "refund" },
    ],
    init: (payment: Payment) => ok("pending", payment),
    handleEvent(event, state, payment) {
      if (event.type === "stateTimeout") return nextState("expired", payment);
      if (event.type !== "call") return keepStateAndData(); // ignore stray messages
      const { content: request, from } = event;
      if (request.type === "status") return keepStateAndData(reply(from, state));
      switch (`${state}/${request.type}`) {
        case "pending/authorize":
          return nextState("authorized", payment, [
            reply(from, "authorized"),
            stateTimeout(AUTHORIZATION_TTL, "expire"),
          ]);
        case "pending/capture":
          // A capture that arrives before the authorization waits for it.
          return keepStateAndData(postpone());
        case "authorized/capture":
          return nextState("captured", payment, reply(from, { captured: payment.amount }));
        case "captured/refund":
          return nextState("refunded", payment, reply(from, { refunded: payment.amount }));
        default:
          return keepStateAndData(reply(from, { error: `cannot ${request.type} when ${state}` }));
      }
    },
  });
// #endregion definition
