import { CallTimeoutError, Sys, spawn } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Ets from "@trellis/ets-table";
import * as GenServer from "@trellis/gen-server";
import { expect, test } from "vitest";
import * as Cache from "../src/cache-server.js";
import { main } from "../src/main.js";

test("writes go through the server, reads come from the table", () =>
  withRuntime(async () => {
    await Cache.startLink();
    expect(Cache.get("a")).toBeUndefined();
    expect(await Cache.put("a", "1")).toBe(true);
    expect(Cache.get("a")).toBe("1");
    expect(Cache.size()).toBe(1);
    expect(await Cache.remove("a")).toBe(true);
    expect(await Cache.remove("a")).toBe(false);
    expect(Cache.size()).toBe(0);
  }));

test("reads need no message: they answer while the server is suspended", () =>
  withRuntime(async ({ runtime }) => {
    const server = await Cache.startLink();
    await Cache.put("k", "v");
    await Sys.suspend(server);
    const queued = runtime.processInfo(server)?.messageQueueLength;
    for (let i = 0; i < 100; i++) expect(Cache.get("k")).toBe("v");
    expect(runtime.processInfo(server)?.messageQueueLength).toBe(queued);
    await Sys.resume(server);
  }));

test("a write made while the server is suspended is applied when it resumes", () =>
  withRuntime(async () => {
    const server = await Cache.startLink();
    await Cache.put("k", "old");
    await Sys.suspend(server);
    await expect(
      GenServer.call(server, { type: "put", key: "k", value: "new" }, 100),
    ).rejects.toBeInstanceOf(CallTimeoutError);
    expect(Cache.get("k")).toBe("old");
    await Sys.resume(server);
    // The timed-out call was still queued; the server applies it when it resumes.
    await Cache.put("other", "x");
    expect(Cache.get("k")).toBe("new");
  }));

test("other processes read the table but cannot write it (protected)", () =>
  withRuntime(async () => {
    await Cache.startLink();
    await Cache.put("k", "v");
    const seen = await new Promise<unknown>((resolve) => {
      spawn(() => {
        const read = Cache.get("k");
        let error: unknown;
        try {
          Ets.insert(Cache.TABLE, ["k", "x"]);
        } catch (e) {
          error = e;
        }
        resolve({ read, denied: error instanceof Ets.AccessError });
      });
    });
    expect(seen).toEqual({ read: "v", denied: true });
  }));

test("the table goes away with its owner", () =>
  withRuntime(async () => {
    const server = await Cache.startLink();
    await GenServer.stop(server);
    expect(Ets.whereis(Cache.TABLE)).toBeUndefined();
  }));

test("main runs and prints what happens", async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  expect(lines).toEqual([
    "get greeting -> hello (size 2)",
    "server suspended; get lang -> ts (no message needed)",
    "a write while suspended is waiting: true; get lang -> ts",
    "server resumed; get lang -> erlang",
    "writing the table directly: AccessError",
    "removed lang: true; size 1",
  ]);
});
