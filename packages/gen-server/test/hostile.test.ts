// A hostile message (issue #16, item 3): recognising system messages runs no Proxy trap, so
// a GenServer survives it and keeps answering.
import { send } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";

const { ok, reply, noreply } = GenServer.Result;

function revoked(): object {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
}

function everyTrapThrows(): object {
  const boom = (): never => {
    throw new Error("trap ran");
  };
  return new Proxy(
    {},
    { get: boom, has: boom, getPrototypeOf: boom, ownKeys: boom, getOwnPropertyDescriptor: boom },
  );
}

const Counter = GenServer.define({
  init: (n: number) => ok(n),
  handleCall: (_r: GenServer.Request<"get", number>, _from, n) => reply(n, n),
  handleInfo: (_msg, n) => noreply(n + 1),
});

describe.each([
  ["a revoked Proxy", revoked],
  ["a Proxy whose every trap throws", everyTrapThrows],
])("a message that is %s", (_name, make) => {
  it("reaches a GenServer's handleInfo without killing it", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Counter, 0);
      send(pid, make());
      send(pid, make());
      expect(await GenServer.call(pid, "get")).toBe(2);
      await GenServer.stop(pid);
    }));
});
