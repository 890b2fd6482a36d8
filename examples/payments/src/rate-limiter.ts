// A token bucket per customer: a GenServer holding the tokens, refilled by a timer it sends
// itself (core's sendAfter, Erlang's erlang:send_after/3). Every customer request takes a
// token; an empty bucket refuses the request and says when the next refill comes.
import { type Ref, readTimer, self, sendAfter } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import type { RateLimit } from "./config.js";
import { notify } from "./events.js";
import { name } from "./names.js";

/** What `take` answers. */
export type Take =
  | { readonly ok: true; readonly left: number }
  | { readonly ok: false; readonly retryAfterMs: number };

type LimiterCall =
  | GenServer.Request<{ type: "take" }, Take>
  | GenServer.Request<{ type: "tokens" }, number>;

interface Bucket {
  readonly customer: string;
  readonly limit: RateLimit;
  readonly tokens: number;
  /** The pending refill timer, while the bucket is not full. */
  readonly timer: Ref | undefined;
}

const REFILL = "refill";

/** Makes sure a refill is on its way while the bucket is not full. */
function withTimer(b: Bucket): Bucket {
  if (b.tokens >= b.limit.capacity || b.timer !== undefined) return b;
  return { ...b, timer: sendAfter(self(), REFILL, b.limit.intervalMs) };
}

const RateLimiter = GenServer.define({
  init: (arg: { customer: string; limit: RateLimit }) =>
    GenServer.Result.ok<Bucket>({ ...arg, tokens: arg.limit.capacity, timer: undefined }),

  handleCall(request: LimiterCall, _from, b) {
    switch (request.type) {
      case "take": {
        if (b.tokens > 0) {
          const next = withTimer({ ...b, tokens: b.tokens - 1 });
          return GenServer.Result.reply({ ok: true, left: next.tokens } as Take, next);
        }
        const left = b.timer === undefined ? false : readTimer(b.timer);
        const retryAfterMs = left === false ? b.limit.intervalMs : left;
        notify({ type: "rate_limited", customer: b.customer, retryAfterMs });
        return GenServer.Result.reply({ ok: false, retryAfterMs } as Take, b);
      }
      case "tokens":
        return GenServer.Result.reply(b.tokens, b);
    }
  },

  handleInfo(message, b) {
    if (message !== REFILL) return GenServer.Result.noreply(b);
    const tokens = Math.min(b.limit.capacity, b.tokens + b.limit.refill);
    return GenServer.Result.noreply(withTimer({ ...b, tokens, timer: undefined }));
  },
});

const limiter = (customer: string) => GenServer.named(RateLimiter, name(`limiter/${customer}`));

/** The limiter's child spec, named `limiter/<customer>` in the registry. */
export function childSpec(customer: string, limit: RateLimit): GenServer.ChildSpec {
  return GenServer.childSpec(
    RateLimiter,
    { customer, limit },
    { id: "limiter", name: name(`limiter/${customer}`) },
  );
}

/** Starts a limiter linked to the caller (tests). */
export function startLink(
  customer: string,
  limit: RateLimit,
): Promise<GenServer.Server<LimiterCall, never>> {
  return GenServer.startLink(
    RateLimiter,
    { customer, limit },
    { name: name(`limiter/${customer}`) },
  );
}

/** Takes a token for one request of `customer`. */
export function take(customer: string): Promise<Take> {
  return GenServer.call(limiter(customer), { type: "take" }, 1000);
}

/** The tokens left (tests, the demo). */
export function tokens(customer: string): Promise<number> {
  return GenServer.call(limiter(customer), { type: "tokens" });
}
