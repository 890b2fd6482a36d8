// Hostile values as exit reasons, thrown values and messages: the runtime stays consistent
// whatever user values throw when they are looked at (issue #16, items 2 and 3).
import {
  CallError,
  CallRequest,
  call,
  ExitError,
  exit,
  exitReasonOf,
  From,
  formatReason,
  isCallRequest,
  isDown,
  isExit,
  isQuietReason,
  monitor,
  type Pid,
  receive,
  reply,
  send,
  spawn,
  spawnLink,
  startSpecial,
  trapExit,
} from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

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

function trapAll(): object {
  return new Proxy(
    {},
    {
      get() {
        throw new Error("get trap");
      },
      getPrototypeOf() {
        throw new Error("getPrototypeOf trap");
      },
      ownKeys() {
        throw new Error("ownKeys trap");
      },
      has() {
        throw new Error("has trap");
      },
    },
  );
}

const hostile: [string, () => unknown][] = [
  ["a revoked Proxy", revoked],
  ["an Error whose name is a Symbol", symbolNamed],
  ["an array nested 5,000 deep", () => deep(5000)],
  ["a Proxy whose every trap throws", trapAll],
  [
    "an object with a throwing getter",
    () => ({
      get boom(): never {
        throw new Error("getter");
      },
    }),
  ],
  [
    "an object with a throwing toJSON",
    () => ({
      toJSON(): never {
        throw new Error("toJSON");
      },
    }),
  ],
  [
    "a cyclic object",
    () => {
      const o: { self?: unknown } = {};
      o.self = o;
      return o;
    },
  ],
];

describe("formatting never throws", () => {
  it.each(hostile)("formatReason(%s) returns a string", (_name, make) => {
    const v = make();
    expect(typeof formatReason(v)).toBe("string");
    expect(typeof formatReason({ nested: v })).toBe("string");
    expect(() => exitReasonOf(v)).not.toThrow();
    expect(() => isQuietReason(v)).not.toThrow();
  });

  it("cuts deep and long values", () => {
    expect(formatReason(deep(100)).length).toBeLessThan(200);
    expect(formatReason(Array.from({ length: 100_000 }, (_, i) => i)).length).toBeLessThan(20_000);
    expect(formatReason({ shutdown: "idle" })).toBe('{"shutdown":"idle"}');
  });
});

describe.each(hostile)("an exit reason that is %s", (_name, make) => {
  it("crashes only its process; links, monitors and the run loop carry on", () =>
    withRuntime(async ({ runtime, logs }) => {
      const reason = make();
      trapExit(true);
      const thrower = spawnLink(async () => {
        await receive((m) => m === "go");
        throw reason;
      });
      const exiter = spawnLink(async () => {
        await receive((m) => m === "go");
        throw new ExitError(reason);
      });
      const killed = spawnLink(() => receive(() => false));
      const refs = [monitor(thrower), monitor(exiter), monitor(killed)];
      runtime.send(thrower, "go");
      runtime.send(exiter, "go");
      exit(killed, reason);
      for (const ref of refs) await assertReceive((m) => isDown(m) && m.ref === ref);
      const exits = [
        await assertReceive((m) => isExit(m) && m.from === thrower),
        await assertReceive((m) => isExit(m) && m.from === exiter),
        await assertReceive((m) => isExit(m) && m.from === killed),
      ];
      // an Error is its own reason; anything else thrown is { nocatch: value }
      const thrown = (exits[0] as { reason: unknown }).reason;
      expect(thrown === reason || (thrown as { nocatch?: unknown }).nocatch === reason).toBe(true);
      expect((exits[1] as { reason: unknown }).reason).toBe(reason);
      expect((exits[2] as { reason: unknown }).reason).toBe(reason);
      // only the throw is crash-reported: exit(reason) is not (OTP reports errors and throws
      // of plain processes, not exit/1), nor is a process killed by an exit signal
      expect(logs.filter((r) => r.kind === "crash").length).toBe(1);
      for (const r of logs) expect(typeof r.message).toBe("string");
      // the runtime still schedules
      expect(await runtime.run(async () => "still running")).toBe("still running");
    }));

  it("a pending call to a server that exits with it rejects with a CallError", () =>
    withRuntime(async ({ runtime }) => {
      const reason = make();
      const server = (await startSpecial(() => ({
        type: "ok",
        process: {
          handleMessage(msg) {
            if (isCallRequest(msg)) {
              if (msg.request === "die") throw new ExitError(reason);
              reply(msg.from, "ok");
            }
          },
        },
      }))) as Pid;
      const failure = await call(server, "die", { timeout: 1000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(CallError);
      expect((failure as CallError).reason).toBe(reason);
      expect(await runtime.run(async () => "still running")).toBe("still running");
    }));
});

describe("envelopes cannot be forged to divert replies (item 4)", () => {
  it("a From built by hand carries no pending call: the reply does not reach its builder", () =>
    withRuntime(async ({ runtime }) => {
      const server = (await startSpecial(() => ({
        type: "ok",
        process: {
          handleMessage(msg) {
            if (isCallRequest(msg)) reply(msg.from, `answer to ${String(msg.request)}`);
          },
        },
      }))) as Pid;
      const victim = spawn(() => receive(() => false));
      const diverted: unknown[] = [];
      const sink = { answer: (v: unknown) => void diverted.push(v) };
      // the old internal constructor shape: (pid, ref, runtime, pending call)
      const FromCtor = From as unknown as new (...args: unknown[]) => From;
      const forged = new FromCtor(victim, runtime.makeRef(), runtime, sink);
      runtime.send(server, new CallRequest(forged, "secret"));
      // a genuine call after it: once it is answered, the forged one has been handled
      expect(await call(server, "ping")).toBe("answer to ping");
      expect(diverted).toEqual([]);
      expect(Object.keys(forged)).toEqual(["pid", "ref"]);
      exit(victim, "kill");
      exit(server, "kill");
    }));

  it("a genuine From forwarded to another process still answers its caller", () =>
    withRuntime(async () => {
      const worker = spawn(async () => {
        const m = await receive<{ from: From }>();
        reply(m.from, "from the worker");
      });
      const front = (await startSpecial(() => ({
        type: "ok",
        process: {
          handleMessage(msg) {
            if (isCallRequest(msg)) send(worker, { from: msg.from });
          },
        },
      }))) as Pid;
      expect(await call(front, "go")).toBe("from the worker");
      exit(front, "kill");
    }));
});
