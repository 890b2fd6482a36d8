// Runs the documentation's examples (test/examples/*.ts).
import { receive, self, send, spawnLink } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Ets from "@trellis/ets-table";
import { expect, it } from "vitest";
import * as Cache from "./examples/cache.js";

it("the cache example reads without a call", () =>
  withRuntime(async ({ clock }) => {
    // #region usage
    await Cache.startLink(() => clock.now());
    await Cache.put("greeting", "hello", 60_000);
    Cache.get("greeting", clock.now()); // "hello", read from the table directly
    // #endregion usage
    expect(Cache.get("greeting", clock.now())).toBe("hello");
    expect(Cache.get("greeting", clock.now() + 60_000)).toBeUndefined();
    expect(Cache.get("missing", clock.now())).toBeUndefined();
    // Any process reads; only the server writes.
    const me = self();
    spawnLink(() => {
      send(me, Cache.get("greeting", 0));
      try {
        Ets.insert("cache", ["greeting", "hijacked", 0]);
      } catch (e) {
        send(me, e);
      }
    });
    expect(await receive()).toBe("hello");
    expect(await receive()).toBeInstanceOf(Ets.AccessError);
  }));
