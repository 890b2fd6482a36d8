// A child that exits with a hostile reason (issue #16, item 2): the supervisor restarts it
// like any other crash, and its crash report is readable.
import { call, isCallRequest, reply, send, startSpecial } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, test } from "vitest";
import { started, worker } from "./helpers.js";

function revoked(): object {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
}

function symbolNamed(): Error {
  const e = new Error("named by a symbol");
  Object.defineProperty(e, "name", { value: Symbol("evil") });
  return e;
}

function deep(n: number): unknown[] {
  let v: unknown[] = [];
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

const hostile: [string, () => unknown][] = [
  ["a revoked Proxy", revoked],
  ["an Error whose name is a Symbol", symbolNamed],
  ["an array nested 5,000 deep", () => deep(5000)],
];

describe.each(hostile)("a child exiting with %s", (_name, make) => {
  test("is restarted, and the supervisor lists the new pid", () =>
    withRuntime(async ({ logs }) => {
      const sup = await Supervisor.startLink([worker("a"), worker("b")], {
        strategy: "one_for_one",
      });
      const a = await started("a");
      const b = await started("b");
      send(a, { exit: make() });
      const a2 = await started("a");
      expect(a2).not.toBe(a);
      const kids = await Supervisor.whichChildren(sup);
      expect(kids.map((k) => [k.id, k.pid])).toEqual([
        ["b", b],
        ["a", a2],
      ]);
      for (const r of logs) expect(typeof r.message).toBe("string");
      expect(logs.some((r) => r.kind === "crash" && r.pid === a)).toBe(true);
    }));

  test("a call pending on a supervised server settles", () =>
    withRuntime(async () => {
      const reason = make();
      const sup = await Supervisor.startLink(
        [
          {
            id: "server",
            start: () =>
              startSpecial(
                () => ({
                  type: "ok",
                  process: {
                    handleMessage(msg) {
                      if (isCallRequest(msg) && msg.request === "die") throw reason;
                      if (isCallRequest(msg)) reply(msg.from, "pong");
                    },
                  },
                }),
                { link: true, name: "server" },
              ),
          },
        ],
        { strategy: "one_for_one" },
      );
      await expect(call("server", "die", { timeout: 100 })).rejects.toMatchObject({
        code: "call_failed",
      });
      expect(await call("server", "ping", { timeout: 100 })).toBe("pong");
      expect((await Supervisor.whichChildren(sup))[0]?.pid).toBeInstanceOf(Object as never);
    }));
});

function everyTrapThrows(): object {
  const boom = (): never => {
    throw new Error("trap ran");
  };
  return new Proxy(
    {},
    { get: boom, has: boom, getPrototypeOf: boom, ownKeys: boom, getOwnPropertyDescriptor: boom },
  );
}

describe.each([
  ["a revoked Proxy", revoked],
  ["a Proxy whose every trap throws", everyTrapThrows],
])("a message that is %s (item 3)", (_name, make) => {
  test("does not kill the supervisor or its children", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink([worker("a")], { strategy: "one_for_one" });
      const a = await started("a");
      send(sup, make());
      send(a, make());
      const after = await Supervisor.whichChildren(sup);
      expect(after.map((c) => c.pid)).toEqual([a]);
    }));
});
