import type { Pid } from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";
import { describe, expectTypeOf, test } from "vitest";

const spec: Supervisor.ChildSpec = { id: "w", start: async () => "ignore" };

describe("starting", () => {
  test("with a list of children: a Pid; the strategy is required and checked", () => {
    expectTypeOf(Supervisor.startLink([spec], { strategy: "one_for_one" })).toEqualTypeOf<
      Promise<Pid>
    >();
    expectTypeOf(Supervisor.start([spec], { strategy: "rest_for_one", name: "x" })).toEqualTypeOf<
      Promise<Pid>
    >();
    // @ts-expect-error the strategy is required
    void Supervisor.startLink([spec], {});
    // @ts-expect-error not a strategy of a static supervisor
    void Supervisor.startLink([spec], { strategy: "simple_one_for_one" });
    // @ts-expect-error autoShutdown values are checked
    void Supervisor.startLink([spec], { strategy: "one_for_one", autoShutdown: "always" });
  });

  test("with a definition: the argument type flows from init; ignore is possible", () => {
    const Def = Supervisor.define((_n: number) =>
      Supervisor.init([spec], { strategy: "one_for_all" }),
    );
    expectTypeOf(Def).toEqualTypeOf<Supervisor.Definition<number>>();
    expectTypeOf(Supervisor.startLink(Def, 3)).toEqualTypeOf<Promise<Pid | "ignore">>();
    // @ts-expect-error the argument must be a number
    void Supervisor.startLink(Def, "three");
    const Ign = Supervisor.define({ init: () => "ignore" as const });
    expectTypeOf(Ign).toEqualTypeOf<Supervisor.Definition<void>>();
  });
});

describe("child specs", () => {
  test("fields are typed", () => {
    expectTypeOf<Supervisor.ChildSpec["restart"]>().toEqualTypeOf<
      Supervisor.RestartType | undefined
    >();
    expectTypeOf<Supervisor.ChildSpec["shutdown"]>().toEqualTypeOf<
      Supervisor.Shutdown | undefined
    >();
    expectTypeOf<Supervisor.ResolvedChildSpec["shutdown"]>().toEqualTypeOf<Supervisor.Shutdown>();
    // @ts-expect-error not a restart type
    const bad: Supervisor.ChildSpec = { id: 1, start: async () => "ignore", restart: "always" };
    void bad;
  });

  test("childSpec makes a ChildSpec from either form", () => {
    expectTypeOf(
      Supervisor.childSpec([spec], { strategy: "one_for_one", id: "sub" }),
    ).toEqualTypeOf<Supervisor.ChildSpec>();
    const Def = Supervisor.define((_s: string) => Supervisor.init([], { strategy: "one_for_one" }));
    expectTypeOf(
      Supervisor.childSpec(Def, "x", { shutdown: 1000 }),
    ).toEqualTypeOf<Supervisor.ChildSpec>();
    // @ts-expect-error the argument type is checked
    void Supervisor.childSpec(Def, 42);
  });
});

describe("client functions", () => {
  test("results", () => {
    expectTypeOf(Supervisor.startChild("sup", spec)).toEqualTypeOf<Promise<Pid | "ignore">>();
    expectTypeOf(Supervisor.restartChild("sup", "w")).toEqualTypeOf<Promise<Pid | "ignore">>();
    expectTypeOf(Supervisor.terminateChild("sup", "w")).toEqualTypeOf<Promise<void>>();
    expectTypeOf(Supervisor.deleteChild("sup", "w")).toEqualTypeOf<Promise<void>>();
    expectTypeOf(Supervisor.whichChildren("sup")).toEqualTypeOf<Promise<Supervisor.ChildInfo[]>>();
    expectTypeOf(Supervisor.countChildren("sup")).toEqualTypeOf<Promise<Supervisor.ChildCounts>>();
    expectTypeOf(Supervisor.getChildSpec("sup", "w")).toEqualTypeOf<
      Promise<Supervisor.ResolvedChildSpec>
    >();
    expectTypeOf(Supervisor.tree("sup")).toEqualTypeOf<Promise<Supervisor.TreeNode[]>>();
    expectTypeOf(Supervisor.stop("sup")).toEqualTypeOf<Promise<void>>();
  });

  test("which_children entries say pid, undefined or restarting", () => {
    expectTypeOf<Supervisor.ChildInfo["pid"]>().toEqualTypeOf<Pid | undefined | "restarting">();
    expectTypeOf<Supervisor.ChildInfo["type"]>().toEqualTypeOf<"worker" | "supervisor">();
  });
});

describe("errors", () => {
  test("reasons are literal unions", () => {
    expectTypeOf<Supervisor.ChildError["reason"]>().toEqualTypeOf<
      "not_found" | "running" | "restarting" | "already_present" | "max_children"
    >();
    expectTypeOf<
      Supervisor.ChildSpecError["reason"]
    >().toEqualTypeOf<Supervisor.ChildSpecProblem>();
    expectTypeOf<
      Supervisor.SupervisorFlagsError["reason"]
    >().toEqualTypeOf<Supervisor.FlagsProblem>();
    expectTypeOf<Supervisor.ChildAlreadyStartedError["pid"]>().toEqualTypeOf<Pid>();
    expectTypeOf<Supervisor.StartChildError["childId"]>().toEqualTypeOf<unknown>();
  });
});
