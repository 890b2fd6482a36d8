// The service's shared tables, owned by one GenServer ("the store"):
//
// - payments.profiles (protected): the read-through profile cache. Any process reads it
//   directly, with an ETS lookup in its own process (no message to anyone); only the store
//   writes it, so writes are serialised through `cacheProfile`, a call.
// - payments.ledger (public): one row per payment, written by the payment's own state
//   machine at every transition. A machine that crashes and is restarted resumes from its
//   row, and a payment whose machine has retired is still answered from it.
// - payments.counters (public): the payment id sequence (an atomic updateCounter, Erlang's
//   idiom for a unique id without a process).
//
// The tables belong to the store: if it dies they go with it, and the supervisor
// (rest_for_one) restarts the store and everything started after it, so nobody keeps
// state that points into tables that no longer exist.
import { currentRuntime } from "@trellis/core";
import * as Ets from "@trellis/ets-table";
import * as GenServer from "@trellis/gen-server";
import { STORE } from "./names.js";
import type { PaymentState } from "./payment.js";
import type { Profile } from "./profile.js";

const PROFILES = "payments.profiles";
const LEDGER = "payments.ledger";
const COUNTERS = "payments.counters";

type CacheRow = [customer: string, profile: Profile, expiresAt: number];

/** A payment as the ledger records it. */
export type LedgerRow = [
  id: string,
  customer: string,
  amount: number,
  state: PaymentState,
  /** When the authorization was given (runtime clock, ms), or null. */
  authorizedAt: number | null,
  /** How many times it was captured: 0 or 1, ever. */
  captures: number,
];

type CounterRow = [name: string, value: number];

type StoreCall = GenServer.Request<
  { type: "cache_put"; customer: string; profile: Profile; expiresAt: number },
  true
>;

const Store = GenServer.define({
  init: (_: undefined) => {
    Ets.create<CacheRow>(PROFILES, { named: true, access: "protected" });
    Ets.create<LedgerRow>(LEDGER, { named: true, access: "public" });
    Ets.create<CounterRow>(COUNTERS, { named: true, access: "public" });
    return GenServer.Result.ok(null);
  },
  handleCall(put: StoreCall, _from, state) {
    Ets.insert<CacheRow>(PROFILES, [put.customer, put.profile, put.expiresAt]);
    return GenServer.Result.reply(true as const, state);
  },
});

/** The store's child spec. */
export function childSpec(): GenServer.ChildSpec {
  return GenServer.childSpec(Store, undefined, { id: "store", name: STORE });
}

/** A fresh cached profile, read in the calling process; `undefined` on a miss. */
export function cachedProfile(customer: string): Profile | undefined {
  const [row] = Ets.lookup<CacheRow>(PROFILES, customer);
  return row !== undefined && row[2] > currentRuntime().now() ? row[1] : undefined;
}

/** Caches a profile for `ttlMs` (a call: the store is the table's only writer). */
export function cacheProfile(customer: string, profile: Profile, ttlMs: number): Promise<true> {
  const expiresAt = currentRuntime().now() + ttlMs;
  return GenServer.call<true>(STORE, { type: "cache_put", customer, profile, expiresAt });
}

/** A payment's ledger row, read in the calling process. */
export function ledgerRow(id: string): LedgerRow | undefined {
  return Ets.lookup<LedgerRow>(LEDGER, id)[0];
}

/** Every ledger row (for the demo's invariants). */
export function ledger(): LedgerRow[] {
  return Ets.toList<LedgerRow>(LEDGER);
}

/** Records a payment's row (its state machine is the only writer of its row). */
export function writeLedger(row: LedgerRow): void {
  Ets.insert<LedgerRow>(LEDGER, row);
}

/** The next payment id: `pay-1`, `pay-2`… (atomic, from any process). */
export function nextPaymentId(): string {
  const n = Ets.updateCounter<CounterRow>(COUNTERS, "payment", 1, { default: ["payment", 0] });
  return `pay-${n}`;
}
