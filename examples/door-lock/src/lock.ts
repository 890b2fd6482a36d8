// A door with a code lock: the right code opens it, a state timeout locks it again after
// OPEN_MS, and wrong codes are counted.
import * as GenStateMachine from "@trellis/gen-statemachine";

const { ok, nextState, keepState, keepStateAndData } = GenStateMachine.Result;
const { reply, stateTimeout } = GenStateMachine.Action;

/** How long the door stays open: 5 seconds. */
export const OPEN_MS = 5000;

export type Answer = "opened" | "wrong code" | "already open" | "locked";

export interface LockTypes {
  state: "locked" | "open";
  data: { readonly code: string; readonly wrong: number };
  calls:
    | GenStateMachine.Request<{ type: "enter"; code: string }, Answer>
    | GenStateMachine.Request<{ type: "lock" }, Answer>
    | GenStateMachine.Request<{ type: "status" }, { state: "locked" | "open"; wrong: number }>;
}

export const CodeLock: GenStateMachine.Definition<LockTypes, string> = GenStateMachine.define({
  types: {} as LockTypes,
  callbackMode: "stateFunctions",
  stateEnter: true,
  initial: "locked",
  transitions: [
    { from: "locked", to: "open", label: "right code" },
    { from: "open", to: "locked", label: "lock / after 5 s" },
  ],
  init: (code: string) => ok("locked", { code, wrong: 0 }),
  states: {
    locked(event, data) {
      if (event.type !== "call") return keepStateAndData();
      const { content: req, from } = event;
      switch (req.type) {
        case "enter":
          if (req.code === data.code)
            return nextState("open", { ...data, wrong: 0 }, reply(from, "opened"));
          return keepState({ ...data, wrong: data.wrong + 1 }, reply(from, "wrong code"));
        case "lock":
          return keepStateAndData(reply(from, "locked"));
        case "status":
          return keepStateAndData(reply(from, { state: "locked", wrong: data.wrong }));
      }
    },
    open(event, data) {
      switch (event.type) {
        case "enter": // entering the state, whichever way: arm the re-lock
          return keepStateAndData(stateTimeout(OPEN_MS, "relock"));
        case "stateTimeout":
          return nextState("locked", data);
        case "call": {
          const { content: req, from } = event;
          if (req.type === "enter") return keepStateAndData(reply(from, "already open"));
          if (req.type === "lock") return nextState("locked", data, reply(from, "locked"));
          return keepStateAndData(reply(from, { state: "open", wrong: data.wrong }));
        }
        default:
          return keepStateAndData();
      }
    },
  },
});
