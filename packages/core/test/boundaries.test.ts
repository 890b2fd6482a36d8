// No silent forever-waits, no options that crash later (issue #16, item 6).
import {
  BadArgumentError,
  call,
  createRuntime,
  exit,
  type RuntimeOptions,
  receive,
  sleep,
  spawn,
} from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { describe, expect, it, vi } from "vitest";

describe("receive and sleep", () => {
  it("receive(match, 5000) is rejected with a hint instead of waiting forever", () =>
    withRuntime(async () => {
      expect(() => receive(() => true, 5000 as never)).toThrow(BadArgumentError);
      expect(() => receive(() => true, 5000 as never)).toThrow(/\{ timeout: 5000 \}/);
      expect(() => receive(() => true, null as never)).toThrow(BadArgumentError);
    }));

  it.each([undefined, "10", null, Number.NaN, -1, {}])("sleep(%s) rejects", (ms) =>
    withRuntime(async () => {
      await expect(sleep(ms as never)).rejects.toBeInstanceOf(BadArgumentError);
    }),
  );

  it("sleep with a number still sleeps", () =>
    withRuntime(async ({ runtime }) => {
      const t0 = runtime.now();
      await sleep(250);
      expect(runtime.now() - t0).toBe(250);
    }));

  it("call(dest, req, 1000) is rejected: options must be an object", () =>
    withRuntime(async () => {
      const pid = spawn(() => receive(() => false));
      expect(() => call(pid, "x", 1000 as never)).toThrow(BadArgumentError);
      exit(pid, "kill");
    }));
});

describe("createRuntime validates its options", () => {
  const bad: [string, unknown][] = [
    ["a clock that is not a clock", { clock: "fast" }],
    ["an object clock without methods", { clock: { kind: "real" } }],
    ["a logger without log", { logger: {} }],
    ["a logger that is a function", { logger: () => {} }],
    ["a NaN budget", { budget: Number.NaN }],
    ["a string budget", { budget: "10" }],
    ["an infinite slice", { sliceMs: Number.POSITIVE_INFINITY }],
    ["a fractional creation", { creation: 1.5 }],
    ["options that are not an object", 42],
  ];
  it.each(bad)("rejects %s", (_name, options) => {
    expect(() => createRuntime(options as RuntimeOptions)).toThrow(BadArgumentError);
  });

  it("accepts the documented forms", async () => {
    for (const options of [{}, { clock: "virtual" as const }, { clock: "real" as const }]) {
      await createRuntime(options).shutdown();
    }
  });
});

describe("a logger that throws", () => {
  it("does not lose the report: it goes to stderr", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const rt = createRuntime({
        clock: "virtual",
        logger: {
          log() {
            throw new Error("logger broke");
          },
        },
      });
      await rt.run(async () => {
        spawn(() => {
          throw new Error("boom");
        });
        await sleep(1);
      });
      await rt.shutdown();
      const lines = spy.mock.calls.map((c) => String(c[0]));
      expect(lines.some((l) => l.includes("logger broke") && l.includes("boom"))).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });
});
