import { withRuntime } from "@trellis/core/testing";
import * as Task from "@trellis/task";
import { expect, test } from "vitest";
import * as Config from "../src/config.js";
import * as Events from "../src/events.js";
import { TASKS } from "../src/names.js";
import { profile } from "../src/profile.js";
import { cachedProfile } from "../src/store.js";
import { pieces, startPieces, TEST_CONFIG } from "./support.js";

const start = (lines?: string[]): Promise<unknown> =>
  startPieces([pieces.config(), pieces.events(lines), pieces.store(), pieces.tasks()]);

test("asks the three backends in parallel and caches a complete profile", () =>
  withRuntime(async ({ clock }) => {
    await start();
    const first = await profile("ann");
    expect(first.source).toBe("backends");
    expect(first.profile).toMatchObject({ customer: "ann", missing: [] });
    expect(first.profile.account?.name).toBe("Ann");
    expect(clock.now()).toBe(20); // the slowest backend's latency: they ran side by side
    expect(cachedProfile("ann")).toEqual(first.profile);
    const second = await profile("ann");
    expect(second).toEqual({ profile: first.profile, source: "cache" });
    expect(clock.now()).toBe(20); // a cache hit is a table lookup: no time, no process hop
  }));

test("a hanging backend gives a partial answer after the timeout, and its task is killed", () =>
  withRuntime(async ({ clock }) => {
    const lines: string[] = [];
    await start(lines);
    await Config.setBackend("risk", { mode: "slow" });
    const { profile: p } = await profile("bob");
    expect(p.missing).toEqual(["risk"]);
    expect(p.risk).toBeNull();
    expect(p.account).not.toBeNull();
    expect(clock.now()).toBe(TEST_CONFIG.backendTimeoutMs);
    expect(await Task.Supervisor.children(TASKS)).toEqual([]);
    expect(cachedProfile("bob")).toBeUndefined(); // partial answers are not cached
    await Events.flush(); // the audit log has handled what was reported so far
    expect(lines.some((l) => l.includes("backend risk for bob: no answer in time"))).toBe(true);
  }));

test("a crashing backend gives a partial answer, not an error", () =>
  withRuntime(async ({ clock }) => {
    await start();
    await Config.setBackend("loyalty", { mode: "crash" });
    const { profile: p, source } = await profile("carol");
    expect(source).toBe("backends");
    expect(p.missing).toEqual(["loyalty"]);
    expect(p.loyalty).toBeNull();
    expect(clock.now()).toBe(20); // no waiting for the timeout: the crash came back at once
  }));

test("with every backend down, the answer is still an answer", () =>
  withRuntime(async () => {
    await start();
    await Config.update((c) => ({
      ...c,
      backends: {
        accounts: { mode: "crash", latencyMs: 1 },
        risk: { mode: "slow", latencyMs: 1 },
        loyalty: { mode: "crash", latencyMs: 1 },
      },
    }));
    const { profile: p } = await profile("dave");
    expect(p).toEqual({
      customer: "dave",
      account: null,
      risk: null,
      loyalty: null,
      missing: ["accounts", "risk", "loyalty"],
    });
  }));
