import type { Pid } from "@trellis/core";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import type * as Supervisor from "@trellis/supervisor";
import { expectTypeOf, test } from "vitest";

const spec: Supervisor.ChildSpec = { id: "w", start: async (..._extra: unknown[]) => "ignore" };

test("starting", () => {
  expectTypeOf(DynamicSupervisor.startLink()).toEqualTypeOf<Promise<Pid>>();
  expectTypeOf(DynamicSupervisor.startLink({ maxChildren: 10, name: "x" })).toEqualTypeOf<
    Promise<Pid>
  >();
  // @ts-expect-error a DynamicSupervisor only knows one_for_one
  void DynamicSupervisor.startLink({ strategy: "one_for_all" });
  const Def = DynamicSupervisor.define((n: number) => DynamicSupervisor.init({ maxChildren: n }));
  expectTypeOf(Def).toEqualTypeOf<
    DynamicSupervisor.Definition<number, DynamicSupervisor.InitFlags>
  >();
  // init cannot ignore: a pid, without a cast (issue #15 item 13)
  expectTypeOf(DynamicSupervisor.startLink(Def, 5)).toEqualTypeOf<Promise<Pid>>();
  expectTypeOf(DynamicSupervisor.start(Def, 5)).toEqualTypeOf<Promise<Pid>>();
  const Async = DynamicSupervisor.define(async () => DynamicSupervisor.init());
  expectTypeOf(DynamicSupervisor.start(Async, undefined)).toEqualTypeOf<Promise<Pid>>();
  // init can ignore: "ignore" too
  const Maybe = DynamicSupervisor.define((on: boolean) =>
    on ? DynamicSupervisor.init() : "ignore",
  );
  expectTypeOf(DynamicSupervisor.startLink(Maybe, true)).toEqualTypeOf<Promise<Pid | "ignore">>();
  const Never = DynamicSupervisor.define(() => "ignore");
  expectTypeOf(DynamicSupervisor.start(Never, undefined)).toEqualTypeOf<Promise<Pid | "ignore">>();
  // an annotated definition keeps the general type
  const Pool: DynamicSupervisor.Definition<number> = { init: () => DynamicSupervisor.init() };
  expectTypeOf(DynamicSupervisor.start(Pool, 1)).toEqualTypeOf<Promise<Pid | "ignore">>();
  expectTypeOf<DynamicSupervisor.Started<DynamicSupervisor.InitFlags>>().toEqualTypeOf<Pid>();
  // @ts-expect-error init returns flags or "ignore"
  DynamicSupervisor.define(() => "skip");
  // @ts-expect-error the argument type flows from init
  void DynamicSupervisor.startLink(Def, "five");
  expectTypeOf(DynamicSupervisor.init()).toEqualTypeOf<DynamicSupervisor.InitFlags>();
});

test("children", () => {
  expectTypeOf(DynamicSupervisor.startChild("s", spec)).toEqualTypeOf<Promise<Pid | "ignore">>();
  expectTypeOf(DynamicSupervisor.terminateChild).parameter(1).toEqualTypeOf<Pid>();
  // @ts-expect-error children are found by pid, not by id
  void DynamicSupervisor.terminateChild("s", "w");
  expectTypeOf(DynamicSupervisor.whichChildren("s")).toEqualTypeOf<
    Promise<Supervisor.ChildInfo[]>
  >();
  expectTypeOf(DynamicSupervisor.countChildren("s")).toEqualTypeOf<
    Promise<Supervisor.ChildCounts>
  >();
  expectTypeOf(DynamicSupervisor.childSpec()).toEqualTypeOf<Supervisor.ChildSpec>();
  expectTypeOf(DynamicSupervisor.stop("s", "normal", 1000)).toEqualTypeOf<Promise<void>>();
});
