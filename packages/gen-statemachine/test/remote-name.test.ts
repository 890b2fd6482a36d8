// GenStateMachine.call / cast to `{ name, node }` (Erlang's `gen_statem:call({Name, Node}, …)`)
// between two runtimes connected in memory, under one virtual clock.
import { CallError, NoProcessError } from "@trellis/core";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { describe, expect, it } from "vitest";
import { withTwoNodes } from "../../core/test/support/two-nodes.js";

const { ok, nextState, keepStateAndData } = GenStateMachine.Result;
const { reply } = GenStateMachine.Action;

interface DoorTypes {
  state: "locked" | "open";
  data: number;
  casts: "push";
  calls: GenStateMachine.Request<"state", string>;
}

/** A door: a cast toggles it; a call answers its state and how often it was pushed. */
const Door = GenStateMachine.define({
  types: {} as DoorTypes,
  callbackMode: "stateFunctions",
  init: (_: undefined) => ok("locked", 0),
  states: {
    locked(event, n) {
      if (event.type === "call") return keepStateAndData(reply(event.from, `locked ${n}`));
      return nextState("open", n + 1);
    },
    open(event, n) {
      if (event.type === "call") return keepStateAndData(reply(event.from, `open ${n}`));
      return nextState("locked", n + 1);
    },
  },
});

const withNodes = withTwoNodes;

const door = { name: "door", node: "b@host" };

describe("GenStateMachine with { name, node }", () => {
  it("call and cast reach the machine registered on the other node", () =>
    withNodes(async (a, b) => {
      const pid = await b.run(() => GenStateMachine.start(Door, undefined, { name: "door" }));
      await a.run(async () => {
        expect(await GenStateMachine.call(door, "state")).toBe("locked 0");
        GenStateMachine.cast(door, "push");
        expect(await GenStateMachine.call(door, "state")).toBe("open 1");
        await GenStateMachine.stop(door);
      });
      expect(b.isAlive(pid)).toBe(false);
    }));

  it("a name nobody holds rejects with NoProcessError; an unreachable node with nodedown", () =>
    withNodes(async (a) => {
      await a.run(async () => {
        await expect(GenStateMachine.call(door, "state")).rejects.toBeInstanceOf(NoProcessError);
        const err = await GenStateMachine.call({ name: "door", node: "c@host" }, "state").catch(
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(CallError);
        expect((err as CallError).reason).toEqual({ nodedown: "c@host" });
        expect(() => GenStateMachine.cast(door, "push")).not.toThrow();
      });
    }));
});
