// A token bucket in a GenServer. Each request takes a token; an empty bucket denies. The
// server refills itself: while the bucket is not full it keeps one timer armed with
// `sendAfter(self(), "refill", everyMs)`, and the timer's message arrives in `handleInfo`
// like any other message. A full bucket has no timer, so an idle limiter costs nothing.
import { type Ref, self, sendAfter } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";

/** How the bucket is sized and refilled. */
export interface BucketOptions {
  /** The most tokens the bucket holds (and holds at the start). */
  readonly capacity: number;
  /** Tokens added at each refill. */
  readonly refill: number;
  /** Milliseconds between refills. */
  readonly everyMs: number;
}

/** What `request` answers. */
export type Decision = "allow" | "deny";

type LimiterCall =
  | GenServer.Request<{ type: "request" }, Decision>
  | GenServer.Request<{ type: "tokens" }, number>;

interface Bucket {
  readonly options: BucketOptions;
  readonly tokens: number;
  readonly timer: Ref | undefined;
}

const REFILL = "refill";
const { ok, reply, noreply } = GenServer.Result;

/** Arms the refill timer if the bucket is not full and none is pending. */
function armed(bucket: Bucket): Bucket {
  if (bucket.tokens >= bucket.options.capacity || bucket.timer !== undefined) return bucket;
  return { ...bucket, timer: sendAfter(self(), REFILL, bucket.options.everyMs) };
}

const RateLimiter = GenServer.define({
  init: (options: BucketOptions) =>
    ok<Bucket>({ options, tokens: options.capacity, timer: undefined }),

  handleCall(call: LimiterCall, _from, bucket) {
    if (call.type === "tokens") return reply(bucket.tokens, bucket);
    if (bucket.tokens === 0) return reply<Decision, Bucket>("deny", bucket);
    return reply<Decision, Bucket>("allow", armed({ ...bucket, tokens: bucket.tokens - 1 }));
  },

  handleInfo(message, bucket) {
    if (message !== REFILL) return noreply(bucket);
    const { capacity, refill } = bucket.options;
    const tokens = Math.min(capacity, bucket.tokens + refill);
    return noreply(armed({ ...bucket, tokens, timer: undefined }));
  },
});

/** A running limiter. */
export type Limiter = GenServer.Server<LimiterCall, never>;

/** Starts a limiter with a full bucket, linked to the caller. */
export function startLink(options: BucketOptions): Promise<Limiter> {
  return GenServer.startLink(RateLimiter, options);
}

/** Takes a token if there is one: `"allow"`, else `"deny"`. */
export function request(limiter: Limiter): Promise<Decision> {
  return GenServer.call(limiter, { type: "request" });
}

/** The tokens left in the bucket. */
export function tokens(limiter: Limiter): Promise<number> {
  return GenServer.call(limiter, { type: "tokens" });
}
