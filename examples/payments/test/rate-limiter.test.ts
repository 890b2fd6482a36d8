import { sleep } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { expect, test } from "vitest";
import * as RateLimiter from "../src/rate-limiter.js";
import { pieces, startPieces } from "./support.js";

const limit = { capacity: 3, refill: 1, intervalMs: 100 };

test("a full bucket gives `capacity` tokens, then refuses with the time to the next refill", () =>
  withRuntime(async () => {
    await startPieces([pieces.registry()]);
    await RateLimiter.startLink("ann", limit);
    expect(await RateLimiter.take("ann")).toEqual({ ok: true, left: 2 });
    expect(await RateLimiter.take("ann")).toEqual({ ok: true, left: 1 });
    expect(await RateLimiter.take("ann")).toEqual({ ok: true, left: 0 });
    expect(await RateLimiter.take("ann")).toEqual({ ok: false, retryAfterMs: 100 });
    await sleep(40);
    expect(await RateLimiter.take("ann")).toEqual({ ok: false, retryAfterMs: 60 });
  }));

test("the sendAfter timer refills `refill` tokens per interval, up to the capacity", () =>
  withRuntime(async ({ runtime }) => {
    await startPieces([pieces.registry()]);
    await RateLimiter.startLink("ann", limit);
    for (let i = 0; i < 3; i++) await RateLimiter.take("ann");
    await sleep(100);
    expect(await RateLimiter.tokens("ann")).toBe(1);
    await sleep(100);
    expect(await RateLimiter.tokens("ann")).toBe(2);
    await sleep(1000);
    expect(await RateLimiter.tokens("ann")).toBe(3);
    expect(runtime.pendingTimers()).toBe(0); // a full bucket keeps no timer running
  }));

test("each customer has a bucket of its own", () =>
  withRuntime(async () => {
    await startPieces([pieces.registry()]);
    await RateLimiter.startLink("ann", limit);
    await RateLimiter.startLink("bob", limit);
    for (let i = 0; i < 3; i++) await RateLimiter.take("ann");
    expect((await RateLimiter.take("ann")).ok).toBe(false);
    expect(await RateLimiter.take("bob")).toEqual({ ok: true, left: 2 });
  }));
