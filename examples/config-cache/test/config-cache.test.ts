import * as Agent from "@trellis/agent";
import { InitError } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { expect, test } from "vitest";
import * as ConfigCache from "../src/config-cache.js";
import { main } from "../src/main.js";

test("loads the configuration when it starts, and answers gets", () =>
  withRuntime(async () => {
    const cache = await ConfigCache.startLink(() => ({ a: "1" }));
    expect(await ConfigCache.get(cache, "a")).toBe("1");
    expect(await ConfigCache.get(cache, "missing")).toBeUndefined();
    expect(await ConfigCache.version(cache)).toBe(1);
  }));

test("a source that fails at start makes the start fail with InitError", () =>
  withRuntime(async () => {
    const err = await ConfigCache.startLink(() => {
      throw new Error("no file");
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InitError);
  }));

test("updates are applied in order and bump the version", () =>
  withRuntime(async () => {
    const cache = await ConfigCache.startLink(() => ({}));
    await Promise.all([
      ConfigCache.set(cache, "x", "1"),
      ConfigCache.set(cache, "y", "2"),
      ConfigCache.set(cache, "x", "3"),
    ]);
    expect(await Agent.get(cache, (c) => c)).toEqual({ version: 4, values: { x: "3", y: "2" } });
  }));

test("reload swaps the values and answers what changed; a failed load changes nothing", () =>
  withRuntime(async () => {
    const cache = await ConfigCache.startLink(async () => ({ a: "1", b: "2" }));
    expect(await ConfigCache.reload(cache, () => ({ a: "1", b: "3", c: "4" }))).toEqual(["b", "c"]);
    expect(await ConfigCache.reload(cache, () => ({ a: "1" }))).toEqual(["b", "c"]);
    await expect(
      ConfigCache.reload(cache, () => Promise.reject(new Error("unreadable"))),
    ).rejects.toThrow("unreadable");
    expect(await Agent.get(cache, (c) => c)).toEqual({ version: 3, values: { a: "1" } });
  }));

test("main runs and prints what happens", async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  expect(lines).toEqual([
    "v1: mode=dev",
    "v2: workers=4",
    "reloaded, changed: mode, region, workers",
    "v3: mode=prod",
    "bad reload: config file is unreadable; still v3",
  ]);
});
