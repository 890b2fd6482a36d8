// Type tests: typed keys and values flow from startLink to every function.
import type { Pid, ViaName } from "@trellis/core";
import * as Ets from "@trellis/ets-table";
import * as Registry from "@trellis/registry";
import { describe, expectTypeOf, it } from "vitest";

declare const reg: Registry.RegistryHandle<["user", number], { role: string }>;

describe("typed registries", () => {
  it("startLink carries K and V into the handle", () => {
    expectTypeOf(Registry.startLink<string, number>({ keys: "unique" })).toEqualTypeOf<
      Promise<Registry.RegistryHandle<string, number>>
    >();
  });

  it("register checks keys and values", () => {
    expectTypeOf(
      Registry.register(reg, ["user", 1], { role: "admin" }),
    ).toEqualTypeOf<Registry.RegisterResult>();
    // @ts-expect-error wrong key type
    Registry.register(reg, "user", { role: "admin" });
    // @ts-expect-error wrong value type
    Registry.register(reg, ["user", 1], { role: 1 });
  });

  it("reads infer the value and key types", () => {
    expectTypeOf(Registry.lookup(reg, ["user", 1])).toEqualTypeOf<
      Registry.Entry<{ role: string }>[]
    >();
    expectTypeOf(Registry.values(reg, ["user", 1], {} as Pid)).toEqualTypeOf<{ role: string }[]>();
    expectTypeOf(Registry.keys(reg, {} as Pid)).toEqualTypeOf<["user", number][]>();
    expectTypeOf(Registry.match(reg, ["user", 1], { role: Ets._ })).toEqualTypeOf<
      Registry.Entry<{ role: string }>[]
    >();
    expectTypeOf(Registry.count(reg)).toEqualTypeOf<number>();
  });

  it("updateValue's function gets and returns V", () => {
    const r = Registry.updateValue(reg, ["user", 1], (old) => {
      expectTypeOf(old).toEqualTypeOf<{ role: string }>();
      return { role: "x" };
    });
    expectTypeOf(r).toEqualTypeOf<Registry.UpdateResult<{ role: string }>>();
  });

  it("dispatch is synchronous unless parallel", () => {
    expectTypeOf(Registry.dispatch(reg, ["user", 1], () => {})).toEqualTypeOf<void>();
    expectTypeOf(Registry.dispatch(reg, ["user", 1], () => {}, { parallel: true })).toEqualTypeOf<
      Promise<void>
    >();
    Registry.dispatch(reg, ["user", 1], (entries) => {
      expectTypeOf(entries).toEqualTypeOf<Registry.Entry<{ role: string }>[]>();
    });
  });

  it("via returns core's ViaName with the key type", () => {
    expectTypeOf(Registry.via(reg, ["user", 1])).toEqualTypeOf<ViaName<["user", number]>>();
    // @ts-expect-error wrong key type
    Registry.via(reg, 42);
  });

  it("names are untyped registries", () => {
    expectTypeOf(Registry.lookup("reg", "anything")).toEqualTypeOf<
      Registry.Entry<import("@trellis/core").Term>[]
    >();
  });

  it("listener messages narrow with the guards", () => {
    const msg: unknown = null;
    if (Registry.isRegister(msg)) expectTypeOf(msg.pid).toEqualTypeOf<Pid>();
    if (Registry.isUnregister(msg)) expectTypeOf(msg.type).toEqualTypeOf<"unregister">();
  });
});
