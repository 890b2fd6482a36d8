// The three toolkit envelopes share one private brand and carry their kind (ADR 0004,
// "Session 4: Node 22"): each one is recognised as itself and as nothing else, through the
// `is…` guards and `instanceof` alike, and look-alikes, proxies and other classes are not.
import { describe, expect, it } from "vitest";
import {
  CallRequest,
  CastRequest,
  cast,
  createRuntime,
  isCallRequest,
  isCastRequest,
  isSystemRequest,
  receive,
  request,
  SystemRequest,
  self,
  send,
  spawn,
} from "../src/index.js";

/** One real envelope of each kind, as the toolkit makes them in a process's mailbox. */
async function envelopes(): Promise<{
  call: unknown;
  castString: unknown;
  castObject: unknown;
  system: unknown;
}> {
  const rt = createRuntime();
  try {
    return await rt.run(async () => {
      const main = self();
      const box = spawn(async () => {
        const got: unknown[] = [];
        for (let i = 0; i < 4; i++) got.push(await receive());
        const [a, b, c, d] = got;
        send(main, { a, b, c, d });
      });
      cast(box, "inc");
      cast(box, { add: 2 });
      void request(box, 50, { module: "test", function: "call", args: [] }, (from) => {
        return new CallRequest(from, "get");
      }).catch(() => undefined);
      void request(box, 50, { module: "test", function: "sys", args: [] }, (from) => {
        return new SystemRequest(from, { type: "getState" });
      }).catch(() => undefined);
      const m = (await receive()) as { a: unknown; b: unknown; c: unknown; d: unknown };
      return { castString: m.a, castObject: m.b, call: m.c, system: m.d };
    });
  } finally {
    await rt.shutdown();
  }
}

describe("envelope kinds", () => {
  it("each envelope is recognised as its own kind and as no other", async () => {
    const e = await envelopes();
    const table: [unknown, boolean, boolean, boolean][] = [
      [e.call, true, false, false],
      [e.castString, false, true, false],
      [e.castObject, false, true, false],
      [e.system, false, false, true],
    ];
    for (const [v, call, castKind, system] of table) {
      expect([isCallRequest(v), isCastRequest(v), isSystemRequest(v)]).toEqual([
        call,
        castKind,
        system,
      ]);
      expect([
        v instanceof CallRequest,
        v instanceof CastRequest,
        v instanceof SystemRequest,
      ]).toEqual([call, castKind, system]);
    }
    // a shared cast envelope is frozen and still a cast
    expect(Object.isFrozen(e.castString)).toBe(true);
  });

  it("shows only its public fields", async () => {
    const e = await envelopes();
    expect(Object.keys(e.castObject as object)).toEqual(["type", "request"]);
    expect(Object.keys(e.call as object)).toEqual(["type", "from", "request"]);
    expect(Object.keys(e.system as object)).toEqual(["type", "from", "command"]);
  });

  it("look-alikes, other objects and primitives are none of them", () => {
    const fakes: unknown[] = [
      { type: "$gen_call", from: {}, request: 1 },
      { type: "$gen_cast", request: 1 },
      { type: "system", from: {}, command: { type: "getState" } },
      Object.create(CallRequest.prototype),
      Object.create(CastRequest.prototype),
      Object.create(SystemRequest.prototype),
      [],
      new Map(),
      () => undefined,
      null,
      undefined,
      "$gen_cast",
      42,
    ];
    for (const v of fakes) {
      expect([isCallRequest(v), isCastRequest(v), isSystemRequest(v)]).toEqual([
        false,
        false,
        false,
      ]);
      expect([
        v instanceof CallRequest,
        v instanceof CastRequest,
        v instanceof SystemRequest,
      ]).toEqual([false, false, false]);
    }
  });

  it("runs no trap of a Proxy, around an envelope or not", async () => {
    const e = await envelopes();
    let trapped = 0;
    const handler: ProxyHandler<object> = new Proxy(
      {},
      {
        get: () => () => {
          trapped++;
          throw new Error("trap");
        },
      },
    );
    for (const target of [e.call as object, e.castString as object, {}]) {
      const p = new Proxy(target, handler);
      expect([isCallRequest(p), isCastRequest(p), isSystemRequest(p)]).toEqual([
        false,
        false,
        false,
      ]);
      expect(p instanceof CastRequest).toBe(false);
    }
    expect(trapped).toBe(0);
  });
});
