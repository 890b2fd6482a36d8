// Three simulated backends behind a customer's profile. Each answer takes `latencyMs` of
// the runtime's clock (core's `sleep`, so tests run them in virtual time); the config can
// make one hang ("slow") or crash, which is how the demo injects its faults.
import { sleep } from "@trellis/core";
import type { BackendName, BackendSettings } from "./config.js";

export type Account = { readonly name: string; readonly since: number };
export type Risk = { readonly score: number; readonly level: "low" | "medium" | "high" };
export type Loyalty = { readonly points: number; readonly tier: "bronze" | "silver" | "gold" };

/** What each backend answers. */
export interface BackendAnswers {
  accounts: Account;
  risk: Risk;
  loyalty: Loyalty;
}

/** A "slow" backend takes this long: far more than any sensible timeout. */
export const SLOW_MS = 60_000;

/** A stable number per customer, so answers are the same on every run. */
function seed(customer: string): number {
  let h = 7;
  for (const ch of customer) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 100_003;
  return h;
}

function answer<B extends BackendName>(backend: B, customer: string): BackendAnswers[B] {
  const s = seed(customer);
  const answers: BackendAnswers = {
    accounts: {
      name: customer.charAt(0).toUpperCase() + customer.slice(1),
      since: 2015 + (s % 10),
    },
    risk: { score: s % 100, level: s % 100 < 40 ? "low" : s % 100 < 80 ? "medium" : "high" },
    loyalty: {
      points: (s * 7) % 5000,
      tier: (s * 7) % 5000 < 1500 ? "bronze" : (s * 7) % 5000 < 3500 ? "silver" : "gold",
    },
  };
  return answers[backend];
}

/** Asks one backend about `customer`, behaving as `settings` say. Runs inside a task. */
export async function ask<B extends BackendName>(
  backend: B,
  customer: string,
  settings: BackendSettings,
): Promise<BackendAnswers[B]> {
  await sleep(settings.mode === "slow" ? SLOW_MS : settings.latencyMs);
  if (settings.mode === "crash") throw new Error(`${backend} backend is down`);
  return answer(backend, customer);
}
