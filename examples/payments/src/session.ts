// A customer's session: a GenServer started on demand (by the customer's supervisor, under
// the customers DynamicSupervisor), found through its registry name `session/<customer>`,
// and stopped by its own idle timeout when the customer goes quiet. Every result it returns
// re-arms the timeout; when it fires, handleInfo gets core's TIMEOUT and the session stops
// "normal". The customer's supervisor then shuts itself down (autoShutdown), rate limiter
// included: nothing of an idle customer stays in memory.
import { self, TIMEOUT } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import * as Config from "./config.js";
import { notify } from "./events.js";
import { name } from "./names.js";
import * as Payment from "./payment.js";
import { nextPaymentId } from "./store.js";

/** What a session starts with. */
export interface SessionArgs {
  readonly customer: string;
  readonly idleMs: number;
}

/** What `info` answers. */
export type SessionInfo = {
  readonly customer: string;
  readonly pid: string;
  /** Requests handled by this incarnation of the session. */
  readonly requests: number;
  /** Payments created in this incarnation. */
  readonly payments: readonly string[];
};

type SessionCall =
  | GenServer.Request<{ type: "info" }, SessionInfo>
  | GenServer.Request<{ type: "pay"; amount: number }, Payment.PaymentView>;

type SessionCast = { type: "touch" };

interface SessionState extends SessionArgs {
  readonly requests: number;
  readonly created: readonly string[];
}

const { ok, reply, noreply, stop } = GenServer.Result;

const Session = GenServer.define(
  {
    init(args: SessionArgs) {
      notify({
        type: "session_started",
        customer: args.customer,
        pid: self(),
        idleMs: args.idleMs,
      });
      return ok<SessionState>({ ...args, requests: 0, created: [] }, { timeout: args.idleMs });
    },

    async handleCall(request: SessionCall, _from, s) {
      const idle = { timeout: s.idleMs };
      switch (request.type) {
        case "info": {
          const next = { ...s, requests: s.requests + 1 };
          const info: SessionInfo = {
            customer: s.customer,
            pid: String(self()),
            requests: next.requests,
            payments: next.created,
          };
          return reply(info, next, idle);
        }
        case "pay": {
          // the payment settings in force now: a config change applies to the next payment
          const settings = await Config.read((c) => ({
            authorizationTimeoutMs: c.authorizationTimeoutMs,
            retentionMs: c.settledRetentionMs,
            maxAmountCents: c.maxAmountCents,
          }));
          const id = nextPaymentId();
          await Payment.start({ id, customer: s.customer, amount: request.amount, ...settings });
          const payment = await Payment.authorize(id);
          const next = { ...s, requests: s.requests + 1, created: [...s.created, id] };
          return reply(payment, next, idle);
        }
      }
    },

    handleCast(_touch: SessionCast, s) {
      return noreply({ ...s, requests: s.requests + 1 }, { timeout: s.idleMs });
    },

    handleInfo(message, s) {
      if (message === TIMEOUT) {
        notify({ type: "session_idle", customer: s.customer, idleMs: s.idleMs });
        return stop("normal", s);
      }
      return noreply(s, { timeout: s.idleMs });
    },
  },
  { restart: "transient" },
);

const session = (customer: string) => GenServer.named(Session, name(`session/${customer}`));

/**
 * The child spec: transient (restarted after a crash, not after its idle stop) and
 * significant (its idle stop shuts its customer's supervisor down).
 */
export function childSpec(args: SessionArgs): GenServer.ChildSpec {
  return {
    ...GenServer.childSpec(Session, args, {
      id: "session",
      name: name(`session/${args.customer}`),
    }),
    significant: true,
  };
}

/** Starts a session linked to the caller (tests). */
export function startLink(args: SessionArgs): Promise<GenServer.Server<SessionCall, SessionCast>> {
  return GenServer.startLink(Session, args, { name: name(`session/${args.customer}`) });
}

/** The session's view of its customer. */
export function info(customer: string): Promise<SessionInfo> {
  return GenServer.call(session(customer), { type: "info" });
}

/** Creates a payment for the customer and authorizes it. */
export function pay(customer: string, amount: number): Promise<Payment.PaymentView> {
  return GenServer.call(session(customer), { type: "pay", amount }, 10_000);
}

/** Counts a request that the session does not handle itself (resets its idle timeout). */
export function touch(customer: string): void {
  GenServer.cast(session(customer), { type: "touch" });
}
