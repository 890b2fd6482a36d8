// whereis, childSpec, named and bad input: CONFORMANCE §2 items 31 and 32.
import {
  BadArgumentError,
  formatReason,
  InitError,
  isExit,
  type Pid,
  self,
  trapExit,
  via,
} from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";
import { mapRegistry } from "./support.js";

const { ok, reply, ignore } = GenServer.Result;

const Counter = GenServer.define({
  init: (n: number) => ok(n),
  handleCall: (_r: GenServer.Request<"get", number>, _from, n) => reply(n, n),
});

describe("whereis", () => {
  it("returns a pid as it is, and resolves local and via names (item 31)", () =>
    withRuntime(async () => {
      const registry = mapRegistry();
      const a = await GenServer.startLink(Counter, 1, { name: "a" });
      const b = await GenServer.startLink(Counter, 2, { name: via(registry, "b") });
      expect(GenServer.whereis(a)).toBe(a);
      expect(GenServer.whereis("a")).toBe(a);
      expect(GenServer.whereis(via(registry, "b"))).toBe(b);
      expect(GenServer.whereis("nobody")).toBeUndefined();
      expect(GenServer.whereis(via(registry, "nobody"))).toBeUndefined();
      await GenServer.stop(a);
      // a pid is returned as it is, alive or not (as Elixir's whereis/1)
      expect(GenServer.whereis(a)).toBe(a);
      expect(GenServer.whereis("a")).toBeUndefined();
      expect(() => GenServer.whereis(42 as unknown as string)).toThrow(BadArgumentError);
    }));
});

describe("named", () => {
  it("gives a typed handle by name", () =>
    withRuntime(async () => {
      const counter = GenServer.named(Counter, "counter");
      const pid = await GenServer.startLink(Counter, 5, { name: counter });
      expect(await GenServer.call(counter, "get")).toBe(5);
      const found = GenServer.whereis(counter);
      expect(found).toBe(pid);
      expect(() => GenServer.named(Counter, "")).toThrow(BadArgumentError);
    }));
});

describe("childSpec", () => {
  it("defaults to the definition as id, a start that links, and type worker (item 32)", () =>
    withRuntime(async ({ runtime }) => {
      const spec = GenServer.childSpec(Counter, 3);
      expect(spec.id).toBe(Counter);
      expect(spec.type).toBe("worker");
      expect("restart" in spec).toBe(false);
      expect("shutdown" in spec).toBe(false);
      const pid = (await spec.start()) as Pid;
      expect(runtime.processInfo(self())?.links).toContain(pid);
      expect(await GenServer.call(pid, "get")).toBe(3);
    }));

  it("takes defaults from define and overrides from its options (item 32)", () =>
    withRuntime(async () => {
      const Transient = GenServer.define(
        { init: () => ok(null) },
        { id: "transient-thing", restart: "transient", shutdown: 10_000 },
      );
      const spec = GenServer.childSpec(Transient);
      expect(spec).toMatchObject({ id: "transient-thing", restart: "transient", shutdown: 10_000 });
      const overridden = GenServer.childSpec(Transient, undefined, {
        id: "other",
        restart: "temporary",
        shutdown: "brutal_kill",
        name: "the-thing",
      });
      expect(overridden).toMatchObject({
        id: "other",
        restart: "temporary",
        shutdown: "brutal_kill",
        type: "worker",
      });
      const pid = await overridden.start();
      expect(GenServer.whereis("the-thing")).toBe(pid);
    }));

  it("start passes on ignore and start failures", () =>
    withRuntime(async () => {
      trapExit(true);
      const Ignoring = GenServer.define({ init: () => ignore() });
      expect(await GenServer.childSpec(Ignoring).start()).toBe("ignore");
      const Failing = GenServer.define({ init: () => GenServer.Result.stop("nope") });
      await expect(GenServer.childSpec(Failing).start()).rejects.toBeInstanceOf(InitError);
      const a = await GenServer.childSpec(Counter, 1, { name: "taken" }).start();
      await expect(GenServer.childSpec(Counter, 1, { name: "taken" }).start()).rejects.toThrow(
        /already registered/,
      );
      void a;
      await GenServer.stop("taken", "shutdown");
      await assertReceive(isExit);
    }));

  it("rejects bad restart and shutdown values", () =>
    withRuntime(async () => {
      expect(() => GenServer.childSpec(Counter, 1, { restart: "sometimes" as never })).toThrow(
        BadArgumentError,
      );
      expect(() => GenServer.childSpec(Counter, 1, { shutdown: -1 })).toThrow(BadArgumentError);
      expect(() => GenServer.childSpec(Counter, 1, null as never)).toThrow(/options/);
      await expect(GenServer.start(Counter, 1, "fast" as never)).rejects.toThrow(/options/);
      expect(() => GenServer.define({ init: () => ok(1) }, { shutdown: "never" as never })).toThrow(
        /shutdown/,
      );
    }));
});

describe("define", () => {
  it("rejects a missing init and non-function callbacks", () =>
    withRuntime(async () => {
      expect(() => GenServer.define({} as never)).toThrow(/init must be a function/);
      expect(() => GenServer.define(null as never)).toThrow(BadArgumentError);
      expect(() => GenServer.define({ init: () => ok(1), handleCall: "nope" } as never)).toThrow(
        /handleCall must be a function/,
      );
      expect(() => GenServer.define({ init: () => ok(1), terminate: 1 } as never)).toThrow(
        /terminate must be a function/,
      );
    }));

  it("returns a frozen definition", () =>
    withRuntime(async () => {
      expect(Object.isFrozen(Counter)).toBe(true);
    }));
});

describe("definition names (readable default child ids)", () => {
  it("a definition reads as its name, given or numbered, in ids, errors and JSON", () =>
    withRuntime(async () => {
      const Named = GenServer.define({ init: () => GenServer.Result.ok(0) }, { name: "Counter" });
      const Unnamed = GenServer.define({ init: () => GenServer.Result.ok(0) });
      expect(Named.name).toBe("Counter");
      expect(Unnamed.name).toMatch(/^GenServer#\d+$/);
      expect(String(Named)).toBe("Counter");
      expect(formatReason(Named)).toBe('"Counter"');
      expect(formatReason({ id: Unnamed })).toBe(`{"id":"${Unnamed.name}"}`);
      expect(formatReason(Named)).not.toContain("callbacks");
      expect(() => GenServer.define({ init: () => GenServer.Result.ok(0) }, { name: "" })).toThrow(
        BadArgumentError,
      );
    }));
});
