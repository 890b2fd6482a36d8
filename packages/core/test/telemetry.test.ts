import {
  BadArgumentError,
  CallError,
  CallTimeoutError,
  call,
  createRuntime,
  type EventName,
  exit,
  From,
  isCallRequest,
  type Measurements,
  type Metadata,
  type Pid,
  receive,
  reply,
  self,
  sendAfter,
  spawn,
  startSpecial,
  Telemetry,
} from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

interface Seen {
  event: string;
  measurements: Measurements;
  metadata: Metadata;
}

function recorder(): {
  seen: Seen[];
  handler: (e: EventName, m: Measurements, md: Metadata) => void;
} {
  const seen: Seen[] = [];
  return {
    seen,
    handler: (e, m, md) => void seen.push({ event: e.join("."), measurements: m, metadata: md }),
  };
}

/** A special process that answers each call after `delay` ms of (virtual) time, or never for "hang". */
async function echoServer(): Promise<Pid> {
  return (await startSpecial(() => ({
    type: "ok",
    process: {
      handleMessage(msg) {
        if (isCallRequest(msg) && msg.request !== "hang") reply(msg.from, msg.request);
      },
    },
  }))) as Pid;
}

describe("attach, execute, detach", () => {
  it("calls the handlers of an event in attach order with measurements, metadata and config", () => {
    const rt = createRuntime();
    const order: string[] = [];
    rt.telemetry.attach(
      "a",
      ["app", "x"],
      (_e, m, md, config) => order.push(`a ${m.n} ${md.k} ${config}`),
      "cfgA",
    );
    rt.telemetry.attach("b", ["app", "x"], () => order.push("b"));
    rt.telemetry.attach("c", ["app", "y"], () => order.push("c"));
    rt.telemetry.execute(["app", "x"], { n: 1 }, { k: "v" });
    expect(order).toEqual(["a 1 v cfgA", "b"]);
    expect(rt.telemetry.detach("a")).toBe(true);
    expect(rt.telemetry.detach("a")).toBe(false);
    rt.telemetry.execute(["app", "x"], { n: 2 });
    expect(order).toEqual(["a 1 v cfgA", "b", "b"]);
  });

  it("is disabled exactly while no handler is attached", () => {
    const rt = createRuntime();
    expect(rt.telemetry.enabled).toBe(false);
    rt.telemetry.attachMany("m", [["a"], ["b"]], () => {});
    expect(rt.telemetry.enabled).toBe(true);
    expect(rt.telemetry.listHandlers(["b"]).map((h) => h.id)).toEqual(["m"]);
    expect(rt.telemetry.listHandlers().length).toBe(2);
    rt.telemetry.detach("m");
    expect(rt.telemetry.enabled).toBe(false);
    expect(rt.telemetry.listHandlers()).toEqual([]);
  });

  it("listening answers per event, also for the same array after attach and detach", () => {
    const rt = createRuntime();
    const EV = ["app", "hit"] as const;
    expect(rt.telemetry.listening(EV)).toBe(false);
    rt.telemetry.attach("other", ["app", "miss"], () => {});
    expect(rt.telemetry.listening(EV)).toBe(false);
    rt.telemetry.attach("h", ["app", "hit"], () => {});
    expect(rt.telemetry.listening(EV)).toBe(true);
    rt.telemetry.detach("h");
    expect(rt.telemetry.listening(EV)).toBe(false);
    expect(rt.telemetry.listening(["app", "miss"])).toBe(true);
  });

  it("rejects a duplicate id and bad event names with a BadArgumentError", () => {
    const rt = createRuntime();
    rt.telemetry.attach("dup", ["a"], () => {});
    expect(() => rt.telemetry.attach("dup", ["b"], () => {})).toThrow(BadArgumentError);
    expect(() => rt.telemetry.attach("x", [] as unknown as EventName, () => {})).toThrow(
      BadArgumentError,
    );
    expect(() => rt.telemetry.attach("y", ["a", 3] as unknown as EventName, () => {})).toThrow(
      BadArgumentError,
    );
    expect(() => rt.telemetry.attach("z", ["a"], "no" as never)).toThrow(BadArgumentError);
    expect(rt.telemetry.listHandlers().map((h) => h.id)).toEqual(["dup"]);
  });

  it("detaches a handler that throws, logs it, and keeps calling the others", async () => {
    const logs: unknown[] = [];
    const rt = createRuntime({ logger: { log: (r) => void logs.push(r) } });
    const calls: string[] = [];
    rt.telemetry.attach("bad", ["e"], () => {
      calls.push("bad");
      throw new Error("boom");
    });
    rt.telemetry.attach("good", ["e"], () => calls.push("good"));
    expect(() => rt.telemetry.execute(["e"], {})).not.toThrow();
    rt.telemetry.execute(["e"], {});
    expect(calls).toEqual(["bad", "good", "good"]);
    expect(rt.telemetry.listHandlers().map((h) => h.id)).toEqual(["good"]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ kind: "error", handlerId: "bad" });
    expect(String((logs[0] as { message: string }).message)).toContain('"bad"');
  });

  it("the module object acts on the calling process's runtime", () =>
    withRuntime(async ({ runtime }) => {
      const { seen, handler } = recorder();
      Telemetry.attach("mine", ["app", "ping"], handler);
      expect(runtime.telemetry.listHandlers().map((h) => h.id)).toEqual(["mine"]);
      Telemetry.execute(["app", "ping"], { n: 1 });
      expect(seen.map((s) => s.event)).toEqual(["app.ping"]);
      expect(Telemetry.detach("mine")).toBe(true);
    }));
});

describe("span", () => {
  it("emits start and stop with a duration in the runtime's clock, sharing a span context", () =>
    withRuntime(async ({ runtime, clock }) => {
      const { seen, handler } = recorder();
      runtime.telemetry.attachMany(
        "s",
        [
          ["job", "start"],
          ["job", "stop"],
        ],
        handler,
      );
      const out = await runtime.telemetry.span(["job"], { q: 1 }, async () => {
        await clock.advance(250);
        return 7;
      });
      expect(out).toBe(7);
      expect(seen.map((s) => s.event)).toEqual(["job.start", "job.stop"]);
      expect(seen[1]?.measurements.duration).toBe(250);
      expect(seen[0]?.metadata.telemetrySpanContext).toBe(seen[1]?.metadata.telemetrySpanContext);
      expect(seen[1]?.metadata.q).toBe(1);
      runtime.telemetry.detach("s");
    }));

  it("emits exception and rethrows when the work throws", () => {
    const rt = createRuntime({ clock: "virtual" });
    const { seen, handler } = recorder();
    rt.telemetry.attachMany(
      "s",
      [
        ["job", "start"],
        ["job", "exception"],
      ],
      handler,
    );
    const err = new Error("nope");
    expect(() =>
      rt.telemetry.span(["job"], {}, () => {
        throw err;
      }),
    ).toThrow(err);
    expect(seen.map((s) => s.event)).toEqual(["job.start", "job.exception"]);
    expect(seen[1]?.metadata.reason).toBe(err);
  });

  it("costs nothing but the work when nobody listens", () => {
    const rt = createRuntime();
    expect(rt.telemetry.span(["job"], {}, () => 3)).toBe(3);
  });
});

describe("events emitted by core", () => {
  it("process spawn and exit, with the exit reason", () =>
    withRuntime(async ({ runtime }) => {
      const { seen, handler } = recorder();
      runtime.telemetry.attachMany(
        "p",
        [
          ["trellis", "process", "spawn"],
          ["trellis", "process", "exit"],
        ],
        handler,
      );
      const pid = spawn(() => receive());
      exit(pid, "because");
      await new Promise((r) => setImmediate(r));
      runtime.telemetry.detach("p");
      expect(seen.map((s) => s.event)).toEqual(["trellis.process.spawn", "trellis.process.exit"]);
      expect(seen[0]?.metadata.pid).toBe(pid);
      expect(seen[1]?.metadata).toMatchObject({ pid, reason: "because" });
    }));

  it("call start and stop with the duration; a handler's context travels in the From", () =>
    withRuntime(async ({ runtime }) => {
      const contexts: unknown[] = [];
      const server = (await startSpecial(() => ({
        type: "ok",
        process: {
          handleMessage(msg) {
            if (msg instanceof From) reply(msg, "ok");
            if (!isCallRequest(msg)) return;
            contexts.push(msg.from.context);
            sendAfter(self(), msg.from, 40);
          },
        },
      }))) as Pid;
      const { seen, handler } = recorder();
      runtime.telemetry.attachMany(
        "c",
        [
          ["trellis", "call", "start"],
          ["trellis", "call", "stop"],
        ],
        (e, m, md, cfg) => {
          if (e[2] === "start") (md as { context: unknown }).context = { trace: "t-1" };
          handler(e, m, md);
          return cfg;
        },
      );
      expect(await call(server, "hi", { module: "Test" })).toBe("ok");
      runtime.telemetry.detach("c");
      expect(seen.map((s) => s.event)).toEqual(["trellis.call.start", "trellis.call.stop"]);
      expect(seen[0]?.metadata).toMatchObject({ target: server, module: "Test", function: "call" });
      expect(seen[1]?.measurements.duration).toBe(40);
      expect(contexts).toEqual([{ trace: "t-1" }]);
      exit(server, "kill");
    }));

  it("a call without listeners carries no context", () =>
    withRuntime(async () => {
      const contexts: unknown[] = [];
      const server = (await startSpecial(() => ({
        type: "ok",
        process: {
          handleMessage(msg) {
            if (isCallRequest(msg)) {
              contexts.push(msg.from.context);
              reply(msg.from, 1);
            }
          },
        },
      }))) as Pid;
      await call(server, "x");
      expect(contexts).toEqual([undefined]);
      exit(server, "kill");
    }));

  it("call exception on a timeout and on the server's death", () =>
    withRuntime(async ({ runtime }) => {
      const server = await echoServer();
      const { seen, handler } = recorder();
      runtime.telemetry.attach("x", ["trellis", "call", "exception"], handler);
      await expect(call(server, "hang", { timeout: 100 })).rejects.toBeInstanceOf(CallTimeoutError);
      const pending = call(server, "hang", { timeout: 1000 });
      exit(server, "kill");
      await expect(pending).rejects.toBeInstanceOf(CallError);
      runtime.telemetry.detach("x");
      expect(seen.map((s) => s.metadata.reason)).toEqual(["timeout", "killed"]);
      expect(seen[0]?.measurements.duration).toBe(100);
    }));
});
