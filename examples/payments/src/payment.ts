// One GenStateMachine per payment: pending → authorized → captured → refunded, or declined
// (over the limit), or voided when an authorization is not captured in time (a state
// timeout: any state change cancels it, so a capture in time simply wins).
//
// The machine writes its ledger row (an ETS table) at every transition. It runs under the
// payments DynamicSupervisor as a transient child: if it is killed mid-flow, it is
// restarted with the same arguments, finds its row, and resumes in the recorded state, with
// the authorization's deadline re-armed for the time that is left. So a crash loses no
// payment, and a payment is never captured twice.
import { CallError, currentRuntime, NoProcessError, self } from "@trellis/core";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { notify } from "./events.js";
import { name, PAYMENTS } from "./names.js";
import { type LedgerRow, ledgerRow, writeLedger } from "./store.js";

const { ok, nextState, keepStateAndData, stop } = GenStateMachine.Result;
const { reply, postpone, stateTimeout } = GenStateMachine.Action;

export type PaymentState =
  | "pending"
  | "authorized"
  | "declined"
  | "captured"
  | "refunded"
  | "voided";

/** What a payment looks like from outside. */
export type PaymentView = {
  readonly id: string;
  readonly customer: string;
  readonly amount: number;
  readonly state: PaymentState;
};

/** A refusal: the request does not apply in the payment's state. */
export type Refused = { readonly error: string; readonly state: PaymentState };

/** What the machine starts with (the same arguments again at a restart). */
export interface PaymentArgs {
  readonly id: string;
  readonly customer: string;
  readonly amount: number;
  readonly authorizationTimeoutMs: number;
  readonly retentionMs: number;
  readonly maxAmountCents: number;
}

interface PaymentData extends PaymentArgs {
  /** When it was authorized (runtime clock), or null. */
  readonly authorizedAt: number | null;
  readonly captures: number;
}

export interface PaymentTypes {
  state: PaymentState;
  data: PaymentData;
  calls:
    | GenStateMachine.Request<{ type: "authorize" }, PaymentView>
    | GenStateMachine.Request<{ type: "capture" }, PaymentView | Refused>
    | GenStateMachine.Request<{ type: "refund" }, PaymentView | Refused>
    | GenStateMachine.Request<{ type: "status" }, PaymentView>
    | GenStateMachine.Request<{ type: "await"; state: PaymentState }, PaymentView | Refused>;
}

/** The states each state can still lead to. */
const REACHABLE: Readonly<Record<PaymentState, readonly PaymentState[]>> = {
  pending: ["authorized", "declined", "captured", "refunded", "voided"],
  authorized: ["captured", "refunded", "voided"],
  captured: ["refunded"],
  declined: [],
  refunded: [],
  voided: [],
};

/** Whether `s` names a payment state. */
export function isState(s: string): s is PaymentState {
  return Object.hasOwn(REACHABLE, s);
}

const view = (state: PaymentState, d: PaymentData): PaymentView => ({
  id: d.id,
  customer: d.customer,
  amount: d.amount,
  state,
});

/** Records the transition in the ledger and tells the audit log. */
function record(from: PaymentState | null, to: PaymentState, d: PaymentData, cause: string): void {
  writeLedger([d.id, d.customer, d.amount, to, d.authorizedAt, d.captures]);
  notify({ type: "payment", id: d.id, customer: d.customer, amount: d.amount, from, to, cause });
}

/** A settled payment stays up this long to answer, then retires (its row stays). */
const retire = (d: PaymentData) => stateTimeout(d.retentionMs, "retire");

export const PaymentFlow: GenStateMachine.Definition<PaymentTypes, PaymentArgs> =
  GenStateMachine.define({
    types: {} as PaymentTypes,
    callbackMode: "handleEvent",
    initial: "pending",
    transitions: [
      { from: "pending", to: "authorized", label: "authorize" },
      { from: "pending", to: "declined", label: "authorize, over the limit" },
      { from: "authorized", to: "captured", label: "capture" },
      { from: "authorized", to: "voided", label: "state timeout: not captured in time" },
      { from: "captured", to: "refunded", label: "refund" },
    ],

    init(args: PaymentArgs) {
      const row: LedgerRow | undefined = ledgerRow(args.id);
      if (row === undefined) {
        const data: PaymentData = { ...args, authorizedAt: null, captures: 0 };
        record(null, "pending", data, "created by the customer's session");
        return ok("pending", data);
      }
      // A restart: resume where the ledger says the payment was.
      const [, , , state, authorizedAt, captures] = row;
      const data: PaymentData = { ...args, authorizedAt, captures };
      if (state === "authorized" && authorizedAt !== null) {
        const deadline = authorizedAt + args.authorizationTimeoutMs;
        const remainingMs = Math.max(0, deadline - currentRuntime().now());
        notify({ type: "payment_resumed", id: args.id, state, pid: self(), remainingMs });
        return ok(state, data, stateTimeout(deadline, "void", { abs: true }));
      }
      notify({ type: "payment_resumed", id: args.id, state, pid: self(), remainingMs: null });
      return REACHABLE[state].length === 0 || state === "captured"
        ? ok(state, data, retire(data))
        : ok(state, data);
    },

    handleEvent(event, state, d) {
      if (event.type === "stateTimeout") {
        if (event.content === "void" && state === "authorized") {
          record(
            state,
            "voided",
            d,
            `not captured within ${d.authorizationTimeoutMs} ms: state timeout`,
          );
          return nextState("voided", d, retire(d));
        }
        notify({ type: "payment_retired", id: d.id, state });
        return stop("normal");
      }
      if (event.type !== "call") return keepStateAndData(); // stray messages are ignored
      const { content: request, from } = event;
      switch (request.type) {
        case "status":
          return keepStateAndData(reply(from, view(state, d)));
        case "await":
          if (request.state === state) return keepStateAndData(reply(from, view(state, d)));
          if (!REACHABLE[state].includes(request.state)) {
            return keepStateAndData(
              reply(from, {
                error: `payment is ${state}, it will never be ${request.state}`,
                state,
              }),
            );
          }
          return keepStateAndData(postpone()); // retried at every state change
        case "authorize":
          if (state !== "pending") return keepStateAndData(reply(from, view(state, d)));
          if (d.amount > d.maxAmountCents) {
            record(state, "declined", d, `over the ${d.maxAmountCents} limit`);
            return nextState("declined", d, [reply(from, view("declined", d)), retire(d)]);
          }
          {
            const next = { ...d, authorizedAt: currentRuntime().now() };
            record(state, "authorized", next, `state timeout ${d.authorizationTimeoutMs} ms armed`);
            return nextState("authorized", next, [
              reply(from, view("authorized", next)),
              stateTimeout(d.authorizationTimeoutMs, "void"),
            ]);
          }
        case "capture":
          if (state === "pending") return keepStateAndData(postpone()); // waits for the authorization
          if (state !== "authorized") {
            return keepStateAndData(
              reply(from, { error: `cannot capture a payment that is ${state}`, state }),
            );
          }
          {
            const next = { ...d, captures: d.captures + 1 };
            record(state, "captured", next, "captured before the authorization ran out");
            return nextState("captured", next, [reply(from, view("captured", next)), retire(next)]);
          }
        case "refund":
          if (state !== "captured") {
            return keepStateAndData(
              reply(from, { error: `cannot refund a payment that is ${state}`, state }),
            );
          }
          record(state, "refunded", d, "refund requested");
          return nextState("refunded", d, [reply(from, view("refunded", d)), retire(d)]);
      }
    },
  });

/** The machine of payment `id`, by its registry name. */
const payment = (id: string) => GenStateMachine.named(PaymentFlow, name(`payment/${id}`));

/** The child spec: transient (restarted only after a crash), named `payment/<id>`. */
export function childSpec(args: PaymentArgs): GenStateMachine.ChildSpec {
  return GenStateMachine.childSpec(PaymentFlow, args, {
    id: args.id,
    restart: "transient",
    name: name(`payment/${args.id}`),
  });
}

/** Starts a payment under the payments DynamicSupervisor. */
export async function start(args: PaymentArgs): Promise<void> {
  await DynamicSupervisor.startChild(PAYMENTS, childSpec(args));
}

/** Whether the machine of payment `id` is running. */
export function isRunning(id: string): boolean {
  return GenStateMachine.whereis(payment(id)) !== undefined;
}

/**
 * Authorizes a pending payment (declined above the limit). If the machine dies before it
 * answers, its supervisor restarts it from the ledger; authorizing is idempotent, so ask
 * once more after the supervisor has handled the exit.
 */
export async function authorize(id: string): Promise<PaymentView> {
  try {
    return await GenStateMachine.call(payment(id), { type: "authorize" }, { timeout: 5000 });
  } catch (e) {
    if (!(e instanceof CallError || e instanceof NoProcessError)) throw e;
    await DynamicSupervisor.countChildren(PAYMENTS); // answered after the restart
    return GenStateMachine.call(payment(id), { type: "authorize" }, { timeout: 5000 });
  }
}

/** Captures an authorized payment; a capture sent while pending waits for the authorization. */
export function capture(id: string): Promise<PaymentView | Refused> {
  return GenStateMachine.call(payment(id), { type: "capture" }, { timeout: 5000 });
}

/** Refunds a captured payment. */
export function refund(id: string): Promise<PaymentView | Refused> {
  return GenStateMachine.call(payment(id), { type: "refund" }, { timeout: 5000 });
}

/** The payment as it is now. */
export function status(id: string): Promise<PaymentView> {
  return GenStateMachine.call(payment(id), { type: "status" }, { timeout: 5000 });
}

/**
 * Waits until the payment is in `state` (the call is postponed until a state change makes
 * it true), or answers at once with a refusal if it can no longer get there.
 */
export function awaitState(
  id: string,
  state: PaymentState,
  timeout: number,
): Promise<PaymentView | Refused> {
  return GenStateMachine.call(payment(id), { type: "await", state }, { timeout });
}

/** Whether an answer is a refusal. */
export function isRefused(answer: PaymentView | Refused): answer is Refused {
  return "error" in answer;
}
