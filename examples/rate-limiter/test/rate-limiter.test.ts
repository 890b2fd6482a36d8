import { Sys, sleep } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { expect, test } from "vitest";
import { main } from "../src/main.js";
import * as RateLimiter from "../src/rate-limiter.js";

test("allows up to the capacity, then denies", () =>
  withRuntime(async () => {
    const limiter = await RateLimiter.startLink({ capacity: 2, refill: 1, everyMs: 100 });
    expect(await RateLimiter.request(limiter)).toBe("allow");
    expect(await RateLimiter.request(limiter)).toBe("allow");
    expect(await RateLimiter.request(limiter)).toBe("deny");
    expect(await RateLimiter.tokens(limiter)).toBe(0);
  }));

test("the timer refills the bucket through handleInfo, up to the capacity", () =>
  withRuntime(async ({ clock }) => {
    const limiter = await RateLimiter.startLink({ capacity: 4, refill: 2, everyMs: 1000 });
    for (let i = 0; i < 4; i++) await RateLimiter.request(limiter);
    const start = clock.now();
    await sleep(999);
    expect(await RateLimiter.tokens(limiter)).toBe(0);
    await sleep(1);
    expect(clock.now() - start).toBe(1000);
    expect(await RateLimiter.tokens(limiter)).toBe(2);
    await sleep(60_000);
    expect(await RateLimiter.tokens(limiter)).toBe(4);
  }));

test("a full bucket keeps no timer", () =>
  withRuntime(async () => {
    const limiter = await RateLimiter.startLink({ capacity: 1, refill: 1, everyMs: 500 });
    const timer = async () => ((await Sys.getState(limiter)) as { timer: unknown }).timer;
    expect(await timer()).toBeUndefined();
    await RateLimiter.request(limiter);
    expect(await timer()).toBeDefined();
    await sleep(500);
    expect(await timer()).toBeUndefined();
    expect(await RateLimiter.request(limiter)).toBe("allow");
  }));

test("main runs and prints what happens", async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  expect(lines).toEqual([
    "burst of 5: allow allow allow deny deny",
    "after 1s: 1 token, request -> allow",
    "after 10s idle: 3 tokens (capped at capacity)",
  ]);
});
