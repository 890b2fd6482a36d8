// Type tests: the agent handle carries the state type.
import * as Agent from "@trellis/agent";
import type { Pid } from "@trellis/core";
import type * as GenServer from "@trellis/gen-server";
import { describe, expectTypeOf, it } from "vitest";

declare const counter: Agent.Agent<number>;
declare const pid: Pid;

describe("Agent types", () => {
  it("start infers the state type from the initial function", () => {
    expectTypeOf(Agent.start(() => 0)).resolves.toEqualTypeOf<Agent.Agent<number>>();
    expectTypeOf(Agent.startLink(async () => ["a"])).resolves.toEqualTypeOf<
      Agent.Agent<string[]>
    >();
  });

  it("get, update, getAndUpdate and cast check their function against the state", () => {
    expectTypeOf(Agent.get(counter, (n) => String(n))).resolves.toEqualTypeOf<string>();
    expectTypeOf(Agent.get(counter, async (n) => n > 0)).resolves.toEqualTypeOf<boolean>();
    expectTypeOf(Agent.update(counter, (n) => n + 1)).resolves.toBeVoid();
    expectTypeOf(
      Agent.getAndUpdate(counter, (n) => [`was ${n}`, n + 1]),
    ).resolves.toEqualTypeOf<string>();
    expectTypeOf(Agent.cast(counter, (n) => n * 2)).toBeVoid();
    // @ts-expect-error: the state is a number
    void Agent.update(counter, (n) => `${n}`);
    // @ts-expect-error: the state is a number
    void Agent.get(counter, (s: string) => s);
    // @ts-expect-error: getAndUpdate must return [reply, state]
    void Agent.getAndUpdate(counter, (n) => n);
    // @ts-expect-error: the new state must be a number
    Agent.cast(counter, () => "x");
  });

  it("a plain pid or name takes the state type from the function", () => {
    expectTypeOf(Agent.get(pid, (s: { n: number }) => s.n)).resolves.toEqualTypeOf<number>();
    expectTypeOf(Agent.get("name", (s) => s)).resolves.toBeUnknown();
    void Agent.update("name", (s: number) => s + 1);
  });

  // Issue #15 item 13: the state type given alone (TypeScript then infers no other type
  // argument, so the result is unknown unless given as the second).
  it("get and getAndUpdate take the state type alone", () => {
    expectTypeOf(Agent.get<number>("name", (s) => s + 1)).resolves.toBeUnknown();
    expectTypeOf(Agent.get<number>(pid, (s) => s)).resolves.toBeUnknown();
    void Agent.get<number>("name", (s) => {
      expectTypeOf(s).toEqualTypeOf<number>();
      return s;
    });
    void Agent.get<number>(counter, (s) => {
      expectTypeOf(s).toEqualTypeOf<number>();
      return s;
    });
    expectTypeOf(Agent.get<number, string>("name", (s) => String(s))).resolves.toBeString();
    // @ts-expect-error: the result is not a string
    void Agent.get<number, string>("name", (s) => s);
    // @ts-expect-error: counter holds a number, not a string
    void Agent.get<string>(counter, (s) => s);
    expectTypeOf(
      Agent.getAndUpdate<number, string>("name", (s) => [String(s), s + 1]),
    ).resolves.toBeString();
    void Agent.getAndUpdate<number>("name", (s) => {
      expectTypeOf(s).toEqualTypeOf<number>();
      return [null, s];
    });
  });

  it("an agent is a Pid, and an Agent<number> is not an Agent<string>", () => {
    expectTypeOf(counter).toMatchTypeOf<Pid>();
    expectTypeOf(counter).not.toMatchTypeOf<Agent.Agent<string>>();
    expectTypeOf(counter).not.toMatchTypeOf<Agent.Agent<number | string>>();
  });

  it("timeouts are numbers or { timeout }, and childSpec returns a ChildSpec", () => {
    void Agent.get(counter, (n) => n, 100);
    void Agent.get(counter, (n) => n, { timeout: Number.POSITIVE_INFINITY });
    expectTypeOf(Agent.childSpec(() => 0)).toEqualTypeOf<GenServer.ChildSpec>();
    expectTypeOf(Agent.stop(counter)).resolves.toBeVoid();
  });
});

// Issue #15 item 13: Agent.named, like GenServer.named.
describe("Agent.named", () => {
  it("types a name with the state, checked like a typed pid", () => {
    const cache = Agent.named<Map<string, number>>("cache");
    expectTypeOf(cache).toEqualTypeOf<Agent.AgentRef<Map<string, number>>>();
    expectTypeOf(Agent.get(cache, (m) => m.get("hits"))).resolves.toEqualTypeOf<
      number | undefined
    >();
    // @ts-expect-error the state is a Map, not a number
    Agent.update(cache, (n: number) => n + 1);
    expectTypeOf(counter).toMatchTypeOf<Agent.AgentRef<number>>();
  });
});
