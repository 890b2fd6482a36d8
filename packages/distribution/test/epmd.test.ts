import { afterEach, describe, expect, it } from "vitest";
import {
  epmdNames,
  epmdPortPlease,
  epmdRegister,
  type PortMapper,
  startPortMapper,
} from "../src/index.js";
import { LinePeer, requireErlang, startEpmd } from "./support/erl.js";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function registerLookupUnregister(port: number): Promise<void> {
  const reg = await epmdRegister("alpha", 40001, { port });
  expect(reg.creation).toBeGreaterThan(0);
  const entry = await epmdPortPlease("alpha", { port });
  expect(entry).toEqual({
    name: "alpha",
    port: 40001,
    hidden: true,
    highestVersion: 6,
    lowestVersion: 6,
  });
  expect(await epmdNames({ port })).toContainEqual({ name: "alpha", port: 40001 });
  expect(await epmdPortPlease("nobody", { port })).toBeUndefined();
  await expect(epmdRegister("alpha", 40002, { port })).rejects.toThrow(/refused/);
  reg.close();
  await until(async () => (await epmdPortPlease("alpha", { port })) === undefined, 5000);
}

describe("EPMD", () => {
  it("the built-in port mapper registers, looks up, lists, and forgets a closed registration", async () => {
    const mapper: PortMapper = await startPortMapper({ port: 0 });
    cleanup.push(() => mapper.close());
    await registerLookupUnregister(mapper.port);
    expect(mapper.names()).toEqual([]);
  });

  it("the client works with Erlang's epmd", async () => {
    const epmd = await startEpmd();
    cleanup.push(() => epmd.stop());
    await registerLookupUnregister(epmd.port);
  }, 20_000);

  it("an Erlang node registers with the built-in port mapper (ERL_EPMD_PORT)", async () => {
    requireErlang();
    const mapper = await startPortMapper({ port: 0 });
    cleanup.push(() => mapper.close());
    const erl = new LinePeer(
      "erl",
      [
        "-noshell",
        "-name",
        "beam@127.0.0.1",
        "-setcookie",
        "c",
        "-start_epmd",
        "false",
        "-eval",
        'io:format("up~n").',
      ],
      { ERL_EPMD_PORT: String(mapper.port) },
    );
    cleanup.push(() => erl.stop());
    await erl.waitFor(/^up$/, 15_000);
    const entry = await epmdPortPlease("beam", { port: mapper.port });
    expect(entry?.hidden).toBe(false);
    expect(entry?.highestVersion).toBe(6);
    await erl.stop();
    await until(
      async () => (await epmdPortPlease("beam", { port: mapper.port })) === undefined,
      5000,
    );
  }, 20_000);

  it("a malformed request closes only that connection", async () => {
    const mapper = await startPortMapper({ port: 0 });
    cleanup.push(() => mapper.close());
    const reg = await epmdRegister("keeper", 40003, { port: mapper.port });
    cleanup.push(() => reg.close());
    const { createConnection } = await import("node:net");
    const s = createConnection(mapper.port, "127.0.0.1");
    s.on("error", () => {});
    s.write(Buffer.from([0xff, 0xff, 1, 2, 3]));
    await new Promise<void>((resolve) => s.on("close", () => resolve()));
    expect((await epmdPortPlease("keeper", { port: mapper.port }))?.port).toBe(40003);
  });
});
