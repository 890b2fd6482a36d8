// Agent functions with `{ name, node }` (Elixir's `Agent.get({name, node}, …)`) between two
// runtimes connected in memory, under one virtual clock. In memory, functions cross by
// reference.
import * as Agent from "@trellis/agent";
import { CallError, NoProcessError } from "@trellis/core";
import { describe, expect, it } from "vitest";
import { withTwoNodes } from "../../core/test/support/two-nodes.js";

const withNodes = withTwoNodes;

const cache = { name: "cache", node: "b@host" };

describe("Agent with { name, node }", () => {
  it("get, update, getAndUpdate, cast and stop reach the agent on the other node", () =>
    withNodes(async (a, b) => {
      const pid = await b.run(() => Agent.start(() => ({ hits: 0 }), { name: "cache" }));
      await a.run(async () => {
        expect(await Agent.get(cache, (s: { hits: number }) => s.hits)).toBe(0);
        await Agent.update(cache, (s: { hits: number }) => ({ hits: s.hits + 1 }));
        Agent.cast(cache, (s: { hits: number }) => ({ hits: s.hits + 10 }));
        expect(
          await Agent.getAndUpdate(cache, (s: { hits: number }) => [s.hits, { hits: 0 }]),
        ).toBe(11);
        expect(await Agent.get(cache, (s: { hits: number }) => s.hits)).toBe(0);
        await Agent.stop(cache);
      });
      expect(b.isAlive(pid)).toBe(false);
    }));

  it("a name nobody holds rejects with NoProcessError; an unreachable node with nodedown", () =>
    withNodes(async (a) => {
      await a.run(async () => {
        await expect(Agent.get(cache, (s) => s)).rejects.toBeInstanceOf(NoProcessError);
        const err = await Agent.get({ name: "cache", node: "c@host" }, (s) => s).catch(
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(CallError);
        expect((err as CallError).reason).toEqual({ nodedown: "c@host" });
      });
    }));
});
