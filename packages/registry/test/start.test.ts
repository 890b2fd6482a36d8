// Starting: CONFORMANCE §9 items 1 and 2, and bad input.
import {
  AlreadyStartedError,
  BadArgumentError,
  createRuntime,
  TrellisError,
  whereis,
} from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Registry from "@trellis/registry";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, it } from "vitest";
import { partitions } from "./support.js";

describe("options (item 1)", () => {
  it("accepts unique, duplicate and the duplicate partitioning variants", () =>
    withRuntime(async () => {
      for (const keys of [
        "unique",
        "duplicate",
        { duplicate: "pid" },
        { duplicate: "key" },
      ] as const) {
        const reg = await Registry.startLink({ keys });
        expect(reg.kind).toBe(keys === "unique" ? "unique" : "duplicate");
        expect(reg.partitions).toBe(1);
      }
    }));

  it("rejects invalid options with a typed error naming the option", () =>
    withRuntime(async () => {
      const bad: [Registry.RegistryOption, unknown][] = [
        ["keys", {}],
        ["keys", { keys: "uniq" }],
        ["keys", { keys: { duplicate: "other" } }],
        ["keys", { keys: ["duplicate", "pid"] }],
        ["partitions", { keys: "unique", partitions: 0 }],
        ["partitions", { keys: "unique", partitions: 1.5 }],
        ["name", { keys: "unique", name: "" }],
        ["listeners", { keys: "unique", listeners: [42] }],
        ["meta", { keys: "unique", meta: 3 }],
        ["options", null],
      ];
      for (const [option, opts] of bad) {
        const err = await Registry.startLink(opts as Registry.RegistryOptions).catch(
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(Registry.RegistryOptionError);
        expect(err).toBeInstanceOf(BadArgumentError);
        expect((err as Registry.RegistryOptionError).option).toBe(option);
        expect((err as Error).message).toContain(option);
      }
      expect(() => Registry.childSpec({ keys: "nope" as "unique" })).toThrow(
        Registry.RegistryOptionError,
      );
    }));

  it("the keys error says what is accepted", () =>
    withRuntime(async () => {
      await expect(Registry.startLink({} as Registry.RegistryOptions)).rejects.toThrow(
        /expected keys to be given and be one of/,
      );
    }));

  it("a name registers the supervisor locally; a taken name is AlreadyStartedError", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "unique", name: "reg" });
      expect(whereis("reg")).toBe(reg.pid);
      expect(reg.name).toBe("reg");
      const err = await Registry.startLink({ keys: "unique", name: "reg" }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AlreadyStartedError);
      expect((err as AlreadyStartedError).pid).toBe(reg.pid);
    }));

  it("an unknown registry is an UnknownRegistryError; a non-registry a BadArgumentError", () =>
    withRuntime(async () => {
      expect(() => Registry.lookup("nope", "k")).toThrow(Registry.UnknownRegistryError);
      expect(() => Registry.register("nope", "k", 1)).toThrow(/unknown registry "nope"/);
      expect(() => Registry.count(42 as unknown as string)).toThrow(BadArgumentError);
      expect(TrellisError.is(new Registry.UnknownRegistryError("lookup", "x"), "badarg")).toBe(
        true,
      );
    }));

  it("a stopped registry is unknown, by name and by handle", () =>
    withRuntime(async () => {
      const reg = await Registry.startLink({ keys: "unique", name: "gone" });
      await Supervisor.stop(reg.pid);
      expect(() => Registry.lookup("gone", "k")).toThrow(Registry.UnknownRegistryError);
      expect(() => Registry.lookup(reg, "k")).toThrow(Registry.UnknownRegistryError);
    }));

  it("start works outside process code in a given runtime", async () => {
    const runtime = createRuntime();
    const reg = await Registry.start({ keys: "unique", runtime });
    expect(runtime.processes().length).toBe(2);
    await Supervisor.stop(reg.pid);
    await runtime.shutdown();
  });
});

describe("a supervisor with one partition per partition (item 2)", () => {
  it("starts the configured number of partitions", () =>
    withRuntime(async ({ runtime }) => {
      for (const n of [1, 3, 8]) {
        const reg = await Registry.startLink({ keys: "duplicate", partitions: n });
        const parts = await partitions(reg.pid);
        expect(parts).toHaveLength(n);
        for (const p of parts) expect(runtime.processInfo(p)?.behaviour).toBe("Registry.Partition");
        const counts = await Supervisor.countChildren(reg.pid);
        expect(counts.active).toBe(n);
      }
    }));

  it("childSpec starts it under a supervisor", () =>
    withRuntime(async () => {
      const sup = await Supervisor.startLink(
        [Registry.childSpec({ keys: "unique", name: "tree" })],
        {
          strategy: "one_for_one",
        },
      );
      const [child] = await Supervisor.whichChildren(sup);
      expect(child?.type).toBe("supervisor");
      expect(Registry.count("tree")).toBe(0);
    }));

  // BEAM (Elixir 1.14): Supervisor.child_spec({Registry, keys: :unique, name: Foo}, []).id is Foo.
  it("the child id is the name, so two named registries start side by side", () =>
    withRuntime(async () => {
      expect(Registry.childSpec({ keys: "unique", name: "a" }).id).toBe("a");
      expect(Registry.childSpec({ keys: "unique" }).id).toBe("Registry");
      const sup = await Supervisor.startLink(
        [
          Registry.childSpec({ keys: "unique", name: "a" }),
          Registry.childSpec({ keys: "duplicate", name: "b" }),
        ],
        { strategy: "one_for_one" },
      );
      expect((await Supervisor.whichChildren(sup)).map((c) => c.id).sort()).toEqual(["a", "b"]);
    }));
});
